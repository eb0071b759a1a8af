import { Box, Text } from 'ink';
import { type Group, KEYMAP } from './keymap.js';
import { phaseGlyph } from './runText.js';
import { cellWidth, fit } from './text.js';

/** The key column is 10 cells wide; a description follows it on the same line. */
const KEYS_WIDTH = 10;
const MARKER_WIDTH = 6;

interface Column {
  groups: Group[];
  /** lines under a group's bindings */
  notes?: Partial<Record<Group, string[]>>;
  markers?: boolean;
}

/** Three columns so that every binding fits one 80x24 screen (20 rows under the title). */
const COLUMNS: Column[] = [
  { groups: ['Move', 'Panes', 'Filter', 'General'] },
  {
    groups: ['Runs', 'Run pane', 'Todos'],
    notes: { 'Run pane': ['panes side by side ≥120 cols,', 'else stacked or paged by [ ]'] },
  },
  { groups: ['Generations'], markers: true },
];

const HEADINGS: Partial<Record<Group, string>> = {
  Runs: 'Runs (on the selected host)',
  'Run pane': 'Run pane (4)',
  Generations: 'Generations (2)',
};

function markers(ascii: boolean): [string, string][] {
  return [
    ['cur', 'current profile'],
    ['run', 'running system'],
    ['boot', 'booted system'],
    ['pin', 'pinned: kept'],
    ['*', 'marked: delete'],
    ['=', 'marked: diff'],
    ['local', 'this machine'],
    [phaseGlyph('running', ascii), 'run going'],
    [`${phaseGlyph('succeeded', ascii)} ${phaseGlyph('failed', ascii)}`, 'run ok/failed'],
    [`${phaseGlyph('partial', ascii)} ${phaseGlyph('cancelled', ascii)}`, 'partial/cancelled'],
  ];
}

/** How many lines a column takes: headings, bindings, notes, markers. */
function columnLines(column: Column, ascii: boolean): number {
  let n = 0;
  for (const group of column.groups) n += 1 + KEYMAP.filter((b) => b.group === group).length + (column.notes?.[group]?.length ?? 0);
  if (column.markers) n += 1 + markers(ascii).length;
  return n;
}

function naturalWidth(column: Column, ascii: boolean): number {
  let width = 0;
  for (const group of column.groups) {
    width = Math.max(width, cellWidth(HEADINGS[group] ?? group));
    for (const b of KEYMAP) if (b.group === group) width = Math.max(width, KEYS_WIDTH + cellWidth(b.description));
    for (const note of column.notes?.[group] ?? []) width = Math.max(width, cellWidth(note));
  }
  if (column.markers) for (const [m, d] of markers(ascii)) width = Math.max(width, Math.max(MARKER_WIDTH, cellWidth(m) + 1) + cellWidth(d));
  return width;
}

/** Natural widths (plus a gap between columns), widened or narrowed to the screen. */
function columnWidths(width: number, ascii: boolean): number[] {
  const natural = COLUMNS.map((c, i) => naturalWidth(c, ascii) + (i < COLUMNS.length - 1 ? 1 : 0));
  const sum = natural.reduce((a, b) => a + b, 0);
  const widths = natural.map((w) => (sum <= width ? w + Math.floor((width - sum) / COLUMNS.length) : Math.floor((w * width) / sum)));
  const used = widths.slice(0, -1).reduce((a, b) => a + b, 0);
  widths[widths.length - 1] = width - used;
  return widths;
}

/** Every binding of the keymap, grouped; Esc, q or ? closes it. */
export function HelpOverlay({ width, height, ascii = false }: { width: number; height: number; ascii?: boolean }) {
  const widths = columnWidths(width, ascii);
  const rule = ascii ? '-' : '─';
  const title = ' nixdeck keys ';
  const closes = '(Esc, q or ? closes) ';
  const restRule = Math.max(0, width - 2 - cellWidth(title) - cellWidth(closes));
  // the closing rule only when every column fits above it
  const longest = Math.max(...COLUMNS.map((c) => columnLines(c, ascii)));
  const closingRule = height - 2 >= longest;
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text color="cyan" wrap="truncate-end">
        {rule.repeat(2)}
        <Text bold color="cyanBright">
          {title}
        </Text>
        <Text dimColor>{closes}</Text>
        {rule.repeat(restRule)}
      </Text>
      <Box height={Math.max(0, height - (closingRule ? 2 : 1))} overflow="hidden">
        {COLUMNS.map((column, c) => {
          const colWidth = widths[c] ?? 0;
          return (
            <Box key={c} flexDirection="column" width={colWidth} overflow="hidden">
              {column.groups.map((group) => (
                <Box key={group} flexDirection="column">
                  <Text bold color="magenta" wrap="truncate-end">
                    {HEADINGS[group] ?? group}
                  </Text>
                  {KEYMAP.filter((b) => b.group === group).map((b) => (
                    <Text key={b.command} wrap="truncate-end">
                      <Text color="yellow">{fit(b.keys, KEYS_WIDTH)}</Text>
                      {b.description}
                    </Text>
                  ))}
                  {(column.notes?.[group] ?? []).map((note) => (
                    <Text key={note} dimColor wrap="truncate-end">
                      {note}
                    </Text>
                  ))}
                </Box>
              ))}
              {column.markers ? (
                <Box flexDirection="column">
                  <Text bold color="magenta">
                    Markers
                  </Text>
                  {markers(ascii).map(([m, d]) => (
                    <Text key={d} wrap="truncate-end">
                      <Text color="cyan">{fit(m, Math.max(MARKER_WIDTH, cellWidth(m) + 1))}</Text>
                      {d}
                    </Text>
                  ))}
                </Box>
              ) : null}
            </Box>
          );
        })}
      </Box>
      {closingRule ? (
        <Text color="cyan" wrap="truncate-end">
          {rule.repeat(Math.max(0, width))}
        </Text>
      ) : null}
    </Box>
  );
}
