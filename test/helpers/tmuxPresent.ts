import { existsSync } from 'node:fs';
import path from 'node:path';
import { commandAbsent } from './commandAbsent.js';
import { inCI, type Skip } from './fleet.js';

/** The built CLI the tmux tests run (`npm run build` makes it). */
export const E2E_CLI = path.resolve('dist/nixdeck.js');

/** Why tmux cannot be used here, or null. */
const tmuxAbsent = (): string | null => commandAbsent('tmux', '-V', 'apt-get install tmux');

/** Why tmux tests cannot run here (`{ skip }`), or null; in CI a missing tmux is an error for `suite`. */
export function tmuxMissing(suite: string): Skip | null {
  const skip = tmuxAbsent();
  if (skip === null) return null;
  if (inCI()) throw new Error(`${suite} must run in CI: ${skip}`);
  return { skip };
}

/** Why the end-to-end tests (tmux + the built CLI) cannot run here, or null. */
export function e2eMissing(): string | null {
  return tmuxAbsent() ?? (existsSync(E2E_CLI) ? null : `${E2E_CLI} is not built (npm run build)`);
}
