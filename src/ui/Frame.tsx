import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import { glyphsFor, screenText } from './glyphs.js';
import { cellWidth, fit } from './text.js';

export interface FrameProps {
  title: string;
  /** dim text after the title, e.g. progress or the filter */
  info?: string;
  focused: boolean;
  width: number;
  height: number;
  ascii: boolean;
  children: ReactNode;
}

/** A bordered box whose top border carries the title, lazygit style. */
export function Frame({ title, info, focused, width, height, ascii, children }: FrameProps) {
  const g = glyphsFor(ascii);
  const [corner, line, endCorner] = g.top;
  const label = screenText(focused ? `[${title}]` : ` ${title} `, g);
  const extra = info ? screenText(` ${info} `, g) : '';
  const room = width - 3 - cellWidth(label);
  const shownExtra = room > 4 ? (cellWidth(extra) > room ? fit(extra, room, g) : extra) : '';
  const rest = Math.max(0, width - 3 - cellWidth(label) - cellWidth(shownExtra));
  const color = focused ? 'cyan' : 'gray';
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text color={color} wrap="truncate-end">
        {corner}
        {line}
        <Text bold={focused} color={focused ? 'cyanBright' : undefined}>
          {label}
        </Text>
        <Text dimColor>{shownExtra}</Text>
        {line.repeat(rest)}
        {endCorner}
      </Text>
      <Box
        flexDirection="column"
        borderStyle={g.border}
        borderTop={false}
        borderColor={color}
        height={height - 1}
        width={width}
        overflow="hidden"
      >
        {children}
      </Box>
    </Box>
  );
}
