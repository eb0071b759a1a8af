import { Box, Text } from 'ink';
import type { FuzzyHit } from '../core/fuzzy.js';
import { sectionProgress } from '../core/todos.js';
import type { ParsedTodo } from '../core/types.js';
import type { AppState } from '../state/appState.js';
import { Frame } from './Frame.js';
import { glyphsFor, screenText } from './glyphs.js';
import { Highlight } from './Highlight.js';
import { highlightRanges } from '../core/fuzzy.js';
import { fit } from './text.js';

type Row = { kind: 'section'; key: string; title: string; progress: string } | { kind: 'todo'; key: string; hit: FuzzyHit<ParsedTodo>; index: number };

/** Section headings with their progress, each followed by its todos in file order. */
function buildRows(hits: FuzzyHit<ParsedTodo>[], all: readonly ParsedTodo[]): Row[] {
  const progress = new Map(sectionProgress(all).map((p) => [p.section.join('\u0000'), `${p.done}/${p.total}`]));
  const rows: Row[] = [];
  let last: string | null = null;
  hits.forEach((hit, index) => {
    const key = hit.item.section.join('\u0000');
    if (key !== last) {
      rows.push({ kind: 'section', key: `s${index}`, title: hit.item.section.join(' › ') || '(no heading)', progress: progress.get(key) ?? '' });
      last = key;
    }
    rows.push({ kind: 'todo', key: hit.item.id, hit, index });
  });
  return rows;
}

export function TodosPane({ state, width, height }: { state: AppState; width: number; height: number }) {
  const pane = state.panes.todos;
  const inner = width - 2;
  const rows = state.layout.lists.todos;
  const focused = state.focus === 'todos';
  const g = glyphsFor(state.prefs.asciiBorders);
  const todos = state.todos;
  const all = todos.status === 'ok' ? todos.value.todos : [];
  const done = all.filter((t) => t.done).length;
  const fileName = screenText(state.todoFile.split('/').at(-1) ?? state.todoFile, g);
  const info = [fileName, todos.status === 'ok' ? `${done}/${all.length} done` : '', state.prefs.hideDoneTodos ? 'hiding done' : '', pane.filter ? `/${pane.filter}` : '']
    .filter(Boolean)
    .join(' · ');
  let body;
  if (todos.status === 'loading') body = <Text dimColor wrap="truncate-end">{screenText(`reading ${state.todoFile}…`, g)}</Text>;
  else if (todos.status === 'error')
    body = (
      <Text color="yellow" wrap="wrap">
        {screenText(todos.error, g)}
      </Text>
    );
  else if (pane.hits.length === 0)
    body = (
      <Text dimColor wrap="wrap">
        {all.length === 0 ? `no "- [ ]" todos in ${fileName}` : pane.filter ? 'no todo matches' : 'every todo is ticked (H shows them)'}
      </Text>
    );
  else {
    const allRows = buildRows(pane.hits, all);
    const cursorRow = allRows.findIndex((r) => r.kind === 'todo' && r.index === pane.cursor);
    const offsetRow = allRows.findIndex((r) => r.kind === 'todo' && r.index === pane.offset);
    let start = Math.max(0, offsetRow - (allRows[offsetRow - 1]?.kind === 'section' ? 1 : 0));
    if (cursorRow >= start + rows) start = cursorRow - rows + 1;
    if (cursorRow < start) start = cursorRow;
    const shown = allRows.slice(start, start + rows);
    const todoRows = shown.flatMap((r) => (r.kind === 'todo' ? [r] : []));
    // todo text as shown (control characters visible, TAB expanded): the highlights are found on it
    const texts = new Map(todoRows.map((r) => [r.index, screenText(r.hit.item.text, g)]));
    const found = highlightRanges(todoRows.map((r) => texts.get(r.index) ?? ''), pane.filter);
    const ranges = new Map(todoRows.map((r, i) => [r.index, found[i] ?? []]));
    body = shown.map((row) => {
      if (row.kind === 'section')
        return (
          <Text key={row.key} bold color="magenta" wrap="truncate-end">
            {fit(row.title, inner - row.progress.length - 1, g)} <Text dimColor>{row.progress}</Text>
          </Text>
        );
      const t = row.hit.item;
      const selected = row.index === pane.cursor;
      const indent = '  '.repeat(Math.min(t.depth, 4));
      const box = t.done ? '[x]' : '[ ]';
      const textWidth = inner - 2 - indent.length - 4;
      return (
        <Box key={row.key}>
          <Text inverse={selected && focused} bold={selected} wrap="truncate-end">
            {selected ? '>' : ' '} {indent}
            <Text color={t.done ? 'green' : undefined}>{box}</Text> <Highlight text={fit(texts.get(row.index) ?? '', textWidth, g)} ranges={ranges.get(row.index) ?? []} color={state.color} glyphs={g} />
          </Text>
        </Box>
      );
    });
  }
  return (
    <Frame title="3 Todos" info={info} focused={focused} width={width} height={height} ascii={state.prefs.asciiBorders}>
      {body}
    </Frame>
  );
}
