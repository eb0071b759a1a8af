// The generations pane and the commit that built each generation: the detail line says the
// commit's subject, "not in this repository" or "built from uncommitted changes"; `c` shows
// `git show --stat` of it in the text view, or says in the status bar why it cannot.
import { afterEach, describe, expect, it } from 'vitest';
import type { CommitInfo, RepoService } from '../../src/core/repo.js';
import type { GenerationList } from '../../src/core/types.js';
import { makeGeneration } from '../helpers/generation.js';
import { type ConsoleHarness, renderConsole, statusBarText, ticks } from '../helpers/ui.js';
import { FakeRepo, gitState } from '../state/repoFakes.js';

const A = '1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d';
const B = 'b0b0b0b2222222222222222222222222222222bb';
const MISSING = 'deadbee3333333333333333333333333333333cc';
const COMMITS: Record<string, CommitInfo> = {
  [A]: { hash: A, subject: 'hq: enable nginx and the firewall', date: '2026-11-20T10:00:00+00:00', author: 'Ada' },
  [B]: { hash: B, subject: 'hq: older work', date: '2026-11-01T10:00:00+00:00', author: 'Ada' },
};

/** hq: 13 built from A, 12 from B with uncommitted changes, 11 from a commit the repository lacks, 10 with no revision. */
const LIST: GenerationList = {
  generations: [
    makeGeneration(13, { configurationRevision: A, current: true, running: true, booted: true }),
    makeGeneration(12, { configurationRevision: `${B}-dirty` }),
    makeGeneration(11, { configurationRevision: MISSING }),
    makeGeneration(10),
  ],
  rebootNeeded: false,
  runningKernel: '6.6.32',
  bootedKernel: '6.6.32',
};

/** The flake's repository with A and B (a `git show --stat` of any commit); outside one: no git state, no commits. */
function fakeRepo(options: { repository?: boolean } = {}): FakeRepo {
  if (options.repository === false) return new FakeRepo({ git: null, commits: { ok: false, error: 'not a git repository' } });
  return new FakeRepo({
    git: gitState({ head: A }),
    commits: { ok: true, value: Object.values(COMMITS) },
    showText: ['Author: Ada', '', '    hq: enable nginx and the firewall', '', ' hosts/hq.nix | 4 ++--'],
  });
}

let ui: ConsoleHarness | undefined;
afterEach(() => {
  ui?.cleanup();
  ui = undefined;
});

async function open(repo?: RepoService): Promise<ConsoleHarness> {
  ui = await renderConsole({ generations: { hq: { ok: true, list: LIST } }, ...(repo ? { repo } : {}), prefs: { lastPane: 'generations', lastHost: 'hq' } });
  await ticks();
  return ui;
}

const frame = (h: ConsoleHarness): string => h.lastFrame();

describe('the commit of a generation', () => {
  it('says the subject, then "not in this repository", and dirty in words', async () => {
    const h = await open(fakeRepo());
    expect(frame(h)).toContain('rev 1a2b3c4 hq: enable nginx');
    await h.press('j');
    expect(frame(h)).toContain('rev b0b0b0b-dirty: built from uncommitted changes');
    await h.press('j');
    expect(frame(h)).toContain('rev deadbee (not in this repository)');
    await h.press('j');
    expect(frame(h)).not.toContain('rev ');
  });

  it('shows the bare revision without a repository', async () => {
    const h = await open();
    expect(frame(h)).toContain('rev 1a2b3c4');
    expect(frame(h)).not.toContain('hq: enable nginx');
  });

  it('c shows git show --stat of the commit in the text view; Esc closes it', async () => {
    const repo = fakeRepo();
    const h = await open(repo);
    await h.press('c');
    await ticks();
    expect(repo.calls.showCommit).toEqual([A]);
    expect(h.controller.state.textView?.title).toBe('commit 1a2b3c4 (hq generation 13)');
    expect(frame(h)).toContain('commit 1a2b3c4 (hq generation 13)');
    expect(frame(h)).toContain('hosts/hq.nix | 4 ++--');
    await h.press('\u001B');
    await ticks(4);
    expect(h.controller.state.textView).toBeNull();
  });

  it('c on a dirty generation shows the commit its changes started from', async () => {
    const repo = fakeRepo();
    const h = await open(repo);
    await h.press('j');
    await h.press('c');
    await ticks();
    expect(repo.calls.showCommit).toEqual([B]);
    expect(h.controller.state.textView?.title).toContain('built from uncommitted changes');
  });

  it('c says why it cannot: no repository, no revision, not in the repository', async () => {
    let h = await open();
    await h.press('c');
    expect(statusBarText(frame(h))).toContain("the flake's repository is not available in this console");
    expect(h.controller.state.textView).toBeNull();
    h.cleanup();

    const repo = fakeRepo();
    h = await open(repo);
    await h.press('j', 'j');
    await h.press('c');
    expect(statusBarText(frame(h))).toContain('deadbee (generation 11 of hq) is not in this repository');
    await h.press('j');
    await h.press('c');
    expect(statusBarText(frame(h))).toContain('generation 10 of hq carries no configuration revision');
    expect(statusBarText(frame(h))).toContain('self.rev or self.dirtyRev');
    expect(h.controller.state.textView).toBeNull();
    expect(repo.calls.showCommit).toEqual([]);
  });

  it('outside a git repository: the bare revision, never "not in this repository"; c says why', async () => {
    const repo = fakeRepo({ repository: false });
    const h = await open(repo);
    expect(frame(h)).toContain('rev 1a2b3c4');
    expect(frame(h)).not.toContain('not in this repository');
    await h.press('c');
    expect(statusBarText(frame(h))).toContain('is not in a git repository');
    expect(repo.calls.showCommit).toEqual([]);
  });
});
