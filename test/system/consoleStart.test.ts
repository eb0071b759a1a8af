// Controller.start(): what the first full frame shows is read first, the flake evaluation after.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_PREFS } from '../../src/core/prefsSchema.js';
import type { Host } from '../../src/core/types.js';
import type { GenerationsRead } from '../../src/core/result.js';
import { Controller, type Services } from '../../src/state/controller.js';
import type { FlakeHostsResult } from '../../src/system/hostsDiscovery.js';
import { readTodoFile, setTodoDone } from '../../src/system/todoFile.js';
import { DEFAULT_GENERATIONS } from '../helpers/ui.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'nixdeck-start-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const file = path.join(tmp, 'PROJECT.md');
writeFileSync(file, '# Fleet\n\n- [ ] Update any outdated packages\n');

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  return { promise: new Promise<T>((r) => (resolve = r)), resolve };
}

function setup(cached: string[] | null) {
  const events: string[] = [];
  const evaluation = deferred<FlakeHostsResult>();
  const generations = deferred<GenerationsRead>();
  const services: Services = {
    hostname: 'hq',
    listFolderHosts: async () => ['hq', 'pi'],
    cachedFlakeHosts: async () => cached,
    evalFlakeHosts: () => {
      events.push('eval');
      return evaluation.promise;
    },
    readGenerations: (host: Host) => {
      events.push(`generations ${host.name}`);
      return generations.promise;
    },
    readTodos: async (f) => {
      const read = await readTodoFile(f);
      events.push('todos');
      return read;
    },
    setTodoDone,
    savePrefs: () => {},
  };
  const controller = new Controller(services, { flakeDir: tmp, todoFile: file, prefs: DEFAULT_PREFS });
  return { controller, events, evaluation, generations };
}

const settle = () => new Promise((r) => setTimeout(r, 20));

describe('Controller.start', () => {
  it('starts the flake evaluation only once the todos and the selected host’s generations are in', async () => {
    const s = setup(null);
    const started = s.controller.start();
    await vi.waitFor(() => expect(s.events).toEqual(['generations hq', 'todos']));
    await settle();
    expect(s.events).toEqual(['generations hq', 'todos']); // no evaluation while generations are read
    s.generations.resolve(DEFAULT_GENERATIONS.hq as GenerationsRead);
    await vi.waitFor(() => expect(s.events).toEqual(['generations hq', 'todos', 'eval']));
    expect(s.controller.state.generations.hq?.status).toBe('ok');
    s.evaluation.resolve({ ok: true, names: ['hq', 'pi', 't460'] });
    await started;
    expect(s.controller.state.hosts.map((h) => h.name)).toEqual(['hq', 'pi', 't460']);
    s.controller.dispose();
  });

  it('lists the hosts of the last evaluation at once, and the evaluation then decides', async () => {
    const s = setup(['hq', 't460', 'vm01']);
    const started = s.controller.start();
    s.generations.resolve(DEFAULT_GENERATIONS.hq as GenerationsRead);
    await vi.waitFor(() => expect(s.events).toContain('eval'));
    // before the evaluation answers: the folder hosts and the cached flake hosts, still "loading"
    expect(s.controller.state.hosts).toEqual([
      { name: 'hq', sources: ['flake', 'folder'], local: true },
      { name: 'pi', sources: ['folder'], local: false },
      { name: 't460', sources: ['flake'], local: false },
      { name: 'vm01', sources: ['flake'], local: false },
    ]);
    expect(s.controller.state.flakeEval.status).toBe('loading');
    // vm01 is gone from the flake since
    s.evaluation.resolve({ ok: true, names: ['hq', 't460'] });
    await started;
    expect(s.controller.state.hosts.map((h) => h.name)).toEqual(['hq', 'pi', 't460']);
    expect(s.controller.state.flakeEval).toEqual({ status: 'ok', value: ['hq', 't460'] });
    s.controller.dispose();
  });

  it('drops the cached hosts when the evaluation fails', async () => {
    const s = setup(['hq', 'vm01']);
    const started = s.controller.start();
    s.generations.resolve(DEFAULT_GENERATIONS.hq as GenerationsRead);
    await vi.waitFor(() => expect(s.events).toContain('eval'));
    s.evaluation.resolve({ ok: false, error: 'flake evaluation failed: boom', detail: 'boom', hint: 'run: nix eval' });
    await started;
    expect(s.controller.state.hosts.map((h) => h.name)).toEqual(['hq', 'pi']);
    s.controller.dispose();
  });
});
