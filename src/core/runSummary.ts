// The outcome of a finished rebuild run, from its progress snapshot and its exit status.
// Pure: no I/O.

import type { NixErrorInfo } from './nixError.js';
import type { Counts, FailedDerivation, ProgressSnapshot } from './progressSnapshot.js';

export const RUN_RESULTS = ['succeeded', 'failed', 'cancelled', 'partial'] as const;
export type RunResult = (typeof RUN_RESULTS)[number];

export interface RunSummary {
  result: RunResult;
  /** one line for the pane header: `failed: builder for hello-1.0 failed with exit code 2` */
  headline: string;
  action: string;
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  /** `3m10s` */
  duration: string;
  builds: Counts;
  substitutions: Counts;
  downloadedBytes: number;
  failedDerivations: FailedDerivation[];
  /** ANSI-free, one line each: the first line of the message plus its `Reason:` line */
  errors: string[];
  evalError: { message: string; file: string | null; line: number | null; column: number | null } | null;
  /** switch-to-configuration's failed units (partial result) */
  failedUnits: string[];
  /** `Done. The new configuration is …` */
  newConfiguration: string | null;
}

/** `45s`, `3m10s`, `1h02m`; under a second `0s`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) ms = 0;
  const totalSeconds = Math.floor(ms / 1000);
  if (totalSeconds < 60) return `${totalSeconds}s`;
  const totalMinutes = Math.floor(totalSeconds / 60);
  if (totalMinutes < 60) return `${totalMinutes}m${String(totalSeconds % 60).padStart(2, '0')}s`;
  const hours = Math.floor(totalMinutes / 60);
  return `${hours}h${String(totalMinutes % 60).padStart(2, '0')}m`;
}

/** Exit statuses a shell reports for SIGINT / SIGTERM. */
const CANCEL_CODES = new Set([130, 143]);

function failureText(f: FailedDerivation): string {
  const reason = f.reason;
  if (reason === null) return `build of ${f.name} failed`;
  if (reason.startsWith('builder failed')) return `builder for ${f.name} ${reason.slice('builder '.length)}`;
  return `${f.name}: ${reason}`;
}

function errorHeadline(e: NixErrorInfo): string {
  let text = e.summary.startsWith('error: ') ? e.summary.slice('error: '.length) : e.summary;
  if (e.kind === 'eval' && e.file !== null && e.line !== null) {
    const base = e.file.slice(e.file.lastIndexOf('/') + 1);
    text += ` (${base}:${e.line})`;
  }
  return text;
}

function unitList(units: string[], max = 3): string {
  if (units.length <= max) return units.join(', ');
  return `${units.slice(0, max).join(', ')}, …`;
}

/**
 * Decide the run's result. `partial` = the system switched but switch-to-configuration reported
 * failed units: its exit code 4, or nixos-rebuild's exit 1 after "warning: error(s) occurred while
 * switching…" with a "the following units failed" line and no build or evaluation error.
 */
export function summarise(
  snap: ProgressSnapshot,
  exitCode: number | null,
  signal: string | null,
  durationMs: number,
  action: string,
): RunSummary {
  const duration = formatDuration(durationMs);
  const activation = snap.activation;
  const buildFailed = snap.failedDerivations.length > 0 || snap.builds.failed > 0 || snap.errors.length > 0;

  let result: RunResult;
  if (signal !== null || (exitCode !== null && CANCEL_CODES.has(exitCode))) {
    result = 'cancelled';
  } else if (exitCode === 0) {
    result = 'succeeded';
  } else if (exitCode === 4 && !buildFailed) {
    result = 'partial';
  } else if (exitCode !== null && !buildFailed && activation.unitsFailed.length > 0 && (activation.switchErrors || exitCode === 4)) {
    result = 'partial';
  } else {
    result = 'failed';
  }

  let headline: string;
  switch (result) {
    case 'succeeded':
      headline = `succeeded in ${duration}`;
      break;
    case 'cancelled':
      headline = `cancelled after ${duration}${signal !== null ? ` (${signal})` : ''}`;
      break;
    case 'partial': {
      const verb = action === 'test' ? 'activated' : 'switched';
      const units = activation.unitsFailed;
      headline =
        units.length === 0
          ? `${verb}, but some units failed`
          : `${verb}, but ${units.length} unit${units.length === 1 ? '' : 's'} failed: ${unitList(units)}`;
      break;
    }
    case 'failed': {
      const [first, ...more] = snap.failedDerivations;
      const buildError = snap.errors.find((e) => e.kind === 'build') ?? null;
      const otherError = snap.evalError ?? snap.errors.find((e) => e.kind !== 'dependencies') ?? snap.errors[0] ?? null;
      if (first !== undefined) {
        headline = `failed: ${failureText(first)}${more.length > 0 ? ` (+${more.length} more)` : ''}`;
      } else if (buildError !== null) {
        headline = `failed: ${errorHeadline(buildError)}`;
      } else if (otherError !== null) {
        headline = `failed: ${errorHeadline(otherError)}`;
      } else if (activation.switchErrors) {
        headline = 'failed: error(s) occurred while switching to the new configuration';
      } else {
        headline = exitCode === null ? `failed: ended without an exit status after ${duration}` : `failed with exit code ${exitCode} after ${duration}`;
      }
      break;
    }
  }

  const evalError = snap.evalError;
  return {
    result,
    headline,
    action,
    exitCode,
    signal,
    durationMs,
    duration,
    builds: { ...snap.builds },
    substitutions: { ...snap.substitutions },
    downloadedBytes: snap.downloads.doneBytes,
    failedDerivations: snap.failedDerivations.map((f) => ({ ...f, lastLines: [...f.lastLines] })),
    errors: snap.errors.map((e) => e.summary),
    evalError:
      evalError === null
        ? null
        : { message: evalError.summary, file: evalError.file, line: evalError.line, column: evalError.column },
    failedUnits: [...activation.unitsFailed],
    newConfiguration: activation.newConfiguration,
  };
}
