import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { isValidHostName } from '../core/hosts.js';
import { flakeCacheFile } from './flakeCacheFile.js';
import { cacheDir } from './toplevelCache.js';

/**
 * The flake's host names from its last evaluation, in $XDG_CACHE_HOME/nixdeck/flake-hosts.json,
 * so the console can list them at once while `nix eval` runs again to confirm them. An entry
 * counts only while the flake looks the same: flake.nix, flake.lock and git's HEAD, branch and
 * index unchanged. An edit the fingerprint misses (a tracked file changed, not committed) shows
 * the old list until the evaluation returns and corrects it.
 */
export interface FlakeHostsCache {
  read(flakeDir: string): Promise<string[] | null>;
  /** `fingerprint`: taken before the evaluation started, so an edit made during it is not hidden */
  write(flakeDir: string, fingerprint: string, names: readonly string[]): Promise<void>;
  forget(flakeDir: string): Promise<void>;
}

interface Entry {
  fingerprint: string;
  names: string[];
}

async function statPart(file: string): Promise<string> {
  try {
    const s = await stat(file);
    return `${s.ino}:${s.size}:${s.mtimeMs}`;
  } catch (error) {
    return (error as { code?: string }).code ?? 'error';
  }
}

/** git's folder for a work tree: `.git`, or where a `.git` file (worktree, submodule) points. */
async function gitDir(flakeDir: string): Promise<string | null> {
  const dotGit = path.join(flakeDir, '.git');
  try {
    if ((await stat(dotGit)).isDirectory()) return dotGit;
    const pointer = /^gitdir: (.+)$/m.exec(await readFile(dotGit, 'utf8'))?.[1]?.trim();
    return pointer ? path.resolve(flakeDir, pointer) : null;
  } catch {
    return null;
  }
}

/** What must stay the same for a cached host list to be shown: a few stats and HEAD, no process. */
export async function flakeFingerprint(flakeDir: string): Promise<string> {
  const parts = await Promise.all([statPart(path.join(flakeDir, 'flake.nix')), statPart(path.join(flakeDir, 'flake.lock'))]);
  const git = await gitDir(flakeDir);
  if (git) {
    const head = await readFile(path.join(git, 'HEAD'), 'utf8').catch(() => 'no HEAD');
    const ref = /^ref: (\S+)/.exec(head)?.[1];
    // the branch file moves on commit; packed-refs after a gc; the index on add and checkout
    const refParts = await Promise.all([
      ref && !ref.split('/').includes('..') ? statPart(path.join(git, ref)) : Promise.resolve('detached'),
      statPart(path.join(git, 'packed-refs')),
      statPart(path.join(git, 'index')),
    ]);
    parts.push(head.trim(), ...refParts);
  }
  return parts.join('|');
}

function isEntry(value: unknown): value is Entry {
  if (typeof value !== 'object' || value === null) return false;
  const { fingerprint, names } = value as Partial<Entry>;
  return typeof fingerprint === 'string' && Array.isArray(names) && names.every((n) => typeof n === 'string' && isValidHostName(n));
}

export function fileFlakeHostsCache(dir: string = cacheDir()): FlakeHostsCache {
  const cache = flakeCacheFile(path.join(dir, 'flake-hosts.json'), isEntry);
  return {
    async read(flakeDir) {
      const key = path.resolve(flakeDir);
      const [entries, fingerprint] = await Promise.all([cache.load(), flakeFingerprint(key)]);
      const entry = entries.get(key);
      return entry && entry.fingerprint === fingerprint ? entry.names : null;
    },
    async write(flakeDir, fingerprint, names) {
      await cache.put(path.resolve(flakeDir), { fingerprint, names: [...names] });
    },
    async forget(flakeDir) {
      const entries = await cache.load();
      if (entries.delete(path.resolve(flakeDir))) await cache.save(entries);
    },
  };
}
