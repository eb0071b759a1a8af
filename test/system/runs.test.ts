// Rebuild runs with real processes: a detached supervisor (run through tsx), real bash commands,
// real signals. No child_process mocks.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { followLog } from '../../src/system/logFollower.js';
import { cancelRun, startRun } from '../../src/system/runLauncher.js';
import {
  EXIT_FILE,
  isProcessAlive,
  listRuns,
  LOG_FILE,
  makeRunId,
  META_FILE,
  pruneRuns,
  readRun,
  type RunExit,
  runsDir,
  stateDir,
} from '../../src/system/runStore.js';

const SUPERVISOR = [process.execPath, '--import', 'tsx', path.resolve('src/system/supervisorEntry.ts')];

const dirs: string[] = [];
function tempState(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nixdeck-runs-'));
  dirs.push(dir);
  return dir;
}

afterEach(async () => {
  // leave no process behind, whatever a failed test left running
  for (const dir of dirs.splice(0)) {
    for (const run of await listRuns(dir).catch(() => [])) {
      if (run.meta?.childPid) killQuietly(-run.meta.childPid);
      if (run.meta?.supervisorPid && run.state === 'running') killQuietly(run.meta.supervisorPid);
    }
    rmSync(dir, { recursive: true, force: true });
  }
});

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone
  }
}

/**
 * process.kill(pid, 0), but a zombie counts as gone: on machines whose PID 1 does not reap
 * orphans (containers, some VMs), a killed orphan stays a zombie and kill(pid, 0) still succeeds.
 */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as { code?: string }).code === 'ESRCH') return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    return !existsSync('/proc/self/stat');
  }
}

async function waitFor<T>(what: string, probe: () => T | null | undefined | false, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

function readExit(runDir: string): RunExit | null {
  try {
    return JSON.parse(readFileSync(path.join(runDir, EXIT_FILE), 'utf8')) as RunExit;
  } catch {
    return null;
  }
}

const waitForExit = (runDir: string, timeoutMs?: number): Promise<RunExit> => waitFor(`exit.json in ${runDir}`, () => readExit(runDir), timeoutMs);
const readLog = (runDir: string): string => readFileSync(path.join(runDir, LOG_FILE), 'utf8');

function start(state: string, argv: string[], extra: { password?: string; host?: string; action?: string } = {}) {
  return startRun({
    stateDir: state,
    host: extra.host ?? 'hq',
    action: extra.action ?? 'build',
    argv,
    flakeDir: '/etc/nixos',
    supervisor: SUPERVISOR,
    ...(extra.password !== undefined ? { password: extra.password } : {}),
  });
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => path.join(dir, name))
    .filter((file) => statSync(file).isFile());
}

describe('stateDir', () => {
  it('uses an absolute XDG_STATE_HOME, else ~/.local/state', () => {
    expect(stateDir({ XDG_STATE_HOME: '/var/lib/me' }, '/home/me')).toBe('/var/lib/me/nixdeck');
    expect(stateDir({ XDG_STATE_HOME: 'relative/dir' }, '/home/me')).toBe('/home/me/.local/state/nixdeck');
    expect(stateDir({}, '/home/me')).toBe('/home/me/.local/state/nixdeck');
  });
  it('makes ids that sort by time', () => {
    expect(makeRunId('hq', 'switch', new Date('2026-11-28T16:45:01.5Z'), '3f9a')).toBe('20261128T164501-hq-switch-3f9a');
    const a = makeRunId('zz', 'build', new Date('2026-01-01T09:59:59Z'));
    const b = makeRunId('aa', 'build', new Date('2026-01-01T10:00:00Z'));
    expect(a < b).toBe(true);
  });
});

describe('runs', () => {
  it('runs a command detached, logs it, records its exit code and lists it as finished', async () => {
    const state = tempState();
    const info = await start(state, ['bash', '-c', 'for i in 1 2 3; do echo line $i; sleep 0.2; done; exit 3']);
    expect(info.state).toBe('running');
    expect(info.meta?.childPid).toEqual(expect.any(Number));
    expect(info.meta?.supervisorPid).toEqual(expect.any(Number));
    expect(info.meta?.supervisorPid).not.toBe(process.pid);
    expect(info.id).toMatch(/^\d{8}T\d{6}-hq-build-[0-9a-f]{4}$/);

    const lines: string[] = [];
    await followLog(info.dir, (batch) => lines.push(...batch), { signal: AbortSignal.timeout(20_000) });
    expect(lines).toEqual(['line 1', 'line 2', 'line 3']);

    const exit = readExit(info.dir);
    expect(exit).toMatchObject({ exitCode: 3, signal: null, cancelled: false });
    expect(Date.parse(exit?.endedAt ?? '')).toBeGreaterThan(0);
    const runs = await listRuns(state);
    expect(runs.map((r) => [r.id, r.state])).toEqual([[info.id, 'finished']]);
    expect((await readRun(state, 'last')).id).toBe(info.id);
    expect((await readRun(state, info.id.slice(0, 10))).exit?.exitCode).toBe(3);
    const meta = JSON.parse(readFileSync(path.join(info.dir, META_FILE), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(meta).sort()).toEqual(['action', 'argv', 'childPid', 'flakeDir', 'host', 'id', 'startedAt', 'supervisorPid']);
  });

  it('cancels: SIGINT to the whole group, escalating while anything in it is left', async () => {
    const state = tempState();
    // a background job of a non-interactive bash ignores SIGINT, so this needs SIGTERM too
    const info = await start(state, ['bash', '-c', 'sleep 30 & echo "grandchild $!"; wait; echo never']);
    const grandchild = Number(await waitFor('the grandchild pid', () => /grandchild (\d+)/.exec(readLog(info.dir))?.[1]));
    expect(alive(grandchild)).toBe(true);
    expect((await listRuns(state))[0]?.state).toBe('running');

    const result = await cancelRun(state, info.id, { graceMs: 1000 });
    expect(result).toMatchObject({ alreadyFinished: false, ended: true, signals: ['SIGINT', 'SIGTERM'] });
    expect(alive(grandchild)).toBe(false);
    expect(alive(info.meta?.childPid ?? 0)).toBe(false);
    expect(readExit(info.dir)).toMatchObject({ cancelled: true, signal: 'SIGINT', exitCode: null });
    expect(readLog(info.dir)).not.toContain('never');
    expect((await readRun(state, 'last')).state).toBe('finished');
    expect(await cancelRun(state, info.id)).toMatchObject({ alreadyFinished: true, signals: [] });
  });

  it('cancels with SIGINT alone when the group obeys it', async () => {
    const state = tempState();
    const info = await start(state, ['bash', '-c', 'bash -c "echo grandchild \\$\\$; exec sleep 30"; echo never']);
    const grandchild = Number(await waitFor('the grandchild pid', () => /grandchild (\d+)/.exec(readLog(info.dir))?.[1]));
    const result = await cancelRun(state, info.id.slice(0, 22), { graceMs: 5000 });
    expect(result).toMatchObject({ ended: true, signals: ['SIGINT'] });
    expect(alive(grandchild)).toBe(false);
    expect(readExit(info.dir)).toMatchObject({ cancelled: true });
  });

  it('survives the process that started it', async () => {
    const state = tempState();
    const launcher = pathToFileURL(path.resolve('src/system/runLauncher.ts')).href;
    const code = [
      `import { startRun } from ${JSON.stringify(launcher)};`,
      'const info = await startRun(JSON.parse(process.env.NIXDECK_TEST_RUN));',
      'console.log(JSON.stringify({ id: info.id, dir: info.dir, state: info.state }));',
    ].join('\n');
    const options = {
      stateDir: state,
      host: 'vm01',
      action: 'switch',
      argv: ['bash', '-c', 'echo started; sleep 2.5; echo done'],
      flakeDir: '/etc/nixos',
      supervisor: SUPERVISOR,
    };
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '-e', code],
        { env: { ...process.env, NIXDECK_TEST_RUN: JSON.stringify(options) }, timeout: 20_000 },
        (error, out) => (error ? reject(error) : resolve(out)),
      );
    });
    const started = JSON.parse(stdout) as { id: string; dir: string; state: string };
    expect(started.state).toBe('running');
    // the launcher has exited; the run has not
    expect(readExit(started.dir)).toBeNull();
    const running = await readRun(state, started.id);
    expect(running.state).toBe('running');
    expect(isProcessAlive(running.meta?.supervisorPid ?? 0)).toBe(true);
    expect(await waitForExit(started.dir)).toMatchObject({ exitCode: 0, cancelled: false });
    expect(readLog(started.dir)).toBe('started\ndone\n');
  });

  it('ignores SIGHUP sent to the supervisor', async () => {
    const state = tempState();
    const info = await start(state, ['bash', '-c', 'for i in 1 2 3 4; do echo tick $i; sleep 0.25; done']);
    const supervisorPid = info.meta?.supervisorPid ?? 0;
    process.kill(supervisorPid, 'SIGHUP');
    await sleep(300);
    expect(isProcessAlive(supervisorPid)).toBe(true);
    process.kill(supervisorPid, 'SIGHUP');
    expect(await waitForExit(info.dir)).toMatchObject({ exitCode: 0, signal: null });
    expect(readLog(info.dir)).toBe('tick 1\ntick 2\ntick 3\ntick 4\n');
    expect((await readRun(state, info.id)).state).toBe('finished');
  });

  it("hands a password to the command's stdin and writes it nowhere", async () => {
    const state = tempState();
    const password = 'secret';
    const info = await start(state, ['bash', '-c', 'read -r p; echo got ${#p} chars; sleep 1'], { password, action: 'switch' });
    // not on the command line or in the environment of the supervisor or the command either
    for (const pid of [info.meta?.supervisorPid, info.meta?.childPid]) {
      for (const file of ['cmdline', 'environ']) {
        const proc = `/proc/${pid}/${file}`;
        if (existsSync(proc)) expect(readFileSync(proc, 'utf8')).not.toContain(password);
      }
    }
    await waitForExit(info.dir);
    expect(readLog(info.dir)).toBe('got 6 chars\n');
    const files = filesUnder(info.dir);
    expect(files.map((f) => path.basename(f)).sort()).toEqual([EXIT_FILE, LOG_FILE, META_FILE]);
    for (const file of filesUnder(state)) expect(readFileSync(file, 'utf8')).not.toContain(password);
  });

  it('records a command that cannot be started', async () => {
    const state = tempState();
    const info = await start(state, ['/nonexistent/nixos-rebuild', 'build']);
    const exit = info.exit ?? (await waitForExit(info.dir));
    expect(exit).toMatchObject({ exitCode: 127, cancelled: false });
    expect(exit.error).toMatch(/could not start \/nonexistent\/nixos-rebuild: not found/);
    expect(readLog(info.dir)).toMatch(/not found/);
  });

  it('records a supervisor that cannot be started', async () => {
    const state = tempState();
    const info = await startRun({ stateDir: state, host: 'hq', action: 'build', argv: ['true'], flakeDir: '/x', supervisor: ['/nonexistent/node'] });
    expect(info.state).toBe('finished');
    expect(info.exit?.error).toMatch(/supervisor could not be started/);
  });

  it('refuses unsafe host and action names', async () => {
    const state = tempState();
    await expect(start(state, ['true'], { host: '-rf' })).rejects.toThrow(/host name/);
    await expect(start(state, ['true'], { action: 'switch;reboot' })).rejects.toThrow(/action/);
    expect(existsSync(runsDir(state))).toBe(false);
  });
});

describe('run store', () => {
  function fakeRun(state: string, id: string, files: Record<string, string>): string {
    const dir = path.join(runsDir(state), id);
    mkdirSync(dir, { recursive: true });
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
    return dir;
  }
  const meta = (id: string, extra: Record<string, unknown> = {}): string =>
    JSON.stringify({ id, host: 'hq', action: 'build', argv: ['true'], flakeDir: '/f', startedAt: `${id.slice(0, 4)}-01-01T00:00:00.000Z`, supervisorPid: 999_999_99, childPid: null, ...extra });
  const exit = JSON.stringify({ exitCode: 0, signal: null, endedAt: '2026-01-01T00:00:01.000Z', cancelled: false });

  it('lists broken and abandoned runs as lost with a reason, newest first, without throwing', async () => {
    const state = tempState();
    fakeRun(state, '20240101T000000-hq-build-0001', { [META_FILE]: meta('20240101T000000-hq-build-0001'), [EXIT_FILE]: exit });
    fakeRun(state, '20250101T000000-hq-build-0002', { [META_FILE]: '{"id": "20250101T000000-hq-bu' });
    fakeRun(state, '20250601T000000-hq-build-0003', { [META_FILE]: '{"id": "x"}' });
    fakeRun(state, '20250701T000000-hq-build-0004', {});
    fakeRun(state, '20260101T000000-hq-build-0005', { [META_FILE]: meta('20260101T000000-hq-build-0005') });
    fakeRun(state, '.new-20270101T000000-hq-build-0006', {});
    writeFileSync(path.join(runsDir(state), 'stray-file'), 'x');

    const runs = await listRuns(state);
    expect(runs.map((r) => [r.id.slice(-4), r.state])).toEqual([
      ['0005', 'lost'],
      ['0004', 'lost'],
      ['0003', 'lost'],
      ['0002', 'lost'],
      ['0001', 'finished'],
    ]);
    expect(runs[0]?.reason).toMatch(/supervisor \(pid 99999999\) is gone/);
    expect(runs[1]?.reason).toMatch(/meta.json is missing/);
    expect(runs[2]?.reason).toMatch(/meta.json is incomplete .*host/);
    expect(runs[3]?.reason).toMatch(/meta.json is not valid JSON/);
    expect(runs[3]?.meta).toBeNull();
  });

  it('a pid reused by another program does not keep a run running', async () => {
    const state = tempState();
    // this test process is alive, but it is not this run's supervisor
    fakeRun(state, '20260101T000000-hq-build-0001', { [META_FILE]: meta('20260101T000000-hq-build-0001', { supervisorPid: process.pid }) });
    expect((await readRun(state, 'last')).state).toBe('lost');
  });

  it('finds runs by id, unique prefix or "last", and says why it cannot', async () => {
    const state = tempState();
    await expect(readRun(state, 'last')).rejects.toThrow(/no runs yet/);
    for (const id of ['20260101T000000-hq-build-aaaa', '20260101T000000-hq-build-aaab', '20260102T000000-pi-switch-0000']) {
      fakeRun(state, id, { [META_FILE]: meta(id), [EXIT_FILE]: exit });
    }
    expect((await readRun(state, '20260101T000000-hq-build-aaab')).id).toBe('20260101T000000-hq-build-aaab');
    expect((await readRun(state, '20260102')).id).toBe('20260102T000000-pi-switch-0000');
    await expect(readRun(state, '20260101T000000-hq-build-aa')).rejects.toThrow(/matches 2 runs/);
    await expect(readRun(state, '2025')).rejects.toThrow(/no run matches "2025"/);
    await expect(readRun(state, '../etc')).rejects.toThrow(/not a run id/);
    await expect(readRun(state, '')).rejects.toThrow(/no run given/);
  });

  it('prunes the oldest runs that are not running', async () => {
    const state = tempState();
    const ids = Array.from({ length: 6 }, (_, i) => `2026010${i + 1}T000000-hq-build-000${i}`);
    for (const id of ids) fakeRun(state, id, { [META_FILE]: meta(id, { startedAt: `2026-01-0${id[7]}T00:00:00.000Z` }), [EXIT_FILE]: exit });
    // the oldest one is still running: it stays
    const live = ids[0] ?? '';
    writeFileSync(path.join(runsDir(state), live, META_FILE), meta(live, { startedAt: new Date().toISOString(), supervisorPid: null }));
    rmSync(path.join(runsDir(state), live, EXIT_FILE));
    expect(await pruneRuns(state, 3)).toEqual([ids[1], ids[2], ids[3]]);
    expect((await listRuns(state)).map((r) => r.id).sort()).toEqual([ids[0], ids[4], ids[5]]);
    expect(await pruneRuns(state, 3)).toEqual([]);
  });
});

describe('followLog', () => {
  function runDirWithLog(content: string | Buffer): string {
    const dir = path.join(tempState(), 'run');
    mkdirSync(dir);
    writeFileSync(path.join(dir, LOG_FILE), content);
    return dir;
  }

  it('delivers every line of a 200,000-line log exactly once, in order, in batches', async () => {
    const count = 200_000;
    let text = '';
    for (let i = 0; i < count; i++) text += i % 1000 === 7 ? `line ${i}\rprogress ${i}\n` : `line ${i}\n`;
    const dir = runDirWithLog(text);
    writeFileSync(path.join(dir, EXIT_FILE), '{}');
    let next = 0;
    let batches = 0;
    let bad = 0;
    await followLog(
      dir,
      (lines) => {
        batches++;
        for (const line of lines) {
          const expected = next % 1000 === 7 ? `line ${next}\rprogress ${next}` : `line ${next}`;
          if (line !== expected) bad++;
          next++;
        }
      },
      { signal: AbortSignal.timeout(20_000) },
    );
    expect(bad).toBe(0);
    expect(next).toBe(count);
    expect(batches).toBeGreaterThan(10);
  });

  it('follows appends split anywhere, even inside a character, until the run ends', async () => {
    const dir = runDirWithLog('');
    const lines: string[] = [];
    const done = followLog(dir, (batch) => lines.push(...batch), { signal: AbortSignal.timeout(20_000), pollMs: 20 });
    const bytes = Buffer.from('first\nsec', 'utf8');
    const rest = Buffer.from('ond ünï\r\nthird\nno newline at the end', 'utf8');
    appendFileSync(path.join(dir, LOG_FILE), bytes);
    await sleep(60);
    const cut = rest.indexOf(Buffer.from('ï')) + 1; // in the middle of a two-byte character
    appendFileSync(path.join(dir, LOG_FILE), rest.subarray(0, cut));
    await sleep(60);
    expect(lines).toEqual(['first']);
    appendFileSync(path.join(dir, LOG_FILE), rest.subarray(cut));
    await sleep(60);
    expect(lines).toEqual(['first', 'second ünï\r', 'third']);
    writeFileSync(path.join(dir, EXIT_FILE), '{}');
    await done;
    expect(lines).toEqual(['first', 'second ünï\r', 'third', 'no newline at the end']);
  });

  it('can start at the end, from the next complete line, and stops when aborted', async () => {
    const dir = runDirWithLog('old 1\nold 2\nhalf of a li');
    const lines: string[] = [];
    const controller = new AbortController();
    const done = followLog(dir, (batch) => lines.push(...batch), { signal: controller.signal, fromStart: false, pollMs: 20 });
    await sleep(50);
    appendFileSync(path.join(dir, LOG_FILE), 'ne\nnew 1\n');
    await waitFor('the new line', () => lines.length > 0);
    controller.abort();
    await done;
    expect(lines).toEqual(['new 1']);
  });
});

describe('followLog when the run folder goes away', () => {
  it('stops instead of waiting forever for an exit.json that cannot come', async () => {
    const { mkdtempSync, mkdirSync, writeFileSync, rmSync } = await import('node:fs');
    const os = await import('node:os');
    const pathMod = await import('node:path');
    const { followLog } = await import('../../src/system/logFollower.js');
    const dir = mkdtempSync(pathMod.join(os.tmpdir(), 'nixdeck-gone-'));
    const runDir = pathMod.join(dir, 'run');
    mkdirSync(runDir);
    writeFileSync(pathMod.join(runDir, 'log'), 'one\n');
    const seen: string[] = [];
    const following = followLog(runDir, (lines) => seen.push(...lines), { signal: new AbortController().signal, pollMs: 20 });
    await new Promise((r) => setTimeout(r, 100));
    rmSync(dir, { recursive: true, force: true });
    await following; // resolves: the test would time out otherwise
    expect(seen).toEqual(['one']);
  });
});
