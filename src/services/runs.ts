// The console's RunsService over the real run layer: detached runs in the state folder, their
// logs followed into progress trackers, the ETA from history.jsonl.
import path from 'node:path';
import type { RunsService, RunView } from '../core/runsService.js';
import { cancelRun } from '../system/runLauncher.js';
import type { RebuildSetup } from '../system/rebuilds.js';
import { listRuns, type RunInfo, runInfoAt, runsDir } from '../system/runStore.js';
import { checkRun, needsPasswordFor, type RemoteDeploys, startRun } from './runsStart.js';
import { createRunWatcher, type RunWatcher } from './runsWatcher.js';

export { activationGeneration } from './runsView.js';
export type { RemoteDeploys } from './runsStart.js';

/** Finished runs offered again at start: those that ended in the last day. */
const RECENT_MS = 24 * 3_600_000;
const RECENT_FINISHED = 6;

/** Runs still going and those that ended in the last day, in listing order, cut to RECENT_FINISHED more than are running. */
function recentRuns(runs: readonly RunInfo[], now: () => number): RunInfo[] {
  const running = runs.filter((r) => r.state === 'running').length;
  return runs.filter((r) => r.state === 'running' || (r.exit && now() - Date.parse(r.exit.endedAt) < RECENT_MS)).slice(0, RECENT_FINISHED + running);
}

/** Follows a run started elsewhere, found by its exact id in the state folder. */
async function adoptRun(setup: RebuildSetup, runs: RunWatcher, id: string): Promise<boolean> {
  if (runs.get(id)) return true;
  // an id, not a prefix: the console only adopts runs it was just told about
  if (!/^[\w.-]+$/.test(id)) return false;
  const info = await runInfoAt(path.join(runsDir(setup.stateDir), id));
  if (info.meta?.id !== id) return false;
  runs.follow(info);
  return true;
}

export function createRunsService(setup: RebuildSetup, now: () => number = Date.now, remote?: RemoteDeploys): RunsService & { close(): void } {
  const runs = createRunWatcher(setup.stateDir, now, setup.ephemeral === true);
  const follow = (info: RunInfo): void => {
    runs.follow(info);
  };
  return {
    ...(setup.ephemeral ? { endsWithConsole: true } : {}),
    /** stop following every log; the runs themselves go on */
    close: () => runs.close(),
    ...(remote ? { remoteDeploys: true } : {}),
    check: (host, action) => checkRun(setup, remote, host, action),
    ...(remote ? { checkPassword: (host: string, password: string) => remote.passwords.check(host, password) } : {}),
    needsPassword: (host, action) => needsPasswordFor(setup, remote, host, action),
    start: ({ host, action, password }) => startRun(setup, remote, { host, action, password, follow }),
    async cancel(id) {
      await cancelRun(setup.stateDir, id);
      const w = runs.get(id);
      if (w) w.info = await runInfoAt(w.info.dir);
    },
    async recent(): Promise<RunView[]> {
      return runs.views(recentRuns(await listRuns(setup.stateDir), now));
    },
    adopt: (id) => adoptRun(setup, runs, id),
    watch: (id, onUpdate) => runs.watch(id, onUpdate),
  };
}
