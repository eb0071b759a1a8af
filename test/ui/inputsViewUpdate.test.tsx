// The update from the Inputs view, end to end over FakeRuns: u starts it, the run is adopted and
// streams in a run pane; when it ends the view shows old → new and offers b / s / r.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RunView } from '../../src/core/runsService.js';
import { FakeRepo } from '../state/repoFakes.js';
import { FakeRuns, finished, makeView } from './fakeRuns.js';
import { type ConsoleHarness, KEY, renderConsole } from '../helpers/ui.js';

let ui: ConsoleHarness | null = null;
afterEach(() => {
  ui?.cleanup();
  ui = null;
});

const DAY = 86_400;
const T = Math.floor(Date.parse('2026-11-28T00:00:00Z') / 1000);

function setup(): { repo: FakeRepo; runs: FakeRuns } {
  const runs = new FakeRuns();
  const repo = new FakeRepo({
    outcomes: {
      update1: {
        ok: true,
        value: {
          runId: 'update1',
          revertible: true,
          changes: [{ name: 'nixpkgs', kind: 'changed', oldRev: 'b1c2d3e4f5'.padEnd(40, '0'), newRev: '0a0b0c0d0e'.padEnd(40, '0'), oldLastModified: T - 39 * DAY, newLastModified: T, daysGained: 39 }],
        },
      },
    },
  });
  repo.onStartUpdate = (id) => runs.addRun({ ...makeView({ id, host: 'flake.lock', action: 'build' }), action: 'update' } as RunView);
  return { repo, runs };
}

async function updated(): Promise<{ h: ConsoleHarness; repo: FakeRepo; runs: FakeRuns }> {
  const { repo, runs } = setup();
  ui = await renderConsole({ repo, runs, prefs: { lastPane: 'hosts' } });
  const h = ui;
  await h.press('I');
  await vi.waitFor(() => expect(h.controller.state.inputs.list?.status).toBe('ok'));
  await h.press(KEY.space, 'u');
  await vi.waitFor(() => expect(runs.adoptCalls).toEqual(['update1']));
  await h.press('');
  return { h, repo, runs };
}

describe('u in the Inputs view', () => {
  it('updates the marked inputs in a run pane, then shows old → new with its offers', async () => {
    const { h, repo, runs } = await updated();
    expect(repo.calls.startUpdate).toEqual([['nixpkgs']]);
    expect(h.controller.state.overlay).toBe('none');
    expect(h.controller.state.runs.open.map((p) => p.id)).toEqual(['update1']);
    expect(h.lastFrame()).toContain('flake.lock');
    runs.push('update1', (v) => finished(v, 0));
    await vi.waitFor(() => expect(h.controller.state.inputs.update?.outcome?.status).toBe('ok'));
    await h.press('');
    const frame = h.lastFrame();
    expect(h.controller.state.overlay).toBe('inputs');
    expect(frame).toContain('1 input changed · nothing is committed');
    expect(frame).toMatch(/nixpkgs +b1c2d3e → 0a0b0c0 +2026-10-20 → 2026-11-28 +\+39 days/);
    expect(frame).toContain('b build every host');
    expect(repo.calls.updateOutcome).toEqual(['update1']);
  });

  it('b asks to build every host (one run each), s asks to switch every host; both default to No', async () => {
    const { h, runs } = await updated();
    runs.push('update1', (v) => finished(v, 0));
    await vi.waitFor(() => expect(h.controller.state.inputs.update?.shown).toBe(true));
    await h.press('b');
    await vi.waitFor(() => expect(h.controller.state.dialog?.kind).toBe('confirmGroup'));
    await h.press('');
    const dialog = h.controller.state.dialog;
    expect(dialog).toMatchObject({ kind: 'confirmGroup', action: 'build', title: 'build every host' });
    expect(h.lastFrame()).toContain('build 5 hosts: hq, nas, t460, vm01, vm02');
    await h.press(KEY.enter);
    expect(h.controller.state.dialog).toBeNull();
    expect(runs.startCalls).toEqual([]);
    await h.press('I');
    await h.press('U', 's');
    await vi.waitFor(() => expect(h.controller.state.dialog?.kind).toBe('confirmGroup'));
    expect(h.controller.state.dialog).toMatchObject({ action: 'switch', title: 'deploy every host' });
    await h.press('y');
    await vi.waitFor(() => expect(runs.startCalls.length).toBeGreaterThan(0));
    expect(runs.startCalls.every((c) => c.action === 'switch')).toBe(true);
  });

  it('b starts one build per host once confirmed', async () => {
    const { h, runs } = await updated();
    runs.push('update1', (v) => finished(v, 0));
    await vi.waitFor(() => expect(h.controller.state.inputs.update?.shown).toBe(true));
    await h.press('b');
    await vi.waitFor(() => expect(h.controller.state.dialog?.kind).toBe('confirmGroup'));
    await h.press('y');
    await vi.waitFor(() => expect(runs.startCalls.length).toBe(3));
    expect(runs.startCalls.map((c) => c.action)).toEqual(['build', 'build', 'build']);
  });

  it('r asks y/N, then puts flake.lock back', async () => {
    const { h, repo, runs } = await updated();
    runs.push('update1', (v) => finished(v, 0));
    await vi.waitFor(() => expect(h.controller.state.inputs.update?.shown).toBe(true));
    await h.press('r');
    expect(h.lastFrame()).toContain('put flake.lock back as it was before the update? y revert');
    await h.press(KEY.esc);
    await h.press('');
    expect(repo.calls.revertUpdate).toEqual([]);
    expect(h.controller.state.overlay).toBe('inputs');
    const gitReads = repo.calls.gitState;
    await h.press('r', 'y');
    await vi.waitFor(() => expect(repo.calls.revertUpdate).toEqual(['update1']));
    await h.press('');
    expect(h.lastFrame()).toContain('flake.lock is back as it was before the update');
    // the header's "N changed" is read again: flake.lock changed back
    await vi.waitFor(() => expect(repo.calls.gitState).toBeGreaterThan(gitReads));
  });

  it('says "flake.lock unchanged" when nothing changed, and nothing is offered to revert', async () => {
    const { repo, runs } = setup();
    repo.outcomes = {};
    ui = await renderConsole({ repo, runs, prefs: { lastPane: 'hosts' } });
    const h = ui;
    await h.press('I');
    await vi.waitFor(() => expect(h.controller.state.inputs.list?.status).toBe('ok'));
    await h.press('u');
    await vi.waitFor(() => expect(runs.adoptCalls).toEqual(['update1']));
    expect(repo.calls.startUpdate).toEqual([[]]);
    runs.push('update1', (v) => finished(v, 0));
    await vi.waitFor(() => expect(h.controller.state.inputs.update?.shown).toBe(true));
    await h.press('');
    expect(h.lastFrame()).toContain('flake.lock unchanged');
    await h.press('r');
    expect(h.lastFrame()).toContain('flake.lock is unchanged: nothing to revert');
  });
});
