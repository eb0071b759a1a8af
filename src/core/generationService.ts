// What the console needs to change a host's generations: closure diffs and sizes, starting a
// switch/boot/test to a generation (a detached run, followed like a rebuild), deleting
// generations. The real service is src/services/generationOps.ts (nix on this machine); the demo
// supplies a stand-in, tests a fake.
import type { ClosureDiff } from './closureDiff.js';
import type { ActivationAction } from './generationOps.js';
import type { Result } from './result.js';
import type { Host } from './types.js';
import type { PasswordCheck, StartResult } from './runsService.js';


export interface FreedSpace {
  /** bytes only the deleted generations hold (an upper bound: other GC roots may hold some) */
  bytes: number;
  /** how many store paths that is */
  paths: number;
}

export type GenerationOpKind = 'activate' | 'delete';

export interface GenerationOps {
  /** other hosts' generations can be switched and deleted too (over SSH); else only this machine's */
  readonly remoteChanges?: boolean;
  /** try a sudo password on a remote host; an accepted one is kept in memory for that host */
  checkPassword?(host: string, password: string): Promise<PasswordCheck>;
  /** why this host's generations cannot be changed from here (e.g. not this machine), or null */
  refusal(host: Host): string | null;
  /** the host's system profile link, as delete previews name it */
  profile(host: string): string;
  /** the store path /run/current-system points at, or null when there is none */
  runningSystem(host: string): Promise<string | null>;
  /** `nix store diff-closures FROM TO`, read */
  diff(host: string, fromStorePath: string, toStorePath: string): Promise<Result<ClosureDiff>>;
  /** closure size in bytes of each store path nix knows (one call for all of them) */
  closureSizes(host: string, paths: readonly string[]): Promise<Result<Record<string, number>>>;
  /**
   * What the next garbage collection could free once `deleted` are gone and `kept` stay (the
   * running and booted systems are always counted as kept).
   */
  estimateFreed(host: string, deleted: readonly string[], kept: readonly string[]): Promise<Result<FreedSpace>>;
  /** whether this operation needs a sudo password typed in */
  needsPassword(host: string, op: GenerationOpKind): Promise<boolean>;
  /** start switching/booting/testing generation N as a detached run; watch it through RunsService.adopt */
  activate(request: { host: string; generation: number; action: ActivationAction; password?: string }): Promise<StartResult>;
  /** delete generations now (then the boot menu is refreshed); the lines say what happened */
  deleteGenerations(request: { host: string; generations: readonly number[]; password?: string; onLine?: (line: string) => void }): Promise<Result<{ lines: string[] }>>;
}
