// Which system generations a prune deletes: a keep policy (the newest N, those newer than D days,
// pinned ones) and/or generations marked one by one. Pure: no I/O, the clock is a parameter.
//
// Never deleted, whatever the policy or the marks say: the current generation (the profile points
// at it; nix-env refuses anyway), the running one (/run/current-system), the booted one
// (/run/booted-system) and pinned ones.

import type { Generation } from './types.js';

export interface KeepPolicy {
  /** keep the newest N generations (by number); 0 keeps none of them on this count */
  keepLast?: number;
  /** keep generations newer than D days (fractions allowed) */
  keepDays?: number;
  /** generation numbers pinned by the user (numbers that do not exist are ignored) */
  pinned: readonly number[];
  /**
   * Explicit deletions (generations marked in the console). Deleted unless protected; the keep
   * rules do not save a marked generation, the user chose it. Without keepLast/keepDays only the
   * marked generations go.
   */
  marked?: readonly number[];
}

export interface KeptGeneration {
  generation: number;
  /** in words, most important first: `current`, `running`, `booted`, `pinned`, `newest 3`, … */
  reasons: string[];
}

export interface PrunePlan {
  /** generation numbers to delete, ascending */
  delete: number[];
  /** every other generation with why it stays, newest first */
  keep: KeptGeneration[];
  /** marked numbers that are not generations of this profile */
  missing: number[];
}

export class PrunePolicyError extends Error {}

const DAY_MS = 86_400_000;

export function checkPolicy(policy: KeepPolicy): void {
  const { keepLast, keepDays } = policy;
  if (keepLast !== undefined && (!Number.isInteger(keepLast) || keepLast < 0)) {
    throw new PrunePolicyError(`keep-last must be a whole number of generations, 0 or more (not ${keepLast})`);
  }
  if (keepDays !== undefined && (!Number.isFinite(keepDays) || keepDays <= 0)) {
    throw new PrunePolicyError(`keep-days must be a number of days above 0 (not ${keepDays})`);
  }
  for (const n of [...policy.pinned, ...(policy.marked ?? [])]) {
    if (!Number.isInteger(n) || n < 1) throw new PrunePolicyError(`${n} is not a generation number`);
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Why `g` can never be deleted, or [] when it can. */
export function protections(g: Generation, pinned: ReadonlySet<number>): string[] {
  const reasons: string[] = [];
  if (g.current) reasons.push('current');
  if (g.running) reasons.push('running');
  if (g.booted) reasons.push('booted');
  if (pinned.has(g.generation)) reasons.push('pinned');
  return reasons;
}

/**
 * Plan a prune. A generation stays when it is protected, or (unless marked) when a keep rule
 * covers it; with keep rules, everything else goes; without them, only the marked ones go.
 */
export function planPrune(generations: readonly Generation[], policy: KeepPolicy, nowMs: number): PrunePlan {
  checkPolicy(policy);
  const byNumber = new Map<number, Generation>();
  for (const g of generations) if (!byNumber.has(g.generation)) byNumber.set(g.generation, g);
  const newestFirst = [...byNumber.values()].sort((a, b) => b.generation - a.generation);
  const pinned = new Set(policy.pinned);
  const marked = new Set(policy.marked ?? []);
  const hasRules = policy.keepLast !== undefined || policy.keepDays !== undefined;
  const newest = new Set(newestFirst.slice(0, policy.keepLast ?? 0).map((g) => g.generation));

  const toDelete: number[] = [];
  const keep: KeptGeneration[] = [];
  for (const g of newestFirst) {
    const reasons = protections(g, pinned);
    if (marked.has(g.generation)) {
      if (reasons.length === 0) {
        toDelete.push(g.generation);
      } else {
        reasons.push(`marked, but ${reasons.join(', ')} generations are never deleted`);
        keep.push({ generation: g.generation, reasons });
      }
      continue;
    }
    if (policy.keepLast !== undefined && newest.has(g.generation)) reasons.push(`newest ${plural(policy.keepLast, 'generation')}`);
    if (policy.keepDays !== undefined) {
      const age = nowMs - Date.parse(g.date);
      if (Number.isFinite(age) && age < policy.keepDays * DAY_MS) reasons.push(`newer than ${plural(policy.keepDays, 'day')}`);
    }
    if (!hasRules && reasons.length === 0) reasons.push('not marked');
    if (reasons.length > 0) keep.push({ generation: g.generation, reasons });
    else toDelete.push(g.generation);
  }
  const missing = [...marked].filter((n) => !byNumber.has(n)).sort((a, b) => a - b);
  return { delete: toDelete.sort((a, b) => a - b), keep, missing };
}
