// Keys act only where the user can see, and only when they can do what they say: the "too
// small" screen, overlays, keys that cannot act on the selected host, and long messages.
//
// hq is this machine; mail, t460, vm01 … are not (test/helpers/ui.tsx).

import stringWidth from 'string-width';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type ConsoleHarness, type ConsoleOptions, KEY, renderConsole, statusBarText, ticks } from '../helpers/ui.js';
import { FakeGenerationOps } from './fakeGenerations.js';
import { FakeRuns, T_NOW } from './fakeRuns.js';

let harness: ConsoleHarness | null = null;

async function open(opts: ConsoleOptions = {}): Promise<{ ui: ConsoleHarness; runs: FakeRuns; ops: FakeGenerationOps }> {
  const runs = new FakeRuns();
  const ops = new FakeGenerationOps(runs);
  harness = await renderConsole({ runs, genOps: ops, runRefreshMs: 0, now: () => T_NOW, ...opts });
  return { ui: harness, runs, ops };
}

afterEach(() => {
  harness?.cleanup();
  harness = null;
});

const lines = (frame: string): string[] => frame.split('\n');

function expectFits(frame: string, size: { columns: number; rows: number }): void {
  expect(lines(frame).length, frame).toBeLessThanOrEqual(size.rows - 1);
  for (const line of lines(frame)) expect(stringWidth(line), line).toBeLessThanOrEqual(size.columns);
}

const REASON_MAIL = 'mail is not this machine (hq): switch, boot, test and dry-activate run on this machine only; b builds it here';

// ---- item 2: the "too small" screen ------------------------------------------------------------

describe('the "terminal too small" screen', () => {
  it('ignores every key but q: Space ticks nothing, b starts nothing, j moves nothing', async () => {
    const { ui, runs } = await open({ size: { columns: 50, rows: 12 }, prefs: { lastPane: 'todos' } });
    expect(ui.lastFrame()).toContain('terminal too small: 50x12');
    const before = ui.readFile();
    const state = ui.controller.state;
    await ui.press(KEY.space, 'b', 's', 'y', 'j', KEY.tab, '1', 'b', 'D', '/', 'x', KEY.enter, 'H', 'R', '?', 'L', 'e');
    await ticks(5);
    expect(ui.setTodoDone).not.toHaveBeenCalled();
    expect(ui.readFile().equals(before)).toBe(true);
    expect(runs.startCalls).toEqual([]);
    expect(ui.savePrefs).not.toHaveBeenCalled();
    const after = ui.controller.state;
    expect(after.panes).toBe(state.panes);
    expect(after.focus).toBe('todos');
    expect(after.overlay).toBe('none');
    expect(after.dialog).toBeNull();
    expect(ui.lastFrame()).toContain('terminal too small: 50x12');
    expect(ui.exited()).toBe(false);
    await ui.press('q');
    expect(ui.exited()).toBe(true);
  });

  it('Ctrl-C quits there too, at once: a question could not be seen (runs go on, and it says so)', async () => {
    const { ui, runs } = await open({ size: { columns: 50, rows: 12 } });
    // a run going, started before the window shrank
    ui.controller.runs.requestRun('build');
    await vi.waitFor(() => expect(runs.startCalls).toHaveLength(1));
    await ticks();
    expect(ui.lastFrame()).toContain('1 run going: quitting leaves it running');
    await ui.press('\u0003');
    expect(ui.exited()).toBe(true);
  });
});

// ---- item 2: overlays ------------------------------------------------------------------------

describe('keys behind an overlay', () => {
  it.each([
    ['help', '?'],
    ['runs list', 'L'],
    ['flake error', 'e'],
  ])('the %s overlay: Space, b, s and j do nothing to the panes behind it', async (_name, open_) => {
    const { ui, runs } = await open({ prefs: { lastPane: 'todos' } });
    const before = ui.readFile();
    await ui.press(open_);
    expect(ui.controller.state.overlay).not.toBe('none');
    const panes = ui.controller.state.panes;
    await ui.press(KEY.space, 'b', 's', 'y', 'j', 'D', 'H');
    await ticks(5);
    expect(ui.setTodoDone).not.toHaveBeenCalled();
    expect(ui.readFile().equals(before)).toBe(true);
    expect(runs.startCalls).toEqual([]);
    expect(ui.controller.state.dialog).toBeNull();
    expect(ui.controller.state.panes).toBe(panes);
    expect(ui.controller.state.prefs.hideDoneTodos).toBe(false);
  });
});

// ---- item 1: a key that cannot act says why at once -------------------------------------------------

describe('keys that cannot act on the selected host', () => {
  it('s on another host: the reason in the status bar at once, no question, runs.start never called', async () => {
    const { ui, runs } = await open();
    await ui.press('j');
    expect(ui.controller.lists.selectedHost()?.name).toBe('mail');
    await ui.press('s');
    const frame = ui.lastFrame();
    expect(ui.controller.state.dialog).toBeNull();
    expect(frame).not.toContain('y/N');
    expect(frame).not.toContain('nixos-rebuild switch');
    expect(statusBarText(frame)).toBe(`s: ${REASON_MAIL}`);
    await ui.press('y');
    await ticks(5);
    expect(runs.startCalls).toEqual([]);
  });

  it('the controller refuses it as well, whatever calls it', async () => {
    const { ui, runs } = await open();
    await ui.press('j');
    ui.controller.runs.requestRun('switch');
    await ticks();
    expect(ui.controller.state.dialog).toBeNull();
    expect(ui.controller.state.notice).toEqual({ kind: 'warn', text: REASON_MAIL });
    expect(runs.startCalls).toEqual([]);
  });
});

// ---- item 3: long messages stay readable -------------------------------------------------------

describe('a long status message', () => {
  it.each([
    { columns: 60, rows: 16 },
    { columns: 80, rows: 24 },
  ])('wraps onto more lines at $columns x $rows, whole, the frame still rows-1, ? help kept', async (size) => {
    const { ui } = await open({ size });
    await ui.press('j', 's');
    const frame = ui.lastFrame();
    expect(statusBarText(frame)).toBe(`s: ${REASON_MAIL}`);
    const status = lines(frame).slice(lines(frame).findLastIndex((l) => l.startsWith('╰')) + 1);
    expect(status.length).toBeGreaterThan(1);
    expect(status[0]).toMatch(/ {2}\? help$/);
    expectFits(frame, size);
    // every word is on screen, none cut with …
    for (const line of status) expect(line).not.toContain('…');
    // dismissed: one line of keys again, the body gets its rows back
    await ui.press(KEY.esc);
    await ticks();
    expect(statusBarText(ui.lastFrame())).toContain('? help');
    expect(lines(ui.lastFrame()).length).toBe(size.rows - 1);
  });

  it('keeps ? help in the keys of the todos pane at 60 columns', async () => {
    const { ui } = await open({ size: { columns: 60, rows: 16 }, prefs: { lastPane: 'todos' } });
    const status = lines(ui.lastFrame()).at(-1) ?? '';
    expect(status).toContain('? help');
    expect(status).toContain('q quit');
    expect(stringWidth(status)).toBeLessThanOrEqual(60);
  });
});
