// What the console may do to a host, and the words that say why not. Another host is deployed
// to, switched and pruned over SSH when the services can (`remote`); without them (tests, a
// console without SSH) the old "not this machine" refusals stand. The keymap asks these before a
// key acts; the actions and the services refuse the same again.
import { isActivating, type RebuildAction } from '../core/rebuildCommand.js';
import type { Host } from '../core/types.js';

type HostRef = Pick<Host, 'name' | 'local'>;

/** What the services can do to hosts that are not this machine. */
export interface RemoteAbilities {
  /** switch, boot and test deploy another host */
  deploys: boolean;
  /** another host's generations can be switched to and deleted */
  changes: boolean;
}

export const NO_REMOTE: RemoteAbilities = { deploys: false, changes: false };

/** Why `action` cannot be started on `host`, or null: building (b, D) any host happens here. */
export function runRefusal(host: HostRef, action: RebuildAction, hostname: string, remote: RemoteAbilities = NO_REMOTE): string | null {
  if (!isActivating(action) || host.local) return null;
  if (remote.deploys) {
    return action === 'dry-activate' ? `${host.name} is not this machine (${hostname}): dry-activate runs on this machine only; t tests ${host.name} (it rolls back by itself)` : null;
  }
  return `${host.name} is not this machine (${hostname}): switch, boot, test and dry-activate run on this machine only; b builds it here`;
}

/** Why the generations of `host` cannot be switched to or deleted, or null. */
export function generationChangeRefusal(host: HostRef, hostname: string, remote: RemoteAbilities = NO_REMOTE): string | null {
  if (host.local || remote.changes) return null;
  return `${host.name} is not this machine (${hostname}): only this machine's generations can be switched or deleted for now`;
}
