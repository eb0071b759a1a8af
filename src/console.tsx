import os from 'node:os';
import type { Instance } from 'ink';
import type { GlobalOptions } from './args.js';
import type { Io } from './commands/io.js';
import { DEFAULT_PREFS, type Prefs } from './core/prefsSchema.js';
import { lazyFleetStatus } from './services/fleetStatusLazy.js';
import { lazyFlakeUpdater, lazyRepoService } from './services/repoServiceLazy.js';
import { consoleRemote, lazyGenerations, lazyRuns } from './services/lazyServices.js';
import { Controller, type Services } from './state/controller.js';
import type { FleetStatusService } from './state/fleetSlice.js';
import type { GenerationOps } from './core/generationService.js';
import type { RunsService } from './core/runsService.js';
import { type Environment, localEnvironment } from './system/context.js';
import type { PrefsStore } from './system/prefs.js';
import { readTodoFile, setTodoDone } from './system/todoFile.js';

const ENTER_ALT_SCREEN = '\x1b[?1049h';
const LEAVE_ALT_SCREEN = '\x1b[?1049l';
// focus reports (ESC[I) tell the console that the terminal has the focus again: the git state is read again
const FOCUS_REPORTING_ON = '\x1b[?1004h';
const FOCUS_REPORTING_OFF = '\x1b[?1004l';
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

const FRAME_WAIT_MS = 250;
/** the longest the screen stays blank while the first frame's data is read */
const FIRST_DATA_WAIT_MS = 300;

/** `next()` resolves when Ink draws its next frame (`drawn` is its onRender), or after FRAME_WAIT_MS. */
function frameWaiter(): { next(): Promise<void>; drawn(): void } {
  const waiting: (() => void)[] = [];
  return {
    next: () =>
      new Promise((resolve) => {
        const timer = setTimeout(resolve, FRAME_WAIT_MS);
        waiting.push(() => {
          clearTimeout(timer);
          resolve();
        });
      }),
    drawn() {
      // Ink writes the frame right after this call returns; the waiters continue after that
      for (const wake of waiting.splice(0)) wake();
    },
  };
}

/**
 * Open the full-screen console; resolves with the exit status when the user quits. `prefs` is
 * null for the demo, which must leave the user's preferences alone.
 */
export async function openConsole(options: GlobalOptions, prefs: PrefsStore | null, io: Io): Promise<number> {
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    io.err(
      'nixdeck: the console needs a terminal (stdin and stdout are not a TTY).\n' +
        'For scripts use: nixdeck hosts --json | generations --json | todos --json | todo done ID\n' +
        'see: nixdeck --help',
    );
    return 1;
  }
  // Ink, React and the screens load while the data of the first frame is read
  const ui = Promise.all([import('ink'), import('./ui/App.js'), import('./ui/measures.js')]);
  ui.catch(() => {}); // awaited below; an early failure must not be an unhandled rejection
  const stored = prefs ? prefs.get() : DEFAULT_PREFS;
  const env = prefs
    ? localEnvironment(options, stored)
    : await import('./demo/demoEnvironment.js').then((m) => m.demoEnvironment(options, m.DEMO_EVAL_MS));
  // Moving through hosts changes lastHost on every key: write once things settle, and on quit.
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
  const ascii = options.ascii || stored.asciiBorders || process.env.TERM === 'linux';
  // other hosts are deployed, switched and pruned over SSH; their sudo passwords are asked once each
  const remote = consoleRemote(env, stored);
  const runs = lazyRuns(env, remote);
  // The controller asks for the flake evaluation once the data of the first full frame is in
  // (Controller.start): the screen is drawn then, in one frame, and `nix eval` starts once that
  // frame is out, so that it does not compete with it for the CPU.
  const frames = frameWaiter();
  let firstDataIn = (): void => {};
  const firstData = new Promise<void>((resolve) => {
    firstDataIn = resolve;
    setTimeout(resolve, FIRST_DATA_WAIT_MS).unref();
  });
  const fleet = lazyFleetStatus(env, stored);
  const services = consoleServices(env, save, runs, lazyGenerations(env, prefs === null, remote), fleet);
  if (prefs) {
    // the real flake's repository (the demo wires its own)
    services.repo = lazyRepoService({
      flakeDir: env.flakeDir,
      now: Date.now,
      ages: () => ({ fresh: stored.inputFreshDays, old: stored.inputOldDays, veryOld: stored.inputVeryOldDays }),
      update: lazyFlakeUpdater({ stateDir: env.rebuild.stateDir, flakeDir: env.flakeDir, supervisor: env.rebuild.supervisor }),
    });
  }
  if (!prefs && env.repo) services.repo = env.repo;
  services.evalFlakeHosts = async (dir) => {
    firstDataIn();
    await frames.next();
    return env.evalFlakeHosts(dir);
  };
  const controller = new Controller(services, {
    flakeDir: env.flakeDir,
    home: os.homedir(),
    todoFile: env.todoFile,
    prefs: { ...stored, asciiBorders: ascii },
    warning: prefs?.warning ?? null,
    runRefreshMs: Math.round(1000 / Number(stored.refreshRate)),
    // the same answer as Ink's colour library: NO_COLOR (made FORCE_COLOR=0 in cli.ts), FORCE_COLOR, TERM=dumb
    color: process.stdout.hasColors(),
  });

  let inAltScreen = true;
  const leave = (): void => {
    if (!inAltScreen) return;
    inAltScreen = false;
    process.stdout.write(FOCUS_REPORTING_OFF + LEAVE_ALT_SCREEN);
  };
  // A closed SSH connection or terminal (SIGHUP) or a kill (SIGTERM) ends the console the
  // orderly way: preferences saved, the demo's folder removed; detached runs are not touched.
  let instance: Instance | null = null;
  let hungUp = false;
  const hangUp = (): void => {
    if (hungUp) return;
    hungUp = true;
    // the terminal is gone: writing to it fails (EIO), which must not stop the clean-up
    inAltScreen = false;
    instance?.unmount();
  };
  // On a signal the demo's runs and folder go first, synchronously, ahead of every other
  // listener: Ink's signal-exit may re-raise the signal and end the process right after.
  const onSignal = (): void => {
    env.disposeNow?.();
    hangUp();
  };
  process.prependListener('SIGHUP', onSignal);
  process.prependListener('SIGTERM', onSignal);
  process.stdout.write(ENTER_ALT_SCREEN + FOCUS_REPORTING_ON);
  process.on('exit', leave);
  try {
    void controller.start();
    const [[{ render }, { App }, { screenMeasures }]] = await Promise.all([ui, firstData]);
    // the layout is computed in state from the terminal's size, at start and on every resize
    const size = (): [number, number] => [process.stdout.columns || 80, process.stdout.rows || 24];
    const onResize = (): void => controller.resize(...size());
    controller.attachScreen(screenMeasures, ...size());
    process.stdout.on('resize', onResize);
    if (!hungUp) {
      // Ctrl-C is a key of the console (cancel a run, or quit after asking), not an instant exit
      const shown = render(<App controller={controller} />, { exitOnCtrlC: false, patchConsole: false, maxFps: 30, onRender: frames.drawn });
      instance = shown;
      // the pty closing shows first as the end of stdin; with nothing else to wait for, Node
      // would exit right there and skip the clean-up below
      process.stdin.once('end', hangUp);
      process.stdin.once('close', hangUp);
      process.stdin.on('error', hangUp);
      await shown.waitUntilExit();
      process.stdin.off('end', hangUp);
      process.stdin.off('close', hangUp);
      process.stdin.off('error', hangUp);
    }
    process.stdout.off('resize', onResize);
    controller.dispose();
  } finally {
    runs.close();
    remote?.passwords.clear();
    leave();
    // the ssh connections end with the console (the environment's pool closes in dispose)
    await fleet.close().catch(() => {});
    await flush();
    await env.dispose?.();
    process.off('SIGHUP', onSignal);
    process.off('SIGTERM', onSignal);
  }
  return 0;
}
