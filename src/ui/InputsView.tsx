import { Box, Text } from 'ink';
import { ageOf, agesFromPrefs, ageWord, daysText } from '../core/inputAge.js';
import type { FlakeInput, InputAge, InputChange, ReleaseSupport, UpdateOutcome } from '../core/repo.js';
import { releaseText } from '../core/nixpkgsReleases.js';
import type { AppState } from '../state/appState.js';
import type { InputRow } from '../state/inputRows.js';
import { type InputsUpdate, shownInputRows } from '../state/inputsSlice.js';
import { type Glyphs, glyphsFor, screenText } from './glyphs.js';
import { Overlay } from './Overlay.js';
import { cellWidth, fit } from './text.js';

type ColumnId = 'name' | 'type' | 'source' | 'ref' | 'rev' | 'date' | 'age' | 'release';

const ORDER: readonly ColumnId[] = ['name', 'type', 'source', 'ref', 'rev', 'date', 'age', 'release'];
/** which columns stay when the width runs out: the first ones here */
const PRIORITY: readonly ColumnId[] = ['name', 'age', 'rev', 'release', 'ref', 'date', 'source', 'type'];
const TITLES: Record<ColumnId, string> = { name: 'INPUT', type: 'TYPE', source: 'SOURCE', ref: 'REF', rev: 'REV', date: 'DATE', age: 'AGE', release: 'RELEASE' };
const MAX_WIDTH: Record<ColumnId, number> = { name: 24, type: 8, source: 24, ref: 18, rev: 7, date: 10, age: 17, release: 14 };
/** '> ' or '* ' before every row */
const MARK = 2;

const AGE_COLOR: Record<InputAge, string | undefined> = { fresh: 'green', aging: undefined, old: 'yellow', 'very-old': 'red', unknown: 'gray' };
const RELEASE_COLOR: Record<ReleaseSupport['status'], string | undefined> = { supported: 'green', 'end-of-life': 'red', unstable: undefined, unknown: 'gray' };

export function dateOf(seconds: number | null): string {
  return seconds === null ? '' : new Date(seconds * 1000).toISOString().slice(0, 10);
}

/** "24.05 EOL", "26.05", "unstable", "?" */
export function releaseCell(release: ReleaseSupport | null): string {
  if (!release) return '';
  const version = /(\d{2}\.\d{2})/.exec(release.branch)?.[1];
  if (release.status === 'unstable') return 'unstable';
  if (release.status === 'end-of-life') return `${version ?? release.branch} EOL`;
  if (release.status === 'supported') return `${version ?? release.branch} supported`;
  return 'unknown branch';
}

/** "41 days old": the age in days and in a word, so that it is never said by colour alone. */
export function ageCell(input: FlakeInput, age: InputAge): string {
  if (input.ageDays === null) return input.type === 'follows' ? '' : 'unknown';
  return `${daysText(input.ageDays)} ${ageWord(age)}`;
}

function cellsOf(row: InputRow, age: InputAge, g: Glyphs): Record<ColumnId, string> {
  const i = row.input;
  const fold = row.folds ? (row.unfolded ? (g.ascii ? '- ' : '▾ ') : g.ascii ? '+ ' : '▸ ') : '  ';
  return {
    name: `${'  '.repeat(row.depth)}${fold}${i.name}`,
    type: i.type,
    source: i.source,
    // a follows has no ref of its own: the column says what it follows (REF stays when SOURCE goes)
    ref: i.follows !== null ? `follows ${i.follows}` : (i.ref ?? ''),
    rev: i.rev?.slice(0, 7) ?? '',
    date: dateOf(i.lastModified),
    age: ageCell(i, age),
    release: releaseCell(i.release),
  };
}

function columnsFor(inner: number, cells: Record<ColumnId, string>[], g: Glyphs): { id: ColumnId; width: number }[] {
  const natural = (id: ColumnId): number => Math.min(MAX_WIDTH[id], Math.max(cellWidth(TITLES[id]), ...cells.map((c) => cellWidth(screenText(c[id], g)))));
  const chosen = new Map<ColumnId, number>();
  let used = MARK;
  for (const id of PRIORITY) {
    const width = natural(id);
    const need = (chosen.size > 0 ? 1 : 0) + width;
    if (used + need > inner) continue;
    // a column with nothing in it (no nixpkgs input: no release) is left out
    if (id !== 'name' && cells.every((c) => c[id] === '')) continue;
    chosen.set(id, width);
    used += need;
  }
  return ORDER.filter((id) => chosen.has(id)).map((id) => ({ id, width: chosen.get(id) ?? 0 }));
}

function detailOf(row: InputRow | undefined): string {
  if (!row) return '';
  const i = row.input;
  const parts = [row.path];
  if (i.follows !== null) parts.push(`follows ${i.follows}`);
  else {
    parts.push(`${i.type}${i.source ? ` ${i.source}` : ''}${i.ref ? ` (${i.ref})` : ''}`);
    // the date before the release and the full revision: at 80 columns the line is cut at its end
    if (i.lastModified !== null) parts.push(`locked ${new Date(i.lastModified * 1000).toISOString().slice(0, 10)}`);
  }
  if (i.release) parts.push(releaseText(i.release));
  if (i.follows === null && i.rev) parts.push(i.rev);
  if (row.folds) parts.push(`${i.inputs.length} input${i.inputs.length === 1 ? '' : 's'} of its own`);
  return parts.join(' · ');
}

function InputsList({ state, inner }: { state: AppState; inner: number }) {
  const g = glyphsFor(state.prefs.asciiBorders);
  const inputs = state.inputs;
  const rows = state.layout.inputsRows;
  const list = inputs.list;
  if (list === null || list.status === 'loading') return <Text dimColor>{`reading flake.lock${g.ellipsis}`}</Text>;
  if (list.status === 'error')
    return (
      <>
        <Text color="red" wrap="wrap">{screenText(list.error, g)}</Text>
        {list.hint ? <Text dimColor wrap="wrap">{screenText(list.hint, g)}</Text> : null}
        <Text dimColor>Esc closes this view; the rest of the console is not affected.</Text>
      </>
    );
  const shown = shownInputRows(inputs);
  if (shown.length === 0) return <Text dimColor>flake.lock has no inputs</Text>;
  const ages = agesFromPrefs(state.prefs);
  const rowAges = shown.map((r) => r.input.age ?? ageOf(r.input.ageDays, ages));
  const cells = shown.map((r, i) => cellsOf(r, rowAges[i] ?? 'unknown', g));
  const columns = columnsFor(inner, cells, g);
  const header = columns.map((c) => fit(TITLES[c.id], c.width, g)).join(' ');
  return (
    <>
      <Text bold dimColor wrap="truncate-end">
        {fit(`${' '.repeat(MARK)}${header}`, inner, g)}
      </Text>
      <Box flexDirection="column" height={rows} overflow="hidden">
        {shown.slice(inputs.offset, inputs.offset + rows).map((row, k) => {
          const index = inputs.offset + k;
          const selected = index === inputs.cursor;
          const marked = row.depth === 0 && inputs.marked.includes(row.input.name);
          const age = rowAges[index] ?? 'unknown';
          const rowCells = cells[index];
          return (
            <Text key={row.path} wrap="truncate-end" inverse={selected} bold={selected}>
              {marked ? '* ' : selected ? '> ' : '  '}
              {columns.map((c, n) => {
                const color = !state.color || selected ? undefined : c.id === 'age' ? AGE_COLOR[age] : c.id === 'release' && row.input.release ? RELEASE_COLOR[row.input.release.status] : row.input.type === 'follows' ? 'gray' : undefined;
                return (
                  <Text key={c.id} color={color}>
                    {n > 0 ? ' ' : ''}
                    {fit(rowCells?.[c.id] ?? '', c.width, g)}
                  </Text>
                );
              })}
            </Text>
          );
        })}
      </Box>
      <Text dimColor wrap="truncate-end">
        {fit(detailOf(shown[inputs.cursor]), inner, g)}
      </Text>
    </>
  );
}

/** `nixpkgs  1a2b3c4 → 5d6e7f8  2026-10-20 → 2026-11-28  +39 days` */
export function changeCells(change: InputChange, g: Glyphs): [string, string, string, string] {
  const arrow = g.ascii ? ' -> ' : ' → ';
  const rev = (r: string | null): string => r?.slice(0, 7) ?? '-';
  const date = (s: number | null): string => dateOf(s) || '-';
  if (change.kind === 'added') return [change.name, `added ${rev(change.newRev)}`, date(change.newLastModified), ''];
  if (change.kind === 'removed') return [change.name, `removed (was ${rev(change.oldRev)})`, date(change.oldLastModified), ''];
  const gained = change.daysGained === null ? '' : `${change.daysGained >= 0 ? '+' : ''}${daysText(change.daysGained)}`;
  return [change.name, `${rev(change.oldRev)}${arrow}${rev(change.newRev)}`, `${date(change.oldLastModified)}${arrow}${date(change.newLastModified)}`, gained];
}

function outcomeSummary(update: InputsUpdate, outcome: UpdateOutcome): string {
  if (update.reverted) return 'flake.lock is back as it was before the update';
  const failed = update.phase === 'failed' || update.phase === 'cancelled' || update.phase === 'lost' ? `the update ${update.phase === 'lost' ? 'was lost' : update.phase}; ` : '';
  const n = outcome.changes.length;
  if (n === 0) return `${failed}flake.lock unchanged`;
  return `${failed}${n} input${n === 1 ? '' : 's'} changed · nothing is committed`;
}

function UpdateTable({ state, inner }: { state: AppState; inner: number }) {
  const g = glyphsFor(state.prefs.asciiBorders);
  const update = state.inputs.update;
  if (!update) return null;
  const outcome = update.outcome;
  if (outcome === null || outcome.status === 'loading') return <Text dimColor>{`reading what changed in flake.lock${g.ellipsis}`}</Text>;
  if (outcome.status === 'error')
    return (
      <>
        <Text color="red" wrap="wrap">{screenText(`what the update changed could not be read: ${outcome.error}`, g)}</Text>
        {outcome.hint ? <Text dimColor wrap="wrap">{screenText(outcome.hint, g)}</Text> : null}
        <Text dimColor>Esc shows the inputs · C shows git status</Text>
      </>
    );
  const rows = Math.max(1, state.layout.inputsRows - 1);
  const changes = outcome.value.changes;
  const cells = changes.map((c) => changeCells(c, g));
  const widths = [0, 1, 2, 3].map((k) => Math.max(0, ...cells.map((c) => cellWidth(screenText(c[k] ?? '', g)))));
  const titles = ['INPUT', 'REV', 'DATE', 'GAINED'];
  const w = widths.map((x, k) => Math.max(x, cellWidth(titles[k] ?? '')));
  const line = (c: readonly string[]): string => c.map((t, k) => fit(t, w[k] ?? 0, g)).join('  ');
  const more = changes.length > rows ? changes.length - (rows - 1) : 0;
  const offers = update.confirmRevert
    ? 'put flake.lock back as it was before the update? y revert · n, Esc or Enter: no'
    : `b build every host · s deploy every host (asks) · r revert flake.lock (asks) · Esc inputs`;
  return (
    <>
      <Text wrap="truncate-end" color={update.reverted ? 'green' : undefined}>
        {fit(outcomeSummary(update, outcome.value), inner, g)}
      </Text>
      {changes.length > 0 ? (
        <Text bold dimColor wrap="truncate-end">
          {fit(line(titles), inner, g)}
        </Text>
      ) : null}
      <Box flexDirection="column" height={Math.max(1, rows - 1)} overflow="hidden">
        {(more > 0 ? cells.slice(0, rows - 2) : cells).map((c, k) => (
          <Text key={`${c[0]}-${k}`} wrap="truncate-end">
            {fit(line(c), inner, g)}
          </Text>
        ))}
        {more > 0 ? <Text dimColor>{`${g.ellipsis} ${more} more`}</Text> : null}
      </Box>
      <Text color="yellow" bold={update.confirmRevert} wrap="truncate-end">
        {fit(offers, inner, g)}
      </Text>
    </>
  );
}

/** I: flake.lock's inputs with their age; after an update, what it changed and what to do next. */
export function InputsView({ state, width, height }: { state: AppState; width: number; height: number }) {
  const g = glyphsFor(state.prefs.asciiBorders);
  const inner = Math.max(1, width - 4);
  const inputs = state.inputs;
  const update = inputs.update;
  if (update?.shown) {
    const info = `run ${update.runId}${update.inputs.length > 0 ? ` (${update.inputs.join(', ')})` : ''}`;
    return (
      <Overlay width={width} height={height} ascii={g.ascii} title="flake.lock update" info={info}>
        <UpdateTable state={state} inner={inner} />
      </Overlay>
    );
  }
  const count = inputs.list?.status === 'ok' ? inputs.list.value.length : 0;
  const info = [
    `${count} input${count === 1 ? '' : 's'}`,
    inputs.marked.length > 0 ? `${inputs.marked.length} marked` : '',
    update?.phase === 'running' ? `updating${g.ellipsis} (L)` : '',
    'Enter folds · Space marks · u updates marked, else all · Esc closes',
  ]
    .filter(Boolean)
    .join(' · ');
  return (
    <Overlay width={width} height={height} ascii={g.ascii} title="flake inputs" info={info}>
      <InputsList state={state} inner={inner} />
    </Overlay>
  );
}
