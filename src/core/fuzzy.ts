import Fuse, { type FuseResultMatch } from 'fuse.js';

/** Inclusive [start, end] character ranges to highlight in the displayed text. */
export type Ranges = ReadonlyArray<readonly [number, number]>;

export interface FuzzyHit<T> {
  item: T;
  index: number;
  /** ranges in the item's `display` text */
  ranges: Ranges;
}

export interface FuzzyIndex<T> {
  search(query: string): FuzzyHit<T>[];
}

export interface FuzzyField<T> {
  name: string;
  get: (item: T) => string;
  weight?: number;
}

/**
 * A fuse.js index over the items. `display` is the field whose match positions are returned
 * for highlighting; the other fields only widen what matches (a todo's section, say).
 */
export function createFuzzyIndex<T>(items: readonly T[], display: FuzzyField<T>, others: readonly FuzzyField<T>[] = []): FuzzyIndex<T> {
  // Fields are read once into plain records: fuse then names the matched key, which it does
  // not do for getFn keys, and searching does not call back into the items.
  const fields = [display, ...others];
  const records = items.map((item) => Object.fromEntries(fields.map((f, i) => [`f${i}`, f.get(item)])));
  const keys = fields.map((f, i) => ({ name: `f${i}`, weight: f.weight ?? 1 }));
  const fuse = new Fuse(records, {
    keys,
    includeMatches: true,
    ignoreLocation: true,
    threshold: 0.35,
    minMatchCharLength: 1,
  });
  return {
    search(query) {
      const q = query.trim();
      if (q === '') return items.map((item, index) => ({ item, index, ranges: [] }));
      return fuse.search(q).map((r) => ({ item: items[r.refIndex] as T, index: r.refIndex, ranges: rangesFor(r.matches, 'f0') }));
    },
  };
}

function rangesFor(matches: readonly FuseResultMatch[] | undefined, key: string): Ranges {
  const match = matches?.find((m) => m.key === key);
  return match ? match.indices.map(([s, e]) => [s, e] as const) : [];
}

/** Split text into plain and highlighted segments for rendering. */
export function segments(text: string, ranges: Ranges): { text: string; hit: boolean }[] {
  const marks = new Array<boolean>(text.length).fill(false);
  for (const [s, e] of ranges) for (let i = Math.max(0, s); i <= Math.min(text.length - 1, e); i++) marks[i] = true;
  const out: { text: string; hit: boolean }[] = [];
  for (let i = 0; i < text.length; i++) {
    const hit = marks[i] ?? false;
    const last = out.at(-1);
    if (last && last.hit === hit) last.text += text[i];
    else out.push({ text: text[i] ?? '', hit });
  }
  return out;
}
