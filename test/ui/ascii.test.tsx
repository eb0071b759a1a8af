// --ascii / TERM=linux / the asciiBorders preference: not one character of the frame is outside
// ASCII — borders, separators, run signs, ellipses, arrows, and text from files alike.

import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';

// no colour codes, so the frame holds only what the console draws
const previousForceColor = vi.hoisted(() => {
  const previous = process.env.FORCE_COLOR;
  process.env.FORCE_COLOR = '0';
  return previous;
});
afterAll(() => {
  if (previousForceColor === undefined) delete process.env.FORCE_COLOR;
  else process.env.FORCE_COLOR = previousForceColor;
});

import { type ConsoleHarness, type ConsoleOptions, KEY, renderConsole, ticks } from '../helpers/ui.js';
import { FakeGenerationOps } from './fakeGenerations.js';
import { FakeRuns, finished, fixtureLines, progressOf, T_NOW } from './fakeRuns.js';
import { expectFits, nonAscii } from './screen.js';

const SIZES = [
  { columns: 60, rows: 16 },
  { columns: 80, rows: 24 },
  { columns: 120, rows: 40 },
];

let harness: ConsoleHarness | null = null;

async function open(opts: ConsoleOptions): Promise<ConsoleHarness> {
  harness = await renderConsole({ runRefreshMs: 0, now: () => T_NOW, prefs: { asciiBorders: true }, ...opts });
  return harness;
}

afterEach(() => {
  harness?.cleanup();
  harness = null;
});

/** Every frame drawn so far is plain ASCII and fits the terminal. */
function expectAscii(ui: ConsoleHarness, size: { columns: number; rows: number }): void {
  for (const frame of ui.allFrames()) {
    expect(nonAscii(frame), frame).toEqual([]);
    expectFits(frame, size);
  }
}

describe.each(SIZES)('ASCII mode at $columns x $rows', (size) => {
  it('the main screen, with a todo holding non-ASCII letters and a todo file name', async () => {
    const ui = await open({ size, todos: '# Café — “notes”\n\n- [ ] on t460 (ünïcode) … → ≥ 漢字\n- [x] done\n' });
    expect(ui.lastFrame()).toContain('[ ] on t460 (unicode)');
    await ui.press('2');
    expectAscii(ui, size);
  });

  it('the help, scrolled from top to bottom', async () => {
    const ui = await open({ size });
    await ui.press('?', 'j', KEY.down, 'G', 'k', 'g');
    expect(ui.lastFrame()).toContain('nixdeck keys');
    expectAscii(ui, size);
  });

  it('a failed run pane, and a question', async () => {
    const runs = new FakeRuns();
    const ui = await open({ size, runs });
    await ui.press('b');
    await vi.waitFor(() => expect(runs.startCalls).toHaveLength(1));
    runs.push('run1', (v) => finished({ ...v, progress: progressOf(fixtureLines('modern-failure')) }, 1));
    await ticks();
    expect(ui.lastFrame()).toContain('x hq | build | failed');
    await ui.press('s');
    await vi.waitFor(() => expect(ui.lastFrame()).toContain('switch hq (this machine)? y/N'));
    await ui.press('n', 'L');
    expectAscii(ui, size);
  });

  it('the flake evaluation error, quoting nix with colours and quotes', async () => {
    const ui = await open({ size, flake: { error: 'error: \u001b[31msyntax error\u001b[0m, unexpected “}” — at flake.nix:3', hint: 'run: nix eval …' } });
    await ui.press('e');
    expect(ui.lastFrame()).toContain('flake evaluation');
    expect(ui.rawFrame()).not.toContain('\u001b');
    expectAscii(ui, size);
  });

  it('a diff of two generations and the switch question under it', async () => {
    const runs = new FakeRuns();
    const ops = new FakeGenerationOps(runs);
    const ui = await open({ size, runs, genOps: ops });
    await ui.press('2', 'j', 'j', KEY.enter);
    await vi.waitFor(() => expect(ui.lastFrame()).toContain('packages:'));
    await ui.press(KEY.enter);
    await vi.waitFor(() => expect(ui.lastFrame()).toContain('s/b/t or N'));
    expectAscii(ui, size);
  });
});
