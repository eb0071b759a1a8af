// The console's slices driven without Ink: lists and filter, run panes and log search, runs and
// the password dialog, the help scroller.
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_PREFS } from '../../src/core/prefsSchema.js';
import type { Prefs } from '../../src/core/prefsSchema.js';
import { Controller, type Services } from '../../src/state/controller.js';
import { screenMeasures } from '../../src/ui/measures.js';
import { FakeRuns, finished, logOf, makeView, numberedLines, T_NOW } from '../ui/fakeRuns.js';

const controllers: Controller[] = [];
afterEach(() => {
  for (const c of controllers.splice(0)) c.dispose();
});

function consoleWith(hosts: string[], runs?: FakeRuns): { c: Controller; saved: Partial<Prefs>[] } {
  const saved: Partial<Prefs>[] = [];
  const services: Services = {
    hostname: 'hq',
    listFolderHosts: async () => hosts,
    evalFlakeHosts: async () => ({ ok: true, names: hosts }),
    readGenerations: async () => ({ ok: false, error: 'none here' }),
    readTodos: async () => ({ ok: false, error: 'no todos here', missing: true }),
    setTodoDone: async () => ({ kind: 'error', message: 'not here' }),
    savePrefs: (changes) => saved.push(changes),
    ...(runs ? { runs } : {}),
  };
  const c = new Controller(services, { flakeDir: '/flake', todoFile: '/flake/PROJECT.md', prefs: { ...DEFAULT_PREFS, lastPane: 'hosts' }, runRefreshMs: 0, now: () => T_NOW });
  controllers.push(c);
  return { c, saved };
}

const names = (c: Controller): string[] => c.state.panes.hosts.hits.map((h) => h.item.name);

describe('lists slice', () => {
  it('moves, pages and filters the hosts pane, remembering the host chosen', async () => {
    const hosts = Array.from({ length: 12 }, (_, i) => `host${String(i).padStart(2, '0')}`);
    const { c, saved } = consoleWith(hosts);
    await c.start();
    c.resize(80, 16); // 4 rows of hosts
    c.lists.moveTo(0);
    c.lists.move(5);
    expect(c.state.panes.hosts).toMatchObject({ cursor: 5, offset: 2 });
    expect(saved.at(-1)).toEqual({ lastHost: c.lists.selectedHost()?.name });
    c.lists.halfPage(1);
    expect(c.state.panes.hosts.cursor).toBe(7);
    const selected = c.lists.selectedHost()?.name;
    c.lists.startFilter();
    c.lists.setFilter('host11');
    expect(names(c)[0]).toBe('host11');
    expect(names(c).length).toBeLessThan(hosts.length);
    expect(c.state.panes.hosts).toMatchObject({ editing: true, cursor: 0, offset: 0 });
    c.lists.clearFilter();
    expect(c.state.panes.hosts).toMatchObject({ filter: '', editing: false });
    expect(c.lists.selectedHost()?.name).toBe('host11');
    expect(selected).not.toBe('host11');
  });

  it('Tab leaves the run panes out until one is open', async () => {
    const { c } = consoleWith(['hq']);
    await c.start();
    c.lists.focus('todos');
    c.lists.focusNext(1);
    expect(c.state.focus).toBe('hosts');
    c.lists.focusNext(-1);
    expect(c.state.focus).toBe('todos');
  });
});

describe('runs, run panes and dialogs slices', () => {
  it('a build asks for the password, starts with it, and the pane scrolls and searches its log', async () => {
    const runs = new FakeRuns();
    runs.passwordFor = () => true;
    const { c } = consoleWith(['hq'], runs);
    await c.start();
    c.runs.requestRun('build');
    await new Promise((r) => setImmediate(r));
    expect(c.state.dialog).toMatchObject({ kind: 'password', host: 'hq', action: 'build', length: 0 });
    c.dialogs.typePassword('sec');
    c.dialogs.typePassword('ret');
    c.dialogs.erasePassword();
    expect(c.state.dialog).toMatchObject({ length: 5 });
    expect(JSON.stringify(c.state)).not.toContain('secre');
    c.dialogs.submitPassword();
    await new Promise((r) => setImmediate(r));
    expect(runs.startCalls).toEqual([{ host: 'hq', action: 'build', password: 'secre' }]);
    expect(c.state.runs.open.map((p) => p.id)).toEqual(['run1']);

    runs.push('run1', { progress: logOf(numberedLines(40)) });
    await new Promise((r) => setImmediate(r));
    c.resize(80, 26); // 10 rows of log
    c.runPanes.scrollRun(-5);
    expect(c.state.runs.open[0]).toMatchObject({ follow: false });
    const top = c.state.runs.open[0]?.top ?? -1;
    c.runPanes.scrollRunPage(-1, 0.5);
    expect(c.state.runs.open[0]?.top).toBe(top - 5);
    c.runPanes.followRun();
    expect(c.state.runs.open[0]?.follow).toBe(true);

    c.runPanes.startSearch();
    c.runPanes.setSearchDraft('line 1');
    c.runPanes.submitSearch();
    const pane = c.state.runs.open[0];
    expect(pane).toMatchObject({ search: 'line 1', follow: false, matchCount: 11 });
    c.runPanes.nextMatch(1);
    expect(c.state.runs.open[0]?.matchIndex).toBe(((pane?.matchIndex ?? 0) % 11) + 1);
    c.runPanes.clearSearch();
    expect(c.state.runs.open[0]).toMatchObject({ search: '', match: null });

    runs.push('run1', (view) => finished(view, 0));
    await new Promise((r) => setImmediate(r));
    expect(c.state.notice?.text).toMatch(/^build on hq /);
    c.runPanes.closeRun();
    expect(c.state.runs.open).toEqual([]);
    expect(runs.watching('run1')).toBe(0);
  });

  it('Esc in the password field: nothing starts and the host may be asked again', async () => {
    const runs = new FakeRuns();
    runs.passwordFor = () => true;
    const { c } = consoleWith(['hq'], runs);
    await c.start();
    c.runs.requestRun('build');
    await new Promise((r) => setImmediate(r));
    c.dialogs.typePassword('x');
    c.dialogs.dismissDialog();
    expect(c.state.dialog).toBeNull();
    expect(c.state.notice).toEqual({ kind: 'info', text: 'build on hq not started' });
    c.runs.requestRun('build');
    await new Promise((r) => setImmediate(r));
    expect(c.state.dialog).toMatchObject({ kind: 'password', length: 0 });
    expect(runs.startCalls).toEqual([]);
  });

  it('the run list cursor stays on a run; q asks while one is going', async () => {
    const runs = new FakeRuns();
    runs.recentViews = [makeView({ id: 'a', host: 'hq', action: 'build' }), finished(makeView({ id: 'b', host: 'hq', action: 'build' }), 0)];
    const { c } = consoleWith(['hq'], runs);
    await c.start();
    c.runs.openRunsList();
    expect(c.state.overlay).toBe('runs');
    c.runs.moveRunsList(5);
    expect(c.state.runs.listCursor).toBe(1);
    c.runs.moveRunsList(-5);
    expect(c.state.runs.listCursor).toBe(0);
    expect(c.runs.requestQuit()).toBe(false);
    expect(c.state.dialog).toMatchObject({ kind: 'confirmQuit' });
    expect(c.dialogs.confirmDialog()).toBe('quit');
  });
});

describe('help scroller', () => {
  it('scrolls within what the help has', () => {
    const { c } = consoleWith([]);
    c.attachScreen(screenMeasures, 80, 24);
    c.setOverlay('help');
    const { rows, maxScroll } = c.state.layout.help;
    expect(rows).toBe(19);
    expect(maxScroll).toBeGreaterThan(5);
    c.scrollHelp(5);
    expect(c.state.help.scroll).toBe(5);
    c.scrollHelp(1000);
    expect(c.state.help.scroll).toBe(maxScroll);
    c.scrollHelp(-1000);
    expect(c.state.help.scroll).toBe(0);
  });
});

describe('run feed: runs that end', () => {
  it('tells its listeners once when a watched run goes from running to ended, not for runs first seen ended', async () => {
    const runs = new FakeRuns();
    const { c } = consoleWith(['hq'], runs);
    await c.start();
    const ended: string[] = [];
    const stop = c.feed.onRunEnded((view) => ended.push(`${view.id}:${view.phase}`));
    runs.addRun(finished(makeView({ id: 'old', host: 'hq', action: 'build' }), 0));
    const started = await runs.start({ host: 'hq', action: 'build' });
    const id = started.ok ? started.id : '';
    c.feed.watch(id);
    c.feed.watch('old');
    await new Promise((r) => setTimeout(r, 5));
    expect(ended).toEqual([]);
    runs.push(id, (view) => finished(view, 1));
    runs.push('old', (view) => ({ ...view }));
    await new Promise((r) => setTimeout(r, 5));
    expect(ended).toEqual([`${id}:failed`]);
    stop();
    runs.push(id, { phase: 'running', summary: null, endedAtMs: null });
    await new Promise((r) => setTimeout(r, 5));
    runs.push(id, (view) => finished(view, 0));
    await new Promise((r) => setTimeout(r, 5));
    expect(ended).toEqual([`${id}:failed`]);
  });
});
