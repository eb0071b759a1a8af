import { makeGeneration } from '../helpers/generation.js';
import { describe, expect, it } from 'vitest';
import { planPrune, PrunePolicyError } from '../../src/core/keepPolicy.js';
import type { Generation } from '../../src/core/types.js';

const NOW = Date.parse('2025-12-15T12:00:00Z');
const DAY = 86_400_000;

function gen(generation: number, daysAgo: number, flags: Partial<Pick<Generation, 'current' | 'running' | 'booted' | 'status'>> = {}): Generation {
  return makeGeneration(generation, { date: new Date(NOW - daysAgo * DAY).toISOString(), nixosVersion: `25.05.${generation}`, ...flags });
}

/** newest first, like the generation list: 12 current+running, 9 booted, gaps at 10, 11, 6, 4 */
const fleet = [
  gen(12, 1, { current: true, running: true }),
  gen(9, 10, { booted: true }),
  gen(8, 20),
  gen(7, 40),
  gen(5, 60),
  gen(3, 90),
  gen(2, 100),
  gen(1, 200),
];

const reasonsOf = (plan: ReturnType<typeof planPrune>, n: number): string[] | undefined => plan.keep.find((k) => k.generation === n)?.reasons;

describe('planPrune', () => {
  it('keepLast counts the newest N by number, across gaps', () => {
    const plan = planPrune(fleet, { keepLast: 3, pinned: [] }, NOW);
    expect(plan.delete).toEqual([1, 2, 3, 5, 7]);
    expect(plan.keep.map((k) => k.generation)).toEqual([12, 9, 8]);
    expect(reasonsOf(plan, 12)).toEqual(['current', 'running', 'newest 3 generations']);
    expect(reasonsOf(plan, 9)).toEqual(['booted', 'newest 3 generations']);
    expect(reasonsOf(plan, 8)).toEqual(['newest 3 generations']);
  });

  it('keepDays keeps those newer than D days', () => {
    const plan = planPrune(fleet, { keepDays: 30, pinned: [] }, NOW);
    expect(plan.delete).toEqual([1, 2, 3, 5, 7]);
    expect(reasonsOf(plan, 8)).toEqual(['newer than 30 days']);
    expect(reasonsOf(plan, 9)).toEqual(['booted', 'newer than 30 days']);
  });

  it('keepLast and keepDays together keep what either keeps', () => {
    const plan = planPrune(fleet, { keepLast: 1, keepDays: 45, pinned: [] }, NOW);
    expect(plan.delete).toEqual([1, 2, 3, 5]);
    expect(reasonsOf(plan, 12)).toEqual(['current', 'running', 'newest 1 generation', 'newer than 45 days']);
    expect(reasonsOf(plan, 7)).toEqual(['newer than 45 days']);
  });

  it('a policy that would delete everything still keeps current, running and booted', () => {
    const plan = planPrune(fleet, { keepLast: 0, pinned: [] }, NOW);
    expect(plan.delete).toEqual([1, 2, 3, 5, 7, 8]);
    expect(plan.keep).toEqual([
      { generation: 12, reasons: ['current', 'running'] },
      { generation: 9, reasons: ['booted'] },
    ]);
    const tiny = planPrune(fleet, { keepDays: 0.0001, pinned: [] }, NOW);
    expect(tiny.keep.map((k) => k.generation)).toEqual([12, 9]);
  });

  it('current, running and booted on different generations (after a rollback and a test)', () => {
    const gens = [gen(5, 1), gen(4, 2, { running: true }), gen(3, 3, { current: true }), gen(2, 4, { booted: true }), gen(1, 5)];
    const plan = planPrune(gens, { keepLast: 0, pinned: [] }, NOW);
    expect(plan.delete).toEqual([1, 5]);
    expect(plan.keep.map((k) => [k.generation, k.reasons])).toEqual([
      [4, ['running']],
      [3, ['current']],
      [2, ['booted']],
    ]);
  });

  it('pinned generations stay; pinned and current overlap gives both reasons; unknown pins are ignored', () => {
    const plan = planPrune(fleet, { keepLast: 1, pinned: [12, 2, 99] }, NOW);
    expect(plan.delete).toEqual([1, 3, 5, 7, 8]);
    expect(reasonsOf(plan, 12)).toEqual(['current', 'running', 'pinned', 'newest 1 generation']);
    expect(reasonsOf(plan, 2)).toEqual(['pinned']);
  });

  it('marked generations are deleted unless protected, and then it says why', () => {
    const plan = planPrune(fleet, { pinned: [3], marked: [1, 3, 9, 12, 42] }, NOW);
    expect(plan.delete).toEqual([1]);
    expect(reasonsOf(plan, 3)).toEqual(['pinned', 'marked, but pinned generations are never deleted']);
    expect(reasonsOf(plan, 9)).toEqual(['booted', 'marked, but booted generations are never deleted']);
    expect(reasonsOf(plan, 12)).toEqual(['current', 'running', 'marked, but current, running generations are never deleted']);
    expect(reasonsOf(plan, 8)).toEqual(['not marked']);
    expect(plan.missing).toEqual([42]);
  });

  it('marks and keep rules together: the rules do not save a marked generation', () => {
    const plan = planPrune(fleet, { keepLast: 3, pinned: [], marked: [8] }, NOW);
    expect(plan.delete).toEqual([1, 2, 3, 5, 7, 8]);
  });

  it('no rules and no marks deletes nothing', () => {
    const plan = planPrune(fleet, { pinned: [] }, NOW);
    expect(plan.delete).toEqual([]);
    expect(plan.keep).toHaveLength(fleet.length);
  });

  it('a single generation, an empty profile, duplicates and dangling generations', () => {
    expect(planPrune([gen(1, 400, { current: true, running: true, booted: true })], { keepLast: 0, pinned: [] }, NOW).delete).toEqual([]);
    expect(planPrune([], { keepLast: 0, pinned: [] }, NOW)).toEqual({ delete: [], keep: [], missing: [] });
    const dup = planPrune([gen(2, 1, { current: true }), gen(1, 5), gen(1, 5)], { keepLast: 1, pinned: [] }, NOW);
    expect(dup.delete).toEqual([1]);
    const dangling = planPrune([gen(2, 1, { current: true }), gen(1, 5, { status: 'dangling' })], { keepLast: 1, pinned: [] }, NOW);
    expect(dangling.delete).toEqual([1]);
  });

  it('keepLast larger than the profile keeps everything', () => {
    expect(planPrune(fleet, { keepLast: 100, pinned: [] }, NOW).delete).toEqual([]);
  });

  it('a date that does not parse is not "newer than D days"', () => {
    const plan = planPrune([gen(2, 1, { current: true }), { ...gen(1, 1), date: 'garbage' }], { keepDays: 30, pinned: [] }, NOW);
    expect(plan.delete).toEqual([1]);
  });

  it('rejects a bad policy', () => {
    expect(() => planPrune(fleet, { keepLast: -1, pinned: [] }, NOW)).toThrow(PrunePolicyError);
    expect(() => planPrune(fleet, { keepLast: 1.5, pinned: [] }, NOW)).toThrow(PrunePolicyError);
    expect(() => planPrune(fleet, { keepDays: 0, pinned: [] }, NOW)).toThrow(PrunePolicyError);
    expect(() => planPrune(fleet, { keepDays: Number.NaN, pinned: [] }, NOW)).toThrow(PrunePolicyError);
    expect(() => planPrune(fleet, { pinned: [0] }, NOW)).toThrow(PrunePolicyError);
    expect(() => planPrune(fleet, { pinned: [], marked: [-3] }, NOW)).toThrow(PrunePolicyError);
  });
});
