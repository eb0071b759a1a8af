// What a build-progress tracker reports: the snapshot of one run and the tracker's options.

import type { ActivationInfo } from './activationOutput.js';
import type { NixErrorInfo } from './nixError.js';

export interface Counts {
  done: number;
  expected: number;
  running: number;
  failed: number;
}

export interface ByteProgress {
  doneBytes: number;
  expectedBytes: number;
  /** transfers / copies going on now */
  running: number;
}

export interface RunningBuild {
  id: string;
  drvPath: string;
  /** without hash and `.drv`: `hello-1.0` */
  name: string;
  /** without the version, for history: `hello` */
  pname: string;
  /** the activity's text, e.g. `building '/nix/store/…drv'` or `checking outputs of '…'` */
  text: string;
  /** remote builder, null when local */
  machine: string | null;
  phase: string | null;
  startedMs: number;
  elapsedMs: number;
  /** last build log line, ANSI-free */
  lastLine: string | null;
}

export type BuildOutcome = 'built' | 'failed' | 'unknown';

export interface FinishedBuild {
  drvPath: string;
  name: string;
  pname: string;
  startedMs: number;
  durationMs: number;
  /** unknown: the stream did not say (cut off, or no progress counter) */
  outcome: BuildOutcome;
}

export type PlanState = 'planned' | 'running' | BuildOutcome;

export interface PlannedBuild {
  drvPath: string;
  name: string;
  pname: string;
  state: PlanState;
}

export interface FailedDerivation {
  drvPath: string;
  name: string;
  pname: string;
  /** `builder failed with exit code 2`, or null when no error message named it */
  reason: string | null;
  exitCode: number | null;
  /** its last build log lines (ANSI-free), from the stream or else from the error message */
  lastLines: string[];
  durationMs: number | null;
}

export type Stage = 'starting' | 'evaluating' | 'building' | 'copying' | 'activating';

export interface ProgressSnapshot {
  /** events applied so far */
  events: number;
  firstEventMs: number | null;
  lastEventMs: number | null;
  stage: Stage;
  builds: Counts;
  /** substituted paths (actCopyPaths counters) */
  substitutions: Counts;
  /** bytes downloaded (actFileTransfer) */
  downloads: ByteProgress;
  /** bytes copied into/out of the store (actCopyPath, NAR size) */
  copies: ByteProgress;
  /**
   * bytes per second over the last few seconds of the transfer that the ETA follows (downloads,
   * else copies); null before two samples, or when nothing moved in that window
   */
  transferRate: number | null;
  running: RunningBuild[];
  /** every derivation known to be built in this run (plan messages and build starts) */
  planned: PlannedBuild[];
  /** pnames of planned builds that have not started yet (input for the ETA) */
  plannedPending: string[];
  /** N of "these N paths will be fetched" (summed over the run's nix invocations) */
  plannedFetches: number;
  /** finished builds, oldest first (the most recent ones when the run had very many) */
  finished: FinishedBuild[];
  failedDerivations: FailedDerivation[];
  errors: NixErrorInfo[];
  /** the first evaluation error, if any */
  evalError: NixErrorInfo | null;
  warnings: string[];
  activation: ActivationInfo;
  /** display lines, oldest first: `hello> log line`, plain lines, info messages */
  tail: string[];
  /** how many display lines the run has produced (the tail keeps the last `tailCapacity`) */
  totalLines: number;
}

export interface BuildProgressOptions {
  /** display lines kept (default 2000) */
  tailCapacity?: number;
  /** log lines kept per build, for failures (default 20) */
  buildLogLines?: number;
  /** finished builds kept (default 5000) */
  finishedCapacity?: number;
}

export interface SnapshotOptions {
  /** elapsed times are computed against this (default: the last event's time) */
  nowMs?: number;
  /** only the last N tail lines (default: all kept) */
  tailLines?: number;
  /** only the last N finished builds (default: all kept) */
  finishedLimit?: number;
}
