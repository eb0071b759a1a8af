import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

const VERSION = 1;
/** flakes kept in one cache file; the least recently written go first */
export const MAX_FLAKES = 20;

/**
 * A cache file of one entry per flake folder: `{"version":1,"flakes":{"<dir>":entry,…}}`. A
 * missing, unreadable or foreign file reads as empty (it holds nothing the user made), and one
 * that cannot be written (a read-only home) is not kept: everything works without it, only slower.
 */
export interface FlakeCacheFile<E> {
  /** the valid entries, least recently written first */
  load(): Promise<Map<string, E>>;
  /** write `entries`, keeping the last MAX_FLAKES; the file is replaced in one rename */
  save(entries: Map<string, E>): Promise<void>;
  /** load, make `entry` the most recent one of `dir`, save */
  put(dir: string, entry: E): Promise<void>;
}

export function flakeCacheFile<E>(file: string, isEntry: (value: unknown) => value is E): FlakeCacheFile<E> {
  const load = async (): Promise<Map<string, E>> => {
    const entries = new Map<string, E>();
    try {
      const parsed = JSON.parse(await readFile(file, 'utf8')) as { version?: unknown; flakes?: unknown };
      if (parsed.version === VERSION && typeof parsed.flakes === 'object' && parsed.flakes !== null) {
        for (const [dir, entry] of Object.entries(parsed.flakes)) if (isEntry(entry)) entries.set(dir, entry);
      }
    } catch {
      // no cache yet, or not ours
    }
    return entries;
  };
  const save = async (entries: Map<string, E>): Promise<void> => {
    try {
      await mkdir(path.dirname(file), { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      await writeFile(tmp, JSON.stringify({ version: VERSION, flakes: Object.fromEntries([...entries].slice(-MAX_FLAKES)) }));
      await rename(tmp, file);
    } catch {
      // a read-only home
    }
  };
  return {
    load,
    save,
    async put(dir, entry) {
      const entries = await load();
      entries.delete(dir);
      entries.set(dir, entry);
      await save(entries);
    },
  };
}
