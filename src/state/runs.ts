import type { ProgressSnapshot } from '../core/progressSnapshot.js';
import type { RebuildAction } from '../core/rebuildCommand.js';
import type { RunSummary } from '../core/runSummary.js';

export type RunPhase = 'running' | 'succeeded' | 'failed' | 'cancelled' | 'partial' | 'lost';

/** What a run pane shows; the runs service keeps it up to date. */
export interface RunView {
  id: string;
  host: string;
  action: RebuildAction;
  phase: RunPhase;
  startedAtMs: number;
  endedAtMs: number | null;
  progress: ProgressSnapshot;
  /** set once the run has ended */
  summary: RunSummary | null;
  /** remaining time from history, null while unknown */
  etaMs: number | null;
  /** where the full log is */
  logPath: string;
  /** for a switch/boot/test to a generation (not a rebuild): that generation's number */
  generation?: number;
  /** the run lives in the demo's temporary folder: it stops, and its log goes, when the console quits */
  temporary?: boolean;
}

export type StartResult = { ok: true; id: string } | { ok: false; error: string };

/**
 * Rebuild runs as the console sees them. The real service starts detached runs and follows
 * their log files (system/); tests and the demo can supply another.
 */
export interface RunsService {
  /** the runs stop and are removed (logs too) when the console quits: the demo's. Default: they go on */
  readonly endsWithConsole?: boolean;
  /** whether starting this action needs a sudo password typed in */
  needsPassword(host: string, action: RebuildAction): Promise<boolean>;
  start(request: { host: string; action: RebuildAction; password?: string }): Promise<StartResult>;
  cancel(id: string): Promise<void>;
  /** runs still going and recent finished ones, newest first, for re-opening at start */
  recent(): Promise<RunView[]>;
  /**
   * Follow a run started elsewhere, e.g. a switch to another generation (GenerationOps.activate):
   * afterwards watch() reports it like a run started here. False when there is no such run.
   */
  adopt(id: string): Promise<boolean>;
  /** live updates of one run (at most a few per second); returns the unsubscribe */
  watch(id: string, onUpdate: (view: RunView) => void): () => void;
}
