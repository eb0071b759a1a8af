// The body of the detached process that owns one rebuild run: it starts the command in its own
// process group with output appended to the run's log file, records its pid, waits, and records
// how it ended. It outlives the console and a dropped SSH connection (SIGHUP is ignored; the
// launcher started it in a session of its own).
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CANCEL_FILE, EXIT_FILE, LOG_FILE, readMeta, type RunExit, updateMeta, writeJsonAtomic } from './runStore.js';

export type FinishHook = (runDir: string) => void | Promise<void>;

let finishHook: FinishHook | null = null;

/** Called with the run dir after exit.json is written (e.g. to record history). Errors are ignored. */
export function setFinishHook(hook: FinishHook | null): void {
  finishHook = hook;
}

export interface SuperviseOptions {
  /** written to the command's standard input, followed by a newline, then stdin is closed */
  password?: string;
}

const ignore = (): void => {};

/** Ignore hang-ups from now on (idempotent). */
export function ignoreHangup(): void {
  if (!process.listeners('SIGHUP').includes(ignore)) process.on('SIGHUP', ignore);
}

function appendToLog(runDir: string, text: string): void {
  try {
    const fd = openSync(path.join(runDir, LOG_FILE), 'a', 0o600);
    try {
      writeSync(fd, text);
    } finally {
      closeSync(fd);
    }
  } catch {
    // nothing more can be said anywhere
  }
}

function exitCodeOf(exit: Pick<RunExit, 'exitCode' | 'signal'>): number {
  if (exit.exitCode !== null) return exit.exitCode;
  const number = exit.signal ? os.constants.signals[exit.signal as NodeJS.Signals] : undefined;
  return number !== undefined ? 128 + number : 1;
}

async function finish(runDir: string, exit: Omit<RunExit, 'endedAt' | 'cancelled'>): Promise<number> {
  const record: RunExit = {
    exitCode: exit.exitCode,
    signal: exit.signal,
    endedAt: new Date().toISOString(),
    cancelled: existsSync(path.join(runDir, CANCEL_FILE)),
    ...(exit.error !== undefined ? { error: exit.error } : {}),
  };
  await writeJsonAtomic(path.join(runDir, EXIT_FILE), record);
  if (finishHook) {
    try {
      await finishHook(runDir);
    } catch {
      // history is a convenience; the run's own record is already written
    }
  }
  return exitCodeOf(record);
}

/**
 * Run the command of the run in `runDir` to its end. Returns the command's exit status
 * (128 + signal number when killed by a signal, 126/127 when it could not be started).
 */
export async function supervise(runDir: string, options: SuperviseOptions = {}): Promise<number> {
  ignoreHangup();
  let argv: string[];
  try {
    argv = (await readMeta(runDir)).argv;
  } catch (error) {
    const message = `cannot read the run: ${(error as Error).message}`;
    appendToLog(runDir, `nixdeck: ${message}\n`);
    return finish(runDir, { exitCode: null, signal: null, error: message });
  }
  const file = argv[0];
  if (file === undefined || file === '') {
    appendToLog(runDir, 'nixdeck: the run has no command\n');
    return finish(runDir, { exitCode: null, signal: null, error: 'the run has no command' });
  }
  if (existsSync(path.join(runDir, CANCEL_FILE))) {
    await updateMeta(runDir, { supervisorPid: process.pid }).catch(ignore);
    return finish(runDir, { exitCode: null, signal: null, error: 'cancelled before the command started' });
  }

  const withPassword = options.password !== undefined;
  const logFd = openSync(path.join(runDir, LOG_FILE), 'a', 0o600);
  let child: ChildProcess;
  try {
    child = spawn(file, argv.slice(1), { detached: true, stdio: [withPassword ? 'pipe' : 'ignore', logFd, logFd] });
  } catch (error) {
    closeSync(logFd);
    const message = `could not start ${file}: ${(error as Error).message}`;
    appendToLog(runDir, `nixdeck: ${message}\n`);
    return finish(runDir, { exitCode: 126, signal: null, error: message });
  }

  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const started = await new Promise<{ ok: true } | { ok: false; error: NodeJS.ErrnoException }>((resolve) => {
    child.once('spawn', () => resolve({ ok: true }));
    child.once('error', (error: NodeJS.ErrnoException) => resolve({ ok: false, error }));
  });
  closeSync(logFd); // the command holds its own copy
  if (!started.ok) {
    const code = started.error.code === 'ENOENT' ? 127 : 126;
    const message = `could not start ${file}: ${started.error.code === 'ENOENT' ? 'not found' : started.error.message}`;
    appendToLog(runDir, `nixdeck: ${message}\n`);
    return finish(runDir, { exitCode: code, signal: null, error: message });
  }
  child.on('error', ignore); // e.g. a failed kill; the exit event still comes

  if (withPassword && child.stdin) {
    child.stdin.on('error', ignore); // EPIPE when the command never reads it
    child.stdin.end(`${options.password}\n`);
  }
  try {
    await updateMeta(runDir, { supervisorPid: process.pid, childPid: child.pid ?? null });
  } catch (error) {
    appendToLog(runDir, `nixdeck: could not record the command's pid: ${(error as Error).message}\n`);
  }

  const { code, signal } = await ended;
  return finish(runDir, { exitCode: code, signal });
}

/**
 * `supervise` as a program: `<runDir> [--password-on-stdin]`. With the flag, all of standard
 * input is the password (one trailing newline removed). Returns the process exit status.
 */
export async function supervisorMain(args: readonly string[], stdin: NodeJS.ReadableStream = process.stdin): Promise<number> {
  ignoreHangup();
  const positional = args.filter((a) => !a.startsWith('--'));
  const flags = args.filter((a) => a.startsWith('--'));
  const runDir = positional[0];
  if (positional.length !== 1 || runDir === undefined || flags.some((f) => f !== '--password-on-stdin')) {
    process.stderr.write('usage: __supervise RUN_DIR [--password-on-stdin]\n');
    return 2;
  }
  let password: string | undefined;
  if (flags.includes('--password-on-stdin')) {
    const chunks: Buffer[] = [];
    for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    password = Buffer.concat(chunks).toString('utf8');
    if (password.endsWith('\n')) password = password.slice(0, -1);
  }
  const dir = path.resolve(runDir);
  try {
    return await supervise(dir, password !== undefined ? { password } : {});
  } catch (error) {
    appendToLog(dir, `nixdeck: the run's supervisor failed: ${(error as Error).message}\n`);
    if (!existsSync(path.join(dir, EXIT_FILE))) {
      await finish(dir, { exitCode: null, signal: null, error: `supervisor failed: ${(error as Error).message}` }).catch(ignore);
    }
    return 1;
  }
}
