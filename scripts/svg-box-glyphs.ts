/**
 * Box-drawing and block characters drawn as vector shapes snapped to the pixel
 * grid, so that borders join up exactly whatever the font does.
 */

/** A number for an SVG attribute: at most three decimals, no trailing zeros. */
export function svgNumber(v: number): string {
  return String(Number(v.toFixed(3)));
}

const num = svgNumber;
const px = Math.round;

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

export function isVectorGlyph(ch: string): boolean {
  return ch in BOX || ch in ARCS || ch in BLOCKS || ch in SHADES;
}

export interface CellBox {
  L: number;
  R: number;
  T: number;
  B: number;
}

export interface Shape {
  x: number;
  y: number;
  w: number;
  h: number;
  fill: string;
  opacity?: number;
}

/** Collected vector glyphs: rects (merged before output) and arc paths. */
export interface Shapes {
  rects: Shape[];
  paths: string[];
}

/**
 * Merge rects that abut exactly (same colour): first along rows, then along
 * columns. A line or block spanning many cells becomes one rect, so no
 * antialiasing seams can appear between cells when the image is scaled.
 */
export function mergeRects(rects: readonly Shape[]): Shape[] {
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

export function drawVectorGlyph(ch: string, box: CellBox, fill: string, fontSize: number, sink: Shapes): void {
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
