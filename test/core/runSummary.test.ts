import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BuildProgress, progressOfLines } from '../../src/core/buildProgress.js';
import type { ProgressSnapshot } from '../../src/core/progressSnapshot.js';
import { parseLogLine } from '../../src/core/nixLog.js';
import { formatDuration, summarise } from '../../src/core/runSummary.js';

function fixture(name: string): ProgressSnapshot {
  const lines = readFileSync(new URL(`../fixtures/nix/${name}.log`, import.meta.url), 'utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  return progressOfLines(lines).snapshot();
}

function ofLines(lines: string[]): ProgressSnapshot {
  const progress = new BuildProgress();
  for (const line of lines) progress.apply(parseLogLine(line), 0);
  return progress.snapshot();
}

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [999, '0s'],
    [45_000, '45s'],
    [59_999, '59s'],
    [60_000, '1m00s'],
    [65_000, '1m05s'],
    [190_000, '3m10s'],
    [3_599_000, '59m59s'],
    [3_720_000, '1h02m'],
    [26 * 3_600_000 + 3 * 60_000, '26h03m'],
    [-5, '0s'],
    [Number.NaN, '0s'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('summarise real streams', () => {
  it('a successful build', () => {
    const s = summarise(fixture('success-t460'), 0, null, 190_000, 'build');
    expect(s).toMatchObject({
      result: 'succeeded',
      headline: 'succeeded in 3m10s',
      exitCode: 0,
      signal: null,
      durationMs: 190_000,
      duration: '3m10s',
      builds: { done: 1, expected: 1, running: 0, failed: 0 },
      failedDerivations: [],
      errors: [],
      evalError: null,
      failedUnits: [],
    });
  });

  it('a failing build, Nix 2.8 wording', () => {
    const s = summarise(fixture('failure-pi'), 1, null, 4_000, 'switch');
    expect(s.result).toBe('failed');
    expect(s.headline).toBe('failed: builder for nixos-system-pi-25.05.20250701.0a0a0a0 failed with exit code 1');
    expect(s.failedDerivations.map((f) => [f.name, f.exitCode, f.lastLines.length])).toEqual([
      ['nixos-system-pi-25.05.20250701.0a0a0a0', 1, 2],
    ]);
    expect(s.errors).toEqual([
      "error: builder for '/nix/store/idbv1dj3vx7dbawqxkg8fib383njwyir-nixos-system-pi-25.05.20250701.0a0a0a0.drv' failed with exit code 1",
    ]);
  });

  it('a failing build, Nix ≥ 2.29 wording', () => {
    const s = summarise(fixture('modern-failure'), 1, null, 95_000, 'switch');
    expect(s.result).toBe('failed');
    expect(s.headline).toBe('failed: builder for hello-custom-1.0 failed with exit code 2');
    expect(s.errors).toEqual([
      "error: Cannot build '/nix/store/rr6yr3c4dwa7m36096p14dq9hnpy77zx-hello-custom-1.0.drv'. Reason: builder failed with exit code 2.",
      "error: Cannot build '/nix/store/r5aa819x9yn981068vcd1hdjglhs83nx-nixos-system-laptop-25.05.20250601.abc1234.drv'. Reason: 1 dependency failed.",
    ]);
    expect(s.builds).toEqual({ done: 1, expected: 3, running: 0, failed: 1 });
    expect(s.downloadedBytes).toBe(113152);
    expect(JSON.stringify(s)).not.toContain('\\u001b');
  });

  it('a failing dependency: the leaf is the headline', () => {
    const s = summarise(fixture('multi-failure'), 1, null, 1_000, 'build');
    expect(s.headline).toBe('failed: builder for liba-1.2.3 failed with exit code 2');
    expect(s.errors).toHaveLength(2);
  });

  it('an evaluation error', () => {
    const s = summarise(fixture('eval-error'), 1, null, 800, 'switch');
    expect(s.result).toBe('failed');
    expect(s.headline).toBe("failed: undefined variable 'extraSteps' (flake.nix:22)");
    expect(s.evalError).toEqual({
      message: "error: undefined variable 'extraSteps'",
      file: '/nix/store/gyhqmrfwh3p53rkcn0f2zi3crgyrsdld-source/flake.nix',
      line: 22,
      column: 77,
    });
    expect(s.errors).toEqual(["error: undefined variable 'extraSteps'"]);
  });

  it('switched, but a unit failed: nixos-rebuild exit 1 after the switch warning is partial', () => {
    const s = summarise(fixture('switch-units-failed'), 1, null, 3_000, 'switch');
    expect(s.result).toBe('partial');
    expect(s.headline).toBe('switched, but 1 unit failed: nginx.service');
    expect(s.failedUnits).toEqual(['nginx.service']);
    expect(s.exitCode).toBe(1);
  });
});

describe('summarise edge cases', () => {
  const activation = (units: string) => [
    'building the system configuration...',
    'activating the configuration...',
    `warning: the following units failed: ${units}`,
  ];

  it('exit 4 of switch-to-configuration is partial, naming the units', () => {
    const s = summarise(ofLines(activation('nginx.service, postgresql.service')), 4, null, 70_000, 'switch');
    expect(s.result).toBe('partial');
    expect(s.headline).toBe('switched, but 2 units failed: nginx.service, postgresql.service');
    expect(s.failedUnits).toEqual(['nginx.service', 'postgresql.service']);
    expect(s.exitCode).toBe(4);
  });

  it('long unit lists are shortened in the headline only', () => {
    const s = summarise(ofLines(activation('a.service, b.service, c.service, d.service')), 4, null, 1, 'test');
    expect(s.headline).toBe('activated, but 4 units failed: a.service, b.service, c.service, …');
    expect(s.failedUnits).toHaveLength(4);
  });

  it('exit 4 without a units line is still partial', () => {
    expect(summarise(ofLines(['activating the configuration...']), 4, null, 1, 'switch')).toMatchObject({
      result: 'partial',
      headline: 'switched, but some units failed',
    });
  });

  it('exit 1 with the units line but without the switch warning, or with a failed build, is a failure', () => {
    expect(summarise(ofLines(activation('nginx.service')), 1, null, 1, 'switch').result).toBe('failed');
    const withBuildError = [
      ...activation('nginx.service'),
      'warning: error(s) occurred while switching to the new configuration',
      "error: builder for '/nix/store/rr6yr3c4dwa7m36096p14dq9hnpy77zx-hello-custom-1.0.drv' failed with exit code 2;",
    ];
    expect(summarise(ofLines(withBuildError), 1, null, 1, 'switch').result).toBe('failed');
  });

  it('cancelled by a signal or by an interrupted shell', () => {
    const snap = ofLines(['building the system configuration...']);
    expect(summarise(snap, null, 'SIGINT', 65_000, 'switch')).toMatchObject({
      result: 'cancelled',
      headline: 'cancelled after 1m05s (SIGINT)',
      signal: 'SIGINT',
    });
    expect(summarise(snap, 130, null, 5_000, 'switch')).toMatchObject({ result: 'cancelled', headline: 'cancelled after 5s' });
    expect(summarise(snap, 143, null, 5_000, 'switch').result).toBe('cancelled');
  });

  it('a failure with nothing to say about it', () => {
    const snap = ofLines(['building the system configuration...']);
    expect(summarise(snap, 2, null, 12_000, 'build').headline).toBe('failed with exit code 2 after 12s');
    expect(summarise(snap, null, null, 12_000, 'build').headline).toBe('failed: ended without an exit status after 12s');
    expect(summarise(ofLines(['error: no --flake and no /etc/nixos/flake.nix']), 1, null, 1, 'switch').headline).toBe(
      'failed: no --flake and no /etc/nixos/flake.nix',
    );
  });

  it('reads the new configuration', () => {
    const s = summarise(ofLines(['Done. The new configuration is /nix/store/abc-nixos-system-hq']), 0, null, 1, 'switch');
    expect(s.newConfiguration).toBe('/nix/store/abc-nixos-system-hq');
  });
});
