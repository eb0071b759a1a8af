// The console's services over its environment. Each is loaded on first use, so that none of
// them delays the first frame.
import type { Prefs } from './core/prefsSchema.js';
import type { GenerationOps } from './core/generationService.js';
import type { RunsService } from './core/runsService.js';
import { lazyFleetStatus } from './services/fleetStatusLazy.js';
import { lazyFlakeUpdater, lazyRepoService } from './services/repoServiceLazy.js';
import { consoleRemote, lazyGenerations, lazyRuns } from './services/lazyServices.js';
import type { RemoteDeploys } from './services/runs.js';
import type { Services } from './state/controller.js';
import type { FleetStatusService } from './state/fleetSlice.js';
import type { Environment } from './system/context.js';
import type { PrefsStore } from './system/prefs.js';
import { readTodoFile, setTodoDone } from './system/todoFile.js';

const SAVE_DELAY_MS = 500;

export function consoleServices(
  env: Environment,
  save: (changes: Partial<Prefs>) => void,
  runs?: RunsService,
  generations?: GenerationOps,
  fleet?: FleetStatusService,
): Services {
  return {
    ...(runs ? { runs } : {}),
    ...(generations ? { generations } : {}),
    ...(fleet ? { fleet } : {}),
    ...(env.cachedGenerations ? { cachedGenerations: env.cachedGenerations } : {}),
    bell: () => process.stdout.write('\x07'),
    hostname: env.hostname,
    listFolderHosts: env.listFolderHosts,
    evalFlakeHosts: env.evalFlakeHosts,
    ...(env.cachedFlakeHosts ? { cachedFlakeHosts: env.cachedFlakeHosts } : {}),
    readGenerations: env.readGenerations,
    readTodos: readTodoFile,
    setTodoDone,
    savePrefs: save,
  };
}

export interface PrefsSaver {
  save(changes: Partial<Prefs>): void;
  /** write what is pending now (on quit) */
  flush(): Promise<void>;
}

/**
 * Moving through hosts changes lastHost on every key: write once things settle, and on quit.
 * `prefs` is null for the demo, which saves nothing.
 */
export function prefsSaver(prefs: PrefsStore | null): PrefsSaver {
  let pending: Partial<Prefs> = {};
  let timer: NodeJS.Timeout | undefined;
  const flush = async (): Promise<void> => {
    clearTimeout(timer);
    const changes = pending;
    pending = {};
    // remembering the last pane or host is best effort: a read-only config folder must not stop the console
    for (const [key, value] of Object.entries(changes)) await prefs?.set(key as keyof Prefs, value as string | boolean).catch(() => {});
  };
  const save = (changes: Partial<Prefs>): void => {
    if (!prefs) return;
    pending = { ...pending, ...changes };
    clearTimeout(timer);
    timer = setTimeout(() => void flush(), SAVE_DELAY_MS);
  };
  return { save, flush };
}

export interface ConsoleWiring {
  services: Services;
  /** closed on quit: stops following logs */
  runs: RunsService & { close(): void };
  /** null without SSH in this environment */
  remote: RemoteDeploys | null;
  /** closed on quit: ends the connections the Fleet view opened */
  fleet: FleetStatusService & { close(): Promise<void> };
}

/**
 * The services of the console over `env` (`demo`: the demo's environment, which wires its own
 * repository). `evalFlakeHosts` is the environment's evaluation, held back until the first frame
 * is out.
 */
export function wireConsoleServices(
  env: Environment,
  stored: Prefs,
  demo: boolean,
  save: (changes: Partial<Prefs>) => void,
  evalFlakeHosts: Environment['evalFlakeHosts'],
): ConsoleWiring {
  // other hosts are deployed, switched and pruned over SSH; their sudo passwords are asked once each
  const remote = consoleRemote(env, stored);
  const runs = lazyRuns(env, remote);
  const fleet = lazyFleetStatus(env, stored);
  const services = consoleServices(env, save, runs, lazyGenerations(env, demo, remote), fleet);
  if (!demo) {
    services.repo = lazyRepoService({
      flakeDir: env.flakeDir,
      now: Date.now,
      ages: () => ({ fresh: stored.inputFreshDays, old: stored.inputOldDays, veryOld: stored.inputVeryOldDays }),
      update: lazyFlakeUpdater({ stateDir: env.rebuild.stateDir, flakeDir: env.flakeDir, supervisor: env.rebuild.supervisor }),
    });
  }
  if (demo && env.repo) services.repo = env.repo;
  services.evalFlakeHosts = evalFlakeHosts;
  return { services, runs, remote, fleet };
}
