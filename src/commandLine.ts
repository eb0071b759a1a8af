// The subcommands' parser: each command has its own options and generated help. Loaded only
// when there is a subcommand (or help, or a mistake): the plain console start never pays for it.
import { Command, CommanderError } from 'commander';
import type { GlobalOptions, Invocation } from './args.js';
import { UsageError } from './args.js';
import { VERSION } from './version.js';

interface GlobalFlags {
  flake?: string;
  root?: string;
  file?: string;
  demo?: boolean;
  ascii?: boolean;
}

/** Parse `argv` (the arguments after the program name); help and version are `print` results. */
export function parseCommandLine(argv: readonly string[]): Invocation {
  let printed = '';
  let result: Invocation | undefined;
  const program = new Command('nixdeck');
  program
    .description('A keyboard console for a NixOS flake fleet; with a command, the same data for scripts.')
    .usage('[options] [command]')
    .enablePositionalOptions()
    .configureOutput({ writeOut: (text) => void (printed += text), writeErr: (text) => void (printed += text), outputError: () => {} })
    .configureHelp({ sortSubcommands: false })
    .version(VERSION, '-V, --version', 'the version')
    .helpOption('-h, --help', 'this text')
    .helpCommand(false)
    .addHelpText('after', '\nWithout a command: the console. "nixdeck COMMAND --help" tells more of a command.\nExit status: 0 ok, 1 the operation failed, 2 bad usage.');
  withGlobalOptions(program);
  exitsBy(program);

  const globals = (command: Command): GlobalOptions => mergeGlobals(program.opts<GlobalFlags>(), command.opts<GlobalFlags>(), command);

  sub(program, 'hosts', 'hosts of the flake (folders and nixosConfigurations)')
    .option('--json', 'print JSON for scripts')
    .action((opts: { json?: boolean }, command: Command) => {
      result = { kind: 'hosts', options: globals(command), json: Boolean(opts.json) };
    });

  sub(program, 'generations', "a host's system generations, newest first")
    .argument('[HOST]', 'the host (default: this machine)')
    .option('--json', 'print JSON for scripts')
    .action((host: string | undefined, opts: { json?: boolean }, command: Command) => {
      result = { kind: 'generations', options: globals(command), json: Boolean(opts.json), ...(host !== undefined ? { host } : {}) };
    });

  sub(program, 'todos', 'the todos of the todo file')
    .option('--json', 'print JSON for scripts')
    .action((opts: { json?: boolean }, command: Command) => {
      result = { kind: 'todos', options: globals(command), json: Boolean(opts.json) };
    });

  sub(program, 'todo', 'tick (done) or untick (undo) one todo')
    .usage('done|undo ID|PREFIX|TEXT [options]')
    .argument('<done|undo>', 'done ticks, undo unticks')
    .argument('<todo...>', 'an id, a unique id prefix (4+ hex digits), or text matching one todo')
    .action((verb: string, words: string[], _opts: unknown, command: Command) => {
      if (verb !== 'done' && verb !== 'undo') throw new UsageError('todo takes done or undo, then an id or some text of the todo', commandPath(command));
      const query = words.join(' ');
      if (query.trim() === '') throw new UsageError(`todo ${verb} needs an id or some text of the todo`, commandPath(command));
      result = { kind: 'todo', options: globals(command), done: verb === 'done', query };
    });

  sub(program, 'rebuild', 'nixos-rebuild a host (or several at once), with a progress line per event of note')
    .argument('<HOST...>', 'the host; several: each its own run, a line per host as its phase changes, a table at the end')
    .option('--action <A>', 'build, dry-build, test, switch, boot or dry-activate (default: build)')
    .option('--confirm-timeout <S>', 'another host: seconds it waits for proof that it still takes new SSH connections before it rolls back by itself (switch, test; 0 = off; default: the preference, else 30)')
    .option('--build-host <H>', 'another host: build on this ssh destination instead of here (default: the hosts.<name>.buildHost preference)')
    .option('--parallel <N>', 'several hosts: at most N at once (default: the parallel preference, else 3)')
    .action((hosts: string[], opts: { action?: string; confirmTimeout?: string; buildHost?: string; parallel?: string }, command: Command) => {
      result = {
        kind: 'rebuild',
        options: globals(command),
        host: hosts[0] ?? '',
        hosts,
        ...(opts.action !== undefined ? { action: opts.action } : {}),
        ...(opts.confirmTimeout !== undefined ? { confirmTimeout: opts.confirmTimeout } : {}),
        ...(opts.buildHost !== undefined ? { buildHost: opts.buildHost } : {}),
        ...(opts.parallel !== undefined ? { parallel: opts.parallel } : {}),
      };
    });

  sub(program, 'runs', 'rebuild runs, going and finished')
    .option('--host <H>', "only this host's runs")
    .option('--json', 'print JSON for scripts')
    .action((opts: { host?: string; json?: boolean }, command: Command) => {
      result = { kind: 'runs', options: globals(command), json: Boolean(opts.json), ...(opts.host ? { host: opts.host } : {}) };
    });

  sub(program, 'log', "a run's saved log, or its summary")
    .argument('<RUN>', 'a run id, a unique start of one, or "last"')
    .option('--summary', 'the parsed outcome instead of the log')
    .option('--json', 'with --summary: print JSON for scripts')
    .action((run: string, opts: { summary?: boolean; json?: boolean }, command: Command) => {
      result = { kind: 'log', options: globals(command), run, summary: Boolean(opts.summary), json: Boolean(opts.json) };
    });

  sub(program, 'diff', '[HOST] A B: what changes from generation A to generation B')
    .usage('[HOST] A B [options]')
    .argument('<generations...>', '[HOST] A B: two generation numbers, after the host (default: this machine)')
    .option('--json', 'print JSON for scripts')
    .action((words: string[], opts: { json?: boolean }, command: Command) => {
      if (words.length !== 2 && words.length !== 3) throw new UsageError('diff takes [HOST] A B (two generation numbers)', commandPath(command));
      const [first = '', second = '', third] = words;
      const common = { options: globals(command), json: Boolean(opts.json) };
      result = third === undefined ? { kind: 'diff', ...common, from: first, to: second } : { kind: 'diff', ...common, host: first, from: second, to: third };
    });

  sub(program, 'status', 'every host at a glance: reachable, running generation, reboot needed, drift from the flake, failed units')
    .argument('[HOST...]', 'only these hosts (default: every host of the flake)')
    .option('--json', 'print JSON for scripts')
    .addHelpText('after', '\nExit status: 0 every host was read, 1 a host could not be read (named on stderr), 2 bad usage or an unknown host.')
    .action((hosts: string[], opts: { json?: boolean }, command: Command) => {
      result = { kind: 'status', options: globals(command), hosts, json: Boolean(opts.json) };
    });

  sub(program, 'inputs', "the flake's inputs from flake.lock: source, branch, locked revision, age, release support")
    .option('--json', 'print JSON for scripts')
    .action((opts: { json?: boolean }, command: Command) => {
      result = { kind: 'inputs', options: globals(command), json: Boolean(opts.json) };
    });

  sub(program, 'update', "update flake.lock (every input, or the ones named) as a run, then show what changed; never commits")
    .argument('[INPUT...]', 'the inputs to update (default: all of them)')
    .option('--revert [RUN]', 'put flake.lock back as it was before the last update run (or that run)')
    .addHelpText('after', '\nThe run is detached like a rebuild (nixdeck runs, nixdeck log RUN); its host is "flake.lock".\nExit status: 0 ok, 1 the update or the revert failed, 2 bad usage or an unknown input.')
    .action((inputs: string[], opts: { revert?: string | boolean }, command: Command) => {
      if (opts.revert !== undefined && inputs.length > 0) throw new UsageError('update --revert takes no input names: it puts back the whole flake.lock', commandPath(command));
      result = { kind: 'update', options: globals(command), inputs, ...(opts.revert !== undefined ? { revert: opts.revert === true ? 'last' : String(opts.revert) } : {}) };
    });

  sub(program, 'rollback', 'switch to another generation (default: the previous one)')
    .argument('[HOST]', 'the host (default: this machine)')
    .option('--to <N>', 'the generation to switch to')
    .option('--action <A>', 'switch, boot or test (default: switch)')
    .option('--confirm-timeout <S>', 'another host: seconds it waits for proof that it still takes new SSH connections before it rolls back by itself (switch, test; 0 = off)')
    .option('--yes', 'act without asking (needed when not on a terminal)')
    .action((host: string | undefined, opts: { to?: string; action?: string; confirmTimeout?: string; yes?: boolean }, command: Command) => {
      result = {
        kind: 'rollback',
        options: globals(command),
        ...(host !== undefined ? { host } : {}),
        ...(opts.to !== undefined ? { to: opts.to } : {}),
        ...(opts.action !== undefined ? { action: opts.action } : {}),
        ...(opts.confirmTimeout !== undefined ? { confirmTimeout: opts.confirmTimeout } : {}),
        yes: Boolean(opts.yes),
      };
    });

  sub(program, 'prune', 'delete generations by a keep policy')
    .argument('[HOST]', 'the host (default: this machine)')
    .option('--keep <N>', 'keep the newest N generations')
    .option('--keep-days <D>', 'keep generations newer than D days')
    .option('--pin <G>', 'never delete generation G (repeatable, or comma-separated)', (value: string, previous: string[]) => [...previous, value], [] as string[])
    .option('--dry-run', 'show what would go and stay, change nothing')
    .option('--yes', 'act without asking (needed when not on a terminal)')
    .option('--json', 'print JSON for scripts')
    .action((host: string | undefined, opts: { keep?: string; keepDays?: string; pin: string[]; dryRun?: boolean; yes?: boolean; json?: boolean }, command: Command) => {
      result = {
        kind: 'prune',
        options: globals(command),
        ...(host !== undefined ? { host } : {}),
        ...(opts.keep !== undefined ? { keep: opts.keep } : {}),
        ...(opts.keepDays !== undefined ? { keepDays: opts.keepDays } : {}),
        pin: opts.pin,
        dryRun: Boolean(opts.dryRun),
        yes: Boolean(opts.yes),
        json: Boolean(opts.json),
      };
    });

  sub(program, 'gc', 'collect garbage: the store paths no generation or GC root uses')
    .option('--dry-run', 'count what would go, change nothing')
    .option('--yes', 'act without asking (needed when not on a terminal)')
    .action((opts: { dryRun?: boolean; yes?: boolean }, command: Command) => {
      result = { kind: 'gc', options: globals(command), dryRun: Boolean(opts.dryRun), yes: Boolean(opts.yes) };
    });

  const config = sub(program, 'config', 'preferences: list, path, get, set, unset').enablePositionalOptions();
  sub(config, 'list', 'every preference, its value and what it does').action((_opts: unknown, command: Command) => {
      result = { kind: 'config', options: globals(command), action: 'list' };
    });
  sub(config, 'path', 'where the preferences are stored').action((_opts: unknown, command: Command) => {
      result = { kind: 'config', options: globals(command), action: 'path' };
    });
  sub(config, 'get', 'one preference')
    .argument('<KEY>')
    .action((key: string, _opts: unknown, command: Command) => {
      result = { kind: 'config', options: globals(command), action: 'get', key };
    });
  sub(config, 'unset', 'back to the default')
    .argument('<KEY>')
    .action((key: string, _opts: unknown, command: Command) => {
      result = { kind: 'config', options: globals(command), action: 'unset', key };
    });
  // the value is taken as it is, even when it starts with a dash (`config set rebuildFlags "--show-trace -L"`)
  sub(config, 'set', 'set one preference; a VALUE may start with a dash')
    .usage('[options] KEY [--] VALUE')
    .passThroughOptions()
    .argument('<KEY>')
    .argument('<VALUE>', 'taken as it is, even when it starts with a dash')
    .allowExcessArguments()
    .action((key: string, _value: string, _opts: unknown, command: Command) => {
      const words = command.args.slice(1);
      const value = words[0] === '--' ? words.slice(1) : words;
      if (value.length !== 1 || value[0] === undefined) throw new UsageError('config set takes KEY VALUE (quote a VALUE with spaces)', commandPath(command));
      result = { kind: 'config', options: globals(command), action: 'set', key, value: value[0] };
    });

  // after each command's own options, so that its help lists those first
  for (const command of [...program.commands, ...config.commands]) if (command.commands.length === 0) withGlobalOptions(command);
  try {
    program.parse([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError && error.exitCode === 0) return { kind: 'print', text: printed.trimEnd() };
    throw error;
  }
  if (result === undefined) return { kind: 'console', options: globals(program) };
  return result;
}

function sub(parent: Command, name: string, description: string): Command {
  const command = parent.command(name).description(description).helpOption('-h, --help', 'this text').helpCommand(false);
  exitsBy(command);
  return command;
}

function withGlobalOptions(command: Command): void {
  command
    .option('--flake <DIR>', 'the flake folder (default: preference, else ./ if it holds flake.nix, else /etc/nixos)')
    .option('--root <DIR>', 'read /nix/var/nix/profiles, /run and /etc under DIR instead of /')
    .option('--file <PATH>', 'the todo file (default: preference, else PROJECT.md in the flake folder)')
    .option('--demo', 'use a sample fleet built in a temporary folder (no Nix needed)')
    .option('--ascii', 'draw borders with ASCII characters');
}

/** Nothing calls process.exit: a mistake becomes a UsageError naming its command, help and version a print. */
function exitsBy(command: Command): void {
  command.exitOverride((error) => {
    if (error.exitCode === 0) throw error;
    // `config` with no subcommand shows its help as an error: say what it takes instead
    if (error.code === 'commander.help') throw new UsageError(`${command.name()} takes ${command.commands.map((c) => c.name()).join(', ')}`, commandPath(command));
    throw new UsageError(error.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' '), commandPath(command));
  });
}

function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c !== null; c = c.parent) names.unshift(c.name());
  return names.join(' ');
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
