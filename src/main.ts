import { type Invocation, parseInvocation, UsageError } from './args.js';
import type { Io } from './commands/io.js';
import { processIo } from './processIo.js';
import type { Environment } from './system/context.js';
import type { PrefsStore } from './system/prefs.js';
import { DEFAULT_PREFS } from './core/prefsSchema.js';

// Everything below the argument parser is imported when used, so the console's first frame
// does not wait for modules it does not need (preferences validation, the script commands).

export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
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
  // hidden: the step runner of a remote deploy or generation switch (build, copy, activate, confirm)
  if (argv[0] === '__deploy') return (await import('./system/remote/deployMain.js')).deployMain(argv.slice(1));
  // hidden: the command of an update run (runs nix flake update, keeps flake.lock as it left it)
  if (argv[0] === '__flake-update') return (await import('./system/flakeUpdateRun.js')).flakeUpdateMain(argv.slice(1));
  if (argv[0] === '__demo-rebuild') return (await import('./demo/demoRebuild.js')).demoRebuildMain(argv.slice(1));
  // hidden: the demo's stand-in for __activate (moves the demo folder's links, runs no nix)
  if (argv[0] === '__demo-activate') return (await import('./demo/demoGenerations.js')).demoActivateMain(argv.slice(1));
  // hidden: the demo's stand-in for __deploy (the real deploy steps against its stand-in hosts)
  if (argv[0] === '__demo-deploy') return (await import('./demo/demoDeploy.js')).demoDeployMain(argv.slice(1));
  // hidden: the demo's stand-in for `nix flake update` (rewrites the demo's flake.lock, runs no nix)
  if (argv[0] === '__demo-update') return (await import('./demo/demoUpdate.js')).demoUpdateMain(argv.slice(1));
  let invocation: Invocation;
  try {
    invocation = await parseInvocation(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`nixdeck: ${error.message}\nsee: ${error.command} --help`);
      return 2;
    }
    throw error;
  }
  if (invocation.kind === 'print') {
    io.out(invocation.text);
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

async function dispatch(invocation: Exclude<Invocation, { kind: 'print' }>, io: Io): Promise<number> {
  if (invocation.kind === 'config') return (await import('./commands/config.js')).configCommand(await userPrefs(io, true), io, invocation);
  const { options } = invocation;
  if (invocation.kind === 'console') {
    const { openConsole } = await import('./console.js');
    // the console shows the warning in its status bar
    return openConsole(options, options.demo ? null : await userPrefs(io, false), io);
  }
  const env: Environment = options.demo
    ? await (await import('./demo/demoEnvironment.js')).demoEnvironment(options)
    : (await import('./system/context.js')).localEnvironment(
        options,
        // this machine's generations need no flake, todo file or ssh settings: no preferences read
        (invocation.kind === 'generations' || invocation.kind === 'diff') && invocation.host === undefined ? DEFAULT_PREFS : (await userPrefs(io, true)).get(),
      );
  try {
    switch (invocation.kind) {
      case 'hosts':
        return await (await import('./commands/hosts.js')).hostsCommand(env, io, invocation.json);
      case 'generations':
        return await (await import('./commands/generations.js')).generationsCommand(env, io, invocation.json, invocation.host);
      case 'todos':
        return await (await import('./commands/todos.js')).todosCommand(env.todoFile, io, invocation.json);
      case 'todo':
        return await (await import('./commands/todos.js')).todoCommand(env.todoFile, io, invocation.done, invocation.query);
      case 'rebuild':
        return await (await import('./commands/rebuildMany.js')).rebuildHostsCommand(env, io, invocation.hosts, invocation.action, {
          ...(invocation.confirmTimeout !== undefined ? { confirmTimeout: invocation.confirmTimeout } : {}),
          ...(invocation.buildHost !== undefined ? { buildHost: invocation.buildHost } : {}),
          ...(invocation.parallel !== undefined ? { parallel: invocation.parallel } : {}),
        });
      case 'runs':
        return await (await import('./commands/rebuild.js')).runsCommand(env, io, invocation.json, invocation.host);
      case 'log':
        return await (await import('./commands/rebuild.js')).logCommand(env, io, invocation.run, invocation.summary, invocation.json);
      case 'diff':
        return await (await import('./commands/generationOps.js')).diffCommand(env, io, {
          ...(invocation.host !== undefined ? { host: invocation.host } : {}),
          from: invocation.from,
          to: invocation.to,
          json: invocation.json,
        });
      case 'gc':
        return await (await import('./commands/gc.js')).gcCommand(io, { dryRun: invocation.dryRun, yes: invocation.yes, isRoot: env.rebuild.isRoot });
      case 'prune':
        return await (await import('./commands/generationOps.js')).pruneCommand(env, io, {
          ...(invocation.host !== undefined ? { host: invocation.host } : {}),
          ...(invocation.keep !== undefined ? { keep: invocation.keep } : {}),
          ...(invocation.keepDays !== undefined ? { keepDays: invocation.keepDays } : {}),
          pin: invocation.pin,
          dryRun: invocation.dryRun,
          yes: invocation.yes,
          json: invocation.json,
        });
      case 'status':
        return await (await import('./commands/status.js')).runStatus(env, io, { hosts: invocation.hosts, json: invocation.json }, options.demo ? DEFAULT_PREFS : (await userPrefs(io, false)).get());
      case 'inputs':
        return await (await import('./commands/inputs.js')).inputsCommand(env.flakeDir, io, invocation.json, Date.now(), options.demo ? DEFAULT_PREFS : (await userPrefs(io, false)).get());
      case 'update':
        return await (await import('./commands/update.js')).updateCommand(env, io, invocation.inputs, invocation.revert);
      case 'rollback':
        return await (await import('./commands/generationOps.js')).rollbackCommand(env, io, {
          ...(invocation.host !== undefined ? { host: invocation.host } : {}),
          ...(invocation.to !== undefined ? { to: invocation.to } : {}),
          ...(invocation.action !== undefined ? { action: invocation.action } : {}),
          ...(invocation.confirmTimeout !== undefined ? { confirmTimeout: invocation.confirmTimeout } : {}),
          yes: invocation.yes,
        });
      default:
        return 2;
    }
  } finally {
    await env.dispose?.();
  }
}
