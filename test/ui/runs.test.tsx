// Live rebuild panes: the real Controller and <App> over a fake RunsService (test/ui/fakeRuns.ts)
// that starts runs at once and lets the test push RunViews, with ProgressSnapshots built by the
// real BuildProgress from the recorded nix streams in test/fixtures/nix.

import stringWidth from 'string-width';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';

// the highlight test reads SGR codes: force colours before chalk is first imported
const previousForceColor = vi.hoisted(() => {
  const previous = process.env.FORCE_COLOR;
  process.env.FORCE_COLOR = '1';
  return previous;
});
afterAll(() => {
  if (previousForceColor === undefined) delete process.env.FORCE_COLOR;
  else process.env.FORCE_COLOR = previousForceColor;
});
import type { ProgressSnapshot } from '../../src/core/progressSnapshot.js';
import { KEYMAP, keyLabel } from '../../src/ui/keymap.js';
import { wholeHelp } from './screen.js';
import { type ConsoleHarness, type ConsoleOptions, KEY, renderConsole, statusBarText, ticks } from '../helpers/ui.js';
import { FakeRuns, finished, fixtureLines, logOf, makeView, numberedLines, progressOf, T_NOW } from './fakeRuns.js';

const MIB = 1024 * 1024;
const PG_UP = '\u001B[5~';
const PG_DOWN = '\u001B[6~';
const CTRL_C = '\u0003';

let harness: ConsoleHarness | null = null;

async function open(runs: FakeRuns | null, opts: ConsoleOptions = {}): Promise<ConsoleHarness> {
  harness = await renderConsole({ ...(runs ? { runs } : {}), runRefreshMs: 0, now: () => T_NOW, ...opts });
  return harness;
}

afterEach(() => {
  harness?.cleanup();
  harness = null;
});

// ---- reading the screen -----------------------------------------------------------------------

const lines = (frame: string): string[] => frame.split('\n');
const statusBar = statusBarText;

/** The inside of the pane whose top border carries `title`, one string per row. */
function pane(frame: string, title: string): string[] {
  const all = lines(frame);
  const top = all.findIndex((l) => l.includes(title));
  const border = all[top];
  if (top < 0 || border === undefined) throw new Error(`no pane titled "${title}" in:\n${frame}`);
  const at = border.indexOf(title);
  const left = Math.max(border.lastIndexOf('╭', at), border.lastIndexOf('+', at));
  const right = border.indexOf('╮', at) >= 0 ? border.indexOf('╮', at) : border.indexOf('+', at);
  const rows: string[] = [];
  for (const line of all.slice(top + 1)) {
    if (line[left] === '╰' || line[left] === '+') break;
    rows.push(line.slice(left + 1, right));
  }
  return rows;
}

/** The host row for `name`, split into words: name, then source/local or the run state. */
const hostRow = (frame: string, name: string): string[] =>
  pane(frame, '1 Hosts')
    .map((r) => r.slice(2).trim().split(/\s+/))
    .find((cells) => cells[0] === name) ?? [];

/** Log lines shown in a run pane: rows like "line 12" (after the search gutter, if any). */
function logLines(rows: string[]): string[] {
  return rows.map((r) => r.replace(/^[>* ] /, '').trim()).filter((r) => /^(line|needle) /.test(r));
}

function expectFits(frames: string[], size: { columns: number; rows: number }): void {
  for (const frame of frames) {
    expect(lines(frame).length, frame).toBeLessThanOrEqual(size.rows - 1);
    for (const line of lines(frame)) expect(stringWidth(line), line).toBeLessThanOrEqual(size.columns);
  }
}

async function startBuild(ui: ConsoleHarness, runs: FakeRuns, count = runs.startCalls.length + 1): Promise<void> {
  await ui.press('b');
  await vi.waitFor(() => expect(runs.startCalls).toHaveLength(count));
  await vi.waitFor(() => expect(ui.controller.state.runs.open.map((p) => p.id)).toContain(`run${count}`));
  await ticks();
}

/** A snapshot with these download figures added. */
const withDownloads = (snap: ProgressSnapshot, done: number, expected: number): ProgressSnapshot => ({
  ...snap,
  downloads: { doneBytes: done, expectedBytes: expected, running: 1 },
});

// ---- starting ----------------------------------------------------------------------------------

describe('starting a run', () => {
  it('b builds the selected host at once: a run pane replaces the todos and the host shows the run', async () => {
    const runs = new FakeRuns();
    const ui = await open(runs);
    expect(ui.lastFrame()).toContain(' 3 Todos ');
    await startBuild(ui, runs);
    expect(runs.startCalls).toEqual([{ host: 'hq', action: 'build' }]);
    await vi.waitFor(() => expect(ui.lastFrame()).toContain('⟳ hq · build · running · 1m20s'));
    const frame = ui.lastFrame();
    expect(frame).not.toContain('3 Todos');
    expect(frame).toContain(' 4 Runs ');
    expect(hostRow(frame, 'hq')).toEqual(['hq', '⟳', 'build']);
    expect(statusBar(frame)).toBe('build started on hq');
    // the focus stays on the hosts: another host can be started right away
    expect(frame).toContain('[1 Hosts]');
    expect(runs.watching('run1')).toBe(1);
  });

  it('shows the progress nix-output-monitor style: builds, downloads, the builds going on, ETA', async () => {
    const runs = new FakeRuns();
    const ui = await open(runs);
    await startBuild(ui, runs);
    // 30 lines of a real three-derivation build: liba is building
    const snap = progressOf(fixtureLines('multi-build').slice(0, 30));
    expect(snap.running.map((r) => r.name)).toEqual(['liba-1.2.3']);
    runs.push('run1', { progress: withDownloads(snap, 12.3 * MIB, 40 * MIB), etaMs: 190_000 });
    await ticks();
    const rows = pane(ui.lastFrame(), '4 Runs').map((r) => r.trimEnd());
    expect(rows[0]).toBe('⟳ hq · build · running · 1m20s · ETA 3m10s');
    expect(rows[1]).toBe(`builds ${snap.builds.done}/${snap.builds.expected} (1 running, 0 failed) · downloads 12.3/40.0 MiB`);
    expect(rows[1]).toBe('builds 1/3 (1 running, 0 failed) · downloads 12.3/40.0 MiB');
    expect(rows[2]).toMatch(/^ {2}liba-1\.2\.3 · buildPhase · \d+s$/);
    // then the newest log lines
    expect(rows.join('\n')).toContain('liba> compiling liba: a.c');
  });

  it('D (dry-build) starts without asking; t, s, B and A ask first, naming host and action', async () => {
    const runs = new FakeRuns();
    const ui = await open(runs);
    await ui.press('D');
    await vi.waitFor(() => expect(runs.startCalls).toEqual([{ host: 'hq', action: 'dry-build' }]));
    runs.push('run1', (v) => finished(v, 0));
    await ticks();
    for (const [key, action] of [
      ['t', 'test'],
      ['s', 'switch'],
      ['B', 'boot'],
      ['A', 'dry-activate'],
    ] as const) {
      await ui.press(key);
      const frame = ui.lastFrame();
      expect(frame).toContain(`${action} hq (this machine)? y/N`);
      expect(statusBar(frame)).toBe('y yes · n/Esc/Enter no');
      await ui.press(KEY.enter);
      expect(ui.lastFrame()).not.toContain('y/N');
    }
    expect(runs.startCalls).toHaveLength(1);
  });

  it('on a host that is not this machine, t, s, B and A say why at once, ask nothing and start nothing; b and D build it here', async () => {
    const runs = new FakeRuns();
    const ui = await open(runs);
    await ui.press('j');
    expect(ui.controller.lists.selectedHost()?.name).toBe('mail');
    for (const [key, action] of [
      ['t', 'test'],
      ['s', 'switch'],
      ['B', 'boot'],
      ['A', 'dry-activate'],
    ] as const) {
      await ui.press(key);
      const frame = ui.lastFrame();
      expect(ui.controller.state.dialog, action).toBeNull();
      expect(frame).not.toContain('y/N');
      expect(frame).not.toContain('command:');
      expect(statusBar(frame)).toBe(`${key}: mail is not this machine (hq): switch, boot, test and dry-activate run on this machine only; b builds it here`);
      // y afterwards starts nothing either
      await ui.press('y');
    }
    // from the generations pane too
    await ui.press('2', 's');
    expect(statusBar(ui.lastFrame())).toMatch(/^s: mail is not this machine \(hq\)/);
    expect(runs.startCalls).toEqual([]);
    await ui.press('b');
    await vi.waitFor(() => expect(runs.startCalls).toEqual([{ host: 'mail', action: 'build' }]));
    runs.push('run1', (v) => finished(v, 0));
    await ticks();
    await ui.press('D');
    await vi.waitFor(() => expect(runs.startCalls).toEqual([{ host: 'mail', action: 'build' }, { host: 'mail', action: 'dry-build' }]));
  });

  it('switch: Enter, n and Esc all mean No; only y starts it', async () => {
    const runs = new FakeRuns();
    const ui = await open(runs);
    await ui.press('s');
    let frame = ui.lastFrame();
    expect(frame).toContain('switch hq (this machine)? y/N');
    expect(frame).toContain('activates it now and makes it the boot default');
    expect(frame).toContain('goes on if nixdeck quits');
    await ui.press(KEY.enter);
    expect(ui.controller.state.dialog).toBeNull();
    expect(statusBar(ui.lastFrame())).toBe('switch on hq not started');
    await ui.press('s', 'n');
    expect(ui.controller.state.dialog).toBeNull();
    await ui.press('s', KEY.esc);
    expect(ui.controller.state.dialog).toBeNull();
    // keys other than y, n, Esc and Enter do nothing while it asks
    await ui.press('s', 'j', 'b', 'q');
    expect(ui.exited()).toBe(false);
    await ui.press('s', 'x', '4');
    expect(ui.lastFrame()).toContain('switch hq (this machine)? y/N');
    expect(runs.startCalls).toEqual([]);
    await ui.press('y');
    await vi.waitFor(() => expect(runs.startCalls).toEqual([{ host: 'hq', action: 'switch' }]));
    await vi.waitFor(() => expect(ui.lastFrame()).toContain('⟳ hq · switch · running'));
    frame = ui.lastFrame();
    expect(hostRow(frame, 'hq')).toEqual(['hq', '⟳', 'switch']);
  });

  it('refuses a second run on a host that has one going or starting', async () => {
    const runs = new FakeRuns();
    const ui = await open(runs);
    // "bb" typed fast: the second b comes while the first is still being started
    await ui.press('bb');
    await vi.waitFor(() => expect(ui.lastFrame()).toContain('hq · build · running'));
    expect(runs.startCalls).toHaveLength(1);
    await ui.press('b');
    await ticks();
    expect(runs.startCalls).toHaveLength(1);
    expect(statusBar(ui.lastFrame())).toBe('warning: a build is already running on hq (4 shows it)');
  });

  it('says so when the service cannot start the run', async () => {
    const runs = new FakeRuns();
    runs.startError = "flake 'path:/x' does not provide attribute 'nixosConfigurations.hq'";
    const ui = await open(runs);
    await ui.press('b');
    await vi.waitFor(() => expect(statusBar(ui.lastFrame())).toMatch(/^error: build on hq not started: flake/));
    expect(ui.lastFrame()).toContain(' 3 Todos ');
  });

  it('without a runs service the run keys say so and nothing breaks', async () => {
    const ui = await open(null);
    await ui.press('b');
    expect(statusBar(ui.lastFrame())).toBe('b: rebuild runs are not available in this console');
    await ui.press('4');
    expect(ui.lastFrame()).toContain('rebuild runs are not available in this console');
    expect(ui.lastFrame()).toContain('[4 Runs]');
  });
});

// ---- password ----------------------------------------------------------------------------------

describe('sudo password', () => {
  it('masks every character, Backspace edits, Enter passes it to start, and no frame or state holds it', async () => {
    const runs = new FakeRuns();
    runs.passwordFor = (_host, action) => action === 'switch';
    const ui = await open(runs);
    await ui.press('s', 'y');
    await vi.waitFor(() => expect(ui.lastFrame()).toContain('sudo needs your password to switch hq (this machine)'));
    expect(ui.lastFrame()).toContain('password: ▏');
    expect(statusBar(ui.lastFrame())).toBe('Enter start · Backspace edit · Esc cancel');
    // typed fast (one write) and one by one; q, y, j and Esc-free keys all go into the field
    await ui.press('hunter');
    await ui.press('2');
    expect(ui.lastFrame()).toContain('password: *******▏');
    await ui.press(KEY.backspace);
    expect(ui.lastFrame()).toContain('password: ******▏');
    await ui.press('q', 'y');
    expect(ui.lastFrame()).toContain('password: ********▏');
    expect(ui.exited()).toBe(false);
    expect(JSON.stringify(ui.controller.state)).not.toContain('hunter');
    await ui.press(KEY.enter);
    await vi.waitFor(() => expect(runs.startCalls).toEqual([{ host: 'hq', action: 'switch', password: 'hunterqy' }]));
    await vi.waitFor(() => expect(ui.lastFrame()).toContain('⟳ hq · switch · running'));
    for (const frame of ui.allFrames()) expect(frame).not.toMatch(/hunter|unterq/);
    expect(JSON.stringify(ui.controller.state)).not.toContain('hunter');
  });

  it('Esc cancels: nothing starts and the next prompt starts empty', async () => {
    const runs = new FakeRuns();
    runs.passwordFor = () => true;
    const ui = await open(runs);
    await ui.press('b');
    await vi.waitFor(() => expect(ui.lastFrame()).toContain('sudo needs your password to build hq'));
    await ui.press('secret', KEY.esc);
    expect(ui.controller.state.dialog).toBeNull();
    expect(statusBar(ui.lastFrame())).toBe('build on hq not started');
    await ui.press('b');
    await vi.waitFor(() => expect(ui.lastFrame()).toContain('password: ▏'));
    await ui.press('pw', KEY.enter);
    await vi.waitFor(() => expect(runs.startCalls).toEqual([{ host: 'hq', action: 'build', password: 'pw' }]));
  });

  it('a start error never shows the password', async () => {
    const runs = new FakeRuns();
    runs.passwordFor = () => true;
    runs.startError = 'sudo: wrong password "opensesame"';
    const ui = await open(runs);
    await ui.press('b');
    await vi.waitFor(() => expect(ui.lastFrame()).toContain('password: ▏'));
    await ui.press('opensesame', KEY.enter);
    await vi.waitFor(() => expect(statusBar(ui.lastFrame())).toBe('error: build on hq not started: sudo: wrong password "***"'));
    for (const frame of ui.allFrames()) expect(frame).not.toContain('opensesame');
  });
});

// ---- several runs --------------------------------------------------------------------------------

describe('two runs at once', () => {
  it('at 120x30 both panes are visible side by side', async () => {
    const size = { columns: 120, rows: 30 };
    const runs = new FakeRuns();
    const ui = await open(runs, { size });
    await startBuild(ui, runs);
    await ui.press('j');
    await startBuild(ui, runs, 2);
    await vi.waitFor(() => expect(ui.lastFrame()).toContain('4 Runs 2/2'));
    const frame = ui.lastFrame();
    const titles = lines(frame).find((l) => l.includes('4 Runs 1/2')) ?? '';
    expect(titles).toContain('4 Runs 2/2');
    expect(pane(frame, '4 Runs 1/2')[0]).toContain('⟳ hq · build · running');
    expect(pane(frame, '4 Runs 2/2')[0]).toContain('⟳ mail · build · running');
    expect(hostRow(frame, 'hq')).toEqual(['hq', '⟳', 'build']);
    expect(hostRow(frame, 'mail')).toEqual(['mail', '⟳', 'build']);
    expectFits([frame], size);
  });

  it('at 80x24 one shows at a time and [ / ] switch between them', async () => {
    const runs = new FakeRuns();
    const ui = await open(runs);
    await startBuild(ui, runs);
    await ui.press('j');
    await startBuild(ui, runs, 2);
    let frame = ui.lastFrame();
    // the newest is shown
    expect(frame).toContain('4 Runs 2/2');
    expect(frame).not.toContain('4 Runs 1/2');
    expect(pane(frame, '4 Runs 2/2')[0]).toContain('mail · build');
    await ui.press('[');
    frame = ui.lastFrame();
    expect(pane(frame, '4 Runs 1/2')[0]).toContain('hq · build');
    expect(frame).not.toContain('mail · build');
    await ui.press(']');
    expect(pane(ui.lastFrame(), '4 Runs 2/2')[0]).toContain('mail · build');
    // wraps around
    await ui.press(']');
    expect(pane(ui.lastFrame(), '4 Runs 1/2')[0]).toContain('hq · build');
    await ui.press('4');
    expect(ui.lastFrame()).toContain('[4 Runs 1/2]');
    expect(statusBar(ui.lastFrame())).toBe('j/k scroll · [ ] run · / search · z zoom · c cancel · ? help · q quit');
  });

  it('Tab reaches the run panes once one is open; 3 brings the todos back', async () => {
    const runs = new FakeRuns();
    const ui = await open(runs);
    await startBuild(ui, runs);
    await ui.press(KEY.tab, KEY.tab);
    expect(ui.lastFrame()).toContain('[3 Todos]');
    expect(ui.lastFrame()).not.toContain('4 Runs');
    await ui.press(KEY.tab);
    expect(ui.lastFrame()).toContain('[4 Runs]');
    expect(ui.lastFrame()).not.toContain('3 Todos');
    await ui.press(KEY.tab);
    expect(ui.lastFrame()).toContain('[1 Hosts]');
    await ui.press(KEY.shiftTab);
    expect(ui.lastFrame()).toContain('[4 Runs]');
  });
});

// ---- the log -------------------------------------------------------------------------------------

describe('the log of a run pane', () => {
  async function withLog(total: number): Promise<{ ui: ConsoleHarness; runs: FakeRuns }> {
    const runs = new FakeRuns();
    const ui = await open(runs);
    await startBuild(ui, runs);
    runs.push('run1', { progress: logOf(numberedLines(total)) });
    await ui.press('4');
    return { ui, runs };
  }

  const shown = (ui: ConsoleHarness): string[] => logLines(pane(ui.lastFrame(), '4 Runs'));

  it('follows by default; j/k, PgUp/PgDn, Ctrl-u/d scroll and stop following; g top; G bottom and follow', async () => {
    const { ui, runs } = await withLog(200);
    const rows = shown(ui).length;
    expect(rows).toBeGreaterThanOrEqual(5);
    expect(shown(ui).at(-1)).toBe('line 200');
    expect(ui.lastFrame()).toContain('[4 Runs] following');

    await ui.press('k');
    expect(shown(ui).at(-1)).toBe('line 199');
    expect(ui.lastFrame()).toContain(`lines ${200 - rows}-199 of 200 · G follows`);
    // new lines do not move the view while it is not following
    runs.push('run1', { progress: logOf(numberedLines(210)) });
    await ticks();
    expect(shown(ui).at(-1)).toBe('line 199');
    expect(ui.lastFrame()).toContain('of 210');

    await ui.press(PG_UP);
    expect(shown(ui).at(-1)).toBe(`line ${199 - rows}`);
    await ui.press(PG_DOWN);
    expect(shown(ui).at(-1)).toBe('line 199');
    await ui.press(KEY.ctrlU);
    expect(shown(ui).at(-1)).toBe(`line ${199 - Math.floor(rows / 2)}`);
    await ui.press(KEY.ctrlD, 'j');
    expect(shown(ui).at(-1)).toBe('line 200');

    await ui.press('g');
    expect(shown(ui)[0]).toBe('line 1');
    await ui.press('k');
    expect(shown(ui)[0]).toBe('line 1');
    await ui.press('j', 'j');
    expect(shown(ui)[0]).toBe('line 3');

    await ui.press('G');
    expect(shown(ui).at(-1)).toBe('line 210');
    expect(ui.lastFrame()).toContain('[4 Runs] following');
    runs.push('run1', { progress: logOf(numberedLines(220)) });
    await ticks();
    expect(shown(ui).at(-1)).toBe('line 220');
    // the hosts list did not move while the log scrolled
    expect(pane(ui.lastFrame(), '1 Hosts').find((r) => r.startsWith('>'))).toContain('hq');
  });

  it('keeps the view on its lines when old lines drop out of the kept tail', async () => {
    const runs = new FakeRuns();
    const ui = await open(runs);
    await startBuild(ui, runs);
    const tail = (from: number, to: number): ProgressSnapshot => ({ ...logOf(numberedLines(to - from + 1, from)), totalLines: to });
    runs.push('run1', { progress: tail(1, 100) });
    await ui.press('4', 'g');
    expect(shown(ui)[0]).toBe('line 1');
    // the service keeps the last 100 lines only: line 1..50 are gone, the view starts at the oldest kept
    runs.push('run1', { progress: tail(51, 150) });
    await ticks();
    expect(shown(ui)[0]).toBe('line 51');
    expect(ui.lastFrame()).toContain('of 150');
  });

  it('/ searches the log (smart case), marks the matching lines, n/N go to the next/previous match and wrap', async () => {
    const runs = new FakeRuns();
    const ui = await open(runs);
    await startBuild(ui, runs);
    const log = numberedLines(100);
    log[9] = 'needle one';
    log[49] = 'needle two';
    log[89] = 'needle three';
    runs.push('run1', { progress: logOf(log) });
    await ui.press('4', '/');
    expect(statusBar(ui.lastFrame())).toBe('/   search the log · Enter find · Esc clear');
    // while typing, n, q, j and G are text
    await ui.press('ne', 'e', 'dle');
    expect(statusBar(ui.lastFrame())).toBe('/needle   search the log · Enter find · Esc clear');
    await ui.press(KEY.enter);
    const current = (): string => pane(ui.lastFrame(), '4 Runs').find((r) => r.startsWith('> '))?.trim() ?? '';
    expect(current()).toBe('> needle three');
    expect(ui.lastFrame()).toContain('/needle 3/3');
    expect(statusBar(ui.lastFrame())).toContain('n/N match');

    await ui.press('n');
    expect(current()).toBe('> needle one');
    expect(ui.lastFrame()).toContain('/needle 1/3');
    await ui.press('n');
    expect(current()).toBe('> needle two');
    expect(ui.lastFrame()).toContain('/needle 2/3');
    await ui.press('N', 'N');
    expect(current()).toBe('> needle three');
    expect(ui.lastFrame()).toContain('/needle 3/3');
    // lines without a match get no mark; lines of other matches a "*"
    const rows = pane(ui.lastFrame(), '4 Runs');
    expect(rows.some((r) => r.startsWith('  line 88'))).toBe(true);

    // capitals make it case-sensitive: no match
    await ui.press('/', 'NEEDLE', KEY.enter);
    expect(statusBar(ui.lastFrame())).toBe('warning: no match for "NEEDLE" in the last 100 lines');
    await ui.press('/', 'Needle', KEY.enter);
    expect(statusBar(ui.lastFrame())).toContain('no match');
    await ui.press('/', 'two', KEY.enter);
    expect(current()).toBe('> needle two');

    // Esc forgets the search; the view stays where it is
    await ui.press(KEY.esc);
    expect(ui.lastFrame()).not.toContain('/two');
    expect(pane(ui.lastFrame(), '4 Runs').some((r) => r.trim() === 'needle two')).toBe(true);
    expect(ui.controller.state.focus).toBe('runs');
  });

  it('highlights the matches in the line', async () => {
    const runs = new FakeRuns();
    const ui = await open(runs);
    await startBuild(ui, runs);
    runs.push('run1', { progress: logOf(['alpha', 'find the needle here', 'omega']) });
    await ui.press('4', '/', 'needle', KEY.enter);
    const raw = lines(ui.rawFrame()).find((l) => l.includes('find the')) ?? '';
    // the match is its own styled segment; without colours the "> " gutter still marks the line
    expect(raw).toMatch(/find the (\u001B\[[0-9;]*m)+needle(\u001B\[[0-9;]*m)+ here/);
    expect(pane(ui.lastFrame(), '4 Runs').find((r) => r.startsWith('> '))).toContain('find the needle here');
  });

  it('renders only the rows that fit, however long the kept tail', async () => {
    const runs = new FakeRuns();
    const ui = await open(runs);
    await startBuild(ui, runs);
    const snap = logOf(numberedLines(2000));
    let reads = 0;
    const tail = new Proxy(snap.tail, {
      get(target, prop, receiver) {
        if (typeof prop === 'string' && /^\d+$/.test(prop)) reads++;
        return Reflect.get(target, prop, receiver);
      },
    });
    runs.push('run1', { progress: { ...snap, tail } });
    await ticks();
    expect(shown(ui).at(-1)).toBe('line 2000');
    // a handful of renders, each reading the few lines on screen, not 2,000
    expect(reads).toBeGreaterThan(0);
    expect(reads).toBeLessThan(100);
  });

  it('z zooms the focused run pane to the whole body, z or Esc goes back', async () => {
    const { ui } = await withLog(200);
    const before = shown(ui).length;
    await ui.press('z');
    let frame = ui.lastFrame();
    expect(frame).not.toContain('1 Hosts');
    expect(frame).not.toContain('2 Generations');
    expect(frame).toContain('[4 Runs] following');
    expect(shown(ui).length).toBeGreaterThan(before + 8);
    expect(shown(ui).at(-1)).toBe('line 200');
    expect(lines(frame).length).toBeLessThanOrEqual(23);
    await ui.press('z');
    frame = ui.lastFrame();
    expect(frame).toContain('1 Hosts');
    expect(shown(ui)).toHaveLength(before);
    await ui.press('z', KEY.esc);
    expect(ui.lastFrame()).toContain('1 Hosts');
    // leaving the pane leaves the zoom
    await ui.press('z', '1');
    expect(ui.lastFrame()).toContain('[1 Hosts]');
  });
});

// ---- finishing, closing, cancelling ----------------------------------------------------------------

describe('finished runs', () => {
  it('x closes a finished pane, not a running one', async () => {
    const runs = new FakeRuns();
    const ui = await open(runs);
    await startBuild(ui, runs);
    await ui.press('4', 'x');
    expect(statusBar(ui.lastFrame())).toBe('warning: the build on hq is still running: c cancels it');
    expect(ui.lastFrame()).toContain('[4 Runs]');

    runs.push('run1', (v) => finished({ ...v, progress: progressOf(fixtureLines('success-t460')) }, 0));
    await ui.press(KEY.esc);
    let frame = ui.lastFrame();
    expect(pane(frame, '4 Runs')[0]).toContain('✓ hq · build · succeeded · 1m23s');
    expect(hostRow(frame, 'hq')).toEqual(['hq', '✓', 'build']);
    expect(statusBar(frame)).toBe('j/k scroll · / search · z zoom · x close · ? help · q quit');

    await ui.press('x');
    frame = ui.lastFrame();
    expect(frame).toContain('no run pane open.');
    expect(runs.watching('run1')).toBe(0);
    // the host still shows how its last run went
    expect(hostRow(frame, 'hq')).toEqual(['hq', '✓', 'build']);
    await ui.press('1');
    expect(ui.lastFrame()).toContain(' 3 Todos ');
  });

  it('a failed run leads with what went wrong: headline, failed derivation, its last lines, errors, the full log', async () => {
    const size = { columns: 120, rows: 30 };
    const runs = new FakeRuns();
    const ui = await open(runs, { size });
    await ui.press('s', 'y');
    await vi.waitFor(() => expect(runs.startCalls).toHaveLength(1));
    runs.push('run1', (v) => finished({ ...v, progress: progressOf(fixtureLines('failure-pi')) }, 1));
    await ticks();
    const rows = pane(ui.lastFrame(), '4 Runs').map((r) => r.trimEnd());
    expect(rows[0]).toBe('✗ hq · switch · failed · 1m23s');
    expect(rows[1]).toBe('✗ failed: builder for nixos-system-pi-25.05.20250701.0a0a0a0 failed with exit code 1');
    expect(rows[2]).toBe('  failed: nixos-system-pi-25.05.20250701.0a0a0a0 (builder failed with exit code 1)');
    expect(rows).toContain('    > error: builder for host pi deliberately failed (fake)');
    expect(rows.some((r) => r.startsWith("  error: builder for '/nix/store/idbv1dj3vx7dbawqxkg8fib383njwyir-nixos-system-pi"))).toBe(true);
    const logAt = rows.indexOf('full log: /home/me/.local/state/nixdeck/runs/run1.log');
    expect(logAt).toBeGreaterThan(2);
    // the progress line and the log come after it
    expect(rows.findIndex((r) => r.startsWith('builds 0/1 (0 running, 1 failed)'))).toBe(logAt + 1);
    expect(hostRow(ui.lastFrame(), 'hq')).toEqual(['hq', '✗', 'switch']);
  });

  it('at 80x24 the failure headline and the log path are still there', async () => {
    const runs = new FakeRuns();
    const ui = await open(runs);
    await startBuild(ui, runs);
    runs.push('run1', (v) => finished({ ...v, progress: progressOf(fixtureLines('modern-failure')) }, 1));
    await ticks();
    const rows = pane(ui.lastFrame(), '4 Runs');
    expect(rows[0]).toContain('✗ hq · build · failed');
    expect(rows[1]).toMatch(/^✗ failed: /);
    expect(rows.some((r) => r.startsWith('full log: /home/me/.local/state/nixdeck/runs/run1.log'))).toBe(true);
    expectFits(ui.allFrames(), { columns: 80, rows: 24 });
  });

  it('switch-to-configuration exit 4 is partial, not a build failure', async () => {
    const runs = new FakeRuns();
    const ui = await open(runs);
    await ui.press('s', 'y');
    await vi.waitFor(() => expect(runs.startCalls).toHaveLength(1));
    runs.push('run1', (v) => finished({ ...v, progress: progressOf(fixtureLines('switch-units-failed')) }, 4));
    await ticks();
    const rows = pane(ui.lastFrame(), '4 Runs');
    expect(rows[0]).toContain('! hq · switch · partial');
    expect(rows[1]).toContain('! switched, but 1 unit failed: nginx.service');
    expect(hostRow(ui.lastFrame(), 'hq')).toEqual(['hq', '!', 'switch']);
  });

  it('c asks "cancel the run on HOST? y/N"; Enter keeps it going, y cancels', async () => {
    const runs = new FakeRuns();
    const ui = await open(runs);
    await startBuild(ui, runs);
    await ui.press('4', 'c');
    let frame = ui.lastFrame();
    expect(frame).toContain('cancel the run on hq? y/N');
    expect(frame).toContain('build, running for 1m20s');
    await ui.press(KEY.enter);
    expect(runs.cancelCalls).toEqual([]);
    expect(statusBar(ui.lastFrame())).toBe('the build on hq goes on');
    await ui.press('c', KEY.esc);
    expect(runs.cancelCalls).toEqual([]);
    // Ctrl-C in a running pane asks the same
    await ui.press(CTRL_C);
    expect(ui.lastFrame()).toContain('cancel the run on hq? y/N');
    await ui.press('y');
    await vi.waitFor(() => expect(runs.cancelCalls).toEqual(['run1']));
    runs.push('run1', (v) => finished(v, 130, 3_000));
    await ticks();
    frame = ui.lastFrame();
    expect(pane(frame, '4 Runs')[0]).toContain('- hq · build · cancelled · 3s');
    expect(pane(frame, '4 Runs')[1]).toContain('- cancelled after 3s');
    // nothing left to cancel
    await ui.press('c');
    expect(statusBar(ui.lastFrame())).toBe('the build on hq is not running (x closes it)');
    expect(ui.controller.state.dialog).toBeNull();
  });
});

// ---- runs from before, quitting ----------------------------------------------------------------------

describe('runs that outlive the console', () => {
  it('re-opens the runs still going at start, lists the finished ones under L and re-opens one on Enter', async () => {
    const runs = new FakeRuns();
    runs.recentViews = [
      makeView({ id: 'r2', host: 't460', action: 'switch', progress: logOf(['still building']) }),
      finished(makeView({ id: 'r1', host: 'nas', action: 'build', progress: progressOf(fixtureLines('success-t460')) }), 0, 45_000),
    ];
    const ui = await open(runs);
    await vi.waitFor(() => expect(ui.lastFrame()).toContain('⟳ t460 · switch · running'));
    let frame = ui.lastFrame();
    expect(runs.watching('r2')).toBe(1);
    expect(runs.watching('r1')).toBe(0);
    expect(hostRow(frame, 't460')).toEqual(['t460', '⟳', 'switch']);
    expect(hostRow(frame, 'nas')).toEqual(['nas', '✓', 'build']);

    await ui.press('L');
    frame = ui.lastFrame();
    expect(frame).toContain('runs (2 · j/k move · Enter opens · Esc closes)');
    const listed = lines(frame).filter((l) => /[⟳✓] (t460|nas)/.test(l));
    expect(listed[0]).toMatch(/> ⟳ t460\s+switch\s+running\s+1m20s.*open/);
    expect(listed[1]).toMatch(/✓ nas\s+build\s+succeeded\s+45s/);
    expect(statusBar(frame)).toBe('j/k move · Enter open · Esc close');
    await ui.press('j', KEY.enter);
    frame = ui.lastFrame();
    expect(frame).toContain('[4 Runs 2/2]');
    expect(pane(frame, '4 Runs 2/2')[0]).toContain('✓ nas · build · succeeded · 45s');
    expect(runs.watching('r1')).toBe(1);
    // Esc closes the list without opening anything
    await ui.press('L', KEY.esc);
    expect(ui.lastFrame()).toContain('[4 Runs 2/2]');
  });

  it('q while a run is going asks first (default No) and says the runs keep going', async () => {
    const runs = new FakeRuns();
    const ui = await open(runs);
    await startBuild(ui, runs);
    await ui.press('q');
    let frame = ui.lastFrame();
    expect(ui.exited()).toBe(false);
    expect(frame).toContain('runs are going: leave them running and quit? y/N');
    expect(frame).toContain('going: build on hq');
    expect(frame).toContain('They are detached and keep going');
    await ui.press(KEY.enter);
    expect(ui.exited()).toBe(false);
    expect(ui.controller.state.dialog).toBeNull();
    await ui.press('q', 'n');
    expect(ui.exited()).toBe(false);
    await ui.press('q', KEY.esc);
    expect(ui.exited()).toBe(false);
    // Ctrl-C outside a run pane asks the same
    await ui.press(CTRL_C);
    expect(ui.lastFrame()).toContain('leave them running and quit? y/N');
    await ui.press('y');
    expect(ui.exited()).toBe(true);
    // quitting does not cancel anything
    expect(runs.cancelCalls).toEqual([]);
  });

  it('rings the bell once when a run ends, unless the bell preference is off', async () => {
    for (const bellPref of [true, false]) {
      const runs = new FakeRuns();
      const bell = vi.fn();
      const ui = await open(runs, { bell, prefs: { bell: bellPref } });
      await startBuild(ui, runs);
      runs.push('run1', { etaMs: 1000 });
      expect(bell).not.toHaveBeenCalled();
      runs.push('run1', (v) => finished(v, 0));
      runs.push('run1', { etaMs: null });
      expect(bell).toHaveBeenCalledTimes(bellPref ? 1 : 0);
      ui.cleanup();
      harness = null;
    }
  });

  it('q quits at once when every run has ended', async () => {
    const runs = new FakeRuns();
    const ui = await open(runs);
    await startBuild(ui, runs);
    runs.push('run1', (v) => finished(v, 0));
    await ticks();
    await ui.press('q');
    expect(ui.exited()).toBe(true);
  });
});

// ---- hosts, help, sizes --------------------------------------------------------------------------

describe('around the run panes', () => {
  it('the hosts show the run state in signs and words, ASCII signs with ASCII borders', async () => {
    const runs = new FakeRuns();
    const ui = await open(runs, { prefs: { asciiBorders: true } });
    await startBuild(ui, runs);
    const hosts = (): string[] => lines(ui.lastFrame()).filter((l) => / hq /.test(l));
    expect(hosts().join('\n')).toMatch(/> hq\s+~ build/);
    runs.push('run1', (v) => finished({ ...v, progress: progressOf(fixtureLines('failure-pi')) }, 1));
    await ticks();
    expect(hosts().join('\n')).toMatch(/> hq\s+x build/);
    expect(ui.lastFrame()).not.toMatch(/[╭╮╰╯─│⟳✓✗]/);
  });

  it('the help lists the run keys and says how run panes are laid out', async () => {
    const runs = new FakeRuns();
    const ui = await open(runs);
    await ui.press('?');
    // two columns at 80x24 that scroll: every page of it
    const text = (await wholeHelp(ui)).join('\n');
    for (const b of KEYMAP) expect(text, `binding ${b.command}`).toContain(`${keyLabel(b).padEnd(10)}${b.description}`);
    expect(text).toContain('Runs (on the selected host)');
    expect(text).toContain('panes side by side ≥120 cols,');
    expect(text).toContain('else stacked or paged by [ ]');
    expect(text).toContain('⟳     run going');
  });

  it.each([
    { columns: 80, rows: 24 },
    { columns: 60, rows: 16 },
    { columns: 120, rows: 30 },
    { columns: 100, rows: 50 },
  ])('frames never exceed rows-1 lines or the width at $columns x $rows', async (size) => {
    const runs = new FakeRuns();
    runs.passwordFor = (_h, action) => action === 'boot';
    const ui = await open(runs, { size });
    await startBuild(ui, runs);
    runs.push('run1', { progress: withDownloads(progressOf(fixtureLines('multi-build').slice(0, 30)), MIB, 3 * MIB), etaMs: 5_000 });
    await ui.press('j');
    await startBuild(ui, runs, 2);
    runs.push('run2', (v) => finished({ ...v, progress: progressOf(fixtureLines('failure-pi')) }, 1));
    await ticks();
    // B on mail (not this machine): the reason wraps onto a second status line
    for (const keys of ['4', 'k', 'z', '/', 'line', KEY.enter, 'n', 'z', '[', 'c', KEY.esc, 'L', KEY.esc, '?', KEY.esc, '1', 'B', 'y']) {
      await ui.press(keys);
    }
    expect(statusBar(ui.lastFrame())).toMatch(/^B: mail is not this machine \(hq\)/);
    runs.push('run1', (v) => finished(v, 0));
    await ticks();
    await ui.press('k', 'B', 'y');
    await vi.waitFor(() => expect(ui.lastFrame()).toContain('password:'));
    await ui.press('pw', KEY.esc, 'q', 'n', '3');
    expectFits(ui.allFrames(), size);
  });
});

// ---- redraws -------------------------------------------------------------------------------------

describe('update coalescing', () => {
  it('1,000 updates pushed at once make a bounded number of store publishes, and the last one wins', async () => {
    const runs = new FakeRuns();
    const ui = await open(runs, { runRefreshMs: 50 });
    await startBuild(ui, runs);
    await vi.waitFor(() => expect(ui.lastFrame()).toContain('hq · build · running'));
    let publishes = 0;
    const unsubscribe = ui.controller.store.subscribe(() => {
      publishes++;
    });
    const frames = ui.frameCount();
    const snap = logOf(numberedLines(10));
    for (let i = 1; i <= 1000; i++) runs.push('run1', { progress: { ...snap, totalLines: 10 + i, tail: [...snap.tail.slice(1), `update ${i}`] } });
    // at most the first one went out at once
    expect(publishes).toBeLessThanOrEqual(1);
    await vi.waitFor(() => expect(ui.controller.state.runs.views.run1?.progress.totalLines).toBe(1010));
    expect(publishes).toBeLessThanOrEqual(2);
    await ticks();
    expect(ui.lastFrame()).toContain('update 1000');
    expect(ui.frameCount() - frames).toBeLessThanOrEqual(3);
    unsubscribe();
  });

  it('a steady stream is published at most once per interval', async () => {
    const runs = new FakeRuns();
    const ui = await open(runs, { runRefreshMs: 40 });
    await startBuild(ui, runs);
    let publishes = 0;
    const unsubscribe = ui.controller.store.subscribe(() => {
      publishes++;
    });
    const started = performance.now();
    for (let i = 1; i <= 60; i++) {
      runs.push('run1', { etaMs: i * 1000 });
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await vi.waitFor(() => expect(ui.controller.state.runs.views.run1?.etaMs).toBe(60_000));
    const elapsed = performance.now() - started;
    // one per 40 ms window, plus the leading and the trailing one
    expect(publishes).toBeLessThanOrEqual(Math.ceil(elapsed / 40) + 2);
    expect(publishes).toBeLessThan(60);
    unsubscribe();
  });
});

// ---- what the status bar and the pane say once a run has ended --------------------------------------

describe('messages once a run has ended', () => {
  it('the outcome replaces "… started on HOST" in the status bar', async () => {
    const runs = new FakeRuns();
    const ui = await open(runs);
    await startBuild(ui, runs);
    expect(statusBar(ui.lastFrame())).toBe('build started on hq');
    runs.push('run1', (v) => finished(v, 0, 72_000));
    await ticks();
    expect(statusBar(ui.lastFrame())).toBe('build on hq succeeded in 1m12s');
  });

  it('a failure says what failed', async () => {
    const runs = new FakeRuns();
    const ui = await open(runs);
    await startBuild(ui, runs);
    runs.push('run1', { progress: progressOf(fixtureLines('failure-pi')) });
    runs.push('run1', (v) => finished(v, 1));
    await ticks();
    expect(statusBar(ui.lastFrame())).toMatch(/build on hq failed: builder for nixos-system-pi-25\.05\.20250701\.0a0a0a0 failed with exit code 1/);
  });

  it('"cancelling the run on HOST…" gives way to "cancelled"', async () => {
    const runs = new FakeRuns();
    const ui = await open(runs);
    await startBuild(ui, runs);
    await ui.press('4', 'c', 'y');
    await vi.waitFor(() => expect(runs.cancelCalls).toEqual(['run1']));
    expect(statusBar(ui.lastFrame())).toBe('cancelling the run on hq…');
    runs.push('run1', (v) => finished(v, 130, 3_000));
    await ticks();
    expect(statusBar(ui.lastFrame())).toBe('build on hq cancelled after 3s');
  });

  it('a newer message about something else stays: the pane tells the outcome', async () => {
    const runs = new FakeRuns();
    const ui = await open(runs);
    await startBuild(ui, runs);
    await ui.press('R');
    await vi.waitFor(() => expect(statusBar(ui.lastFrame())).toBe('reloaded'));
    runs.push('run1', (v) => finished(v, 0));
    await ticks();
    expect(statusBar(ui.lastFrame())).toBe('reloaded');
    expect(pane(ui.lastFrame(), '4 Runs')[0]).toContain('✓ hq · build · succeeded');
  });

  it('the progress line of an ended switch no longer says "activating"', async () => {
    const runs = new FakeRuns();
    const ui = await open(runs);
    await startBuild(ui, runs);
    runs.push('run1', { progress: progressOf(fixtureLines('switch-units-failed')) });
    await ticks();
    expect(pane(ui.lastFrame(), '4 Runs')[1]).toMatch(/^activating/);
    runs.push('run1', (v) => finished(v, 0));
    await ticks();
    const rows = pane(ui.lastFrame(), '4 Runs');
    expect(rows[0]).toContain('✓ hq · build · succeeded');
    expect(rows.slice(0, 2).join('\n')).not.toContain('activating');
  });
});

describe("the demo's runs end with the console", () => {
  class DemoRuns extends FakeRuns {
    readonly endsWithConsole = true;
  }

  it('the quit question and the run question say that the runs stop and their folder goes', async () => {
    const runs = new DemoRuns();
    const ui = await open(runs);
    await ui.press('s');
    let frame = ui.lastFrame();
    expect(frame).toContain("The demo's runs stop, and their logs go, when nixdeck quits.");
    expect(frame).not.toContain('it goes on if nixdeck quits');
    await ui.press('n');
    await startBuild(ui, runs);
    await ui.press('q');
    frame = ui.lastFrame();
    expect(frame).toContain("quit? the demo's runs stop and its folder is removed. y/N");
    expect(frame).not.toContain('keep going');
    expect(frame).not.toContain('leave them running');
  });

  it('a failed run of the demo says that its log is removed on quit', async () => {
    const runs = new DemoRuns();
    const ui = await open(runs, { size: { columns: 120, rows: 30 } });
    await startBuild(ui, runs);
    runs.push('run1', { progress: progressOf(fixtureLines('failure-pi')), temporary: true });
    runs.push('run1', (v) => finished(v, 1));
    await ticks();
    expect(ui.lastFrame()).toContain('full log (removed on quit): /home/me/.local/state/nixdeck/runs/run1.log');
  });
});
