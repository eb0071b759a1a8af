import type { ListPane } from './appState.js';

/** A cursor in a list of `count` rows of which `rows` are visible from `offset` on. */
export interface ListWindow {
  cursor: number;
  offset: number;
}

export type WindowAction =
  /** keep the cursor inside the list and the window around the cursor (after a change of size) */
  | { kind: 'clamp' }
  | { kind: 'moveTo'; index: number }
  | { kind: 'move'; delta: number }
  /** a scroller (no cursor): move the window itself, kept within what there is to show */
  | { kind: 'scroll'; delta: number }
  /** a scroller that follows what is added (a run's log): the window on its last rows */
  | { kind: 'follow' };

/** The one reducer for every list and scroller: cursor + offset + visible rows → new cursor/offset. */
export function reduceWindow(window: ListWindow, size: { count: number; rows: number }, action: WindowAction): ListWindow {
  const height = Math.max(1, size.rows);
  const count = Math.max(0, size.count);
  if (action.kind === 'scroll' || action.kind === 'follow') {
    const wanted = action.kind === 'follow' ? count : window.offset + action.delta;
    const offset = Math.max(0, Math.min(wanted, count - height));
    return { cursor: offset, offset };
  }
  const wanted = action.kind === 'moveTo' ? action.index : action.kind === 'move' ? window.cursor + action.delta : window.cursor;
  const cursor = Math.max(0, Math.min(wanted, count - 1));
  let offset = Math.min(window.offset, Math.max(0, count - height));
  if (cursor < offset) offset = cursor;
  if (cursor >= offset + height) offset = cursor - height + 1;
  return { cursor, offset: Math.max(0, offset) };
}

/** Keep a list pane's cursor inside the list and its visible window around the cursor. */
export function clampPane<P extends ListPane<unknown>>(pane: P, rows: number): P {
  const { cursor, offset } = reduceWindow(pane, { count: pane.hits.length, rows }, { kind: 'clamp' });
  return { ...pane, cursor, offset };
}
