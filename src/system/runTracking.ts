import path from 'node:path';
import { BuildProgress } from '../core/buildProgress.js';
import { parseLogLine } from '../core/nixLog.js';
import { type RunSummary, summarise } from '../core/runSummary.js';
import { appendHistory, type HistoryRecord } from './history.js';
import { followLog } from './logFollower.js';
import { type RunInfo, runInfoAt } from './runStore.js';

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
    startedAt: info.meta.startedAt,
    durationMs: summary.durationMs,
    result: summary.result,
    builds,
  };
}

/**
 * In the supervisor: follow the run from its first line, and when it has ended append what it
 * took to the history (runs/<id> lives in the state folder that holds history.jsonl).
 */
export function recordRun(runDir: string): { finish(): Promise<void> } {
  const controller = new AbortController();
  const tracked = trackRun(runDir, { signal: controller.signal });
  return {
    async finish() {
      const info = await tracked.done;
      const summary = summaryOf(info, tracked.progress);
      // only rebuilds say how long builds take; a rollback's activation would skew the ETA
      const argv = info.meta?.argv ?? [];
      const isRebuild = !argv.includes('__activate') && !argv.includes('__demo-activate');
      const record = summary && isRebuild ? historyRecordOf(info, tracked.progress, summary) : null;
      if (record) await appendHistory(path.dirname(path.dirname(runDir)), record);
    },
  };
}
