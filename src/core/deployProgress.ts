// Where one host's deploy stands, from its run's log lines: the phase it reached (build → copy →
// activate → confirm), its result once known, and the confirmation countdown while it waits.
// One reducer for `rebuild H1 H2 …` and for the console's summary rows. Pure: no I/O.
import { type DeployPhase, phaseOf } from './deployPlan.js';
import type { Stage } from './progressSnapshot.js';

export type DeployResultKind = 'ok' | 'partial' | 'failed' | 'rolled-back' | 'cancelled';

export interface DeployResult {
  kind: DeployResultKind;
  /** why it failed or rolled back, what partial means; null when there is nothing to add */
  reason: string | null;
}

export interface DeployProgress {
  /** the last phase the run started; null before the first */
  phase: DeployPhase | null;
  /** null while the run goes */
  result: DeployResult | null;
  /** seconds left before the host rolls itself back, while nixdeck tries to confirm */
  countdown?: number;
}

export const NO_PROGRESS: DeployProgress = { phase: null, result: null };

const HOST_RESULT = /^nixdeck-host: result: (succeeded|partial|failed|rolled-back|rollback-failed) \((.*)\)$/;
const COUNTDOWN = /^nixdeck: confirming: (\d+) s left/;
const ROLLED_BACK = /^error: [A-Za-z0-9._-]+ rolled back: (.*)$/;
// the step runner's own failures before the host was touched; nixos-rebuild's `error:` lines of
// the build phase are not results (the run goes on until the step runner says it failed)
const NOT_CHANGED: ReadonlyArray<[RegExp, string]> = [
  [/^error: building \S+ failed/, 'build failed'],
  [/^error: the build of \S+ left no result link/, 'build left no result'],
  [/^error: copying the system to \S+ failed/, 'copy failed'],
];
const HOST_PREFIX = /^[A-Za-z0-9._-]+: /;

function hostResult(status: string, message: string): DeployResult {
  switch (status) {
    case 'succeeded':
      return { kind: 'ok', reason: null };
    case 'partial':
      return { kind: 'partial', reason: message || 'some units failed' };
    case 'rolled-back':
      return { kind: 'rolled-back', reason: message };
    default:
      return { kind: 'failed', reason: message };
  }
}

/** The progress after one more log line. */
export function nextDeployProgress(progress: DeployProgress, line: string): DeployProgress {
  const phase = phaseOf(line);
  if (phase !== null) return { phase, result: progress.result };
  const countdown = COUNTDOWN.exec(line);
  if (countdown) return { ...progress, countdown: Number(countdown[1]) };
  if (progress.countdown !== undefined && line.startsWith('nixdeck: ') && line.endsWith(': acknowledged')) return { phase: progress.phase, result: progress.result };
  const host = HOST_RESULT.exec(line);
  if (host) return { phase: progress.phase, result: hostResult(host[1] ?? '', host[2] ?? '') };
  if (!line.startsWith('error: ')) return progress;
  const rolledBack = ROLLED_BACK.exec(line);
  if (rolledBack) return { phase: progress.phase, result: { kind: 'rolled-back', reason: rolledBack[1] ?? '' } };
  for (const [pattern, reason] of NOT_CHANGED) if (pattern.test(line)) return { phase: progress.phase, result: { kind: 'failed', reason } };
  // from the activation on, every `error:` line is the step runner's own
  if (progress.phase === 'activate' || progress.phase === 'confirm') {
    return { phase: progress.phase, result: { kind: 'failed', reason: line.slice('error: '.length).replace(HOST_PREFIX, '') } };
  }
  return progress;
}

/** The progress after these lines (from the start, or from `start`). */
export function deployProgressOf(lines: Iterable<string>, start: DeployProgress = NO_PROGRESS): DeployProgress {
  let progress = start;
  for (const line of lines) progress = nextDeployProgress(progress, line);
  return progress;
}

export interface RunEnd {
  exitCode: number | null;
  cancelled: boolean;
  /** the run could not be started or its supervisor failed, in words */
  error?: string | null;
}

/** The progress once the run has ended: a result is always there (from the exit when the log said none). */
export function endedDeployProgress(progress: DeployProgress, end: RunEnd): DeployProgress & { result: DeployResult } {
  const phase = progress.phase;
  if (end.cancelled) return { phase, result: { kind: 'cancelled', reason: null } };
  const logged = progress.result;
  // the log's word stands when the exit agrees with it (success is exit 0, anything else is not)
  if (logged !== null && (logged.kind === 'ok') === (end.exitCode === 0)) return { phase, result: logged };
  if (end.exitCode === 0) return { phase, result: { kind: 'ok', reason: null } };
  if (end.exitCode === 4) return { phase, result: { kind: 'partial', reason: 'some units failed' } };
  const why = end.error ?? (end.exitCode !== null ? `exit ${end.exitCode}` : 'no exit status');
  return { phase, result: { kind: 'failed', reason: phase !== null ? `${phase} failed (${why})` : why } };
}

/** A local nixos-rebuild run's stage as a deploy phase (it builds, copies from caches, activates). */
export function phaseOfStage(stage: Stage): DeployPhase | null {
  switch (stage) {
    case 'evaluating':
    case 'building':
      return 'build';
    case 'copying':
      return 'copy';
    case 'activating':
      return 'activate';
    default:
      return null;
  }
}

/** `ok`, `partial`, `failed`, `rolled back`, `cancelled`: the RESULT column. */
export function resultLabel(kind: DeployResultKind): string {
  return kind === 'rolled-back' ? 'rolled back' : kind;
}

/** `ok`, `partial: some units failed`, `failed: build failed`, `rolled back: …`: one line. */
export function resultWords(result: DeployResult): string {
  return result.reason ? `${resultLabel(result.kind)}: ${result.reason}` : resultLabel(result.kind);
}
