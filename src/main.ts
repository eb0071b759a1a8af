import { type Invocation, parseInvocation, USAGE, UsageError } from './args.js';
import { configCommand } from './commands/config.js';
import { generationsCommand } from './commands/generations.js';
import { hostsCommand } from './commands/hosts.js';
import { type Io, processIo } from './commands/io.js';
import { todoCommand, todosCommand } from './commands/todos.js';
import { type Environment, localEnvironment, SetupError } from './system/context.js';
import { openPrefs, type PrefsStore } from './system/prefs.js';
import { VERSION } from './version.js';

export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
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
    if (error instanceof SetupError) {
      io.err(`error: ${error.message}`);
      return 1;
    }
    io.err(`error: ${(error as Error).message}`);
    return 1;
  }
}

/** Preferences are opened only where they are used: the demo never reads or writes them. */
function userPrefs(io: Io, warnHere: boolean): PrefsStore {
  const prefs = openPrefs();
  if (prefs.warning && warnHere) io.err(`warning: ${prefs.warning}`);
  return prefs;
}

async function dispatch(invocation: Exclude<Invocation, { kind: 'help' | 'version' }>, io: Io): Promise<number> {
  if (invocation.kind === 'config') return configCommand(userPrefs(io, true), io, invocation);
  const { options } = invocation;
  if (invocation.kind === 'console') {
    const { openConsole } = await import('./console.js');
    // the console shows the warning in its status bar
    return openConsole(options, options.demo ? null : userPrefs(io, false), io);
  }
  const env: Environment = options.demo
    ? await (await import('./system/demoEnvironment.js')).demoEnvironment(options)
    : localEnvironment(options, userPrefs(io, true).get());
  try {
    switch (invocation.kind) {
      case 'hosts':
        return await hostsCommand(env, io, options.json);
      case 'generations':
        return await generationsCommand(env, io, options.json, invocation.host);
      case 'todos':
        return await todosCommand(env.todoFile, io, options.json);
      case 'todo':
        return await todoCommand(env.todoFile, io, invocation.done, invocation.query);
      default:
        return 2;
    }
  } finally {
    await env.dispose?.();
  }
}
