import { describe, expect, it } from 'vitest';
import type { FlakeToplevel, HostRead, HostStatus, LastRun } from '../../src/core/fleetStatus.js';
import type { HostStatusFacts } from '../../src/core/hostFacts.js';
import type { Host } from '../../src/core/types.js';
import type { StatusDeps } from '../../src/core/fleetStatus.js';
import { statusCommand } from '../../src/commands/status.js';
import type { Environment } from '../../src/system/context.js';
import type { FlakeHostsResult } from '../../src/system/hostsDiscovery.js';
import { fakeIo } from './fakeIo.js';

const sp = (tag: string): string => `/nix/store/${tag.padEnd(32, '0')}-nixos-system-${tag}`;
const NOW = Date.UTC(2025, 11, 20);

function facts(host: string, running: number, booted = running): HostStatusFacts {
  const links = [1, 2, 3].map((n) => ({ number: n, mtimeMs: NOW - (4 - n) * 86_400_000, target: sp(`${host}${n}`), state: 'ok' as const, nixosVersion: null, kernelVersion: null, configurationRevision: null, specialisations: [] }));
  const bootOf = (n: number) => ({ toplevel: sp(`${host}${n}`), kernel: sp(`k${n}`), initrd: sp(`i${n}`), kernelModules: sp(`m${n}`) });
  return {
    hostname: host,
    profile: { currentNumber: 3, runningPath: sp(`${host}${running}`), bootedPath: sp(`${host}${booted}`), runningKernel: null, bootedKernel: null, links },
    running: bootOf(running),
    booted: bootOf(booted),
    failedUnits: [],
    uptimeSeconds: 7200,
    isRoot: true,
  };
}

function env(flake: FlakeHostsResult = { ok: true, names: ['hq', 'pi', 't460'] }, folder: string[] = ['hq', 'pi']): Environment {
  return {
    flakeDir: '/fleet',
    todoFile: '/fleet/PROJECT.md',
    root: '/',
    hostname: 'hq',
    listFolderHosts: async () => folder,
    evalFlakeHosts: async () => flake,
    readGenerations: async () => ({ ok: false, error: 'not used' }),
    rebuild: { stateDir: '/state', flakeDir: '/fleet', hostname: 'hq', executable: ['nixos-rebuild'], extraFlags: [], supervisor: [], isRoot: true, needsRoot: true },
  } as Environment;
}

interface Fakes extends StatusDeps {
  read: string[];
  evaluated: string[][];
  closed: number;
}

function deps(reads: Record<string, HostRead>, toplevels: Record<string, FlakeToplevel> = {}, lastRuns: Record<string, LastRun> = {}): Fakes {
  const fakes: Fakes = {
    read: [],
    evaluated: [],
    closed: 0,
    limit: 16,
    now: () => NOW,
    async readHost(host: Host) {
      fakes.read.push(host.name);
      return reads[host.name] ?? { ok: false, error: `no fake for ${host.name}` };
    },
    async flakeToplevels(names) {
      fakes.evaluated.push([...names]);
      return new Map(names.map((n) => [n, toplevels[n] ?? { ok: false, error: `no toplevel for ${n}` }]));
    },
    lastRuns: async () => new Map(Object.entries(lastRuns)),
    close: async () => void (fakes.closed += 1),
  };
  return fakes;
}

const READS: Record<string, HostRead> = {
  hq: { ok: true, facts: facts('hq', 3, 2), rttMs: null },
  t460: { ok: true, facts: facts('t460', 3), rttMs: 4.2 },
  pi: { ok: false, error: 'connection refused' },
};
const TOPLEVELS: Record<string, FlakeToplevel> = { hq: { ok: true, path: sp('hq3') }, t460: { ok: true, path: sp('t460new') }, pi: { ok: true, path: sp('pi1') } };

describe('nixdeck status', () => {
  it('a table of every host; exit 1 naming the unreachable host on stderr', async () => {
    const io = fakeIo();
    const d = deps(READS, TOPLEVELS, { t460: { id: '20251219T000000-t460-switch-abcd', action: 'switch', result: 'succeeded', ended: new Date(NOW - 3_600_000).toISOString() } });
    expect(await statusCommand(env(), io, { hosts: [], json: false }, d)).toBe(1);
    expect(io.stdout).toEqual([
      'HOST  REACH        RUNNING  REBOOT  DRIFT       FAILED  UPTIME  LAST RUN',
      'hq    local        3 (1d)   needed  up-to-date  0       2h      -',
      'pi    unreachable  -        -       unknown     -       -       -',
      't460  4 ms         3 (1d)   no      outdated    0       2h      switch succeeded 1h ago',
    ]);
    expect(io.stderr).toEqual(['pi: unreachable: connection refused']);
    expect(d.closed).toBe(1);
  });

  it('--json: one object per host with the keys of the contract', async () => {
    const io = fakeIo();
    expect(await statusCommand(env(), io, { hosts: [], json: true }, deps(READS, TOPLEVELS))).toBe(1);
    const rows = JSON.parse(io.stdout.join('\n')) as HostStatus[];
    expect(rows.map((r) => r.name)).toEqual(['hq', 'pi', 't460']);
    for (const key of ['name', 'local', 'reachable', 'error', 'current', 'running', 'booted', 'runningPath', 'bootedPath', 'flakePath', 'rebootNeeded', 'drift', 'failedUnits', 'uptimeSeconds', 'lastRun']) {
      for (const row of rows) expect(row).toHaveProperty(key);
    }
    expect(rows[0]).toMatchObject({ name: 'hq', local: true, reachable: true, error: null, current: 3, running: 3, booted: 2, rebootNeeded: true, drift: 'up-to-date' });
    expect(rows[1]).toMatchObject({ name: 'pi', reachable: false, error: 'connection refused', drift: 'unknown', flakePath: sp('pi1') });
  });

  it('exit 0 when every host was read', async () => {
    const io = fakeIo();
    expect(await statusCommand(env(), io, { hosts: ['hq', 't460'], json: true }, deps(READS, TOPLEVELS))).toBe(0);
    expect(io.stderr).toEqual([]);
  });

  it('reads only the hosts named, and evaluates only theirs', async () => {
    const d = deps(READS, TOPLEVELS);
    expect(await statusCommand(env(), fakeIo(), { hosts: ['t460'], json: true }, d)).toBe(0);
    expect(d.read).toEqual(['t460']);
    expect(d.evaluated).toEqual([['t460']]);
  });

  it('an unknown host: exit 2 naming the known hosts, nothing read', async () => {
    const io = fakeIo();
    const d = deps(READS, TOPLEVELS);
    expect(await statusCommand(env(), io, { hosts: ['hq', 'nas'], json: false }, d)).toBe(2);
    expect(io.stderr).toEqual(['error: no host named "nas"; the hosts of /fleet are: hq, pi, t460']);
    expect(d.read).toEqual([]);
    expect(d.closed).toBe(1);
  });

  it('an invalid host name: exit 2', async () => {
    const io = fakeIo();
    expect(await statusCommand(env(), io, { hosts: ['-oProxyCommand=x'], json: false }, deps(READS))).toBe(2);
    expect(io.stderr[0]).toMatch(/is not a valid host name/);
  });

  it('reads every host at once up to the limit, while the flake evaluates', async () => {
    const names = Array.from({ length: 7 }, (_, i) => `h${i}`);
    let running = 0;
    let most = 0;
    let evaluating = false;
    const release: (() => void)[] = [];
    const d = deps({});
    d.limit = 5;
    d.readHost = async (host) => {
      running++;
      most = Math.max(most, running);
      await new Promise<void>((resolve) => release.push(resolve));
      running--;
      return { ok: true, facts: facts(host.name, 3), rttMs: 1 };
    };
    d.flakeToplevels = async (hosts) => {
      evaluating = true;
      await new Promise<void>((resolve) => release.push(resolve));
      evaluating = false;
      return new Map(hosts.map((h) => [h, { ok: true, path: sp(`${h}3`) }]));
    };
    const io = fakeIo();
    const done = statusCommand(env({ ok: true, names }, []), io, { hosts: [], json: true }, d);
    for (let turn = 0; turn < 100 && release.length < 6; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(running).toBe(5);
    // five reads and the evaluation are all under way at the same moment
    expect(evaluating).toBe(true);
    while (release.length > 0 || running > 0) {
      release.shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await done).toBe(0);
    expect(most).toBe(5);
    expect((JSON.parse(io.stdout.join('\n')) as HostStatus[]).map((r) => r.drift)).toEqual(names.map(() => 'up-to-date'));
  });

  it('a flake that does not evaluate: folder hosts, drift unknown with why, a warning, exit 0', async () => {
    const io = fakeIo();
    const d = deps(READS, TOPLEVELS);
    const failed: FlakeHostsResult = { ok: false, error: "flake evaluation failed: undefined variable 'x'", detail: '', hint: 'run: nix eval …' };
    expect(await statusCommand(env(failed), io, { hosts: ['hq'], json: true }, d)).toBe(0);
    const [row] = JSON.parse(io.stdout.join('\n')) as HostStatus[];
    expect(row).toMatchObject({ name: 'hq', drift: 'unknown', driftReason: "the flake did not evaluate: undefined variable 'x'", flakePath: null });
    expect(d.evaluated).toEqual([[]]);
    expect(io.stderr).toEqual(["warning: flake evaluation failed: undefined variable 'x': drift unknown (to see all of it, run: nix eval …)"]);
  });

  it("a folder-only host is not evaluated: drift unknown, not one of the flake's configurations", async () => {
    const io = fakeIo();
    const d = deps({ nas: { ok: true, facts: facts('nas', 3), rttMs: 2 } });
    expect(await statusCommand(env({ ok: true, names: ['hq'] }, ['nas']), io, { hosts: ['nas'], json: true }, d)).toBe(0);
    expect(d.evaluated).toEqual([[]]);
    expect((JSON.parse(io.stdout.join('\n')) as HostStatus[])[0]).toMatchObject({ drift: 'unknown', driftReason: "not one of the flake's nixosConfigurations" });
  });

  it('a toplevel that did not evaluate is a warning; hostile text is made visible', async () => {
    const io = fakeIo();
    const d = deps({ pi: { ok: false, error: 'refused\x1b[2J' }, hq: READS.hq as HostRead }, { hq: { ok: false, error: 'boom\x07' } });
    expect(await statusCommand(env(), io, { hosts: ['hq', 'pi'], json: false }, d)).toBe(1);
    expect(io.stderr).toEqual(["warning: the flake's toplevel of hq did not evaluate: boom^G", 'warning: the flake\'s toplevel of pi did not evaluate: no toplevel for pi', 'pi: unreachable: refused [2J']);
  });

  it('hosts whose toplevel failed the same way share one warning', async () => {
    const io = fakeIo();
    const same: FlakeToplevel = { ok: false, error: "attribute 'x' missing" };
    expect(await statusCommand(env(), io, { hosts: ['hq', 't460'], json: true }, deps(READS, { hq: same, t460: same }))).toBe(0);
    expect(io.stderr).toEqual(["warning: the flake's toplevel of hq, t460 did not evaluate: attribute 'x' missing"]);
  });

  it('closes the connections when a reader throws', async () => {
    const d = deps(READS);
    d.lastRuns = async () => {
      throw new Error('disk on fire');
    };
    await expect(statusCommand(env(), fakeIo(), { hosts: [], json: true }, d)).rejects.toThrow('disk on fire');
    expect(d.closed).toBe(1);
  });
});
