// The keymap is data: every scope's bindings have keys of their own, the help lists every one
// of them, and a key that cannot act says why in the status bar.

import { afterEach, describe, expect, it } from 'vitest';
import { helpColumns } from '../../src/ui/HelpOverlay.js';
import { glyphsFor, screenText } from '../../src/ui/glyphs.js';
import { type Binding, KEYMAP, keyContext, keyLabel, type KeyName, SCOPES } from '../../src/ui/keymap.js';
import { type ConsoleHarness, KEY, renderConsole, statusBarText } from '../helpers/ui.js';

describe('the bindings', () => {
  it.each(SCOPES)('in scope %s: no key is bound twice', (scope) => {
    const owner = new Map<KeyName, string>();
    for (const b of KEYMAP.filter((b) => b.scopes.includes(scope))) {
      for (const key of b.keys) {
        expect(owner.get(key), `${key} in ${scope}: ${owner.get(key)} and ${b.command}`).toBeUndefined();
        owner.set(key, b.command);
      }
    }
    expect(owner.size, `scope ${scope} has bindings`).toBeGreaterThan(0);
  });

  it('write their keys within the help key column, and give a hint only for their own scopes', () => {
    for (const b of KEYMAP) {
      expect(keyLabel(b).length, b.command).toBeLessThan(10);
      if (b.hint && typeof b.hint !== 'string') for (const scope of Object.keys(b.hint)) expect(b.scopes, `${b.command} hint`).toContain(scope);
    }
  });

  it.each([false, true])('are all in the help, with every command of every scope (ascii %s)', (ascii) => {
    const g = glyphsFor(ascii);
    const lines = helpColumns(120, g).columns.flat();
    const shown = new Set(lines.flatMap((l) => (l.kind === 'binding' ? [`${l.keys}|${l.text}`] : [])));
    for (const scope of SCOPES)
      for (const b of KEYMAP.filter((b) => b.scopes.includes(scope))) expect(shown.has(`${screenText(keyLabel(b), g)}|${screenText(b.description, g)}`), `${b.command} of ${scope}`).toBe(true);
  });
});

describe('a binding that cannot act', () => {
  let harness: ConsoleHarness | null = null;
  afterEach(() => {
    harness?.cleanup();
    harness = null;
  });

  const typed = (key: KeyName): string => (key === 'return' ? KEY.enter : key === 'space' ? KEY.space : key);
  const disabled = KEYMAP.filter((b): b is Binding & Required<Pick<Binding, 'disabledReason'>> => b.disabledReason !== undefined);

  it.each(disabled.map((b) => [b.command, b] as const))('%s says why in the status bar and does nothing', async (_command, b) => {
    // no runs and no generation operations in this console: every such key is refused
    harness = await renderConsole({ prefs: { lastPane: 'hosts' } });
    const ui = harness;
    await ui.press(b.scopes.includes('hosts') ? '1' : '2');
    // a pin needs only a generation under the cursor: a filter that matches none takes it away
    if (!b.disabledReason(keyContext(ui.controller.state))) await ui.press('/', 'zzzzzz', KEY.enter);
    const reason = b.disabledReason(keyContext(ui.controller.state));
    expect(reason, b.command).toBeTruthy();
    await ui.press(typed(b.keys[0] ?? ''));
    expect(statusBarText(ui.lastFrame())).toBe(`${keyLabel(b)}: ${reason}`);
    expect(ui.controller.state.dialog).toBeNull();
    expect(ui.controller.state.genView).toBeNull();
  });
});
