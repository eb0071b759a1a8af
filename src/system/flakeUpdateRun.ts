// `nixdeck __flake-update RUN_DIR FLAKE_DIR -- COMMAND...`: the command of an update run, under
// its supervisor. It runs the update (nix, or the demo's stand-in), then saves flake.lock as the
// update left it beside the log before the run is recorded as ended, so that a revert can tell
// whether the user changed the file since, and says in the log what changed.
import { spawn } from 'node:child_process';
import { copyFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AFTER_FILE, changeWords, LOCK_FILE, lockChanges, readBytes, savedBefore } from './flakeUpdateFiles.js';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

type Ended = { code: number | null; signal: NodeJS.Signals | null } | { error: NodeJS.ErrnoException };

/** Keep flake.lock as the update left it; say what changed. */
async function record(runDir: string, flakeDir: string): Promise<void> {
  const lock = path.join(flakeDir, LOCK_FILE);
  const after = path.join(runDir, AFTER_FILE);
  try {
    await copyFile(lock, after);
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOENT') throw error;
    await rm(after, { force: true });
  }
  const before = await savedBefore(runDir);
  if (before === undefined) return;
  const changes = lockChanges(before, await readBytes(after));
  if (!changes.ok) process.stdout.write(`nixdeck: flake.lock cannot be compared: ${changes.error}\n`);
  else if (changes.value.length === 0) process.stdout.write('nixdeck: flake.lock unchanged\n');
  else process.stdout.write(`nixdeck: flake.lock changed: ${changes.value.map(changeWords).join(', ')}\n`);
}

export async function flakeUpdateMain(args: readonly string[]): Promise<number> {
  const dash = args.indexOf('--');
  const [runDir, flakeDir, ...extra] = dash < 0 ? [] : args.slice(0, dash);
  const command = dash < 0 ? [] : args.slice(dash + 1);
  const file = command[0];
  if (runDir === undefined || flakeDir === undefined || extra.length > 0 || file === undefined || file === '') {
    process.stderr.write('usage: __flake-update RUN_DIR FLAKE_DIR -- COMMAND...\n');
    return 2;
  }
  // a cancel signals the whole process group: the command gets it too; this process waits for
  // the command to end so that the lock it left is saved
  const ignore = (): void => {};
  for (const signal of SIGNALS) process.on(signal, ignore);
  const child = spawn(file, command.slice(1), { cwd: flakeDir, stdio: ['ignore', 'inherit', 'inherit'] });
  const ended = await new Promise<Ended>((resolve) => {
    child.once('error', (error: NodeJS.ErrnoException) => resolve({ error }));
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  if ('error' in ended) {
    process.stderr.write(`nixdeck: could not start ${file}: ${ended.error.code === 'ENOENT' ? 'not found' : ended.error.message}\n`);
  }
  try {
    await record(runDir, flakeDir);
  } catch (error) {
    process.stderr.write(`nixdeck: could not keep flake.lock as the update left it: ${(error as Error).message}\n`);
  }
  for (const signal of SIGNALS) process.off(signal, ignore);
  if ('error' in ended) return ended.error.code === 'ENOENT' ? 127 : 126;
  if (ended.signal !== null) {
    process.kill(process.pid, ended.signal); // end the way the command ended, as a shell would see it
    return 128 + (os.constants.signals[ended.signal] ?? 0);
  }
  return ended.code ?? 1;
}
