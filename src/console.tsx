import { render } from 'ink';
import type { GlobalOptions } from './args.js';
import type { Io } from './commands/io.js';
import { DEFAULT_PREFS, type Prefs } from './core/prefsSchema.js';
import { Controller, type Services } from './state/controller.js';
import { type Environment, localEnvironment } from './system/context.js';
import type { PrefsStore } from './system/prefs.js';
import { readTodoFile, setTodoDone } from './system/todoFile.js';
import { App } from './ui/App.js';

const ENTER_ALT_SCREEN = '\x1b[?1049h';
const LEAVE_ALT_SCREEN = '\x1b[?1049l';

export function consoleServices(env: Environment, save: (changes: Partial<Prefs>) => void): Services {
  return {
    hostname: env.hostname,
    listFolderHosts: env.listFolderHosts,
    evalFlakeHosts: env.evalFlakeHosts,
    readGenerations: env.readGenerations,
    readTodos: readTodoFile,
    setTodoDone,
    savePrefs: save,
  };
}

/** Open the full-screen console; resolves with the exit status when the user quits. */
/** `prefs` is null for the demo, which must leave the user's preferences alone. */
export async function openConsole(options: GlobalOptions, prefs: PrefsStore | null, io: Io): Promise<number> {
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    io.err(
      'nixdeck: the console needs a terminal (stdin and stdout are not a TTY).\n' +
        'For scripts use: nixdeck hosts --json | generations --json | todos --json | todo done ID\n' +
        'see: nixdeck --help',
    );
    return 1;
  }
  const stored = prefs ? prefs.get() : DEFAULT_PREFS;
  const env = prefs
    ? localEnvironment(options, stored)
    : await import('./system/demoEnvironment.js').then((m) => m.demoEnvironment(options, m.DEMO_EVAL_MS));
  const save = (changes: Partial<Prefs>): void => {
    for (const [key, value] of Object.entries(changes)) prefs?.set(key as keyof Prefs, value as string | boolean);
  };
  const ascii = options.ascii || stored.asciiBorders || process.env.TERM === 'linux';
  const controller = new Controller(consoleServices(env, save), {
    flakeDir: env.flakeDir,
    todoFile: env.todoFile,
    prefs: { ...stored, asciiBorders: ascii },
    warning: prefs?.warning ?? null,
  });

  let inAltScreen = true;
  const leave = (): void => {
    if (!inAltScreen) return;
    inAltScreen = false;
    process.stdout.write(LEAVE_ALT_SCREEN);
  };
  process.stdout.write(ENTER_ALT_SCREEN);
  process.on('exit', leave);
  try {
    const instance = render(<App controller={controller} />, { exitOnCtrlC: true, patchConsole: false, incrementalRendering: false, maxFps: 30 });
    void controller.start();
    await instance.waitUntilExit();
  } finally {
    leave();
    await env.dispose?.();
  }
  return 0;
}
