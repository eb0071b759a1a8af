import { Box, Text } from 'ink';
import { type Glyphs, glyphsFor, screenText } from './glyphs.js';
import { type Group, KEYMAP, keyLabel } from './keymap.js';
import { cellWidth, fit } from './text.js';

/** The key column is 10 cells wide; a description follows it on the same line. */
const KEYS_WIDTH = 10;
const MARKER_WIDTH = 6;
const GAP = 1;
const MAX_COLUMNS = 3;

/** The groups in reading order; a column break falls only between groups. */
const GROUPS: Group[] = ['Move', 'Filter', 'Panes', 'General', 'Runs', 'Run pane', 'Todos', 'Generations', 'Repository', 'Questions', 'Views', 'Typing'];

const NOTES: Partial<Record<Group, string[]>> = {
  Move: ['in lists, logs, help, diffs'],
  'Run pane': ['panes side by side ≥120 cols,', 'else stacked or paged by [ ]'],
  Typing: ['filter, log search, password,', 'keep policy; other keys type'],
};

const HEADINGS: Partial<Record<Group, string>> = {
  Runs: 'Runs (on the selected host)',
  'Run pane': 'Run pane (4)',
  Generations: 'Generations (2)',
  Repository: 'Repository (I, l)',
  Questions: 'Questions (default No)',
  Views: 'Diff, prune, lists, help',
};

/** A group's lines: one per binding, a binding that differs only in where it acts listed once. */
function groupBindings(group: Group, g: Glyphs): HelpLine[] {
  const seen = new Set<string>();
  const lines: HelpLine[] = [];
  for (const b of KEYMAP) {
    if (b.group !== group) continue;
    const line = { kind: 'binding', keys: screenText(keyLabel(b), g), text: screenText(b.description, g) } as const;
    const id = `${line.keys}\n${line.text}`;
    if (seen.has(id)) continue;
    seen.add(id);
    lines.push(line);
  }
  return lines;
}

type HelpLine =
  | { kind: 'heading'; text: string }
  | { kind: 'binding'; keys: string; text: string }
  | { kind: 'note'; text: string }
  | { kind: 'marker'; mark: string; text: string }
  | { kind: 'blank' };

function markers(g: Glyphs): [string, string][] {
  return [
    ['cur', 'current profile'],
    ['run', 'running system'],
    ['boot', 'booted system'],
    ['pin', 'pinned: kept'],
    ['*', 'marked: delete'],
    ['=', 'marked: diff'],
    ['local', 'this machine'],
    [g.phase.running, 'run going'],
    [`${g.phase.succeeded} ${g.phase.failed}`, 'run ok/failed'],
    [`${g.phase.partial} ${g.phase.cancelled}`, 'partial/cancelled'],
  ];
}

/** The help in blocks (a group with its bindings and notes, then the markers), screen-safe. */
function helpBlocks(g: Glyphs): HelpLine[][] {
  const blocks: HelpLine[][] = GROUPS.map((group) => [
    { kind: 'heading', text: screenText(HEADINGS[group] ?? group, g) },
    ...groupBindings(group, g),
    ...(NOTES[group] ?? []).map((note): HelpLine => ({ kind: 'note', text: screenText(note, g) })),
  ]);
  blocks.push([{ kind: 'heading', text: 'Markers' }, ...markers(g).map(([mark, text]): HelpLine => ({ kind: 'marker', mark, text }))]);
  return blocks;
}

function lineWidth(line: HelpLine): number {
  switch (line.kind) {
    case 'binding':
      return KEYS_WIDTH + cellWidth(line.text);
    case 'marker':
      return Math.max(MARKER_WIDTH, cellWidth(line.mark) + 1) + cellWidth(line.text);
    case 'blank':
      return 0;
    default:
      return cellWidth(line.text);
  }
}

/**
 * The blocks in as many columns as fit side by side at their natural width (at most three),
 * each column about as long as the others; a blank line between blocks of a column.
 */
export function helpColumns(width: number, g: Glyphs): { columns: HelpLine[][]; columnWidth: number } {
  const blocks = helpBlocks(g);
  const natural = Math.max(...blocks.flat().map(lineWidth));
  const count = Math.max(1, Math.min(MAX_COLUMNS, Math.floor((width + GAP) / (natural + GAP))));
  const total = blocks.reduce((n, b) => n + b.length + 1, 0);
  const target = Math.ceil(total / count);
  const columns: HelpLine[][] = [[]];
  for (const block of blocks) {
    let column = columns[columns.length - 1] ?? [];
    if (column.length > 0 && column.length + 1 + block.length > target && columns.length < count) {
      column = [];
      columns.push(column);
    }
    if (column.length > 0) column.push({ kind: 'blank' });
    column.push(...block);
  }
  return { columns, columnWidth: Math.floor((width - GAP * (columns.length - 1)) / columns.length) };
}

function Cell({ line, width, g }: { line: HelpLine | undefined; width: number; g: Glyphs }) {
  if (!line || line.kind === 'blank') return <Text>{' '.repeat(width)}</Text>;
  if (line.kind === 'heading')
    return (
      <Text bold color="magenta">
        {fit(line.text, width, g)}
      </Text>
    );
  if (line.kind === 'note') return <Text dimColor>{fit(line.text, width, g)}</Text>;
  const [lead, leadWidth, color] = line.kind === 'binding' ? [line.keys, KEYS_WIDTH, 'yellow'] : [line.mark, Math.max(MARKER_WIDTH, cellWidth(line.mark) + 1), 'cyan'];
  const shownLead = fit(lead, Math.min(leadWidth, width), g);
  return (
    <Text>
      <Text color={color}>{shownLead}</Text>
      {fit(line.text, Math.max(0, width - cellWidth(shownLead)), g)}
    </Text>
  );
}

/** Lines of the help at this width: its longest column (the layout's measure). */
export function helpLineCount(width: number, ascii: boolean): number {
  return Math.max(...helpColumns(width, glyphsFor(ascii)).columns.map((c) => c.length));
}

/** Every binding of every scope of the keymap, grouped, in one to three columns; j/k, PgDn/PgUp, g/G scroll it; Esc, q or ? closes it. */
export function HelpOverlay({ width, height, ascii = false, scroll = 0 }: { width: number; height: number; ascii?: boolean; scroll?: number }) {
  const g = glyphsFor(ascii);
  const { columns, columnWidth } = helpColumns(width, g);
  const total = Math.max(...columns.map((c) => c.length));
  const rows = Math.max(1, height - 2);
  const maxScroll = Math.max(0, total - rows);
  const top = Math.max(0, Math.min(scroll, maxScroll));
  const title = ' nixdeck keys ';
  const closes = '(Esc, q or ? closes) ';
  const restRule = Math.max(0, width - 2 - cellWidth(title) - cellWidth(closes));
  const position =
    maxScroll > 0 ? screenText(` lines ${top + 1}-${Math.min(total, top + rows)} of ${total} · j/k PgDn PgUp g G scroll `, g) : '';
  const lead = `${g.rule.repeat(2)}${position}`;
  const bottom = cellWidth(lead) <= width ? `${lead}${g.rule.repeat(width - cellWidth(lead))}` : fit(lead, width, g);
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text color="cyan" wrap="truncate-end">
        {g.rule.repeat(2)}
        <Text bold color="cyanBright">
          {title}
        </Text>
        <Text dimColor>{closes}</Text>
        {g.rule.repeat(restRule)}
      </Text>
      <Box flexDirection="column" height={rows} overflow="hidden">
        {Array.from({ length: Math.min(rows, total - top) }, (_, r) => (
          <Box key={top + r} width={width}>
            {columns.map((column, c) => (
              <Box key={c} width={c < columns.length - 1 ? columnWidth + GAP : columnWidth} flexShrink={0}>
                <Cell line={column[top + r]} width={columnWidth} g={g} />
              </Box>
            ))}
          </Box>
        ))}
      </Box>
      <Text color="cyan" wrap="truncate-end">
        {bottom}
      </Text>
    </Box>
  );
}
