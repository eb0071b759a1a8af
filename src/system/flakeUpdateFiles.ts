// The files an update run keeps beside its log: flake.lock as it was before (or a marker that
// there was none), as the update left it, and the file a revert replaced.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { readLock } from '../core/flakeLock.js';
import { diffLocks } from '../core/lockDiff.js';
import type { InputChange } from '../core/repo.js';
import type { Result } from '../core/result.js';

/** The host of an update run: the flake's lock file, not a machine. */
export const UPDATE_HOST = 'flake.lock';
export const UPDATE_ACTION = 'update';

export const LOCK_FILE = 'flake.lock';
/** flake.lock as it was when the update started */
export const BEFORE_FILE = 'flake.lock.before';
/** written instead of BEFORE_FILE when the flake had no flake.lock yet */
export const NO_LOCK_FILE = 'flake.lock.none';
/** flake.lock as the update's command left it (written when the command ends) */
export const AFTER_FILE = 'flake.lock.after';
/** the flake.lock a revert replaced (never lost) */
export const REPLACED_FILE = 'flake.lock.replaced';

/** A lock file with no inputs: what "no flake.lock" is compared as. */
export const EMPTY_LOCK = '{"nodes":{"root":{}},"root":"root","version":7}';

/** A file's bytes, or null when it does not exist. */
export async function readBytes(file: string): Promise<Buffer | null> {
  try {
    return await readFile(file);
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return null;
    throw error;
  }
}

/** The root input names of a lock file's text. */
export function rootInputNames(text: string): Result<string[]> {
  const lock = readLock(text);
  if (!lock.ok) return lock;
  const root = lock.value.nodes.get(lock.value.root);
  return { ok: true, value: [...(root?.inputs.keys() ?? [])] };
}

/** What changed between two states of flake.lock (null: there was no file). */
export function lockChanges(before: Buffer | null, after: Buffer | null): Result<InputChange[]> {
  return diffLocks(before?.toString('utf8') ?? EMPTY_LOCK, after?.toString('utf8') ?? EMPTY_LOCK);
}

/** flake.lock before the update: its bytes, null when there was none, undefined when the run saved nothing. */
export async function savedBefore(runDir: string): Promise<Buffer | null | undefined> {
  const bytes = await readBytes(path.join(runDir, BEFORE_FILE));
  if (bytes !== null) return bytes;
  return (await readBytes(path.join(runDir, NO_LOCK_FILE))) !== null ? null : undefined;
}

/** `tools 1a2b3c4 → 5d6e7f8 (+3 days)`, `tools (added)`: one change in a few words. */
export function changeWords(change: InputChange): string {
  if (change.kind !== 'changed') return `${change.name} (${change.kind})`;
  const rev = (r: string | null): string => (r === null ? '?' : r.slice(0, 7));
  const gained = change.daysGained === null ? '' : ` (${change.daysGained >= 0 ? '+' : ''}${change.daysGained} day${Math.abs(change.daysGained) === 1 ? '' : 's'})`;
  return `${change.name} ${rev(change.oldRev)} → ${rev(change.newRev)}${gained}`;
}
