import type { DeployProgress } from './deployProgress.js';
import type { ProgressSnapshot } from './progressSnapshot.js';
import type { RebuildAction, RunAction } from './rebuildCommand.js';
import type { RunSummary } from './runSummary.js';

export type RunPhase = 'running' | 'succeeded' | 'failed' | 'cancelled' | 'partial' | 'lost';

/** What a run pane shows; the runs service keeps it up to date. */
export interface RunView {
  id: string;
  /** the host; "flake.lock" for an update of the flake's lock file */
  host: string;
  action: RunAction;
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
  /** a deploy or switch/boot/test: the phase it reached (build → copy → activate → confirm), the countdown, the result */
  deploy?: DeployProgress;
}

/** How a deploy to another host goes, as the question says it. */
export interface RemotePlan {
  /** where it is built: null = here (this machine) */
  buildHost: string | null;
  /** seconds the host waits for nixdeck to reach it again before it rolls back; 0 = off */
  confirmTimeout: number;
}

/** Whether a run can start on a host, asked before the question: the host answers, sudo wants a password. */
export type RunCheck = { ok: true; needsPassword: boolean; remote: RemotePlan | null } | { ok: false; error: string };

/** A sudo password tried on a host: accepted (and kept in memory for that host), or why not. */
export type PasswordCheck = { ok: true } | { ok: false; wrong: boolean; error: string };

export type StartResult = { ok: true; id: string } | { ok: false; error: string };

/**
 * Rebuild runs as the console sees them. The real service starts detached runs and follows
 * their log files (system/); tests and the demo can supply another.
 */
export interface RunsService {
  /** the runs stop and are removed (logs too) when the console quits: the demo's. Default: they go on */
  readonly endsWithConsole?: boolean;
  /** switch, boot and test of another host deploy it over SSH (else they are refused) */
  readonly remoteDeploys?: boolean;
  /** before asking: the host answers and how root is reached there (remote hosts are reached) */
  check?(host: string, action: RebuildAction): Promise<RunCheck>;
  /** try a sudo password on a remote host; an accepted one is kept in memory for that host */
  checkPassword?(host: string, password: string): Promise<PasswordCheck>;
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
