// An in-memory GenerationOps for the console tests: diffs from `nix store diff-closures` text
// (read by the real parser), sizes from a table, activations that start a run in a FakeRuns, and
// deletions that record what they were asked.

import { type ClosureDiff, parseDiffClosures } from '../../src/core/closureDiff.js';
import type { ActivationAction } from '../../src/core/generationOps.js';
import type { Host } from '../../src/core/types.js';
import type { FreedSpace, GenerationOpKind, GenerationOps } from '../../src/core/generationService.js';
import type { Result } from '../../src/core/result.js';
import type { StartResult } from '../../src/core/runsService.js';
import { type FakeRuns, makeView } from './fakeRuns.js';

const GIB = 1024 ** 3;

/** `pkg01: 1.0 → 1.1, +10.0 KiB` … : a diff long enough to scroll, plus every other kind of change. */
export function longDiffText(upgrades = 30): string {
  const lines: string[] = [];
  for (let i = 1; i <= upgrades; i++) lines.push(`pkg${String(i).padStart(2, '0')}: 1.${i} → 1.${i + 1}, +${(i * 10).toFixed(1)} KiB`);
  lines.push(
    'firefox: 133.0 → 132.0.2, \u001b[32;1m-1843.0 KiB\u001b[0m',
    'htop: 3.3.0 → ∅, -210.5 KiB',
    'ghostty: ∅ → 1.1.2, +41230.0 KiB',
    'linux: 6.12.31 → 6.12.30, -3210.0 KiB',
    'etc: +24.0 KiB',
  );
  return `${lines.sort().join('\n')}\n`;
}

export interface ActivateCall {
  host: string;
  generation: number;
  action: ActivationAction;
  password?: string;
}

export class FakeGenerationOps implements GenerationOps {
  /** why a host cannot be changed; by default: not this machine (hq) */
  refusalFor: (host: Host) => string | null = (host) => (host.local ? null : `${host.name} is not this machine (hq): its generations are not reachable yet`);
  passwordFor: (host: string, op: GenerationOpKind) => boolean = () => false;
  /** the diff-closures text for FROM → TO */
  diffText: (from: string, to: string) => string = () => longDiffText();
  diffError: string | null = null;
  /** closure size by store path; missing paths are unknown */
  sizes: Record<string, number> = {};
  /** the size every path has when not in `sizes`, or null for unknown */
  defaultSize: number | null = 8 * GIB;
  freed: FreedSpace = { bytes: 1.5 * GIB, paths: 412 };
  running: string | null = null;
  activateError: string | null = null;
  deleteError: string | null = null;
  /** called after a delete was recorded, e.g. to change what readGenerations answers */
  onDelete: (host: string, generations: readonly number[]) => void = () => {};

  readonly diffCalls: { host: string; from: string; to: string }[] = [];
  readonly activateCalls: ActivateCall[] = [];
  readonly deleteCalls: { host: string; generations: number[]; password?: string }[] = [];
  readonly freedCalls: { host: string; deleted: string[]; kept: string[] }[] = [];
  private next = 1;

  constructor(private readonly runs: FakeRuns | null = null) {}

  profile(_host: string): string {
    return '/nix/var/nix/profiles/system';
  }

  refusal(host: Host): string | null {
    return this.refusalFor(host);
  }

  async runningSystem(): Promise<string | null> {
    return this.running;
  }

  async diff(host: string, from: string, to: string): Promise<Result<ClosureDiff>> {
    this.diffCalls.push({ host, from, to });
    if (this.diffError !== null) return { ok: false, error: this.diffError };
    return { ok: true, value: parseDiffClosures(this.diffText(from, to)) };
  }

  async closureSizes(_host: string, paths: readonly string[]): Promise<Result<Record<string, number>>> {
    const out: Record<string, number> = {};
    for (const p of paths) {
      const size = this.sizes[p] ?? this.defaultSize;
      if (size !== null) out[p] = size;
    }
    return { ok: true, value: out };
  }

  async estimateFreed(host: string, deleted: readonly string[], kept: readonly string[]): Promise<Result<FreedSpace>> {
    this.freedCalls.push({ host, deleted: [...deleted], kept: [...kept] });
    return { ok: true, value: this.freed };
  }

  async needsPassword(host: string, op: GenerationOpKind): Promise<boolean> {
    return this.passwordFor(host, op);
  }

  async activate(request: { host: string; generation: number; action: ActivationAction; password?: string }): Promise<StartResult> {
    this.activateCalls.push({ ...request });
    if (this.activateError !== null) return { ok: false, error: this.activateError };
    const id = `activate${this.next++}`;
    this.runs?.addRun(makeView({ id, host: request.host, action: request.action, generation: request.generation }));
    return { ok: true, id };
  }

  async deleteGenerations(request: { host: string; generations: readonly number[]; password?: string }): Promise<Result<{ lines: string[] }>> {
    this.deleteCalls.push({ ...request, generations: [...request.generations] });
    if (this.deleteError !== null) return { ok: false, error: this.deleteError };
    this.onDelete(request.host, request.generations);
    return { ok: true, value: { lines: request.generations.map((n) => `removing profile version ${n}`) } };
  }
}
