// A deploy of the marked hosts together: one run per host, at most `parallel` at once, and the
// summary row each host shows (phase build → copy → activate → confirm, countdown, result).
import { type DeployPhase } from '../core/deployPlan.js';
import { type DeployResultKind, phaseOfStage, resultLabel } from '../core/deployProgress.js';
import type { ActivationAction } from '../core/generationOps.js';
import type { RunView } from '../core/runsService.js';

/** Where one host of the group stands before and after its run starts. */
export type GroupHostState = 'waiting' | 'queued' | 'starting' | 'started' | 'not started';

export interface GroupHost {
  name: string;
  local: boolean;
  state: GroupHostState;
  /** its run, once started */
  runId: string | null;
  /** why it was not started */
  error: string | null;
}

/** What a group does to each host: deploy (switch, boot, test), or build only (after a flake.lock update). */
export type GroupAction = ActivationAction | 'build' | 'dry-build';

export interface GroupState {
  action: GroupAction;
  /** at most this many runs at once (the preference `parallel`) */
  parallel: number;
  hosts: GroupHost[];
}

export const PHASES: readonly DeployPhase[] = ['build', 'copy', 'activate', 'confirm'];

/** One row of the summary: what each column says, in words (never by colour alone). */
export interface SummaryRow {
  host: string;
  /** `build`, `copy`, `activate`, `confirm`, `starting`, or `-` before its run starts */
  phase: string;
  /** 1-4 for the deploy phases, 0 before */
  step: number;
  /** `confirming: 25 s left` while it waits for the confirmation */
  countdown: string | null;
  /** `running`, `ok`, `partial`, `failed`, `rolled back`, `cancelled`, `not started`, `queued`, `waiting`, `starting` */
  result: string;
  resultKind: DeployResultKind | 'running' | 'waiting' | 'not started';
  /** why it failed, rolled back or was not started */
  reason: string | null;
}

/** The phase a run has reached: from its log's phase lines, else (nixos-rebuild here) from its stage. */
export function runPhase(view: RunView): DeployPhase | null {
  return view.deploy?.phase ?? (view.phase === 'running' ? phaseOfStage(view.progress.stage) : null);
}

const PHASE_RESULT: Record<RunView['phase'], DeployResultKind | 'running'> = {
  running: 'running',
  succeeded: 'ok',
  partial: 'partial',
  failed: 'failed',
  cancelled: 'cancelled',
  lost: 'failed',
};

export function summaryRow(host: GroupHost, view: RunView | undefined): SummaryRow {
  if (host.state === 'not started') {
    return { host: host.name, phase: '-', step: 0, countdown: null, result: 'not started', resultKind: 'not started', reason: host.error };
  }
  if (!view) {
    // waiting: for its password; queued: for a free slot (at most `parallel` at once)
    const word = host.state === 'queued' ? 'queued' : host.state === 'starting' ? 'starting' : 'waiting';
    return { host: host.name, phase: '-', step: 0, countdown: null, result: word, resultKind: 'waiting', reason: null };
  }
  const phase = runPhase(view);
  const logged = view.deploy?.result ?? null;
  const ended = view.phase !== 'running';
  // the log's word (rolled back) stands when the run's end agrees that it did not succeed
  const kind: SummaryRow['resultKind'] = !ended ? 'running' : logged !== null && (logged.kind === 'ok') === (view.phase === 'succeeded') ? logged.kind : PHASE_RESULT[view.phase];
  const countdown = !ended && phase === 'confirm' && view.deploy?.countdown !== undefined ? `${view.deploy.countdown} s left` : null;
  const reason = ended && kind !== 'ok' ? (logged?.reason ?? view.summary?.headline ?? null) : null;
  return {
    host: host.name,
    phase: phase ?? (ended ? '-' : 'starting'),
    step: phase ? PHASES.indexOf(phase) + 1 : 0,
    countdown,
    result: kind === 'running' ? 'running' : resultLabel(kind as DeployResultKind),
    resultKind: kind,
    reason,
  };
}

export function summaryRows(group: GroupState, views: Record<string, RunView>): SummaryRow[] {
  return group.hosts.map((h) => summaryRow(h, h.runId !== null ? views[h.runId] : undefined));
}

/** `switch 3 hosts: 1 ok, 1 rolled back, 1 running` */
export function groupHeadline(group: GroupState, rows: readonly SummaryRow[]): string {
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(row.result, (counts.get(row.result) ?? 0) + 1);
  const parts = [...counts].map(([word, n]) => `${n} ${word}`);
  return `${group.action} ${group.hosts.length} host${group.hosts.length === 1 ? '' : 's'}: ${parts.join(', ')}`;
}
