import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { access, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { applyToggle, planToggle } from '../core/todoToggle.js';
import type { ParsedTodo } from '../core/types.js';
import { CACHED_FROM_BYTES, fileTodoCache, type TodoCache } from './todoCache.js';

export interface TodoSnapshot {
  file: string;
  bytes: Uint8Array;
  source: string;
  todos: ParsedTodo[];
  /** what the file was on disk when `bytes` were read or written: a change shows in one of these */
  mtimeMs: number;
  size: number;
  sha1: string;
}

export type TodoReadResult = { ok: true; snapshot: TodoSnapshot } | { ok: false; error: string; missing: boolean };

/** Bytes a text file's head is checked for NUL in. */
const BINARY_SNIFF_BYTES = 8192;

export interface ReadOptions {
  /** parse in slices, letting other work (the console's keys) run in between; a command parses at once */
  letOthersRun?: boolean;
  /** where parse results of large files are kept; null parses every time */
  cache?: TodoCache | null;
}

export async function readTodoFile(file: string, options: ReadOptions = {}): Promise<TodoReadResult> {
  let bytes: Uint8Array;
  let mtimeMs: number;
  try {
    // stat first: a write between the two makes the snapshot look stale, never fresh
    mtimeMs = (await stat(file)).mtimeMs;
    bytes = new Uint8Array(await readFile(file));
  } catch (error) {
    return { ok: false, missing: (error as { code?: string }).code === 'ENOENT', error: readError(file, error) };
  }
  const source = decodeText(bytes);
  if (source === null) {
    return { ok: false, missing: false, error: `${file} is not a text file (it holds NUL bytes or is not UTF-8): choose the markdown todo file with --file PATH` };
  }
  const digest = sha1(bytes);
  const cache = bytes.length < CACHED_FROM_BYTES ? null : options.cache === undefined ? fileTodoCache() : options.cache;
  const pause = options.letOthersRun === false ? undefined : pauser();
  let todos = cache ? await cache.get(file, digest, pause) : null;
  if (!todos) {
    // the parser is loaded only here: a read that finds its result stored does without it
    const { parseTodos, todoParseSteps } = await import('../core/todos.js');
    todos = pause ? await parseLettingOthersRun(todoParseSteps(source, file), pause) : parseTodos(source, file);
    await cache?.put(file, digest, todos);
  }
  return { ok: true, snapshot: { file, bytes, source, todos, mtimeMs, size: bytes.length, sha1: digest } };
}

/** Longest stretch a read holds the event loop (the console's keys wait that long). */
const SLICE_MS = 8;

/** Lets other work run when the current slice is used up. */
function pauser(): () => Promise<void> {
  let sliceStart = performance.now();
  return async () => {
    if (performance.now() - sliceStart <= SLICE_MS) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    sliceStart = performance.now();
  };
}

async function parseLettingOthersRun(steps: Generator<void, ParsedTodo[], void>, pause: () => Promise<void>): Promise<ParsedTodo[]> {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await pause();
  }
}

function readError(file: string, error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === 'ENOENT') return `${file} does not exist: create it, or choose another file with --file or 'nixdeck config set todoFile PATH'`;
  if (code === 'EISDIR') return `${file} is a folder, not a markdown file`;
  if (code === 'EACCES') return `${file} cannot be read (permission denied)`;
  return `${file} cannot be read: ${(error as Error).message}`;
}

/** UTF-8 text, BOM kept so that offsets in the text match the bytes; null for a binary file. */
function decodeText(bytes: Uint8Array): string | null {
  if (bytes.subarray(0, BINARY_SNIFF_BYTES).includes(0)) return null;
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
}

function sha1(bytes: Uint8Array): string {
  return createHash('sha1').update(bytes).digest('hex');
}

export type ToggleOutcome =
  | { kind: 'written'; snapshot: TodoSnapshot; todo: ParsedTodo }
  | { kind: 'unchanged'; snapshot: TodoSnapshot }
  /** the file changed on disk since it was read: nothing written, here is the fresh read */
  | { kind: 'conflict'; message: string; reread: TodoReadResult }
  | { kind: 'error'; message: string };

/**
 * Set one todo's checkbox. Only the byte between the brackets changes; the file is written
 * to a temporary file and renamed over the original with the same mode. Nothing is written
 * when the file or its folder is read-only (for root too: a file chmod'ed 0444 means "leave
 * it"), or when the file on disk (mtime, size, SHA-1) is not the one the todo came from.
 * The list is not parsed again: a checkbox character does not change how the file parses.
 */
export async function setTodoDone(snapshot: TodoSnapshot, todo: ParsedTodo, done: boolean): Promise<ToggleOutcome> {
  const planned = planToggle(snapshot.bytes, snapshot.source, todo, done);
  if (!planned.ok) return { kind: 'error', message: planned.error };
  if (planned.plan.from === planned.plan.to) return { kind: 'unchanged', snapshot };

  const readOnly = await whyNotWritable(snapshot.file);
  if (readOnly) return { kind: 'error', message: readOnly };
  let changed: boolean;
  try {
    changed = await changedOnDisk(snapshot);
  } catch (error) {
    return { kind: 'error', message: readError(snapshot.file, error) };
  }
  if (changed) {
    return {
      kind: 'conflict',
      message: `${snapshot.file} changed on disk since it was read: nothing written, the list was reloaded`,
      reread: await readTodoFile(snapshot.file),
    };
  }

  const bytes = applyToggle(snapshot.bytes, planned.plan);
  let mtimeMs: number;
  try {
    const mode = (await stat(snapshot.file)).mode & 0o7777;
    // loaded here: only a tick writes, and a read should not pay for it (and its signal handlers)
    const { default: writeFileAtomic } = await import('write-file-atomic');
    await writeFileAtomic(snapshot.file, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { mode, fsync: true });
    mtimeMs = (await stat(snapshot.file)).mtimeMs;
  } catch (error) {
    return { kind: 'error', message: writeError(snapshot.file, error) };
  }
  const at = todo.checkOffset;
  const source = snapshot.source.slice(0, at) + planned.plan.to + snapshot.source.slice(at + 1);
  const updated: ParsedTodo = { ...todo, done };
  const todos = snapshot.todos.map((t) => (t.id === todo.id ? updated : t));
  return {
    kind: 'written',
    snapshot: { file: snapshot.file, bytes, source, todos, mtimeMs, size: bytes.length, sha1: sha1(bytes) },
    todo: updated,
  };
}

async function changedOnDisk(snapshot: TodoSnapshot): Promise<boolean> {
  const now = await stat(snapshot.file);
  if (now.size !== snapshot.size || now.mtimeMs !== snapshot.mtimeMs) return true;
  // same size within the same mtime tick is possible: the bytes decide
  return sha1(new Uint8Array(await readFile(snapshot.file))) !== snapshot.sha1;
}

interface Ids {
  uid: number;
  gids: number[];
}

function processIds(): Ids | null {
  if (!process.getuid || !process.getgid) return null;
  return { uid: process.getuid(), gids: [process.getgid(), ...(process.getgroups?.() ?? [])] };
}

/** The write bits that apply to this process; root counts as anyone who may write. */
function modeAllowsWrite(st: { mode: number; uid: number; gid: number }, ids: Ids): boolean {
  if (ids.uid === 0) return (st.mode & 0o222) !== 0;
  if (st.uid === ids.uid) return (st.mode & 0o200) !== 0;
  if (ids.gids.includes(st.gid)) return (st.mode & 0o020) !== 0;
  return (st.mode & 0o002) !== 0;
}

const octal = (mode: number): string => `0${(mode & 0o777).toString(8).padStart(3, '0')}`;

/** Why a tick must not write the file, or null when it may. */
async function whyNotWritable(file: string): Promise<string | null> {
  const name = path.basename(file);
  const full = path.resolve(file);
  try {
    const real = await realpath(file);
    const dir = path.dirname(real);
    const [fileStat, dirStat] = await Promise.all([stat(real), stat(dir)]);
    const ids = processIds();
    if (ids && !modeAllowsWrite(fileStat, ids)) return readOnlyFile(name, full, fileStat.mode);
    if (ids && !modeAllowsWrite(dirStat, ids)) return readOnlyFolder(name, dir, dirStat.mode);
    // the kernel's word: a read-only mount, ACLs
    for (const [target, isDir] of [[real, false], [dir, true]] as const) {
      try {
        await access(target, constants.W_OK);
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code === 'EROFS') return readOnlyMount(name, dir);
        return isDir ? readOnlyFolder(name, dir, dirStat.mode) : readOnlyFile(name, full, fileStat.mode);
      }
    }
    return null;
  } catch (error) {
    return readError(file, error);
  }
}

function readOnlyFile(name: string, full: string, mode: number): string {
  return `${name} is read-only (mode ${octal(mode)}): nothing written; make it writable (chmod u+w ${full}) to tick todos`;
}

function readOnlyFolder(name: string, dir: string, mode: number): string {
  return `${name} is in a read-only folder (${dir}, mode ${octal(mode)}): nothing written; make the folder writable (chmod u+w ${dir}) to tick todos`;
}

function readOnlyMount(name: string, dir: string): string {
  return `${name} is on a read-only file system (${dir}): nothing written; remount it read-write to tick todos`;
}

function writeError(file: string, error: unknown): string {
  const name = path.basename(file);
  const code = (error as { code?: string }).code;
  if (code === 'EROFS') return readOnlyMount(name, path.dirname(path.resolve(file)));
  if (code === 'EACCES' || code === 'EPERM') {
    return `${name} could not be written (permission denied): nothing written; check the permissions of ${path.resolve(file)} and its folder to tick todos`;
  }
  return `${file} could not be written (left as it was): ${(error as Error).message}`;
}
