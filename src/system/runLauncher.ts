// Starting and cancelling rebuild runs. A run is owned by a detached supervisor process (see
// supervisor.ts), so it keeps going when the console quits or its SSH connection drops.
import { spawn } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isValidHostName } from '../core/hosts.js';
import { isRunAction } from '../core/rebuildCommand.js';
import { CANCEL_FILE, createRun, EXIT_FILE, isGroupAlive, readRun, type RunExit, type RunInfo, runInfoAt, writeJsonAtomic } from './runStore.js';

export interface StartRunOptions {
  stateDir: string;
  host: string;
  action: string;
  /** the command, e.g. planRebuild(...).argv; a function gets the run's folder (a command that writes beside its log) */
  argv: readonly string[] | ((runDir: string) => readonly string[]);
  flakeDir: string;
  /** the sudo password: handed to the supervisor on a pipe, never written anywhere */
  password?: string;
  /** argv prefix that runs the supervisor; the run dir (and --password-on-stdin) are appended */
  supervisor: readonly string[];
  /** how long to wait for the command's pid to be recorded; default 3000 ms */
  startTimeoutMs?: number;
  /** called with the run's folder before its supervisor starts (e.g. to save a file the run changes); a throw removes the run */
  prepare?: (runDir: string) => Promise<void>;
}

export class RunStartError extends Error {}

/**
 * Create the run and start its supervisor detached. Resolves once the command's pid is
 * recorded (or the run already ended, or after startTimeoutMs, whichever comes first).
 */
export async function startRun(options: StartRunOptions): Promise<RunInfo> {
  const { stateDir, host, action, argv, flakeDir, password, supervisor } = options;
  if (!isValidHostName(host)) throw new RunStartError(`"${host}" is not a valid host name`);
  if (!isRunAction(action)) throw new RunStartError(`"${action}" is not a rebuild action`);
  const command = supervisor[0];
  if (typeof argv !== 'function' && (argv.length === 0 || argv[0] === '')) throw new RunStartError('the run has no command');
  if (command === undefined || command === '') throw new RunStartError('no supervisor command given');

  const { dir, meta } = await createRun(stateDir, { host, action, argv, flakeDir });
  if (meta.argv.length === 0 || meta.argv[0] === '') {
    await rm(dir, { recursive: true, force: true });
    throw new RunStartError('the run has no command');
  }
  if (options.prepare) {
    try {
      await options.prepare(dir);
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
  }
  const withPassword = password !== undefined;
  const child = spawn(command, [...supervisor.slice(1), dir, ...(withPassword ? ['--password-on-stdin'] : [])], {
    detached: true,
    stdio: [withPassword ? 'pipe' : 'ignore', 'ignore', 'ignore'],
  });
  let failure: string | null = null;
  child.on('error', (error) => {
    failure = `the supervisor could not be started (${command}): ${error.message}`;
  });
  child.on('exit', (code, signal) => {
    failure ??= `the supervisor ended (${signal ?? `exit code ${code}`}) before it started the command`;
  });
  if (withPassword && child.stdin) {
    child.stdin.on('error', () => {});
    child.stdin.end(password);
  }
  child.unref();

  const deadline = Date.now() + (options.startTimeoutMs ?? 3000);
  for (;;) {
    const info = await runInfoAt(dir);
    if (info.exit || info.meta?.childPid) return info;
    if (failure !== null) {
      const again = await runInfoAt(dir); // the supervisor may have written exit.json just before ending
      if (again.exit || again.meta?.childPid) return again;
      const exit: RunExit = { exitCode: null, signal: null, endedAt: new Date().toISOString(), cancelled: false, error: failure };
      await writeJsonAtomic(path.join(dir, EXIT_FILE), exit);
      return runInfoAt(dir);
    }
    if (Date.now() >= deadline) return info;
    await sleep(20);
  }
}

export type CancelSignal = 'SIGINT' | 'SIGTERM' | 'SIGKILL';

export interface CancelResult {
  id: string;
  /** the run had ended before the cancel; nothing was done */
  alreadyFinished: boolean;
  /** the signals sent to the command's process group, in order */
  signals: CancelSignal[];
  /** the process group is gone (and the supervisor recorded the exit, when it is alive) */
  ended: boolean;
  exit: RunExit | null;
  /** e.g. permission denied while signalling */
  problem?: string;
}

export interface CancelOptions {
  /** time given after SIGINT, and after SIGTERM, before the next step; default 3000 ms */
  graceMs?: number;
  pollMs?: number;
}

/**
 * Cancel a run: mark it cancelled, SIGINT its process group, then after graceMs SIGTERM, then
 * SIGKILL, stopping as soon as the whole group is gone and the exit is recorded.
 */
export async function cancelRun(stateDir: string, id: string, options: CancelOptions = {}): Promise<CancelResult> {
  const graceMs = options.graceMs ?? 3000;
  const pollMs = options.pollMs ?? 50;
  let info = await readRun(stateDir, id);
  const result: CancelResult = { id: info.id, alreadyFinished: false, signals: [], ended: false, exit: info.exit };
  if (info.state === 'finished') return { ...result, alreadyFinished: true, ended: true };

  await writeFile(path.join(info.dir, CANCEL_FILE), `${new Date().toISOString()}\n`, { mode: 0o600 });

  const refresh = async (): Promise<RunInfo> => (info = await runInfoAt(info.dir));
  const isDone = (): boolean => {
    const pid = info.meta?.childPid ?? null;
    if (pid !== null && isGroupAlive(pid)) return false;
    if (info.exit) return true;
    return info.state === 'lost'; // no supervisor is left to record the exit
  };
  const waitUntil = async (ms: number, test: () => boolean): Promise<boolean> => {
    const until = Date.now() + ms;
    for (;;) {
      await refresh();
      if (test()) return true;
      if (Date.now() >= until) return false;
      await sleep(pollMs);
    }
  };

  // a run that is just starting: its supervisor sees the marker and never starts the command,
  // or records the pid shortly
  if (info.state === 'running' && !info.meta?.childPid) {
    await waitUntil(Math.max(graceMs, 3000), () => info.exit !== null || Boolean(info.meta?.childPid) || info.state !== 'running');
  }

  for (const signal of ['SIGINT', 'SIGTERM', 'SIGKILL'] as const) {
    await refresh();
    if (isDone()) break;
    const pid = info.meta?.childPid;
    if (!pid) break;
    const problem = signalGroup(pid, signal);
    if (problem) result.problem = problem;
    result.signals.push(signal);
    if (await waitUntil(graceMs, isDone)) break;
  }
  // after SIGKILL the supervisor needs a moment to record the exit
  if (!isDone()) await waitUntil(Math.max(graceMs, 1000), isDone);
  return { ...result, ended: isDone(), exit: info.exit };
}

/** Signal a process group; ESRCH (already gone) is fine. Returns a problem in words, if any. */
function signalGroup(pgid: number, signal: CancelSignal): string | undefined {
  try {
    process.kill(-pgid, signal);
    return undefined;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ESRCH') return undefined;
    if (code === 'EPERM') {
      // e.g. the group holds only root's processes; sudo itself relays signals it is sent
      try {
        process.kill(pgid, signal);
        return undefined;
      } catch (inner) {
        if ((inner as { code?: string }).code === 'ESRCH') return undefined;
        return `not allowed to signal process group ${pgid} (${signal}): it runs as another user`;
      }
    }
    return `could not signal process group ${pgid}: ${(error as Error).message}`;
  }
}
