import stringWidth from 'string-width';
import { type Glyphs, screenText, UNICODE_GLYPHS } from './glyphs.js';

/**
 * Cut or pad to exactly `width` terminal cells. The text is made screen-safe first (see
 * screenText), so a TAB or an escape sequence cannot push the row past `width`.
 */
export function fit(text: string, width: number, g: Glyphs = UNICODE_GLYPHS): string {
  if (width <= 0) return '';
  const shown = screenText(text, g);
  const w = stringWidth(shown);
  if (w <= width) return shown + ' '.repeat(width - w);
  const ellipsis = cellWidth(g.ellipsis) < width ? g.ellipsis : '';
  const room = width - cellWidth(ellipsis);
  let out = '';
  let used = 0;
  for (const char of shown) {
    const cw = stringWidth(char);
    if (used + cw > room) break;
    out += char;
    used += cw;
  }
  return `${out}${ellipsis}${' '.repeat(Math.max(0, width - used - cellWidth(ellipsis)))}`;
}

export function cellWidth(text: string): number {
  return stringWidth(text);
}

/** `~/src/fleet` for a folder under the home folder `home`; other paths as they are. */
export function tildePath(dir: string, home: string): string {
  return home && home !== '/' && dir.startsWith(`${home}/`) ? `~${dir.slice(home.length)}` : dir;
}

/**
 * A path in at most `width` cells, shortened in the middle so that its start and its last
 * folders stay: `~/…/nixos/fleet`. A last folder longer than the room keeps its end.
 */
export function middlePath(path: string, width: number, g: Glyphs = UNICODE_GLYPHS): string {
  const shown = screenText(path, g);
  if (cellWidth(shown) <= width) return shown;
  if (width <= 0) return '';
  const parts = shown.split('/');
  const head = parts[0] ?? '';
  const middle = `${head}/${g.ellipsis}/`;
  let tail = '';
  for (let i = parts.length - 1; i >= 1; i--) {
    const next = tail === '' ? (parts[i] ?? '') : `${parts[i]}/${tail}`;
    if (cellWidth(middle) + cellWidth(next) > width) break;
    tail = next;
  }
  if (tail !== '') return `${middle}${tail}`;
  // not even the last folder fits after the head: its end, after an ellipsis
  const last = parts.at(-1) ?? shown;
  const room = width - cellWidth(g.ellipsis);
  if (room <= 0) return fit(shown, width, g).trimEnd();
  let end = '';
  for (const char of [...last].reverse()) {
    if (cellWidth(char + end) > room) break;
    end = char + end;
  }
  return `${g.ellipsis}${end}`;
}

/** The rows `text` takes when Ink wraps it at spaces to `width` cells (long words are cut). */
export function wrappedRows(text: string, width: number): number {
  let rows = 0;
  for (const line of text.split('\n')) rows += lineRows(line, Math.max(1, width));
  return rows;
}

function lineRows(text: string, width: number): number {
  let rows = 1;
  let used = 0;
  for (const word of text.split(' ')) {
    const w = cellWidth(word);
    const needed = used === 0 ? w : used + 1 + w;
    if (needed <= width) {
      used = needed;
      continue;
    }
    rows += used === 0 ? 0 : 1;
    used = w;
    while (used > width) {
      rows += 1;
      used -= width;
    }
  }
  return rows;
}

/** `text` (made screen-safe) cut into rows of at most `width` cells, with no character lost. */
export function chunkRows(text: string, width: number, g: Glyphs = UNICODE_GLYPHS): string[] {
  const shown = screenText(text, g);
  const rows: string[] = [];
  let row = '';
  let used = 0;
  for (const char of shown) {
    const cw = stringWidth(char);
    if (used + cw > Math.max(1, width) && row !== '') {
      rows.push(row);
      row = '';
      used = 0;
    }
    row += char;
    used += cw;
  }
  if (row !== '' || rows.length === 0) rows.push(row);
  return rows;
}

/**
 * Parts joined with `sep` into at most `maxRows` rows of `width` cells, breaking only between
 * parts; a part wider than a row, or what does not fit the last row, is cut.
 */
export function packParts(parts: readonly string[], sep: string, width: number, maxRows: number, g: Glyphs = UNICODE_GLYPHS): string[] {
  const between = screenText(sep, g);
  const rows: string[] = [];
  let row = '';
  for (const raw of parts) {
    const part = screenText(raw, g);
    const joined = row === '' ? part : `${row}${between}${part}`;
    if (cellWidth(joined) <= width || row === '') {
      row = joined;
      continue;
    }
    if (rows.length + 1 >= maxRows) {
      row = joined;
      continue;
    }
    rows.push(row);
    row = part;
  }
  rows.push(row);
  return rows.map((r) => fit(r, width, g).trimEnd());
}
