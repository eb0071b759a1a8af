// The Fleet view (F) drawn by Ink over a fake fleet-status service: rows as hosts answer, the
// reason of an unreachable host, drift in words, the keys, and the narrow and plain terminals.
import { afterEach, describe, expect, it } from 'vitest';
import { type ConsoleHarness, KEY, renderConsole, statusBarText, ticks } from '../helpers/ui.js';
import { FakeFleet, hostFacts, system, T_FLEET } from '../state/fleetFakes.js';

const harnesses: ConsoleHarness[] = [];
afterEach(() => {
  for (const h of harnesses.splice(0)) h.cleanup();
});

const HOSTS = ['hq', 'pi', 't460'];

async function open(options: Parameters<typeof renderConsole>[0] = {}): Promise<{ ui: ConsoleHarness; fleet: FakeFleet }> {
  const fleet = new FakeFleet();
  const ui = await renderConsole({ folderHosts: HOSTS, flake: HOSTS, fleet, prefs: { lastPane: 'hosts' }, now: () => T_FLEET, ...options });
  harnesses.push(ui);
  await ui.press('F');
  return { ui, fleet };
}

/** hq up to date and this machine, t460 outdated with a failed unit, pi refusing connections. */
async function answerAll(fleet: FakeFleet): Promise<void> {
  fleet.answer('hq', { ok: true, facts: hostFacts('hq', 4), rttMs: null }, { flake: { ok: true, path: system('hq', 4) } });
  fleet.answer('t460', { ok: true, facts: hostFacts('t460', 2, { booted: 1, failed: ['restic-backup.service'] }), rttMs: 23 }, { flake: { ok: true, path: system('t460', 3) } });
  fleet.answer('pi', { ok: false, error: 'connection refused' });
  fleet.last.finish();
  await ticks(5);
}

describe('the Fleet view', () => {
  it('F opens it from the Hosts pane; hosts not answered yet say they are being read', async () => {
    const { ui, fleet } = await open();
    const frame = ui.lastFrame();
    expect(frame).toContain('fleet');
    expect(frame).toMatch(/HOST\s+REACH\s+RUNNING\s+REBOOT\s+DRIFT/);
    expect(frame).toMatch(/hq\s+reading…/);
    fleet.answer('t460', { ok: true, facts: hostFacts('t460', 2), rttMs: 23 }, { driftPending: true });
    await ticks();
    expect(ui.lastFrame()).toMatch(/t460\s+23 ms\s+2 \(1d\)\s+no\s+evaluating…/);
    expect(ui.lastFrame()).toMatch(/hq\s+reading…/);
  });

  it('shows every host: reachable and rtt, running generation and age, reboot, drift, failed units, and why a host is unreachable', async () => {
    const { ui, fleet } = await open();
    await answerAll(fleet);
    const frame = ui.lastFrame();
    expect(frame).toMatch(/hq\s+local\s+4 \(1d\)\s+no\s+up-to-date\s+0/);
    expect(frame).toMatch(/t460\s+23 ms\s+2 \(1d\)\s+needed\s+outdated\s+1: restic-back.*2h\s+-/);
    expect(frame).toMatch(/pi\s+unreachable\s+connection refused/);
    // the status bar shows the view's keys
    expect(statusBarText(frame)).toMatch(/Enter select host.*r refresh.*Esc close/);
  });

  it('j/k move, the line below says the selected host in full, Enter selects it in the Hosts pane', async () => {
    const { ui, fleet } = await open();
    await answerAll(fleet);
    await ui.press('j');
    expect(ui.lastFrame()).toMatch(/> pi\s+unreachable/);
    expect(ui.lastFrame()).toContain('pi: connection refused');
    await ui.press('j');
    expect(ui.lastFrame()).toContain('failed: restic-backup.service');
    await ui.press(KEY.enter);
    const frame = ui.lastFrame();
    expect(frame).toContain('[1 Hosts]');
    expect(frame).toMatch(/> t460/);
    expect(frame).toMatch(/2 Generations.*t460/);
  });

  it('r reads every host again; Esc and q close the view', async () => {
    const { ui, fleet } = await open();
    await answerAll(fleet);
    await ui.press('r');
    expect(fleet.calls).toHaveLength(2);
    expect(ui.lastFrame()).toMatch(/hq\s+reading…/);
    await ui.press(KEY.esc);
    await ticks(3);
    expect(ui.lastFrame()).toContain('[1 Hosts]');
    await ui.press('F');
    expect(fleet.calls).toHaveLength(2); // opened again: the rows are there, nothing is read
    await ui.press('q');
    expect(ui.lastFrame()).toContain('[1 Hosts]');
    expect(ui.exited()).toBe(false);
  });

  it('at 60x16 the columns that matter most stay: host, reach, drift, running, reboot', async () => {
    const { ui, fleet } = await open({ size: { columns: 60, rows: 16 } });
    await answerAll(fleet);
    const lines = ui.lastFrame().split('\n');
    expect(Math.max(...lines.map((l) => [...l].length))).toBeLessThanOrEqual(60);
    const header = lines.find((l) => l.includes('HOST')) ?? '';
    expect(header).toMatch(/HOST\s+REACH\s+RUNNING\s+REBOOT\s+DRIFT/);
    expect(header).not.toContain('UPTIME');
    expect(ui.lastFrame()).toMatch(/t460\s+23 ms\s+2 \(1d\)\s+needed\s+outdated/);
    expect(ui.lastFrame()).toMatch(/pi\s+unreachable\s+connection refused/);
  });

  it('in ASCII and without colour, drift and reachability are words in plain ASCII', async () => {
    const { ui, fleet } = await open({ prefs: { lastPane: 'hosts', asciiBorders: true }, color: false });
    fleet.answer('hq', { ok: true, facts: hostFacts('hq', 4), rttMs: null }, { driftPending: true });
    await ticks();
    expect(ui.lastFrame()).toMatch(/pi\s+reading\.\.\./);
    expect(ui.lastFrame()).toMatch(/hq\s+local.*evaluating\.\.\./);
    await answerAll(fleet);
    const raw = ui.rawFrame();
    const frame = ui.lastFrame();
    expect(frame).toMatch(/t460\s+23 ms\s+2 \(1d\)\s+needed\s+outdated/);
    expect(frame).not.toMatch(/[^\x00-\x7f]/);
    // no colour codes in the rows: the words carry it all
    const t460 = raw.split('\n').find((l) => l.includes('t460') && l.includes('outdated')) ?? '';
    expect(t460).not.toMatch(/\x1b\[3[0-9]m/);
  });

  it('from a pane other than the Hosts pane F says nothing opens there', async () => {
    const fleet = new FakeFleet();
    const ui = await renderConsole({ folderHosts: HOSTS, flake: HOSTS, fleet, prefs: { lastPane: 'todos' } });
    harnesses.push(ui);
    await ui.press('F');
    expect(fleet.calls).toHaveLength(0);
    expect(ui.lastFrame()).not.toMatch(/HOST\s+REACH/);
  });
});
