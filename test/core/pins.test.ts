// Pinned generations in one preference string (`hq:12,40;t460:3`), and the schema entry for it.
import { describe, expect, it } from 'vitest';
import { formatPins, parsePins, pinsOf, togglePin } from '../../src/core/pins.js';
import { parsePrefValue, validatePrefs, withDefaults } from '../../src/core/prefsSchema.js';

describe('parsePins / formatPins', () => {
  it('reads hosts and numbers, sorted and without duplicates, and writes them back canonically', () => {
    const parsed = parsePins(' t460 : 3 ; hq:40,12,40 ');
    expect(parsed).toEqual({ ok: true, pins: { t460: [3], hq: [12, 40] } });
    if (parsed.ok) expect(formatPins(parsed.pins)).toBe('hq:12,40;t460:3');
  });

  it('the empty string is no pins, and no pins is the empty string', () => {
    expect(parsePins('')).toEqual({ ok: true, pins: {} });
    expect(parsePins(' ; ')).toEqual({ ok: true, pins: {} });
    expect(formatPins({})).toBe('');
    expect(formatPins({ hq: [] })).toBe('');
  });

  it.each([
    ['hq', /is not HOST:N,N/],
    [':12', /is not HOST:N,N/],
    ['h q:1', /not a host name/],
    ['hq:', /is not a generation number/],
    ['hq:1,x', /"x" \(for hq\) is not a generation number/],
    ['hq:0', /is not a generation number/],
    ['hq:-3', /is not a generation number/],
    ['hq:1;hq:2', /hq is listed twice/],
  ])('refuses %j', (text, error) => {
    const parsed = parsePins(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(error);
  });
});

describe('pinsOf / togglePin', () => {
  it('gives one host its pins, nothing for other hosts, unset or malformed preferences', () => {
    expect(pinsOf('hq:12,40;t460:3', 'hq')).toEqual([12, 40]);
    expect(pinsOf('hq:12,40;t460:3', 'nas')).toEqual([]);
    expect(pinsOf(undefined, 'hq')).toEqual([]);
    expect(pinsOf('garbage', 'hq')).toEqual([]);
  });

  it('pins, then unpins, dropping a host without pins', () => {
    const one = togglePin({}, 'hq', 40);
    expect(one).toEqual({ pins: { hq: [40] }, pinned: true });
    const two = togglePin(one.pins, 'hq', 12);
    expect(formatPins(two.pins)).toBe('hq:12,40');
    const three = togglePin(togglePin(two.pins, 'hq', 12).pins, 'hq', 40);
    expect(three).toEqual({ pins: {}, pinned: false });
  });
});

describe('the pins preference', () => {
  it('is validated when stored and when set', () => {
    expect(validatePrefs({ pins: 'hq:12,40;t460:3' })).toEqual([]);
    expect(validatePrefs({ pins: '' })).toEqual([]);
    expect(validatePrefs({ pins: 'hq:twelve' })).toEqual([expect.stringMatching(/^"pins" must look like "hq:12,40;t460:3": "twelve"/)]);
    expect(validatePrefs({ pins: [12, 40] })).toEqual([expect.stringMatching(/^"pins" must be a string/)]);
    expect(parsePrefValue('pins', 'hq:1,2')).toEqual({ ok: true, value: 'hq:1,2' });
    expect(parsePrefValue('pins', 'hq')).toMatchObject({ ok: false });
  });

  it('a malformed stored value is dropped, the rest kept', () => {
    expect(withDefaults({ pins: 'hq:x', bell: false })).toEqual({ lastPane: 'hosts', asciiBorders: false, hideDoneTodos: false, bell: false, refreshRate: '15', connectTimeout: 10, parallel: 3, confirmTimeout: 30, inputFreshDays: 14, inputOldDays: 30, inputVeryOldDays: 90, autoCommit: 'ask', commitTemplate: '<hosts>: <action> <generation> — <changed files>' });
    expect(withDefaults({ pins: 'hq:4' }).pins).toBe('hq:4');
  });
});
