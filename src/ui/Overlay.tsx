import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import { glyphsFor, screenText } from './glyphs.js';
import { cellWidth, fit } from './text.js';

export interface OverlayProps {
  width: number;
  height: number;
  ascii: boolean;
  /** `warn` for questions and errors (yellow), `info` for views and lists (cyan) */
  tone?: 'info' | 'warn';
  /** the first line, bold */
  title?: string;
  /** dim text after the title, cut to the room left */
  info?: string;
  children?: ReactNode;
}

/** The bordered box that overlays, views and dialogs draw over the body (ASCII borders with --ascii). */
export function Overlay({ width, height, ascii, tone = 'info', title, info, children }: OverlayProps) {
  const g = glyphsFor(ascii);
  const inner = Math.max(1, width - 4);
  const titleColor = tone === 'warn' ? 'yellow' : 'cyanBright';
  let titleLine: ReactNode = null;
  if (title !== undefined && info === undefined) {
    titleLine = (
      <Text bold color={titleColor} wrap="truncate-end">
        {fit(title, inner, g)}
      </Text>
    );
  } else if (title !== undefined && info !== undefined) {
    const head = screenText(title, g);
    const room = inner - cellWidth(head) - 1;
    titleLine = (
      <Text bold color={titleColor} wrap="truncate-end">
        {head}
        {room > 0 ? ' ' : ''}
        {room > 0 ? <Text dimColor>{fit(info, room, g).trimEnd()}</Text> : null}
      </Text>
    );
  }
  return (
    <Box
      flexDirection="column"
      width={width}
      height={height}
      borderStyle={g.border}
      borderColor={tone === 'warn' ? 'yellow' : 'cyan'}
      paddingX={1}
      overflow="hidden"
    >
      {titleLine}
      {children}
    </Box>
  );
}
