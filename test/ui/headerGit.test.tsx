// The git state in the header: branch, ahead/behind, changed files; dropped first when narrow.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeRepo, gitState } from '../state/repoFakes.js';
import { type ConsoleHarness, renderConsole } from '../helpers/ui.js';

let ui: ConsoleHarness | null = null;
afterEach(() => {
  ui?.cleanup();
  ui = null;
});

const headerOf = (h: ConsoleHarness): string => h.lastFrame().split('\n')[0] ?? '';

async function open(repo: FakeRepo | undefined, opts: Parameters<typeof renderConsole>[0] = {}): Promise<ConsoleHarness> {
  ui = await renderConsole({ hostname: 'laptop', ...(repo ? { repo } : {}), ...opts });
  const h = ui;
  if (repo) await vi.waitFor(() => expect(h.controller.state.git.value).not.toBeUndefined());
  await h.press('');
  return h;
}

describe('the header at 80 columns', () => {
  it('shows the branch, ahead/behind its upstream and the changed files', async () => {
    const h = await open(new FakeRepo({ git: gitState({ branch: 'main', upstream: 'origin/main', ahead: 2, behind: 1, changed: 3 }) }));
    const header = headerOf(h);
    expect(header).toContain('main ↑2↓1 3 changed');
    expect(header).toContain('flake: 5 configurations');
    expect(header.length).toBeLessThanOrEqual(80);
  });

  it('says clean, a detached HEAD by its hash, and no arrows without an upstream', async () => {
    const h = await open(new FakeRepo({ git: gitState({ branch: null, head: '1a2b3c4d'.padEnd(40, '0'), upstream: null, ahead: 0, behind: 0 }) }), { size: { columns: 100, rows: 24 } });
    expect(headerOf(h)).toContain('git: detached 1a2b3c4 · clean');
    expect(headerOf(h)).not.toMatch(/[↑↓]/);
  });

  it('writes +2 -1 in ASCII mode', async () => {
    const h = await open(new FakeRepo({ git: gitState({ branch: 'main', upstream: 'origin/main', ahead: 2, behind: 1, changed: 1 }) }), { prefs: { asciiBorders: true } });
    expect(headerOf(h)).toContain('main +2-1 1 changed');
    expect(headerOf(h)).not.toMatch(/[^\x20-\x7e]/);
  });

  it('shows nothing of git outside a repository or without a repository service', async () => {
    const outside = await open(new FakeRepo({ git: null }));
    expect(headerOf(outside)).not.toMatch(/changed|clean|git:/);
    outside.cleanup();
    ui = null;
    const none = await open(undefined);
    expect(headerOf(none)).not.toMatch(/changed|clean|git:|I inputs/);
  });

  it('drops the git part before what the header showed before it (this machine, the flake)', async () => {
    // this machine is hq here: "flake: … · this machine: hq" leaves no room for git at 80
    const repo = new FakeRepo({ git: gitState({ branch: 'main', changed: 3 }) });
    const h = await open(repo, { hostname: 'hq' });
    const header = headerOf(h);
    expect(header).toContain('flake: 5 configurations · this machine: hq');
    expect(header).not.toContain('3 changed');
  });
});

describe('the header at the minimum width', () => {
  it('keeps what it showed before and leaves git out', async () => {
    const h = await open(new FakeRepo({ git: gitState({ branch: 'main', changed: 3 }) }), { size: { columns: 60, rows: 16 } });
    const header = headerOf(h);
    expect(header).toContain('flake: 5 configurations');
    expect(header).not.toContain('changed');
    expect(header.length).toBeLessThanOrEqual(60);
  });
});
