// What every command's declaration shares: how a command is made, the global options, and how
// a parsed command becomes the Invocation.
import type { Command } from 'commander';
import type { GlobalOptions, Invocation } from '../args.js';
import { UsageError } from '../args.js';

/** Takes the Invocation a command's action has parsed. */
export type Settle = (invocation: Invocation) => void;

/** Declares one command (with its options, arguments and action) under `parent`. */
export type Declare = (parent: Command, settle: Settle) => void;

interface GlobalFlags {
  flake?: string;
  root?: string;
  file?: string;
  demo?: boolean;
  ascii?: boolean;
}

export function sub(parent: Command, name: string, description: string): Command {
  const command = parent.command(name).description(description).helpOption('-h, --help', 'this text').helpCommand(false);
  exitsBy(command);
  return command;
}

export function withGlobalOptions(command: Command): void {
  command
    .option('--flake <DIR>', 'the flake folder (default: preference, else ./ if it holds flake.nix, else /etc/nixos)')
    .option('--root <DIR>', 'read /nix/var/nix/profiles, /run and /etc under DIR instead of /')
    .option('--file <PATH>', 'the todo file (default: preference, else PROJECT.md in the flake folder)')
    .option('--demo', 'use a sample fleet built in a temporary folder (no Nix needed)')
    .option('--ascii', 'draw borders with ASCII characters');
}

/** Nothing calls process.exit: a mistake becomes a UsageError naming its command, help and version a print. */
export function exitsBy(command: Command): void {
  command.exitOverride((error) => {
    if (error.exitCode === 0) throw error;
    // `config` with no subcommand shows its help as an error: say what it takes instead
    if (error.code === 'commander.help') throw new UsageError(`${command.name()} takes ${command.commands.map((c) => c.name()).join(', ')}`, commandPath(command));
    throw new UsageError(error.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' '), commandPath(command));
  });
}

export function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c !== null; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** The global options as given to the program and to `command` itself (the later one wins). */
export function globals(command: Command): GlobalOptions {
  let program = command;
  while (program.parent !== null) program = program.parent;
  return mergeGlobals(program.opts<GlobalFlags>(), command.opts<GlobalFlags>(), command);
}

function mergeGlobals(before: GlobalFlags, after: GlobalFlags, command: Command): GlobalOptions {
  const options: GlobalOptions = { demo: Boolean(before.demo || after.demo), ascii: Boolean(before.ascii || after.ascii) };
  for (const name of ['flake', 'root', 'file'] as const) {
    const value = after[name] ?? before[name];
    if (value === '') throw new UsageError(`--${name} needs a path`, commandPath(command));
    if (value !== undefined) options[name] = value;
  }
  return options;
}
