// The last generation list read from each remote host, kept in the state folder so that the
// console can show it at once (marked with its age) while the host is read again, and keep
// showing it when the host cannot be reached.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isValidHostName } from '../core/hosts.js';
import type { Generation, GenerationList } from '../core/types.js';

const VERSION = 1;

export interface CachedGenerations {
  list: GenerationList;
  /** when the list was read from the host, ms since the epoch */
  savedAtMs: number;
}

export interface GenerationsCache {
  /** the host's last list, or null when there is none (or it was read from another target) */
  read(host: string, target?: string): Promise<CachedGenerations | null>;
  /** keep `list` as the host's last list; never throws (a read-only home keeps no cache) */
  write(host: string, list: GenerationList, savedAtMs?: number, target?: string): Promise<void>;
}

interface Entry {
  version: number;
  host: string;
  target: string | null;
  savedAtMs: number;
  list: GenerationList;
}

function isGeneration(value: unknown): value is Generation {
  if (typeof value !== 'object' || value === null) return false;
  const g = value as Partial<Generation>;
  return (
    typeof g.generation === 'number' &&
    typeof g.date === 'string' &&
    typeof g.nixosVersion === 'string' &&
    typeof g.kernelVersion === 'string' &&
    typeof g.configurationRevision === 'string' &&
    Array.isArray(g.specialisations) &&
    typeof g.current === 'boolean' &&
    typeof g.running === 'boolean' &&
    typeof g.booted === 'boolean' &&
    (g.storePath === null || typeof g.storePath === 'string') &&
    (g.status === 'ok' || g.status === 'dangling' || g.status === 'unreadable')
  );
}

function isEntry(value: unknown, host: string): value is Entry {
  if (typeof value !== 'object' || value === null) return false;
  const e = value as Partial<Entry>;
  const list = e.list as Partial<GenerationList> | undefined;
  return (
    e.version === VERSION &&
    e.host === host &&
    typeof e.savedAtMs === 'number' &&
    Number.isFinite(e.savedAtMs) &&
    typeof list === 'object' &&
    list !== null &&
    Array.isArray(list.generations) &&
    list.generations.every(isGeneration) &&
    typeof list.rebootNeeded === 'boolean'
  );
}

/** `<dir>/<host>.json` per host (dir: `$XDG_STATE_HOME/nixdeck/generations`). */
export function fileGenerationsCache(dir: string): GenerationsCache {
  const fileOf = (host: string): string | null => (isValidHostName(host) ? path.join(dir, `${host}.json`) : null);
  return {
    async read(host, target) {
      const file = fileOf(host);
      if (!file) return null;
      try {
        const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
        if (!isEntry(parsed, host)) return null;
        if (target !== undefined && parsed.target !== null && parsed.target !== target) return null;
        return { list: parsed.list, savedAtMs: parsed.savedAtMs };
      } catch {
        // no list kept yet, or not ours: it holds nothing the user made
        return null;
      }
    },
    async write(host, list, savedAtMs = Date.now(), target) {
      const file = fileOf(host);
      if (!file) return;
      const entry: Entry = { version: VERSION, host, target: target ?? null, savedAtMs, list };
      // a unique temporary name: two consoles may write the same host at once; rename is atomic
      const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      try {
        await mkdir(dir, { recursive: true });
        await writeFile(tmp, JSON.stringify(entry), { mode: 0o600 });
        await rename(tmp, file);
      } catch {
        await rm(tmp, { force: true }).catch(() => {});
      }
    },
  };
}
