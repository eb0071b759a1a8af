// What the demo plans for each host before anything is written: its generations and which one
// runs and which one was booted.
import type { HostSpec, Release } from './fleetSpec.js';

export interface GenPlan {
  number: number;
  date: Date;
  release: Release;
  /** nixos-version, e.g. 25.11.20251214.1a2b3c4 */
  label: string;
  nixpkgsRev: string;
  kernel: string;
  configRev: string;
  specialisations: string[];
  storePath: string;
  /** the store path was deleted, so the link dangles */
  dangling: boolean;
}

export interface HostPlan {
  spec: HostSpec;
  gens: GenPlan[];
  /** /run/current-system */
  running: GenPlan;
  /** /run/booted-system */
  booted: GenPlan;
}
