// Switching to, comparing and deleting generations in the console: the real Controller and <App>
// over a fake GenerationOps (test/ui/fakeGenerations.ts) and a fake RunsService.
//
// hq (test/helpers/ui.tsx): 44 current and running, 43 booted, 42 41 40 plain, 39 dangling.

import stringWidth from 'string-width';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Generation, GenerationList } from '../../src/core/types.js';
import type { GenerationsRead } from '../../src/core/result.js';
import { KEYMAP, keyLabel } from '../../src/ui/keymap.js';
import { wholeHelp } from './screen.js';
import { type ConsoleHarness, type ConsoleOptions, DEFAULT_GENERATIONS, HQ_GENERATIONS, KEY, renderConsole, statusBarText, T460_GENERATIONS, ticks } from '../helpers/ui.js';
import { numberRanges } from '../../src/core/generationWords.js';
import { FakeGenerationOps, longDiffText } from './fakeGenerations.js';
import { FakeRuns, finished, T_NOW } from './fakeRuns.js';

const GIB = 1024 ** 3;
const SIZE = { columns: 80, rows: 24 };

let harness: ConsoleHarness | null = null;

interface Setup {
  ui: ConsoleHarness;
  ops: FakeGenerationOps;
  runs: FakeRuns;
  generations: Record<string, GenerationsRead>;
}

/** The console with the generations pane focused on hq. */
async function open(opts: ConsoleOptions = {}, configure: (ops: FakeGenerationOps) => void = () => {}): Promise<Setup> {
  const runs = new FakeRuns();
  const ops = new FakeGenerationOps(runs);
  configure(ops);
  // a copy the test may change: what readGenerations answers from now on
  const generations: Record<string, GenerationsRead> = { ...DEFAULT_GENERATIONS };
  harness = await renderConsole({ runs, genOps: ops, generations, runRefreshMs: 0, now: () => T_NOW, ...opts });
  await harness.press('2');
  return { ui: harness, ops, runs, generations };
}

afterEach(() => {
  harness?.cleanup();
  harness = null;
});

// ---- reading the screen -----------------------------------------------------------------------

const lines = (frame: string): string[] => frame.split('\n');
const statusBar = statusBarText;

/** The inside of the box whose top border carries `title` (or the first box when title is ''). */
function box(frame: string, title: string): string[] {
  const all = lines(frame);
  const top = all.findIndex((l) => (title === '' ? l.startsWith('╭') : l.includes(title)));
  const border = all[top];
  if (top < 0 || border === undefined) throw new Error(`no box titled "${title}" in:\n${frame}`);
  const at = Math.max(0, border.indexOf(title));
  const left = border.lastIndexOf('╭', at);
  const right = border.indexOf('╮', at);
  const rows: string[] = [];
  for (const line of all.slice(top + 1)) {
    if (line[left] === '╰') break;
    rows.push(line.slice(left + 1, right).trimEnd());
  }
  return rows;
}

const generationsPane = (frame: string): string[] => box(frame, '2 Generations');

/** The row of generation n in the generations pane. */
function row(frame: string, n: number): string {
  return generationsPane(frame).find((r) => r.slice(2).trimStart().startsWith(`${n} `)) ?? '';
}

/** The number of the selected generation. */
function selectedGeneration(frame: string): number {
  const r = generationsPane(frame).find((l) => l.startsWith('>'));
  return Number(r?.slice(2).trim().split(/\s+/)[0]);
}

/** The diff or prune view: the first box when it fills the top of the screen. */
const view = (frame: string): string => box(frame, '').join('\n');

/** Every line the view shows from its top to its bottom (scrolled through with j), then back to the top. */
async function wholeView(ui: ConsoleHarness): Promise<string> {
  await ui.press('g');
  const seen: string[] = [];
  for (let i = 0; i < 40; i++) {
    const rows = box(ui.lastFrame(), '');
    for (const r of rows) if (!seen.includes(r)) seen.push(r);
    const before = ui.lastFrame();
    await ui.press('j');
    if (ui.lastFrame() === before) break;
  }
  await ui.press('g');
  return seen.join('\n');
}

/** The question below the view: the second box. */
function question(frame: string): string {
  const all = lines(frame);
  const tops = all.map((l, i) => (l.startsWith('╭') ? i : -1)).filter((i) => i >= 0);
  const second = tops[1];
  if (second === undefined) return '';
  return box(all.slice(second).join('\n'), '').join('\n');
}

function expectFits(frames: string[]): void {
  for (const frame of frames) {
    expect(lines(frame).length, frame).toBeLessThanOrEqual(SIZE.rows - 1);
    for (const line of lines(frame)) expect(stringWidth(line), line).toBeLessThanOrEqual(SIZE.columns);
  }
}

const storeOf = (list: GenerationList, n: number): string => list.generations.find((g) => g.generation === n)?.storePath ?? '';

/** Select generation n of the listed host (the pane lists newest first). */
async function select(ui: ConsoleHarness, n: number): Promise<void> {
  await ui.press('g');
  for (let i = 0; i < 10 && selectedGeneration(ui.lastFrame()) !== n; i++) await ui.press('j');
  expect(selectedGeneration(ui.lastFrame())).toBe(n);
}

/** Enter on generation n, then wait for the diff to be read. */
async function openSwitch(s: Setup, n: number): Promise<void> {
  await select(s.ui, n);
  await s.ui.press(KEY.enter);
  await vi.waitFor(() => expect(view(s.ui.lastFrame())).toContain('packages:'));
}

/** hq's list with the markers where a switch (or boot, or test) to `n` puts them. */
function afterActivation(n: number, action: 'switch' | 'boot' | 'test'): GenerationList {
  const target = HQ_GENERATIONS.generations.find((g) => g.generation === n);
  const generations: Generation[] = HQ_GENERATIONS.generations.map((g) => ({
    ...g,
    current: action === 'test' ? g.current : g.generation === n,
    running: action === 'boot' ? g.running : g.generation === n,
  }));
  return { ...HQ_GENERATIONS, generations, runningKernel: action === 'boot' ? HQ_GENERATIONS.runningKernel : (target?.kernelVersion ?? null) };
}

// ---- the diff view ------------------------------------------------------------------------------

describe('Enter: the diff of the running system and the chosen generation', () => {
  it('shows the packages upgraded, downgraded, added and removed with versions, the kernel and the closure sizes', async () => {
    const s = await open({}, (ops) => {
      ops.sizes[storeOf(HQ_GENERATIONS, 44)] = 9.5 * GIB;
      ops.sizes[storeOf(HQ_GENERATIONS, 42)] = 9 * GIB;
    });
    await openSwitch(s, 42);
    const frame = s.ui.lastFrame();
    const text = view(frame);
    expect(s.ops.diffCalls).toEqual([{ host: 'hq', from: storeOf(HQ_GENERATIONS, 44), to: storeOf(HQ_GENERATIONS, 42) }]);
    expect(text).toContain('hq: switch from the running system (44) to generation 42 — what changes');
    expect(text).toMatch(/from 44 {2}2025-06-03 06:00 {2}NixOS 25\.11\.20250901\.1234567 {2}kernel 6\.12\.31/);
    expect(text).toMatch(/to {3}42 {2}2025-06-03 04:00 {2}NixOS 25\.05\.20250601\.abcdef0 {2}kernel 6\.12\.30/);
    expect(text).toContain('packages: 30 upgraded · 2 downgraded · 1 added · 1 removed · 1 size only');
    expect(text).toContain('kernel 6.12.31 → 6.12.30 (downgraded)');
    expect(text).toContain('closure 9.5 GiB → 9.0 GiB (-512.0 MiB)');
    expect(text).toContain('Upgraded (30)');
    expect(text).toMatch(/pkg01 +1\.1 → 1\.2 {2}\+10\.0 KiB/);
    expect(statusBar(frame)).toBe('j/k scroll · Enter go on (asks) · Esc back');
    // the generations pane is not drawn behind it
    expect(frame).not.toContain('2 Generations');
    expectFits([frame]);
  });

  it('scrolls with j/k, PgDn, G and g, and shows where it is', async () => {
    const s = await open();
    await openSwitch(s, 42);
    const body = (): string[] => view(s.ui.lastFrame()).split('\n');
    expect(body().join('\n')).toMatch(/lines 1-\d+ of 40 · j\/k scroll/);
    expect(body().join('\n')).not.toContain('Downgraded (2)');
    await s.ui.press('j', 'j');
    expect(body().join('\n')).toMatch(/lines 3-\d+ of 40/);
    expect(body().join('\n')).not.toContain('Upgraded (30)');
    await s.ui.press('G');
    let text = body().join('\n');
    expect(text).toMatch(/lines \d+-40 of 40/);
    expect(text).toContain('Size only (1)');
    expect(text).toMatch(/etc +\+24\.0 KiB/);
    expect(text).toMatch(/Removed \(1\)[\s\S]*htop +3\.3\.0 {2}-210\.5 KiB/);
    // j at the bottom stays at the bottom
    await s.ui.press('j');
    expect(body().join('\n')).toMatch(/lines \d+-40 of 40/);
    await s.ui.press('g');
    expect(body().join('\n')).toContain('Upgraded (30)');
    await s.ui.press('\u001B[6~');
    text = body().join('\n');
    expect(text).not.toContain('Upgraded (30)');
    expect(text).toMatch(/lines 13-/);
  });

  it('Esc goes back to the list and nothing happens', async () => {
    const s = await open();
    await openSwitch(s, 42);
    await s.ui.press(KEY.esc);
    await ticks();
    const frame = s.ui.lastFrame();
    expect(frame).toContain('[2 Generations]');
    expect(s.ops.activateCalls).toEqual([]);
    expect(selectedGeneration(frame)).toBe(42);
  });

  it('says when the diff cannot be read, and still lets the question be asked', async () => {
    const s = await open({}, (ops) => {
      ops.diffError = 'nix store diff-closures failed (exit 1): error: path is not valid';
    });
    await select(s.ui, 41);
    await s.ui.press(KEY.enter);
    await vi.waitFor(() => expect(view(s.ui.lastFrame())).toContain('no diff: nix store diff-closures failed'));
    await s.ui.press(KEY.enter);
    expect(question(s.ui.lastFrame())).toContain('Roll back hq to generation 41 (from 44)?');
  });

  it('refuses the current and running generation, a dangling one, and another host', async () => {
    const s = await open();
    await s.ui.press(KEY.enter);
    expect(statusBar(s.ui.lastFrame())).toBe('generation 44 is already current and running: nothing to switch');
    await s.ui.press('G', KEY.enter);
    expect(statusBar(s.ui.lastFrame())).toMatch(/^warning: generation 39's system is no longer in the store/);
    await s.ui.press('1', 'G', 'k', 'k', 'k', 'k', '2', KEY.enter);
    expect(statusBar(s.ui.lastFrame())).toBe("Enter: t460 is not this machine (hq): only this machine's generations can be switched or deleted for now");
    expect(s.ops.diffCalls).toEqual([]);
  });

  it('on another host the keys that switch or delete say why at once, even when its service would allow it', async () => {
    const s = await open({}, (ops) => {
      ops.refusalFor = () => null;
    });
    await s.ui.press('1', 'G', 'k', 'k', 'k', 'k', '2');
    expect(s.ui.controller.lists.selectedHost()?.name).toBe('t460');
    await select(s.ui, 61);
    const because = "t460 is not this machine (hq): only this machine's generations can be switched or deleted for now";
    for (const [key, name] of [
      [KEY.enter, 'Enter'],
      ['r', 'r'],
      [KEY.space, 'Space'],
      ['X', 'X'],
      ['K', 'K'],
    ] as const) {
      await s.ui.press(key);
      expect(statusBar(s.ui.lastFrame())).toBe(`${name}: ${because}`);
      expect(s.ui.controller.state.dialog).toBeNull();
      expect(s.ui.controller.state.genView).toBeNull();
    }
    expect(s.ops.diffCalls).toEqual([]);
    expect(s.ops.activateCalls).toEqual([]);
    expect(s.ops.deleteCalls).toEqual([]);
    // comparing only reads: m and d still work there
    await s.ui.press('m', 'k', 'd');
    await vi.waitFor(() => expect(view(s.ui.lastFrame())).toContain('t460: generation 61 → the running system (62)'));
  });

  it('with no list of the host (another machine, still reading) every generation key says why, none does nothing', async () => {
    const s = await open();
    // vm01: no list, the pane says why
    await s.ui.press('1', 'G', 'k', 'k', 'k', '2');
    expect(s.ui.controller.lists.selectedHost()?.name).toBe('vm01');
    const because = 'vm01 is not reachable: ssh: connect to host vm01 port 22: Connection refused';
    for (const [key, name] of [
      [KEY.enter, 'Enter'],
      ['r', 'r'],
      ['m', 'm'],
      ['d', 'd'],
      [KEY.space, 'Space'],
      ['X', 'X'],
      ['K', 'K'],
      ['P', 'P'],
    ] as const) {
      await s.ui.press(KEY.esc, key);
      expect(statusBar(s.ui.lastFrame()), name).toBe(`${name}: ${because}`);
      expect(s.ui.controller.state.dialog).toBeNull();
    }
    expect(s.ui.savePrefs).not.toHaveBeenCalledWith(expect.objectContaining({ pins: expect.anything() }));
    // while the list is being read
    s.ui.readGenerations.mockImplementation(() => new Promise(() => {}));
    await s.ui.press('1', 'g', 'j', '2', 'P');
    expect(s.ui.controller.lists.selectedHost()?.name).toBe('dns');
    expect(statusBar(s.ui.lastFrame())).toBe('P: the generations of dns are still being read');
  });

  it('without a generations service the keys say so', async () => {
    harness = await renderConsole({ runRefreshMs: 0 });
    await harness.press('2', 'j', KEY.enter);
    expect(statusBar(harness.lastFrame())).toBe('Enter: changing generations is not available in this console');
    await harness.press(KEY.space);
    expect(statusBar(harness.lastFrame())).toBe('Space: changing generations is not available in this console');
  });
});

// ---- the confirmation -----------------------------------------------------------------------------

describe('the confirmation after the diff', () => {
  it('names the host, the generation, its date, NixOS version and kernel, and the three choices', async () => {
    const s = await open();
    await openSwitch(s, 42);
    await s.ui.press(KEY.enter);
    const frame = s.ui.lastFrame();
    const q = question(frame);
    expect(q).toContain('Roll back hq to generation 42 (from 44)? s/b/t or N');
    expect(q).toContain('2025-06-03 04:00 UTC · NixOS 25.05.20250601.abcdef0 · kernel 6.12.30');
    expect(q).toContain('s  switch now: activate it and make it the boot default');
    expect(q).toContain('b  boot it next time: make it the boot default, activate nothing now');
    expect(q).toContain('t  test: activate it now without making it the default (until reboot)');
    expect(q).toContain('n  no, change nothing (also Esc or Enter)');
    // the diff stays above it, and still scrolls
    expect(view(frame)).toContain('kernel 6.12.31 → 6.12.30 (downgraded)');
    expect(statusBar(frame)).toBe('s switch · b boot · t test · n/Esc/Enter no · j/k scroll diff');
    const before = view(frame);
    await s.ui.press('j');
    expect(view(s.ui.lastFrame())).not.toBe(before);
    expect(question(s.ui.lastFrame())).toContain('s/b/t or N');
    expectFits(s.ui.allFrames());
  });

  it.each([
    ['Enter', KEY.enter],
    ['Esc', KEY.esc],
    ['n', 'n'],
    ['y (not one of the choices)', 'y'],
  ])('%s changes nothing', async (_name, key) => {
    const s = await open();
    await openSwitch(s, 42);
    await s.ui.press(KEY.enter);
    await s.ui.press(key);
    await ticks(5);
    expect(s.ops.activateCalls).toEqual([]);
    expect(s.runs.adoptCalls).toEqual([]);
    if (key === 'y') {
      // still asking
      expect(question(s.ui.lastFrame())).toContain('s/b/t or N');
    } else {
      expect(s.ui.lastFrame()).toContain('[2 Generations]');
      expect(statusBar(s.ui.lastFrame())).toBe('nothing was changed on hq');
    }
  });

  it.each([
    ['s', 'switch'],
    ['b', 'boot'],
    ['t', 'test'],
  ] as const)('%s starts a %s of that generation as a run in a pane', async (key, action) => {
    const s = await open();
    await openSwitch(s, 42);
    await s.ui.press(KEY.enter, key);
    await vi.waitFor(() => expect(s.ops.activateCalls).toEqual([{ host: 'hq', generation: 42, action }]));
    await vi.waitFor(() => expect(s.ui.controller.state.runs.open.map((p) => p.id)).toEqual(['activate1']));
    expect(s.runs.adoptCalls).toEqual(['activate1']);
    await ticks();
    const frame = s.ui.lastFrame();
    expect(frame).toContain(`⟳ hq · ${action} generation 42 · running`);
    expect(frame).toContain(' 4 Runs ');
    expect(statusBar(frame)).toBe(`${action} to generation 42 started on hq`);
    // the generations pane is back, the same generation selected
    expect(selectedGeneration(frame)).toBe(42);
  });

  it('a choice that changes nothing is shown as such and does nothing', async () => {
    const s = await open();
    // 43 is booted but not current: boot, switch and test all change something; 44's twin does not
    await openSwitch(s, 43);
    await s.ui.press(KEY.enter);
    expect(question(s.ui.lastFrame())).toContain('s  switch now');
    await s.ui.press(KEY.esc);
    // a generation that is current but not running (after a boot): boot changes nothing
    s.generations.hq = { ok: true, list: afterActivation(42, 'boot') };
    await s.ui.press('R');
    await vi.waitFor(() => expect(row(s.ui.lastFrame(), 42)).toMatch(/\bcur\s*$/));
    await openSwitch(s, 42);
    await s.ui.press(KEY.enter);
    expect(question(s.ui.lastFrame())).toContain('b  boot: already the boot default, nothing to do');
    await s.ui.press('b');
    expect(statusBar(s.ui.lastFrame())).toBe('boot changes nothing: generation 42 is already the boot default');
    expect(s.ops.activateCalls).toEqual([]);
    await s.ui.press('t');
    await vi.waitFor(() => expect(s.ops.activateCalls).toEqual([{ host: 'hq', generation: 42, action: 'test' }]));
  });

  it('asks for the sudo password when needed, hands it over once, and never shows it', async () => {
    const s = await open({}, (ops) => {
      ops.passwordFor = () => true;
    });
    await openSwitch(s, 41);
    await s.ui.press(KEY.enter, 's');
    await vi.waitFor(() => expect(s.ui.lastFrame()).toContain('sudo needs your password to switch hq to generation 41'));
    await s.ui.press('hunter2');
    expect(s.ui.lastFrame()).toContain('password: *******');
    expect(s.ui.lastFrame()).not.toContain('hunter2');
    await s.ui.press(KEY.enter);
    await vi.waitFor(() => expect(s.ops.activateCalls).toEqual([{ host: 'hq', generation: 41, action: 'switch', password: 'hunter2' }]));
  });

  it('Esc in the password field changes nothing', async () => {
    const s = await open({}, (ops) => {
      ops.passwordFor = () => true;
    });
    await openSwitch(s, 41);
    await s.ui.press(KEY.enter, 't');
    await vi.waitFor(() => expect(s.ui.lastFrame()).toContain('password:'));
    await s.ui.press('pw', KEY.esc);
    await ticks();
    expect(s.ops.activateCalls).toEqual([]);
    expect(statusBar(s.ui.lastFrame())).toBe('test to generation 41 on hq: nothing was changed');
  });

  it('after the run the list is read again and the current and running markers have moved', async () => {
    const s = await open();
    expect(row(s.ui.lastFrame(), 44)).toMatch(/\bcur run\s*$/);
    await openSwitch(s, 42);
    await s.ui.press(KEY.enter, 's');
    await vi.waitFor(() => expect(s.ui.controller.state.runs.open).toHaveLength(1));
    const reads = s.ui.readGenerations.mock.calls.length;
    // the step runner switches the profile and /run/current-system, then ends
    s.generations.hq = { ok: true, list: afterActivation(42, 'switch') };
    s.runs.push('activate1', (v) => finished(v, 0, 4_000));
    await vi.waitFor(() => expect(s.ui.readGenerations.mock.calls.length).toBe(reads + 1));
    await vi.waitFor(() => expect(row(s.ui.lastFrame(), 42)).toMatch(/\bcur run\s*$/));
    const frame = s.ui.lastFrame();
    expect(row(frame, 44)).not.toMatch(/\b(cur|run)\b/);
    expect(row(frame, 43)).toMatch(/\bboot\s*$/);
    expect(frame).toContain('✓ hq · switch generation 42 · succeeded');
    expect(selectedGeneration(frame)).toBe(42);
  });

  it('a rebuild that switches (s, y) also has the list read again when it ends', async () => {
    const s = await open();
    await s.ui.press('s', 'y');
    await vi.waitFor(() => expect(s.runs.startCalls).toEqual([{ host: 'hq', action: 'switch' }]));
    await vi.waitFor(() => expect(s.ui.controller.state.runs.open).toHaveLength(1));
    const reads = s.ui.readGenerations.mock.calls.length;
    s.runs.push('run1', (v) => finished(v, 0));
    await vi.waitFor(() => expect(s.ui.readGenerations.mock.calls.length).toBe(reads + 1));
  });

  it('says why when the run cannot be started', async () => {
    const s = await open({}, (ops) => {
      ops.activateError = 'no supervisor';
    });
    await openSwitch(s, 42);
    await s.ui.press(KEY.enter, 's');
    await vi.waitFor(() => expect(statusBar(s.ui.lastFrame())).toBe('error: switch to generation 42 on hq not started: no supervisor'));
    expect(s.ui.controller.state.runs.open).toEqual([]);
  });
});

// ---- rollback ----------------------------------------------------------------------------------

describe('r: roll back', () => {
  it('goes to the previous generation (the highest below the current one) with the same diff and question', async () => {
    const s = await open();
    await s.ui.press('r');
    await vi.waitFor(() => expect(view(s.ui.lastFrame())).toContain('hq: switch from the running system (44) to generation 43'));
    expect(s.ops.diffCalls.at(-1)).toEqual({ host: 'hq', from: storeOf(HQ_GENERATIONS, 44), to: storeOf(HQ_GENERATIONS, 43) });
    await s.ui.press(KEY.enter);
    expect(question(s.ui.lastFrame())).toContain('Roll back hq to generation 43 (from 44)?');
    await s.ui.press('n');
    // the cursor was put on it
    expect(selectedGeneration(s.ui.lastFrame())).toBe(43);
  });

  it('works from the hosts pane too, for the selected host', async () => {
    const s = await open();
    await s.ui.press('1', 'G', 'k', 'k', 'k', 'k');
    // t460 is not this machine here
    await s.ui.press('r');
    expect(statusBar(s.ui.lastFrame())).toBe("r: t460 is not this machine (hq): only this machine's generations can be switched or deleted for now");
    expect(s.ops.diffCalls).toEqual([]);
    await s.ui.press('g');
    expect(s.ui.controller.lists.selectedHost()?.name).toBe('backup');
    await s.ui.press('j', 'j', 'r');
    expect(s.ui.controller.lists.selectedHost()?.name).toBe('hq');
    await vi.waitFor(() => expect(view(s.ui.lastFrame())).toContain('hq: switch from the running system (44) to generation 43'));
    expect(s.ops.diffCalls.at(-1)?.to).toBe(storeOf(HQ_GENERATIONS, 43));
  });

  it('says so when there is no older generation', async () => {
    const only = HQ_GENERATIONS.generations.filter((g) => g.generation === 44);
    const s = await open({ generations: { hq: { ok: true, list: { ...HQ_GENERATIONS, generations: only } } } });
    await s.ui.press('r');
    expect(statusBar(s.ui.lastFrame())).toBe('warning: no generation older than the current one (44) exists');
  });
});

// ---- compare -----------------------------------------------------------------------------------

describe('m and d: compare two generations', () => {
  it('m marks one with =, d shows the diff from it to the selected one; no question follows', async () => {
    const s = await open();
    await select(s.ui, 43);
    await s.ui.press('m');
    let frame = s.ui.lastFrame();
    expect(statusBar(frame)).toBe('generation 43 marked (=) for comparison: select another and press d');
    expect(row(frame, 43)).toMatch(/^>= +43 /);
    await s.ui.press('j', 'j');
    expect(generationsPane(s.ui.lastFrame()).slice(-2).join(' ')).toContain('#41');
    await s.ui.press('d');
    await vi.waitFor(() => expect(view(s.ui.lastFrame())).toContain('packages:'));
    frame = s.ui.lastFrame();
    expect(view(frame)).toContain('hq: generation 43 → generation 41');
    expect(s.ops.diffCalls).toEqual([{ host: 'hq', from: storeOf(HQ_GENERATIONS, 43), to: storeOf(HQ_GENERATIONS, 41) }]);
    expect(statusBar(frame)).toBe('j/k scroll · Esc close');
    // Enter only closes it
    await s.ui.press(KEY.enter);
    expect(s.ui.lastFrame()).toContain('[2 Generations]');
    expect(s.ops.activateCalls).toEqual([]);
    expect(s.ui.lastFrame()).not.toContain('s/b/t or N');
  });

  it('without a mark d compares the running system with the selected one; m again clears the mark', async () => {
    const s = await open();
    await select(s.ui, 40);
    await s.ui.press('d');
    await vi.waitFor(() => expect(view(s.ui.lastFrame())).toContain('hq: the running system (44) → generation 40'));
    await s.ui.press(KEY.esc, 'm');
    expect(row(s.ui.lastFrame(), 40)).toMatch(/^>=/);
    await s.ui.press('m');
    expect(row(s.ui.lastFrame(), 40)).toMatch(/^> +40 /);
    expect(statusBar(s.ui.lastFrame())).toBe('generation 40 is no longer marked for comparison');
    await s.ui.press('d');
    await vi.waitFor(() => expect(view(s.ui.lastFrame())).toContain('hq: the running system (44) → generation 40'));
    expect(s.ops.diffCalls.map((c) => c.from)).toEqual([storeOf(HQ_GENERATIONS, 44), storeOf(HQ_GENERATIONS, 44)]);
  });

  it('d on the marked one itself asks for another', async () => {
    const s = await open();
    await select(s.ui, 42);
    await s.ui.press('m', 'd');
    expect(statusBar(s.ui.lastFrame())).toBe('generation 42 is the marked one: select another to compare with');
    expect(s.ops.diffCalls).toEqual([]);
  });
});

// ---- marking and deleting --------------------------------------------------------------------------

describe('Space, X: mark generations and delete them', () => {
  it('Space marks with *, and refuses current, running, booted and pinned generations, saying why', async () => {
    const s = await open();
    await s.ui.press(KEY.space);
    expect(statusBar(s.ui.lastFrame())).toBe('warning: generation 44 is current and running: it is never deleted');
    await s.ui.press('j', KEY.space);
    expect(statusBar(s.ui.lastFrame())).toBe('warning: generation 43 is booted: it is never deleted');
    await s.ui.press('j', 'P');
    expect(statusBar(s.ui.lastFrame())).toBe('generation 42 of hq pinned: prune never deletes it');
    await s.ui.press(KEY.space);
    expect(statusBar(s.ui.lastFrame())).toBe('warning: generation 42 is pinned: it is never deleted (P unpins it)');
    await s.ui.press('j', KEY.space);
    let frame = s.ui.lastFrame();
    expect(statusBar(frame)).toBe('generation 41 marked (*) for deletion: 1 marked · X deletes them (asks first)');
    expect(row(frame, 41)).toMatch(/^>\* +41 /);
    expect(frame).toContain('[2 Generations] hq · 6 · 1 marked');
    expect(generationsPane(frame).slice(-2).join(' ')).toContain('marked for deletion');
    for (const n of [44, 43, 42]) expect(row(frame, n)).not.toMatch(/^.\*/);
    await s.ui.press(KEY.space);
    frame = s.ui.lastFrame();
    expect(statusBar(frame)).toBe('generation 41 unmarked (0 marked for deletion)');
    expect(row(frame, 41)).toMatch(/^> +41 /);
  });

  it('X previews what goes and what stays with reasons and the space freed, and deletes only after y', async () => {
    const s = await open();
    await select(s.ui, 41);
    await s.ui.press(KEY.space, 'j', KEY.space, 'X');
    await vi.waitFor(() => expect(view(s.ui.lastFrame())).toContain('up to 1.5 GiB'));
    let frame = s.ui.lastFrame();
    const text = await wholeView(s.ui);
    expect(text).toContain('hq: prune — delete 2, keep 4');
    expect(text).toContain('space freed by the next garbage collection: up to 1.5 GiB (412 store paths');
    expect(text).toMatch(/Delete \(2\)\n[│ ]*\* +40 {2}2025-06-03 02:00 {2}25\.05\.20250601 +closure 8\.0 GiB\n[│ ]*\* +41 /);
    expect(text).toContain('Keep (4)');
    expect(text).toMatch(/44 {2}2025-06-03 06:00 {2}25\.11\.20250901 +current, running/);
    expect(text).toMatch(/43 .* booted/);
    expect(text).toMatch(/42 .* not marked/);
    expect(text).toMatch(/39 .* not marked/);
    expect(s.ops.freedCalls).toEqual([
      { host: 'hq', deleted: [storeOf(HQ_GENERATIONS, 40), storeOf(HQ_GENERATIONS, 41)], kept: [44, 43, 42].map((n) => storeOf(HQ_GENERATIONS, n)) },
    ]);
    const q = question(frame);
    expect(q).toContain('Delete 2 generations of hq (40, 41)? y/N');
    expect(q).toContain('up to 1.5 GiB freed by the next garbage collection (not run now)');
    expect(q).toContain('nix-env -p /nix/var/nix/profiles/system --delete-generations 40 41');
    expect(statusBar(frame)).toBe('y delete · n/Esc/Enter no · j/k scroll list');

    // Enter is No
    await s.ui.press(KEY.enter);
    await ticks();
    expect(s.ops.deleteCalls).toEqual([]);
    expect(statusBar(s.ui.lastFrame())).toBe('nothing was deleted on hq');
    // the marks are still there
    expect(row(s.ui.lastFrame(), 41)).toMatch(/^ \*/);

    // y deletes, then the list is read again and the marks are gone
    s.ops.onDelete = (_host, gone) => {
      s.generations.hq = { ok: true, list: { ...HQ_GENERATIONS, generations: HQ_GENERATIONS.generations.filter((g) => !gone.includes(g.generation)) } };
    };
    await s.ui.press('X');
    await vi.waitFor(() => expect(question(s.ui.lastFrame())).toContain('y/N'));
    await s.ui.press('y');
    await vi.waitFor(() => expect(statusBar(s.ui.lastFrame())).toBe('deleted generations 40, 41 of hq · garbage collection was not run (nixdeck gc)'));
    expect(s.ops.deleteCalls).toEqual([{ host: 'hq', generations: [40, 41] }]);
    frame = s.ui.lastFrame();
    expect(row(frame, 40)).toBe('');
    expect(row(frame, 41)).toBe('');
    expect(frame).toContain('[2 Generations] hq · 4 ');
    expect(frame).not.toContain('marked');
    expectFits(s.ui.allFrames());
  });

  it('X with nothing marked says how to mark', async () => {
    const s = await open();
    await s.ui.press('X');
    expect(statusBar(s.ui.lastFrame())).toBe('no generation marked for deletion: Space marks one, K deletes by a keep policy');
  });

  it('a failed delete says why and reads the list again', async () => {
    const s = await open({}, (ops) => {
      ops.deleteError = 'sudo: a password is required';
    });
    await select(s.ui, 40);
    await s.ui.press(KEY.space, 'X');
    await vi.waitFor(() => expect(question(s.ui.lastFrame())).toContain('y/N'));
    const reads = s.ui.readGenerations.mock.calls.length;
    await s.ui.press('y');
    await vi.waitFor(() => expect(statusBar(s.ui.lastFrame())).toBe('error: deleting 40 of hq failed: sudo: a password is required'));
    expect(s.ui.readGenerations.mock.calls.length).toBe(reads + 1);
  });
});

describe('K: prune by a keep policy', () => {
  it('keep the newest 2: the preview deletes the rest but never the booted one; y deletes exactly those', async () => {
    const s = await open();
    await s.ui.press('K');
    let q = question(s.ui.lastFrame()) || s.ui.lastFrame();
    expect(q).toContain('Prune hq: which generations to keep?');
    expect(statusBar(s.ui.lastFrame())).toBe('Tab field · Enter preview · Esc cancel');
    await s.ui.press('x2');
    expect(s.ui.lastFrame()).toContain('> keep the newest N generations: 2▏');
    await s.ui.press(KEY.enter);
    await vi.waitFor(() => expect(view(s.ui.lastFrame())).toContain('up to 1.5 GiB'));
    const text = await wholeView(s.ui);
    expect(text).toContain('hq: prune — delete 4, keep 2');
    expect(text).toContain('keep the newest 2; never current, running or booted');
    expect(text).toMatch(/44 .* current, running, newest 2/);
    expect(text).toMatch(/43 .* booted, newest 2 generations/);
    q = question(s.ui.lastFrame());
    expect(q).toContain('Delete 4 generations of hq (39-42)? y/N');
    await s.ui.press('y');
    await vi.waitFor(() => expect(s.ops.deleteCalls).toEqual([{ host: 'hq', generations: [39, 40, 41, 42] }]));
  });

  it('newer than D days, with a pinned generation; Esc in the prompt does nothing', async () => {
    const s = await open({ prefs: { pins: 'hq:40' }, now: () => Date.parse('2025-06-03T06:30:00Z') });
    await s.ui.press('K', KEY.esc);
    expect(statusBar(s.ui.lastFrame())).toBe('no keep policy applied');
    await s.ui.press('K', KEY.tab, '0.1', KEY.enter);
    await vi.waitFor(() => expect(view(s.ui.lastFrame())).toContain('hq: prune'));
    const text = await wholeView(s.ui);
    // 2.4 hours before 06:30: 44 (06:00) and 43 (05:00) are newer, 42 (04:00) is not; 40 is pinned
    expect(text).toContain('keep those newer than 0.1 days, pinned 40; never current, running or booted');
    expect(text).toMatch(/40 .* pinned/);
    expect(text).toMatch(/43 .* booted, newer than 0\.1 days/);
    expect(question(s.ui.lastFrame())).toContain('(39, 41, 42)? y/N');
    await s.ui.press(KEY.esc);
    expect(s.ops.deleteCalls).toEqual([]);
  });

  it('keys typed faster than they are read ("2" and Enter in one chunk) still mean Enter', async () => {
    const s = await open();
    await s.ui.press('K', '2\r');
    await vi.waitFor(() => expect(view(s.ui.lastFrame())).toContain('hq: prune — delete 4, keep 2'));
  });

  it('Enter with no rule asks for one', async () => {
    const s = await open();
    await s.ui.press('K', KEY.enter);
    expect(s.ui.lastFrame()).toContain('give the newest N to keep, or D days, or both');
    expect(s.ui.controller.state.genView).toBeNull();
  });

  it('a policy that keeps everything says there is nothing to delete', async () => {
    const s = await open();
    await s.ui.press('K', '10', KEY.enter);
    await ticks();
    const frame = s.ui.lastFrame();
    expect(view(frame)).toContain('Nothing to delete.');
    expect(statusBar(frame)).toBe('nothing to delete: every generation of hq stays · Esc closes');
    await s.ui.press('y');
    expect(s.ops.deleteCalls).toEqual([]);
    await s.ui.press(KEY.esc);
    expect(s.ui.lastFrame()).toContain('[2 Generations]');
  });
});

// ---- pins ----------------------------------------------------------------------------------------

describe('P: pins', () => {
  it('pins and unpins the selected generation, shows "pin", and saves the pins through savePrefs', async () => {
    const s = await open({ prefs: { pins: 't460:61' } });
    await select(s.ui, 41);
    await s.ui.press('P');
    let frame = s.ui.lastFrame();
    expect(row(frame, 41)).toMatch(/\bpin\s*$/);
    expect(generationsPane(frame).slice(-2).join(' ')).toContain('pinned');
    expect(s.ui.savePrefs).toHaveBeenLastCalledWith({ pins: 'hq:41;t460:61' });
    await s.ui.press('k', 'P');
    expect(s.ui.savePrefs).toHaveBeenLastCalledWith({ pins: 'hq:41,42;t460:61' });
    expect(row(s.ui.lastFrame(), 42)).toMatch(/\bpin\s*$/);
    await s.ui.press('j', 'P');
    frame = s.ui.lastFrame();
    expect(s.ui.savePrefs).toHaveBeenLastCalledWith({ pins: 'hq:42;t460:61' });
    expect(row(frame, 41)).not.toMatch(/\bpin\b/);
    expect(statusBar(frame)).toBe('generation 41 of hq unpinned');
  });

  it('stored pins are shown at start, protect from Space, and are kept by a prune', async () => {
    const s = await open({ prefs: { pins: 'hq:41' } });
    expect(row(s.ui.lastFrame(), 41)).toMatch(/\bpin\s*$/);
    expect(row(s.ui.lastFrame(), 44)).toMatch(/\bcur run\s*$/);
    await select(s.ui, 41);
    await s.ui.press(KEY.space);
    expect(statusBar(s.ui.lastFrame())).toMatch(/^warning: generation 41 is pinned/);
    await s.ui.press('K', '1', KEY.enter);
    await vi.waitFor(() => expect(question(s.ui.lastFrame())).toContain('(39, 40, 42)? y/N'));
  });

  it('pinning a generation marked for deletion unmarks it', async () => {
    const s = await open();
    await select(s.ui, 40);
    await s.ui.press(KEY.space, 'P');
    expect(row(s.ui.lastFrame(), 40)).toMatch(/^> +40 .*\bpin\s*$/);
    expect(s.ui.controller.state.marks.hq?.remove).toEqual([]);
  });
});

describe('numberRanges', () => {
  it('writes runs of three or more as a range', () => {
    expect(numberRanges([42])).toBe('42');
    expect(numberRanges([41, 40])).toBe('40, 41');
    expect(numberRanges([61, 62, 63, 64, 65, 66, 67, 68, 69, 71, 72, 73, 74, 75, 80])).toBe('61-69, 71-75, 80');
    expect(numberRanges([])).toBe('');
  });
});

// ---- help and sizes -------------------------------------------------------------------------------

describe('around the generations pane', () => {
  it('the help lists the generation keys and the markers in full', async () => {
    const s = await open();
    await s.ui.press('?');
    // two columns at 80x24 that scroll: every page of it
    const text = (await wholeHelp(s.ui)).join('\n');
    for (const b of KEYMAP) expect(text, `binding ${b.command}`).toContain(`${keyLabel(b).padEnd(10)}${b.description}`);
    expect(text).toContain('Generations (2)');
    for (const marker of ['pin   pinned: kept', '*     marked: delete', '=     marked: diff']) expect(text).toContain(marker);
    expectFits([s.ui.lastFrame()]);
  });

  it('the status bar of the generations pane names Enter and Space', async () => {
    const s = await open();
    expect(statusBar(s.ui.lastFrame())).toBe('j/k move · Tab pane · / filter · Enter switch · Space mark · ? help · q quit');
  });

  it('frames never exceed rows-1 lines or 80 columns through every view and question', async () => {
    const s = await open({}, (ops) => {
      ops.diffText = () => longDiffText(60);
      ops.passwordFor = (_h, op) => op === 'delete';
    });
    await openSwitch(s, 42);
    for (const keys of ['j', 'G', KEY.enter, 'k', 'b', '2', 'r']) await s.ui.press(keys);
    await vi.waitFor(() => expect(view(s.ui.lastFrame())).toContain('packages:'));
    for (const keys of [KEY.esc, 'j', 'j', 'm', 'j', 'd', 'G', KEY.esc, 'P', KEY.space, 'j', KEY.space, 'X', 'j', 'n', 'K', '1', KEY.enter, 'y']) {
      await s.ui.press(keys);
    }
    await vi.waitFor(() => expect(s.ui.lastFrame()).toContain('password:'));
    await s.ui.press('pw', KEY.esc, '?', KEY.esc);
    expectFits(s.ui.allFrames());
  });
});

describe('the status bar once a switch to a generation has ended', () => {
  it('"switch to generation 42 started on hq" gives way to the outcome', async () => {
    const s = await open();
    await openSwitch(s, 42);
    await s.ui.press(KEY.enter, 's');
    await vi.waitFor(() => expect(statusBar(s.ui.lastFrame())).toBe('switch to generation 42 started on hq'));
    s.generations.hq = { ok: true, list: afterActivation(42, 'switch') };
    s.runs.push('activate1', (v) => finished(v, 0, 4_000));
    await vi.waitFor(() => expect(statusBar(s.ui.lastFrame())).toBe('switch to generation 42 on hq succeeded in 4s'));
  });
});
