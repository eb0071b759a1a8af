import { describe, expect, it } from 'vitest';
import { driftOf, type HostRead, oneLine, rebootNeeded, shortAge, type StatusInput, statusCells, statusRow } from '../../src/core/fleetStatus.js';
import type { BootPaths, HostStatusFacts } from '../../src/core/hostFacts.js';
import type { GenerationLinkFacts } from '../../src/core/types.js';

const sp = (tag: string, name: string): string => `/nix/store/${tag.padEnd(32, '0')}-${name}`;
const SYS = (n: number): string => sp(`sys${n}`, `nixos-system-hq-${n}`);
const FLAKE = sp('flake', 'nixos-system-hq-new');

function boot(toplevel: string | null, kernel = 'k1', initrd = 'i1', modules = 'm1'): BootPaths {
  if (toplevel === null) return { toplevel: null, kernel: null, initrd: null, kernelModules: null };
  return { toplevel, kernel: sp(kernel, 'linux/bzImage'), initrd: sp(initrd, 'initrd/initrd'), kernelModules: sp(modules, 'kernel-modules') };
}

function link(number: number, target: string | null = SYS(number), mtimeMs = Date.UTC(2025, 5, number)): GenerationLinkFacts {
  return { number, mtimeMs, target, state: 'ok', nixosVersion: '25.05', kernelVersion: '6.6.32', configurationRevision: null, specialisations: [] };
}

/** hq of the test fleet: generations 1..4, current and running 4, booted 3 with another kernel. */
function facts(changes: Partial<HostStatusFacts> = {}): HostStatusFacts {
  return {
    hostname: 'hq',
    profile: { currentNumber: 4, runningPath: SYS(4), bootedPath: SYS(3), runningKernel: '6.12.4', bootedKernel: '6.6.32', links: [1, 2, 3, 4].map((n) => link(n)) },
    running: boot(SYS(4), 'k4', 'i4', 'm4'),
    booted: boot(SYS(3), 'k3', 'i3', 'm3'),
    failedUnits: [],
    uptimeSeconds: 3600,
    isRoot: true,
    ...changes,
  };
}

function input(read: HostRead, changes: Partial<StatusInput> = {}): StatusInput {
  return { name: 'hq', local: false, read, flake: { ok: true, path: FLAKE }, lastRun: null, ...changes };
}

describe('statusRow', () => {
  it('has exactly the keys of the JSON contract (plus rttMs, driftReason and deployed)', () => {
    const row = statusRow(input({ ok: true, facts: facts(), rttMs: 12.4 }));
    // the keys in its order, then those of ours
    expect(Object.keys(row.status)).toEqual(['name', 'local', 'reachable', 'error', 'current', 'running', 'booted', 'runningPath', 'bootedPath', 'flakePath', 'rebootNeeded', 'drift', 'failedUnits', 'uptimeSeconds', 'lastRun', 'driftReason', 'rttMs', 'deployed']);
    expect(row.status.deployed).toBeNull();
    expect(Object.keys(statusRow(input({ ok: false, error: 'x' })).status)).toEqual(Object.keys(row.status));
    expect(row.status).toMatchObject({ reachable: true, error: null, current: 4, running: 4, booted: 3, runningPath: SYS(4), bootedPath: SYS(3), flakePath: FLAKE, rebootNeeded: true, drift: 'outdated', driftReason: null, failedUnits: [], uptimeSeconds: 3600, rttMs: 12 });
    expect(row.runningSinceMs).toBe(Date.UTC(2025, 5, 4));
  });

  it('gives null generation numbers for systems that are not in the profile', () => {
    const f = facts({ running: boot(sp('gone', 'nixos-system-hq-x')), booted: boot(sp('gone2', 'nixos-system-hq-y')) });
    f.profile = { ...f.profile, currentNumber: 9 };
    const { status } = statusRow(input({ ok: true, facts: f, rttMs: 1 }));
    expect([status.current, status.running, status.booted]).toEqual([null, null, null]);
    expect(status.runningPath).toBe(sp('gone', 'nixos-system-hq-x'));
  });

  it('an unreachable host: one-line error, everything else null, drift unknown with the reason', () => {
    const { status } = statusRow(input({ ok: false, error: 'ssh: connect to host 127.0.0.1 port 9:\n Connection refused\r' }, { lastRun: { id: 'r1', action: 'switch', result: 'succeeded', ended: '2025-01-01T00:00:00Z' } }));
    expect(status).toMatchObject({ reachable: false, current: null, running: null, booted: null, runningPath: null, rebootNeeded: null, failedUnits: null, uptimeSeconds: null, drift: 'unknown', rttMs: null, flakePath: FLAKE });
    expect(status.error).toBe('ssh: connect to host 127.0.0.1 port 9: Connection refused');
    expect(status.driftReason).toContain('Connection refused');
    expect(status.lastRun?.id).toBe('r1');
  });

  it('keeps null failed units (no systemctl) apart from none failed', () => {
    expect(statusRow(input({ ok: true, facts: facts({ failedUnits: null }), rttMs: 1 })).status.failedUnits).toBeNull();
    expect(statusRow(input({ ok: true, facts: facts({ failedUnits: ['nginx.service'] }), rttMs: 1 })).status.failedUnits).toEqual(['nginx.service']);
  });

  it('the local host has no round-trip time', () => {
    expect(statusRow(input({ ok: true, facts: facts(), rttMs: null }, { local: true })).status).toMatchObject({ local: true, rttMs: null });
  });
});

describe('rebootNeeded', () => {
  it('compares store paths, not versions: a rebuilt kernel of the same version needs a reboot', () => {
    expect(rebootNeeded(boot(SYS(4), 'k4'), boot(SYS(3), 'k3'))).toBe(true);
    expect(rebootNeeded(boot(SYS(4), 'k1', 'i1', 'm1'), boot(SYS(3), 'k1', 'i2', 'm1'))).toBe(true);
    expect(rebootNeeded(boot(SYS(4), 'k1', 'i1', 'm1'), boot(SYS(3), 'k1', 'i1', 'm2'))).toBe(true);
  });

  it('another toplevel with the same kernel, initrd and modules needs none', () => {
    expect(rebootNeeded(boot(SYS(4)), boot(SYS(3)))).toBe(false);
    expect(rebootNeeded(boot(SYS(4)), boot(SYS(4)))).toBe(false);
  });

  it('is unknown when either system is unknown', () => {
    expect(rebootNeeded(boot(SYS(4)), boot(null))).toBeNull();
    expect(rebootNeeded(boot(null), boot(SYS(3)))).toBeNull();
  });
});

describe('driftOf', () => {
  const flake = { ok: true as const, path: FLAKE };
  it('up-to-date when running is the flake toplevel', () => {
    expect(driftOf(FLAKE, FLAKE, flake)).toEqual({ drift: 'up-to-date', reason: null });
    expect(driftOf(FLAKE, SYS(2), flake)).toEqual({ drift: 'up-to-date', reason: null });
  });
  it('pending-reboot when the profile is the flake toplevel but running is not', () => {
    expect(driftOf(SYS(4), FLAKE, flake)).toEqual({ drift: 'pending-reboot', reason: null });
  });
  it('outdated when neither is', () => {
    expect(driftOf(SYS(4), SYS(4), flake)).toEqual({ drift: 'outdated', reason: null });
    expect(driftOf(SYS(4), null, flake)).toEqual({ drift: 'outdated', reason: null });
  });
  it('unknown, with why, when the flake did not evaluate, the host is not in it, or nothing runs', () => {
    expect(driftOf(SYS(4), SYS(4), { ok: false, error: "attribute 'x' missing" })).toEqual({ drift: 'unknown', reason: "the flake did not evaluate: attribute 'x' missing" });
    expect(driftOf(SYS(4), SYS(4), undefined).reason).toContain('nixosConfigurations');
    expect(driftOf(null, SYS(4), flake).reason).toContain('/run/current-system');
  });
  it('a row takes pending-reboot from the current generation link', () => {
    const f = facts();
    f.profile = { ...f.profile, currentNumber: 5, links: [...f.profile.links, link(5, FLAKE)] };
    expect(statusRow(input({ ok: true, facts: f, rttMs: 1 })).status).toMatchObject({ current: 5, running: 4, drift: 'pending-reboot' });
  });
});

describe('cells', () => {
  const now = Date.UTC(2025, 5, 7);
  it('reach, running generation with its age, reboot, drift, failed, uptime and last run', () => {
    const row = statusRow(input({ ok: true, facts: facts({ failedUnits: ['a.service', 'b.service', 'c.service'] }), rttMs: 3 }, { lastRun: { id: 'x', action: 'switch', result: 'failed', ended: new Date(now - 7200_000).toISOString() } }));
    expect(statusCells(row, now)).toEqual(['hq', '3 ms', '4 (3d)', 'needed', 'outdated', '3: a.service,b.service,…', '1h', 'switch failed 2h ago']);
  });
  it('an unreachable host and this machine', () => {
    expect(statusCells(statusRow(input({ ok: false, error: 'timed out after 10 s' })), now)).toEqual(['hq', 'unreachable', '-', '-', 'unknown', '-', '-', '-']);
    expect(statusCells(statusRow(input({ ok: true, facts: facts({ failedUnits: null, uptimeSeconds: null }), rttMs: null }, { local: true })), now).slice(1, 2)).toEqual(['local']);
  });
  it('shortAge picks the largest whole unit', () => {
    expect([0, 59_999, 60_000, 3_600_000, 86_400_000 * 3, 86_400_000 * 30].map(shortAge)).toEqual(['0s', '59s', '1m', '1h', '3d', '4w']);
  });
  it('oneLine folds control characters and line breaks', () => {
    expect(oneLine('a\n\tb\x1b[31mc  ')).toBe('a b [31mc');
    expect(oneLine('\n')).toBe('no reason given');
  });
});
