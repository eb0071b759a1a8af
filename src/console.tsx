import os from 'node:os';
import type { GlobalOptions } from './args.js';
import type { Io } from './commands/io.js';
import { prefsSaver, wireConsoleServices } from './consoleServices.js';
import { DEFAULT_PREFS, type Prefs } from './core/prefsSchema.js';
import { firstFrameGate } from './firstFrameGate.js';
import { Controller, type ControllerOptions } from './state/controller.js';
import { type Environment, localEnvironment } from './system/context.js';
import type { PrefsStore } from './system/prefs.js';
import { followResize, openTerminalSession, terminalSize } from './terminalSession.js';

export { consoleServices } from './consoleServices.js';

const NOT_A_TERMINAL =
  'nixdeck: the console needs a terminal (stdin and stdout are not a TTY).\n' +
  'For scripts use: nixdeck hosts --json | generations --json | todos --json | todo done ID\n' +
  'see: nixdeck --help';

function controllerSettings(options: GlobalOptions, prefs: PrefsStore | null, env: Environment, stored: Prefs): ControllerOptions {
  return {
    flakeDir: env.flakeDir,
    home: os.homedir(),
    todoFile: env.todoFile,
    prefs: { ...stored, asciiBorders: options.ascii || stored.asciiBorders || process.env.TERM === 'linux' },
    warning: prefs?.warning ?? null,
    runRefreshMs: Math.round(1000 / Number(stored.refreshRate)),
    // the same answer as Ink's colour library: NO_COLOR (made FORCE_COLOR=0 in cli.ts), FORCE_COLOR, TERM=dumb
    color: process.stdout.hasColors(),
  };
}

/**
 * Open the full-screen console; resolves with the exit status when the user quits. `prefs` is
 * null for the demo, which must leave the user's preferences alone.
 */
export async function openConsole(options: GlobalOptions, prefs: PrefsStore | null, io: Io): Promise<number> {
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    io.err(NOT_A_TERMINAL);
    return 1;
  }
  // Ink, React and the screens load while the data of the first frame is read
  const ui = Promise.all([import('ink'), import('./ui/App.js'), import('./ui/measures.js')]);
  ui.catch(() => {}); // awaited below; an early failure must not be an unhandled rejection
  const stored = prefs ? prefs.get() : DEFAULT_PREFS;
  const env = prefs
    ? localEnvironment(options, stored)
    : await import('./demo/demoEnvironment.js').then((m) => m.demoEnvironment(options, m.DEMO_EVAL_MS));
  const saver = prefsSaver(prefs);
  const gate = firstFrameGate();
  const { services, runs, remote, fleet } = wireConsoleServices(env, stored, prefs === null, saver.save, (dir) =>
    gate.afterFirstFrame(() => env.evalFlakeHosts(dir)),
  );
  const controller = new Controller(services, controllerSettings(options, prefs, env, stored));
  // on a signal the demo's runs and folder go first
  const terminal = openTerminalSession(() => env.disposeNow?.());
  try {
    void controller.start();
    const [[{ render }, { App }, { screenMeasures }]] = await Promise.all([ui, gate.firstData]);
    // the layout is computed in state from the terminal's size, at start and on every resize
    controller.attachScreen(screenMeasures, ...terminalSize());
    const stopFollowingResize = followResize((columns, rows) => controller.resize(columns, rows));
    if (!terminal.hungUp) {
      // Ctrl-C is a key of the console (cancel a run, or quit after asking), not an instant exit
      await terminal.showUntilExit(render(<App controller={controller} />, { exitOnCtrlC: false, patchConsole: false, maxFps: 30, onRender: gate.drawn }));
    }
    stopFollowingResize();
    controller.dispose();
  } finally {
    runs.close();
    remote?.passwords.clear();
    terminal.leave();
    // the ssh connections end with the console (the environment's pool closes in dispose)
    await fleet.close().catch(() => {});
    await saver.flush();
    await env.dispose?.();
    terminal.close();
  }
  return 0;
}
