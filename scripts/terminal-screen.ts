/**
 * A screen captured with `tmux capture-pane -p -e`, replayed in a headless
 * xterm.js terminal and read back as a grid of styled cells.
 */
import xterm, { type IBufferCell } from '@xterm/headless';

/** null = terminal default, number = palette index 0-255, string = '#rrggbb'. */
export type AnsiColor = null | number | string;

export interface CellStyle {
  readonly bold: boolean;
  readonly dim: boolean;
  readonly italic: boolean;
  readonly underline: boolean;
  readonly inverse: boolean;
  readonly hidden: boolean;
  readonly strike: boolean;
  readonly overline: boolean;
  readonly fg: AnsiColor;
  readonly bg: AnsiColor;
}

export interface Cell {
  /** One grapheme cluster (possibly with combining marks). */
  ch: string;
  width: 1 | 2;
  style: CellStyle;
  /** Identity of the style, for grouping runs. */
  key: string;
}

/** A grid row: Cell, 'cont' for the right half of a wide char, undefined for a blank default cell. */
export type Slot = Cell | 'cont' | undefined;

function styleKey(s: CellStyle): string {
  return [
    s.bold ? 'b' : '',
    s.dim ? 'd' : '',
    s.italic ? 'i' : '',
    s.underline ? 'u' : '',
    s.inverse ? 'r' : '',
    s.hidden ? 'h' : '',
    s.strike ? 's' : '',
    s.overline ? 'o' : '',
    `f${String(s.fg)}`,
    `g${String(s.bg)}`,
  ].join('|');
}

function colorOf(isDefault: boolean, isRgb: boolean, value: number): AnsiColor {
  if (isDefault) return null;
  return isRgb ? `#${value.toString(16).padStart(6, '0')}` : value;
}

function styleOf(cell: IBufferCell): CellStyle {
  return {
    bold: cell.isBold() !== 0,
    dim: cell.isDim() !== 0,
    italic: cell.isItalic() !== 0,
    underline: cell.isUnderline() !== 0,
    inverse: cell.isInverse() !== 0,
    hidden: cell.isInvisible() !== 0,
    strike: cell.isStrikethrough() !== 0,
    overline: cell.isOverline() !== 0,
    fg: colorOf(cell.isFgDefault(), cell.isFgRGB(), cell.getFgColor()),
    bg: colorOf(cell.isBgDefault(), cell.isBgRGB(), cell.getBgColor()),
  };
}

// tmux marks line-drawing (ACS) cells with SO ... SI and takes G1 to be the DEC graphics set;
// auto-wrap is off so that an over-long line is clipped, as on the screen it came from.
const PREAMBLE = '\x1b)0\x1b[?7l';

/**
 * Replay `capture` (rows joined by '\n', as `capture-pane -p` prints them) on a
 * cols × rows terminal and return its cells, row by row. Rows past `rows` are dropped.
 */
export async function readScreen(capture: string, cols: number, rows: number): Promise<Slot[][]> {
  if (!Number.isInteger(cols) || !Number.isInteger(rows) || cols < 1 || rows < 1) {
    throw new Error(`readScreen: the size must be whole numbers of at least 1, got ${cols}x${rows}`);
  }
  // the headless build counts reading the buffer as proposed API
  const terminal = new xterm.Terminal({ cols, rows, scrollback: 0, allowProposedApi: true });
  try {
    const data = PREAMBLE + capture.split('\n').slice(0, rows).join('\r\n');
    await new Promise<void>((resolve) => terminal.write(data, resolve));
    const buffer = terminal.buffer.active;
    const scratch = buffer.getNullCell();
    const grid: Slot[][] = [];
    for (let y = 0; y < rows; y++) {
      const line = buffer.getLine(buffer.viewportY + y);
      const row: Slot[] = [];
      for (let x = 0; x < cols; x++) {
        const cell = line?.getCell(x, scratch);
        if (!cell) {
          row.push(undefined);
          continue;
        }
        const width = cell.getWidth();
        if (width === 0) {
          row.push('cont');
          continue;
        }
        const chars = cell.getChars();
        if (chars === '' && cell.isAttributeDefault()) {
          row.push(undefined);
          continue;
        }
        const style = styleOf(cell);
        // an erased cell keeps the background it was erased with
        row.push({ ch: chars === '' ? ' ' : chars, width: width === 2 ? 2 : 1, style, key: styleKey(style) });
      }
      grid.push(row);
    }
    return grid;
  } finally {
    terminal.dispose();
  }
}
