// How old a flake input is, in words: the thresholds are preferences (inputFreshDays,
// inputOldDays, inputVeryOldDays), the words are shared by the console and the commands.
import type { InputAge } from './repo.js';

export interface AgeThresholds {
  /** under this many days: fresh */
  fresh: number;
  /** over this many days: old */
  old: number;
  /** over this many days: very old */
  veryOld: number;
}

export const DEFAULT_AGES: AgeThresholds = { fresh: 14, old: 30, veryOld: 90 };

/** fresh under `fresh` days, aging up to `old`, old over `old`, very-old over `veryOld`; unknown without an age. */
export function ageOf(ageDays: number | null, ages: AgeThresholds = DEFAULT_AGES): InputAge {
  if (ageDays === null || !Number.isFinite(ageDays)) return 'unknown';
  if (ageDays > ages.veryOld) return 'very-old';
  if (ageDays > ages.old) return 'old';
  if (ageDays < ages.fresh) return 'fresh';
  return 'aging';
}

/** The age word as a person reads it: "very old", not "very-old". */
export function ageWord(age: InputAge): string {
  return age === 'very-old' ? 'very old' : age;
}

/** "1 day", "41 days". */
export function daysText(days: number): string {
  return days === 1 ? '1 day' : `${days} days`;
}

/** The thresholds as the preferences hold them. */
export function agesFromPrefs(prefs: { inputFreshDays: number; inputOldDays: number; inputVeryOldDays: number }): AgeThresholds {
  return { fresh: prefs.inputFreshDays, old: prefs.inputOldDays, veryOld: prefs.inputVeryOldDays };
}
