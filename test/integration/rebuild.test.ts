// Rebuild runs against the test fleet with the real nix: `nixdeck rebuild|runs|log` through the
// built CLI (dist/nixdeck.js), the fleet's nixos-rebuild stand-in on PATH (it runs a real
// `nix build`), a cancel mid-build, and a console that re-attaches to a run whose CLI was killed.
//
// hq builds (the output already exists, so `--rebuild` makes nix build it again: "checking
// outputs of …"), t460 is slow (3 log lines a second apart, also forced with `--rebuild`), pi's
// builder fails (no `--rebuild`: its output never exists). Everything of this file (preferences,
// runs, caches, the `result` link of `nixos-rebuild build`) lives in a private folder of the fleet.
import { execa, type ResultPromise } from 'execa';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunsService } from '../../src/services/runs.js';
import type { RunView } from '../../src/core/runsService.js';
import type { RebuildSetup } from '../../src/system/rebuilds.js';
import { cancelRun } from '../../src/system/runLauncher.js';
import { EXIT_FILE, isGroupAlive, listRuns, LOG_FILE, readMeta, runInfoAt, runsDir, type RunExit } from '../../src/system/runStore.js';
import { builtCli, CLI_PATH, isSkip, setupFleet, useFleet, type Fleet } from '../helpers/fleet.js';

const cli = builtCli();
const fleetResult = isSkip(cli) ? cli : await setupFleet();
const { skip, fleet } = useFleet('rebuild runs against the test fleet (real nix)', fleetResult, cli);

/** Preference sets, one XDG_CONFIG_HOME each: none, `rebuildFlags --rebuild`, a missing nixos-rebuild. */
type Config = 'plain' | 'rebuild' | 'missing';

let work = '';
const dirs = { state: '', cache: '', config: { plain: '', rebuild: '', missing: '' } as Record<Config, string> };
/** $XDG_STATE_HOME/nixdeck: runs/ and history.jsonl */
const nixdeckState = (): string => path.join(dirs.state, 'nixdeck');
const background: Array<{ exitCode: number | null; signalCode: NodeJS.Signals | null; kill(signal: NodeJS.Signals): boolean }> = [];

const HQ = 'nixos-system-hq-25.11.20251215.eeeeeee';
const T460 = 'nixos-system-t460-25.05.20250701.1313131';
const PI = 'nixos-system-pi-25.05.20250701.0a0a0a0';

beforeAll(async () => {
  if (skip) return;
  const f = fleet();
  work = path.join(f.root, 'rebuild-test');
  dirs.state = path.join(work, 'xdg-state');
  dirs.cache = path.join(work, 'xdg-cache');
  for (const name of ['plain', 'rebuild', 'missing'] as const) dirs.config[name] = path.join(work, `xdg-config-${name}`);
  await mkdir(path.join(work, 'cwd'), { recursive: true });
  // `--` because the value starts with dashes
  await expectOk(runCli(['config', 'set', 'rebuildFlags', '--', '--rebuild'], 'rebuild'));
  await expectOk(runCli(['config', 'set', 'rebuildExecutable', '/nonexistent/nixos-rebuild'], 'missing'));
  // `nix build --rebuild` needs the output to exist already
  for (const host of ['hq', 't460']) {
    await execa('nix', ['build', '--no-link', `${f.flake}#nixosConfigurations.${host}.config.system.build.toplevel`], {
      env: cliEnv('plain'),
      stdin: 'ignore',
      timeout: 120_000,
    });
  }
});

afterAll(async () => {
  for (const child of background) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  if (skip || dirs.state === '') return;
  // never leave a run going when the fleet is removed
  for (const run of await listRuns(nixdeckState())) {
    if (run.state === 'running') await cancelRun(nixdeckState(), run.id, { graceMs: 1000 }).catch(() => undefined);
  }
});

describe('nixdeck rebuild / runs / log with the real nix', () => {
  it.skipIf(skip)('rebuild hq: progress lines, exit 0, listed as finished, the raw log and its summary', async () => {
    const f = fleet();
    const result = await runCli(['rebuild', 'hq', '--flake', f.flake], 'rebuild');
    expect(result.exitCode, result.stderr).toBe(0);
    const id = runIdOf(result.stderr);
    const out = lines(result.stdout);
    expect(out).toContainEqual(expect.stringMatching(new RegExp(`^building ${escape(HQ)} \\(\\d+/\\d+\\)$`)));
    expect(out).toContainEqual(expect.stringMatching(new RegExp(`^built ${escape(HQ)} in \\d+s$`)));
    expect(out.at(-1)).toMatch(/^hq build: succeeded in \d+s$/);

    const rows = await runsJson();
    expect(rows.find((r) => r.id === id)).toMatchObject({ host: 'hq', action: 'build', state: 'finished', exitCode: 0, cancelled: false });

    const log = await runCli(['log', 'last'], 'plain');
    expect(log.exitCode, log.stderr).toBe(0);
    const saved = await readFile(path.join(runsDir(nixdeckState()), id, LOG_FILE), 'utf8');
    expect(log.stdout).toBe(saved.replace(/\n$/, ''));
    const logLines = lines(log.stdout);
    expect(logLines).toContain('building the system configuration...'); // the stand-in's own line
    expect(logLines.filter((l) => l.startsWith('@nix {')).length).toBeGreaterThan(5);
    // the forced rebuild: nix 2.8 names it "checking outputs of" with the derivation in its fields
    expect(logLines).toContainEqual(expect.stringMatching(new RegExp(`^@nix \\{"action":"start".*"text":"checking outputs of '/nix/store/[0-9a-z]{32}-${escape(HQ)}\\.drv'","type":105\\}$`)));

    const summary = await summaryJson('last');
    expect(summary).toMatchObject({ id, host: 'hq', action: 'build', result: 'succeeded', exitCode: 0, signal: null, failedDerivations: [], errors: [] });
    expect(summary.builds).toMatchObject({ done: 1, failed: 0, running: 0 });
  }, 60_000);

  it.skipIf(skip)('a successful run adds a record with the build time per derivation name to history.jsonl', async () => {
    const f = fleet();
    const result = await runCli(['rebuild', 'hq', '--flake', f.flake], 'rebuild');
    expect(result.exitCode, result.stderr).toBe(0);
    const id = runIdOf(result.stderr);
    // the supervisor appends the record after exit.json, so possibly after the CLI has ended
    const record = await waitFor(async () => (await historyRecords()).find((r) => r.id === id), 10_000, `a history record for ${id}`);
    expect(record).toMatchObject({ host: 'hq', action: 'build', result: 'succeeded' });
    const buildMs = record.builds['nixos-system-hq'];
    expect(typeof buildMs).toBe('number');
    expect(buildMs).toBeGreaterThanOrEqual(0);
    expect(buildMs).toBeLessThanOrEqual(record.durationMs);
  }, 60_000);

  it.skipIf(skip)("rebuild pi: the stand-in's exit status, the failed derivation and nix's error on stderr", async () => {
    const f = fleet();
    // what the stand-in (hence nix) exits with on its own
    const direct = await execa(path.join(f.root, 'bin', 'nixos-rebuild'), ['build', '--flake', `${f.flake}#pi`, '--log-format', 'internal-json', '-v'], {
      env: cliEnv('plain'),
      extendEnv: false,
      cwd: path.join(work, 'cwd'),
      reject: false,
      stdin: 'ignore',
      timeout: 60_000,
    });
    expect(direct.exitCode).not.toBe(0);

    const result = await runCli(['rebuild', 'pi', '--flake', f.flake], 'plain');
    expect(result.exitCode, result.stderr).toBe(direct.exitCode);
    // nix 2.8's wording, with the store path of the derivation
    expect(result.stderr).toMatch(new RegExp(`builder for '/nix/store/[0-9a-z]{32}-${escape(PI)}\\.drv' failed with exit code 1`));
    expect(result.stderr).toContain(`failed derivation ${PI}; last lines:`);
    expect(result.stderr).toContain('> error: builder for host pi deliberately failed (fake)');
    expect(result.stderr).toMatch(/^full log: nixdeck log \S+$/m);
    const out = lines(result.stdout);
    expect(out).toContainEqual(expect.stringMatching(new RegExp(`^failed ${escape(PI)} in \\d+s$`)));
    expect(out.at(-1)).toBe(`pi build: failed: builder for ${PI} failed with exit code 1`);

    const summary = await summaryJson('last');
    expect(summary).toMatchObject({ id: runIdOf(result.stderr), host: 'pi', result: 'failed', exitCode: direct.exitCode });
    expect(summary.builds).toMatchObject({ failed: 1, done: 0 });
    expect(summary.failedDerivations.map((d) => d.name)).toEqual([PI]);
    expect(summary.errors.join('\n')).toMatch(new RegExp(`builder for '/nix/store/[0-9a-z]{32}-${escape(PI)}\\.drv' failed with exit code 1`));
  }, 60_000);

  it.skipIf(skip)('cancel mid-build: the whole process group and the builder are gone, the run reads as cancelled', async () => {
    const f = fleet();
    const before = new Set((await runsJson()).map((r) => r.id));
    const foreground = startCli(['rebuild', 't460', '--flake', f.flake], 'rebuild');

    const row = await waitFor(async () => (await runsJson()).find((r) => !before.has(r.id) && r.host === 't460' && r.state === 'running'), 20_000, 'the t460 run listed as running');
    const runDir = path.join(runsDir(nixdeckState()), row.id);
    await waitFor(async () => (await readFile(path.join(runDir, LOG_FILE), 'utf8')).includes('"step 1/3"') || undefined, 20_000, 'step 1/3 in the log');

    // the premise: nixos-rebuild's group holds nix, and nix's builder (in a session of its own) runs
    const meta = await readMeta(runDir);
    const pgid = meta.childPid;
    if (pgid === null) throw new Error('the run recorded no pid');
    expect(isGroupAlive(pgid)).toBe(true);
    const tree = descendants(pgid);
    expect(tree.filter((p) => p.pgrp === pgid).map((p) => p.comm)).toContain('nix');
    const builder = tree.find((p) => p.cmdline.includes('building the system configuration for t460'));
    expect(builder, `the builder among ${tree.map((p) => `${p.pid} ${p.comm}`).join(', ')}`).toBeDefined();

    const cancelled = await cancelRun(nixdeckState(), row.id);
    expect(cancelled).toMatchObject({ alreadyFinished: false, ended: true });
    expect(cancelled.signals[0]).toBe('SIGINT');
    expect(cancelled.problem).toBeUndefined();

    const exit = JSON.parse(await readFile(path.join(runDir, EXIT_FILE), 'utf8')) as RunExit;
    expect(exit.cancelled).toBe(true);
    expect(isGroupAlive(pgid)).toBe(false);
    // nothing of the run is left: not in the group, not the builder, not its sleep
    expect(procsInGroup(pgid)).toEqual([]);
    const survivors = await waitFor(async () => (tree.some(isStillAlive) ? undefined : []), 5_000, 'the process tree to end').catch(() => tree.filter(isStillAlive));
    expect(survivors.map((p) => `${p.pid} ${p.comm} (group ${p.pgrp})`)).toEqual([]);

    // the foreground command saw the end and said so
    const fg = await withTimeout(foreground, 15_000, 'the foreground nixdeck rebuild to end');
    expect(fg.exitCode).not.toBe(0);
    const out = lines(fg.stdout);
    expect(out.at(-1)).toMatch(/^t460 build: cancelled after \d+s/);
    expect(out).toContainEqual(expect.stringMatching(new RegExp(`^building ${escape(T460)} `)));
    expect(out, 'an interrupted build is not reported as built').not.toContainEqual(expect.stringMatching(/^built /));
    expect(fg.stderr).toContain('interrupted by the user');

    const summary = await summaryJson('last');
    expect(summary).toMatchObject({ id: row.id, result: 'cancelled' });
    const listed = (await runsJson()).find((r) => r.id === row.id);
    expect(listed).toMatchObject({ state: 'finished', cancelled: true });
  }, 60_000);

  it.skipIf(skip)('the CLI killed right after the start: the run goes on, a new runs service re-attaches and follows it to the end', async () => {
    const f = fleet();
    const foreground = startCli(['rebuild', 't460', '--flake', f.flake], 'rebuild');
    let stderr = '';
    foreground.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const id = await waitFor(async () => /^run (\S+):/m.exec(stderr)?.[1], 20_000, 'the run id on stderr');
    foreground.kill('SIGKILL');
    const killed = await withTimeout(foreground, 5_000, 'the killed CLI to end');
    expect(killed.signal).toBe('SIGKILL');

    const runDir = path.join(runsDir(nixdeckState()), id);
    expect((await runInfoAt(runDir)).state).toBe('running');

    const savedEnv = { PATH: process.env.PATH, NIX_CONF_DIR: process.env.NIX_CONF_DIR };
    process.env.PATH = f.env.PATH;
    process.env.NIX_CONF_DIR = f.env.NIX_CONF_DIR;
    const setup: RebuildSetup = {
      stateDir: nixdeckState(),
      flakeDir: f.flake,
      hostname: os.hostname(),
      executable: ['nixos-rebuild'],
      extraFlags: ['--rebuild'],
      supervisor: [process.execPath, CLI_PATH, '__supervise'],
      isRoot: process.getuid?.() === 0,
      needsRoot: true,
    };
    const service = createRunsService(setup);
    try {
      const recent = await service.recent();
      expect(recent.find((v) => v.id === id)).toMatchObject({ host: 't460', action: 'build', phase: 'running' });
      const views: RunView[] = [];
      const final = await new Promise<RunView>((resolve, reject) => {
        let stop: (() => void) | undefined;
        const timer = setTimeout(() => {
          stop?.();
          reject(new Error(`the run did not end in 30 s; last view: ${JSON.stringify(views.at(-1)?.phase)}`));
        }, 30_000);
        stop = service.watch(id, (view) => {
          views.push(view);
          if (view.phase === 'running') return;
          clearTimeout(timer);
          stop?.();
          resolve(view);
        });
      });
      expect(views.some((v) => v.phase === 'running')).toBe(true);
      expect(final.phase).toBe('succeeded');
      expect(final.summary).toMatchObject({ result: 'succeeded', exitCode: 0 });
      expect(final.progress.tail.some((line) => line.includes('step 3/3'))).toBe(true);
      expect(final.progress.builds).toMatchObject({ done: 1, failed: 0 });
    } finally {
      service.close();
      restoreEnv(savedEnv);
    }

    // the supervisor recorded the slow build's time (three 1 s sleeps), though no CLI watched
    const record = await waitFor(async () => (await historyRecords()).find((r) => r.id === id), 10_000, `a history record for ${id}`);
    expect(record).toMatchObject({ host: 't460', result: 'succeeded' });
    expect(record.builds['nixos-system-t460']).toBeGreaterThanOrEqual(2_500);
  }, 60_000);

  it.skipIf(skip)('a nixos-rebuild that does not exist: the run fails with a clear message, no stack trace', async () => {
    const f = fleet();
    const result = await runCli(['rebuild', 'hq', '--flake', f.flake], 'missing');
    expect(result.exitCode).not.toBe(0);
    expect(result.exitCode).toBe(127);
    expect(result.stderr).toContain('could not start /nonexistent/nixos-rebuild: not found');
    expect(result.stdout.trim().split('\n').at(-1)).toBe('hq build: failed: could not start /nonexistent/nixos-rebuild: not found');
    for (const text of [result.stdout, result.stderr]) {
      expect(text).not.toMatch(/^\s+at /m);
      expect(text).not.toMatch(/\b[A-Z][a-zA-Z]*Error\b/);
    }
    const id = runIdOf(result.stderr);
    const runDir = path.join(runsDir(nixdeckState()), id);
    const exit = JSON.parse(await readFile(path.join(runDir, EXIT_FILE), 'utf8')) as RunExit;
    expect(exit).toMatchObject({ exitCode: 127, cancelled: false, error: 'could not start /nonexistent/nixos-rebuild: not found' });
    expect(await readFile(path.join(runDir, LOG_FILE), 'utf8')).toContain('nixdeck: could not start /nonexistent/nixos-rebuild: not found\n');
    const summary = await summaryJson(id);
    expect(summary).toMatchObject({ result: 'failed', exitCode: 127 });
    expect(summary.headline).toContain('could not start /nonexistent/nixos-rebuild');
  }, 60_000);
});

// --- helpers ---------------------------------------------------------------------------------------

interface RunRow {
  id: string;
  host: string | null;
  action: string | null;
  state: 'running' | 'finished' | 'lost';
  exitCode: number | null;
  cancelled: boolean;
}

interface SummaryJson {
  id: string;
  result: string;
  headline: string;
  exitCode: number | null;
  builds: { done: number; failed: number; running: number; expected: number };
  failedDerivations: Array<{ name: string }>;
  errors: string[];
}

interface HistoryRow {
  id: string;
  host: string;
  action: string;
  result: string;
  durationMs: number;
  builds: Record<string, number>;
}

function cliEnv(config: Config): NodeJS.ProcessEnv {
  const f: Fleet = fleet();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...f.env,
    TZ: 'UTC',
    NO_COLOR: '1',
    XDG_CONFIG_HOME: dirs.config[config],
    XDG_STATE_HOME: dirs.state,
    XDG_CACHE_HOME: dirs.cache,
  };
  delete env.FORCE_COLOR;
  return env;
}

interface CliOptions {
  env: NodeJS.ProcessEnv;
  extendEnv: false;
  cwd: string;
  reject: false;
  stdin: 'ignore';
  timeout: number;
}

/** `node dist/nixdeck.js ...` in the private folder (`nixos-rebuild build` leaves ./result there). */
function startCli(args: string[], config: Config): ResultPromise<CliOptions> {
  if (isSkip(cli)) throw new Error(cli.skip);
  const child = execa('node', [cli, ...args], { env: cliEnv(config), extendEnv: false, cwd: path.join(work, 'cwd'), reject: false, stdin: 'ignore', timeout: 60_000 });
  background.push(child);
  return child;
}

async function runCli(args: string[], config: Config): Promise<{ exitCode: number | undefined; stdout: string; stderr: string }> {
  const result = await startCli(args, config);
  return { exitCode: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr) };
}

async function expectOk(run: Promise<{ exitCode: number | undefined; stderr: string }>): Promise<void> {
  const result = await run;
  if (result.exitCode !== 0) throw new Error(`nixdeck failed (${result.exitCode}): ${result.stderr}`);
}

async function runsJson(): Promise<RunRow[]> {
  const result = await runCli(['runs', '--json'], 'plain');
  expect(result.exitCode, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as RunRow[];
}

async function summaryJson(run: string): Promise<SummaryJson> {
  const result = await runCli(['log', run, '--summary', '--json'], 'plain');
  expect(result.exitCode, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as SummaryJson;
}

async function historyRecords(): Promise<HistoryRow[]> {
  let text: string;
  try {
    text = await readFile(path.join(nixdeckState(), 'history.jsonl'), 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as HistoryRow);
}

/** The run id from the first stderr line of `nixdeck rebuild`: `run <id>: nixos-rebuild …`. */
function runIdOf(stderr: string): string {
  const id = /^run (\S+):/m.exec(stderr)?.[1];
  if (id === undefined) throw new Error(`no run id in: ${stderr}`);
  return id;
}

function lines(text: string): string[] {
  return text.split('\n').filter((line) => line !== '');
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() >= until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function restoreEnv(saved: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}

// --- processes, from /proc ---------------------------------------------------------------------------

interface Proc {
  pid: number;
  ppid: number;
  pgrp: number;
  session: number;
  state: string;
  /** clock ticks after boot: with the pid, names one process even if the pid is reused */
  startTime: string;
  comm: string;
  cmdline: string;
}

function readProc(pid: number): Proc | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const fields = stat.slice(close + 2).split(' ');
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    } catch {
      // gone meanwhile
    }
    return {
      pid,
      comm: stat.slice(stat.indexOf('(') + 1, close),
      state: fields[0] ?? '?',
      ppid: Number(fields[1]),
      pgrp: Number(fields[2]),
      session: Number(fields[3]),
      startTime: fields[19] ?? '',
      cmdline,
    };
  } catch {
    return null;
  }
}

function allProcs(): Proc[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readProc(Number(name)))
    .filter((p): p is Proc => p !== null);
}

/** `root` and every process below it, whatever their groups. */
function descendants(root: number): Proc[] {
  const procs = allProcs();
  const found = procs.filter((p) => p.pid === root);
  for (let i = 0; i < found.length; i++) {
    const parent = found[i];
    if (parent) found.push(...procs.filter((p) => p.ppid === parent.pid));
  }
  return found;
}

const isZombie = (p: Proc): boolean => p.state === 'Z' || p.state === 'X';

function procsInGroup(pgid: number): string[] {
  return allProcs()
    .filter((p) => p.pgrp === pgid && !isZombie(p))
    .map((p) => `${p.pid} ${p.comm}`);
}

function isStillAlive(p: Proc): boolean {
  const now = readProc(p.pid);
  return now !== null && now.startTime === p.startTime && !isZombie(now);
}
