import type { Io } from './io.js';

/**
 * When sudo needs a password, ask for it on the terminal. `{ ok: false }` (after saying why)
 * when there is no terminal to ask on; `password` is undefined when none is needed.
 */
export async function sudoPassword(io: Pick<Io, 'err' | 'interactive' | 'password'>, needed: boolean, prompt: string): Promise<{ ok: true; password?: string } | { ok: false }> {
  if (!needed) return { ok: true };
  if (!io.interactive) {
    io.err('error: sudo needs a password and there is no terminal to ask on; run nixdeck as root, or on a terminal');
    return { ok: false };
  }
  return { ok: true, password: await io.password(prompt) };
}
