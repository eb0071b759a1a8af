// The header's git state: read at start, after a run, on R; one read at a time, a read asked
// while one goes runs once more after it, a failing or slow read leaves the old state.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_PREFS } from '../../src/core/prefsSchema.js';
import { Controller, type Services } from '../../src/state/controller.js';
import { FakeRuns, finished, T_NOW } from '../ui/fakeRuns.js';
import { FakeRepo, gitState } from './repoFakes.js';

const controllers: Controller[] = [];
afterEach(() => {
  for (const c of controllers.splice(0)) c.dispose();
});

function consoleWith(repo: FakeRepo | undefined, runs?: FakeRuns): Controller {
  const services: Services = {
    hostname: 'hq',
    listFolderHosts: async () => ['hq'],
    evalFlakeHosts: async () => ({ ok: true, names: ['hq'] }),
    readGenerations: async () => ({ ok: false, error: 'none here' }),
    readTodos: async () => ({ ok: false, error: 'no todos here', missing: true }),
    setTodoDone: async () => ({ kind: 'error', message: 'not here' }),
    savePrefs: () => {},
    ...(repo ? { repo } : {}),
    ...(runs ? { runs } : {}),
  };
  const c = new Controller(services, { flakeDir: '/flake', todoFile: '/flake/PROJECT.md', prefs: DEFAULT_PREFS, runRefreshMs: 0, now: () => T_NOW });
  controllers.push(c);
  return c;
}

describe('the git state slice', () => {
  it('reads the state at start', async () => {
    const repo = new FakeRepo({ git: gitState({ branch: 'main', changed: 3 }) });
    const c = consoleWith(repo);
    expect(c.state.git).toEqual({ available: true, value: undefined });
    await c.start();
    await vi.waitFor(() => expect(c.state.git.value?.changed).toHaveLength(3));
    expect(repo.calls.gitState).toBe(1);
  });

  it('runs one read at a time: reads asked while one goes make exactly one more', async () => {
    const repo = new FakeRepo({ git: gitState({ branch: 'main' }) });
    repo.holdGit = true;
    const c = consoleWith(repo);
    const first = c.gitState.refresh();
    void c.gitState.refresh();
    void c.gitState.refresh();
    void c.gitState.refresh();
    expect(repo.calls.gitState).toBe(1);
    repo.git = gitState({ branch: 'feature', changed: 1 });
    repo.releaseGit();
    await vi.waitFor(() => expect(repo.heldGitReads()).toBe(1));
    repo.releaseGit();
    await first;
    expect(repo.calls.gitState).toBe(2);
    expect(repo.gitMaxInFlight).toBe(1);
    expect(c.state.git.value?.branch).toBe('feature');
  });

  it('keeps the old state while a read is slow, and when one fails', async () => {
    const repo = new FakeRepo({ git: gitState({ branch: 'main', changed: 2 }) });
    const c = consoleWith(repo);
    await c.gitState.refresh();
    repo.holdGit = true;
    repo.git = gitState({ branch: 'main', changed: 5 });
    const slow = c.gitState.refresh();
    await Promise.resolve();
    expect(c.state.git.value?.changed).toHaveLength(2);
    repo.releaseGit();
    await slow;
    expect(c.state.git.value?.changed).toHaveLength(5);
    repo.holdGit = false;
    vi.spyOn(repo, 'gitState').mockRejectedValueOnce(new Error('git: timed out after 5 s'));
    await c.gitState.refresh();
    expect(c.state.git.value?.changed).toHaveLength(5);
  });

  it('current() reads again and gives what the header now shows; null after a read that failed', async () => {
    const repo = new FakeRepo({ git: gitState({ branch: 'main', changed: 2 }) });
    const c = consoleWith(repo);
    await c.gitState.refresh();
    repo.git = gitState({ branch: 'main', changed: 4 });
    const now = await c.gitState.current();
    expect(now?.changed).toHaveLength(4);
    expect(c.state.git.value).toBe(now);
    expect(repo.calls.gitState).toBe(2);
    vi.spyOn(repo, 'gitState').mockRejectedValueOnce(new Error('git: timed out after 5 s'));
    expect(await c.gitState.current()).toBeNull();
    // the header keeps what it showed; the next read that works is given again
    expect(c.state.git.value?.changed).toHaveLength(4);
    expect((await c.gitState.current())?.changed).toHaveLength(4);
  });

  it('says "not a repository" as null, and does nothing without a repository service', async () => {
    const repo = new FakeRepo({ git: null });
    const c = consoleWith(repo);
    await c.gitState.refresh();
    expect(c.state.git.value).toBeNull();
    const none = consoleWith(undefined);
    await none.gitState.refresh();
    expect(none.state.git).toEqual({ available: false, value: undefined });
  });

  it('reads again after a run ends and on R', async () => {
    const repo = new FakeRepo();
    const runs = new FakeRuns();
    const c = consoleWith(repo, runs);
    await c.start();
    await vi.waitFor(() => expect(repo.calls.gitState).toBe(1));
    const started = await runs.start({ host: 'hq', action: 'build' });
    if (!started.ok) throw new Error('not started');
    c.runPanes.openRun(started.id, { focus: false });
    runs.push(started.id, (v) => finished(v, 0));
    await vi.waitFor(() => expect(repo.calls.gitState).toBe(2));
    c.refresh();
    await vi.waitFor(() => expect(repo.calls.gitState).toBe(3));
  });
});
