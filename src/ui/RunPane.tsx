import { Box, Text } from 'ink';
import type { AppState, RunPaneState } from '../state/appState.js';
import { type LogWindow, logWindow, matchRanges, visibleLines } from '../state/runLog.js';
import type { RunView } from '../core/runsService.js';
import { Frame } from './Frame.js';
import { type Glyphs, glyphsFor, screenText } from './glyphs.js';
import { cleanLine, failureLead, progressLine, runHeader, runningBuildLine } from './runText.js';
import { chunkRows, cellWidth, fit } from './text.js';

type Tone = 'header' | 'error' | 'warn' | 'ok' | 'dim' | 'plain';

interface InfoRow {
  kind: 'info';
  key: string;
  text: string;
  tone: Tone;
}

interface LogRow {
  kind: 'log';
  key: string;
  text: string;
  /** absolute line number */
  line: number;
}

type Row = InfoRow | LogRow;

export interface RunPaneModel {
  rows: Row[];
  /** rows left for the log */
  logRows: number;
  window: LogWindow | null;
}

const MAX_RUNNING_SHOWN = 3;

/**
 * What a run pane of `rows` inner rows shows, top to bottom: the header; after a failure what
 * went wrong (headline, failed derivations, errors, where the full log is); the progress line;
 * the builds going on; then as many log lines as fit. Only the log lines on screen are touched.
 */
export function runPaneModel(view: RunView | undefined, pane: RunPaneState, width: number, rows: number, nowMs: number, ascii: boolean): RunPaneModel {
  const g: Glyphs = glyphsFor(ascii);
  const out: Row[] = [];
  const info = (key: string, text: string, tone: Tone): void => {
    if (out.length < rows) out.push({ kind: 'info', key, text: fit(text, width, g), tone });
  };
  if (!view) {
    info('wait', `waiting for run ${pane.id} to report…`, 'dim');
    return { rows: out, logRows: 0, window: null };
  }
  info('header', runHeader(view, nowMs, ascii), view.phase === 'running' ? 'header' : view.phase === 'succeeded' ? 'ok' : view.phase === 'partial' ? 'warn' : 'error');

  const lead = failureLead(view, ascii);
  if (lead) {
    // the whole log path always (on rows of its own, so that it can be copied), then the
    // headline, then the label of the path; details as room allows, keeping 1 progress + 2 log rows
    let pathRows = logPathRows(lead.logLine, lead.logPath, width, g);
    const below = rows - out.length;
    if (pathRows.length > 1 && below < pathRows.length + 1) pathRows = pathRows.slice(1);
    const headline = below > pathRows.length;
    const room = Math.max(pathRows.length + (headline ? 1 : 0), below - 3);
    const details = lead.details.slice(0, Math.max(0, room - pathRows.length - (headline ? 1 : 0)));
    if (headline) info('headline', lead.headline, view.phase === 'partial' ? 'warn' : 'error');
    details.forEach((d, i) => info(`detail${i}`, d, 'plain'));
    pathRows.forEach((r, i) => info(`logpath${i}`, r, 'dim'));
  }

  info('progress', progressLine(view.progress, view.phase !== 'running'), 'plain');

  if (view.phase === 'running') {
    const running = view.progress.running;
    const max = Math.max(0, Math.min(MAX_RUNNING_SHOWN, rows - out.length - 3));
    const shown = running.length > max ? running.slice(0, Math.max(0, max - 1)) : running;
    shown.forEach((r) => info(`build:${r.id}`, runningBuildLine(r), 'dim'));
    if (running.length > shown.length && max > 0) info('more', `  +${running.length - shown.length} more building`, 'dim');
  }

  const logRows = Math.max(0, rows - out.length);
  if (logRows === 0) return { rows: out, logRows, window: null };
  const window = logWindow(view, pane, logRows);
  if (window.total === 0) {
    info('nolog', view.phase === 'running' ? '(no output yet)' : '(no output)', 'dim');
    return { rows: out, logRows, window };
  }
  const gutter = pane.search ? 2 : 0;
  visibleLines(view, window).forEach((line, i) => {
    const abs = window.start + i;
    out.push({ kind: 'log', key: `log${abs}`, line: abs, text: fit(cleanLine(line, width), width - gutter, g) });
  });
  return { rows: out, logRows, window };
}

/** `full log: PATH` when it fits the row, else `full log:` and the path on rows of its own, uncut. */
function logPathRows(line: string, path: string, width: number, g: Glyphs): string[] {
  if (cellWidth(screenText(line, g)) <= width) return [line];
  const label = line.endsWith(path) ? line.slice(0, line.length - path.length).trimEnd() : 'full log:';
  return [label, ...chunkRows(path, width, g)];
}

const TONE: Record<Tone, { color?: string; bold?: boolean; dimColor?: boolean }> = {
  header: { bold: true, color: 'cyanBright' },
  error: { bold: true, color: 'red' },
  warn: { bold: true, color: 'yellow' },
  ok: { bold: true, color: 'green' },
  dim: { dimColor: true },
  plain: {},
};

function LogLine({ row, search, current }: { row: LogRow; search: string; current: boolean }) {
  if (!search) return <Text wrap="truncate-end">{row.text}</Text>;
  const ranges = matchRanges(row.text, search);
  // the gutter says which lines match, so a match is visible without colours too
  const mark = current ? '> ' : ranges.length > 0 ? '* ' : '  ';
  const parts: { text: string; hit: boolean }[] = [];
  let at = 0;
  for (const [from, to] of ranges) {
    if (from > at) parts.push({ text: row.text.slice(at, from), hit: false });
    parts.push({ text: row.text.slice(from, to), hit: true });
    at = to;
  }
  if (at < row.text.length) parts.push({ text: row.text.slice(at), hit: false });
  return (
    <Text wrap="truncate-end">
      <Text color="yellow" bold={current}>
        {mark}
      </Text>
      {parts.map((p, i) =>
        p.hit ? (
          <Text key={i} inverse={current} color="yellow" bold underline>
            {p.text}
          </Text>
        ) : (
          p.text
        ),
      )}
    </Text>
  );
}

function windowInfo(pane: RunPaneState, model: RunPaneModel): string {
  const parts: string[] = [];
  const w = model.window;
  if (w && w.total > 0) {
    const end = Math.min(w.total, w.start + w.rows);
    parts.push(pane.follow ? 'following' : `lines ${w.start + 1}-${end} of ${w.total} · G follows`);
  }
  if (pane.search) parts.push(pane.matchCount > 0 ? `/${pane.search} ${pane.matchIndex}/${pane.matchCount}` : `/${pane.search}`);
  return parts.join(' · ');
}

interface RunPaneProps {
  state: AppState;
  pane: RunPaneState;
  index: number;
  width: number;
  height: number;
}

export function RunPane({ state, pane, index, width, height }: RunPaneProps) {
  const view = state.runs.views[pane.id];
  const selected = index === state.runs.selected;
  const focused = selected && state.focus === 'runs';
  const inner = Math.max(1, width - 2);
  const rows = Math.max(1, height - 2);
  const model = runPaneModel(view, pane, inner, rows, state.runs.nowMs, state.prefs.asciiBorders);
  const count = state.runs.open.length;
  const title = count > 1 ? `4 Runs ${index + 1}/${count}` : '4 Runs';
  return (
    <Frame title={title} info={windowInfo(pane, model)} focused={focused} width={width} height={height} ascii={state.prefs.asciiBorders}>
      {model.rows.map((row) =>
        row.kind === 'log' ? (
          <LogLine key={row.key} row={row} search={pane.search} current={pane.match === row.line} />
        ) : (
          <Text key={row.key} wrap="truncate-end" {...TONE[row.tone]}>
            {row.text}
          </Text>
        ),
      )}
    </Frame>
  );
}

/** The rows a run pane of `width` x `rows` inner cells leaves to its log (the layout's measure). */
export function runPaneLogRows(state: AppState, pane: RunPaneState, width: number, rows: number): number {
  return runPaneModel(state.runs.views[pane.id], pane, width, rows, state.runs.nowMs, state.prefs.asciiBorders).logRows;
}

/** The bottom area (or, zoomed, the whole body) when run panes are open: the panes the layout shows. */
export function RunsArea({ state }: { state: AppState }) {
  const { width, height, direction, panes } = state.layout.runs;
  const open = state.runs.open;
  if (open.length === 0) return <NoRuns state={state} width={width} height={height} />;
  return (
    <Box flexDirection={direction} width={width} height={height}>
      {panes.map((box) => {
        const index = open.findIndex((p) => p.id === box.id);
        const pane = open[index];
        return pane ? <RunPane key={box.id} state={state} pane={pane} index={index} width={box.width} height={box.height} /> : null;
      })}
    </Box>
  );
}

function NoRuns({ state, width, height }: { state: AppState; width: number; height: number }) {
  const known = state.runs.known.length;
  const g = glyphsFor(state.prefs.asciiBorders);
  return (
    <Frame title="4 Runs" info="none open" focused={state.focus === 'runs'} width={width} height={height} ascii={state.prefs.asciiBorders}>
      {state.runs.available ? (
        <>
          <Text wrap="truncate-end">no run pane open.</Text>
          <Text dimColor wrap="truncate-end">
            {screenText('On a host (1 or 2): b build · D dry-build · t test · s switch · B boot · A dry-activate', g)}
          </Text>
          <Text dimColor wrap="truncate-end">
            {known > 0 ? `L lists the ${known} recent run${known === 1 ? '' : 's'}; Enter re-opens one` : 'L lists the recent runs'}
          </Text>
        </>
      ) : (
        <Text dimColor wrap="truncate-end">
          rebuild runs are not available in this console
        </Text>
      )}
    </Frame>
  );
}
