// A remote host's generations in the console: the list kept from the last read shows at once
// with its age, the fresh read replaces it, an unreachable host keeps it with the reason, and
// a remote host never holds the console's start.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildGenerationList } from '../../src/core/generations.js';
import { DEFAULT_PREFS } from '../../src/core/prefsSchema.js';
import type { GenerationList, Host } from '../../src/core/types.js';
import type { GenerationsRead } from '../../src/core/result.js';
import { Controller, type Services } from '../../src/state/controller.js';

const T_NOW = Date.parse('2025-06-10T12:00:00Z');
const HOUR = 3_600_000;

function list(numbers: number[]): GenerationList {
  const path = (n: number): string => `/nix/store/${String(n).padStart(32, 'b')}-nixos-system-t460-${n}`;
  const last = numbers.at(-1) ?? 1;
  return buildGenerationList({
    currentNumber: last,
    runningPath: path(last),
    bootedPath: path(last),
    runningKernel: '6.6.1',
    bootedKernel: '6.6.1',
    links: numbers.map((n) => ({ number: n, mtimeMs: T_NOW - (10 - n) * HOUR, target: path(n), state: 'ok', nixosVersion: '25.05', kernelVersion: '6.6.1', configurationRevision: null, specialisations: [] })),
  });
}

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

const flush = async (n = 5): Promise<void> => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

const controllers: Controller[] = [];
afterEach(() => {
  for (const c of controllers.splice(0)) c.dispose();
  vi.useRealTimers();
});

interface Setup {
  c: Controller;
  fresh: ReturnType<typeof deferred<GenerationsRead>>;
  cacheReads: string[];
  evaluated: () => boolean;
}

/** hq is this machine; t460 is remote, selected at start, its read waits for the test. */
function consoleWith(cached: { list: GenerationList; savedAtMs: number } | null): Setup {
  const fresh = deferred<GenerationsRead>();
  const cacheReads: string[] = [];
  let evaluated = false;
  const services: Services = {
    hostname: 'hq',
    listFolderHosts: async () => ['hq', 't460'],
    evalFlakeHosts: async () => {
      evaluated = true;
      return { ok: true, names: ['hq', 't460'] };
    },
    readGenerations: (host: Host) => (host.local ? Promise.resolve({ ok: true, list: list([1]) }) : fresh.promise),
    cachedGenerations: async (host: Host) => {
      cacheReads.push(host.name);
      return cached;
    },
    readTodos: async () => ({ ok: false, error: 'no todos here', missing: true }),
    setTodoDone: async () => ({ kind: 'error', message: 'not here' }),
    savePrefs: () => {},
  };
  const c = new Controller(services, { flakeDir: '/flake', todoFile: '/flake/PROJECT.md', prefs: { ...DEFAULT_PREFS, lastPane: 'hosts', lastHost: 't460' }, now: () => T_NOW });
  controllers.push(c);
  return { c, fresh, cacheReads, evaluated: () => evaluated };
}

const numbers = (c: Controller, host: string): number[] => {
  const loaded = c.state.generations[host];
  return loaded?.status === 'ok' ? loaded.value.generations.map((g) => g.generation) : [];
};

describe('remote generation lists', () => {
  it('the kept list shows at once with its age, then the fresh read replaces it', async () => {
    const { c, fresh, cacheReads } = consoleWith({ list: list([1, 2]), savedAtMs: T_NOW - 2 * HOUR });
    void c.start();
    await flush();
    expect(c.lists.selectedHost()?.name).toBe('t460');
    expect(cacheReads).toEqual(['t460']);
    expect(numbers(c, 't460')).toEqual([2, 1]);
    expect(c.state.panes.generations.hits.map((h) => h.item.generation)).toEqual([2, 1]);
    expect(c.state.cachedLists.t460).toEqual({ savedAtMs: T_NOW - 2 * HOUR, shownAtMs: T_NOW, refreshing: true, error: null });

    fresh.resolve({ ok: true, list: list([1, 2, 3]) });
    await flush();
    expect(numbers(c, 't460')).toEqual([3, 2, 1]);
    expect(c.state.cachedLists.t460).toBeUndefined();
  });

  it('an unreachable host keeps the kept list, with the reason it was not read now', async () => {
    const { c, fresh } = consoleWith({ list: list([1, 2]), savedAtMs: T_NOW - 2 * HOUR });
    void c.start();
    await flush();
    fresh.resolve({ ok: false, error: 't460: timed out after 10 s' });
    await flush();
    expect(numbers(c, 't460')).toEqual([2, 1]);
    expect(c.state.cachedLists.t460).toMatchObject({ refreshing: false, error: 't460: timed out after 10 s', savedAtMs: T_NOW - 2 * HOUR });
  });

  it('without a kept list an unreachable host says why, as before', async () => {
    const { c, fresh } = consoleWith(null);
    void c.start();
    await flush();
    expect(c.state.generations.t460).toEqual({ status: 'loading' });
    fresh.resolve({ ok: false, error: 't460: connection refused', hint: 'check it' });
    await flush();
    expect(c.state.generations.t460).toEqual({ status: 'error', error: 't460: connection refused', hint: 'check it' });
    expect(c.state.cachedLists.t460).toBeUndefined();
  });

  it('a remote host that does not answer does not hold the start: the flake evaluation begins at once', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { c, evaluated } = consoleWith(null);
    const started = c.start().then(() => 'started' as const);
    const outcome = await Promise.race([started, flush(20).then(() => 'waiting' as const)]);
    expect(outcome).toBe('started');
    expect(evaluated()).toBe(true);
    expect(c.state.generations.t460).toEqual({ status: 'loading' });
  });

  it('this machine is read as before, without a kept list', async () => {
    const { c, cacheReads } = consoleWith(null);
    await c.start().catch(() => {});
    c.lists.moveTo(0);
    await flush();
    expect(c.lists.selectedHost()?.name).toBe('hq');
    expect(numbers(c, 'hq')).toEqual([1]);
    expect(cacheReads).toEqual(['t460']);
    expect(c.state.cachedLists.hq).toBeUndefined();
  });
});
