// After a deploy that succeeded: the commit question (or autoCommit always/off), a marked group
// asked once, a failing hook shown in full, and the deployed/<host> tag decision — over a fake
// repository and fake runs, driving the real controller.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildGenerationList } from '../../src/core/generations.js';
import { DEFAULT_PREFS, type Prefs } from '../../src/core/prefsSchema.js';
import type { ChangedFile, CommitInfo, DeployedTag, GitState, RepoService } from '../../src/core/repo.js';
import type { GenerationsRead, Result } from '../../src/core/result.js';
import type { Host } from '../../src/core/types.js';
import { Controller, type Services } from '../../src/state/controller.js';
import { FakeRuns, finished, T_NOW } from '../ui/fakeRuns.js';

const HEAD = '1'.repeat(40);
const REV = '2'.repeat(40);
const NEW = '3'.repeat(40);

/** A repository in memory: its working tree's changes, the commits made and the tags moved. */
class FakeRepo implements RepoService {
  head: string | null = HEAD;
  changed: ChangedFile[] = [];
  /** revisions (full hashes) the repository has */
  known = new Set<string>([HEAD, REV]);
  commitError: string | null = null;
  readonly commits: string[] = [];
  readonly tags = new Map<string, string>();
  gitReads = 0;

  async gitState(): Promise<GitState | null> {
    this.gitReads++;
    return { branch: 'main', head: this.head, upstream: null, ahead: 0, behind: 0, changed: [...this.changed] };
  }
  async commit(message: string): Promise<Result<{ hash: string; output: string }>> {
    if (this.commitError !== null) return { ok: false, error: this.commitError };
    this.commits.push(message);
    this.changed = [];
    this.head = NEW;
    this.known.add(NEW);
    return { ok: true, value: { hash: NEW, output: '' } };
  }
  async tagDeployed(host: string, hash: string): Promise<Result<void>> {
    this.tags.set(host, hash);
    return { ok: true, value: undefined };
  }
  async lookupCommits(revisions: readonly string[]): Promise<Record<string, CommitInfo | null>> {
    const out: Record<string, CommitInfo | null> = {};
    for (const rev of revisions) out[rev] = this.known.has(rev) ? { hash: rev, subject: 's', date: '2026-11-30T00:00:00Z', author: 'me' } : null;
    return out;
  }
  async deployedTags(): Promise<DeployedTag[]> {
    return [...this.tags].map(([host, hash]) => ({ host, hash, behind: 0 }));
  }
  readInputs = async (): Promise<Result<never[]>> => ({ ok: true, value: [] });
  changesText = async (): Promise<Result<string[]>> => ({ ok: true, value: [] });
  showCommit = async (): Promise<Result<string[]>> => ({ ok: true, value: [] });
  log = async (): Promise<Result<CommitInfo[]>> => ({ ok: true, value: [] });
  startUpdate = async () => ({ ok: false as const, error: 'not here' });
  updateOutcome = async () => ({ ok: false as const, error: 'not here' });
  revertUpdate = async () => ({ ok: false as const, error: 'not here' });
}

class DeployingRuns extends FakeRuns {
  readonly remoteDeploys = true;
}

const store = (n: number): string => `/nix/store/${String(n).padStart(32, 'a')}-nixos-system-${n}`;

/** A host's list: generation `n` current and running, carrying `revision` (null: none). */
function listOf(n: number, revision: string | null): GenerationsRead {
  const link = (k: number) => ({
    number: k,
    mtimeMs: T_NOW - (n - k) * 3_600_000,
    target: store(k),
    state: 'ok' as const,
    nixosVersion: '25.05',
    kernelVersion: '6.12',
    configurationRevision: k === n ? revision : null,
    specialisations: [],
  });
  return { ok: true, list: buildGenerationList({ currentNumber: n, runningPath: store(n), bootedPath: store(n), runningKernel: '6.12', bootedKernel: '6.12', links: [link(n - 1), link(n)] }) };
}

const controllers: Controller[] = [];
afterEach(() => {
  for (const c of controllers.splice(0)) c.dispose();
});

interface Setup {
  c: Controller;
  runs: DeployingRuns;
  repo: FakeRepo;
  /** what each host's list says from now on */
  lists: Record<string, GenerationsRead>;
}

async function setup(prefs: Partial<Prefs> = {}, hosts = ['hq', 't460']): Promise<Setup> {
  const runs = new DeployingRuns();
  const repo = new FakeRepo();
  const lists: Record<string, GenerationsRead> = { hq: listOf(41, null), t460: listOf(61, null) };
  const services: Services = {
    hostname: 'hq',
    listFolderHosts: async () => hosts,
    evalFlakeHosts: async () => ({ ok: true, names: hosts }),
    readGenerations: async (host: Host) => lists[host.name] ?? { ok: false, error: 'no such host' },
    readTodos: async () => ({ ok: false, error: 'no todos here', missing: true }),
    setTodoDone: async () => ({ kind: 'error', message: 'not here' }),
    savePrefs: () => {},
    runs,
    repo,
  };
  const c = new Controller(services, { flakeDir: '/flake', todoFile: '/flake/PROJECT.md', prefs: { ...DEFAULT_PREFS, lastPane: 'hosts', ...prefs }, runRefreshMs: 0, now: () => T_NOW });
  controllers.push(c);
  await c.start();
  return { c, runs, repo, lists };
}

/** s on the selected host, y: the run starts; returns its id. */
async function startSwitch(s: Setup, host = 'hq'): Promise<string> {
  s.c.lists.selectHostNamed(host);
  s.c.runs.requestRun('switch');
  await vi.waitFor(() => expect(s.c.state.dialog?.kind).toBe('confirmRun'));
  s.c.dialogs.confirmDialog();
  await vi.waitFor(() => expect(s.runs.startCalls.length).toBeGreaterThan(0));
  await vi.waitFor(() => expect(Object.keys(s.c.state.runs.views).length).toBeGreaterThan(0));
  const id = s.runs.startCalls.length === 1 ? 'run1' : `run${s.runs.startCalls.length}`;
  // the tree is read when the run starts, without waiting for it
  await vi.waitFor(() => expect(s.repo.gitReads).toBeGreaterThan(0));
  return id;
}

function end(s: Setup, id: string, exitCode = 0): void {
  s.runs.push(id, (v) => finished(v, exitCode));
}

describe('commit after a deploy', () => {
  it('asks with the message editable; Enter commits the edited text and the tag moves to the new commit', async () => {
    const s = await setup();
    s.repo.changed = [{ path: 'flake.lock', code: ' M' }];
    const id = await startSwitch(s);
    s.lists.hq = listOf(42, null);
    end(s, id);
    await vi.waitFor(() => expect(s.c.state.dialog).toMatchObject({ kind: 'commit', hosts: ['hq'], action: 'switch', message: 'hq: switch generation 42 — flake.lock', files: ['flake.lock'] }));
    s.c.commit.erase();
    s.c.commit.erase();
    s.c.commit.type('lock!');
    expect(s.c.state.dialog).toMatchObject({ message: 'hq: switch generation 42 — flake.lolock!' });
    s.c.commit.clear();
    expect(s.c.state.dialog).toMatchObject({ message: '' });
    s.c.commit.submit();
    expect(s.c.state.dialog?.kind).toBe('commit');
    expect(s.c.state.notice?.text).toMatch(/empty/);
    s.c.commit.type('hq: new lock');
    s.c.commit.submit();
    await vi.waitFor(() => expect(s.repo.commits).toEqual(['hq: new lock']));
    // built from a dirty tree, committed right after: that commit is what hq runs
    await vi.waitFor(() => expect(s.repo.tags.get('hq')).toBe(NEW));
    expect(s.c.state.notice?.text).toBe(`committed 3333333 "hq: new lock" · deployed/hq → 3333333`);
  });

  it('Esc does not commit: the changes stay and the status bar says so', async () => {
    const s = await setup();
    s.repo.changed = [{ path: 'flake.lock', code: ' M' }, { path: 'hosts/hq.nix', code: ' M' }];
    const id = await startSwitch(s);
    end(s, id);
    await vi.waitFor(() => expect(s.c.state.dialog?.kind).toBe('commit'));
    s.c.commit.decline();
    await vi.waitFor(() => expect(s.c.state.notice?.text).toMatch(/^not committed: the 2 changed files stay in the working tree/));
    expect(s.repo.commits).toEqual([]);
    expect(s.repo.changed).toHaveLength(2);
    expect(s.repo.tags.size).toBe(0);
    expect(s.c.state.notice?.text).toContain('no deployed/hq tag: hq was built from uncommitted changes that were not committed');
  });

  it('autoCommit always commits at once and says so; off asks nothing and commits nothing', async () => {
    const always = await setup({ autoCommit: 'always' });
    always.repo.changed = [{ path: 'flake.lock', code: ' M' }];
    const id = await startSwitch(always);
    always.lists.hq = listOf(42, null);
    end(always, id);
    await vi.waitFor(() => expect(always.repo.commits).toEqual(['hq: switch generation 42 — flake.lock']));
    expect(always.c.state.dialog).toBeNull();
    await vi.waitFor(() => expect(always.c.state.notice?.text).toMatch(/^committed 3333333 "hq: switch generation 42 — flake.lock"/));

    const off = await setup({ autoCommit: 'off' });
    off.repo.changed = [{ path: 'flake.lock', code: ' M' }];
    const offId = await startSwitch(off);
    off.lists.hq = listOf(42, REV);
    end(off, offId);
    // the tag still follows the revision the new system carries
    await vi.waitFor(() => expect(off.repo.tags.get('hq')).toBe(REV));
    expect(off.c.state.dialog).toBeNull();
    expect(off.repo.commits).toEqual([]);
  });

  it('a failed run asks nothing', async () => {
    const s = await setup();
    s.repo.changed = [{ path: 'flake.lock', code: ' M' }];
    const id = await startSwitch(s);
    end(s, id, 1);
    await new Promise((r) => setTimeout(r, 20));
    expect(s.c.state.dialog).toBeNull();
    expect(s.repo.tags.size).toBe(0);
  });

  it('a marked group asks once, when every host is done, naming all that succeeded', async () => {
    const s = await setup();
    s.repo.changed = [{ path: 'flake.lock', code: ' M' }];
    s.c.marks.toggleAll();
    void s.c.group.request('switch');
    await vi.waitFor(() => expect(s.c.state.dialog?.kind).toBe('confirmGroup'));
    s.c.dialogs.confirmDialog();
    await vi.waitFor(() => expect(s.runs.startCalls).toHaveLength(2));
    await vi.waitFor(() => expect(Object.keys(s.c.state.runs.views)).toHaveLength(2));
    end(s, 'run1');
    await new Promise((r) => setTimeout(r, 20));
    expect(s.c.state.dialog).toBeNull();
    end(s, 'run2');
    await vi.waitFor(() => expect(s.c.state.dialog).toMatchObject({ kind: 'commit', hosts: ['hq', 't460'], message: 'hq, t460: switch — flake.lock' }));
    s.c.commit.submit();
    await vi.waitFor(() => expect(s.repo.commits).toEqual(['hq, t460: switch — flake.lock']));
    await vi.waitFor(() => expect([...s.repo.tags]).toEqual([['hq', NEW], ['t460', NEW]]));
    expect(s.c.state.dialog).toBeNull();
  });

  it('a failing hook: its whole output in the text view, an error that says nothing was lost', async () => {
    const s = await setup();
    s.repo.changed = [{ path: 'flake.lock', code: ' M' }];
    s.repo.commitError = 'pre-commit: nixfmt found problems\nhosts/hq.nix: line 3\nfix them and commit again';
    const id = await startSwitch(s);
    end(s, id);
    await vi.waitFor(() => expect(s.c.state.dialog?.kind).toBe('commit'));
    s.c.commit.submit();
    await vi.waitFor(() => expect(s.c.state.textView?.lines).toEqual({ status: 'ok', value: ['pre-commit: nixfmt found problems', 'hosts/hq.nix: line 3', 'fix them and commit again'] }));
    expect(s.c.state.notice).toMatchObject({ kind: 'error' });
    expect(s.c.state.notice?.text).toMatch(/^commit failed, nothing was lost: the changed file stays in the working tree/);
    expect(s.repo.changed).toHaveLength(1);
    expect(s.repo.tags.size).toBe(0);
  });
});

describe('the deployed/<host> tag', () => {
  it('goes to the clean revision the new system carries', async () => {
    const s = await setup();
    const id = await startSwitch(s);
    s.lists.hq = listOf(42, REV);
    end(s, id);
    await vi.waitFor(() => expect(s.repo.tags.get('hq')).toBe(REV));
    expect(s.c.state.notice?.text).toBe('deployed/hq → 2222222');
  });

  it('goes to the head of a tree that was clean when the run started', async () => {
    const s = await setup();
    const id = await startSwitch(s);
    // edited while the run went: the head at the start is still what was built
    s.repo.changed = [{ path: 'notes.md', code: '??' }];
    end(s, id);
    await vi.waitFor(() => expect(s.c.state.dialog?.kind).toBe('commit'));
    s.c.commit.decline();
    await vi.waitFor(() => expect(s.repo.tags.get('hq')).toBe(HEAD));
  });

  it('is not moved, saying why, for a revision the repository does not have', async () => {
    const s = await setup();
    const id = await startSwitch(s);
    s.lists.hq = listOf(42, '9'.repeat(40));
    end(s, id);
    await vi.waitFor(() => expect(s.c.state.notice?.text).toBe('no deployed/hq tag: hq runs revision 9999999, which is not in this repository'));
    expect(s.repo.tags.size).toBe(0);
  });

  it('is not moved by a boot (the host does not run it yet)', async () => {
    const s = await setup();
    s.c.runs.requestRun('boot');
    await vi.waitFor(() => expect(s.c.state.dialog?.kind).toBe('confirmRun'));
    s.c.dialogs.confirmDialog();
    await vi.waitFor(() => expect(Object.keys(s.c.state.runs.views)).toHaveLength(1));
    s.lists.hq = listOf(42, REV);
    end(s, 'run1');
    await new Promise((r) => setTimeout(r, 20));
    expect(s.repo.tags.size).toBe(0);
  });
});
