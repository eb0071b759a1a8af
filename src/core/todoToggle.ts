import type { ParsedTodo } from './types.js';

export interface TogglePlan {
  /** byte offset of the checkbox character in the file */
  byteOffset: number;
  from: string;
  to: string;
}

export type TogglePlanResult = { ok: true; plan: TogglePlan } | { ok: false; error: string };

const encoder = new TextEncoder();
const OPEN = 0x5b; // [
const CLOSE = 0x5d; // ]

/**
 * Which single byte a toggle rewrites. `source` is the text the todo was parsed from and
 * `bytes` the file as read; the plan is refused unless the byte sits between brackets and
 * holds the state the todo claims, so a stale or mis-decoded file is never patched.
 */
export function planToggle(bytes: Uint8Array, source: string, todo: ParsedTodo, wantDone: boolean): TogglePlanResult {
  const byteOffset = encoder.encode(source.slice(0, todo.checkOffset)).length;
  const current = bytes[byteOffset];
  if (bytes[byteOffset - 1] !== OPEN || bytes[byteOffset + 1] !== CLOSE || current === undefined) {
    return { ok: false, error: `line ${todo.line}: no checkbox found where the todo was read` };
  }
  const from = String.fromCharCode(current);
  const isDone = from === 'x' || from === 'X';
  if (from !== ' ' && !isDone) {
    return { ok: false, error: `line ${todo.line}: unexpected checkbox character '${from}'` };
  }
  if (isDone !== todo.done) {
    return { ok: false, error: `line ${todo.line}: the checkbox no longer matches what was read` };
  }
  return { ok: true, plan: { byteOffset, from, to: wantDone ? (isDone ? from : 'x') : ' ' } };
}

export function applyToggle(bytes: Uint8Array, plan: TogglePlan): Uint8Array {
  const out = new Uint8Array(bytes);
  out[plan.byteOffset] = plan.to.charCodeAt(0);
  return out;
}
