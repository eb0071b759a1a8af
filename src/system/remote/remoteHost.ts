// A host reached over SSH, as everything above the SSH layer sees it: an executor for its
// commands (over the host's one multiplexed connection) and what other programs (nix copy,
// nixos-rebuild) need to reach it the same way. Implemented by the SSH connection pool.
import type { Executor } from '../executor.js';

export type Reach = { ok: true; rttMs: number } | { ok: false; error: string };

export interface RemoteHost {
  /** the host's name in the flake */
  name: string;
  /** what ssh is given: `user@addr`, `addr` or an ssh alias (the port goes in sshArgs) */
  destination: string;
  /** runs argv on the host over the multiplexed connection (argv quoted with shellCommand) */
  executor: Executor;
  /** make sure the shared connection is up (no remote command runs); never throws */
  connect(): Promise<{ ok: true } | { ok: false; error: string }>;
  /** connect (or check the connection) and measure one round trip; never throws */
  reach(): Promise<Reach>;
  /** a NEW ssh connection, not the multiplexed one: proves the host still accepts logins */
  freshReach(timeoutMs: number): Promise<Reach>;
  /** ssh options for other programs reaching this host (NIX_SSHOPTS for nix copy / nixos-rebuild) */
  nixSshOpts(): string;
  /** the store URI for `nix copy --to` (ssh-ng://destination) */
  storeUri(): string;
}
