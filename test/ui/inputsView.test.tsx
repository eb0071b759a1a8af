// The Inputs view (I) at 80x24: rows with age words, release status, folding; a broken
// flake.lock; the keys without a repository; the focus report is never a key.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeRepo } from '../state/repoFakes.js';
import { type ConsoleHarness, KEY, renderConsole, statusBarText } from '../helpers/ui.js';

let ui: ConsoleHarness | null = null;
afterEach(() => {
  ui?.cleanup();
  ui = null;
});

async function openInputs(repo: FakeRepo, opts: Parameters<typeof renderConsole>[0] = {}): Promise<ConsoleHarness> {
  ui = await renderConsole({ repo, prefs: { lastPane: 'hosts' }, ...opts });
  const h = ui;
  await h.press('I');
  await vi.waitFor(() => expect(h.controller.state.inputs.list?.status).toBe('ok'));
  await h.press('');
  return h;
}

describe('the Inputs view', () => {
  it('lists the root inputs with type, rev, age in days and in a word, and the release status', async () => {
    const h = await openInputs(new FakeRepo());
    const frame = h.lastFrame();
    expect(frame).toContain('flake inputs');
    expect(frame).toMatch(/nixpkgs .*b1c2d3e.*41 days old.*24\.05 EOL/);
    expect(frame).toMatch(/home-manager .*120 days very old/);
    expect(frame).toMatch(/flake-utils .*3 days fresh/);
    expect(frame).toMatch(/secrets/);
    // nested inputs are folded at first
    expect(frame).not.toContain('systems');
    for (const line of frame.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    // the line under the table: the selected input's type, source, branch, lock date and release
    // before its full revision (the line is cut at its end at 80 columns)
    expect(frame).toMatch(/nixpkgs · github NixOS\/nixpkgs \(nixos-24\.05\) · locked \d{4}-\d\d-\d\d · nixos-24/);
  });

  it('unfolds an input with Enter: its follows and nested inputs under it', async () => {
    const h = await openInputs(new FakeRepo());
    await h.press('j', KEY.enter);
    const frame = h.lastFrame();
    expect(frame).toMatch(/▾ home-manager/);
    expect(frame).toMatch(/nixpkgs .*follows nixpkgs/);
    expect(frame).toMatch(/systems .*400 days very old/);
    await h.press('o');
    expect(h.lastFrame()).not.toContain('systems');
  });

  it('shows a broken flake.lock with its hint; the console stays up and Esc closes', async () => {
    const h = await openInputs(new FakeRepo({ inputs: { ok: false, error: 'flake.lock is not valid JSON: Unexpected token } at line 3', hint: 'run nix flake lock to write it again' } })).catch(() => ui as ConsoleHarness);
    await vi.waitFor(() => expect(h.controller.state.inputs.list?.status).toBe('error'));
    await h.press('');
    expect(h.lastFrame()).toContain('flake.lock is not valid JSON');
    expect(h.lastFrame()).toContain('run nix flake lock');
    await h.press(KEY.esc);
    await h.press('');
    expect(h.controller.state.overlay).toBe('none');
    expect(h.lastFrame()).toContain('flake: 5 configurations');
  });

  it('works in ASCII mode', async () => {
    const h = await openInputs(new FakeRepo(), { prefs: { lastPane: 'hosts', asciiBorders: true } });
    await h.press('j', KEY.enter);
    expect(h.lastFrame()).toMatch(/- home-manager/);
    expect(h.lastFrame()).not.toMatch(/[^\x20-\x7e\n]/);
  });
});

describe('without a repository service', () => {
  it.each([
    ['I', "the flake's repository is not available in this console"],
    ['l', "the flake's repository is not available in this console"],
    ['C', "the flake's repository is not available in this console"],
  ])('%s says why and opens nothing', async (key, reason) => {
    ui = await renderConsole({ prefs: { lastPane: 'hosts' } });
    await ui.press(key);
    expect(statusBarText(ui.lastFrame())).toBe(`${key}: ${reason}`);
    expect(ui.controller.state.overlay).toBe('none');
    expect(ui.controller.state.textView).toBeNull();
  });

  it('l and C say so outside a git repository; I still opens', async () => {
    ui = await renderConsole({ repo: new FakeRepo({ git: null }), prefs: { lastPane: 'hosts' } });
    const h = ui;
    await vi.waitFor(() => expect(h.controller.state.git.value).toBeNull());
    await h.press('l');
    expect(statusBarText(h.lastFrame())).toBe('l: the flake folder is not in a git repository');
    expect(h.controller.state.overlay).toBe('none');
    await h.press('I');
    expect(h.controller.state.overlay).toBe('inputs');
  });
});

describe('the terminal focus report', () => {
  it('reads the git state again and never acts as a key ([ and I)', async () => {
    const repo = new FakeRepo();
    ui = await renderConsole({ repo, prefs: { lastPane: 'hosts' } });
    const h = ui;
    await vi.waitFor(() => expect(repo.calls.gitState).toBe(1));
    const before = h.controller.state;
    await h.press('\u001b[I');
    await h.press('\u001b[O');
    await vi.waitFor(() => expect(repo.calls.gitState).toBe(2));
    expect(h.controller.state.overlay).toBe('none');
    expect(h.controller.state.focus).toBe(before.focus);
    expect(h.controller.state.runs.selected).toBe(before.runs.selected);
    expect(h.controller.state.notice).toBe(before.notice);
  });
});
