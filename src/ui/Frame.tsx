import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import { cellWidth } from './text.js';

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
  const [corner, line, endCorner] = ascii ? ['+', '-', '+'] : ['╭', '─', '╮'];
  const label = focused ? `[${title}]` : ` ${title} `;
  const extra = info ? ` ${info} ` : '';
  const room = width - 3 - cellWidth(label);
  const shownExtra = room > 4 ? (cellWidth(extra) > room ? `${extra.slice(0, room - 1)}…` : extra) : '';
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
        borderStyle={ascii ? 'classic' : 'round'}
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
