// The rules the console and the commands share: would an activation change anything, which paths
// a prune deletes and keeps, and whether the boot menu is refreshed.
import { describe, expect, it } from 'vitest';
import { activationChoices, bootRefreshFor, isAlreadyDone, prunePaths, usableStorePath } from '../../src/core/generationOps.js';
import { planPrune } from '../../src/core/keepPolicy.js';
import { makeGeneration } from '../helpers/generation.js';

describe('isAlreadyDone: one rule for switch, boot and test', () => {
  it.each([
    // current, running → switch, boot, test
    [false, false, [false, false, false]],
    [true, false, [false, true, false]],
    [false, true, [false, false, true]],
    [true, true, [true, true, true]],
  ] as const)('current %s, running %s → %j', (current, running, expected) => {
    const target = { current, running };
    expect((['switch', 'boot', 'test'] as const).map((action) => isAlreadyDone(target, action))).toEqual(expected);
  });

  it('activationChoices says why each choice changes nothing, from the same rule', () => {
    expect(activationChoices({ current: true, running: false })).toEqual([
      { action: 'switch', already: null },
      { action: 'boot', already: 'already the boot default' },
      { action: 'test', already: null },
    ]);
    expect(activationChoices({ current: true, running: true }).map((c) => c.already)).toEqual([
      'already current and running',
      'already the boot default',
      'already running',
    ]);
  });
});

describe('usableStorePath', () => {
  it('gives the store path of a readable generation only', () => {
    expect(usableStorePath(makeGeneration(3))).toBe(`/nix/store/${'3'.padStart(32, '0')}-nixos-system-hq`);
    expect(usableStorePath(makeGeneration(3, { status: 'dangling' }))).toBeNull();
    expect(usableStorePath(makeGeneration(3, { storePath: null }))).toBeNull();
    expect(usableStorePath(makeGeneration(3, { storePath: '/nix/store/not-a-store-path' }))).toBeNull();
    expect(usableStorePath(makeGeneration(3), '/other/store')).toBeNull();
    expect(usableStorePath(null)).toBeNull();
  });
});

describe('prunePaths', () => {
  const gens = [1, 2, 3, 4].map((n) => makeGeneration(n, n === 4 ? { current: true, running: true, booted: true } : {}));
  const plan = planPrune(gens, { keepLast: 1, pinned: [] }, Date.parse('2025-06-02T00:00:00Z'));
  const p = (n: number): string => `/nix/store/${String(n).padStart(32, '0')}-nixos-system-hq`;

  it('deletes the planned generations and keeps the others, plus running and booted systems once', () => {
    const running = `/nix/store/${'r'.repeat(32)}-nixos-system-hq`;
    expect(prunePaths(gens, plan, [running, running, p(4), '/run/current-system'])).toEqual({ deleted: [p(1), p(2), p(3)], kept: [p(4), running] });
  });

  it('leaves out generations whose system cannot be used', () => {
    const odd = gens.map((g) => (g.generation === 2 ? { ...g, status: 'dangling' as const } : g));
    expect(prunePaths(odd, plan).deleted).toEqual([p(1), p(3)]);
  });
});

describe('bootRefreshFor', () => {
  it.each([
    ['/root/run/current-system/bin/switch-to-configuration', true, '/root/run/current-system/bin/switch-to-configuration'],
    ['/root/run/current-system/bin/switch-to-configuration', false, null],
    ['/root/../run/current-system/bin/switch-to-configuration', true, null],
    ['run/current-system/bin/switch-to-configuration', true, null],
  ] as const)('%j, exists %s → %j', (candidate, exists, expected) => {
    expect(bootRefreshFor(candidate, exists)).toBe(expected);
  });
});
