import { describe, expect, it } from 'vitest';
import { ageOf, agesFromPrefs, ageWord, DEFAULT_AGES, daysText } from '../../src/core/inputAge.js';
import { DEFAULT_PREFS } from '../../src/core/prefsSchema.js';

describe('ageOf', () => {
  it('fresh under 14 days, aging to 30, old over 30, very old over 90 by default', () => {
    expect(DEFAULT_AGES).toEqual({ fresh: 14, old: 30, veryOld: 90 });
    const words = [0, 13, 14, 30, 31, 90, 91, 4000].map((d) => ageOf(d, DEFAULT_AGES));
    expect(words).toEqual(['fresh', 'fresh', 'aging', 'aging', 'old', 'old', 'very-old', 'very-old']);
    expect(ageOf(null, DEFAULT_AGES)).toBe('unknown');
  });

  it('takes the thresholds from the preferences', () => {
    expect(agesFromPrefs(DEFAULT_PREFS)).toEqual(DEFAULT_AGES);
    expect(ageOf(10, agesFromPrefs({ inputFreshDays: 7, inputOldDays: 9, inputVeryOldDays: 60 }))).toBe('old');
  });

  it('in words', () => {
    expect(ageWord('very-old')).toBe('very old');
    expect(ageWord('fresh')).toBe('fresh');
    expect(daysText(1)).toBe('1 day');
    expect(daysText(41)).toBe('41 days');
  });
});
