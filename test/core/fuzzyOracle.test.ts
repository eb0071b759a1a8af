// The fast filter (prefilters, narrowing while typing, recent answers) against a plain,
// slow implementation of the same rules (src/core/fuzzyMatch.ts), on a few thousand
// generated todos, for every prefix typed and every Backspace.
import Fuse from 'fuse.js';
import { describe, expect, it } from 'vitest';
import { createFuzzyIndex, highlightRanges } from '../../src/core/fuzzy.js';

interface Item {
  text: string;
  section: string[];
}

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
const alnum = (c: string | undefined): boolean => c !== undefined && LETTER_OR_DIGIT.test(c);
const digit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
/** where letters and digits meet */
const kindChange = (a: string | undefined, b: string | undefined): boolean => alnum(a) && alnum(b) && digit(a) !== digit(b);
const startsWord = (t: string, i: number): boolean => i === 0 || !alnum(t[i - 1]) || kindChange(t[i - 1], t[i]);
const endsWord = (t: string, i: number): boolean => i === t.length - 1 || !alnum(t[i + 1]) || kindChange(t[i], t[i + 1]);

const TIERS = ['exact', 'word', 'prefix', 'wordStart', 'substring', 'subsequence', 'transposed'];

function isSubsequence(q: string, t: string): boolean {
  let j = 0;
  for (const c of t) if (c === q[j]) j++;
  return j >= q.length;
}

/** The shortest stretch holding q in order, starting at a word start, no longer than 3 per character. */
function naiveSpan(t: string, q: string): number | null {
  let best: number | null = null;
  for (let s = 0; s < t.length; s++) {
    if (t[s] !== q[0] || !startsWord(t, s)) continue;
    for (let e = s; e < t.length && e - s + 1 <= 3 * q.length; e++) {
      if (isSubsequence(q.slice(1), t.slice(s + 1, e + 1))) {
        if (best === null || e - s + 1 < best) best = e - s + 1;
        break;
      }
    }
  }
  return best;
}

const DATE_QUERY = /^(?:19|20)\d\d(?:-(?:\d{1,2}(?:-\d{0,2})?)?)?$/;

/** [tier, span] of the best match by every rule but typos, or null. */
function naiveMatch(text: string, query: string): [number, number] | null {
  const t = text.toLowerCase();
  const q = query.trim().toLowerCase();
  if (DATE_QUERY.test(q)) {
    for (let i = 0; i < t.length; i++) {
      if (t.startsWith(q, i) && /^\d{4}-\d{2}-\d{2}/.test(t.slice(i)) && startsWord(t, i) && endsWord(t, i + 9)) return [TIERS.indexOf('prefix'), 0];
    }
    return null;
  }
  let best: number | null = null;
  for (let i = 0; i + q.length <= t.length; i++) {
    if (!t.startsWith(q, i)) continue;
    const tier =
      t === q ? 'exact' : startsWord(t, i) && endsWord(t, i + q.length - 1) ? 'word' : i === 0 ? 'prefix' : startsWord(t, i) ? 'wordStart' : 'substring';
    best = Math.min(best ?? 99, TIERS.indexOf(tier));
  }
  if (best !== null) return [best, 0];
  if (!/\p{L}/u.test(q)) return null;
  const span = naiveSpan(t, q);
  if (span !== null) return [TIERS.indexOf('subsequence'), span];
  let swapped: number | null = null;
  for (let p = 0; p + 1 < q.length; p++) {
    const s = naiveSpan(t, q.slice(0, p) + q[p + 1] + q[p] + q.slice(p + 2));
    if (s !== null && (swapped === null || s < swapped)) swapped = s;
  }
  return swapped === null ? null : [TIERS.indexOf('transposed'), swapped];
}

function naiveHeading(heading: string, query: string, fuse: Fuse<string>): boolean {
  const m = naiveMatch(heading, query);
  if (m && m[0] <= TIERS.indexOf('substring')) return true;
  if (heading.split(/[^\p{L}\p{N}]+/u).some((w) => w !== '' && naiveMatch(w, query) !== null)) return true;
  return !DATE_QUERY.test(query.trim().toLowerCase()) && fuse.search(query.trim()).some((r) => r.item === heading);
}

/** The whole answer by the rules, slowly: tiers, then typos in fuse.js's order, then sections. */
function naiveSearch(items: readonly Item[], query: string): number[] {
  const q = query.trim();
  const ranked = items.flatMap((item, index) => {
    const m = naiveMatch(item.text, q);
    return m ? [{ index, m }] : [];
  });
  ranked.sort((a, b) => a.m[0] - b.m[0] || a.m[1] - b.m[1] || a.index - b.index);
  const out = ranked.map((r) => r.index);
  const seen = new Set(out);
  if (!DATE_QUERY.test(q.toLowerCase())) {
    const typos = new Fuse(
      items.map((i) => i.text),
      { ignoreLocation: true, ignoreFieldNorm: true, threshold: 0.3 },
    ).search(q);
    for (const r of typos) if (!seen.has(r.refIndex)) (out.push(r.refIndex), seen.add(r.refIndex));
  }
  const headings = [...new Set(items.flatMap((i) => i.section))];
  const headingFuse = new Fuse(headings, { ignoreLocation: true, ignoreFieldNorm: true, threshold: 0.15 });
  const hit = new Set(headings.filter((h) => naiveHeading(h, q, headingFuse)));
  items.forEach((item, index) => {
    if (!seen.has(index) && item.section.some((h) => hit.has(h))) out.push(index);
  });
  return out;
}

function generate(count: number): Item[] {
  let seed = 7;
  const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const pick = <T,>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
  const words = ['update', 'outdated', 'packages', 'rotate', 'Tailscale', 'keys', 'zram', 'restic', 'restore', 'nas', 'router', 'firmware', 'enable', 'vm01', 't460', 'x1carbon', 'hq', '25.11', '2025-02-14', '2024-12-01', '#12', 'on', 'to', 'sanity'];
  const sections = [['Fleet', 'Immediate (This Week)'], ['Fleet', 'Soon'], ['Fleet', 'Someday'], ['Security'], ['Laptops', 't460']];
  return Array.from({ length: count }, () => ({
    text: Array.from({ length: 2 + Math.floor(rand() * 5) }, () => pick(words)).join(' '),
    section: pick(sections),
  }));
}

// the plain implementation takes seconds on a busy machine: a generous timeout, no timing asserted
describe('the fast filter against the rules written out plainly', { timeout: 60_000 }, () => {
  const items = generate(2000);
  const queries = ['updte pkgs', 'rstore nas', 'Tailscale keys', 'zrm', 'fimware rt', 'vm01 restic', 'nsa', 't64', 'vm1', 'somday', '2025-02-1', '25.1', 'kyes', 'immediate', 'x1crbon upate'];

  it.each(queries)('gives the same answer for every prefix of "%s", typed and taken back', (query) => {
    const index = createFuzzyIndex(items, { get: (i) => i.text }, { get: (i) => i.section });
    const typed = Array.from({ length: query.length }, (_, i) => query.slice(0, i + 1));
    for (const q of [...typed, ...typed.slice(0, -1).reverse()]) {
      expect(index.search(q).map((h) => h.index), q).toEqual(naiveSearch(items, q));
    }
  });

  it('highlights something in every text matched by its own text, and nothing in the others', () => {
    const texts = items.slice(0, 300).map((i) => i.text);
    for (const q of queries) {
      const matched = new Set(createFuzzyIndex(texts, { get: (t) => t }).search(q).map((h) => h.index));
      highlightRanges(texts, q).forEach((r, i) => expect(r.length > 0, `${q} in "${texts[i]}"`).toBe(matched.has(i)));
    }
  });
});
