import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ToplevelCache, ToplevelFacts } from './profileReader.js';

const VERSION = 1;
const MAX_ENTRIES = 5000;

export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(os.homedir(), '.cache');
  return path.join(base, 'nixdeck');
}

export interface FileToplevelCache extends ToplevelCache {
  /** write the file if anything was added; a cache that cannot be written is simply not kept */
  save(): void;
}

export function memoryToplevelCache(): ToplevelCache {
  const entries = new Map<string, ToplevelFacts>();
  return { get: (p) => entries.get(p), set: (p, f) => void entries.set(p, f) };
}

/**
 * Toplevel facts by store path in $XDG_CACHE_HOME/nixdeck/toplevels.json. A store path's
 * content never changes, so an entry never goes stale; the reader still checks the path exists.
 * An unreadable or foreign file is ignored and replaced: it holds nothing the user made.
 */
export function fileToplevelCache(dir: string = cacheDir()): FileToplevelCache {
  const file = path.join(dir, 'toplevels.json');
  const entries = new Map<string, ToplevelFacts>();
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown; entries?: unknown };
    if (parsed.version === VERSION && parsed.entries && typeof parsed.entries === 'object') {
      for (const [key, value] of Object.entries(parsed.entries as Record<string, unknown>)) {
        if (isFacts(value)) entries.set(key, value);
      }
    }
  } catch {
    // no cache yet, or not ours
  }
  let dirty = false;
  return {
    get: (storePath) => entries.get(storePath),
    set(storePath, facts) {
      entries.set(storePath, facts);
      dirty = true;
    },
    save() {
      if (!dirty) return;
      const kept = [...entries].slice(-MAX_ENTRIES);
      try {
        mkdirSync(dir, { recursive: true });
        const tmp = `${file}.${process.pid}.tmp`;
        writeFileSync(tmp, JSON.stringify({ version: VERSION, entries: Object.fromEntries(kept) }));
        renameSync(tmp, file);
        dirty = false;
      } catch {
        // a read-only home: reading works without the cache
      }
    },
  };
}

function isFacts(v: unknown): v is ToplevelFacts {
  if (!v || typeof v !== 'object') return false;
  const f = v as Record<string, unknown>;
  const strOrNull = (x: unknown) => x === null || typeof x === 'string';
  return strOrNull(f.nixosVersion) && strOrNull(f.kernelVersion) && strOrNull(f.configurationRevision) && Array.isArray(f.specialisations) && f.specialisations.every((s) => typeof s === 'string');
}
