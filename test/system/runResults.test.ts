// What `runs`, `log --summary`, the rebuild command and the console's runs service say about a
// run's outcome and time, over real detached runs (the demo's nixos-rebuild stand-in under the
// real supervisor, no Nix) and run folders written by hand.
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { logCommand, rebuildCommand, runsCommand } from '../../src/commands/rebuild.js';
import { type FakeIo, fakeIo } from '../commands/fakeIo.js';
import { createRunsService } from '../../src/services/runs.js';
import type { RunView } from '../../src/core/runsService.js';
import type { Environment } from '../../src/system/context.js';
import { historyFile, loadHistory } from '../../src/system/history.js';
import type { RebuildSetup } from '../../src/system/rebuilds.js';
import { startRun } from '../../src/system/runLauncher.js';
import { createRun, EXIT_FILE, LOG_FILE, runInfoAt, SUMMARY_FILE } from '../../src/system/runStore.js';

const work = mkdtempSync(path.join(os.tmpdir(), 'nixdeck-run-results-'));
// a detached supervisor may still be writing into its run folder when the tests end (ENOTEMPTY)
afterAll(() => rmSync(work, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }));

const self = (sub: string) => [process.execPath, '--import', 'tsx', path.resolve('src/cli.ts'), sub];
// slow enough that a build spans several reads of the log (so its time is more than an instant)
process.env.NIXDECK_DEMO_SPEED = '4';

function setup(name: string, extra: Partial<RebuildSetup> = {}): RebuildSetup {
  return {
    stateDir: path.join(work, name),
    flakeDir: '/demo/fleet',
    hostname: 'hq',
    executable: self('__demo-rebuild'),
    extraFlags: [],
    supervisor: self('__supervise'),
    isRoot: false,
    needsRoot: false,
    ...extra,
  };
}

function environment(rebuild: RebuildSetup): Environment {
  return {
    flakeDir: rebuild.flakeDir,
    todoFile: path.join(work, 'PROJECT.md'),
    root: work,
    hostname: 'hq',
    listFolderHosts: async () => [],
    evalFlakeHosts: async () => ({ ok: true, names: [] }),
    readGenerations: async () => ({ ok: false, error: 'not in this test' }),
    rebuild,
  };
}

function capture(): FakeIo {
  return fakeIo();
}

function until(service: ReturnType<typeof createRunsService>, id: string, done: (v: RunView) => boolean): Promise<RunView> {
  return new Promise((resolve) => {
    const stop = service.watch(id, (v) => {
      if (done(v)) {
        stop();
        resolve(v);
      }
    });
  });
}

async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined>, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const readJson = (file: string): unknown => {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
};

/** A finished run folder written by hand: its log, and exit.json; no summary.json (an older run). */
async function handRun(state: string, action: string, logLines: string[], exit: Record<string, unknown>): Promise<string> {
  const { dir } = await createRun(state, { host: 'hq', action, argv: ['nixos-rebuild', action], flakeDir: '/etc/nixos' });
  appendFileSync(path.join(dir, LOG_FILE), `${logLines.join('\n')}\n`);
  writeFileSync(path.join(dir, EXIT_FILE), JSON.stringify({ endedAt: new Date().toISOString(), cancelled: false, signal: null, ...exit }));
  return dir;
}

const fixture = (name: string): string[] => readFileSync(new URL(`../fixtures/nix/${name}.log`, import.meta.url), 'utf8').split('\n').filter((l) => l !== '');

describe('runs: the result of every run', () => {
  it('runs --json has result succeeded | failed | cancelled | partial | running, and the table shows it', async () => {
    const s = setup('results');
    const env = environment(s);
    const service = createRunsService(s);
    try {
      const ok = await service.start({ host: 'hq', action: 'build' });
      const bad = await service.start({ host: 'nas', action: 'build' });
      const stopped = await service.start({ host: 't460', action: 'build' });
      if (!ok.ok || !bad.ok || !stopped.ok) throw new Error('a run did not start');
      await until(service, stopped.id, (v) => v.progress.stage !== 'starting');
      await service.cancel(stopped.id);
      for (const id of [ok.id, bad.id, stopped.id]) await until(service, id, (v) => v.phase !== 'running');
    } finally {
      service.close();
    }
    // switch-to-configuration's exit 4: the system switched, some units failed
    await handRun(s.stateDir, 'switch', fixture('switch-units-failed'), { exitCode: 4 });
    // still going (no supervisor recorded yet, within its start grace)
    await createRun(s.stateDir, { host: 'pi', action: 'build', argv: ['nixos-rebuild', 'build'], flakeDir: '/etc/nixos' });

    const io = capture();
    expect(await runsCommand(env, io, true)).toBe(0);
    const rows = JSON.parse(io.stdout.join('\n')) as { host: string; result: string; exitCode: number | null }[];
    const byHost = Object.fromEntries(rows.map((r) => [r.host, r.result]));
    expect(byHost).toEqual({ hq: expect.any(String), nas: 'failed', t460: 'cancelled', pi: 'running' });
    expect(rows.filter((r) => r.host === 'hq').map((r) => r.result).sort()).toEqual(['partial', 'succeeded']);

    const table = capture();
    await runsCommand(env, table, false);
    expect(table.stdout[0]).toMatch(/^RUN\s+HOST\s+ACTION\s+RESULT\s+STARTED\s+EXIT/);
    const shown = (host: string, action: string) => table.stdout.filter((l) => new RegExp(`\\s${host}\\s+${action}\\s`).test(l)).map((l) => l.split(/\s+/)[3]);
    expect(shown('nas', 'build')).toEqual(['failed']);
    expect(shown('t460', 'build')).toEqual(['cancelled']);
    expect(shown('hq', 'switch')).toEqual(['partial']);
    expect(shown('hq', 'build')).toEqual(['succeeded']);
    expect(shown('pi', 'build')).toEqual(['running']);
  }, 120_000);
});

describe('log RUN --summary: the time of a failed derivation', () => {
  it('is the build time the supervisor saw, not 0; an older run without a saved summary says null', async () => {
    const s = setup('durations');
    const env = environment(s);
    const service = createRunsService(s);
    let id: string;
    try {
      const bad = await service.start({ host: 'nas', action: 'build' });
      if (!bad.ok) throw new Error(bad.error);
      id = bad.id;
      await until(service, id, (v) => v.phase !== 'running');
    } finally {
      service.close();
    }
    const dir = path.join(s.stateDir, 'runs', id);
    await waitFor('the saved summary', async () => readJson(path.join(dir, SUMMARY_FILE)));
    const io = capture();
    expect(await logCommand(env, io, id, true, true)).toBe(0);
    const summary = JSON.parse(io.stdout.join('\n')) as { result: string; durationMs: number; failedDerivations: { name: string; durationMs: number | null }[] };
    expect(summary.result).toBe('failed');
    const [failed] = summary.failedDerivations;
    expect(failed?.name).toBe('firmware-updater-1.4.2');
    expect(failed?.durationMs).toEqual(expect.any(Number));
    expect(failed?.durationMs).toBeGreaterThan(0);
    expect(failed?.durationMs).toBeLessThanOrEqual(summary.durationMs);

    // a run from before summaries were saved: the log has no times, so none is made up
    const old = await handRun(s.stateDir, 'build', fixture('failure-pi'), { exitCode: 1 });
    const io2 = capture();
    await logCommand(env, io2, path.basename(old), true, true);
    const parsed = JSON.parse(io2.stdout.join('\n')) as { failedDerivations: { durationMs: number | null }[] };
    expect(parsed.failedDerivations.map((f) => f.durationMs)).toEqual([null]);
  }, 120_000);
});

describe('log with a run that does not exist', () => {
  it('gives the hint once', async () => {
    const s = setup('lookup');
    mkdirSync(path.join(s.stateDir, 'runs'), { recursive: true });
    await handRun(s.stateDir, 'build', ['hello'], { exitCode: 0 });
    const io = capture();
    expect(await logCommand(environment(s), io, 'nope', false, false)).toBe(1);
    expect(io.stderr).toEqual(['error: no run matches "nope" (see: nixdeck runs)']);
    const io2 = capture();
    await logCommand(environment(s), io2, '.hidden', false, false);
    expect(io2.stderr.join('\n').match(/see: nixdeck runs/g)).toHaveLength(1);
  });
});

describe('the ETA of a switch to a generation', () => {
  const activation = (generation: number): string[] => ['nixdeck', '__activate', JSON.stringify({ kind: 'activate', profile: '/nix/var/nix/profiles/system', generation, action: 'switch' })];
  const record = (extra: Record<string, unknown>): string =>
    `${JSON.stringify({ id: `r${Math.random()}`, host: 'hq', action: 'switch', startedAt: '2025-06-01T10:00:00Z', durationMs: 3_600_000, result: 'succeeded', builds: {}, ...extra })}\n`;

  async function etaOfActivation(state: string): Promise<number | null> {
    const { id } = await createRun(state, { host: 'hq', action: 'switch', argv: activation(42), flakeDir: '/etc/nixos' });
    const service = createRunsService(setup(path.basename(state)));
    try {
      expect(await service.adopt(id)).toBe(true);
      const view = await until(service, id, () => true);
      expect(view).toMatchObject({ phase: 'running', generation: 42 });
      return view.etaMs;
    } finally {
      service.close();
    }
  }

  it('does not borrow the hour of rebuild-switches: none without activations, else theirs', async () => {
    const state = path.join(work, 'eta');
    mkdirSync(state, { recursive: true });
    writeFileSync(historyFile(state), record({}));
    expect(await etaOfActivation(state)).toBeNull();

    appendFileSync(historyFile(state), record({ kind: 'activation', durationMs: 20_000 }));
    const eta = await etaOfActivation(state);
    expect(eta).toEqual(expect.any(Number));
    expect(eta).toBeLessThanOrEqual(20_000);
  });

  it("an activation run is recorded in the history under its own kind", async () => {
    const s = setup('record');
    const run = await startRun({
      stateDir: s.stateDir,
      host: 'hq',
      action: 'switch',
      // a stand-in with the step runner's word in its command line; it activates nothing
      argv: ['bash', '-c', 'echo "nixdeck: switching to generation 42"', '__activate', '{}'],
      flakeDir: '/etc/nixos',
      supervisor: s.supervisor,
    });
    const history = await waitFor('the history record', async () => {
      const h = await loadHistory(s.stateDir);
      return h.runTimes.size > 0 ? h : null;
    });
    const line = JSON.parse(readFileSync(historyFile(s.stateDir), 'utf8').trim()) as { id: string; kind?: string };
    expect(line).toMatchObject({ id: run.id, kind: 'activation' });
    // not among the rebuild-switches of hq
    expect([...history.runTimes.keys()]).toEqual(['hq\u0000activation\u0000switch']);
    expect((await runInfoAt(run.dir)).exit?.exitCode).toBe(0);
  }, 60_000);
});

describe('the demo: its runs end with it', () => {
  it('rebuild says the run and its log go with the demo folder, and points to no log that will be gone', async () => {
    const s = setup('demo', { ephemeral: true });
    const io = capture();
    const code = await rebuildCommand(environment(s), io, 'nas', 'build');
    expect(code).toBe(1);
    const said = io.stderr.join('\n');
    expect(said).toContain("the demo's run lives in its temporary folder");
    expect(said).not.toContain('follow it with: nixdeck log');
    expect(said).not.toContain('full log: nixdeck log');
    expect(said).toContain("the demo's log is removed with its folder when this command ends");

    const runs = capture();
    await runsCommand(environment(s), runs, false);
    expect(runs.stderr.join('\n')).toContain("these are the demo's runs, in its temporary folder");
  }, 60_000);
});
