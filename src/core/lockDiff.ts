// What an update changed in flake.lock: its root inputs before and after, compared by what pins them.
import { type LockFile, readLock, resolveFollows } from './flakeLock.js';
import type { InputChange } from './repo.js';
import type { Result } from './result.js';

interface Pin {
  rev: string | null;
  lastModified: number | null;
  narHash: string | null;
}

const DAY_S = 86_400;

/** Each root input as locked (a follows: the node it ends at); an input whose follows leads nowhere has no pin. */
function rootPins(lock: LockFile): Map<string, Pin> {
  const pins = new Map<string, Pin>();
  const root = lock.nodes.get(lock.root);
  for (const [name, ref] of root?.inputs ?? []) {
    const key = 'node' in ref ? ref.node : resolveFollows(lock, ref.follows);
    const locked = key === null ? null : (lock.nodes.get(key)?.locked ?? null);
    const rev = locked?.['rev'];
    const lastModified = locked?.['lastModified'];
    const narHash = locked?.['narHash'];
    pins.set(name, {
      rev: typeof rev === 'string' ? rev : null,
      lastModified: typeof lastModified === 'number' ? lastModified : null,
      narHash: typeof narHash === 'string' ? narHash : null,
    });
  }
  return pins;
}

/** The root inputs an update added, removed or changed (rev, lastModified or narHash), by name; a broken file is a Failure. */
export function diffLocks(before: string, after: string): Result<InputChange[]> {
  const old = readLock(before);
  if (!old.ok) return { ...old, error: `before the update: ${old.error}` };
  const now = readLock(after);
  if (!now.ok) return { ...now, error: `after the update: ${now.error}` };
  const oldPins = rootPins(old.value);
  const newPins = rootPins(now.value);
  const names = [...new Set([...oldPins.keys(), ...newPins.keys()])].sort();
  const changes: InputChange[] = [];
  for (const name of names) {
    const a = oldPins.get(name);
    const b = newPins.get(name);
    if (a !== undefined && b !== undefined && a.rev === b.rev && a.lastModified === b.lastModified && a.narHash === b.narHash) continue;
    const daysGained = a?.lastModified != null && b?.lastModified != null ? Math.trunc((b.lastModified - a.lastModified) / DAY_S) : null;
    changes.push({
      name,
      oldRev: a?.rev ?? null,
      newRev: b?.rev ?? null,
      oldLastModified: a?.lastModified ?? null,
      newLastModified: b?.lastModified ?? null,
      daysGained,
      kind: a === undefined ? 'added' : b === undefined ? 'removed' : 'changed',
    });
  }
  return { ok: true, value: changes };
}
