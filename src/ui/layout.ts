export const MIN_COLUMNS = 60;
export const MIN_ROWS = 16;

export interface Layout {
  tooSmall: boolean;
  columns: number;
  hostsWidth: number;
  generationsWidth: number;
  /** outer height of the hosts and generations boxes */
  topHeight: number;
  /** outer height of the todos box */
  todosHeight: number;
  /** lines of the status bar: more than one while a long message is shown */
  statusRows: number;
}

/**
 * Sizes for a terminal. The frame stays at rows - 1: a frame as tall as the terminal makes
 * Ink 6 clear the screen and its scrollback on every render.
 */
export function computeLayout(columns: number, rows: number, statusRows = 1): Layout {
  const tooSmall = columns < MIN_COLUMNS || rows < MIN_ROWS;
  const status = Math.max(1, Math.min(statusRows, maxStatusRows(rows)));
  const body = Math.max(0, rows - 1 - 1 - status); // header and status bar
  const topHeight = Math.floor(body / 2);
  const hostsWidth = Math.max(22, Math.min(34, Math.round(columns * 0.31)));
  return { tooSmall, columns, hostsWidth, generationsWidth: columns - hostsWidth, topHeight, todosHeight: body - topHeight, statusRows: status };
}

/** The body keeps at least this many rows when a long message takes lines from it. */
const MIN_BODY_ROWS = 10;
const MAX_STATUS_ROWS = 4;

/** How many lines a long status message may take at this height (4 at 16 rows and more). */
export function maxStatusRows(rows: number): number {
  return Math.max(1, Math.min(MAX_STATUS_ROWS, rows - 2 - MIN_BODY_ROWS));
}

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
