// Filter matches without colour (NO_COLOR, TERM=dumb): chalk at level 0 drops underline and
// bold as well as colours, so the matched runs are put in brackets instead, within the width.

import stringWidth from 'string-width';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';

// what cli.ts makes of NO_COLOR, before chalk is first imported
const previousForceColor = vi.hoisted(() => {
  const previous = process.env.FORCE_COLOR;
  process.env.FORCE_COLOR = '0';
  return previous;
});
afterAll(() => {
  if (previousForceColor === undefined) delete process.env.FORCE_COLOR;
  else process.env.FORCE_COLOR = previousForceColor;
});

import { bracketMatches } from '../../src/ui/Highlight.js';
import { type ConsoleHarness, type ConsoleOptions, renderConsole } from '../helpers/ui.js';

const TODOS = `# Project

## Upgrades

- [ ] Update any outdated packages on every machine of the fleet, then reboot the ones with a new kernel
- [ ] Rotate the SSH host keys
`;

let harness: ConsoleHarness | null = null;
async function open(opts: ConsoleOptions): Promise<ConsoleHarness> {
  harness = await renderConsole({ todos: TODOS, ...opts });
  return harness;
}
afterEach(() => {
  harness?.cleanup();
  harness = null;
});

const lines = (frame: string): string[] => frame.split('\n');

describe('filter matches without colour', () => {
  it('brackets the matched runs when colour is off', async () => {
    const ui = await open({ color: false });
    await ui.press('/', 'vm1');
    expect(ui.rawFrame()).not.toContain('\u001B[');
    expect(ui.lastFrame()).toContain('[vm]0[1]');
  });

  it('does not bracket them when colour is on (colours and underline mark them)', async () => {
    const ui = await open({ color: true });
    await ui.press('/', 'vm1');
    expect(ui.lastFrame()).toContain('vm01');
    expect(ui.lastFrame()).not.toContain('[vm]');
  });

  it('keeps every row within the pane when the brackets add cells', async () => {
    const ui = await open({ color: false });
    const before = lines(ui.lastFrame());
    await ui.press('3', '/', 'updte');
    const after = lines(ui.lastFrame());
    // "Upd" and "te" are bracketed in the long todo, which is cut to its column as before
    expect(after.some((l) => l.includes('[Upd]a[te]'))).toBe(true);
    expect(after.length).toBe(before.length);
    // the rows of the panes (the status bar below them says other things now)
    for (const [i, line] of after.entries()) if (line.includes('│')) expect(stringWidth(line), `row ${i}: ${line}`).toBe(stringWidth(before[i] ?? ''));
    const row = after.find((l) => l.includes('[Upd]')) ?? '';
    const border = before.find((l) => l.includes('Update any')) ?? '';
    // the pane's right border stays where it was
    expect(row.lastIndexOf('│')).toBe(border.lastIndexOf('│'));
  });
});

describe('bracketMatches', () => {
  it('takes the padding of a fitted text first', () => {
    expect(bracketMatches('vm01      ', [[0, 1], [3, 3]])).toBe('[vm]0[1]  ');
  });
  it('cuts again to the same width when there is no padding', () => {
    const out = bracketMatches('t460 x1carbon', [[0, 1]]);
    expect(stringWidth(out)).toBe(13);
    expect(out).toBe('[t4]60 x1car…');
  });
  it('leaves text without matches alone', () => {
    expect(bracketMatches('hq  ', [])).toBe('hq  ');
  });
});
