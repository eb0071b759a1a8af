// The layout computed in state: resize(columns, rows) → the layout → every list and scroller
// kept inside it, without Ink. The screen's measures are the console's own (src/ui/measures.ts).
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_PREFS } from '../../src/core/prefsSchema.js';
import { Controller, type Services } from '../../src/state/controller.js';
import { logWindow } from '../../src/state/runLog.js';
import { screenMeasures } from '../../src/ui/measures.js';
import { FakeRuns, logOf, numberedLines, T_NOW } from '../ui/fakeRuns.js';

const controllers: Controller[] = [];
afterEach(() => {
  for (const c of controllers.splice(0)) c.dispose();
});

const HOSTS = Array.from({ length: 14 }, (_, i) => `host${String(i).padStart(2, '0')}`);

async function started(columns: number, rows: number, runs?: FakeRuns): Promise<Controller> {
  const services: Services = {
    hostname: 'host00',
    listFolderHosts: async () => HOSTS,
    evalFlakeHosts: async () => ({ ok: true, names: HOSTS }),
    readGenerations: async () => ({ ok: false, error: 'none here' }),
    readTodos: async () => ({ ok: false, error: 'no todos here', missing: true }),
    setTodoDone: async () => ({ kind: 'error', message: 'not here' }),
    savePrefs: () => {},
    ...(runs ? { runs } : {}),
  };
  const c = new Controller(services, { flakeDir: '/flake', todoFile: '/flake/PROJECT.md', prefs: { ...DEFAULT_PREFS, lastPane: 'hosts' }, runRefreshMs: 0, now: () => T_NOW });
  controllers.push(c);
  c.attachScreen(screenMeasures, columns, rows);
  await c.start();
  return c;
}

/** The hosts pane's cursor is on a row it shows. */
function hostInSight(c: Controller): boolean {
  const { cursor, offset } = c.state.panes.hosts;
  return cursor >= offset && cursor < offset + c.state.layout.lists.hosts;
}

describe('resize → layout → windows', () => {
  it('the layout follows the size: boxes, list rows, the too-small screen', async () => {
    const c = await started(80, 24);
    expect(c.state.layout).toMatchObject({ columns: 80, rows: 24, tooSmall: false, statusRows: 1, body: 21, topHeight: 10, bottomHeight: 11 });
    expect(c.state.layout.lists).toEqual({ hosts: 8, generations: 8, todos: 9 });
    c.resize(60, 16);
    expect(c.state.layout).toMatchObject({ tooSmall: false, body: 13, topHeight: 6, hostsWidth: 22, generationsWidth: 38 });
    expect(c.state.layout.lists.hosts).toBe(4);
    c.resize(59, 16);
    expect(c.state.layout.tooSmall).toBe(true);
  });

  it('shrinking to 60x16 keeps the selected host in sight; growing again keeps it where it is', async () => {
    const c = await started(80, 30);
    c.lists.focus('hosts');
    c.lists.moveTo(9);
    expect(c.state.panes.hosts).toMatchObject({ cursor: 9, offset: 0 });
    c.resize(60, 16);
    expect(c.state.panes.hosts).toMatchObject({ cursor: 9, offset: 6 });
    expect(hostInSight(c)).toBe(true);
    // keys page by the rows shown now
    c.lists.halfPage(1);
    expect(c.state.panes.hosts.cursor).toBe(11);
    expect(hostInSight(c)).toBe(true);
    c.resize(80, 30);
    expect(c.state.panes.hosts.cursor).toBe(11);
    expect(hostInSight(c)).toBe(true);
  });

  it('a screen too small to draw moves no window', async () => {
    const c = await started(80, 30);
    c.lists.focus('hosts');
    c.lists.moveTo(9);
    c.resize(40, 10);
    expect(c.state.panes.hosts).toMatchObject({ cursor: 9, offset: 0 });
  });

  it('a long message takes status lines from the body, and the lists keep the cursor in sight', async () => {
    const c = await started(60, 16);
    c.lists.focus('hosts');
    c.lists.moveTo(3);
    expect(c.state.panes.hosts).toMatchObject({ cursor: 3, offset: 0 });
    c.setNotice({ kind: 'warn', text: 'a message long enough to need three lines of the status bar at sixty columns: it says what went wrong and then what to do about it, in full' });
    expect(c.state.layout.statusRows).toBe(3);
    expect(c.state.layout.lists.hosts).toBe(3);
    expect(c.state.panes.hosts).toMatchObject({ cursor: 3, offset: 1 });
  });

  it('the help scroll is clamped after a resize that shows more of it', async () => {
    const c = await started(60, 16);
    c.setOverlay('help');
    c.scrollHelp(Number.MAX_SAFE_INTEGER);
    const before = c.state.layout.help;
    expect(c.state.help.scroll).toBe(before.maxScroll);
    c.resize(200, 60);
    const after = c.state.layout.help;
    expect(after.maxScroll).toBeLessThan(before.maxScroll);
    expect(c.state.help.scroll).toBe(after.maxScroll);
  });

  it('a run log that follows shows its newest lines after a resize, and pages by the rows it has then', async () => {
    const runs = new FakeRuns();
    const c = await started(80, 24, runs);
    c.runs.requestRun('build');
    await new Promise((r) => setImmediate(r));
    runs.push('run1', { progress: logOf(numberedLines(200)) });
    await new Promise((r) => setImmediate(r));
    c.lists.focus('runs');
    const pane = (): NonNullable<(typeof c.state.runs.open)[number]> => c.state.runs.open[0] ?? expect.fail('no run pane');
    const logRows = (): number => c.state.layout.runs.panes[0]?.logRows ?? 0;
    const view = (): NonNullable<(typeof c.state.runs.views)[string]> => c.state.runs.views.run1 ?? expect.fail('no run view');
    const small = logRows();
    expect(pane().follow).toBe(true);
    expect(logWindow(view(), pane(), small).start).toBe(200 - small);

    c.resize(80, 40);
    const large = logRows();
    expect(large).toBeGreaterThan(small);
    expect(pane().follow).toBe(true);
    expect(logWindow(view(), pane(), large).start).toBe(200 - large);

    c.runPanes.scrollRunPage(-1, 1);
    expect(pane()).toMatchObject({ follow: false, top: 200 - 2 * large });
  });

});
