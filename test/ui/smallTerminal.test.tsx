// 60x16, the promised minimum, and truncation that keeps what matters: dialogs lead with their
// question and keys, the help scrolls in columns that do not overlap, messages wrap, the
// header's path is shortened in the middle, the generation detail and the full log path are
// never lost. Checked at 60x16, 80x24 and 120x40 where it matters.

import { render } from 'ink-testing-library';
import stringWidth from 'string-width';
import stripAnsi from 'strip-ansi';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';

const previousForceColor = vi.hoisted(() => {
  const previous = process.env.FORCE_COLOR;
  process.env.FORCE_COLOR = '0';
  return previous;
});
afterAll(() => {
  if (previousForceColor === undefined) delete process.env.FORCE_COLOR;
  else process.env.FORCE_COLOR = previousForceColor;
});

import { buildGenerationList } from '../../src/core/generations.js';
import { Header } from '../../src/ui/Header.js';
import { KEYMAP, keyLabel } from '../../src/ui/keymap.js';
import { type ConsoleHarness, type ConsoleOptions, DEFAULT_GENERATIONS, KEY, renderConsole, ticks } from '../helpers/ui.js';
import { FakeGenerationOps } from './fakeGenerations.js';
import { FakeRuns, finished, fixtureLines, progressOf, T_NOW } from './fakeRuns.js';
import { boxAfter, expectFits, joined, paneRows, rowsOf } from './screen.js';

const SMALL = { columns: 60, rows: 16 };
const MEDIUM = { columns: 80, rows: 24 };
const LARGE = { columns: 120, rows: 40 };

let harness: ConsoleHarness | null = null;

async function open(opts: ConsoleOptions = {}): Promise<ConsoleHarness> {
  harness = await renderConsole({ runRefreshMs: 0, now: () => T_NOW, ...opts });
  return harness;
}

afterEach(() => {
  harness?.cleanup();
  harness = null;
});

/** The text of the question box: the box that starts after the top panes or the diff view. */
function dialogText(frame: string): string {
  const rows = rowsOf(frame);
  // the last box of the frame holds the question
  let top = -1;
  rows.forEach((r, i) => {
    if (r.startsWith('╭') && !r.includes('Hosts') && !r.includes('Generations')) top = i;
  });
  return joined(boxAfter(frame, top));
}

describe.each([SMALL, MEDIUM])('every dialog leads with its question and answer keys at $columns x $rows', (size) => {
  it('confirm run, sudo password, cancel, quit', async () => {
    const runs = new FakeRuns();
    runs.passwordFor = () => true;
    const ui = await open({ size, runs });
    await ui.press('s');
    await vi.waitFor(() => expect(dialogText(ui.lastFrame())).toContain('switch hq (this machine)? y/N'));
    expect(dialogText(ui.lastFrame())).toContain('y start it · n, Esc or Enter: no');
    expectFits(ui.lastFrame(), size);
    await ui.press('y');
    await vi.waitFor(() => expect(dialogText(ui.lastFrame())).toContain('sudo needs your password to switch hq'));
    expect(dialogText(ui.lastFrame())).toContain('password: ▏');
    expect(dialogText(ui.lastFrame())).toContain('Enter start · Backspace edit · Esc cancel');
    await ui.press('pw', KEY.enter);
    await vi.waitFor(() => expect(runs.startCalls).toHaveLength(1));
    await ticks();
    await ui.press('4', 'c');
    await vi.waitFor(() => expect(dialogText(ui.lastFrame())).toContain('cancel the run on hq? y/N'));
    expect(dialogText(ui.lastFrame())).toContain('y cancel it · n, Esc or Enter: let it run');
    expectFits(ui.lastFrame(), size);
    await ui.press('n', 'q');
    await vi.waitFor(() => expect(dialogText(ui.lastFrame())).toMatch(/quit\? .*y\/N/));
    expect(dialogText(ui.lastFrame())).toContain('y quit · n, Esc or Enter: stay');
    for (const frame of ui.allFrames()) expectFits(frame, size);
  });

  it('switch to a generation, keep policy, delete generations', async () => {
    const runs = new FakeRuns();
    const ops = new FakeGenerationOps(runs);
    const ui = await open({ size, runs, genOps: ops });
    await ui.press('2', 'j', 'j', KEY.enter);
    await vi.waitFor(() => expect(ui.lastFrame()).toContain('packages:'));
    await ui.press(KEY.enter);
    await vi.waitFor(() => expect(dialogText(ui.lastFrame())).toContain('Roll back hq to generation 42 (from 44)? s/b/t or N'));
    let text = dialogText(ui.lastFrame());
    for (const key of ['s switch now', 'b boot it next time', 't test:', 'n no, change nothing']) expect(text).toContain(key);
    await ui.press('n', KEY.esc, 'K');
    await vi.waitFor(() => expect(dialogText(ui.lastFrame())).toContain('Prune hq: which generations to keep?'));
    text = dialogText(ui.lastFrame());
    expect(text).toContain('keep the newest N generations:');
    expect(text).toContain('keep those newer than D days:');
    expect(text).toContain('Tab next field · Enter shows what goes');
    await ui.press(KEY.esc, 'g', 'j', 'j', 'j', KEY.space, 'X');
    await vi.waitFor(() => expect(dialogText(ui.lastFrame())).toContain('Delete 1 generation of hq (41)? y/N'));
    expect(dialogText(ui.lastFrame())).toContain('y delete them · n, Esc or Enter: no');
    for (const frame of ui.allFrames()) expectFits(frame, size);
  });
});

describe('the activation command in a question', () => {
  it('is shown whole, wrapped, never ending in …', async () => {
    const runs = new FakeRuns();
    const ui = await open({ size: MEDIUM, runs, prefs: { rebuildFlags: '--option substituters https://cache.example.org/with/a/long/path' } });
    await ui.press('s');
    await vi.waitFor(() => expect(dialogText(ui.lastFrame())).toContain('switch hq (this machine)? y/N'));
    const text = dialogText(ui.lastFrame());
    expect(text).toContain(`command: nixos-rebuild switch --flake ${ui.controller.state.flakeDir}#hq --option substituters https://cache.example.org/with/a/long/path`);
    expect(text).not.toContain('…');
  });
});

describe('help', () => {
  /** Every row the help shows while it is scrolled from top to bottom with j. */
  async function helpRows(size: { columns: number; rows: number }): Promise<string[]> {
    const ui = await open({ size });
    await ui.press('?');
    const seen: string[] = [];
    let previous = '';
    for (let i = 0; i < 80; i++) {
      const frame = ui.lastFrame();
      expectFits(frame, size);
      seen.push(...rowsOf(frame));
      if (frame === previous) break;
      previous = frame;
      await ui.press('j');
    }
    return seen;
  }

  it.each([SMALL, MEDIUM, LARGE])('at $columns x $rows shows every binding whole, scrolled with j, in columns that do not overlap', async (size) => {
    const rows = await helpRows(size);
    for (const b of KEYMAP) {
      const cell = `${keyLabel(b).padEnd(10)}${b.description}`;
      expect(
        rows.some((r) => r.includes(cell)),
        `"${cell}" in\n${rows.join('\n')}`,
      ).toBe(true);
    }
    expect(rows.some((r) => r.includes('partial/cancelled'))).toBe(true);
  });

  it('uses two columns at 60 and 80, three at 120', async () => {
    const count = async (size: { columns: number; rows: number }): Promise<number> => {
      const ui = await open({ size });
      await ui.press('?');
      const first = rowsOf(ui.lastFrame())[2] ?? '';
      harness?.cleanup();
      harness = null;
      return ['Move', 'Runs', 'Generations', 'Panes', 'General', 'Run pane', 'Todos', 'Questions', 'Diff, prune, lists, help', 'Typing', 'Repository', 'Markers'].filter((h) => new RegExp(`(^| )${h}( |$)`).test(first)).length;
    };
    expect(await count(SMALL)).toBe(2);
    expect(await count(MEDIUM)).toBe(2);
    expect(await count(LARGE)).toBe(3);
  });

  it('G goes to the end, g to the top, and the bottom line says where it is', async () => {
    const ui = await open({ size: SMALL });
    await ui.press('?', 'G');
    let frame = ui.lastFrame();
    expect(frame).toContain('partial/cancelled');
    expect(frame).toMatch(/lines \d+-(\d+) of \1 · j\/k PgDn PgUp g G scroll/);
    await ui.press('g');
    frame = ui.lastFrame();
    expect(rowsOf(frame)[2]).toMatch(/^Move/);
    expect(frame).toMatch(/lines 1-\d+ of \d+/);
  });
});

describe('the generations pane', () => {
  it('wraps a message instead of cutting it at 60x16', async () => {
    const message = 'vm01 is not this machine (hq): its generations are not reachable yet';
    const hint = 'until then: ssh vm01 nixos-rebuild list-generations';
    const ui = await open({ size: SMALL, generations: { ...DEFAULT_GENERATIONS, hq: { ok: false, error: message, hint } } });
    const text = joined(paneRows(ui.lastFrame(), '2 Generations'));
    expect(text).toContain(message);
    expect(text).toContain(hint);
    expectFits(ui.lastFrame(), SMALL);
  });

  it('wraps the detail of the selected generation onto a second row, keeping specialisations and revision', async () => {
    const list = buildGenerationList({
      currentNumber: 7,
      runningPath: '/nix/store/aaaa-nixos-system-7',
      bootedPath: '/nix/store/aaaa-nixos-system-7',
      runningKernel: '6.12.31',
      bootedKernel: '6.12.31',
      links: [
        {
          number: 7,
          mtimeMs: Date.parse('2025-06-03T06:00:00Z'),
          target: '/nix/store/aaaa-nixos-system-7',
          state: 'ok',
          nixosVersion: '25.11.20250901.1234567',
          kernelVersion: '6.12.31',
          configurationRevision: 'abcdef0123456789',
          specialisations: ['gaming', 'work'],
        },
      ],
    });
    for (const size of [MEDIUM, LARGE]) {
      const ui = await open({ size, generations: { hq: { ok: true, list } } });
      const detail = joined(paneRows(ui.lastFrame(), '2 Generations').slice(-2));
      expect(detail).toContain('#7 · 2025-06-03 06:00 UTC');
      expect(detail).toContain('spec: gaming, work');
      expect(detail).toContain('rev abcdef0');
      harness?.cleanup();
      harness = null;
    }
  });
});

describe('the full log path of a failed run', () => {
  it.each([SMALL, MEDIUM])('is whole on rows of its own at $columns x $rows', async (size) => {
    const runs = new FakeRuns();
    const ui = await open({ size, runs });
    await ui.press('b');
    await vi.waitFor(() => expect(runs.startCalls).toHaveLength(1));
    const logPath = '/home/someone-with-a-long-name/.local/state/nixdeck/runs/2025-06-01T12-00-00Z-hq-build-0123456789abcdef.log';
    runs.push('run1', (v) => finished({ ...v, logPath, progress: progressOf(fixtureLines('modern-failure')) }, 1));
    await ticks();
    const rows = paneRows(ui.lastFrame(), '4 Runs').map((r) => r.trimEnd());
    // its rows, joined, are the path (with the label before it when there is room)
    const at = rows.findIndex((r) => r === 'full log:' || r.startsWith('/home/someone'));
    expect(at, rows.join('\n')).toBeGreaterThan(0);
    const path = rows.slice(at).join('').replace(/^full log:/, '');
    expect(path.startsWith(logPath), rows.join('\n')).toBe(true);
    expectFits(ui.lastFrame(), size);
  });
});

describe('the header', () => {
  const headerAt = (flakeDir: string, width: number): string => {
    const ui = harness;
    if (!ui) throw new Error('no console');
    const state = { ...ui.controller.state, flakeDir, home: '/home/me' };
    const { lastFrame, unmount } = render(<Header state={state} width={width} />);
    const line = stripAnsi(lastFrame() ?? '');
    unmount();
    return line;
  };

  it('shortens the path in the middle and keeps a gap before the next field', async () => {
    await open({ size: SMALL });
    const long = '/home/me/src/work/infrastructure/nixos-configurations/fleet';
    for (const width of [60, 80]) {
      const line = headerAt(long, width);
      expect(stringWidth(line)).toBeLessThanOrEqual(width);
      expect(line).toMatch(/^ nixdeck {2}~\/…\/(\S+\/)?fleet {2,}flake: 5 configurations/);
    }
    expect(headerAt(long, 120)).toContain('~/src/work/infrastructure/nixos-configurations/fleet  ');
    expect(headerAt('/srv/fleet', 60)).toMatch(/^ nixdeck {2}\/srv\/fleet {2,}flake:/);
  });
});
