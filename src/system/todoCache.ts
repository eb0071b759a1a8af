import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { TODO_PARSER_VERSION } from '../core/todoParserVersion.js';
import type { ParsedTodo } from '../core/types.js';
import { VERSION } from '../version.js';
import { cacheDir } from './toplevelCache.js';

/**
 * Parsed todos of large files, in $XDG_CACHE_HOME/nixdeck/todos/, one entry per todo file.
 * An entry is used only when the SHA-1 of the file's bytes and the parser's version are the
 * ones it was made from, so it gives exactly what parsing would. Smaller files parse in a few
 * milliseconds and are not cached. A cache that cannot be read or written is simply not used.
 */
export interface TodoCache {
  /** `pause`: awaited every few hundred todos, to let other work run */
  get(file: string, sha1: string, pause?: () => Promise<void>): Promise<ParsedTodo[] | null>;
  put(file: string, sha1: string, todos: readonly ParsedTodo[]): Promise<void>;
}

/** Files below this many bytes are parsed every time. */
export const CACHED_FROM_BYTES = 64 * 1024;

/** `nixdeck` and parser versions: either changing makes every entry stale. */
const FORMAT = `${VERSION}/${TODO_PARSER_VERSION}`;

interface Entry {
  format: string;
  sha1: string;
  sections: string[][];
  /** id, text, done (1/0), section index, line, checkOffset, depth */
  todos: [string, string, number, number, number, number, number][];
}

export function fileTodoCache(dir: string = path.join(cacheDir(), 'todos')): TodoCache {
  const entryFile = (file: string): string => path.join(dir, `${createHash('sha1').update(path.resolve(file)).digest('hex').slice(0, 20)}.json`);
  return {
    async get(file, sha1, pause) {
      let entry: unknown;
      try {
        entry = JSON.parse(await readFile(entryFile(file), 'utf8'));
      } catch {
        return null;
      }
      return isEntryFor(entry, sha1) ? todosOf(entry, file, pause) : null;
    },
    async put(file, sha1, todos) {
      const target = entryFile(file);
      const tmp = `${target}.${process.pid}.tmp`;
      try {
        await mkdir(dir, { recursive: true });
        await writeFile(tmp, JSON.stringify(entryOf(sha1, todos)));
        await rename(tmp, target);
      } catch {
        await rm(tmp, { force: true }).catch(() => {});
      }
    },
  };
}

function entryOf(sha1: string, todos: readonly ParsedTodo[]): Entry {
  const sectionIndex = new Map<string[], number>();
  const sections: string[][] = [];
  const rows = todos.map((t): Entry['todos'][number] => {
    let index = sectionIndex.get(t.section);
    if (index === undefined) {
      sectionIndex.set(t.section, (index = sections.length));
      sections.push(t.section);
    }
    return [t.id, t.text, t.done ? 1 : 0, index, t.line, t.checkOffset, t.depth];
  });
  return { format: FORMAT, sha1, sections, todos: rows };
}

async function todosOf(entry: Entry, file: string, pause?: () => Promise<void>): Promise<ParsedTodo[] | null> {
  const todos: ParsedTodo[] = [];
  for (const row of entry.todos as unknown[]) {
    if (!isRow(row)) return null;
    const [id, text, done, index, line, checkOffset, depth] = row;
    const section = entry.sections[index];
    if (!section) return null;
    todos.push({ id, text, done: done === 1, section, line, file, checkOffset, depth });
    if (pause && todos.length % 500 === 0) await pause();
  }
  return todos;
}

const isStringArray = (value: unknown): value is string[] => Array.isArray(value) && value.every((s) => typeof s === 'string');

const isCount = (n: unknown): boolean => typeof n === 'number' && Number.isInteger(n) && n >= 0;

/** An entry of this format for these bytes; its rows are checked as they are read. */
function isEntryFor(value: unknown, sha1: string): value is Entry {
  if (typeof value !== 'object' || value === null) return false;
  const e = value as Record<string, unknown>;
  return e.format === FORMAT && e.sha1 === sha1 && Array.isArray(e.sections) && e.sections.every(isStringArray) && Array.isArray(e.todos);
}

/** A whole row (a cut or foreign file is not used). */
function isRow(row: unknown): row is Entry['todos'][number] {
  return (
    Array.isArray(row) &&
    row.length === 7 &&
    typeof row[0] === 'string' &&
    typeof row[1] === 'string' &&
    isCount(row[2]) &&
    isCount(row[3]) &&
    isCount(row[4]) &&
    isCount(row[5]) &&
    isCount(row[6])
  );
}
