/**
 * Render a terminal screen captured with `tmux capture-pane -p -e` as an SVG.
 *
 * The capture is replayed in a headless terminal (see terminal-screen.ts); this
 * file only writes the resulting cells. Layout: a fixed cell grid (cell width
 * 0.6em, line height 1.2em, which is what DejaVu Sans Mono needs). Plain text is
 * emitted as one `<text>` per run of same-styled cells positioned at the run's
 * first column; characters that may come from a fallback font are emitted one
 * per cell, centred in it; and box-drawing / block characters are drawn as
 * vector shapes (see svg-box-glyphs.ts).
 */
import { drawVectorGlyph, isVectorGlyph, mergeRects, svgNumber as num, type CellBox, type Shapes } from './svg-box-glyphs.js';
import { readScreen, type AnsiColor, type Cell, type CellStyle, type Slot } from './terminal-screen.js';

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
  return { fg, bg, paintBg: paintBg && bg.toLowerCase() !== theme.background.toLowerCase() };
}

// ---------------------------------------------------------------------------
// SVG helpers

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

/** Replay a `capture-pane -p -e` capture on a cols × rows terminal and draw it. */
export async function ansiScreenToSvg(capture: string, opts: AnsiSvgOptions): Promise<string> {
  return cellsToSvg(await readScreen(capture, opts.cols, opts.rows), opts);
}

/** Draw a grid of cells (rows × cols, as readScreen returns it) as an SVG. */
export function cellsToSvg(grid: readonly (readonly Slot[])[], opts: AnsiSvgOptions): string {
  const { cols, rows } = opts;
  const fontSize = opts.fontSize ?? DEFAULT_FONT_SIZE;
  const theme: AnsiSvgTheme = { ...DEFAULT_THEME, ...opts.theme };
  const vectors = opts.vectorGlyphs ?? true;
  const { cellWidth: cw, lineHeight: lh, baseline } = cellMetrics(fontSize);
  const width = cols * cw;
  const height = rows * lh;

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
      if (s.underline) hline(uy, colors.fg);
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
