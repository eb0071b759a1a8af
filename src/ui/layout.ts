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
}

/**
 * Sizes for a terminal. The frame stays at rows - 1: a frame as tall as the terminal makes
 * Ink 6 clear the screen and its scrollback on every render.
 */
export function computeLayout(columns: number, rows: number): Layout {
  const tooSmall = columns < MIN_COLUMNS || rows < MIN_ROWS;
  const body = Math.max(0, rows - 1 - 2); // header and status bar
  const topHeight = Math.floor(body / 2);
  const hostsWidth = Math.max(22, Math.min(34, Math.round(columns * 0.31)));
  return { tooSmall, columns, hostsWidth, generationsWidth: columns - hostsWidth, topHeight, todosHeight: body - topHeight };
}
