// The screen's layout, computed in state from the terminal's size and the state: the size of
// every box and how many rows each list and scroller shows. The UI draws what this says and
// never reports sizes back. How many lines a text takes when wrapped at a width is the UI's
// business: it gives that as ScreenMeasures (pure functions); the arithmetic is here.
import { PANES, type PaneId } from '../core/prefsSchema.js';
import type { AppState, GenerationView, ListPane, RunPaneState } from './appState.js';
import { clampPane, reduceWindow } from './listWindow.js';
import { textLineCount } from './textView.js';
import { shownInputRows } from './inputsSlice.js';

export const MIN_COLUMNS = 60;
export const MIN_ROWS = 16;

/** How many lines the UI's texts take; pure functions of the state and a width. */
export interface ScreenMeasures {
  /** lines the status bar needs for what it shows now (a long message wraps), at most `max` */
  statusRows(state: AppState, width: number, max: number): number;
  /** rows a question needs at this width (its lines wrapped, and its border); 0 without one */
  dialogRows(state: AppState, width: number): number;
  /** lines the selected generation's detail takes under the list (0 without one), at most `max` */
  generationDetailRows(state: AppState, width: number, max: number): number;
  /** lines of the help at this width */
  helpLines(width: number, ascii: boolean): number;
  /** lines of the diff / prune view: what is compared, the fixed lines, the scrolled body */
  viewLines(view: GenerationView): { context: number; fixed: number; body: number };
  /** rows a run pane of `width` x `rows` inner cells leaves to its log */
  runLogRows(state: AppState, pane: RunPaneState, width: number, rows: number): number;
}

/** Measures of a screen without text: one status line, no details; for a console not drawn. */
export const PLAIN_MEASURES: ScreenMeasures = {
  statusRows: () => 1,
  dialogRows: () => 0,
  generationDetailRows: () => 0,
  helpLines: () => 0,
  viewLines: () => ({ context: 0, fixed: 0, body: 0 }),
  runLogRows: (_state, _pane, _width, rows) => rows,
};

/** One visible run pane: its outer size and the rows of its log. */
export interface RunPaneBox {
  id: string;
  width: number;
  height: number;
  logRows: number;
}

export interface ScreenLayout {
  columns: number;
  rows: number;
  /** below MIN_COLUMNS x MIN_ROWS only a "too small" screen is shown, and keys do nothing */
  tooSmall: boolean;
  /** lines of the status bar: more than one while a long message is shown */
  statusRows: number;
  /** rows between the header and the status bar */
  body: number;
  hostsWidth: number;
  generationsWidth: number;
  /** outer height of the hosts and generations boxes */
  topHeight: number;
  /** outer height of the bottom area: the todos, the run panes or a question */
  bottomHeight: number;
  /** visible rows of each list pane */
  lists: Record<PaneId, number>;
  /** the generations pane: the most lines the selected generation's detail may take, the reboot line */
  generations: { detailRows: number; rebootLine: boolean };
  /** the run panes, where they are drawn (the bottom area, or zoomed the body) */
  runs: { width: number; height: number; direction: 'row' | 'column'; panes: RunPaneBox[] };
  /** the help overlay: rows shown, lines it has, the largest useful scroll */
  help: { rows: number; lines: number; maxScroll: number };
  /** the diff / prune view over the body and the question below it; null without one */
  view: { height: number; dialogHeight: number; context: number; fixed: number; rows: number; lines: number } | null;
  /** rows of a list overlay over the body (the run list) */
  overlayRows: number;
  /** host rows of the Fleet view (F): the body less its border, title, header and detail line */
  fleetRows: number;
  /** rows of the Inputs view (I): the body less its border, title, column header and detail line; the update table has one less */
  inputsRows: number;
  /** commit rows of the History view (l): the body less its border, title, column header and detail line */
  historyRows: number;
}

/** The body keeps at least this many rows when a long message takes lines from it. */
const MIN_BODY_ROWS = 10;
const MAX_STATUS_ROWS = 4;

/** How many lines a long status message may take at this height (4 at 16 rows and more). */
export function maxStatusRows(rows: number): number {
  return Math.max(1, Math.min(MAX_STATUS_ROWS, rows - 2 - MIN_BODY_ROWS));
}

/**
 * The generations pane's detail takes a second row rather than lose what comes last, while the
 * list keeps at least LIST_ROWS rows (at the minimum size the list wins).
 */
const DETAIL_ROWS = 2;
const LIST_ROWS = 3;

/** Side by side needs this many columns; narrower terminals stack run panes or show one at a time. */
export const SIDE_BY_SIDE_COLUMNS = 120;
const MIN_RUN_PANE_WIDTH = 60;
const MIN_RUN_PANE_HEIGHT = 8;

export interface RunPanesLayout {
  /** how many run panes are visible at once */
  count: number;
  direction: 'row' | 'column';
  /** outer size of each visible pane */
  sizes: { width: number; height: number }[];
}

/**
 * Run panes in an area: side by side from 120 columns (one per 60 columns), else stacked when
 * each still gets 8 rows, else one at a time ([ and ] switch).
 */
export function runPanesLayout(width: number, height: number, open: number): RunPanesLayout {
  let count = 1;
  let direction: 'row' | 'column' = 'row';
  if (open > 1 && width >= SIDE_BY_SIDE_COLUMNS) {
    count = Math.min(open, Math.floor(width / MIN_RUN_PANE_WIDTH));
  } else if (open > 1 && height >= 2 * MIN_RUN_PANE_HEIGHT) {
    count = Math.min(open, Math.floor(height / MIN_RUN_PANE_HEIGHT));
    direction = 'column';
  }
  const sizes: { width: number; height: number }[] = [];
  for (let i = 0; i < count; i++) {
    const last = i === count - 1;
    if (direction === 'row') {
      const w = Math.floor(width / count);
      sizes.push({ width: last ? width - w * (count - 1) : w, height });
    } else {
      const h = Math.floor(height / count);
      sizes.push({ width, height: last ? height - h * (count - 1) : h });
    }
  }
  return { count, direction, sizes };
}

/** First visible pane of a window of `count` that holds `selected`: pages of `count`. */
export function runWindowStart(selected: number, count: number, open: number): number {
  if (count >= open) return 0;
  return Math.min(Math.floor(selected / count) * count, open - count);
}

/** The selected run pane fills the body. */
export function runsZoomed(state: AppState): boolean {
  return state.focus === 'runs' && state.runs.zoomed && state.runs.open.length > 0;
}

function runArea(state: AppState, width: number, height: number, measures: ScreenMeasures): ScreenLayout['runs'] {
  const open = state.runs.open;
  const zoomed = runsZoomed(state);
  const split = zoomed ? { count: 1, direction: 'row' as const, sizes: [{ width, height }] } : runPanesLayout(width, height, open.length);
  const start = runWindowStart(state.runs.selected, split.count, open.length);
  const panes = open.slice(start, start + split.count).map((pane, i): RunPaneBox => {
    const size = split.sizes[i] ?? { width, height };
    const inner = { width: Math.max(1, size.width - 2), rows: Math.max(1, size.height - 2) };
    return { id: pane.id, ...size, logRows: Math.max(1, measures.runLogRows(state, pane, inner.width, inner.rows)) };
  });
  return { width, height, direction: split.direction, panes };
}

function viewArea(state: AppState, view: GenerationView, columns: number, body: number, bottomHeight: number, measures: ScreenMeasures): NonNullable<ScreenLayout['view']> {
  // a question about the view goes below it, as tall as it needs
  const dialogHeight = state.dialog ? Math.min(Math.max(bottomHeight, body - 8), measures.dialogRows(state, columns)) : 0;
  const height = body - dialogHeight;
  const lines = measures.viewLines(view);
  // border (2), title, context and fixed lines, footer; the context only while 4 rows still scroll
  const fixed = Math.min(lines.fixed, Math.max(0, height - 5));
  const context = height - 4 - fixed - lines.context >= 4 ? lines.context : 0;
  const rows = Math.max(1, height - 2 - 1 - context - fixed - 1);
  return { height, dialogHeight, context, fixed, rows, lines: lines.body };
}

/**
 * The layout of the screen for a terminal of `columns` x `rows`. The frame stays at rows - 1: a
 * frame as tall as the terminal makes Ink 6 clear the screen and its scrollback on every render.
 */
export function computeLayout(state: AppState, columns: number, rows: number, measures: ScreenMeasures): ScreenLayout {
  const tooSmall = columns < MIN_COLUMNS || rows < MIN_ROWS;
  const statusRows = Math.max(1, Math.min(measures.statusRows(state, columns, maxStatusRows(rows)), maxStatusRows(rows)));
  const body = Math.max(0, rows - 1 - 1 - statusRows); // header and status bar
  const topHeight = Math.floor(body / 2);
  const bottomHeight = body - topHeight;
  const hostsWidth = Math.max(22, Math.min(34, Math.round(columns * 0.31)));
  const generationsWidth = columns - hostsWidth;

  const host = state.panes.hosts.hits[state.panes.hosts.cursor]?.item;
  const loaded = host ? state.generations[host.name] : undefined;
  const rebootLine = loaded?.status === 'ok' && loaded.value.rebootNeeded;
  const reboot = rebootLine ? 1 : 0;
  const detailRows = topHeight - 2 - reboot - DETAIL_ROWS >= LIST_ROWS ? DETAIL_ROWS : 1;
  // without a list the pane's message has the detail rows too
  const detail = loaded?.status === 'ok' ? measures.generationDetailRows(state, generationsWidth - 2, detailRows) : 0;
  const lists: Record<PaneId, number> = {
    hosts: Math.max(1, topHeight - 2),
    generations: Math.max(1, topHeight - 2 - detail - reboot),
    todos: Math.max(1, bottomHeight - 2),
  };

  const zoomed = runsZoomed(state);
  const runsHeight = zoomed ? (state.dialog ? topHeight : body) : bottomHeight;
  const helpRows = Math.max(1, body - 2);
  const helpLines = state.overlay === 'help' ? measures.helpLines(columns, state.prefs.asciiBorders) : 0;
  return {
    columns,
    rows,
    tooSmall,
    statusRows,
    body,
    hostsWidth,
    generationsWidth,
    topHeight,
    bottomHeight,
    lists,
    generations: { detailRows, rebootLine },
    runs: runArea(state, columns, runsHeight, measures),
    help: { rows: helpRows, lines: helpLines, maxScroll: Math.max(0, helpLines - helpRows) },
    view: state.genView ? viewArea(state, state.genView, columns, body, bottomHeight, measures) : null,
    overlayRows: Math.max(1, body - 3),
    fleetRows: Math.max(1, body - 5),
    inputsRows: Math.max(1, body - 5),
    historyRows: Math.max(1, body - 5),
  };
}

/** The layout before anything was measured: the size only; the store computes the rest. */
export function unmeasuredLayout(columns: number, rows: number): ScreenLayout {
  return {
    columns,
    rows,
    tooSmall: columns < MIN_COLUMNS || rows < MIN_ROWS,
    statusRows: 1,
    body: 0,
    hostsWidth: 0,
    generationsWidth: 0,
    topHeight: 0,
    bottomHeight: 0,
    lists: { hosts: 1, generations: 1, todos: 1 },
    generations: { detailRows: 1, rebootLine: false },
    runs: { width: 0, height: 0, direction: 'row', panes: [] },
    help: { rows: 1, lines: 0, maxScroll: 0 },
    view: null,
    overlayRows: 1,
    fleetRows: 1,
    inputsRows: 1,
    historyRows: 1,
  };
}

/** Plain data equal, field by field: a layout that did not change keeps its object (no re-render). */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/**
 * The state with its layout for the size it has (`state.layout`'s columns and rows) and every
 * window kept inside it: each list's cursor in sight, the help and the diff / prune view scrolled
 * no further than they have lines. Applied after every change of the store, so that what a
 * change shows (a longer message, a second detail line, a question) moves the windows at once.
 */
export function settleLayout(state: AppState, measures: ScreenMeasures): AppState {
  const computed = computeLayout(state, state.layout.columns, state.layout.rows, measures);
  const layout = same(computed, state.layout) ? state.layout : computed;
  let next = layout === state.layout ? state : { ...state, layout };
  // a screen too small to draw moves nothing: the windows are as they were when it grows again
  if (layout.tooSmall) return next;
  let panes = next.panes;
  for (const pane of PANES) {
    const current = panes[pane] as ListPane<unknown>;
    const fitted = clampPane(current, layout.lists[pane]);
    if (fitted.cursor !== current.cursor || fitted.offset !== current.offset) panes = { ...panes, [pane]: fitted };
  }
  if (panes !== next.panes) next = { ...next, panes };
  const fleet = reduceWindow(next.fleet, { count: next.fleet.names.length, rows: layout.fleetRows }, { kind: 'clamp' });
  if (fleet.cursor !== next.fleet.cursor || fleet.offset !== next.fleet.offset) next = { ...next, fleet: { ...next.fleet, ...fleet } };
  const inputs = reduceWindow(next.inputs, { count: shownInputRows(next.inputs).length, rows: layout.inputsRows }, { kind: 'clamp' });
  if (inputs.cursor !== next.inputs.cursor || inputs.offset !== next.inputs.offset) next = { ...next, inputs: { ...next.inputs, ...inputs } };
  const history = clampPane(next.history, layout.historyRows);
  if (history.cursor !== next.history.cursor || history.offset !== next.history.offset) next = { ...next, history };
  const help = scrolled(next.help.scroll, layout.help.lines, layout.help.rows);
  if (help !== next.help.scroll) next = { ...next, help: { ...next.help, scroll: help } };
  const text = next.textView;
  if (text) {
    const scroll = scrolled(text.scroll, textLineCount(text), layout.overlayRows);
    if (scroll !== text.scroll) next = { ...next, textView: { ...text, scroll } };
  }
  const view = next.genView;
  if (view && layout.view) {
    const scroll = scrolled(view.scroll, layout.view.lines, layout.view.rows);
    if (scroll !== view.scroll) next = { ...next, genView: { ...view, scroll } };
  }
  return next;
}

/** A scroller's first line, kept within what it has. */
function scrolled(offset: number, lines: number, rows: number): number {
  return reduceWindow({ cursor: offset, offset }, { count: lines, rows }, { kind: 'scroll', delta: 0 }).offset;
}
