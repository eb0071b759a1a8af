// The read-only text view (git status, a commit): opens at once with "reading…", fills in,
// scrolls within its lines, shows a failure with its hint, drops a late answer, Esc closes it.
import { afterEach, describe, expect, it } from 'vitest';
import type { Result } from '../../src/core/result.js';
import { KEY, renderConsole, statusBarText, ticks, type ConsoleHarness } from '../helpers/ui.js';

let ui: ConsoleHarness | undefined;
afterEach(() => {
  ui?.cleanup();
  ui = undefined;
});

function deferred<T>(): { promise: Promise<T>; resolve(value: T): void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const LINES = Array.from({ length: 60 }, (_, i) => `line ${String(i + 1).padStart(2, '0')} of the text`);

describe('text view', () => {
  it('shows reading…, then the lines; scrolls with j, G and g; Esc closes', async () => {
    ui = await renderConsole();
    const answer = deferred<Result<string[]>>();
    ui.controller.text.show('git status', () => answer.promise);
    await ticks();
    expect(ui.lastFrame()).toContain('git status');
    expect(ui.lastFrame()).toContain('reading');
    answer.resolve({ ok: true, value: LINES });
    await ticks();
    expect(ui.lastFrame()).toContain('line 01 of the text');
    expect(statusBarText(ui.lastFrame() ?? '')).toContain('close');
    await ui.press('j');
    expect(ui.lastFrame()).not.toContain('line 01 of the text');
    expect(ui.lastFrame()).toContain('line 02 of the text');
    await ui.press('G');
    expect(ui.lastFrame()).toContain('line 60 of the text');
    const rows = ui.controller.state.layout.overlayRows;
    expect(ui.controller.state.textView?.scroll).toBe(60 - rows);
    expect(ui.lastFrame()).toContain(`${60 - rows + 1}-60 of 60`);
    await ui.press('g');
    expect(ui.lastFrame()).toContain('line 01 of the text');
    await ui.press(KEY.esc);
    await ticks(4);
    expect(ui.controller.state.textView).toBeNull();
    expect(ui.lastFrame()).not.toContain('line 01 of the text');
  });

  it('says what failed and what to do; keys of the panes do not act under it', async () => {
    ui = await renderConsole();
    ui.controller.text.show('git show 1234567', async () => ({ ok: false, error: 'git: unknown revision 1234567', hint: 'the commit is not in this repository' }));
    await ticks();
    expect(ui.lastFrame()).toContain('git: unknown revision 1234567');
    expect(ui.lastFrame()).toContain('the commit is not in this repository');
    const focus = ui.controller.state.focus;
    await ui.press(KEY.tab);
    expect(ui.controller.state.focus).toBe(focus);
    await ui.press('q');
    expect(ui.controller.state.textView).toBeNull();
  });

  it('drops the answer of a text that was closed or replaced', async () => {
    ui = await renderConsole();
    const first = deferred<Result<string[]>>();
    ui.controller.text.show('first', () => first.promise);
    ui.controller.text.show('second', async () => ({ ok: true, value: ['the second text'] }));
    await ticks();
    first.resolve({ ok: true, value: ['the first text'] });
    await ticks();
    expect(ui.lastFrame()).toContain('the second text');
    expect(ui.lastFrame()).not.toContain('the first text');
  });
});
