// Updating a flake's lock file as a run: `nix flake update` (or `nix flake lock --update-input`
// on Nix before 2.19) under the run supervisor, detached and logged like a rebuild, host
// "flake.lock", action "update". flake.lock is saved beside the log first, so the update can be
// compared and reverted; nothing is ever committed.
import { existsSync } from 'node:fs';
import { copyFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import writeFileAtomic from 'write-file-atomic';
import { checkInputNames, parseNixVersion, planFlakeUpdate } from '../core/flakeUpdatePlan.js';
import type { UpdateOutcome } from '../core/repo.js';
import type { Result } from '../core/result.js';
import type { StartResult } from '../core/runsService.js';
import {
  AFTER_FILE,
  BEFORE_FILE,
  LOCK_FILE,
  lockChanges,
  NO_LOCK_FILE,
  readBytes,
  REPLACED_FILE,
  rootInputNames,
  savedBefore,
  UPDATE_ACTION,
  UPDATE_HOST,
} from './flakeUpdateFiles.js';
import { startRun } from './runLauncher.js';
import { listRuns, readRun, RunLookupError, type RunInfo } from './runStore.js';
import { selfCommand } from './selfCommand.js';

export interface FlakeUpdateSetup {
  stateDir: string;
  flakeDir: string;
  /** argv prefix that runs `nixdeck __supervise` */
  supervisor: readonly string[];
  /** the update's command instead of nix's (the demo's stand-in); given the input names (none: all) */
  command?: (inputs: readonly string[]) => Promise<Result<string[]>>;
  /** argv prefix of `nixdeck __flake-update` (default: this program) */
  runner?: readonly string[];
  /** `nix --version` output, for tests; default: asks nix */
  nixVersion?: () => Promise<Result<string>>;
}

export interface FlakeUpdater {
  start(inputs: readonly string[]): Promise<StartResult>;
  outcome(runId: string): Promise<Result<UpdateOutcome>>;
  revert(runId: string): Promise<Result<void>>;
}

async function askNixVersion(): Promise<Result<string>> {
  const result = await execa('nix', ['--version'], { reject: false, stdin: 'ignore', timeout: 15_000 });
  if (result.failed && (result as { code?: string }).code === 'ENOENT') {
    return { ok: false, error: 'nix is not installed (not found in PATH): nothing was started', hint: 'nixdeck update runs `nix flake update`; install Nix first' };
  }
  if (result.failed || result.exitCode !== 0) {
    return { ok: false, error: `nix --version failed: ${(result.stderr || result.shortMessage || '').split('\n')[0]}: nothing was started` };
  }
  return { ok: true, value: String(result.stdout) };
}

/** The root inputs locked in the flake's flake.lock; null when it has none yet. */
async function lockedInputs(flakeDir: string): Promise<Result<string[] | null>> {
  const bytes = await readBytes(path.join(flakeDir, LOCK_FILE));
  if (bytes === null) return { ok: true, value: null };
  return rootInputNames(bytes.toString('utf8'));
}

/** The flake folder holds a flake and the names are inputs of its flake.lock: checked before anything runs. */
export async function checkUpdateInputs(flakeDir: string, inputs: readonly string[]): Promise<Result<string[]>> {
  if (!existsSync(path.join(flakeDir, 'flake.nix'))) {
    return { ok: false, error: `there is no flake.nix in ${flakeDir}: nothing to update`, hint: 'choose the flake folder with --flake DIR' };
  }
  const locked = await lockedInputs(flakeDir);
  if (!locked.ok) return { ...locked, error: `${locked.error}: nothing was started` };
  return checkInputNames(inputs, locked.value);
}

/** The update's command: the given one (the demo's), else nix's for the Nix version installed. */
async function updateCommand(setup: FlakeUpdateSetup, flakeDir: string, inputs: readonly string[]): Promise<Result<string[]>> {
  if (setup.command) return setup.command(inputs);
  const text = await (setup.nixVersion ?? askNixVersion)();
  if (!text.ok) return text;
  const version = parseNixVersion(text.value);
  if (!version) return { ok: false, error: `cannot tell the Nix version from "${text.value.trim().slice(0, 80)}": nothing was started` };
  const plan = planFlakeUpdate({ nixVersion: version, flakeDir, inputs });
  return plan;
}

/** An update run going on for this flake, if any. */
async function runningUpdate(stateDir: string, flakeDir: string): Promise<RunInfo | null> {
  const runs = await listRuns(stateDir);
  return runs.find((r) => r.state === 'running' && r.meta?.action === UPDATE_ACTION && path.resolve(r.meta.flakeDir) === flakeDir) ?? null;
}

/** Start an update run (all inputs, or these): checked, flake.lock saved beside its log, then detached. */
export async function startFlakeUpdate(setup: FlakeUpdateSetup, inputs: readonly string[]): Promise<Result<RunInfo>> {
  const flakeDir = path.resolve(setup.flakeDir);
  const names = await checkUpdateInputs(flakeDir, inputs);
  if (!names.ok) return names;
  const going = await runningUpdate(setup.stateDir, flakeDir);
  if (going) return { ok: false, error: `an update of this flake is already running (run ${going.id}): nothing was started`, hint: `follow it with: nixdeck log ${going.id}` };
  const command = await updateCommand(setup, flakeDir, names.value);
  if (!command.ok) return command;
  const runner = setup.runner ?? selfCommand('__flake-update');
  try {
    const info = await startRun({
      stateDir: setup.stateDir,
      host: UPDATE_HOST,
      action: UPDATE_ACTION,
      argv: (runDir) => [...runner, runDir, flakeDir, '--', ...command.value],
      flakeDir,
      supervisor: setup.supervisor,
      prepare: async (runDir) => {
        try {
          await copyFile(path.join(flakeDir, LOCK_FILE), path.join(runDir, BEFORE_FILE));
        } catch (error) {
          if ((error as { code?: string }).code !== 'ENOENT') throw error;
          await writeFile(path.join(runDir, NO_LOCK_FILE), 'the flake had no flake.lock when the update started\n', { mode: 0o600 });
        }
      },
    });
    return { ok: true, value: info };
  } catch (error) {
    return { ok: false, error: `the update could not be started: ${(error as Error).message}` };
  }
}

/** An update run of this flake by id, unique id prefix or "last" (the newest update of this flake). */
export async function findUpdateRun(stateDir: string, flakeDir: string, idOrLast: string): Promise<Result<RunInfo>> {
  const dir = path.resolve(flakeDir);
  if (idOrLast === 'last') {
    const runs = await listRuns(stateDir);
    const last = runs.find((r) => r.meta?.action === UPDATE_ACTION && path.resolve(r.meta.flakeDir) === dir);
    return last ? { ok: true, value: last } : { ok: false, error: `no update of ${dir} has run yet`, hint: 'nixdeck runs lists the runs' };
  }
  let info: RunInfo;
  try {
    info = await readRun(stateDir, idOrLast);
  } catch (error) {
    if (error instanceof RunLookupError) return { ok: false, error: error.message };
    throw error;
  }
  if (info.meta?.action !== UPDATE_ACTION) {
    const what = info.meta ? `a ${info.meta.action} of ${info.meta.host}` : 'unreadable';
    return { ok: false, error: `run ${info.id} is not an update of flake.lock (it is ${what})` };
  }
  if (path.resolve(info.meta.flakeDir) !== dir) return { ok: false, error: `run ${info.id} updated another flake (${info.meta.flakeDir}), not ${dir}` };
  return { ok: true, value: info };
}

interface EndedUpdate {
  info: RunInfo;
  lockPath: string;
  /** flake.lock before the update; null: there was none */
  before: Buffer | null;
  /** as the update left it, when that was saved (undefined: the run ended before it could save it) */
  after: Buffer | null | undefined;
  current: Buffer | null;
}

async function endedUpdate(setup: FlakeUpdateSetup, runId: string): Promise<Result<EndedUpdate>> {
  const found = await findUpdateRun(setup.stateDir, setup.flakeDir, runId);
  if (!found.ok) return found;
  const info = found.value;
  if (info.state === 'running') return { ok: false, error: `the update is still running (run ${info.id})`, hint: `follow it with: nixdeck log ${info.id}` };
  const before = await savedBefore(info.dir);
  if (before === undefined) return { ok: false, error: `run ${info.id} saved no flake.lock before it started (${path.join(info.dir, BEFORE_FILE)} is missing)` };
  const lockPath = path.join(info.meta?.flakeDir ?? setup.flakeDir, LOCK_FILE);
  const afterBytes = await readBytes(path.join(info.dir, AFTER_FILE));
  const current = await readBytes(lockPath);
  // no after-copy: the command was killed before it could save one, or there was no lock at its end
  const after = afterBytes ?? (info.exit?.exitCode === 0 && current === null ? null : undefined);
  return { ok: true, value: { info, lockPath, before, after, current } };
}

const same = (a: Buffer | null | undefined, b: Buffer | null | undefined): boolean => (a === null || a === undefined ? a === b : b !== null && b !== undefined && a.equals(b));

/** Once an update run has ended: what changed in flake.lock, and whether it can be put back. */
export async function updateOutcome(setup: FlakeUpdateSetup, runId: string): Promise<Result<UpdateOutcome>> {
  const ended = await endedUpdate(setup, runId);
  if (!ended.ok) return ended;
  const { info, before, after, current } = ended.value;
  const left = after === undefined ? current : after;
  const changes = lockChanges(before, left);
  if (!changes.ok) return changes;
  return { ok: true, value: { runId: info.id, changes: changes.value, revertible: !same(before, left) && !same(before, current) } };
}

/** Put flake.lock back as it was before the update; the file it replaces is kept beside the run's log (keptAt). */
export async function revertFlakeUpdate(setup: FlakeUpdateSetup, runId: string): Promise<Result<{ runId: string; keptAt: string | null; lockPath: string }>> {
  const ended = await endedUpdate(setup, runId);
  if (!ended.ok) return ended;
  const { info, lockPath, before, after, current } = ended.value;
  if (same(before, current)) return { ok: true, value: { runId: info.id, keptAt: null, lockPath } };
  if (after !== undefined && !same(after, current)) {
    const saved = before === null ? 'the flake had no flake.lock before it' : `flake.lock as it was before is kept in ${path.join(info.dir, BEFORE_FILE)}`;
    return {
      ok: false,
      error: `flake.lock changed since update ${info.id} ended: nothing reverted, your flake.lock is as you left it`,
      hint: `${saved}; put it back yourself if you want it`,
    };
  }
  let keptAt: string | null = null;
  if (current !== null) {
    keptAt = path.join(info.dir, REPLACED_FILE);
    if (existsSync(keptAt)) keptAt = `${keptAt}-${new Date().toISOString().replace(/[-:.]/g, '')}`;
    await writeFile(keptAt, current, { mode: 0o600 });
  }
  try {
    if (before === null) {
      await rm(lockPath, { force: true });
    } else {
      await writeFileAtomic(lockPath, before);
    }
  } catch (error) {
    return { ok: false, error: `flake.lock could not be written: ${(error as Error).message}`, ...(keptAt ? { hint: `the file as it was is kept in ${keptAt}` } : {}) };
  }
  return { ok: true, value: { runId: info.id, keptAt, lockPath } };
}

/** The update as services/repoService.ts takes it. */
export function flakeUpdater(setup: FlakeUpdateSetup): FlakeUpdater {
  return {
    async start(inputs) {
      const started = await startFlakeUpdate(setup, inputs);
      return started.ok ? { ok: true, id: started.value.id } : { ok: false, error: started.hint ? `${started.error} (${started.hint})` : started.error };
    },
    outcome: (runId) => updateOutcome(setup, runId),
    async revert(runId) {
      const reverted = await revertFlakeUpdate(setup, runId);
      return reverted.ok ? { ok: true, value: undefined } : reverted;
    },
  };
}
