// The log part of a run pane: which lines of the kept tail are on screen, and log search.
// Pure; shared by the controller (scrolling, n/N) and the pane (drawing) so both agree.

import type { RunPaneState } from './appState.js';
import { reduceWindow } from './listWindow.js';
import type { RunView } from '../core/runsService.js';

export interface LogWindow {
  /** absolute number (0-based, over all the run printed) of the oldest line still kept */
  base: number;
  /** lines the run has printed so far */
  total: number;
  /** absolute number of the first line shown */
  start: number;
  /** the start that shows the newest lines (following) */
  maxStart: number;
  rows: number;
}

export function logWindow(view: RunView, pane: Pick<RunPaneState, 'follow' | 'top'>, rows: number): LogWindow {
  const kept = view.progress.tail.length;
  const total = Math.max(view.progress.totalLines, kept);
  const base = total - kept;
  const height = Math.max(1, rows);
  const at = pane.top - base;
  const shown = reduceWindow({ cursor: at, offset: at }, { count: kept, rows: height }, pane.follow ? { kind: 'follow' } : { kind: 'scroll', delta: 0 });
  return { base, total, start: base + shown.offset, maxStart: base + Math.max(0, kept - height), rows: height };
}

/** The absolute first line shown after scrolling `window` by `delta` lines, kept within the lines kept. */
export function scrolledLogTop(window: LogWindow, delta: number): number {
  const at = window.start - window.base;
  const kept = window.total - window.base;
  return window.base + reduceWindow({ cursor: at, offset: at }, { count: kept, rows: window.rows }, { kind: 'scroll', delta }).offset;
}

/** The lines on screen: at most `rows` of them, never the whole tail. */
export function visibleLines(view: RunView, window: LogWindow): string[] {
  const from = window.start - window.base;
  return view.progress.tail.slice(from, from + window.rows);
}

/** Smart case: a query without capitals matches any case. */
function needleOf(query: string): { needle: string; fold: boolean } {
  const fold = query === query.toLowerCase();
  return { needle: query, fold };
}

export function lineMatches(line: string, query: string): boolean {
  if (query === '') return false;
  const { needle, fold } = needleOf(query);
  return (fold ? line.toLowerCase() : line).includes(needle);
}

/** Indexes of the lines that hold the query. */
export function matchingLines(lines: readonly string[], query: string): number[] {
  const out: number[] = [];
  if (query === '') return out;
  const { needle, fold } = needleOf(query);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if ((fold ? line.toLowerCase() : line).includes(needle)) out.push(i);
  }
  return out;
}

/** [start, end) string offsets of the query in a line, for highlighting. */
export function matchRanges(line: string, query: string): [number, number][] {
  if (query === '') return [];
  const { needle, fold } = needleOf(query);
  const hay = fold ? line.toLowerCase() : line;
  // lower-casing changed the length (rare letters): match, but do not try to place highlights
  if (hay.length !== line.length) return [];
  const out: [number, number][] = [];
  let at = hay.indexOf(needle);
  while (at !== -1) {
    out.push([at, at + needle.length]);
    at = hay.indexOf(needle, at + Math.max(1, needle.length));
  }
  return out;
}
