// The subcommands' parser: each command has its own options and generated help. Loaded only
// when there is a subcommand (or help, or a mistake): the plain console start never pays for it.
import { Command, CommanderError } from 'commander';
import type { Invocation } from './args.js';
import { VERSION } from './version.js';
import { declareConfig } from './commandLine/configCommands.js';
import type { Declare } from './commandLine/declaring.js';
import { exitsBy, globals, withGlobalOptions } from './commandLine/declaring.js';
import { declareGc, declarePrune, declareRollback } from './commandLine/generationCommands.js';
import { declareDiff, declareGenerations, declareHosts, declareInputs, declareStatus, declareTodos } from './commandLine/readingCommands.js';
import { declareTodo, declareUpdate } from './commandLine/repositoryCommands.js';
import { declareLog, declareRebuild, declareRuns } from './commandLine/runCommands.js';

/** The commands in the order the help lists them. */
const COMMANDS: readonly Declare[] = [
  declareHosts,
  declareGenerations,
  declareTodos,
  declareTodo,
  declareRebuild,
  declareRuns,
  declareLog,
  declareDiff,
  declareStatus,
  declareInputs,
  declareUpdate,
  declareRollback,
  declarePrune,
  declareGc,
  declareConfig,
];

/** Parse `argv` (the arguments after the program name); help and version are `print` results. */
export function parseCommandLine(argv: readonly string[]): Invocation {
  let printed = '';
  let result: Invocation | undefined;
  const program = declareProgram((text) => void (printed += text));
  for (const declare of COMMANDS) declare(program, (invocation) => void (result = invocation));
  // after each command's own options, so that its help lists those first
  for (const command of leaves(program)) withGlobalOptions(command);
  try {
    program.parse([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError && error.exitCode === 0) return { kind: 'print', text: printed.trimEnd() };
    throw error;
  }
  if (result === undefined) return { kind: 'console', options: globals(program) };
  return result;
}

function declareProgram(write: (text: string) => void): Command {
  const program = new Command('nixdeck');
  program
    .description('A keyboard console for a NixOS flake fleet; with a command, the same data for scripts.')
    .usage('[options] [command]')
    .enablePositionalOptions()
    .configureOutput({ writeOut: write, writeErr: write, outputError: () => {} })
    .configureHelp({ sortSubcommands: false })
    .version(VERSION, '-V, --version', 'the version')
    .helpOption('-h, --help', 'this text')
    .helpCommand(false)
    .addHelpText('after', '\nWithout a command: the console. "nixdeck COMMAND --help" tells more of a command.\nExit status: 0 ok, 1 the operation failed, 2 bad usage.');
  withGlobalOptions(program);
  exitsBy(program);
  return program;
}

/** The commands that run something (not the ones that only group subcommands, like `config`). */
function leaves(parent: Command): Command[] {
  return parent.commands.flatMap((command) => (command.commands.length === 0 ? [command] : leaves(command)));
}
