import Fuse, { type IFuseOptions } from 'fuse.js';

/** Inclusive [start, end] character ranges to highlight in the displayed text. */
export type Ranges = ReadonlyArray<readonly [number, number]>;

export interface FuzzyHit<T> {
  item: T;
  /** position in the unfiltered list */
  index: number;
}

export interface FuzzyIndex<T> {
  search(query: string): FuzzyHit<T>[];
}

export interface FuzzyField<T> {
  get: (item: T) => string;
}

const GROUP_THRESHOLD = 0.15;
const RECENT_QUERIES = 32;

const OPTIONS: IFuseOptions<string> & { threshold: number } = {
  ignoreLocation: true,
  ignoreFieldNorm: true,
  threshold: 0.3,
};

/**
 * A fuse.js index over what each item displays. `group` is a second text shared by many
 * items (a todo's section): it is matched once per distinct value, and items of a matching
 * group follow the items matched by their own text. Match positions are not computed here;
 * `highlightRanges` does that for the few rows on screen, which keeps a keystroke cheap.
 */
export function createFuzzyIndex<T>(items: readonly T[], display: FuzzyField<T>, group?: FuzzyField<T>): FuzzyIndex<T> {
  const texts = items.map(display.get);
  const narrowing = narrowingSearch(texts);
  const groups = group ? items.map(group.get) : [];
  // a group is a long heading path: only a near-exact match should pull in all of its items
  const groupFuse = group ? new Fuse([...new Set(groups)], { ...OPTIONS, threshold: GROUP_THRESHOLD }) : null;
  return {
    search(query) {
      const q = query.trim();
      if (q === '') return items.map((item, index) => ({ item, index }));
      const seen = new Set<number>();
      const hits: FuzzyHit<T>[] = [];
      for (const index of narrowing(q)) {
        seen.add(index);
        hits.push({ item: items[index] as T, index });
      }
      if (groupFuse) {
        const matched = new Set(groupFuse.search(q).map((r) => r.item));
        groups.forEach((g, index) => {
          if (matched.has(g) && !seen.has(index)) hits.push({ item: items[index] as T, index });
        });
      }
      return hits;
    },
  };
}

/** The most typos fuse.js accepts for a query of this length (its score is typos / length). */
function allowedTypos(length: number): number {
  return Math.floor((OPTIONS.threshold ?? 0) * length + 1e-9);
}

/**
 * fuse.js search that, while the user types on, searches only the previous matches. That is
 * exact as long as the longer query allows no more typos than the shorter one: a text that
 * matches "abc" with k typos matches "ab" with at most k. Otherwise it searches everything.
 * Scores do not depend on the other items, so the order is the same as a full search.
 */
function narrowingSearch(texts: readonly string[]): (query: string) => number[] {
  const index = Fuse.createIndex<string>([], texts);
  const full = new Fuse(texts, OPTIONS, index);
  const records = index.toJSON().records;
  let last: { query: string; matched: number[] } | null = null;
  // Backspace goes back to a query already answered: keep the recent answers
  const recent = new Map<string, number[]>();
  return (query) => {
    let result: number[];
    const known = recent.get(query);
    if (known) result = known;
    else if (last && last.query !== '' && query.startsWith(last.query) && allowedTypos(query.length) === allowedTypos(last.query.length)) {
      const subset = last.matched;
      const subIndex = Fuse.parseIndex<string>({ keys: [], records: subset.map((i, j) => ({ ...records[i], i: j })) });
      result = new Fuse(subset.map((i) => texts[i] as string), OPTIONS, subIndex).search(query).map((r) => subset[r.refIndex] as number);
    } else {
      result = full.search(query).map((r) => r.refIndex);
    }
    last = { query, matched: [...result].sort((a, b) => a - b) };
    recent.set(query, result);
    if (recent.size > RECENT_QUERIES) recent.delete(recent.keys().next().value as string);
    return result;
  };
}

/** Match positions of the query in each text, with the same fuse.js settings as the search. */
export function highlightRanges(texts: readonly string[], query: string): Ranges[] {
  const q = query.trim();
  const ranges: Ranges[] = texts.map(() => []);
  if (q === '' || texts.length === 0) return ranges;
  for (const r of new Fuse(texts, { ...OPTIONS, includeMatches: true }).search(q)) {
    ranges[r.refIndex] = (r.matches?.[0]?.indices ?? []).map(([s, e]) => [s, e] as const);
  }
  return ranges;
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
