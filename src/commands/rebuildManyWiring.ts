// The real ManyDeps of `rebuild H1 H2 …`: the flake's hosts, the preferences, remote hosts made
// ready over the environment's SSH pool, runs started and followed as the single-host command does.
import { deployRequestOf } from '../core/deployPlan.js';
import { type DeployProgress, type DeployResult, deployProgressOf, endedDeployProgress, NO_PROGRESS, phaseOfStage } from '../core/deployProgress.js';
import { isActivationAction } from '../core/generationOps.js';
import { mergeHosts } from '../core/hosts.js';
import type { RunResult } from '../core/runSummary.js';
import type { Environment } from '../system/context.js';
import { followLog } from '../system/logFollower.js';
import { openPrefs } from '../system/prefs.js';
import { isRemoteDeploy, type RebuildSetup, refusal, startRebuild, startRemoteRun, sudoModeFor } from '../system/rebuilds.js';
import { probeElevation } from '../system/remote/deployElevation.js';
import { cancelRun } from '../system/runLauncher.js';
import { type RunInfo, runInfoAt } from '../system/runStore.js';
import { summaryOf, trackRun } from '../system/runTracking.js';
import { deployPrefs, protectionLines } from './rebuild.js';
import { DEFAULT_PARALLEL, type ManyDeps, type StartedRun } from './rebuildMany.js';

export function manyDeps(env: Environment): ManyDeps {
  const setup = env.rebuild;
  return {
    async knownHosts() {
      const cached = (await env.cachedFlakeHosts?.(env.flakeDir)) ?? null;
      const [folder, evaluation] = await Promise.all([
        env.listFolderHosts(env.flakeDir),
        cached !== null ? Promise.resolve({ ok: true as const, names: cached }) : env.evalFlakeHosts(env.flakeDir),
      ]);
      const names = mergeHosts(folder, evaluation.ok ? evaluation.names : null, env.hostname).map((h) => h.name);
      return { names, problem: evaluation.ok ? null : evaluation.error };
    },
    parallelPreference() {
      try {
        return openPrefs().get().parallel ?? DEFAULT_PARALLEL;
      } catch {
        return DEFAULT_PARALLEL;
      }
    },
    runNote: (id) => (setup.ephemeral ? "the demo's run: removed with its log when this command ends" : `follow it with: nixdeck log ${id}`),
    refusal: (host, action) => (isRemoteDeploy(setup, host, action) ? null : refusal(setup, host, action)),
    isRemote: (host, action) => isRemoteDeploy(setup, host, action),
    async prepare(host, action, options) {
      if (!isRemoteDeploy(setup, host, action) || !isActivationAction(action)) {
        const sudo = await sudoModeFor(setup, action);
        return { needsPassword: sudo === 'password', notes: [], start: async (password) => localRun(setup, await startRebuild(setup, host, action, sudo, password)) };
      }
      if (!env.remoteHost) return { error: 'cannot be reached from here (no SSH in this environment)' };
      try {
        const remote = await env.remoteHost(host);
        const probe = await probeElevation(remote.executor);
        if (!probe.ok) return { error: `cannot be reached: ${probe.error}` };
        const request = deployRequestOf({ host, action, elevation: probe.elevation }, setup, options, deployPrefs(setup, host));
        return {
          needsPassword: probe.elevation === 'password',
          notes: protectionLines(request),
          start: async (password) => remoteRun(setup, await startRemoteRun(setup, request, password)),
        };
      } catch (error) {
        return { error: error instanceof Error ? error.message : String(error) };
      }
    },
    now: Date.now,
  };
}

function cancelling(setup: RebuildSetup, run: RunInfo): () => Promise<void> {
  return async () => {
    await cancelRun(setup.stateDir, run.id);
  };
}

/** A deploy over SSH: its phases and result from the lines of its log. */
function remoteRun(setup: RebuildSetup, run: RunInfo): StartedRun {
  return {
    id: run.id,
    async follow(onProgress) {
      let progress: DeployProgress = NO_PROGRESS;
      await followLog(
        run.dir,
        (lines) => {
          const next = deployProgressOf(lines, progress);
          if (next.phase !== progress.phase || next.result !== progress.result || next.countdown !== progress.countdown) onProgress(next);
          progress = next;
        },
        { signal: new AbortController().signal },
      );
      const info = await runInfoAt(run.dir);
      return endedDeployProgress(progress, { exitCode: info.exit?.exitCode ?? null, cancelled: info.exit?.cancelled ?? false, error: info.exit?.error ?? info.reason ?? null });
    },
    cancel: cancelling(setup, run),
  };
}

const RESULT_KINDS: Record<RunResult, DeployResult['kind']> = { succeeded: 'ok', partial: 'partial', failed: 'failed', cancelled: 'cancelled' };

/** nixos-rebuild here (this machine, or a build of another host): its stage as the phase. */
function localRun(setup: RebuildSetup, run: RunInfo): StartedRun {
  return {
    id: run.id,
    async follow(onProgress) {
      let phase: DeployProgress['phase'] = null;
      const tracked = trackRun(run.dir, {
        signal: new AbortController().signal,
        onChange: () => {
          const now = phaseOfStage(tracked.progress.snapshot({ tailLines: 0 }).stage);
          if (now !== null && now !== phase) onProgress({ phase: (phase = now), result: null });
        },
      });
      const info = await tracked.done;
      const summary = summaryOf(info, tracked.progress);
      if (!summary) return endedDeployProgress({ phase, result: null }, { exitCode: null, cancelled: false, error: info.reason ?? 'ended without an exit status' });
      const kind = RESULT_KINDS[summary.result];
      const reason = kind === 'ok' ? null : kind === 'partial' ? `failed units: ${summary.failedUnits.join(', ') || 'some'}` : kind === 'failed' ? summary.headline.replace(/^failed:? ?/, '') || null : null;
      return { phase, result: { kind, reason } };
    },
    cancel: cancelling(setup, run),
  };
}
