// The commit question as the user sees it at 80x24: the message in a one-line field, typed into,
// Backspace, Ctrl-U, Enter commits the edited text, Esc commits nothing.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RepoService } from '../../src/core/repo.js';
import { type ConsoleHarness, KEY, renderConsole, statusBarText } from '../helpers/ui.js';
import { FakeRepo, gitState } from '../state/repoFakes.js';
import { FakeRuns, finished } from './fakeRuns.js';

const HEAD = '1'.repeat(40);
const NEW = '3'.repeat(40);

/** A repository with `changed` modified on HEAD; a commit makes NEW and cleans the tree. */
function fakeRepo(changed: string[]): FakeRepo {
  const repo = new FakeRepo({ git: gitState({ head: HEAD, changed: changed.map((path) => ({ path, code: ' M' })) }) });
  repo.commitHash = NEW;
  return repo;
}

let ui: ConsoleHarness | null = null;
afterEach(() => {
  ui?.cleanup();
  ui = null;
});

async function deployed(repo: RepoService): Promise<{ ui: ConsoleHarness; runs: FakeRuns }> {
  const runs = new FakeRuns();
  ui = await renderConsole({ runs, repo, runRefreshMs: 0, prefs: { lastPane: 'hosts' } });
  // hq is this machine and selected: s, y
  await ui.press('s');
  await ui.press('y');
  await vi.waitFor(() => expect(runs.startCalls).toHaveLength(1));
  await vi.waitFor(() => expect(ui?.controller.state.runs.views.run1).toBeDefined());
  runs.push('run1', (v) => finished(v, 0));
  await vi.waitFor(() => expect(ui?.lastFrame()).toContain('message: hq: switch generation 44 — flake.lock'));
  return { ui, runs };
}

describe('the commit question', () => {
  it('shows the message in a field; typing, Backspace and Ctrl-U edit it; Enter commits the edited text', async () => {
    const repo = fakeRepo(['flake.lock']);
    const { ui } = await deployed(repo);
    const frame = ui.lastFrame();
    expect(frame).toContain('switch of hq succeeded: commit the changed file?');
    expect(frame).toContain('Enter commit · Backspace edit · Ctrl-U clear · Esc no (the changes stay)');
    expect(statusBarText(frame)).toMatch(/Enter commit .*Esc no commit/);
    await ui.press(KEY.backspace, KEY.backspace, KEY.backspace, KEY.backspace);
    await ui.press('k');
    expect(ui.lastFrame()).toContain('message: hq: switch generation 44 — flake.k▏');
    await ui.press(KEY.ctrlU);
    expect(ui.lastFrame()).toContain('message: ▏');
    // q, j, y and Space are text here, not commands
    await ui.press('hq: bump; q j y');
    expect(ui.lastFrame()).toContain('message: hq: bump; q j y▏');
    await ui.press(KEY.enter);
    await vi.waitFor(() => expect(repo.calls.commit).toEqual(['hq: bump; q j y']));
    await vi.waitFor(() => expect(statusBarText(ui.lastFrame())).toContain('committed 3333333 "hq: bump; q j y"'));
    expect(ui.lastFrame()).not.toContain('message:');
  });

  it('Esc commits nothing and says the changes stay', async () => {
    const repo = fakeRepo(['flake.lock', 'hosts/hq.nix']);
    const { ui } = await deployed(repo);
    await ui.press(KEY.esc);
    await vi.waitFor(() => expect(statusBarText(ui.lastFrame())).toContain('not committed: the 2 changed files stay in the working tree'));
    expect(repo.calls.commit).toEqual([]);
    expect(ui.controller.state.dialog).toBeNull();
  });
});
