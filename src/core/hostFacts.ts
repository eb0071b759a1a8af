// What one round trip to a host says about it: its system profile (the same facts the local
// reader gathers) and the state of the running system. Produced by the host-side script
// (src/system/remote/scripts/), parsed in core; the status row and the generation list are
// built from it by pure functions.
import type { ProfileFacts } from './types.js';

/** The store paths a boot depends on, read from a toplevel (`<toplevel>/kernel` etc., resolved). */
export interface BootPaths {
  toplevel: string | null;
  kernel: string | null;
  initrd: string | null;
  kernelModules: string | null;
}

export interface HostStatusFacts {
  /** what the host calls itself */
  hostname: string | null;
  /** the system profile: links, current, running and booted toplevels */
  profile: ProfileFacts;
  /** /run/current-system resolved, and what it boots with */
  running: BootPaths;
  /** /run/booted-system resolved, and what it boots with */
  booted: BootPaths;
  /** failed systemd units; null where the host has no systemctl */
  failedUnits: string[] | null;
  uptimeSeconds: number | null;
  /** the remote user is root (no elevation needed) */
  isRoot: boolean;
}
