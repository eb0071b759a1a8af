// A remote host's kept generation list in the generations pane: shown with its age, and with
// the reason when the host could not be read now.
import { afterEach, describe, expect, it } from 'vitest';
import { ageWords } from '../../src/ui/GenerationsPane.js';
import { type ConsoleHarness, renderConsole, T460_GENERATIONS, ticks } from '../helpers/ui.js';

const NOW = Date.parse('2025-06-10T12:00:00Z');
const HOUR = 3_600_000;

const harnesses: ConsoleHarness[] = [];
afterEach(() => {
  for (const h of harnesses.splice(0)) h.cleanup();
});

describe('kept generation lists in the console', () => {
  it('an unreachable host shows its kept list, its age in the title and the reason under the list', async () => {
    const ui = await renderConsole({
      folderHosts: ['hq', 'nas'],
      flake: ['hq', 'nas'],
      prefs: { lastPane: 'hosts' },
      now: () => NOW,
      cachedGenerations: { nas: { list: T460_GENERATIONS, savedAtMs: NOW - 2 * HOUR } },
    });
    harnesses.push(ui);
    await ui.press('j');
    await ticks(5);
    const frame = ui.lastFrame();
    expect(frame).toMatch(/> nas/);
    expect(frame).toMatch(/2 Generations\s+nas · 2 · unreachable · list from 2/);
    expect(frame).toMatch(/62 2025-06-04 .* cur run boot/);
    expect(frame).toMatch(/61 2025-06-03/);
    // the reason comes first under the list (the message of this harness is long: it is cut)
    expect(frame).toContain('│nas is not reachable: ssh: connect to host nas port');
    expect(ui.controller.state.cachedLists.nas?.error).toContain('nas is not reachable');
  });

  it('a host read now shows no age: the fresh list replaced the kept one', async () => {
    const ui = await renderConsole({
      folderHosts: ['hq', 't460'],
      flake: ['hq', 't460'],
      prefs: { lastPane: 'hosts' },
      now: () => NOW,
      cachedGenerations: { t460: { list: T460_GENERATIONS, savedAtMs: NOW - 2 * HOUR } },
    });
    harnesses.push(ui);
    await ui.press('j');
    await ticks(5);
    const frame = ui.lastFrame();
    expect(frame).toMatch(/2 Generations\s+t460 · 2 ─/);
    expect(frame).not.toContain('ago');
  });

  it('a short reason is read whole: the host, why, and how old the list is', async () => {
    const ui = await renderConsole({
      folderHosts: ['hq', 'nas'],
      flake: ['hq', 'nas'],
      prefs: { lastPane: 'hosts' },
      now: () => NOW,
      generations: { nas: { ok: false, error: 'nas: timed out after 10 s' } },
      cachedGenerations: { nas: { list: T460_GENERATIONS, savedAtMs: NOW - 2 * HOUR } },
    });
    harnesses.push(ui);
    await ui.press('j');
    await ticks(5);
    expect(ui.lastFrame()).toContain('nas: timed out after 10 s — list from 2 h ago');
  });

  it('ages in words', () => {
    expect([ageWords(45_000), ageWords(3 * 60_000 + 5), ageWords(2 * HOUR), ageWords(50 * HOUR)]).toEqual(['45 s', '3 min', '2 h', '2 d']);
  });
});
