// state.revisions: the commits of a host's generations fill in after its list shows (the list
// never waits for them); without a repository nothing changes; a late answer for an older list is
// dropped; a failed lookup leaves nothing behind.
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_PREFS } from '../../src/core/prefsSchema.js';
import type { CommitInfo, RepoService } from '../../src/core/repo.js';
import type { GenerationsRead } from '../../src/core/result.js';
import type { GenerationList } from '../../src/core/types.js';
import { Controller, type Services } from '../../src/state/controller.js';
import { makeGeneration } from '../helpers/generation.js';
import { FakeRepo } from './repoFakes.js';

const A = 'aaaaaaa1111111111111111111111111111111aa';
const B = 'bbbbbbb2222222222222222222222222222222bb';
const COMMIT_A: CommitInfo = { hash: A, subject: 'hq: enable nginx', date: '2026-11-01T00:00:00Z', author: 'Ada' };

const LIST: GenerationList = {
  generations: [makeGeneration(2, { configurationRevision: A, current: true }), makeGeneration(1, { configurationRevision: `${B}-dirty` })],
  rebootNeeded: false,
  runningKernel: null,
  bootedKernel: null,
};

function deferred<T>(): { promise: Promise<T>; resolve(value: T): void; reject(error: Error): void } {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

type Lookup = { revisions: string[]; answer: ReturnType<typeof deferred<Record<string, CommitInfo | null>>> };

/** A repository whose lookups the test answers (each call waits for its own deferred). */
class PendingRepo extends FakeRepo {
  readonly lookups: Lookup[] = [];

  override lookupCommits(revisions: readonly string[]): Promise<Record<string, CommitInfo | null>> {
    const answer = deferred<Record<string, CommitInfo | null>>();
    this.lookups.push({ revisions: [...revisions], answer });
    return answer.promise;
  }
}

function pendingRepo(): { repo: RepoService; calls: Lookup[] } {
  const repo = new PendingRepo({ git: null });
  return { repo, calls: repo.lookups };
}

const controllers: Controller[] = [];
afterEach(() => {
  for (const c of controllers.splice(0)) c.dispose();
});

function consoleWith(repo?: RepoService, read: () => Promise<GenerationsRead> = async () => ({ ok: true, list: LIST })): Controller {
  const services: Services = {
    hostname: 'hq',
    listFolderHosts: async () => ['hq'],
    evalFlakeHosts: async () => ({ ok: true, names: ['hq'] }),
    readGenerations: read,
    readTodos: async () => ({ ok: false, error: 'no todos here', missing: true }),
    setTodoDone: async () => ({ kind: 'error', message: 'not here' }),
    savePrefs: () => undefined,
    ...(repo ? { repo } : {}),
  };
  const c = new Controller(services, { flakeDir: '/flake', todoFile: '/flake/PROJECT.md', prefs: { ...DEFAULT_PREFS, lastPane: 'generations' } });
  controllers.push(c);
  return c;
}

const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('revisions slice', () => {
  it('shows the list first, then fills in the commits from one lookup', async () => {
    const { repo, calls } = pendingRepo();
    const c = consoleWith(repo);
    await c.start();
    expect(c.state.generations.hq?.status).toBe('ok');
    expect(c.state.revisions).toEqual({});
    expect(calls.map((call) => call.revisions)).toEqual([[A, B]]);
    calls[0]?.answer.resolve({ [A]: COMMIT_A, [B]: null });
    await settle();
    expect(c.state.revisions.hq).toEqual({
      2: { revision: A, commit: COMMIT_A, dirty: false },
      1: { revision: `${B}-dirty`, commit: null, dirty: true },
    });
  });

  it('changes nothing without a repository', async () => {
    const c = consoleWith(undefined);
    await c.start();
    await settle();
    expect(c.state.generations.hq?.status).toBe('ok');
    expect(c.state.revisions).toEqual({});
    expect(c.state.repoAvailable).toBe(false);
  });

  it('keeps the answer for the newest list when an older lookup answers late', async () => {
    const { repo, calls } = pendingRepo();
    const c = consoleWith(repo);
    await c.start();
    const host = c.lists.selectedHost();
    if (!host) throw new Error('no host');
    await c.lists.loadGenerations(host); // R: read again
    expect(calls).toHaveLength(2);
    calls[1]?.answer.resolve({ [A]: COMMIT_A, [B]: null });
    await settle();
    calls[0]?.answer.resolve({ [A]: null, [B]: null });
    await settle();
    expect(c.state.revisions.hq?.[2]?.commit).toEqual(COMMIT_A);
  });

  it('a failed lookup leaves no claim about the commits', async () => {
    const { repo, calls } = pendingRepo();
    const c = consoleWith(repo);
    await c.start();
    calls[0]?.answer.reject(new Error('git timed out'));
    await settle();
    expect(c.state.revisions).toEqual({});
  });
});
