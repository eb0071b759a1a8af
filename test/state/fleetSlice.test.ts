// The Fleet view's slice driven without Ink, over a fake fleet-status service.
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_PREFS } from '../../src/core/prefsSchema.js';
import type { Host } from '../../src/core/types.js';
import { Controller, type Services } from '../../src/state/controller.js';
import { FakeFleet, hostFacts, system, T_FLEET } from './fleetFakes.js';

const controllers: Controller[] = [];
afterEach(() => {
  for (const c of controllers.splice(0)) c.dispose();
});

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function consoleWith(hosts: string[], fleet?: FakeFleet): { c: Controller; reads: string[] } {
  const reads: string[] = [];
  const services: Services = {
    hostname: 'hq',
    listFolderHosts: async () => hosts,
    evalFlakeHosts: async () => ({ ok: true, names: hosts }),
    readGenerations: async (host: Host) => {
      reads.push(host.name);
      return { ok: false, error: `${host.name}: not here` };
    },
    readTodos: async () => ({ ok: false, error: 'no todos here', missing: true }),
    setTodoDone: async () => ({ kind: 'error', message: 'not here' }),
    savePrefs: () => {},
    ...(fleet ? { fleet } : {}),
  };
  const c = new Controller(services, { flakeDir: '/flake', todoFile: '/flake/PROJECT.md', prefs: { ...DEFAULT_PREFS, lastPane: 'hosts' }, now: () => T_FLEET });
  controllers.push(c);
  return { c, reads };
}

const HOSTS = ['hq', 'pi', 't460'];

describe('fleet slice', () => {
  it('opens on the selected host and reads every host at once; rows fill in as hosts answer, in any order', async () => {
    const fleet = new FakeFleet();
    const { c } = consoleWith(HOSTS, fleet);
    await c.start();
    c.lists.moveTo(1); // pi
    c.fleet.open(c.lists.selectedHost()?.name);
    expect(c.state.overlay).toBe('fleet');
    expect(fleet.calls).toHaveLength(1);
    expect(fleet.last.hosts.map((h) => h.name)).toEqual(HOSTS);
    const f = () => c.state.fleet;
    expect(f().names).toEqual(HOSTS);
    expect(f().cursor).toBe(1);
    expect(f().reading).toBe(true);
    expect(HOSTS.map((n) => f().rows[n])).toEqual(HOSTS.map(() => ({ row: null, reading: true, driftPending: false })));

    // the slowest host first in the list answers last: the others are shown meanwhile
    fleet.answer('t460', { ok: true, facts: hostFacts('t460', 2), rttMs: 12 }, { driftPending: true });
    fleet.answer('pi', { ok: false, error: 'connection refused' });
    expect(f().rows.t460).toMatchObject({ reading: false, driftPending: true, row: { status: { name: 't460', reachable: true, rttMs: 12, running: 2 } } });
    expect(f().rows.pi?.row?.status).toMatchObject({ reachable: false, error: 'connection refused' });
    expect(f().rows.hq).toMatchObject({ row: null, reading: true });
    expect(f().reading).toBe(true);

    // drift known later: the same row again
    fleet.answer('t460', { ok: true, facts: hostFacts('t460', 2), rttMs: 12 }, { flake: { ok: true, path: system('t460', 3) } });
    expect(f().rows.t460).toMatchObject({ driftPending: false, row: { status: { drift: 'outdated' } } });

    fleet.answer('hq', { ok: true, facts: hostFacts('hq', 4, { booted: 3 }), rttMs: null });
    fleet.last.finish();
    await flush();
    expect(f().reading).toBe(false);
    expect(f().endedAtMs).toBe(T_FLEET);
    expect(f().rows.hq?.row?.status).toMatchObject({ rebootNeeded: true, running: 4, booted: 3 });
  });

  it('a host the service never answered for is not shown as being read once the read ends', async () => {
    const fleet = new FakeFleet();
    const { c } = consoleWith(HOSTS, fleet);
    await c.start();
    c.fleet.open();
    fleet.answer('hq', { ok: true, facts: hostFacts('hq', 1), rttMs: null });
    fleet.last.finish();
    await flush();
    expect(c.state.fleet.rows.pi).toEqual({ row: null, reading: false, driftPending: false });
  });

  it('opening again does not read again; r does, keeping the old rows until each host answers, and a late answer of the old read is dropped', async () => {
    const fleet = new FakeFleet();
    const { c } = consoleWith(HOSTS, fleet);
    await c.start();
    c.fleet.open();
    const first = fleet.last;
    fleet.answer('hq', { ok: true, facts: hostFacts('hq', 4), rttMs: null });
    first.finish();
    await flush();
    c.fleet.close();
    expect(c.state.overlay).toBe('none');
    c.fleet.open();
    expect(fleet.calls).toHaveLength(1);

    void c.fleet.refresh();
    expect(fleet.calls).toHaveLength(2);
    expect(first.signal.aborted).toBe(false);
    expect(c.state.fleet.rows.hq).toMatchObject({ reading: true, row: { status: { running: 4 } } });
    void c.fleet.refresh();
    const second = fleet.calls[1];
    expect(second?.signal.aborted).toBe(true);
    // an answer of the aborted read changes nothing
    if (second) fleet.answer('hq', { ok: false, error: 'old answer' }, { call: second });
    expect(c.state.fleet.rows.hq).toMatchObject({ reading: true, row: { status: { reachable: true } } });
    fleet.answer('hq', { ok: true, facts: hostFacts('hq', 5), rttMs: null });
    expect(c.state.fleet.rows.hq).toMatchObject({ reading: false, row: { status: { running: 5 } } });
  });

  it('moves within the hosts and keeps the cursor in the visible rows', async () => {
    const names = Array.from({ length: 12 }, (_, i) => `h${String(i).padStart(2, '0')}`);
    const fleet = new FakeFleet();
    const { c } = consoleWith(names, fleet);
    await c.start();
    c.resize(80, 16); // a body of 13 rows: 8 host rows
    expect(c.state.layout.fleetRows).toBe(8);
    c.fleet.open('h00');
    c.fleet.move({ kind: 'move', delta: 5 });
    expect(c.state.fleet).toMatchObject({ cursor: 5, offset: 0 });
    c.fleet.move({ kind: 'move', delta: 4 });
    expect(c.state.fleet).toMatchObject({ cursor: 9, offset: 2 });
    c.fleet.move({ kind: 'moveTo', index: Number.MAX_SAFE_INTEGER });
    expect(c.state.fleet).toMatchObject({ cursor: 11, offset: 4 });
    // a taller terminal shows more rows: the window follows
    c.resize(80, 24);
    expect(c.state.fleet).toMatchObject({ cursor: 11, offset: 0 });
    c.fleet.move({ kind: 'move', delta: -100 });
    expect(c.state.fleet).toMatchObject({ cursor: 0, offset: 0 });
  });

  it('Enter selects the host in the Hosts pane, clearing a filter that hides it, and reads its generations', async () => {
    const fleet = new FakeFleet();
    const { c, reads } = consoleWith(HOSTS, fleet);
    await c.start();
    c.lists.focus('hosts');
    c.lists.startFilter();
    c.lists.setFilter('hq');
    c.lists.keepFilter();
    c.lists.focus('todos');
    c.fleet.open('hq');
    c.fleet.move({ kind: 'moveTo', index: 2 });
    c.fleet.chooseSelected();
    expect(c.state.overlay).toBe('none');
    expect(c.state.focus).toBe('hosts');
    expect(c.state.panes.hosts.filter).toBe('');
    expect(c.lists.selectedHost()?.name).toBe('t460');
    expect(reads).toContain('t460');
  });

  it('without a fleet-status service F says so and opens nothing', async () => {
    const { c } = consoleWith(HOSTS);
    await c.start();
    expect(c.state.fleet.available).toBe(false);
    c.fleet.open('hq');
    expect(c.state.overlay).toBe('none');
    expect(c.state.notice?.text).toBe('the fleet view is not available in this console');
  });

  it('a service that fails says why in the view', async () => {
    const { c } = consoleWith(HOSTS, undefined);
    const failing = new Controller(
      {
        hostname: 'hq',
        listFolderHosts: async () => HOSTS,
        evalFlakeHosts: async () => ({ ok: true, names: HOSTS }),
        readGenerations: async () => ({ ok: false, error: 'no' }),
        readTodos: async () => ({ ok: false, error: 'none', missing: true }),
        setTodoDone: async () => ({ kind: 'error', message: 'no' }),
        savePrefs: () => {},
        fleet: { read: async () => Promise.reject(new Error('ssh is not installed')) },
      },
      { flakeDir: '/flake', todoFile: '/flake/PROJECT.md', prefs: DEFAULT_PREFS, now: () => T_FLEET },
    );
    controllers.push(failing);
    expect(c.state.fleet.available).toBe(false);
    await failing.start();
    failing.fleet.open();
    await flush();
    expect(failing.state.fleet).toMatchObject({ reading: false, error: 'ssh is not installed' });
  });
});
