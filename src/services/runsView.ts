// What a run pane shows of a followed run: its RunView from the tracker, the run folder and history.
import path from 'node:path';
import { type DeployProgress, endedDeployProgress } from '../core/deployProgress.js';
import { estimateRemaining, transferOf } from '../core/eta.js';
import type { ProgressSnapshot } from '../core/progressSnapshot.js';
import type { RunAction } from '../core/rebuildCommand.js';
import type { RunPhase, RunView } from '../core/runsService.js';
import { type History, runKey } from '../system/history.js';
import { LOG_FILE, type RunInfo, type RunMeta } from '../system/runStore.js';
import { runKindOf, summaryOf, type TrackedRun } from '../system/runTracking.js';

/** A run whose log the service follows. */
export interface Watched {
  /** the deploy phase, countdown and result from the log lines (deploys and switches; null for builds) */
  deploy: DeployProgress | null;
  /** log lines already fed to `deploy` */
  seen: number;
  tracked: TrackedRun;
  controller: AbortController;
  info: RunInfo;
  listeners: Set<(view: RunView) => void>;
}

/** Step runners of a switch/boot/test to a generation: `nixdeck __activate '{"generation":N,…}'`. */
const STEP_RUNNERS = new Set(['__activate', '__demo-activate']);

/** The generation an activation run switches to, from its argv; undefined for a rebuild. */
export function activationGeneration(argv: readonly string[]): number | undefined {
  const at = argv.findIndex((word) => STEP_RUNNERS.has(word));
  const json = at >= 0 ? argv[at + 1] : undefined;
  if (json === undefined) return undefined;
  try {
    const request = JSON.parse(json) as { kind?: unknown; generation?: unknown };
    return request.kind === 'activate' && typeof request.generation === 'number' ? request.generation : undefined;
  } catch {
    return undefined;
  }
}

function etaOf(progress: ProgressSnapshot, meta: RunMeta, h: History, elapsedMs: number): number | null {
  return estimateRemaining({
    planned: progress.plannedPending,
    running: progress.running.map((b) => ({ pname: b.pname, elapsedMs: b.elapsedMs })),
    history: h.buildTimes,
    // a switch to an existing generation takes seconds: only activations tell its ETA
    hostRunDurations: h.runTimes.get(runKey(meta.host, meta.action, runKindOf(meta.argv))) ?? [],
    elapsedMs,
    transfer: transferOf(progress),
  }).remainingMs;
}

/** The deploy progress with the run's end applied once it has ended. */
function deployOf(w: Watched): DeployProgress | null {
  if (w.deploy === null) return null;
  const exit = w.info.exit;
  return exit ? endedDeployProgress(w.deploy, { exitCode: exit.exitCode, cancelled: exit.cancelled, error: exit.error ?? null }) : w.deploy;
}

export function runView(w: Watched, h: History, now: () => number, temporary: boolean): RunView {
  const progress = w.tracked.progress.snapshot({ nowMs: now(), tailLines: 500 });
  const summary = summaryOf(w.info, w.tracked.progress);
  const meta = w.info.meta;
  const startedAtMs = meta ? Date.parse(meta.startedAt) : now();
  const endedAtMs = w.info.exit ? Date.parse(w.info.exit.endedAt) : null;
  const phase: RunPhase = summary ? summary.result : w.info.state === 'lost' ? 'lost' : 'running';
  const etaMs = phase === 'running' && meta ? etaOf(progress, meta, h, now() - startedAtMs) : null;
  const generation = meta ? activationGeneration(meta.argv) : undefined;
  const deploy = deployOf(w);
  return {
    ...(deploy !== null ? { deploy } : {}),
    ...(generation !== undefined ? { generation } : {}),
    id: w.info.id,
    host: meta?.host ?? '?',
    action: (meta?.action ?? 'build') as RunAction,
    phase,
    startedAtMs,
    endedAtMs,
    progress,
    summary,
    etaMs,
    logPath: path.join(w.info.dir, LOG_FILE),
    ...(temporary ? { temporary: true } : {}),
  };
}
