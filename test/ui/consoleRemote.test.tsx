// The console acting on other hosts, as drawn: the host marks, the deploy questions, and the
// group's summary rows in the runs list, at 80x24 and 60x16, with Unicode and --ascii borders.
import { afterEach, describe, expect, it } from 'vitest';
import { deployProgressOf } from '../../src/core/deployProgress.js';
import { type ConsoleHarness, KEY, renderConsole, statusBarText, ticks } from '../helpers/ui.js';
import { FakeRemoteRuns } from '../state/remoteFakes.js';
import { finished, logOf, T_NOW } from './fakeRuns.js';
import { expectFits, nonAscii, rowsOf } from './screen.js';

let harness: ConsoleHarness | null = null;
afterEach(() => {
  harness?.cleanup();
  harness = null;
});

const SIZES = [
  { columns: 80, rows: 24 },
  { columns: 60, rows: 16 },
];

async function open(size: { columns: number; rows: number }, ascii: boolean, runs = new FakeRemoteRuns()): Promise<{ ui: ConsoleHarness; runs: FakeRemoteRuns }> {
  harness = await renderConsole({
    folderHosts: ['hq', 'pi', 't460'],
    flake: ['hq', 'pi', 't460'],
    hostname: 'hq',
    size,
    runs,
    runRefreshMs: 0,
    now: () => T_NOW,
    prefs: { asciiBorders: ascii, lastPane: 'hosts', lastHost: 'hq' },
  });
  await ticks(5);
  return { ui: harness, runs };
}


describe.each([false, true])('ascii %s', (ascii) => {
  describe.each(SIZES)('at $columns x $rows', (size) => {
    it('Space marks a host with *, a marks all; the pane title counts them', async () => {
      const { ui } = await open(size, ascii);
      await ui.press(KEY.space);
      let frame = ui.lastFrame();
      expectFits(frame, size);
      expect(frame).toContain('>*hq');
      expect(frame).toMatch(/1\/3 m/);
      await ui.press('a');
      await ui.press('a');
      frame = ui.lastFrame();
      expect(frame).toMatch(/[│|]  ?\*pi /);
      expect(frame).toMatch(/3\/3 m/);
      expect(statusBarText(frame)).toMatch(/^all marked: 3 marked/);
      if (ascii) expect(nonAscii(frame)).toEqual([]);
    });

    it('s on t460 asks what will happen there: build here, copy, activate, the automatic rollback', async () => {
      const { ui } = await open(size, ascii);
      await ui.press('j', 'j', 's');
      await ticks(5);
      const frame = ui.lastFrame();
      expectFits(frame, size);
      const text = rowsOf(frame).join(' ').replace(/[│|]/g, ' ').replace(/\s+/g, ' ');
      expect(text).toContain('switch t460: build here, copy, activate; rolls back by itself unless nixdeck can reach it again within 30 s? y/N');
      expect(statusBarText(frame)).toContain('y yes');
      if (ascii) expect(nonAscii(frame)).toEqual([]);
    });

    it('with marks, s asks once for all of them, and L shows one summary row per host', async () => {
      const { ui, runs } = await open(size, ascii);
      await ui.press('a', 's');
      await ticks(5);
      let frame = ui.lastFrame();
      expectFits(frame, size);
      const text = rowsOf(frame).join(' ').replace(/[│|]/g, ' ').replace(/\s+/g, ' ');
      expect(text).toContain('switch 3 hosts: hq, pi, t460 — at most 3 at once (preference parallel)? y/N'.replace('—', ascii ? '-' : '—'));
      await ui.press('y');
      await ticks(5);
      const confirming = ['nixdeck: phase build: t460 here', 'nixdeck: phase copy: x', 'nixdeck: phase activate: switch t460', 'nixdeck: phase confirm: t460', 'nixdeck: confirming: 25 s left'];
      runs.push('run3', { progress: logOf(confirming), deploy: deployProgressOf(confirming) });
      const rolled = [...confirming.slice(0, 4), 'error: pi rolled back: no acknowledgement within 30 s'];
      runs.push('run2', (v) => ({ ...finished({ ...v, progress: logOf(rolled) }, 1), deploy: deployProgressOf(rolled) }));
      runs.push('run1', (v) => finished(v, 0));
      await ticks(5);
      await ui.press('L');
      frame = ui.lastFrame();
      expectFits(frame, size);
      const rows = rowsOf(frame);
      expect(rows.some((r) => r.includes('switch 3 hosts: 1 ok, 1 rolled back, 1 running'))).toBe(true);
      expect(rows.some((r) => /hq +- +ok/.test(r))).toBe(true);
      expect(rows.some((r) => /pi +4\/4 confirm +rolled back: no ack/.test(r))).toBe(true);
      expect(rows.some((r) => /t460 +4\/4 confirm +confirming: 25 s left/.test(r))).toBe(true);
      // pi's own run in the list below says how it ended: rolled back, not just failed
      expect(rows.some((r) => /pi +switch +rolled back/.test(r))).toBe(true);
      if (ascii) expect(nonAscii(frame)).toEqual([]);
    });
  });
});
