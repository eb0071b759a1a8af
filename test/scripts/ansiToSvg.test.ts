import { describe, expect, it } from 'vitest';
import { ansiScreenToSvg, cellMetrics, DEFAULT_THEME, escapeXml } from '../../scripts/ansi-to-svg.js';
import { readScreen, type Cell, type Slot } from '../../scripts/terminal-screen.js';

const ESC = '\x1b';
const FS = 10; // cell 6 × 12
const { cellWidth: CW, lineHeight: LH } = cellMetrics(FS);
const palette = DEFAULT_THEME.palette;

function svgOf(text: string, cols = 20, rows = 3): Promise<string> {
  return ansiScreenToSvg(text, { cols, rows, fontSize: FS });
}

function cellAt(grid: Slot[][], row: number, col: number): Cell {
  const slot = grid[row]?.[col];
  if (slot === undefined || slot === 'cont') throw new Error(`no cell at ${row},${col}: ${String(slot)}`);
  return slot;
}

/** All <text> elements as { x, fill, content, attrs }. */
function texts(svg: string): Array<{ x: number; fill: string; content: string; attrs: string }> {
  return [...svg.matchAll(/<text ([^>]*)>([^<]*)<\/text>/g)].map((m) => {
    const attrs = m[1] ?? '';
    return {
      x: Number(/\bx="([^"]+)"/.exec(attrs)?.[1]),
      fill: /\bfill="([^"]+)"/.exec(attrs)?.[1] ?? '',
      content: m[2] ?? '',
      attrs,
    };
  });
}

/** The background rects (inside <g class="bg">). */
function bgRects(svg: string): Array<{ x: number; y: number; width: number; fill: string }> {
  const group = /<g class="bg">(.*?)<\/g>/s.exec(svg)?.[1] ?? '';
  return [...group.matchAll(/<rect x="([^"]+)" y="([^"]+)" width="([^"]+)" height="[^"]+" fill="([^"]+)"/g)].map((m) => ({
    x: Number(m[1]),
    y: Number(m[2]),
    width: Number(m[3]),
    fill: m[4] ?? '',
  }));
}

function textFor(svg: string, content: string): { x: number; fill: string; attrs: string } {
  const t = texts(svg).find((e) => e.content === content);
  if (!t) throw new Error(`no <text> with ${JSON.stringify(content)} in\n${svg}`);
  return t;
}

describe('readScreen', () => {
  it('reads attributes, colours and resets from SGR sequences', async () => {
    const grid = await readScreen(
      `${ESC}[1;2;3;4;7;9;53;31;44mA${ESC}[22;23;24;27;29;55;39;49mB${ESC}[38;5;208;48;2;1;2;3mC${ESC}[38:2::10:20:30mD${ESC}[95;101mE${ESC}[8mF${ESC}[0mG`,
      10,
      1,
    );
    expect(cellAt(grid, 0, 0).style).toEqual({
      bold: true, dim: true, italic: true, underline: true, inverse: true, hidden: false, strike: true, overline: true, fg: 1, bg: 4,
    });
    expect(cellAt(grid, 0, 1).style).toEqual({
      bold: false, dim: false, italic: false, underline: false, inverse: false, hidden: false, strike: false, overline: false, fg: null, bg: null,
    });
    expect(cellAt(grid, 0, 2).style).toMatchObject({ fg: 208, bg: '#010203' });
    expect(cellAt(grid, 0, 3).style).toMatchObject({ fg: '#0a141e', bg: '#010203' });
    expect(cellAt(grid, 0, 4).style).toMatchObject({ fg: 13, bg: 9 });
    expect(cellAt(grid, 0, 5).style).toMatchObject({ hidden: true });
    expect(cellAt(grid, 0, 6).key).toBe(cellAt(grid, 0, 1).key);
    expect(cellAt(grid, 0, 6).key).not.toBe(cellAt(grid, 0, 0).key);
    expect(grid[0]?.[7]).toBeUndefined();
  });

  it('follows cursor moves and erases', async () => {
    const grid = await readScreen(`abcdef${ESC}[3;5Hz${ESC}[1;3H${ESC}[Kq${ESC}[2;2H${ESC}[42m${ESC}[2K`, 8, 3);
    expect(cellAt(grid, 0, 0).ch).toBe('a');
    expect(cellAt(grid, 0, 1).ch).toBe('b');
    expect(cellAt(grid, 0, 2).ch).toBe('q');
    expect(grid[0]?.[3]).toBeUndefined();
    expect(cellAt(grid, 2, 4).ch).toBe('z');
    // an erased line keeps the background it was erased with
    expect(cellAt(grid, 1, 0)).toMatchObject({ ch: ' ', style: { bg: 2 } });
    expect(cellAt(grid, 1, 7)).toMatchObject({ ch: ' ', style: { bg: 2 } });
  });

  it('draws tmux line-drawing cells (SO ... SI) from the DEC graphics set', async () => {
    const grid = await readScreen('\x0elqk\x0fx\nx', 5, 2);
    expect([0, 1, 2, 3].map((c) => cellAt(grid, 0, c).ch).join('')).toBe('┌─┐x');
    expect(cellAt(grid, 1, 0).ch).toBe('x');
  });

  it('rejects a size that is not whole cells', async () => {
    await expect(readScreen('x', 0, 24)).rejects.toThrow(/at least 1, got 0x24/);
  });
});

describe('ansiScreenToSvg', () => {
  it('colours text with 16, 256 and truecolor foregrounds', async () => {
    const svg = await svgOf(`${ESC}[31mred${ESC}[0m ${ESC}[92mlime${ESC}[38;5;196mx${ESC}[38;2;1;2;3my${ESC}[39mz`);
    expect(textFor(svg, 'red').fill).toBe(palette[1]);
    expect(textFor(svg, 'lime').fill).toBe(palette[10]);
    expect(textFor(svg, 'x').fill).toBe('#ff0000');
    expect(textFor(svg, 'y').fill).toBe('#010203');
    expect(textFor(svg, 'z').fill).toBe(DEFAULT_THEME.foreground);
  });

  it('uses the 256-colour cube and grey ramp', async () => {
    const svg = await svgOf(`${ESC}[38;5;21ma${ESC}[38;5;232mb${ESC}[38;5;255mc`);
    expect(textFor(svg, 'a').fill).toBe('#0000ff');
    expect(textFor(svg, 'b').fill).toBe('#080808');
    expect(textFor(svg, 'c').fill).toBe('#eeeeee');
  });

  it('paints background rects for background colours', async () => {
    const svg = await svgOf(`ab${ESC}[44mcde${ESC}[49mf${ESC}[48;5;22mg${ESC}[48;2;80;0;80mh`);
    expect(bgRects(svg)).toEqual([
      { x: Math.round(2 * CW), y: 0, width: Math.round(5 * CW) - Math.round(2 * CW), fill: palette[4] },
      { x: Math.round(6 * CW), y: 0, width: Math.round(7 * CW) - Math.round(6 * CW), fill: '#005f00' },
      { x: Math.round(7 * CW), y: 0, width: Math.round(8 * CW) - Math.round(7 * CW), fill: '#500050' },
    ]);
    expect(textFor(svg, 'cde').fill).toBe(DEFAULT_THEME.foreground);
  });

  it('swaps colours for inverse', async () => {
    const plain = await svgOf(`${ESC}[7minv${ESC}[27m`);
    expect(bgRects(plain)).toEqual([{ x: 0, y: 0, width: Math.round(3 * CW), fill: DEFAULT_THEME.foreground }]);
    expect(textFor(plain, 'inv').fill).toBe(DEFAULT_THEME.background);

    const coloured = await svgOf(`${ESC}[31;44;7mX${ESC}[0m`);
    expect(bgRects(coloured)[0]?.fill).toBe(palette[1]);
    expect(textFor(coloured, 'X').fill).toBe(palette[4]);
  });

  it('renders bold and italic and dims colours', async () => {
    const svg = await svgOf(`${ESC}[1mB${ESC}[22;3mI${ESC}[23;2mD`);
    expect(textFor(svg, 'B').attrs).toContain('font-weight="bold"');
    expect(textFor(svg, 'I').attrs).toContain('font-style="italic"');
    expect(textFor(svg, 'I').attrs).not.toContain('font-weight');
    const dim = textFor(svg, 'D').fill;
    expect(dim).not.toBe(DEFAULT_THEME.foreground);
    expect(dim).not.toBe(DEFAULT_THEME.background);
  });

  it('keeps the style across lines, as tmux only emits changes', async () => {
    const svg = await svgOf(`${ESC}[32mone\ntwo${ESC}[0m\nthree`);
    expect(textFor(svg, 'two').fill).toBe(palette[2]);
    expect(textFor(svg, 'three').fill).toBe(DEFAULT_THEME.foreground);
  });

  it('escapes XML special characters', async () => {
    const svg = await svgOf(`<a & "b"> 'c'`);
    expect(svg).toContain('&lt;a &amp; &quot;b&quot;&gt; &apos;c&apos;');
    expect(svg).not.toContain('<a &');
    expect(escapeXml('\u0001x\u0007')).toBe('\ufffdx\ufffd');
    // every tag is well formed: no stray '<' or '&' outside markup/entities
    const contents = texts(svg).map((t) => t.content).join('');
    expect(contents).not.toMatch(/&(?!(amp|lt|gt|quot|apos);)/);
  });

  it('sizes an 80x24 screen as 80 cells by 24 lines', async () => {
    const screen = Array.from({ length: 24 }, (_, i) => `${ESC}[3${i % 8}m${`line ${i} `.padEnd(80, '.')}`).join('\n');
    for (const fontSize of [10, 15, 16]) {
      const svg = await ansiScreenToSvg(screen, { cols: 80, rows: 24, fontSize });
      const m = cellMetrics(fontSize);
      const width = Number(/<svg [^>]*width="([^"]+)"/.exec(svg)?.[1]);
      const height = Number(/<svg [^>]*height="([^"]+)"/.exec(svg)?.[1]);
      expect(width).toBeCloseTo(80 * m.cellWidth, 3);
      expect(width).toBeCloseTo(80 * 0.6 * fontSize, 3);
      expect(height).toBeCloseTo(24 * m.lineHeight, 3);
      expect(svg).toContain(`viewBox="0 0 ${width} ${height}"`);
      expect(svg).toContain('font-family="DejaVu Sans Mono, monospace"');
      expect(texts(svg)).toHaveLength(24);
    }
  });

  it('advances two cells for a wide character', async () => {
    const svg = await svgOf('a世b界c');
    expect(textFor(svg, 'a').x).toBe(0);
    // wide chars are centred in their two cells
    expect(textFor(svg, '世').x).toBeCloseTo(1 * CW + CW, 3);
    expect(textFor(svg, 'b').x).toBeCloseTo(3 * CW, 3);
    expect(textFor(svg, '界').x).toBeCloseTo(4 * CW + CW, 3);
    expect(textFor(svg, 'c').x).toBeCloseTo(6 * CW, 3);

    const grid = await readScreen('世x', 4, 1);
    expect(grid[0]?.[0]).toMatchObject({ ch: '世', width: 2 });
    expect(grid[0]?.[1]).toBe('cont');
    expect(grid[0]?.[2]).toMatchObject({ ch: 'x', width: 1 });
  });

  it('covers a wide character with its background', async () => {
    const svg = await svgOf(`${ESC}[41m世${ESC}[0mx`);
    expect(bgRects(svg)).toEqual([{ x: 0, y: 0, width: Math.round(2 * CW), fill: palette[1] }]);
  });

  it('places text runs at their column and keeps spaces inside runs', async () => {
    const svg = await svgOf(`  ab  cd${ESC}[1m e`);
    expect(textFor(svg, 'ab  cd')).toMatchObject({ x: 2 * CW });
    expect(textFor(svg, 'e').x).toBeCloseTo(9 * CW, 3);
    expect(svg).toMatch(/<text [^>]*xml:space="preserve">ab {2}cd<\/text>/);
  });

  it('draws box-drawing characters as aligned shapes', async () => {
    const screen = '╭──╮\n│ok│\n╰──╯';
    const svg = await svgOf(screen, 4, 3);
    expect(textFor(svg, 'ok').x).toBeCloseTo(CW, 3);
    // no box characters left as text
    expect(texts(svg).map((t) => t.content).join('')).toBe('ok');
    const glyphs = /<g class="glyphs">(.*?)<\/g>/s.exec(svg)?.[1] ?? '';
    // vertical bars of │ in row 1: same x as the arcs' vertical strokes in rows 0 and 2
    const bars = [...glyphs.matchAll(/<rect x="([^"]+)" y="([^"]+)" width="1" height="([^"]+)"/g)].map((m) => ({
      x: Number(m[1]),
      y: Number(m[2]),
      h: Number(m[3]),
    }));
    expect(bars).toHaveLength(2);
    expect(bars.map((b) => b.y)).toEqual([Math.round(LH), Math.round(LH)]);
    expect(bars.every((b) => b.h === Math.round(2 * LH) - Math.round(LH))).toBe(true);
    const arcX = [...glyphs.matchAll(/<path d="M([\d.]+) /g)].map((m) => Number(m[1]));
    expect(arcX).toHaveLength(4);
    const left = bars[0]?.x ?? NaN;
    const right = bars[1]?.x ?? NaN;
    expect(arcX.filter((x) => x === left + 0.5)).toHaveLength(2);
    expect(arcX.filter((x) => x === right + 0.5)).toHaveLength(2);
  });

  it('renders box characters as text when vector glyphs are off', async () => {
    const svg = await ansiScreenToSvg('┌─┐', { cols: 3, rows: 1, fontSize: FS, vectorGlyphs: false });
    expect(texts(svg).map((t) => t.content)).toEqual(['┌', '─', '┐']);
  });

  it('ignores OSC hyperlinks and mode changes', async () => {
    const svg = await svgOf(`${ESC}]8;;https://x.y${ESC}\\link${ESC}]8;;${ESC}\\${ESC}[?25l!`);
    // the link text may be styled apart (xterm underlines hyperlinks), but no escape shows
    expect(texts(svg).map((t) => t.content).join('')).toBe('link!');
    expect(textFor(svg, 'link').x).toBe(0);
  });

  it('underlines the underlined cells only', async () => {
    const svg = await svgOf(`ab${ESC}[4;31mcde${ESC}[24mf`);
    const decorations = /<g class="decorations">(.*?)<\/g>/s.exec(svg)?.[1] ?? '';
    const lines = [...decorations.matchAll(/<rect x="([^"]+)" y="[^"]+" width="([^"]+)" height="[^"]+" fill="([^"]+)"/g)];
    expect(lines.map((m) => [Number(m[1]), Number(m[2]), m[3]])).toEqual([[Math.round(2 * CW), Math.round(5 * CW) - Math.round(2 * CW), palette[1]]]);
  });

  it('clips to the given size', async () => {
    const svg = await svgOf(`${'x'.repeat(30)}\n\n\n\nhidden`, 20, 3);
    expect(textFor(svg, 'x'.repeat(20)).x).toBe(0);
    expect(svg).not.toContain('hidden');
  });
});
