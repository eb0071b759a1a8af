// `rebuild H1 H2 …` scheduling over fakes: the limit, the order, one failure not stopping the
// others, the exit status and the hosts named on stderr, passwords once per host, Ctrl-C.
import { describe, expect, it } from 'vitest';
import type { DeployProgress, DeployResult } from '../../src/core/deployProgress.js';
import type { Io } from '../../src/commands/io.js';
import { type ManyDeps, type ManyOptions, type Prepared, rebuildManyCommand, type StartedRun } from '../../src/commands/rebuildMany.js';
import { fakeIo } from './fakeIo.js';

type Ended = DeployProgress & { result: DeployResult };

interface FakeRun {
  host: string;
  password: string | undefined;
  finish(end: Ended): void;
  cancelled: boolean;
  progress(p: DeployProgress): void;
}

/** Runs that end when the test says so; counts how many go at once. */
function fleetFakes(names: string[], setup: { needsPassword?: string[]; unreachable?: Record<string, string>; parallel?: number } = {}) {
  const started: FakeRun[] = [];
  const prepared: string[] = [];
  let going = 0;
  let most = 0;
  let clock = 0;
  const waiters: Array<() => void> = [];
  const deps: ManyDeps = {
    knownHosts: async () => ({ names, problem: null }),
    parallelPreference: () => setup.parallel ?? 3,
    refusal: () => null,
    runNote: (id) => `follow it with: nixdeck log ${id}`,
    isRemote: () => true,
    async prepare(host) {
      prepared.push(host);
      const why = setup.unreachable?.[host];
      if (why !== undefined) return { error: why };
      const p: Prepared = {
        needsPassword: setup.needsPassword?.includes(host) ?? false,
        notes: [],
        async start(password) {
          going += 1;
          most = Math.max(most, going);
          let finish: (end: Ended) => void = () => {};
          let onProgress: (p: DeployProgress) => void = () => {};
          const ended = new Promise<Ended>((resolve) => (finish = resolve));
          const fake: FakeRun = {
            host,
            password,
            cancelled: false,
            finish: (end) => finish(end),
            progress: (p) => onProgress(p),
          };
          started.push(fake);
          for (const w of waiters.splice(0)) w();
          const run: StartedRun = {
            id: `run-${host}`,
            async follow(cb) {
              onProgress = cb;
              const end = await ended;
              going -= 1;
              return end;
            },
            async cancel() {
              fake.cancelled = true;
              finish({ phase: 'build', result: { kind: 'cancelled', reason: null } });
            },
          };
          return run;
        },
      };
      return p;
    },
    now: () => (clock += 1000),
  };
  /** the fake run of `host` once it has started */
  const runOf = async (host: string): Promise<FakeRun> => {
    for (;;) {
      const found = started.find((r) => r.host === host);
      if (found) return found;
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  return { deps, started, prepared, runOf, most: () => most };
}

const ok: Ended = { phase: 'confirm', result: { kind: 'ok', reason: null } };
const buildFailed: Ended = { phase: 'build', result: { kind: 'failed', reason: 'build failed' } };
const rolledBack: Ended = { phase: 'confirm', result: { kind: 'rolled-back', reason: 'no acknowledgement within 3 s; a new SSH connection to edge failed: edge is cut off' } };

function run(io: Io, hosts: string[], deps: ManyDeps, options: ManyOptions = {}, action = 'switch'): Promise<number> {
  return rebuildManyCommand(io, hosts, action, options, deps);
}

describe('rebuild H1 H2 … scheduling', () => {
  it('at most --parallel N at once, started in the order given; one failure does not stop the others', async () => {
    const f = fleetFakes(['a', 'b', 'c', 'd', 'e']);
    const io = fakeIo();
    const done = run(io, ['a', 'b', 'c', 'd', 'e'], f.deps, { parallel: '2' });
    (await f.runOf('a')).progress({ phase: 'build', result: null });
    (await f.runOf('a')).progress({ phase: 'copy', result: null });
    expect(f.started.map((r) => r.host)).toEqual(['a', 'b']);
    (await f.runOf('b')).finish(buildFailed);
    (await f.runOf('c')).finish(ok);
    (await f.runOf('a')).finish(ok);
    (await f.runOf('d')).finish(rolledBack);
    (await f.runOf('e')).finish(ok);
    expect(await done).toBe(1);
    expect(f.most()).toBe(2);
    expect(f.started.map((r) => r.host)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(io.stdout).toContain('a: build');
    expect(io.stdout).toContain('a: copy');
    expect(io.stdout).toContain('b: failed: build failed');
    expect(io.stdout).toContain('d: rolled back: no acknowledgement within 3 s; a new SSH connection to edge failed: edge is cut off');
    expect(io.stderr).toContain('failed: b (build failed), d (rolled back: no acknowledgement within 3 s; a new SSH connection to edge failed: edge is cut off)');
    const table = io.stdout.slice(io.stdout.findIndex((l) => l.startsWith('HOST')));
    expect(table[0]).toMatch(/^HOST +RESULT +PHASE REACHED +RUN ID +DURATION$/);
    expect(table.slice(1).map((l) => l.split(/ {2,}/).slice(0, 4))).toEqual([
      ['a', 'ok', 'confirm', 'run-a'],
      ['b', 'failed', 'build', 'run-b'],
      ['c', 'ok', 'confirm', 'run-c'],
      ['d', 'rolled back', 'confirm', 'run-d'],
      ['e', 'ok', 'confirm', 'run-e'],
    ]);
  });

  it('all ok: exit 0, nothing on stderr; without --parallel the preference is the limit', async () => {
    const f = fleetFakes(['a', 'b', 'c', 'd'], { parallel: 3 });
    const io = fakeIo();
    const done = run(io, ['a', 'b', 'c', 'd'], f.deps);
    await f.runOf('c');
    expect(f.started.map((r) => r.host)).toEqual(['a', 'b', 'c']);
    for (const h of ['a', 'b', 'c', 'd']) (await f.runOf(h)).finish(ok);
    expect(await done).toBe(0);
    expect(f.most()).toBe(3);
    expect(io.stderr).toEqual([]);
  });

  it('partial only: exit 4, named', async () => {
    const f = fleetFakes(['a', 'b']);
    const io = fakeIo();
    const done = run(io, ['a', 'b'], f.deps);
    (await f.runOf('a')).finish(ok);
    (await f.runOf('b')).finish({ phase: 'confirm', result: { kind: 'partial', reason: 'some units failed' } });
    expect(await done).toBe(4);
    expect(io.stderr).toContain('partial: b (some units failed)');
  });

  it('an unreachable host fails with its reason and is not started; the others go on', async () => {
    const f = fleetFakes(['a', 'gone'], { unreachable: { gone: 'cannot be reached: connection refused' } });
    const io = fakeIo();
    const done = run(io, ['gone', 'a'], f.deps);
    (await f.runOf('a')).finish(ok);
    expect(await done).toBe(1);
    expect(f.started.map((r) => r.host)).toEqual(['a']);
    expect(io.stdout).toContain('gone: failed: cannot be reached: connection refused');
    expect(io.stderr).toContain('failed: gone (cannot be reached: connection refused)');
  });
});

describe('rebuild H1 H2 … checks before anything starts', () => {
  it.each([['0'], ['65'], ['two'], ['-1'], ['1.5'], ['']])('--parallel %j is bad usage (exit 2)', async (value) => {
    const f = fleetFakes(['a', 'b']);
    const io = fakeIo();
    expect(await run(io, ['a', 'b'], f.deps, { parallel: value })).toBe(2);
    expect(io.stderr.join('\n')).toContain('--parallel takes a whole number of hosts from 1 to 64');
    expect(f.prepared).toEqual([]);
  });

  it('an unknown host, an invalid name, a host twice, a bad action: exit 2, nothing prepared', async () => {
    const f = fleetFakes(['a', 'b']);
    const cases: Array<[string[], string, string]> = [
      [['a', 'zz'], 'switch', 'no host named "zz"; the hosts are: a, b'],
      [['a', 'bad/host'], 'switch', '"bad/host" is not a valid host name'],
      [['a', 'a'], 'switch', 'a named more than once'],
      [['a', 'b'], 'upgrade', '--action takes build'],
    ];
    for (const [hosts, action, message] of cases) {
      const io = fakeIo();
      expect(await run(io, hosts, f.deps, {}, action)).toBe(2);
      expect(io.stderr.join('\n')).toContain(message);
    }
    expect(f.prepared).toEqual([]);
  });

  it('a refused host: exit 1, nothing started', async () => {
    const f = fleetFakes(['a', 'b']);
    const io = fakeIo();
    const deps: ManyDeps = { ...f.deps, refusal: (h) => (h === 'b' ? 'dry-activate of b is refused' : null) };
    expect(await run(io, ['a', 'b'], deps, {}, 'dry-activate')).toBe(1);
    expect(io.stderr).toEqual(['error: dry-activate of b is refused', 'nothing was started']);
    expect(f.prepared).toEqual([]);
  });
});

describe('rebuild H1 H2 … sudo passwords', () => {
  it('asked once per host that needs one (masked, through Io.password), handed to that host only, never printed', async () => {
    const f = fleetFakes(['a', 'b', 'c'], { needsPassword: ['a', 'c'] });
    const prompts: string[] = [];
    const io = fakeIo({ interactive: true, password: async (prompt) => (prompts.push(prompt), `secret-${prompts.length}`) });
    const done = run(io, ['a', 'b', 'c'], f.deps);
    for (const h of ['a', 'b', 'c']) (await f.runOf(h)).finish(ok);
    expect(await done).toBe(0);
    expect(prompts).toEqual(['[sudo] password for switch on a: ', '[sudo] password for switch on c: ']);
    expect(f.started.map((r) => [r.host, r.password])).toEqual([
      ['a', 'secret-1'],
      ['b', undefined],
      ['c', 'secret-2'],
    ]);
    expect([...io.stdout, ...io.stderr].join('\n')).not.toContain('secret');
  });

  it('without a terminal a host that needs a password fails and says why; the others go on', async () => {
    const f = fleetFakes(['a', 'b'], { needsPassword: ['a'] });
    const io = fakeIo();
    const done = run(io, ['a', 'b'], f.deps);
    (await f.runOf('b')).finish(ok);
    expect(await done).toBe(1);
    expect(f.started.map((r) => r.host)).toEqual(['b']);
    expect(io.stderr.join('\n')).toContain('a (sudo needs a password and there is no terminal to ask on');
  });
});

describe('rebuild H1 H2 … Ctrl-C', () => {
  it('the hosts not started stay so, the running ones are asked to cancel; exit 130', async () => {
    const f = fleetFakes(['a', 'b', 'c']);
    let interrupt: () => void = () => {};
    const io = fakeIo({
      onInterrupt: (handler) => {
        interrupt = handler;
        return () => {
          interrupt = () => {};
        };
      },
    });
    const done = run(io, ['a', 'b', 'c'], f.deps, { parallel: '2' });
    await f.runOf('b');
    interrupt();
    expect(await done).toBe(130);
    expect(f.started.map((r) => [r.host, r.cancelled])).toEqual([
      ['a', true],
      ['b', true],
    ]);
    expect(io.stderr.join('\n')).toContain('failed: a (cancelled), b (cancelled), c (not started)');
    expect(io.stdout.find((l) => l.startsWith('c '))).toMatch(/^c +cancelled +- +- *$/);
  });
});
