// The console's RunsService over the real run layer: detached runs in the state folder, their
// logs followed into progress trackers, the ETA from history.jsonl.
import path from 'node:path';
import { DEFAULT_PROFILE, type DeployRequest } from '../core/deployPlan.js';
import { type DeployProgress, endedDeployProgress, NO_PROGRESS, nextDeployProgress } from '../core/deployProgress.js';
import { estimateRemaining, transferOf } from '../core/eta.js';
import { isActivationAction } from '../core/generationOps.js';
import type { RunAction } from '../core/rebuildCommand.js';
import type { RemotePlan, RunCheck, RunPhase, RunsService, RunView } from '../core/runsService.js';
import type { HostPasswords } from './hostPasswords.js';
import { type History, loadHistory, runKey } from '../system/history.js';
import { cancelRun } from '../system/runLauncher.js';
import { isRemoteDeploy, type RebuildSetup, refusal, startRebuild, startRemoteRun, sudoModeFor } from '../system/rebuilds.js';
import { listRuns, LOG_FILE, type RunInfo, runInfoAt, runsDir } from '../system/runStore.js';
import { runKindOf, summaryOf, type TrackedRun, trackRun } from '../system/runTracking.js';

/** Finished runs offered again at start: those that ended in the last day. */
const RECENT_MS = 24 * 3_600_000;
const RECENT_FINISHED = 6;

function nextLines(progress: DeployProgress, lines: Iterable<string>): DeployProgress {
  let next = progress;
  for (const line of lines) next = nextDeployProgress(next, line);
  return next;
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

/** Step runners of a deploy to another host (and of its switch to a generation). */
const DEPLOY_RUNNERS = new Set(['__deploy', '__demo-deploy']);

/** What the console needs to deploy other hosts: their connections, passwords, and preferences. */
export interface RemoteDeploys {
  passwords: HostPasswords;
  /** the build host and confirm timeout of a host (its preferences, the demo's setup) */
  plan(host: string): RemotePlan;
}

interface Watched {
  /** the deploy phase, countdown and result from the log lines (deploys and switches; null for builds) */
  deploy: DeployProgress | null;
  /** log lines already fed to `deploy` */
  seen: number;
  tracked: TrackedRun;
  controller: AbortController;
  info: RunInfo;
  listeners: Set<(view: RunView) => void>;
}

export function createRunsService(setup: RebuildSetup, now: () => number = Date.now, remote?: RemoteDeploys): RunsService & { close(): void } {
  const watched = new Map<string, Watched>();
  let history: Promise<History> | null = null;
  const historyNow = () => (history ??= loadHistory(setup.stateDir));

  const view = (w: Watched, h: History): RunView => {
    const progress = w.tracked.progress.snapshot({ nowMs: now(), tailLines: 500 });
    const summary = summaryOf(w.info, w.tracked.progress);
    const meta = w.info.meta;
    const startedAtMs = meta ? Date.parse(meta.startedAt) : now();
    const endedAtMs = w.info.exit ? Date.parse(w.info.exit.endedAt) : null;
    const phase: RunPhase = summary ? summary.result : w.info.state === 'lost' ? 'lost' : 'running';
    let etaMs: number | null = null;
    if (phase === 'running' && meta) {
      const estimate = estimateRemaining({
        planned: progress.plannedPending,
        running: progress.running.map((b) => ({ pname: b.pname, elapsedMs: b.elapsedMs })),
        history: h.buildTimes,
        // a switch to an existing generation takes seconds: only activations tell its ETA
        hostRunDurations: h.runTimes.get(runKey(meta.host, meta.action, runKindOf(meta.argv))) ?? [],
        elapsedMs: now() - startedAtMs,
        transfer: transferOf(progress),
      });
      etaMs = estimate.remainingMs;
    }
    const generation = meta ? activationGeneration(meta.argv) : undefined;
    const deploy =
      w.deploy === null ? null : w.info.exit ? endedDeployProgress(w.deploy, { exitCode: w.info.exit.exitCode, cancelled: w.info.exit.cancelled, error: w.info.exit.error ?? null }) : w.deploy;
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
      ...(setup.ephemeral ? { temporary: true } : {}),
    };
  };

  const publish = async (w: Watched): Promise<void> => {
    const h = await historyNow();
    const v = view(w, h);
    for (const listener of w.listeners) listener(v);
  };

  const ensureWatched = (info: RunInfo): Watched => {
    const existing = watched.get(info.id);
    if (existing) return existing;
    const controller = new AbortController();
    const deploys = info.meta?.argv.some((word) => DEPLOY_RUNNERS.has(word)) === true;
    const w: Watched = { info, controller, listeners: new Set(), deploy: deploys ? NO_PROGRESS : null, seen: 0, tracked: undefined as unknown as TrackedRun };
    const onChange = (): void => {
      if (w.deploy !== null) {
        // the phase lines are plain text lines: the tracker's tail has them, in order
        const total = w.tracked.progress.totalLines;
        w.deploy = nextLines(w.deploy, w.tracked.progress.tailLines(total - w.seen));
        w.seen = total;
      }
      void publish(w);
    };
    w.tracked = trackRun(info.dir, { signal: controller.signal, onChange });
    void w.tracked.done.then(async (final) => {
      w.info = final;
      history = null; // a finished run has just added to the history
      await publish(w);
    });
    watched.set(info.id, w);
    return w;
  };

  return {
    ...(setup.ephemeral ? { endsWithConsole: true } : {}),
    /** stop following every log; the runs themselves go on */
    close() {
      for (const w of watched.values()) w.controller.abort();
      watched.clear();
    },
    ...(remote ? { remoteDeploys: true } : {}),
    async check(host, action): Promise<RunCheck> {
      if (remote && isRemoteDeploy(setup, host, action)) {
        const e = await remote.passwords.elevation(host);
        if (!e.ok) return e;
        return { ok: true, needsPassword: e.elevation === 'password' && remote.passwords.get(host) === undefined, remote: remote.plan(host) };
      }
      const refused = refusal(setup, host, action);
      if (refused) return { ok: false, error: refused };
      return { ok: true, needsPassword: (await sudoModeFor(setup, action)) === 'password', remote: null };
    },
    ...(remote ? { checkPassword: (host: string, password: string) => remote.passwords.check(host, password) } : {}),
    async needsPassword(host, action) {
      if (remote && isRemoteDeploy(setup, host, action)) {
        const e = await remote.passwords.elevation(host);
        return e.ok && e.elevation === 'password' && remote.passwords.get(host) === undefined;
      }
      if (refusal(setup, host, action)) return false;
      return (await sudoModeFor(setup, action)) === 'password';
    },
    async start({ host, action, password }) {
      if (remote && isRemoteDeploy(setup, host, action) && isActivationAction(action)) {
        try {
          const e = await remote.passwords.elevation(host);
          if (!e.ok) return { ok: false, error: e.error };
          const given = password ?? remote.passwords.get(host);
          if (e.elevation === 'password' && given === undefined) return { ok: false, error: `sudo on ${host} needs a password` };
          const plan = remote.plan(host);
          const request: DeployRequest = {
            kind: 'deploy',
            host,
            action,
            confirmTimeout: plan.confirmTimeout,
            elevation: e.elevation,
            profile: DEFAULT_PROFILE,
            flakeDir: setup.flakeDir,
            buildHost: plan.buildHost,
            executable: setup.executable,
            extraFlags: setup.extraFlags,
          };
          const info = await startRemoteRun(setup, request, e.elevation === 'password' ? given : undefined);
          ensureWatched(info);
          return { ok: true, id: info.id };
        } catch (error) {
          return { ok: false, error: (error as Error).message };
        }
      }
      const refused = refusal(setup, host, action);
      if (refused) return { ok: false, error: refused };
      try {
        const sudo = await sudoModeFor(setup, action);
        if (sudo === 'password' && password === undefined) return { ok: false, error: 'sudo needs a password' };
        const info = await startRebuild(setup, host, action, sudo, password);
        ensureWatched(info);
        return { ok: true, id: info.id };
      } catch (error) {
        return { ok: false, error: (error as Error).message };
      }
    },
    async cancel(id) {
      await cancelRun(setup.stateDir, id);
      const w = watched.get(id);
      if (w) w.info = await runInfoAt(w.info.dir);
    },
    async recent() {
      const runs = await listRuns(setup.stateDir);
      const keep = runs.filter((r) => r.state === 'running' || (r.exit && now() - Date.parse(r.exit.endedAt) < RECENT_MS)).slice(0, RECENT_FINISHED + runs.filter((r) => r.state === 'running').length);
      const h = await historyNow();
      return keep.map((info) => view(ensureWatched(info), h));
    },
    async adopt(id) {
      if (watched.has(id)) return true;
      // an id, not a prefix: the console only adopts runs it was just told about
      if (!/^[\w.-]+$/.test(id)) return false;
      const info = await runInfoAt(path.join(runsDir(setup.stateDir), id));
      if (info.meta?.id !== id) return false;
      ensureWatched(info);
      return true;
    },
    watch(id, onUpdate) {
      const w = watched.get(id);
      if (!w) return () => {};
      w.listeners.add(onUpdate);
      void publish(w);
      return () => {
        w.listeners.delete(onUpdate);
      };
    },
  };
}
