// Rebuild runs on disk: $XDG_STATE_HOME/nixdeck/runs/<id>/{meta.json, log, exit.json, cancel}.
// A run dir is created under a dot-name and renamed into place, so a reader never sees one
// without meta.json; meta.json and exit.json are always replaced whole (temp file + rename).
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { RUN_RESULTS, type RunResult, type RunSummary } from '../core/runSummary.js';

export const META_FILE = 'meta.json';
export const LOG_FILE = 'log';
export const EXIT_FILE = 'exit.json';
export const CANCEL_FILE = 'cancel';
/** the outcome as the supervisor's tracker saw it, with real build times (a saved log has none) */
export const SUMMARY_FILE = 'summary.json';

export interface RunMeta {
  id: string;
  host: string;
  action: string;
  argv: string[];
  flakeDir: string;
  /** ISO 8601 UTC */
  startedAt: string;
  /** set by the supervisor when it starts the command */
  supervisorPid: number | null;
  /** the command's pid, which is also its process group id */
  childPid: number | null;
}

export interface RunExit {
  exitCode: number | null;
  signal: string | null;
  /** ISO 8601 UTC */
  endedAt: string;
  /** a cancel was asked for (the `cancel` marker existed when the command ended) */
  cancelled: boolean;
  /** the command could not be started, or the supervisor failed; in words */
  error?: string;
}

export type RunState = 'running' | 'finished' | 'lost';

export interface RunInfo {
  id: string;
  dir: string;
  state: RunState;
  /** null when meta.json is missing or unusable (then state is 'lost' and reason says why) */
  meta: RunMeta | null;
  exit: RunExit | null;
  /** why a run is 'lost' */
  reason?: string;
}

export class RunLookupError extends Error {}

/** A run that has not recorded its supervisor yet is "starting" for this long, then lost. */
const START_GRACE_MS = 30_000;

/** `$XDG_STATE_HOME/nixdeck` when XDG_STATE_HOME is absolute, else `~/.local/state/nixdeck`. */
export function stateDir(env: NodeJS.ProcessEnv = process.env, home: string = os.homedir()): string {
  const xdg = env.XDG_STATE_HOME;
  if (xdg && path.isAbsolute(xdg)) return path.join(xdg, 'nixdeck');
  return path.join(home, '.local', 'state', 'nixdeck');
}

export function runsDir(state: string): string {
  return path.join(state, 'runs');
}

/** `20261128T164501-hq-switch-3f9a`: UTC start second first, so ids sort by time. */
export function makeRunId(host: string, action: string, date: Date = new Date(), suffix: string = randomBytes(2).toString('hex')): string {
  const stamp = date.toISOString().slice(0, 19).replace(/[-:]/g, '');
  return `${stamp}-${host}-${action}-${suffix}`;
}

const ID_STAMP = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})-/;

function idTime(id: string): number {
  const m = ID_STAMP.exec(id);
  if (!m) return 0;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

/** Write JSON to a temporary file beside `file`, then rename it over `file`. */
export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  const temp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await writeFile(temp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

export interface NewRun {
  host: string;
  action: string;
  /** a function gets the run's folder (where it will be once created) */
  argv: readonly string[] | ((runDir: string) => readonly string[]);
  flakeDir: string;
  now?: Date;
}

/** Make runs/<id>/ with meta.json (no pids yet) and an empty log; returns the new run. */
export async function createRun(state: string, run: NewRun): Promise<{ id: string; dir: string; meta: RunMeta }> {
  const root = runsDir(state);
  await mkdir(root, { recursive: true, mode: 0o700 });
  const now = run.now ?? new Date();
  for (let attempt = 0; ; attempt++) {
    const id = makeRunId(run.host, run.action, now);
    const dir = path.join(root, id);
    if (existsSync(dir)) continue;
    const temp = path.join(root, `.new-${id}`);
    await mkdir(temp, { mode: 0o700 });
    const meta: RunMeta = {
      id,
      host: run.host,
      action: run.action,
      argv: [...(typeof run.argv === 'function' ? run.argv(dir) : run.argv)],
      flakeDir: run.flakeDir,
      startedAt: now.toISOString(),
      supervisorPid: null,
      childPid: null,
    };
    try {
      await writeJsonAtomic(path.join(temp, META_FILE), meta);
      await (await open(path.join(temp, LOG_FILE), 'a', 0o600)).close();
      await rename(temp, dir);
      return { id, dir, meta };
    } catch (error) {
      await rm(temp, { recursive: true, force: true });
      const code = (error as { code?: string }).code;
      if (attempt < 5 && (code === 'ENOTEMPTY' || code === 'EEXIST')) continue;
      throw error;
    }
  }
}

/** Parse meta.json text; a reason in words when it is not a usable run description. */
export function parseMeta(text: string): { ok: true; meta: RunMeta } | { ok: false; reason: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `meta.json is not valid JSON (${(error as Error).message})` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, reason: 'meta.json does not hold a JSON object' };
  const v = value as Record<string, unknown>;
  const missing: string[] = [];
  for (const key of ['id', 'host', 'action', 'flakeDir', 'startedAt'] as const) if (typeof v[key] !== 'string') missing.push(key);
  if (!Array.isArray(v.argv) || !v.argv.every((w) => typeof w === 'string')) missing.push('argv');
  const pid = (x: unknown): boolean => x === null || x === undefined || (typeof x === 'number' && Number.isInteger(x) && x > 0);
  if (!pid(v.supervisorPid)) missing.push('supervisorPid');
  if (!pid(v.childPid)) missing.push('childPid');
  if (missing.length > 0) return { ok: false, reason: `meta.json is incomplete or malformed (${missing.join(', ')})` };
  return {
    ok: true,
    meta: {
      id: v.id as string,
      host: v.host as string,
      action: v.action as string,
      argv: v.argv as string[],
      flakeDir: v.flakeDir as string,
      startedAt: v.startedAt as string,
      supervisorPid: (v.supervisorPid as number | null | undefined) ?? null,
      childPid: (v.childPid as number | null | undefined) ?? null,
    },
  };
}

function parseExit(text: string): RunExit | null {
  try {
    const v = JSON.parse(text) as Record<string, unknown>;
    if (typeof v !== 'object' || v === null || typeof v.endedAt !== 'string') return null;
    return {
      exitCode: typeof v.exitCode === 'number' ? v.exitCode : null,
      signal: typeof v.signal === 'string' ? v.signal : null,
      endedAt: v.endedAt,
      cancelled: v.cancelled === true,
      ...(typeof v.error === 'string' ? { error: v.error } : {}),
    };
  } catch {
    return null;
  }
}

async function readText(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return null;
    throw error;
  }
}

export async function writeSummary(runDir: string, summary: RunSummary): Promise<void> {
  await writeJsonAtomic(path.join(runDir, SUMMARY_FILE), summary);
}

/** The saved summary of an ended run; null when there is none (older runs) or it is unusable. */
export async function readSummary(runDir: string): Promise<RunSummary | null> {
  let text: string | null;
  try {
    text = await readText(path.join(runDir, SUMMARY_FILE));
  } catch {
    return null;
  }
  if (text === null) return null;
  try {
    const v = JSON.parse(text) as Partial<RunSummary> | null;
    if (typeof v !== 'object' || v === null || !RUN_RESULTS.includes(v.result as RunResult) || typeof v.headline !== 'string') return null;
    if (!Array.isArray(v.failedDerivations) || typeof v.durationMs !== 'number') return null;
    return v as RunSummary;
  } catch {
    return null;
  }
}

export async function readMeta(runDir: string): Promise<RunMeta> {
  const text = await readText(path.join(runDir, META_FILE));
  if (text === null) throw new Error(`${runDir} has no meta.json`);
  const parsed = parseMeta(text);
  if (!parsed.ok) throw new Error(`${runDir}: ${parsed.reason}`);
  return parsed.meta;
}

/** Read-modify-write meta.json (atomically). Only the supervisor writes it after creation. */
export async function updateMeta(runDir: string, patch: Partial<RunMeta>): Promise<RunMeta> {
  const meta = { ...(await readMeta(runDir)), ...patch };
  await writeJsonAtomic(path.join(runDir, META_FILE), meta);
  return meta;
}

/** The state of the run in `runDir`; never throws for a broken run, only for unreadable disks. */
export async function runInfoAt(runDir: string, now: number = Date.now()): Promise<RunInfo> {
  const id = path.basename(runDir);
  const base = { id, dir: runDir };
  let exit: RunExit | null = null;
  let exitProblem: string | null = null;
  let metaText: string | null;
  try {
    const exitText = await readText(path.join(runDir, EXIT_FILE));
    if (exitText !== null) {
      exit = parseExit(exitText);
      if (!exit) exitProblem = 'exit.json is unreadable';
    }
    metaText = await readText(path.join(runDir, META_FILE));
  } catch (error) {
    return { ...base, state: 'lost', meta: null, exit, reason: `cannot read the run: ${(error as Error).message}` };
  }
  if (metaText === null) return { ...base, state: 'lost', meta: null, exit, reason: 'meta.json is missing' };
  const parsed = parseMeta(metaText);
  if (!parsed.ok) return { ...base, state: 'lost', meta: null, exit, reason: parsed.reason };
  const meta = parsed.meta;
  if (exit) return { ...base, state: 'finished', meta, exit };
  if (exitProblem) return { ...base, state: 'lost', meta, exit, reason: exitProblem };
  // no exit.json: running while its supervisor lives. A stale pid can be reused by another
  // program, so on Linux the supervisor must also still name this run on its command line.
  if (meta.supervisorPid === null) {
    const started = Date.parse(meta.startedAt);
    if (Number.isFinite(started) && now - started < START_GRACE_MS) return { ...base, state: 'running', meta, exit };
    return { ...base, state: 'lost', meta, exit, reason: 'the supervisor never started the command' };
  }
  if (isProcessAlive(meta.supervisorPid, id)) return { ...base, state: 'running', meta, exit };
  return { ...base, state: 'lost', meta, exit, reason: `its supervisor (pid ${meta.supervisorPid}) is gone and no exit was recorded` };
}

function sortKey(info: RunInfo): number {
  const started = info.meta ? Date.parse(info.meta.startedAt) : Number.NaN;
  return Number.isFinite(started) ? started : idTime(info.id);
}

/** Every run, newest first. Broken runs are listed as 'lost' with a reason. */
export async function listRuns(state: string): Promise<RunInfo[]> {
  const root = runsDir(state);
  let entries;
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return [];
    throw error;
  }
  const now = Date.now();
  const infos = await Promise.all(
    entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => runInfoAt(path.join(root, e.name), now)),
  );
  return infos.sort((a, b) => sortKey(b) - sortKey(a) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
}

/** A run by its id, a unique prefix of one, or `last` (the newest). */
export async function readRun(state: string, idOrPrefix: string): Promise<RunInfo> {
  const query = idOrPrefix.trim();
  if (query === '') throw new RunLookupError('no run given: pass a run id, a unique start of one, or "last"');
  if (query.includes('/') || query.includes('\0') || query.startsWith('.')) throw new RunLookupError(`"${idOrPrefix}" is not a run id (see: nixdeck runs)`);
  const runs = await listRuns(state);
  if (query === 'last') {
    const newest = runs[0];
    if (!newest) throw new RunLookupError(`there are no runs yet (in ${runsDir(state)})`);
    return newest;
  }
  const exact = runs.find((r) => r.id === query);
  if (exact) return exact;
  const matches = runs.filter((r) => r.id.startsWith(query));
  const only = matches[0];
  if (!only) throw new RunLookupError(`no run matches "${query}" (see: nixdeck runs)`);
  if (matches.length > 1) {
    const shown = matches.slice(0, 5).map((r) => r.id);
    const more = matches.length > 5 ? `, and ${matches.length - 5} more` : '';
    throw new RunLookupError(`"${query}" matches ${matches.length} runs: ${shown.join(', ')}${more}; give more of the id`);
  }
  return only;
}

/** Delete the oldest runs that are not running so that at most `keep` remain; returns the ids deleted. */
export async function pruneRuns(state: string, keep = 200): Promise<string[]> {
  const runs = await listRuns(state);
  let excess = runs.length - Math.max(0, keep);
  const deleted: string[] = [];
  for (let i = runs.length - 1; i >= 0 && excess > 0; i--) {
    const run = runs[i];
    if (!run || run.state === 'running') continue;
    await rm(run.dir, { recursive: true, force: true });
    deleted.push(run.id);
    excess--;
  }
  return deleted;
}

// ---- processes ----------------------------------------------------------------------------

const HAVE_PROC = existsSync('/proc/self/stat');

interface ProcStat {
  state: string;
  pgrp: number;
}

/** /proc/<pid>/stat's state and process group; null when the process is gone or /proc is absent. */
function procStat(pid: string | number): ProcStat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) S ppid pgrp ...": comm may hold spaces and parentheses
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '?', pgrp: Number(fields[2]) };
  } catch {
    return null;
  }
}

const gone = (state: string): boolean => state === 'Z' || state === 'X' || state === 'x';

/**
 * Is `pid` a live process? Zombies count as gone (where PID 1 does not reap orphans they
 * linger). With `commandLineMustInclude`, on Linux, a process whose command line does not
 * contain that text is taken as a reused pid, so not ours.
 */
export function isProcessAlive(pid: number, commandLineMustInclude?: string): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as { code?: string }).code === 'ESRCH') return false;
    // EPERM: it exists but belongs to someone else
  }
  if (!HAVE_PROC) return true;
  const stat = procStat(pid);
  if (!stat || gone(stat.state)) return false;
  if (commandLineMustInclude !== undefined) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmdline !== '' && !cmdline.includes(commandLineMustInclude)) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/** Does process group `pgid` still hold a live (non-zombie) process? */
export function isGroupAlive(pgid: number): boolean {
  if (!Number.isInteger(pgid) || pgid <= 1) return false;
  try {
    process.kill(-pgid, 0);
  } catch (error) {
    if ((error as { code?: string }).code === 'ESRCH') return false;
  }
  if (!HAVE_PROC) return true;
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return true;
  }
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const stat = procStat(name);
    if (stat && stat.pgrp === pgid && !gone(stat.state)) return true;
  }
  return false;
}
