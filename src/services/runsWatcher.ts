// Following runs: each run's log into a progress tracker (and its deploy phases), views pushed to
// the listeners, the ETA history reloaded after a run has ended.
import { type DeployProgress, NO_PROGRESS, nextDeployProgress } from '../core/deployProgress.js';
import type { RunView } from '../core/runsService.js';
import { type History, loadHistory } from '../system/history.js';
import type { RunInfo } from '../system/runStore.js';
import { type TrackedRun, trackRun } from '../system/runTracking.js';
import { runView, type Watched } from './runsView.js';

/** Step runners of a deploy to another host (and of its switch to a generation). */
const DEPLOY_RUNNERS = new Set(['__deploy', '__demo-deploy']);

function nextLines(progress: DeployProgress, lines: Iterable<string>): DeployProgress {
  let next = progress;
  for (const line of lines) next = nextDeployProgress(next, line);
  return next;
}

/** Feeds the log lines not seen yet to a deploy's progress. */
function catchUpDeploy(w: Watched): void {
  if (w.deploy === null) return;
  // the phase lines are plain text lines: the tracker's tail has them, in order
  const total = w.tracked.progress.totalLines;
  w.deploy = nextLines(w.deploy, w.tracked.progress.tailLines(total - w.seen));
  w.seen = total;
}

/** Starts following a run's log: `publish` at every change, `ended` (then `publish`) once it has ended. */
function followRun(info: RunInfo, publish: (w: Watched) => Promise<void>, ended: () => void): Watched {
  const controller = new AbortController();
  const deploys = info.meta?.argv.some((word) => DEPLOY_RUNNERS.has(word)) === true;
  const w: Watched = { info, controller, listeners: new Set(), deploy: deploys ? NO_PROGRESS : null, seen: 0, tracked: undefined as unknown as TrackedRun };
  const onChange = (): void => {
    catchUpDeploy(w);
    void publish(w);
  };
  w.tracked = trackRun(info.dir, { signal: controller.signal, onChange });
  void w.tracked.done.then(async (final) => {
    w.info = final;
    ended();
    await publish(w);
  });
  return w;
}

export interface RunWatcher {
  /** the followed run, or undefined */
  get(id: string): Watched | undefined;
  /** follows a run (once: a run already followed is returned as it is) */
  follow(info: RunInfo): Watched;
  /** the views of these runs, each followed from now on */
  views(infos: readonly RunInfo[]): Promise<RunView[]>;
  /** live views of one followed run; returns the unsubscribe */
  watch(id: string, onUpdate: (view: RunView) => void): () => void;
  /** stop following every log; the runs themselves go on */
  close(): void;
}

export function createRunWatcher(stateDir: string, now: () => number, temporary: boolean): RunWatcher {
  const watched = new Map<string, Watched>();
  let history: Promise<History> | null = null;
  const historyNow = () => (history ??= loadHistory(stateDir));

  const publish = async (w: Watched): Promise<void> => {
    const h = await historyNow();
    const v = runView(w, h, now, temporary);
    for (const listener of w.listeners) listener(v);
  };

  const follow = (info: RunInfo): Watched => {
    const existing = watched.get(info.id);
    if (existing) return existing;
    const w = followRun(info, publish, () => {
      history = null; // a finished run has just added to the history
    });
    watched.set(info.id, w);
    return w;
  };

  return {
    get: (id) => watched.get(id),
    follow,
    async views(infos) {
      const h = await historyNow();
      return infos.map((info) => runView(follow(info), h, now, temporary));
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
    close() {
      for (const w of watched.values()) w.controller.abort();
      watched.clear();
    },
  };
}
