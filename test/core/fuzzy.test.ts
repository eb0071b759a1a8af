import { describe, expect, it } from 'vitest';
import { createFuzzyIndex, highlightRanges, segments } from '../../src/core/fuzzy.js';
import { parsePrefValue, validatePrefs, withDefaults } from '../../src/core/prefsSchema.js';

describe('fuzzy index', () => {
  const items = ['hq', 't460', 'x1carbon', 'vm01', 'nas'];
  const index = createFuzzyIndex(items, { get: (s) => s });

  it('returns everything in order for an empty query', () => {
    expect(index.search('  ').map((h) => h.item)).toEqual(items);
  });

  it('matches fuzzily, best first, and the highlighter finds the matched characters', () => {
    const hits = index.search('x1crb');
    expect(hits[0]).toEqual({ item: 'x1carbon', index: 2 });
    expect(index.search('t46').map((h) => h.item)).toEqual(['t460']);
    expect(highlightRanges(['x1carbon', 'hq'], 'x1crb')).toEqual([[[0, 2], [4, 5]], []]);
    expect(highlightRanges(['x'], '')).toEqual([[]]);
  });

  it('matches the group text once and lists its items after the direct matches', () => {
    const todos = [
      { text: 'Enable zram', section: 'Laptops' },
      { text: 'Rotate keys', section: 'Security' },
      { text: 'Audit security updates', section: 'Servers' },
      { text: 'Pin ssh keys', section: 'Security' },
    ];
    const idx = createFuzzyIndex(todos, { get: (t) => t.text }, { get: (t) => [t.section] });
    expect(idx.search('security').map((h) => h.item.text)).toEqual(['Audit security updates', 'Rotate keys', 'Pin ssh keys']);
    // a short query does not pull in whole sections by a loose match of the heading
    // and a three-letter query allows no typo, so "nas" does not find "has" or "was"
    const loose = createFuzzyIndex(['Move nas to 25.11', 'hq has run for a day', 'it was fine'], { get: (t) => t });
    expect(loose.search('nas').map((h) => h.item)).toEqual(['Move nas to 25.11']);
  });

  it('splits text into highlighted segments', () => {
    expect(segments('abcdef', [[1, 2], [4, 4]])).toEqual([
      { text: 'a', hit: false },
      { text: 'bc', hit: true },
      { text: 'd', hit: false },
      { text: 'e', hit: true },
      { text: 'f', hit: false },
    ]);
    expect(segments('ab', [[5, 9]])).toEqual([{ text: 'ab', hit: false }]);
  });
});

describe('preferences schema', () => {
  it('validates stored objects key by key', () => {
    expect(validatePrefs({ lastPane: 'todos', asciiBorders: true })).toEqual([]);
    expect(validatePrefs({ lastPane: 'x', extra: 1, flake: '' })).toEqual([
      '"lastPane" must be one of hosts, generations, todos',
      'unknown key "extra"',
      '"flake" must be a non-empty string',
    ]);
    expect(validatePrefs(null)).toEqual(['the file does not hold a JSON object']);
  });
  it('parses command-line values by type', () => {
    expect(parsePrefValue('asciiBorders', 'on')).toEqual({ ok: true, value: true });
    expect(parsePrefValue('asciiBorders', 'maybe')).toMatchObject({ ok: false });
    expect(parsePrefValue('lastPane', 'generations')).toEqual({ ok: true, value: 'generations' });
  });
  it('fills defaults and drops invalid single values', () => {
    expect(withDefaults({ lastPane: 'bad', hideDoneTodos: true })).toEqual({ lastPane: 'hosts', asciiBorders: false, hideDoneTodos: true, bell: true, refreshRate: '15', connectTimeout: 10, parallel: 3, confirmTimeout: 30, inputFreshDays: 14, inputOldDays: 30, inputVeryOldDays: 90, autoCommit: 'ask', commitTemplate: '<hosts>: <action> <generation> — <changed files>' });
  });
});
