// Text from files and logs cannot drive the terminal: escape sequences, BEL, CR and TAB in todo
// text, log lines, run errors and host names reach the frame as visible text, never as control
// characters, and never push a border.

import stringWidth from 'string-width';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';

// no colour codes: then any ESC in the frame came from the text itself
const previousForceColor = vi.hoisted(() => {
  const previous = process.env.FORCE_COLOR;
  process.env.FORCE_COLOR = '0';
  return previous;
});
afterAll(() => {
  if (previousForceColor === undefined) delete process.env.FORCE_COLOR;
  else process.env.FORCE_COLOR = previousForceColor;
});

import { type ConsoleHarness, type ConsoleOptions, renderConsole, ticks } from '../helpers/ui.js';
import { FakeRuns, finished, logOf, T_NOW } from './fakeRuns.js';
import { paneRows, rowsOf } from './screen.js';

const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

let harness: ConsoleHarness | null = null;

async function open(opts: ConsoleOptions): Promise<ConsoleHarness> {
  harness = await renderConsole({ runRefreshMs: 0, now: () => T_NOW, ...opts });
  return harness;
}

afterEach(() => {
  harness?.cleanup();
  harness = null;
});

/** No control character in the frame as written, and every row exactly as wide as the terminal allows. */
function expectInert(ui: ConsoleHarness, columns: number): void {
  expect(ui.rawFrame()).not.toMatch(CONTROL);
  for (const line of rowsOf(ui.lastFrame())) expect(stringWidth(line), line).toBeLessThanOrEqual(columns);
}

describe('hostile text', () => {
  it('a todo with an escape sequence and a TAB shows them as text; the border stays in place', async () => {
    const ui = await open({ todos: '# Work\n\n- [ ] \u001b[31mred\u001b[0m\tafter the tab\u0007\n- [ ] plain\n' });
    const frame = ui.lastFrame();
    expect(frame).toMatch(/\[ \] \^\[\[31mred\^\[\[0m +after the tab\^G/);
    expectInert(ui, 80);
    // every row of the todos pane ends at the same right border
    const rows = rowsOf(frame);
    const top = rows.findIndex((r) => r.includes(' 3 Todos '));
    for (const row of rows.slice(top, -1)) expect(stringWidth(row), row).toBe(80);
    expect(paneRows(frame, '3 Todos').every((r) => stringWidth(r) === 78)).toBe(true);
  });

  it('a log line with a title-setting sequence, BEL and CR, and an error with BEL, reach the run pane as text', async () => {
    const runs = new FakeRuns();
    const ui = await open({ runs });
    await ui.press('b');
    await vi.waitFor(() => expect(runs.startCalls).toHaveLength(1));
    const msg = JSON.stringify({ action: 'msg', level: 0, msg: 'error: ring\u0007 the\rbell' });
    runs.push('run1', (v) => finished({ ...v, progress: logOf(['before\u001b]0;pwned\u0007after', 'over\rwrite', 'tab\there', `@nix ${msg}`]) }, 1));
    await ticks();
    const rows = paneRows(ui.lastFrame(), '4 Runs').map((r) => r.trimEnd());
    expect(rows).toContain('beforeafter');
    // a CR inside a log line: what a terminal would leave (the text after it), or made visible
    expect(rows.some((r) => r === 'write' || r === 'over^Mwrite')).toBe(true);
    expect(rows).toContain('tab here');
    expect(rows.some((r) => r.includes('ring^G the^Mbell'))).toBe(true);
    expectInert(ui, 80);
  });

  it('a message about reading generations (e.g. ssh stderr) with escape sequences is shown as text', async () => {
    const ui = await open({ generations: { hq: { ok: false, error: 'ssh said \u001b[2J\u001b[Hcleared', hint: 'try \u001b]8;;x\u0007this' } } });
    const rows = paneRows(ui.lastFrame(), '2 Generations').join(' ');
    expect(rows).toContain('ssh said ^[[2J^[[Hcleared');
    expect(rows).toContain('try ^[]8;;x^Gthis');
    expectInert(ui, 80);
  });
});
