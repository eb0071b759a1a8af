// Follow a run's log file: complete lines in batches, from the start or from the end, until the
// run has ended and everything is read, or the caller aborts. Reads in bounded chunks, so a
// log of millions of lines never sits in memory.
import { existsSync, type FSWatcher, watch } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { EXIT_FILE, LOG_FILE } from './runStore.js';

export interface FollowOptions {
  signal: AbortSignal;
  /** read the existing log first (default); false starts at the next complete line written */
  fromStart?: boolean;
  /** how often to look for appends when no change notification arrives; default 100 ms */
  pollMs?: number;
  /** bytes per read; default 64 KiB */
  chunkBytes?: number;
  /** a line longer than this is delivered in pieces; default 4 MiB */
  maxLineChars?: number;
}

/**
 * Deliver the lines of `<runDir>/log` to `onLines`, split on \n (a \r stays inside its line),
 * each line once, in order. Resolves when exit.json exists and the log is read to its end
 * (a last line without \n is delivered then), or when `signal` aborts.
 */
export async function followLog(runDir: string, onLines: (lines: string[]) => void, options: FollowOptions): Promise<void> {
  const { signal } = options;
  const pollMs = options.pollMs ?? 100;
  const chunkBytes = options.chunkBytes ?? 64 * 1024;
  const maxLineChars = options.maxLineChars ?? 4 * 1024 * 1024;
  const logPath = path.join(runDir, LOG_FILE);
  const exitPath = path.join(runDir, EXIT_FILE);
  if (signal.aborted) return;

  let wake: (() => void) | null = null;
  const poke = (): void => {
    const w = wake;
    wake = null;
    w?.();
  };
  signal.addEventListener('abort', poke, { once: true });
  let watcher: FSWatcher | null = null;
  try {
    watcher = watch(runDir, { persistent: false }, poke);
    watcher.on('error', () => {
      watcher?.close();
      watcher = null;
    });
  } catch {
    watcher = null; // e.g. out of inotify watches: polling alone still works
  }
  const pause = (): Promise<void> =>
    new Promise<void>((resolve) => {
      if (signal.aborted) return resolve();
      const timer = setTimeout(() => {
        wake = null;
        resolve();
      }, pollMs);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  let handle: FileHandle | null = null;
  try {
    // the launcher creates the log with the run; wait for it if we are early
    while (!signal.aborted) {
      try {
        handle = await open(logPath, 'r');
        break;
      } catch (error) {
        if ((error as { code?: string }).code !== 'ENOENT') throw error;
        if (existsSync(exitPath) && !existsSync(logPath)) return;
        await pause();
      }
    }
    if (!handle) return;

    let position = 0;
    let skipPartial = false;
    if (options.fromStart === false) {
      const size = (await handle.stat()).size;
      position = size;
      if (size > 0) {
        const last = Buffer.alloc(1);
        await handle.read(last, 0, 1, size - 1);
        skipPartial = last[0] !== 0x0a; // we start in the middle of a line: drop its rest
      }
    }

    const decoder = new StringDecoder('utf8');
    const buffer = Buffer.alloc(chunkBytes);
    let partial = '';

    const take = (text: string): void => {
      let start = 0;
      const lines: string[] = [];
      for (;;) {
        const nl = text.indexOf('\n', start);
        if (nl === -1) break;
        const piece = text.slice(start, nl);
        start = nl + 1;
        if (skipPartial) {
          skipPartial = false;
          partial = '';
          continue;
        }
        lines.push(partial === '' ? piece : partial + piece);
        partial = '';
      }
      const rest = text.slice(start);
      if (!skipPartial) {
        partial += rest;
        while (partial.length > maxLineChars) {
          lines.push(partial.slice(0, maxLineChars));
          partial = partial.slice(maxLineChars);
        }
      }
      if (lines.length > 0) onLines(lines);
    };

    /** read from `position` to the current end of the file */
    const drain = async (): Promise<void> => {
      for (;;) {
        if (signal.aborted || !handle) return;
        const { bytesRead } = await handle.read(buffer, 0, chunkBytes, position);
        if (bytesRead === 0) return;
        position += bytesRead;
        take(decoder.write(buffer.subarray(0, bytesRead)));
      }
    };

    while (!signal.aborted) {
      // look for the end before reading: what was written before exit.json is then all read
      const ended = existsSync(exitPath);
      const size = (await handle.stat()).size;
      if (size < position) {
        // truncated or replaced: start over
        position = 0;
        partial = '';
      }
      await drain();
      // the run's folder was removed (its state folder deleted, a demo that ended): nothing more will come
      const gone = !existsSync(runDir);
      if (ended || gone) {
        const tail = partial + decoder.end();
        partial = '';
        if (tail !== '' && !skipPartial && !signal.aborted) onLines([tail]);
        return;
      }
      await pause();
    }
  } finally {
    signal.removeEventListener('abort', poke);
    watcher?.close();
    await handle?.close();
  }
}
