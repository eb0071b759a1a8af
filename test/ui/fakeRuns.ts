// An in-memory RunsService for the console tests: runs start at once, and the test pushes
// RunViews (with ProgressSnapshots built by the real BuildProgress) through the watch callbacks.

import { readFileSync } from 'node:fs';
import { BuildProgress } from '../../src/core/buildProgress.js';
import type { ProgressSnapshot } from '../../src/core/progressSnapshot.js';
import { parseLogLine } from '../../src/core/nixLog.js';
import type { RebuildAction } from '../../src/core/rebuildCommand.js';
import { summarise } from '../../src/core/runSummary.js';
import type { RunsService, RunView, StartResult } from '../../src/core/runsService.js';

/** The console's clock in these tests. */
export const T_NOW = Date.parse('2025-06-01T12:00:00Z');

export function fixtureLines(name: string): string[] {
  const lines = readFileSync(new URL(`../fixtures/nix/${name}.log`, import.meta.url), 'utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** Feed nix log lines (internal-json or plain) to a real BuildProgress, one every 100 ms. */
export function progressOf(lines: readonly string[], progress = new BuildProgress()): ProgressSnapshot {
  lines.forEach((line, i) => progress.apply(parseLogLine(line), T_NOW - 60_000 + i * 100));
  return progress.snapshot();
}

/** A snapshot whose log is exactly these plain lines. */
export function logOf(lines: readonly string[]): ProgressSnapshot {
  return progressOf(lines);
}

export function numberedLines(n: number, from = 1, word = 'line'): string[] {
  return Array.from({ length: n }, (_, i) => `${word} ${from + i}`);
}

export function makeView(partial: Partial<RunView> & { id: string; host: string; action: RebuildAction }): RunView {
  return {
    phase: 'running',
    startedAtMs: T_NOW - 80_000,
    endedAtMs: null,
    progress: new BuildProgress().snapshot(),
    summary: null,
    etaMs: null,
    logPath: `/home/me/.local/state/nixdeck/runs/${partial.id}.log`,
    ...partial,
  };
}

/** A finished view: the summary comes from the real summarise(). */
export function finished(view: RunView, exitCode: number, durationMs = 83_000): RunView {
  const summary = summarise(view.progress, exitCode, null, durationMs, view.action);
  const phase = summary.result;
  return { ...view, phase, summary, endedAtMs: view.startedAtMs + durationMs, etaMs: null };
}

export class FakeRuns implements RunsService {
  /** whether starting needs a sudo password */
  passwordFor: (host: string, action: RebuildAction) => boolean = () => false;
  /** when set, start() fails with this message */
  startError: string | null = null;
  readonly startCalls: { host: string; action: RebuildAction; password?: string }[] = [];
  readonly cancelCalls: string[] = [];
  readonly adoptCalls: string[] = [];
  recentViews: RunView[] = [];
  private readonly views = new Map<string, RunView>();
  private readonly watchers = new Map<string, Set<(view: RunView) => void>>();
  private next = 1;

  async needsPassword(host: string, action: RebuildAction): Promise<boolean> {
    return this.passwordFor(host, action);
  }

  async start(request: { host: string; action: RebuildAction; password?: string }): Promise<StartResult> {
    this.startCalls.push({ ...request });
    if (this.startError !== null) return { ok: false, error: this.startError };
    const id = `run${this.next++}`;
    this.views.set(id, makeView({ id, host: request.host, action: request.action }));
    return { ok: true, id };
  }

  /** A run started elsewhere (e.g. by a fake GenerationOps.activate), known from now on. */
  addRun(view: RunView): void {
    this.views.set(view.id, view);
  }

  async adopt(id: string): Promise<boolean> {
    this.adoptCalls.push(id);
    return this.views.has(id);
  }

  async cancel(id: string): Promise<void> {
    this.cancelCalls.push(id);
  }

  async recent(): Promise<RunView[]> {
    for (const view of this.recentViews) if (!this.views.has(view.id)) this.views.set(view.id, view);
    return [...this.recentViews];
  }

  watch(id: string, onUpdate: (view: RunView) => void): () => void {
    let set = this.watchers.get(id);
    if (!set) this.watchers.set(id, (set = new Set()));
    set.add(onUpdate);
    const view = this.views.get(id);
    if (view) onUpdate(view);
    return () => {
      set.delete(onUpdate);
    };
  }

  watching(id: string): number {
    return this.watchers.get(id)?.size ?? 0;
  }

  view(id: string): RunView {
    const view = this.views.get(id);
    if (!view) throw new Error(`no run ${id}`);
    return view;
  }

  /** Replace fields of a run's view and send it to its watchers (synchronously). */
  push(id: string, patch: Partial<RunView> | ((view: RunView) => RunView)): RunView {
    const current = this.view(id);
    const next = typeof patch === 'function' ? patch(current) : { ...current, ...patch };
    this.views.set(id, next);
    for (const listener of this.watchers.get(id) ?? []) listener(next);
    return next;
  }
}
