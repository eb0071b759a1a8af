// The one result shape of an operation that can fail, shared by core, services, state and the
// commands: `error` says what went wrong in one line, `hint` what to do about it when known.
import type { GenerationList } from './types.js';

export interface Failure {
  ok: false;
  error: string;
  hint?: string;
}

export type Result<T> = { ok: true; value: T } | Failure;

/** A host's generation list as read (this machine's files, a remote host, the demo's stand-ins). */
export type GenerationsRead = { ok: true; list: GenerationList } | Failure;
