/**
 * The matching rules of the fuzzy filter, for one text at a time. A match has a tier (lower
 * ranks first) and, for the scattered tiers, a span (the width of the matched stretch, shorter
 * ranks first):
 *
 *   exact        the whole text is the query                      "nas"    -> nas
 *   word         a whole word of the text                          "231"    -> " 231 2025-…"
 *   prefix       the text starts with the query                    "t46"    -> t460
 *   wordStart    a word of the text starts with the query          "460"    -> t460
 *   substring    anywhere in the text                              "arbo"   -> x1carbon
 *   subsequence  the query's characters in order, the first at a word start, within a
 *                stretch at most 3 times as long as the query      "vm1"    -> vm01
 *   transposed   the same with two neighbouring characters swapped "nsa"    -> nas
 *   typo         fuse.js (ignoreLocation, threshold 0.3): up to 0.3 edits per query character,
 *                done by the caller over many texts at once (fuzzy.ts)
 *
 * Words start after a character that is not a letter or digit, and where letters and digits
 * meet ("t460" is the words "t" and "460"). Case is ignored. A query without a letter (a
 * generation number, a version, a kernel) is never scattered: "14" does not pick a 1 from
 * one field and a 4 from the next.
 *
 * A query shaped like a date (2025, 2025-0, 2025-02, 2025-02-1, a year 19xx or 20xx first)
 * only matches dates written YYYY-MM-DD, by their start: "2025-02" is February 2025, never
 * digits scattered over a version or a kernel.
 */

/** Inclusive [start, end] character ranges to highlight in the displayed text. */
export type Ranges = ReadonlyArray<readonly [number, number]>;

export const TIER = { exact: 0, word: 1, prefix: 2, wordStart: 3, substring: 4, subsequence: 5, transposed: 6, typo: 7 } as const;

export interface Match {
  tier: number;
  /** matched width for the scattered tiers; 0 for the contiguous ones */
  span: number;
}

export interface MatchWithRanges extends Match {
  ranges: Ranges;
}

export interface Query {
  /** case-folded */
  text: string;
  date: boolean;
  /** the subsequence and transposed tiers apply */
  scatter: boolean;
  mask: number;
  /** the query with one pair of different neighbouring characters swapped, each way */
  swaps: string[];
}

/** The longest stretch a scattered match may cover, per query character. */
const SPAN_PER_CHAR = 3;

const DATE_QUERY = /^(?:19|20)\d\d(?:-(?:\d{1,2}(?:-\d{0,2})?)?)?$/;
const DATE_AT = /^\d{4}-\d{2}-\d{2}/;
const ALNUM = /[\p{L}\p{N}]/u;
const LETTER = /\p{L}/u;

/** Lower case, one UTF-16 unit for one, so that positions in the folded text are positions in the shown one. */
export function foldCase(text: string): string {
  const lower = text.toLowerCase();
  if (lower.length === text.length) return lower;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    const l = c.toLowerCase();
    out += l.length === 1 ? l : c;
  }
  return out;
}

/**
 * A bit per letter, a shared bit per two digits, one bit for everything else: a text that
 * lacks one of the query's bits cannot contain the query's characters. Cheap to test first.
 */
export function charMask(folded: string): number {
  let mask = 0;
  for (let i = 0; i < folded.length; i++) mask |= charBit(folded.charCodeAt(i));
  return mask;
}

export function charBit(code: number): number {
  if (code >= 97 && code <= 122) return 1 << (code - 97);
  if (code >= 48 && code <= 57) return 1 << (26 + ((code - 48) >> 1));
  return 1 << 31;
}

export function prepareQuery(raw: string): Query {
  const text = foldCase(raw.trim());
  const swaps: string[] = [];
  for (let p = 0; p + 1 < text.length; p++) {
    if (text[p] !== text[p + 1]) swaps.push(text.slice(0, p) + (text[p + 1] as string) + (text[p] as string) + text.slice(p + 2));
  }
  return { text, date: DATE_QUERY.test(text), scatter: LETTER.test(text), mask: charMask(text), swaps };
}

const OTHER = 0;
const LETTER_CLASS = 1;
const DIGIT_CLASS = 2;
/** the class of each ASCII character: other, letter, digit */
const ASCII_CLASS = Uint8Array.from({ length: 128 }, (_, c) =>
  c >= 48 && c <= 57 ? DIGIT_CLASS : (c >= 97 && c <= 122) || (c >= 65 && c <= 90) ? LETTER_CLASS : OTHER,
);

/** Letters and digits of other scripts count as letters: only ASCII digits meet letters. */
function classAt(t: string, i: number): number {
  const code = t.charCodeAt(i);
  if (code < 128) return ASCII_CLASS[code] as number;
  return ALNUM.test(t[i] as string) ? LETTER_CLASS : OTHER;
}

/** A word starts at i: the text starts there, or follows a non-word character, or letters and digits meet. */
export function wordStartAt(t: string, i: number): boolean {
  if (i <= 0) return true;
  const before = classAt(t, i - 1);
  if (before === OTHER) return true;
  const here = classAt(t, i);
  return here !== OTHER && here !== before;
}

/** A word ends at i: the text ends there, or a non-word character follows, or letters and digits meet. */
function wordEndAt(t: string, i: number): boolean {
  if (i + 1 >= t.length) return true;
  const after = classAt(t, i + 1);
  if (after === OTHER) return true;
  const here = classAt(t, i);
  return here !== OTHER && here !== after;
}

/** The best tier of an occurrence of q in t, and where it is: tier * POSITIONS + position, or -1. */
function contiguous(t: string, q: string): number {
  let best = -1;
  for (let at = t.indexOf(q); at >= 0; at = t.indexOf(q, at + 1)) {
    const starts = wordStartAt(t, at);
    const tier =
      at === 0 && q.length === t.length
        ? TIER.exact
        : starts && wordEndAt(t, at + q.length - 1)
          ? TIER.word
          : at === 0
            ? TIER.prefix
            : starts
              ? TIER.wordStart
              : TIER.substring;
    if (best < 0 || tier < Math.floor(best / POSITIONS)) best = tier * POSITIONS + at;
    if (tier <= TIER.word) break;
  }
  return best;
}

const POSITIONS = 2 ** 32;

/**
 * The shortest stretch of t holding q's characters in order, the first at a word start.
 * Greedy from each start gives the shortest stretch for that start; once a start fails,
 * every later one fails too.
 */
function subsequence(t: string, q: string, positions: number[] | null): number {
  const first = q[0];
  const maxSpan = SPAN_PER_CHAR * q.length;
  let bestSpan = 0;
  let bestStart = -1;
  for (let s = t.indexOf(first as string); s >= 0; s = t.indexOf(first as string, s + 1)) {
    if (!wordStartAt(t, s)) continue;
    let j = 1;
    let k = s + 1;
    for (; j < q.length && k < t.length; k++) if (t[k] === q[j]) j++;
    if (j < q.length) break;
    const span = k - s;
    if (span > maxSpan) continue;
    if (bestStart < 0 || span < bestSpan) {
      bestSpan = span;
      bestStart = s;
    }
    if (span === q.length) break;
  }
  if (bestStart >= 0 && positions) {
    positions.length = 0;
    positions.push(bestStart);
    for (let j = 1, k = bestStart + 1; j < q.length; k++) if (t[k] === q[j]) (positions.push(k), j++);
  }
  return bestStart < 0 ? 0 : bestSpan;
}

/** The best subsequence match of the query with one pair of neighbouring characters swapped. */
function transposed(t: string, q: Query, positions: number[] | null): number {
  let best = 0;
  let bestVariant = '';
  for (const variant of q.swaps) {
    const span = subsequence(t, variant, null);
    if (span > 0 && (best === 0 || span < best)) {
      best = span;
      bestVariant = variant;
    }
  }
  if (best > 0 && positions) subsequence(t, bestVariant, positions);
  return best;
}

function dateMatch(t: string, q: string): number {
  for (let at = t.indexOf(q); at >= 0; at = t.indexOf(q, at + 1)) {
    if (wordStartAt(t, at) && DATE_AT.test(t.slice(at, at + 10)) && wordEndAt(t, at + 9)) return at;
  }
  return -1;
}

/** Ranks order matches: by tier, then by span; equal ranks keep list order. */
const SPAN_SLOTS = 1024;

/** The rank of a match: lower ranks first. */
export function rankOf(tier: number, span: number): number {
  return tier * SPAN_SLOTS + Math.min(span, SPAN_SLOTS - 1);
}

export function tierOfRank(rank: number): number {
  return Math.floor(rank / SPAN_SLOTS);
}

/**
 * The rank of the best match of the query in a case-folded text, every tier but `typo`; -1
 * when none. `mask` is charMask(t), precomputed by callers that test many queries against one text.
 */
export function rankText(t: string, q: Query, mask = charMask(t)): number {
  if (q.text === '' || (q.mask & mask) !== q.mask) return -1;
  if (q.date) return dateMatch(t, q.text) >= 0 ? rankOf(TIER.prefix, 0) : -1;
  const c = contiguous(t, q.text);
  if (c >= 0) return rankOf(Math.floor(c / POSITIONS), 0);
  if (!q.scatter) return -1;
  const s = subsequence(t, q.text, null);
  if (s > 0) return rankOf(TIER.subsequence, s);
  const r = transposed(t, q, null);
  return r > 0 ? rankOf(TIER.transposed, r) : -1;
}

/** rankText, with the tier, span and ranges to highlight. */
export function matchRanges(t: string, q: Query): MatchWithRanges | null {
  if (q.text === '' || (q.mask & charMask(t)) !== q.mask) return null;
  const n = q.text.length;
  if (q.date) {
    const at = dateMatch(t, q.text);
    return at >= 0 ? { tier: TIER.prefix, span: 0, ranges: [[at, at + n - 1]] } : null;
  }
  const c = contiguous(t, q.text);
  if (c >= 0) {
    const at = c % POSITIONS;
    return { tier: Math.floor(c / POSITIONS), span: 0, ranges: [[at, at + n - 1]] };
  }
  if (!q.scatter) return null;
  const positions: number[] = [];
  const s = subsequence(t, q.text, positions);
  if (s > 0) return { tier: TIER.subsequence, span: s, ranges: runs(positions) };
  const r = transposed(t, q, positions);
  return r > 0 ? { tier: TIER.transposed, span: r, ranges: runs(positions) } : null;
}

/** Ascending positions as runs of neighbours: [1, 2, 4] -> [[1, 2], [4, 4]]. */
function runs(positions: readonly number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const p of positions) {
    const last = out.at(-1);
    if (last && last[1] === p - 1) last[1] = p;
    else out.push([p, p]);
  }
  return out;
}
