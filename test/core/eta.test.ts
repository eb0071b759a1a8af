import { describe, expect, it } from 'vitest';
import { estimateRemaining, median, transferOf, transferRemainingMs, type EtaInput } from '../../src/core/eta.js';

function input(extra: Partial<EtaInput>): EtaInput {
  return { planned: [], running: [], history: new Map(), hostRunDurations: [], elapsedMs: 0, ...extra };
}

describe('median', () => {
  it('of odd and even counts, unsorted input, and nothing', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(median([])).toBeNull();
    expect(median([Number.NaN, 2])).toBe(2);
  });

  it('does not reorder its argument', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });
});

describe('estimateRemaining', () => {
  const history = new Map<string, number[]>([
    ['hello', [10_000, 12_000, 50_000]], // median 12 s
    ['nixos-system-hq', [2_000, 4_000]], // median 3 s
    ['linux', [600_000]],
  ]);

  it('sums the median past time of each planned build', () => {
    expect(estimateRemaining(input({ planned: ['hello', 'nixos-system-hq'], history }))).toEqual({
      remainingMs: 15_000,
      basis: 'builds',
    });
  });

  it('counts what is left of running builds, never below zero', () => {
    const eta = estimateRemaining(
      input({
        planned: ['nixos-system-hq'],
        running: [
          { pname: 'hello', elapsedMs: 5_000 }, // 7 s left
          { pname: 'linux', elapsedMs: 700_000 }, // overdue: 0
        ],
        history,
      }),
    );
    expect(eta).toEqual({ remainingMs: 3_000 + 7_000, basis: 'builds' });
  });

  it('names without history count as the median of all known build durations', () => {
    // all: 2, 4, 10, 12, 50, 600 s → median (10 + 12) / 2 = 11 s
    expect(estimateRemaining(input({ planned: ['hello', 'never-built'], history }))).toEqual({
      remainingMs: 12_000 + 11_000,
      basis: 'builds',
    });
  });

  it('without any build history, builds are skipped and the host runs decide', () => {
    expect(estimateRemaining(input({ planned: ['a', 'b'], hostRunDurations: [100_000, 200_000, 300_000], elapsedMs: 50_000 }))).toEqual({
      remainingMs: 150_000,
      basis: 'host-runs',
    });
    expect(estimateRemaining(input({ planned: ['a'] }))).toEqual({ remainingMs: null, basis: 'none' });
  });

  it('before the plan is known, the median past run of the host minus the elapsed time', () => {
    expect(estimateRemaining(input({ history, hostRunDurations: [190_000, 170_000, 400_000], elapsedMs: 30_000 }))).toEqual({
      remainingMs: 160_000,
      basis: 'host-runs',
    });
    expect(estimateRemaining(input({ hostRunDurations: [10_000], elapsedMs: 30_000 }))).toEqual({ remainingMs: 0, basis: 'host-runs' });
  });

  it('knows nothing without any history', () => {
    expect(estimateRemaining(input({ elapsedMs: 1_000 }))).toEqual({ remainingMs: null, basis: 'none' });
  });

  it('is refined as builds finish', () => {
    const planned = ['hello', 'nixos-system-hq'];
    const first = estimateRemaining(input({ planned, history }));
    const later = estimateRemaining(input({ planned: planned.slice(1), running: [], history }));
    expect(later.remainingMs).toBeLessThan(first.remainingMs ?? 0);
  });
});

describe('the ETA during downloads', () => {
  const history = new Map<string, number[]>([['hello', [12_000]]]);
  const MIB = 1024 * 1024;
  const snap = (doneBytes: number, expectedBytes: number, rate: number | null) => ({
    downloads: { doneBytes, expectedBytes, running: 1 },
    copies: { doneBytes: 0, expectedBytes: 0, running: 0 },
    transferRate: rate,
  });

  it('what is left to download: remaining bytes of the downloads, else of the store copies', () => {
    expect(transferOf(snap(10 * MIB, 40 * MIB, MIB))).toEqual({ remainingBytes: 30 * MIB, bytesPerSec: MIB });
    const copiesOnly = { ...snap(0, 0, 2 * MIB), copies: { doneBytes: 5 * MIB, expectedBytes: 8 * MIB, running: 1 } };
    expect(transferOf(copiesOnly)).toEqual({ remainingBytes: 3 * MIB, bytesPerSec: 2 * MIB });
  });

  it('moves with the bytes done: remaining bytes / recent rate, added to the builds still to come', () => {
    const at = (done: number) => estimateRemaining(input({ planned: ['hello'], history, transfer: transferOf(snap(done, 40 * MIB, MIB)) }));
    // 30 MiB left at 1 MiB/s, then hello (12 s)
    expect(at(10 * MIB)).toEqual({ remainingMs: 30_000 + 12_000, basis: 'builds+downloads' });
    expect(at(25 * MIB)).toEqual({ remainingMs: 15_000 + 12_000, basis: 'builds+downloads' });
    // a faster link: the same bytes take half the time
    expect(estimateRemaining(input({ planned: ['hello'], history, transfer: transferOf(snap(10 * MIB, 40 * MIB, 2 * MIB)) })).remainingMs).toBe(15_000 + 12_000);
  });

  it('a run that only downloads (no build planned) follows its bytes, not the median of past runs', () => {
    const eta = estimateRemaining(input({ hostRunDurations: [600_000], transfer: transferOf(snap(20 * MIB, 40 * MIB, 4 * MIB)) }));
    expect(eta).toEqual({ remainingMs: 5_000, basis: 'downloads' });
  });

  it('without a known rate, or once everything is downloaded, the downloads add nothing', () => {
    expect(estimateRemaining(input({ planned: ['hello'], history, transfer: transferOf(snap(10 * MIB, 40 * MIB, null)) }))).toEqual({ remainingMs: 12_000, basis: 'builds' });
    expect(estimateRemaining(input({ planned: ['hello'], history, transfer: transferOf(snap(40 * MIB, 40 * MIB, MIB)) }))).toEqual({ remainingMs: 12_000, basis: 'builds' });
    expect(transferRemainingMs({ remainingBytes: MIB, bytesPerSec: 0 })).toBeNull();
  });
});
