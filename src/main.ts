import { type Invocation, parseInvocation, USAGE, UsageError } from './args.js';
import { type Io, processIo } from './commands/io.js';
import type { Environment } from './system/context.js';
import type { PrefsStore } from './system/prefs.js';
import { VERSION } from './version.js';
import { DEFAULT_PREFS } from './core/prefsSchema.js';

// Everything below the argument parser is imported when used, so the console's first frame
// does not wait for modules it does not need (preferences validation, the script commands).

export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  // hidden: the detached process that owns a rebuild run, and the demo's nixos-rebuild
  if (argv[0] === '__supervise') {
    const { supervisorMain, setFinishHook } = await import('./system/supervisor.js');
    const { recordRun } = await import('./system/runTracking.js');
    const recorder = argv[1] ? recordRun(argv[1]) : null;
    setFinishHook(async () => recorder?.finish());
    return supervisorMain(argv.slice(1));
  }
  // hidden: the step runner of a rollback/switch run (and of prune when it needs sudo)
  if (argv[0] === '__activate') return (await import('./system/activate.js')).activateMain(argv.slice(1));
  if (argv[0] === '__demo-rebuild') return (await import('./system/demoRebuild.js')).demoRebuildMain(argv.slice(1));
  // hidden: the demo's stand-in for __activate (moves the demo folder's links, runs no nix)
  if (argv[0] === '__demo-activate') return (await import('./system/demoGenerations.js')).demoActivateMain(argv.slice(1));
  let invocation: Invocation;
  try {
    invocation = parseInvocation(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`nixdeck: ${error.message}\nsee: nixdeck --help`);
      return 2;
    }
    throw error;
  }
  if (invocation.kind === 'help') {
    io.out(USAGE);
    return 0;
  }
  if (invocation.kind === 'version') {
    io.out(VERSION);
    return 0;
  }
  try {
    return await dispatch(invocation, io);
  } catch (error) {
    io.err(`error: ${(error as Error).message}`);
    return 1;
  }
}

/** Preferences are opened only where they are used: the demo never reads or writes them. */
async function userPrefs(io: Io, warnHere: boolean): Promise<PrefsStore> {
  const prefs = (await import('./system/prefs.js')).openPrefs();
  if (prefs.warning && warnHere) io.err(`warning: ${prefs.warning}`);
  return prefs;
}

async function dispatch(invocation: Exclude<Invocation, { kind: 'help' | 'version' }>, io: Io): Promise<number> {
  if (invocation.kind === 'config') return (await import('./commands/config.js')).configCommand(await userPrefs(io, true), io, invocation);
  const { options } = invocation;
  if (invocation.kind === 'console') {
    const { openConsole } = await import('./console.js');
    // the console shows the warning in its status bar
    return openConsole(options, options.demo ? null : await userPrefs(io, false), io);
  }
  const env: Environment = options.demo
    ? await (await import('./system/demoEnvironment.js')).demoEnvironment(options)
    : (await import('./system/context.js')).localEnvironment(
        options,
        // generations need no flake or todo file, so they do not read the preferences
        invocation.kind === 'generations' || invocation.kind === 'diff' ? DEFAULT_PREFS : (await userPrefs(io, true)).get(),
      );
  try {
    switch (invocation.kind) {
      case 'hosts':
        return await (await import('./commands/hosts.js')).hostsCommand(env, io, options.json);
      case 'generations':
        return await (await import('./commands/generations.js')).generationsCommand(env, io, options.json, invocation.host);
      case 'todos':
        return await (await import('./commands/todos.js')).todosCommand(env.todoFile, io, options.json);
      case 'todo':
        return await (await import('./commands/todos.js')).todoCommand(env.todoFile, io, invocation.done, invocation.query);
      case 'rebuild':
        return await (await import('./commands/rebuild.js')).rebuildCommand(env, io, invocation.host, options.action);
      case 'runs':
        return await (await import('./commands/rebuild.js')).runsCommand(env, io, options.json, options.host);
      case 'log':
        return await (await import('./commands/rebuild.js')).logCommand(env, io, invocation.run, options.summary, options.json);
      case 'diff':
        return await (await import('./commands/generationOps.js')).diffCommand(env, io, {
          ...(invocation.host !== undefined ? { host: invocation.host } : {}),
          from: invocation.from,
          to: invocation.to,
          json: options.json,
        });
      case 'gc':
        return await (await import('./commands/gc.js')).gcCommand(io, options);
      case 'prune':
        return await (await import('./commands/generationOps.js')).pruneCommand(env, io, {
          ...(invocation.host !== undefined ? { host: invocation.host } : {}),
          ...(options.keep !== undefined ? { keep: options.keep } : {}),
          ...(options.keepDays !== undefined ? { keepDays: options.keepDays } : {}),
          pin: options.pin,
          dryRun: options.dryRun,
          yes: options.yes,
          json: options.json,
        });
      case 'rollback':
        return await (await import('./commands/generationOps.js')).rollbackCommand(env, io, {
          ...(invocation.host !== undefined ? { host: invocation.host } : {}),
          ...(options.to !== undefined ? { to: options.to } : {}),
          ...(options.action !== undefined ? { action: options.action } : {}),
          yes: options.yes,
        });
      default:
        return 2;
    }
  } finally {
    await env.dispose?.();
  }
}
