/**
 * Render a terminal screen captured with `tmux capture-pane -p -e` as an SVG.
 *
 * The capture is a list of lines containing SGR escape sequences. tmux only
 * emits a sequence when the style changes, so the style state carries over
 * from one line to the next.
 *
 * Layout: a fixed cell grid (cell width 0.6em, line height 1.2em, which is
 * what DejaVu Sans Mono needs). Plain text is emitted as one `<text>` per run
 * of same-styled cells positioned at the run's first column; characters that
 * may come from a fallback font are emitted one per cell, centred in it; and
 * box-drawing / block characters are drawn as vector shapes snapped to the
 * pixel grid, so borders join up exactly whatever the font does.
 */
import stringWidth from 'string-width';

export interface AnsiSvgTheme {
  background: string;
  foreground: string;
  /** The 16 ANSI colours: 0-7 normal, 8-15 bright. */
  palette: readonly string[];
}

export interface AnsiSvgOptions {
  cols: number;
  rows: number;
  /** Pixels; default 15 (9×18 px cells). */
  fontSize?: number;
  theme?: Partial<AnsiSvgTheme>;
  fontFamily?: string;
  /** Draw box-drawing and block characters as shapes (default true). */
  vectorGlyphs?: boolean;
  /**
   * The font's real advance width in em (DejaVu Sans Mono: 1233/2048 ≈ 0.602).
   * The text is drawn at fontSize × 0.6 / fontAdvance so that glyphs advance
   * exactly one cell (0.6 × fontSize) and long runs do not drift off the grid.
   */
  fontAdvance?: number;
}

export const DEFAULT_FONT_SIZE = 15;
export const DEFAULT_FONT_FAMILY = 'DejaVu Sans Mono, monospace';
export const DEJAVU_SANS_MONO_ADVANCE = 1233 / 2048;

/** Catppuccin-Mocha-flavoured defaults. */
export const DEFAULT_THEME: AnsiSvgTheme = {
  background: '#1e1e2e',
  foreground: '#cdd6f4',
  palette: [
    '#45475a', // black
    '#f38ba8', // red
    '#a6e3a1', // green
    '#f9e2af', // yellow
    '#89b4fa', // blue
    '#f5c2e7', // magenta
    '#94e2d5', // cyan
    '#bac2de', // white
    '#7f849c', // bright black (chalk "gray")
    '#ff9fbd', // bright red
    '#bff5ba', // bright green
    '#fff0c4', // bright yellow
    '#a9c8ff', // bright blue
    '#ffd5f2', // bright magenta
    '#aef5ea', // bright cyan
    '#ffffff', // bright white
  ],
};

// ---------------------------------------------------------------------------
// Model

/** null = terminal default, number = palette index 0-255, string = '#rrggbb'. */
export type AnsiColor = null | number | string;

/** 0 none, 1 single, 2 double, 3 curly, 4 dotted, 5 dashed. */
export type UnderlineStyle = 0 | 1 | 2 | 3 | 4 | 5;

export interface CellStyle {
  readonly bold: boolean;
  readonly dim: boolean;
  readonly italic: boolean;
  readonly underline: UnderlineStyle;
  readonly inverse: boolean;
  readonly hidden: boolean;
  readonly strike: boolean;
  readonly overline: boolean;
  readonly fg: AnsiColor;
  readonly bg: AnsiColor;
  readonly ul: AnsiColor;
}

export interface Cell {
  /** One grapheme cluster (possibly with combining marks). */
  ch: string;
  width: 1 | 2;
  style: CellStyle;
  /** Identity of the style, for grouping runs. */
  key: string;
}

/** A grid row: Cell, 'cont' for the right half of a wide char, undefined for never written (blank). */
export type Slot = Cell | 'cont' | undefined;

export const DEFAULT_STYLE: CellStyle = Object.freeze({
  bold: false,
  dim: false,
  italic: false,
  underline: 0,
  inverse: false,
  hidden: false,
  strike: false,
  overline: false,
  fg: null,
  bg: null,
  ul: null,
});

function styleKey(s: CellStyle): string {
  return [
    s.bold ? 'b' : '',
    s.dim ? 'd' : '',
    s.italic ? 'i' : '',
    `u${s.underline}`,
    s.inverse ? 'r' : '',
    s.hidden ? 'h' : '',
    s.strike ? 's' : '',
    s.overline ? 'o' : '',
    `f${String(s.fg)}`,
    `g${String(s.bg)}`,
    `l${String(s.ul)}`,
  ].join('|');
}

const DEFAULT_KEY = styleKey(DEFAULT_STYLE);

// ---------------------------------------------------------------------------
// SGR

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Parse an extended colour (38/48/58). `sub` holds colon sub-parameters of
 * the current parameter (after the 38); when it is empty the arguments are
 * taken from the following semicolon-separated parameters.
 * Returns the colour (or undefined if malformed) and how many extra
 * semicolon parameters were consumed.
 */
function extendedColor(sub: number[], rest: number[][]): { color: AnsiColor | undefined; used: number } {
  const byte = (n: number | undefined): number => Math.max(0, Math.min(255, n ?? 0));
  const hex = (r: number, g: number, b: number): string =>
    `#${[r, g, b].map((v) => byte(v).toString(16).padStart(2, '0')).join('')}`;
  if (sub.length > 0) {
    const mode = sub[0];
    if (mode === 5) return { color: byte(sub[1]), used: 0 };
    if (mode === 2) {
      // 38:2:r:g:b or 38:2:cs:r:g:b (ITU form with colour-space id)
      const v = sub.length >= 5 ? sub.slice(2, 5) : sub.slice(1, 4);
      return { color: hex(v[0] ?? 0, v[1] ?? 0, v[2] ?? 0), used: 0 };
    }
    return { color: undefined, used: 0 };
  }
  const mode = rest[0]?.[0];
  if (mode === 5) return { color: byte(rest[1]?.[0]), used: 2 };
  if (mode === 2) return { color: hex(rest[1]?.[0] ?? 0, rest[2]?.[0] ?? 0, rest[3]?.[0] ?? 0), used: 4 };
  return { color: undefined, used: rest.length > 0 ? 1 : 0 };
}

/** Apply the parameter string of `CSI ... m` to a style. */
export function applySgr(style: CellStyle, paramString: string): CellStyle {
  // Each parameter is a list: main value followed by colon sub-parameters.
  // Empty values read as 0 (and an entirely empty string as a single 0).
  const params: number[][] = paramString.split(';').map((p) => p.split(':').map((v) => (v === '' ? 0 : Number.parseInt(v, 10) || 0)));
  const s: Mutable<CellStyle> = { ...style };
  for (let i = 0; i < params.length; i++) {
    const param = params[i] ?? [0];
    const code = param[0] ?? 0;
    const sub = param.slice(1);
    if (code === 0) Object.assign(s, DEFAULT_STYLE);
    else if (code === 1) s.bold = true;
    else if (code === 2) s.dim = true;
    else if (code === 3) s.italic = true;
    else if (code === 4) {
      const u = sub[0] ?? 1;
      s.underline = (u >= 0 && u <= 5 ? u : 1) as UnderlineStyle;
    } else if (code === 7) s.inverse = true;
    else if (code === 8) s.hidden = true;
    else if (code === 9) s.strike = true;
    else if (code === 21) s.underline = 2;
    else if (code === 22) {
      s.bold = false;
      s.dim = false;
    } else if (code === 23) s.italic = false;
    else if (code === 24) s.underline = 0;
    else if (code === 27) s.inverse = false;
    else if (code === 28) s.hidden = false;
    else if (code === 29) s.strike = false;
    else if (code >= 30 && code <= 37) s.fg = code - 30;
    else if (code === 39) s.fg = null;
    else if (code >= 40 && code <= 47) s.bg = code - 40;
    else if (code === 49) s.bg = null;
    else if (code === 53) s.overline = true;
    else if (code === 55) s.overline = false;
    else if (code === 59) s.ul = null;
    else if (code >= 90 && code <= 97) s.fg = code - 90 + 8;
    else if (code >= 100 && code <= 107) s.bg = code - 100 + 8;
    else if (code === 38 || code === 48 || code === 58) {
      const { color, used } = extendedColor(sub, params.slice(i + 1));
      i += used;
      if (color !== undefined) {
        if (code === 38) s.fg = color;
        else if (code === 48) s.bg = color;
        else s.ul = color;
      }
    }
    // 5/6 blink, 25 etc.: ignored
  }
  return s;
}

// ---------------------------------------------------------------------------
// Parser

/** DEC special graphics (what `ESC ( 0` / SO selects), as tmux may emit for ACS. */
const DEC_GRAPHICS: Record<string, string> = {
  '`': '◆', a: '▒', b: '␉', c: '␌', d: '␍', e: '␊', f: '°', g: '±', h: '␤', i: '␋',
  j: '┘', k: '┐', l: '┌', m: '└', n: '┼', o: '⎺', p: '⎻', q: '─', r: '⎼', s: '⎽',
  t: '├', u: '┤', v: '┴', w: '┬', x: '│', y: '≤', z: '≥', '{': 'π', '|': '≠', '}': '£', '~': '·',
};

const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });

/** Parse a capture into a rows × cols grid of cells. */
export function parseAnsiScreen(text: string, cols: number, rows: number): Slot[][] {
  const grid: Slot[][] = Array.from({ length: rows }, () => new Array<Slot>(cols).fill(undefined));
  let style: CellStyle = DEFAULT_STYLE;
  let key = DEFAULT_KEY;
  let row = 0;
  let col = 0;
  let last: Cell | undefined; // last cell written on this row, for combining marks
  const g: [boolean, boolean] = [false, false]; // G0/G1 designated as DEC graphics
  let shift: 0 | 1 = 0;
  // tmux marks ACS cells with SO ... SI and assumes G1 is the graphics set
  g[1] = true;

  const put = (grapheme: string): void => {
    let ch = grapheme;
    if (g[shift]) ch = DEC_GRAPHICS[ch] ?? ch;
    let w = stringWidth(ch);
    if (w === 0) {
      if (last && /\p{M}|\u200d|[\ufe00-\ufe0f]/u.test(ch)) last.ch += ch;
      return;
    }
    if (w > 2) w = 2;
    if (row >= rows || col >= cols) {
      col += w;
      return;
    }
    const line = grid[row];
    if (!line) return;
    if (w === 2 && col + 1 >= cols) w = 1; // clipped wide char
    const cell: Cell = { ch, width: w as 1 | 2, style, key };
    line[col] = cell;
    if (w === 2) line[col + 1] = 'cont';
    last = cell;
    col += w;
  };

  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x1b) {
      const next = text[i + 1];
      if (next === '[') {
        // CSI: parameters 0x30-0x3f, intermediates 0x20-0x2f, final 0x40-0x7e
        let j = i + 2;
        while (j < n && text.charCodeAt(j) >= 0x30 && text.charCodeAt(j) <= 0x3f) j++;
        const params = text.slice(i + 2, j);
        while (j < n && text.charCodeAt(j) >= 0x20 && text.charCodeAt(j) <= 0x2f) j++;
        const final = text[j];
        const intermediates = text.slice(i + 2 + params.length, j);
        if (final === 'm' && intermediates === '' && !/^[<=>?]/.test(params)) {
          style = applySgr(style, params);
          key = styleKey(style);
        }
        i = j + 1;
      } else if (next === ']' || next === 'P' || next === 'X' || next === '^' || next === '_') {
        // OSC / DCS / SOS / PM / APC: skip to BEL or ST
        let j = i + 2;
        while (j < n) {
          if (text[j] === '\x07') {
            j += 1;
            break;
          }
          if (text[j] === '\x1b' && text[j + 1] === '\\') {
            j += 2;
            break;
          }
          j++;
        }
        i = j;
      } else if (next === '(' || next === ')') {
        const set = text[i + 2];
        g[next === '(' ? 0 : 1] = set === '0';
        i += 3;
      } else {
        i += 2;
      }
      continue;
    }
    if (c === 0x0a) {
      row++;
      col = 0;
      last = undefined;
      i++;
      continue;
    }
    if (c === 0x0d) {
      col = 0;
      i++;
      continue;
    }
    if (c === 0x09) {
      col = Math.min(cols, (Math.floor(col / 8) + 1) * 8);
      i++;
      continue;
    }
    if (c === 0x0e || c === 0x0f) {
      shift = c === 0x0e ? 1 : 0;
      i++;
      continue;
    }
    if (c < 0x20 || c === 0x7f || (c >= 0x80 && c <= 0x9f)) {
      i++;
      continue;
    }
    // A run of printable text up to the next control character.
    let j = i + 1;
    while (j < n) {
      const d = text.charCodeAt(j);
      if (d < 0x20 || d === 0x7f || (d >= 0x80 && d <= 0x9f)) break;
      j++;
    }
    for (const { segment } of segmenter.segment(text.slice(i, j))) put(segment);
    i = j;
  }
  return grid;
}

// ---------------------------------------------------------------------------
// Colours

function paletteColor(index: number, theme: AnsiSvgTheme): string {
  if (index < 16) return theme.palette[index] ?? DEFAULT_THEME.palette[index] ?? theme.foreground;
  if (index < 232) {
    const levels = [0, 95, 135, 175, 215, 255];
    const v = index - 16;
    const r = levels[Math.floor(v / 36)] ?? 0;
    const g = levels[Math.floor(v / 6) % 6] ?? 0;
    const b = levels[v % 6] ?? 0;
    return rgbHex(r, g, b);
  }
  const grey = 8 + (index - 232) * 10;
  return rgbHex(grey, grey, grey);
}

function rgbHex(r: number, g: number, b: number): string {
  return `#${[r, g, b].map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`;
}

function parseHex(color: string): [number, number, number] | undefined {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  if (!m) return undefined;
  return [Number.parseInt(m[1] ?? '0', 16), Number.parseInt(m[2] ?? '0', 16), Number.parseInt(m[3] ?? '0', 16)];
}

function mix(a: string, b: string, t: number): string {
  const x = parseHex(a);
  const y = parseHex(b);
  if (!x || !y) return a;
  return rgbHex(x[0] + (y[0] - x[0]) * t, x[1] + (y[1] - x[1]) * t, x[2] + (y[2] - x[2]) * t);
}

interface Resolved {
  fg: string;
  bg: string;
  /** Background differs from the canvas and needs a rect. */
  paintBg: boolean;
  ul: string;
}

function resolveColors(s: CellStyle, theme: AnsiSvgTheme): Resolved {
  const res = (c: AnsiColor, dflt: string): string => (c === null ? dflt : typeof c === 'number' ? paletteColor(c, theme) : c);
  let fg = res(s.fg, theme.foreground);
  let bg = res(s.bg, theme.background);
  let paintBg = s.bg !== null;
  if (s.inverse) {
    [fg, bg] = [bg, fg];
    paintBg = true;
  }
  if (s.dim) fg = mix(fg, bg, 0.5);
  const ul = s.ul === null ? fg : res(s.ul, fg);
  return { fg, bg, paintBg: paintBg && bg.toLowerCase() !== theme.background.toLowerCase(), ul };
}

// ---------------------------------------------------------------------------
// SVG helpers

function num(v: number): string {
  return String(Number(v.toFixed(3)));
}

/** Escape text for XML content/attributes, dropping characters XML 1.0 forbids. */
export function escapeXml(s: string): string {
  return s
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const px = Math.round;

function rect(x: number, y: number, w: number, h: number, fill: string, extra = ''): string {
  return `<rect x="${num(x)}" y="${num(y)}" width="${num(w)}" height="${num(h)}" fill="${fill}"${extra}/>`;
}

/** Characters safe to put in a multi-character run: DejaVu Sans Mono covers them at 0.6em. */
function runSafe(ch: string): boolean {
  for (const c of ch) {
    const cp = c.codePointAt(0) ?? 0;
    const ok =
      (cp >= 0x20 && cp <= 0x7e) ||
      (cp >= 0xa0 && cp <= 0x17f) || // Latin-1, Latin Extended-A
      (cp >= 0x370 && cp <= 0x3ff) || // Greek
      (cp >= 0x400 && cp <= 0x45f); // basic Cyrillic
    if (!ok) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------
// Vector glyphs: box drawing and blocks

/** Arms up/right/down/left: 0 none, 1 light, 2 heavy, 3 double. */
type Arms = readonly [number, number, number, number];

const BOX: Record<string, string> = {
  // light
  '─': '0101', '│': '1010', '┌': '0110', '┐': '0011', '└': '1100', '┘': '1001',
  '├': '1110', '┤': '1011', '┬': '0111', '┴': '1101', '┼': '1111',
  '╴': '0001', '╵': '1000', '╶': '0100', '╷': '0010',
  // heavy
  '━': '0202', '┃': '2020', '┏': '0220', '┓': '0022', '┗': '2200', '┛': '2002',
  '┣': '2220', '┫': '2022', '┳': '0222', '┻': '2202', '╋': '2222',
  '╸': '0002', '╹': '2000', '╺': '0200', '╻': '0020',
  '╼': '0201', '╽': '1020', '╾': '0102', '╿': '2010',
  // light/heavy mixes
  '┍': '0210', '┎': '0120', '┑': '0012', '┒': '0021', '┕': '1200', '┖': '2100', '┙': '1002', '┚': '2001',
  '┝': '1210', '┠': '2120', '┥': '1012', '┨': '2021', '┯': '0212', '┰': '0121', '┷': '1202', '┸': '2101',
  '┿': '1212', '╂': '2121',
  // double
  '═': '0303', '║': '3030', '╔': '0330', '╗': '0033', '╚': '3300', '╝': '3003',
  '╠': '3330', '╣': '3033', '╦': '0333', '╩': '3303', '╬': '3333',
  // single/double mixes
  '╒': '0310', '╓': '0130', '╕': '0013', '╖': '0031', '╘': '1300', '╙': '3100', '╛': '1003', '╜': '3001',
  '╞': '1310', '╟': '3130', '╡': '1013', '╢': '3031', '╤': '0313', '╥': '0131', '╧': '1303', '╨': '3101',
  '╪': '1313', '╫': '3131',
};

/** Rounded corners: which two arms they join. */
const ARCS: Record<string, 'dr' | 'dl' | 'ul' | 'ur'> = { '╭': 'dr', '╮': 'dl', '╯': 'ul', '╰': 'ur' };

/** Block elements as fractions of the cell [x0, y0, x1, y1], optionally with opacity. */
const BLOCKS: Record<string, ReadonlyArray<readonly [number, number, number, number]>> = {
  '█': [[0, 0, 1, 1]],
  '▀': [[0, 0, 1, 0.5]],
  '▔': [[0, 0, 1, 0.125]],
  '▕': [[0.875, 0, 1, 1]],
  '▐': [[0.5, 0, 1, 1]],
  '▖': [[0, 0.5, 0.5, 1]],
  '▗': [[0.5, 0.5, 1, 1]],
  '▘': [[0, 0, 0.5, 0.5]],
  '▝': [[0.5, 0, 1, 0.5]],
  '▙': [[0, 0, 0.5, 1], [0.5, 0.5, 1, 1]],
  '▚': [[0, 0, 0.5, 0.5], [0.5, 0.5, 1, 1]],
  '▛': [[0, 0, 1, 0.5], [0, 0.5, 0.5, 1]],
  '▜': [[0, 0, 1, 0.5], [0.5, 0.5, 1, 1]],
  '▞': [[0.5, 0, 1, 0.5], [0, 0.5, 0.5, 1]],
  '▟': [[0.5, 0, 1, 1], [0, 0.5, 0.5, 1]],
};
for (let k = 1; k <= 8; k++) {
  BLOCKS[String.fromCodePoint(0x2580 + k)] = [[0, 1 - k / 8, 1, 1]]; // ▁..█ lower k/8
  if (k < 8) BLOCKS[String.fromCodePoint(0x2590 - k)] = [[0, 0, k / 8, 1]]; // ▏..▉ left k/8
}
const SHADES: Record<string, number> = { '░': 0.25, '▒': 0.5, '▓': 0.75 };

function isVectorGlyph(ch: string): boolean {
  return ch in BOX || ch in ARCS || ch in BLOCKS || ch in SHADES;
}

interface CellBox {
  L: number;
  R: number;
  T: number;
  B: number;
}

interface Shape {
  x: number;
  y: number;
  w: number;
  h: number;
  fill: string;
  opacity?: number;
}

/** Collected vector glyphs: rects (merged before output) and arc paths. */
interface Shapes {
  rects: Shape[];
  paths: string[];
}

/**
 * Merge rects that abut exactly (same colour): first along rows, then along
 * columns. A line or block spanning many cells becomes one rect, so no
 * antialiasing seams can appear between cells when the image is scaled.
 */
function mergeRects(rects: readonly Shape[]): Shape[] {
  const keyOf = (r: Shape): string => `${r.fill}/${r.opacity ?? 1}`;
  const pass = (input: readonly Shape[], horizontal: boolean): Shape[] => {
    const sorted = [...input].sort((a, b) => {
      const ka = keyOf(a);
      const kb = keyOf(b);
      if (ka !== kb) return ka < kb ? -1 : 1;
      return horizontal ? a.y - b.y || a.h - b.h || a.x - b.x : a.x - b.x || a.w - b.w || a.y - b.y;
    });
    const out: Shape[] = [];
    for (const r of sorted) {
      const prev = out[out.length - 1];
      if (prev && keyOf(prev) === keyOf(r)) {
        if (horizontal && prev.y === r.y && prev.h === r.h && r.x >= prev.x && r.x <= prev.x + prev.w) {
          prev.w = Math.max(prev.w, r.x + r.w - prev.x);
          continue;
        }
        if (!horizontal && prev.x === r.x && prev.w === r.w && r.y >= prev.y && r.y <= prev.y + prev.h) {
          prev.h = Math.max(prev.h, r.y + r.h - prev.y);
          continue;
        }
      }
      out.push({ ...r });
    }
    return out;
  };
  return pass(pass(rects, true), false);
}

function drawVectorGlyph(ch: string, box: CellBox, fill: string, fontSize: number, sink: Shapes): void {
  const { L, R, T, B } = box;
  const out = sink.rects;
  const frac = (fx: number, fy: number): [number, number] => [px(L + (R - L) * fx), px(T + (B - T) * fy)];

  const blocks = BLOCKS[ch];
  if (blocks) {
    for (const [x0, y0, x1, y1] of blocks) {
      const [a, b] = frac(x0, y0);
      const [c, d] = frac(x1, y1);
      out.push({ x: a, y: b, w: c - a, h: d - b, fill });
    }
    return;
  }
  const shade = SHADES[ch];
  if (shade !== undefined) {
    out.push({ x: L, y: T, w: R - L, h: B - T, fill, opacity: shade });
    return;
  }

  const light = Math.max(1, Math.round(fontSize / 15));
  const heavy = light * 2;
  const gap = Math.max(light + 1, Math.round(fontSize * 0.13));
  const thick = (a: number): number => (a === 2 ? heavy : light);
  const cx = (L + R) / 2;
  const cy = (T + B) / 2;
  // start of a line of thickness t centred on c, snapped to the pixel grid
  const snap = (c: number, t: number): number => px(c - t / 2);

  const arc = ARCS[ch];
  if (arc) {
    const t = light;
    const x = snap(cx, t) + t / 2;
    const y = snap(cy, t) + t / 2;
    const r = Math.max(1, Math.min(R - L, B - T) / 2);
    const vEdge = arc[0] === 'd' ? B : T;
    const hEdge = arc[1] === 'r' ? R : L;
    const vy = arc[0] === 'd' ? y + r : y - r;
    const hx = arc[1] === 'r' ? x + r : x - r;
    const sweep = arc === 'dr' || arc === 'ul' ? 1 : 0;
    const d = `M${num(x)} ${num(vEdge)}L${num(x)} ${num(vy)}A${num(r)} ${num(r)} 0 0 ${sweep} ${num(hx)} ${num(y)}L${num(hEdge)} ${num(y)}`;
    sink.paths.push(`<path d="${d}" fill="none" stroke="${fill}" stroke-width="${t}"/>`);
    return;
  }

  const spec = BOX[ch];
  if (!spec) return;
  const arms: Arms = [Number(spec[0]), Number(spec[1]), Number(spec[2]), Number(spec[3])];
  const [up, right, down, left] = arms;

  // Horizontal segment from x0..x1 centred on y (thickness t), and vertical likewise.
  const h = (x0: number, x1: number, y: number, t: number): void => {
    const a = px(Math.min(x0, x1));
    const b = px(Math.max(x0, x1));
    if (b > a) out.push({ x: a, y: snap(y, t), w: b - a, h: t, fill });
  };
  const v = (y0: number, y1: number, x: number, t: number): void => {
    const a = px(Math.min(y0, y1));
    const b = px(Math.max(y0, y1));
    if (b > a) out.push({ x: snap(x, t), y: a, w: t, h: b - a, fill });
  };

  /**
   * How far past the centre (towards the far side, so negative = overshoot)
   * a line of an arm stops, given the two perpendicular arms.
   * `near`/`far` are the perpendicular arms on the rail's own side and the
   * other side (for a single/heavy line both are just the two perpendiculars).
   */
  const singleStop = (p1: number, p2: number, t: number): number => {
    if (p1 === 3 && p2 === 3) return gap - light / 2; // stop at the near rail
    if (p1 === 3 || p2 === 3) return -(gap + light / 2); // reach the far rail of a corner
    const tp = Math.max(p1 ? thick(p1) : 0, p2 ? thick(p2) : 0, t);
    return -tp / 2;
  };
  const railStop = (near: number, far: number): number => {
    if (near === 3) return gap - light / 2; // inner corner
    if (near) return -thick(near) / 2; // meets a single line
    if (far === 3) return -(gap + light / 2); // outer corner
    if (far) return -thick(far) / 2;
    return 0;
  };

  const horizontal = (arm: number, dir: 1 | -1): void => {
    const edge = dir === 1 ? R : L;
    if (arm === 1 || arm === 2) {
      const t = thick(arm);
      const k = singleStop(up, down, t);
      h(cx + dir * k, edge, cy, t);
    } else if (arm === 3) {
      h(cx + dir * railStop(up, down), edge, cy - gap, light); // upper rail
      h(cx + dir * railStop(down, up), edge, cy + gap, light); // lower rail
    }
  };
  const vertical = (arm: number, dir: 1 | -1): void => {
    const edge = dir === 1 ? B : T;
    if (arm === 1 || arm === 2) {
      const t = thick(arm);
      const k = singleStop(left, right, t);
      v(cy + dir * k, edge, cx, t);
    } else if (arm === 3) {
      v(cy + dir * railStop(left, right), edge, cx - gap, light); // left rail
      v(cy + dir * railStop(right, left), edge, cx + gap, light); // right rail
    }
  };
  // Plain straight lines: one rect.
  if (up === 0 && down === 0 && (left === 1 || left === 2) && right === left) {
    h(L, R, cy, thick(left));
    return;
  }
  if (left === 0 && right === 0 && (up === 1 || up === 2) && down === up) {
    v(T, B, cx, thick(up));
    return;
  }
  horizontal(right, 1);
  horizontal(left, -1);
  vertical(down, 1);
  vertical(up, -1);
}

// ---------------------------------------------------------------------------
// Renderer

export function cellMetrics(fontSize: number): { cellWidth: number; lineHeight: number; baseline: number } {
  // DejaVu Sans Mono: advance 0.6em, ascent 0.928em, descent 0.236em.
  const lineHeight = fontSize * 1.2;
  return {
    cellWidth: fontSize * 0.6,
    lineHeight,
    baseline: (lineHeight - 1.164 * fontSize) / 2 + 0.928 * fontSize,
  };
}

export function ansiScreenToSvg(text: string, opts: AnsiSvgOptions): string {
  const { cols, rows } = opts;
  const fontSize = opts.fontSize ?? DEFAULT_FONT_SIZE;
  const theme: AnsiSvgTheme = { ...DEFAULT_THEME, ...opts.theme };
  const vectors = opts.vectorGlyphs ?? true;
  const { cellWidth: cw, lineHeight: lh, baseline } = cellMetrics(fontSize);
  const width = cols * cw;
  const height = rows * lh;
  const grid = parseAnsiScreen(text, cols, rows);

  const bgs: string[] = [];
  const texts: string[] = [];
  const shapes: Shapes = { rects: [], paths: [] };
  const decos: string[] = [];
  const colorCache = new Map<string, Resolved>();
  const colorsOf = (cell: Cell): Resolved => {
    let r = colorCache.get(cell.key);
    if (!r) {
      r = resolveColors(cell.style, theme);
      colorCache.set(cell.key, r);
    }
    return r;
  };
  const X = (col: number): number => col * cw;
  const box = (row: number, col: number, w: number): CellBox => ({
    L: px(X(col)),
    R: px(X(col + w)),
    T: px(row * lh),
    B: px((row + 1) * lh),
  });
  const textAttrs = (cell: Cell, fill: string): string =>
    `fill="${fill}"${cell.style.bold ? ' font-weight="bold"' : ''}${cell.style.italic ? ' font-style="italic"' : ''}`;

  grid.forEach((line, row) => {
    const top = row * lh;
    const y = num(top + baseline);

    // Backgrounds: merge neighbouring cells with the same painted colour.
    let bgStart = -1;
    let bgColor = '';
    const flushBg = (end: number): void => {
      if (bgStart >= 0) {
        const a = box(row, bgStart, end - bgStart);
        bgs.push(rect(a.L, a.T, a.R - a.L, a.B - a.T, bgColor));
      }
      bgStart = -1;
    };
    for (let col = 0; col < cols; col++) {
      const slot = line[col];
      if (slot === 'cont') continue;
      const color = slot ? colorsOf(slot) : undefined;
      const paint = color?.paintBg ? color.bg : '';
      if (paint !== bgColor || bgStart < 0) {
        flushBg(col);
        if (paint) {
          bgStart = col;
          bgColor = paint;
        } else bgColor = '';
      }
    }
    flushBg(cols);

    // Text runs.
    let run: { col: number; cell: Cell; text: string } | undefined;
    const flushRun = (): void => {
      if (run) {
        const lead = run.text.length - run.text.trimStart().length;
        const body = run.text.trim();
        if (body && !run.cell.style.hidden) {
          texts.push(
            `<text x="${num(X(run.col + lead))}" y="${y}" ${textAttrs(run.cell, colorsOf(run.cell).fg)} xml:space="preserve">${escapeXml(body)}</text>`,
          );
        }
      }
      run = undefined;
    };
    for (let col = 0; col < cols; col++) {
      const slot = line[col];
      if (slot === 'cont') continue;
      if (!slot) {
        flushRun();
        continue;
      }
      const { ch } = slot;
      if (slot.width === 1 && runSafe(ch)) {
        if (run && run.cell.key === slot.key) run.text += ch;
        else {
          flushRun();
          run = { col, cell: slot, text: ch };
        }
        continue;
      }
      flushRun();
      if (slot.style.hidden) continue;
      const { fg } = colorsOf(slot);
      if (vectors && slot.width === 1 && isVectorGlyph(ch)) {
        drawVectorGlyph(ch, box(row, col, 1), fg, fontSize, shapes);
      } else {
        // Possibly a fallback-font glyph: centre it in its cell(s).
        const cx = X(col) + (slot.width * cw) / 2;
        texts.push(
          `<text x="${num(cx)}" y="${y}" text-anchor="middle" ${textAttrs(slot, fg)} xml:space="preserve">${escapeXml(ch)}</text>`,
        );
      }
    }
    flushRun();

    // Decorations: underline / strike / overline across same-styled cells.
    let decoStart = -1;
    let decoCell: Cell | undefined;
    const flushDeco = (end: number): void => {
      if (decoCell && decoStart >= 0) decos.push(decorate(decoCell, decoStart, end));
      decoCell = undefined;
      decoStart = -1;
    };
    const decorate = (cell: Cell, c0: number, c1: number): string => {
      const s = cell.style;
      const colors = colorsOf(cell);
      const t = Math.max(1, Math.round(fontSize / 15));
      const x0 = px(X(c0));
      const x1 = px(X(c1));
      const parts: string[] = [];
      const hline = (yy: number, color: string): void => {
        parts.push(rect(x0, px(yy - t / 2), x1 - x0, t, color));
      };
      const uy = top + baseline + fontSize * 0.12;
      if (s.underline === 1) hline(uy, colors.ul);
      else if (s.underline === 2) {
        hline(uy - t, colors.ul);
        hline(uy + t + 1, colors.ul);
      } else if (s.underline === 3) {
        const amp = Math.max(1, fontSize * 0.08);
        const step = cw / 2;
        let d = `M${num(x0)} ${num(uy)}`;
        for (let x = x0, k = 0; x < x1; x += step, k++) d += `L${num(Math.min(x + step, x1))} ${num(uy + (k % 2 === 0 ? amp : -amp))}`;
        parts.push(`<path d="${d}" fill="none" stroke="${colors.ul}" stroke-width="${t}"/>`);
      } else if (s.underline === 4 || s.underline === 5) {
        const dash = s.underline === 4 ? `${t} ${t * 2}` : `${num(cw / 2)} ${num(cw / 4)}`;
        const yy = px(uy - t / 2) + t / 2;
        parts.push(`<line x1="${x0}" y1="${num(yy)}" x2="${x1}" y2="${num(yy)}" stroke="${colors.ul}" stroke-width="${t}" stroke-dasharray="${dash}"/>`);
      }
      if (s.strike) hline(top + baseline - fontSize * 0.3, colors.fg);
      if (s.overline) hline(top + t, colors.fg);
      return parts.join('');
    };
    for (let col = 0; col < cols; col++) {
      const slot = line[col];
      if (slot === 'cont') continue;
      const decorated = slot && !slot.style.hidden && (slot.style.underline || slot.style.strike || slot.style.overline) ? slot : undefined;
      if (decorated && decoCell && decorated.key === decoCell.key) continue;
      flushDeco(col);
      if (decorated) {
        decoCell = decorated;
        decoStart = col;
      }
    }
    flushDeco(cols);
  });

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${num(width)}" height="${num(height)}" viewBox="0 0 ${num(width)} ${num(height)}">`,
    rect(0, 0, width, height, theme.background),
    `<g class="bg">${bgs.join('')}</g>`,
    `<g class="text" font-family="${escapeXml(opts.fontFamily ?? DEFAULT_FONT_FAMILY)}" font-size="${num(cw / (opts.fontAdvance ?? DEJAVU_SANS_MONO_ADVANCE))}">`,
    ...texts,
    '</g>',
    `<g class="glyphs">${mergeRects(shapes.rects)
      .map((r) => rect(r.x, r.y, r.w, r.h, r.fill, r.opacity === undefined ? '' : ` fill-opacity="${r.opacity}"`))
      .join('')}${shapes.paths.join('')}</g>`,
    `<g class="decorations">${decos.join('')}</g>`,
    '</svg>',
    '',
  ].join('\n');
}
