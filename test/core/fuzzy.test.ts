import { describe, expect, it } from 'vitest';
import { createFuzzyIndex, segments } from '../../src/core/fuzzy.js';
import { parsePrefValue, validatePrefs, withDefaults } from '../../src/core/prefsSchema.js';

describe('fuzzy index', () => {
  const items = ['hq', 't460', 'x1carbon', 'vm01', 'nas'];
  const index = createFuzzyIndex(items, { name: 'name', get: (s) => s });

  it('returns everything in order for an empty query', () => {
    expect(index.search('  ').map((h) => h.item)).toEqual(items);
  });

  it('matches fuzzily, best first, with ranges in the display text', () => {
    const hits = index.search('x1crb');
    expect(hits[0]?.item).toBe('x1carbon');
    expect(hits[0]?.ranges.length).toBeGreaterThan(0);
    expect(index.search('t46').map((h) => h.item)).toEqual(['t460']);
  });

  it('searches secondary fields without highlighting them', () => {
    const todos = [
      { text: 'Enable zram', section: 'Laptops' },
      { text: 'Rotate keys', section: 'Security' },
    ];
    const idx = createFuzzyIndex(todos, { name: 'text', get: (t) => t.text }, [{ name: 'section', get: (t) => t.section }]);
    const hits = idx.search('security');
    expect(hits.map((h) => h.item.text)).toEqual(['Rotate keys']);
    expect(hits[0]?.ranges).toEqual([]);
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
    expect(withDefaults({ lastPane: 'bad', hideDoneTodos: true })).toEqual({ lastPane: 'hosts', asciiBorders: false, hideDoneTodos: true });
  });
});
