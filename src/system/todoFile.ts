import { readFile, stat } from 'node:fs/promises';
import writeFileAtomic from 'write-file-atomic';
import { parseTodos } from '../core/todos.js';
import { applyToggle, planToggle } from '../core/todoToggle.js';
import type { ParsedTodo } from '../core/types.js';

export interface TodoSnapshot {
  file: string;
  bytes: Uint8Array;
  source: string;
  todos: ParsedTodo[];
}

export type TodoReadResult = { ok: true; snapshot: TodoSnapshot } | { ok: false; error: string; missing: boolean };

export async function readTodoFile(file: string): Promise<TodoReadResult> {
  try {
    const bytes = new Uint8Array(await readFile(file));
    const source = new TextDecoder().decode(bytes);
    return { ok: true, snapshot: { file, bytes, source, todos: parseTodos(source, file) } };
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ENOENT') {
      return { ok: false, missing: true, error: `${file} does not exist: create it, or choose another file with --file or 'nixdeck config set todoFile PATH'` };
    }
    if (code === 'EISDIR') return { ok: false, missing: false, error: `${file} is a folder, not a markdown file` };
    if (code === 'EACCES') return { ok: false, missing: false, error: `${file} cannot be read (permission denied)` };
    return { ok: false, missing: false, error: `${file} cannot be read: ${(error as Error).message}` };
  }
}

export type ToggleOutcome =
  | { kind: 'written'; snapshot: TodoSnapshot; todo: ParsedTodo }
  | { kind: 'unchanged'; snapshot: TodoSnapshot }
  /** the file changed on disk since it was read: nothing written, here is the fresh read */
  | { kind: 'conflict'; message: string; reread: TodoReadResult }
  | { kind: 'error'; message: string };

/**
 * Set one todo's checkbox. Only the byte between the brackets changes; the file is written
 * to a temporary file and renamed over the original with the same mode. If the bytes on disk
 * differ from the snapshot the todo came from, nothing is written.
 */
export async function setTodoDone(snapshot: TodoSnapshot, todo: ParsedTodo, done: boolean): Promise<ToggleOutcome> {
  let onDisk: Uint8Array;
  try {
    onDisk = new Uint8Array(await readFile(snapshot.file));
  } catch (error) {
    return { kind: 'error', message: `${snapshot.file} cannot be read: ${(error as Error).message}` };
  }
  if (!sameBytes(onDisk, snapshot.bytes)) {
    return {
      kind: 'conflict',
      message: `${snapshot.file} changed on disk since it was read: nothing written, the list was reloaded`,
      reread: await readTodoFile(snapshot.file),
    };
  }
  const planned = planToggle(snapshot.bytes, snapshot.source, todo, done);
  if (!planned.ok) return { kind: 'error', message: planned.error };
  if (planned.plan.from === planned.plan.to) return { kind: 'unchanged', snapshot };
  const bytes = applyToggle(snapshot.bytes, planned.plan);
  try {
    const mode = (await stat(snapshot.file)).mode & 0o7777;
    await writeFileAtomic(snapshot.file, Buffer.from(bytes), { mode, fsync: true });
  } catch (error) {
    return { kind: 'error', message: `${snapshot.file} could not be written (left as it was): ${(error as Error).message}` };
  }
  const source = new TextDecoder().decode(bytes);
  const todos = parseTodos(source, snapshot.file);
  const updated = todos.find((t) => t.id === todo.id) ?? { ...todo, done };
  return { kind: 'written', snapshot: { file: snapshot.file, bytes, source, todos }, todo: updated };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
