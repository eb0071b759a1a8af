// Where a host's system profile is: under --root on this machine; in the demo, each host's root
// lies beside the local one (<demo>/hosts/<name>).
import path from 'node:path';
import type { Environment } from '../system/context.js';
import { SYSTEM_PROFILE } from '../system/profileReader.js';

/** The root a host's system paths are under. */
export function rootOf(env: Environment, host: string, demo: boolean): string {
  return demo ? path.join(path.dirname(env.root), host) : env.root;
}

export function profileOf(env: Environment, host: string, demo: boolean): string {
  return path.join(rootOf(env, host, demo), SYSTEM_PROFILE);
}
