// What the console may do to a host until remote deploys exist, and the words that say why not.
// The keymap asks these before a key acts; the actions and the services refuse the same again.
import { isActivating, type RebuildAction } from '../core/rebuildCommand.js';
import type { Host } from '../core/types.js';

type HostRef = Pick<Host, 'name' | 'local'>;

/** Why `action` cannot be started on `host`, or null: building (b, D) any host happens here. */
export function runRefusal(host: HostRef, action: RebuildAction, hostname: string): string | null {
  if (!isActivating(action) || host.local) return null;
  return `${host.name} is not this machine (${hostname}): switch, boot, test and dry-activate run on this machine only; b builds it here`;
}

/** Why the generations of `host` cannot be switched to or deleted, or null. */
export function generationChangeRefusal(host: HostRef, hostname: string): string | null {
  if (host.local) return null;
  return `${host.name} is not this machine (${hostname}): only this machine's generations can be switched or deleted for now`;
}
