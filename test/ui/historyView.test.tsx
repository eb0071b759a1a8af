// The History view (l) at 80x24: commits with the hosts on them, fuzzy filter, git show; C.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { commit, FakeRepo } from '../state/repoFakes.js';
import { type ConsoleHarness, KEY, renderConsole } from '../helpers/ui.js';

let ui: ConsoleHarness | null = null;
afterEach(() => {
  ui?.cleanup();
  ui = null;
});

const COMMITS = [commit(1, 'hq: switch 44 — hosts/hq.nix'), commit(2, 'flake.lock: update nixpkgs'), commit(3, 't460: add printer'), commit(4, 'pi: enable zram')];

async function openHistory(repo: FakeRepo, opts: Parameters<typeof renderConsole>[0] = {}): Promise<ConsoleHarness> {
  ui = await renderConsole({ repo, prefs: { lastPane: 'hosts' }, ...opts });
  const h = ui;
  await h.press('l');
  await vi.waitFor(() => expect(h.controller.state.history.rows?.status).toBe('ok'));
  await h.press('');
  return h;
}

describe('the History view', () => {
  it('lists the commits with the hosts whose deployed tag points at them', async () => {
    const repo = new FakeRepo({
      commits: { ok: true, value: COMMITS },
      tags: [
        { host: 't460', hash: COMMITS[2]?.hash ?? '', behind: 2 },
        { host: 'hq', hash: COMMITS[2]?.hash ?? '', behind: 2 },
      ],
    });
    const h = await openHistory(repo);
    const frame = h.lastFrame();
    expect(repo.calls.log).toEqual([200]);
    expect(frame).toContain('history 4 commits');
    expect(frame).toMatch(new RegExp(`${COMMITS[2]?.hash.slice(0, 7)} \\d{4}-\\d\\d-\\d\\d \\[hq t460\\] t460: add printer`));
    expect(frame).toMatch(new RegExp(`${COMMITS[0]?.hash.slice(0, 7)} \\d{4}-\\d\\d-\\d\\d hq: switch 44`));
    for (const line of frame.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
  });

  it('filters by subject, hash or host with /, and Enter shows git show --stat', async () => {
    const repo = new FakeRepo({ commits: { ok: true, value: COMMITS }, tags: [{ host: 'pi', hash: COMMITS[3]?.hash ?? '', behind: 3 }] });
    const h = await openHistory(repo);
    await h.press('/', 'printer');
    expect(h.controller.state.history.hits.map((x) => x.item.commit.subject)).toEqual(['t460: add printer']);
    expect(h.lastFrame()).toContain('/printer');
    await h.press(KEY.enter, KEY.enter);
    await vi.waitFor(() => expect(repo.calls.showCommit).toEqual([COMMITS[2]?.hash]));
    await h.press('');
    expect(h.lastFrame()).toContain(`commit ${COMMITS[2]?.hash}`);
    await h.press(KEY.esc);
    expect(h.controller.state.overlay).toBe('history');
    await h.press('/');
    await h.press(KEY.esc);
    await h.press('/', 'pi');
    expect(h.controller.state.history.hits[0]?.item.hosts).toEqual(['pi']);
  });

  it('works in ASCII mode', async () => {
    const h = await openHistory(new FakeRepo({ commits: { ok: true, value: COMMITS } }), { prefs: { lastPane: 'hosts', asciiBorders: true } });
    expect(h.lastFrame()).toContain('pi: enable zram');
    expect(h.lastFrame()).not.toMatch(/[^\x20-\x7e\n]/);
  });
});

describe('C', () => {
  it('shows git status and git diff --stat in the text view', async () => {
    const repo = new FakeRepo();
    ui = await renderConsole({ repo, prefs: { lastPane: 'hosts' } });
    const h = ui;
    await h.press('C');
    await vi.waitFor(() => expect(repo.calls.changesText).toBe(1));
    await h.press('');
    expect(h.lastFrame()).toContain('M hosts/hq.nix');
    expect(h.lastFrame()).toContain('1 file changed');
  });
});

describe('the hosts on a commit', () => {
  it('include a host whose running generation was built from it (the revisions read for the generations pane)', async () => {
    const { hostsByCommit } = await import('../../src/state/historySlice.js');
    ui = await renderConsole({ repo: new FakeRepo({ commits: { ok: true, value: COMMITS } }), prefs: { lastPane: 'hosts' } });
    const h = ui;
    const target = COMMITS[1];
    if (!target) throw new Error('no commit');
    h.controller.store.update((s) => ({ ...s, revisions: { ...s.revisions, hq: { 44: { revision: target.hash, commit: target, dirty: false }, 43: { revision: COMMITS[3]?.hash ?? null, commit: COMMITS[3] ?? null, dirty: false } } } }));
    const hosts = hostsByCommit(h.controller.state, []);
    // 44 runs on hq; 43 does not
    expect(hosts.get(target.hash)).toEqual(['hq']);
    expect(hosts.get(COMMITS[3]?.hash ?? '')).toBeUndefined();
    await h.press('l');
    await vi.waitFor(() => expect(h.controller.state.history.rows?.status).toBe('ok'));
    await h.press('');
    expect(h.lastFrame()).toContain('[hq] flake.lock: update nixpkgs');
  });
});
