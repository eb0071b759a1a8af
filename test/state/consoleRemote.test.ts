// Acting on other hosts from the console's state, with fakes: the "not this machine" refusals
// gone where the services deploy over SSH, an unreachable host said before anything is asked,
// marks, one question for the marked hosts, the `parallel` limit, the summary rows from the
// deploy's log lines, and the sudo password asked once per host (again when refused).
import { afterEach, describe, expect, it } from 'vitest';
import { deployProgressOf } from '../../src/core/deployProgress.js';
import { DEFAULT_PREFS } from '../../src/core/prefsSchema.js';
import { Controller, type Services } from '../../src/state/controller.js';
import { summaryRows } from '../../src/state/group.js';
import { runRefusal } from '../../src/state/hostRules.js';
import { keyContext, runRule } from '../../src/ui/keys/context.js';
import { finished, logOf, T_NOW } from '../ui/fakeRuns.js';
import { FakeRemoteRuns } from './remoteFakes.js';

const controllers: Controller[] = [];
afterEach(() => {
  for (const c of controllers.splice(0)) c.dispose();
});

async function consoleWith(runs: FakeRemoteRuns, parallel = 3): Promise<Controller> {
  const hosts = ['hq', 'pi', 't460'];
  const services: Services = {
    hostname: 'hq',
    listFolderHosts: async () => hosts,
    evalFlakeHosts: async () => ({ ok: true, names: hosts }),
    readGenerations: async () => ({ ok: false, error: 'none here' }),
    readTodos: async () => ({ ok: false, error: 'no todos here', missing: true }),
    setTodoDone: async () => ({ kind: 'error', message: 'not here' }),
    savePrefs: () => {},
    runs,
  };
  const c = new Controller(services, { flakeDir: '/flake', todoFile: '/flake/PROJECT.md', prefs: { ...DEFAULT_PREFS, lastPane: 'hosts', parallel }, runRefreshMs: 0, now: () => T_NOW });
  controllers.push(c);
  await c.start();
  return c;
}

const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
};

function select(c: Controller, host: string): void {
  c.lists.moveTo(c.state.panes.hosts.hits.findIndex((h) => h.item.name === host));
}

describe('remote hosts: refusals', () => {
  it('switch, boot and test of another host are allowed when the services deploy over SSH; dry-activate still says why', () => {
    const t460 = { name: 't460', local: false };
    for (const action of ['switch', 'boot', 'test'] as const) {
      expect(runRefusal(t460, action, 'hq', { deploys: true, changes: true })).toBeNull();
      expect(runRefusal(t460, action, 'hq')).toMatch(/not this machine/);
    }
    expect(runRefusal(t460, 'dry-activate', 'hq', { deploys: true, changes: true })).toBe(
      't460 is not this machine (hq): dry-activate runs on this machine only; t tests t460 (it rolls back by itself)',
    );
  });

  it('the keymap lets s act on t460, and the controller knows the services deploy other hosts', async () => {
    const c = await consoleWith(new FakeRemoteRuns());
    select(c, 't460');
    expect(c.state.remote).toEqual({ deploys: true, changes: false });
    expect(runRule('switch')(keyContext(c.state))).toBeNull();
    expect(runRule('dry-activate')(keyContext(c.state))).toMatch(/dry-activate runs on this machine only/);
  });
});

describe('s on another host', () => {
  it('reaches the host first: unreachable is said, nothing is asked or started', async () => {
    const runs = new FakeRemoteRuns();
    runs.unreachable = { pi: 'connection refused' };
    const c = await consoleWith(runs);
    select(c, 'pi');
    c.runs.requestRun('switch');
    await settle();
    expect(c.state.dialog).toBeNull();
    expect(c.state.notice?.text).toBe('switch on pi not started: pi cannot be reached: connection refused');
    expect(runs.startCalls).toEqual([]);
  });

  it('asks what will happen (build here, copy, activate, the rollback), then the password once; a wrong one is asked again', async () => {
    const runs = new FakeRemoteRuns();
    runs.sudoPasswords = { t460: 'right' };
    const c = await consoleWith(runs);
    select(c, 't460');
    c.runs.requestRun('switch');
    await settle();
    expect(c.state.dialog).toMatchObject({ kind: 'confirmRun', host: 't460', remote: { buildHost: null, confirmTimeout: 30 } });
    c.dialogs.confirmDialog();
    await settle();
    expect(c.state.dialog).toMatchObject({ kind: 'password', host: 't460' });
    c.dialogs.typePassword('wrong');
    c.dialogs.submitPassword();
    await settle();
    expect(c.state.dialog).toMatchObject({ kind: 'password', host: 't460', error: 'sudo did not accept the password', length: 0 });
    expect(runs.startCalls).toEqual([]);
    c.dialogs.typePassword('right');
    c.dialogs.submitPassword();
    await settle();
    expect(runs.startCalls).toEqual([{ host: 't460', action: 'switch', password: 'right' }]);
    // the run ends; the next deploy of t460 does not ask again
    runs.push('run1', (v) => finished(v, 0));
    await settle();
    c.runs.requestRun('test');
    await settle();
    c.dialogs.confirmDialog();
    await settle();
    expect(c.state.dialog).toBeNull();
    expect(runs.startCalls.at(-1)).toEqual({ host: 't460', action: 'test' });
    expect(runs.passwordTries.map((t) => t.password)).toEqual(['wrong', 'right']);
  });
});

describe('marked hosts', () => {
  it('Space marks and unmarks the selected host, a marks all and clears all', async () => {
    const c = await consoleWith(new FakeRemoteRuns());
    select(c, 't460');
    c.marks.toggleSelected();
    expect(c.state.markedHosts).toEqual(['t460']);
    select(c, 'hq');
    c.marks.toggleSelected();
    expect(c.state.markedHosts).toEqual(['hq', 't460']);
    c.marks.toggleSelected();
    expect(c.state.markedHosts).toEqual(['t460']);
    c.marks.toggleAll();
    expect(c.state.markedHosts).toEqual([]);
    c.marks.toggleAll();
    expect(c.state.markedHosts).toEqual(['hq', 'pi', 't460']);
    expect(c.state.notice?.text).toMatch(/^all marked: 3 marked/);
  });

  it('one question for all marked hosts; one run per host, at most `parallel` at once, the queued host starts when one ends', async () => {
    const runs = new FakeRemoteRuns();
    const c = await consoleWith(runs, 2);
    c.marks.toggleAll();
    c.runs.requestRun('switch');
    await settle();
    expect(c.state.dialog).toEqual({ kind: 'confirmGroup', action: 'switch', hosts: ['hq', 'pi', 't460'], parallel: 2, confirmTimeout: 30, skipped: [] });
    expect(runs.startCalls).toEqual([]);
    c.dialogs.confirmDialog();
    await settle();
    expect(runs.startCalls.map((r) => r.host)).toEqual(['hq', 'pi']);
    expect(c.state.group?.hosts.map((h) => h.state)).toEqual(['started', 'started', 'queued']);
    expect(c.state.markedHosts).toEqual([]);
    runs.push('run1', (v) => finished(v, 0));
    await settle();
    expect(runs.startCalls.map((r) => r.host)).toEqual(['hq', 'pi', 't460']);
    expect(c.state.group?.hosts.map((h) => h.state)).toEqual(['started', 'started', 'started']);
  });

  it('an unreachable marked host is named in the question and not deployed; the others go', async () => {
    const runs = new FakeRemoteRuns();
    runs.unreachable = { pi: 'timed out after 10 s' };
    const c = await consoleWith(runs);
    c.marks.toggleAll();
    c.runs.requestRun('boot');
    await settle();
    expect(c.state.dialog).toMatchObject({ kind: 'confirmGroup', hosts: ['hq', 't460'], skipped: [{ host: 'pi', error: 'pi cannot be reached: timed out after 10 s' }] });
    c.dialogs.confirmDialog();
    await settle();
    expect(runs.startCalls.map((r) => r.host)).toEqual(['hq', 't460']);
    const rows = summaryRows(c.state.group!, c.state.runs.views);
    expect(rows.find((r) => r.host === 'pi')).toMatchObject({ result: 'not started', reason: 'pi cannot be reached: timed out after 10 s' });
  });

  it('asks the password once per host that needs one before the group starts; Esc leaves that host out', async () => {
    const runs = new FakeRemoteRuns();
    runs.sudoPasswords = { pi: 'pw-pi', t460: 'pw-t460' };
    const c = await consoleWith(runs);
    c.marks.toggleAll();
    c.runs.requestRun('switch');
    await settle();
    c.dialogs.confirmDialog();
    await settle();
    expect(c.state.dialog).toMatchObject({ kind: 'password', host: 'pi', group: true });
    c.dialogs.typePassword('pw-pi');
    c.dialogs.submitPassword();
    await settle();
    expect(c.state.dialog).toMatchObject({ kind: 'password', host: 't460', group: true });
    c.dialogs.dismissDialog();
    await settle();
    expect(runs.startCalls.map((r) => r.host)).toEqual(['hq', 'pi']);
    expect(c.state.group?.hosts.find((h) => h.name === 't460')).toMatchObject({ state: 'not started', error: 'no sudo password given' });
  });

  it('the summary rows say each host phase, the countdown while confirming, and the result (rolled back) from the log lines', async () => {
    const runs = new FakeRemoteRuns();
    const c = await consoleWith(runs);
    c.marks.toggleAll();
    c.runs.requestRun('switch');
    await settle();
    c.dialogs.confirmDialog();
    await settle();
    const confirming = ['nixdeck: phase build: t460 here', 'nixdeck: phase copy: /nix/store/x to t460', 'nixdeck: phase activate: switch t460', 'nixdeck: phase confirm: t460', 'nixdeck: confirming: 25 s left'];
    runs.push('run3', { progress: logOf(confirming), deploy: deployProgressOf(confirming) });
    const rolled = [...confirming.slice(0, 4), 'error: pi rolled back: no acknowledgement within 30 s: rolled back to generation 2'];
    runs.push('run2', (v) => ({ ...finished({ ...v, progress: logOf(rolled) }, 1), deploy: deployProgressOf(rolled) }));
    runs.push('run1', (v) => finished(v, 0));
    await settle();
    const rows = summaryRows(c.state.group!, c.state.runs.views);
    expect(rows.map((r) => [r.host, r.phase, r.countdown, r.result])).toEqual([
      ['hq', '-', null, 'ok'],
      ['pi', 'confirm', null, 'rolled back'],
      ['t460', 'confirm', '25 s left', 'running'],
    ]);
    expect(rows[1]?.reason).toBe('no acknowledgement within 30 s: rolled back to generation 2');
  });
});
