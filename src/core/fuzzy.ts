import Fuse, { type IFuseOptions } from 'fuse.js';
import { charBit, charMask, foldCase, matchRanges, prepareQuery, type Query, type Ranges, rankText, TIER, tierOfRank } from './fuzzyMatch.js';

export type { Ranges } from './fuzzyMatch.js';

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

/** Headings above an item, outermost first (a todo's section). */
export interface FuzzyGroup<T> {
  get: (item: T) => readonly string[];
}

const RECENT_QUERIES = 32;
/** the item index in a sort key: rank * INDEX_SLOTS + index */
const INDEX_SLOTS = 2 ** 32;
/** fuse.js splits longer patterns into pieces and matches any piece: the prefilter below does not hold */
const FUSE_MAX_PATTERN = 32;

/** fuse.js for the typo tier; texts and queries are case-folded beforehand, once. */
const TYPO_OPTIONS: IFuseOptions<string> & { threshold: number } = {
  ignoreLocation: true,
  ignoreFieldNorm: true,
  isCaseSensitive: true,
  threshold: 0.3,
};
/** a heading pulls in all of its items: only a near-exact typo match counts */
const GROUP_TYPO_OPTIONS = { ...TYPO_OPTIONS, threshold: 0.15 };

/** The most typos fuse.js accepts for a query of this length (its score is typos / length). */
function allowedTypos(length: number, threshold = TYPO_OPTIONS.threshold): number {
  return Math.floor(threshold * length + 1e-9);
}

/**
 * A text that fuse.js matches with k typos shares at least length - k of the query's
 * characters, in order: every typo uses up at most one query character, every other query
 * character is matched. So the longest common subsequence of query and text (bit-parallel,
 * one step per text character) bounds the typo tier exactly; it never drops a match.
 * Patterns longer than fuse.js's 32 characters are split by it into pieces that match
 * separately: those are not filtered.
 */
function typoPrefilter(q: Query): (text: string, mask: number) => boolean {
  const m = q.text.length;
  if (m > FUSE_MAX_PATTERN) return () => true;
  const need = m - allowedTypos(m);
  // first a cheaper count: query characters whose charMask bit the text has (never fewer than the common ones)
  const bits = Int32Array.from(q.text, (c) => charBit(c.charCodeAt(0)));
  const ascii = new Int32Array(128);
  const other = new Map<number, number>();
  for (let i = 0; i < m; i++) {
    const code = q.text.charCodeAt(i);
    if (code < 128) ascii[code] = (ascii[code] as number) | (1 << i);
    else other.set(code, (other.get(code) ?? 0) | (1 << i));
  }
  const all = m === 32 ? 0xffffffff : 2 ** m - 1;
  return (text, mask) => {
    let present = 0;
    for (let b = 0; b < bits.length; b++) if (mask & (bits[b] as number)) present++;
    if (present < need) return false;
    let v = all;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      const pm = code < 128 ? (ascii[code] as number) : (other.get(code) ?? 0);
      if (pm === 0) continue;
      const u = (v & pm) >>> 0;
      v = (((v + u) | (v - u)) & all) >>> 0;
    }
    let common = 0;
    for (let x = ~v & all; x !== 0; x &= x - 1) common++;
    return common >= need;
  };
}

/**
 * The filter of a list: see fuzzyMatch.ts for the rules and the order. `group` gives headings
 * shared by many items (a todo's section): when one heading matches (every tier but the
 * scattered ones across words; typos up to 0.15 per character), all items under it follow
 * the items matched by their own text, in list order.
 *
 * Per keystroke the typo tier is the costly one: it runs only on the texts no other tier
 * matched that could match with the allowed typos (typoPrefilter), and, while the user types
 * on without the allowed typos going up, only on the previous query's matches (a text that
 * matches "abc" with k typos matches "ab" with at most k). Match positions are not computed
 * here: `highlightRanges` does that for the rows on screen.
 */
export function createFuzzyIndex<T>(items: readonly T[], display: FuzzyField<T>, group?: FuzzyGroup<T>): FuzzyIndex<T> {
  const texts = items.map((item) => foldCase(display.get(item)));
  const masks = Int32Array.from(texts, charMask);
  // one hit object per item, shared by every answer
  const everything: FuzzyHit<T>[] = items.map((item, index) => ({ item, index }));
  const groupOf = group ? groupMatcher(items, group) : null;
  let last: { query: Query; answer: Answer } | null = null;
  // Backspace goes back to a query already answered: keep the recent answers
  const recent = new Map<string, Answer>();

  const textSearch = (q: Query): Answer => {
    // every tier needs all of the query's characters: typing on, only texts that had all of
    // the previous query's characters can have them
    const before = last !== null && q.text.startsWith(last.query.text) ? last.answer.hasChars : null;
    const hasChars: number[] = [];
    // rank and index in one number, sorted as numbers
    const keys = new Float64Array(texts.length);
    let found = 0;
    const matched = new Uint8Array(texts.length);
    const scan = before ? before.length : texts.length;
    for (let s = 0; s < scan; s++) {
      const i = before ? (before[s] as number) : s;
      const mask = masks[i] as number;
      if ((mask & q.mask) !== q.mask) continue;
      hasChars.push(i);
      const rank = rankText(texts[i] as string, q, mask);
      if (rank < 0) continue;
      keys[found++] = rank * INDEX_SLOTS + i;
      matched[i] = 1;
    }
    const order = Array.from(keys.subarray(0, found).sort(), (key) => key % INDEX_SLOTS);
    const answer = (): Answer => ({ order, sorted: Int32Array.from(order).sort(), hasChars: Int32Array.from(hasChars) });
    // without typos fuse.js finds only the query itself, which the substring tier has found
    if (q.date || allowedTypos(q.text.length) === 0) return answer();
    // a text that matches "abc" with k typos matches "ab" with at most k: while the allowed
    // typos stay the same, only the previous query's matches can match with typos now
    const narrow = last !== null && !last.query.date && q.text.length <= FUSE_MAX_PATTERN && q.text.startsWith(last.query.text) && allowedTypos(q.text.length) === allowedTypos(last.query.text.length);
    const candidates = narrow && last ? last.answer.sorted : null;
    const typoOk = typoPrefilter(q);
    const pool: number[] = [];
    const count = candidates ? candidates.length : texts.length;
    for (let c = 0; c < count; c++) {
      const i = candidates ? (candidates[c] as number) : c;
      if (!matched[i] && typoOk(texts[i] as string, masks[i] as number)) pool.push(i);
    }
    if (pool.length > 0) for (const r of new Fuse(pool.map((i) => texts[i] as string), TYPO_OPTIONS).search(q.text)) order.push(pool[r.refIndex] as number);
    return answer();
  };

  return {
    search(query) {
      const q = prepareQuery(query);
      if (q.text === '') {
        last = null;
        return [...everything];
      }
      let answer = recent.get(q.text);
      if (!answer) {
        answer = textSearch(q);
        recent.set(q.text, answer);
        if (recent.size > RECENT_QUERIES) recent.delete(recent.keys().next().value as string);
      }
      last = { query: q, answer };
      const hits = answer.order.map((index) => everything[index] as FuzzyHit<T>);
      const inGroup = groupOf?.(q);
      if (inGroup) {
        const seen = new Uint8Array(items.length);
        for (const index of answer.order) seen[index] = 1;
        for (let index = 0; index < items.length; index++) if (!seen[index] && inGroup(index)) hits.push(everything[index] as FuzzyHit<T>);
      }
      return hits;
    },
  };
}

/** What a query found: the order of the text matches, the same sorted, the texts that hold all its characters. */
interface Answer {
  order: number[];
  sorted: Int32Array;
  hasChars: Int32Array;
}

/** Which items fall under a heading that matches the query (null: none); each distinct heading is tested once. */
function groupMatcher<T>(items: readonly T[], group: FuzzyGroup<T>): (q: Query) => ((index: number) => boolean) | null {
  const headings: string[] = [];
  const headingIds = new Map<string, number>();
  const headingId = (h: string): number => {
    let id = headingIds.get(h);
    if (id === undefined) headingIds.set(h, (id = headings.push(h) - 1));
    return id;
  };
  // items share a few heading paths: one path id per item, heading ids per path
  const pathIds = new Map<string, number>();
  const paths: number[][] = [];
  const itemPath = Int32Array.from(items, (item) => {
    const path = group.get(item);
    const key = path.join('\u0000');
    let id = pathIds.get(key);
    if (id === undefined) pathIds.set(key, (id = paths.push(path.map(headingId)) - 1));
    return id;
  });
  const folded = headings.map(foldCase);
  const headingFuse = new Fuse(folded, GROUP_TYPO_OPTIONS);
  return (q) => {
    const hit = new Uint8Array(headings.length);
    folded.forEach((h, id) => {
      if (headingMatches(h, q)) hit[id] = 1;
    });
    if (!q.date) for (const r of headingFuse.search(q.text)) hit[r.refIndex] = 1;
    if (!hit.includes(1)) return null;
    const pathHit = paths.map((ids) => ids.some((id) => hit[id] === 1));
    return (index) => pathHit[itemPath[index] as number] === true;
  };
}

/** A heading matches contiguously anywhere, or scattered within one of its words. */
function headingMatches(heading: string, q: Query): boolean {
  const rank = rankText(heading, q);
  if (rank < 0) return false;
  if (tierOfRank(rank) < TIER.subsequence) return true;
  return heading.split(/[^\p{L}\p{N}]+/u).some((word) => word !== '' && rankText(word, q) >= 0);
}

/** The characters to highlight in each text, by the same rules as the search. */
export function highlightRanges(texts: readonly string[], query: string): Ranges[] {
  const q = prepareQuery(query);
  const ranges: Ranges[] = texts.map(() => []);
  if (q.text === '' || texts.length === 0) return ranges;
  const folded = texts.map(foldCase);
  const rest: number[] = [];
  folded.forEach((t, i) => {
    const m = matchRanges(t, q);
    if (m) ranges[i] = m.ranges;
    else if (!q.date) rest.push(i);
  });
  if (rest.length > 0) {
    const fuse = new Fuse(
      rest.map((i) => folded[i] as string),
      { ...TYPO_OPTIONS, includeMatches: true },
    );
    for (const r of fuse.search(q.text)) {
      ranges[rest[r.refIndex] as number] = (r.matches?.[0]?.indices ?? []).map(([s, e]) => [s, e] as const);
    }
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
