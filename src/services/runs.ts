// The console's RunsService over the real run layer: detached runs in the state folder, their
// logs followed into progress trackers, the ETA from history.jsonl.
import path from 'node:path';
import { estimateRemaining, transferOf } from '../core/eta.js';
import type { RebuildAction } from '../core/rebuildCommand.js';
import type { RunPhase, RunsService, RunView } from '../state/runs.js';
import { type History, loadHistory, runKey } from '../system/history.js';
import { cancelRun } from '../system/runLauncher.js';
import { type RebuildSetup, refusal, startRebuild, sudoModeFor } from '../system/rebuilds.js';
import { listRuns, LOG_FILE, type RunInfo, runInfoAt, runsDir } from '../system/runStore.js';
import { runKindOf, summaryOf, type TrackedRun, trackRun } from '../system/runTracking.js';

/** Finished runs offered again at start: those that ended in the last day. */
const RECENT_MS = 24 * 3_600_000;
const RECENT_FINISHED = 6;

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

interface Watched {
  tracked: TrackedRun;
  controller: AbortController;
  info: RunInfo;
  listeners: Set<(view: RunView) => void>;
}

export function createRunsService(setup: RebuildSetup, now: () => number = Date.now): RunsService & { close(): void } {
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
    return {
      ...(generation !== undefined ? { generation } : {}),
      id: w.info.id,
      host: meta?.host ?? '?',
      action: (meta?.action ?? 'build') as RebuildAction,
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
    const w: Watched = { info, controller, listeners: new Set(), tracked: undefined as unknown as TrackedRun };
    w.tracked = trackRun(info.dir, { signal: controller.signal, onChange: () => void publish(w) });
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
    async needsPassword(host, action) {
      if (refusal(setup, host, action)) return false;
      return (await sudoModeFor(setup, action)) === 'password';
    },
    async start({ host, action, password }) {
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
