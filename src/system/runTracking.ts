import { createReadStream } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { BuildProgress } from '../core/buildProgress.js';
import { parseLogLine } from '../core/nixLog.js';
import { type RunResult, type RunSummary, summarise } from '../core/runSummary.js';
import { appendHistory, type HistoryRecord, type RunKind } from './history.js';
import { followLog } from './logFollower.js';
import { LOG_FILE, readSummary, type RunInfo, runInfoAt, writeSummary } from './runStore.js';

/** Step runners of a switch/boot/test to an existing generation (not a rebuild). */
const STEP_RUNNERS = new Set(['__activate', '__demo-activate']);

/** Whether a run rebuilds, or activates an existing generation; from its command line. */
export function runKindOf(argv: readonly string[]): RunKind {
  return argv.some((word) => STEP_RUNNERS.has(word)) ? 'activation' : 'rebuild';
}

export interface TrackedRun {
  progress: BuildProgress;
  /** the run as it stands once its log is read to the end (or the follow was aborted) */
  done: Promise<RunInfo>;
}

/**
 * Follow a run's log into a progress tracker. Lines are stamped with the time they are read,
 * so build durations are right for a run followed from its start (the supervisor does that).
 */
export function trackRun(runDir: string, options: { signal: AbortSignal; onChange?: () => void; now?: () => number }): TrackedRun {
  const progress = new BuildProgress();
  const now = options.now ?? Date.now;
  const followed = followLog(
    runDir,
    (lines) => {
      const t = now();
      // a line is a slice of the 64 KiB chunk it was read in, and a slice keeps its whole chunk
      // alive: the tracker keeps names and log lines of thousands of builds, so without a copy
      // a 1,000,000-line run held ~150 MB of chunks (and the copy makes parsing faster, too)
      for (const line of lines) progress.apply(parseLogLine(Buffer.from(line, 'utf8').toString('utf8')), t);
      options.onChange?.();
    },
    { signal: options.signal },
  );
  return { progress, done: followed.then(() => runInfoAt(runDir)) };
}

/** The outcome of an ended run; null while it runs. A cancel that was asked for reads as cancelled. */
export function summaryOf(info: RunInfo, progress: BuildProgress): RunSummary | null {
  if (!info.exit || !info.meta) return null;
  const duration = Date.parse(info.exit.endedAt) - Date.parse(info.meta.startedAt);
  const summary = summarise(progress.snapshot(), info.exit.exitCode, info.exit.signal, Math.max(0, duration), info.meta.action);
  if (info.exit.cancelled && summary.result !== 'cancelled') return { ...summary, result: 'cancelled', headline: `cancelled after ${summary.duration}` };
  if (info.exit.error && summary.result === 'failed') return { ...summary, headline: `failed: ${info.exit.error}`, errors: [info.exit.error, ...summary.errors] };
  return summary;
}

export function historyRecordOf(info: RunInfo, progress: BuildProgress, summary: RunSummary): HistoryRecord | null {
  if (!info.meta) return null;
  const builds: Record<string, number> = {};
  for (const build of progress.snapshot().finished) if (build.outcome === 'built') builds[build.pname] = build.durationMs;
  return {
    id: info.id,
    host: info.meta.host,
    action: info.meta.action,
    kind: runKindOf(info.meta.argv),
    startedAt: info.meta.startedAt,
    durationMs: summary.durationMs,
    result: summary.result,
    builds,
  };
}

/**
 * In the supervisor: follow the run from its first line, and when it has ended save its summary
 * (with the real build times) beside its log and append what it took to the history
 * (runs/<id> lives in the state folder that holds history.jsonl). Activations are recorded under
 * their own kind, so a rollback's few seconds never stand for a rebuild's ETA, nor the reverse.
 */
export function recordRun(runDir: string): { finish(): Promise<void> } {
  const controller = new AbortController();
  const tracked = trackRun(runDir, { signal: controller.signal });
  return {
    async finish() {
      const info = await tracked.done;
      const summary = summaryOf(info, tracked.progress);
      if (!summary) return;
      await writeSummary(runDir, summary).catch(() => undefined);
      const record = historyRecordOf(info, tracked.progress, summary);
      if (record) await appendHistory(path.dirname(path.dirname(runDir)), record);
    },
  };
}

/** The tracker fed with a saved log, every line at time 0 (a saved log has no timestamps). */
async function progressOfLog(runDir: string): Promise<BuildProgress> {
  const progress = new BuildProgress();
  const lines = createInterface({ input: createReadStream(path.join(runDir, LOG_FILE)), crlfDelay: Infinity });
  for await (const line of lines) progress.apply(parseLogLine(line), 0);
  return progress;
}

/**
 * The outcome of an ended run as saved by its supervisor, else (older runs, or no summary
 * written) parsed again from its log; then times inside the run are unknown (null), not 0.
 * Null while it runs. `progress` is the log's tracker when the caller needs it anyway.
 */
export async function savedSummaryOf(info: RunInfo, progress?: BuildProgress): Promise<RunSummary | null> {
  if (!info.exit || !info.meta) return null;
  const saved = await readSummary(info.dir);
  if (saved) return saved;
  const parsed = summaryOf(info, progress ?? (await progressOfLog(info.dir).catch(() => new BuildProgress())));
  if (!parsed) return null;
  return { ...parsed, failedDerivations: parsed.failedDerivations.map((f) => ({ ...f, durationMs: null })) };
}

/** `running`, or how the run ended; a run lost without an exit counts as failed. */
export async function resultOf(info: RunInfo): Promise<RunResult | 'running'> {
  if (info.state === 'running') return 'running';
  if (!info.exit) return 'failed';
  if (info.exit.cancelled) return 'cancelled';
  if (info.exit.exitCode === 0 && info.exit.signal === null && !info.exit.error) return 'succeeded';
  return (await savedSummaryOf(info))?.result ?? 'failed';
}
