// Apart from the parser (src/core/todos.ts), so that a command reading stored parse results does not load it.
import type { ParsedTodo, Todo } from './types.js';

/** Strip the fields only the parser needs; this is the JSON contract. */
export function publicTodo(todo: ParsedTodo): Todo {
  return { id: todo.id, text: todo.text, done: todo.done, section: todo.section, line: todo.line, file: todo.file };
}

export type TodoLookup =
  | { ok: true; todo: ParsedTodo }
  | { ok: false; reason: 'none' | 'ambiguous'; candidates: ParsedTodo[] };

/** Shortest id prefix `todo done` accepts (ids are 8 hex digits). */
export const MIN_ID_PREFIX = 4;

/**
 * Find a todo by exact id, else by a unique id prefix (at least {@link MIN_ID_PREFIX} hex
 * digits, as `nixdeck log` takes run ids), else by a case-insensitive substring of its text
 * that matches one todo.
 */
export function findTodo(todos: readonly ParsedTodo[], query: string): TodoLookup {
  const byId = todos.find((t) => t.id === query);
  if (byId) return { ok: true, todo: byId };
  const lower = query.toLowerCase();
  if (lower.length >= MIN_ID_PREFIX && /^[0-9a-f]+$/.test(lower)) {
    const prefixed = todos.filter((t) => t.id.startsWith(lower));
    if (prefixed.length === 1 && prefixed[0]) return { ok: true, todo: prefixed[0] };
    if (prefixed.length > 1) return { ok: false, reason: 'ambiguous', candidates: prefixed };
  }
  const hits = todos.filter((t) => t.text.toLowerCase().includes(lower));
  const exact = hits.filter((t) => t.text.toLowerCase() === lower);
  if (exact.length === 1 && exact[0]) return { ok: true, todo: exact[0] };
  if (hits.length === 1 && hits[0]) return { ok: true, todo: hits[0] };
  return { ok: false, reason: hits.length === 0 ? 'none' : 'ambiguous', candidates: hits };
}
