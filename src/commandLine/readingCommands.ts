// The commands that only read: the same data the console shows, for scripts.
import type { Command } from 'commander';
import { UsageError } from '../args.js';
import type { Settle } from './declaring.js';
import { commandPath, globals, sub } from './declaring.js';

export function declareHosts(parent: Command, settle: Settle): void {
  sub(parent, 'hosts', 'hosts of the flake (folders and nixosConfigurations)')
    .option('--json', 'print JSON for scripts')
    .action((opts: { json?: boolean }, command: Command) => {
      settle({ kind: 'hosts', options: globals(command), json: Boolean(opts.json) });
    });
}

export function declareGenerations(parent: Command, settle: Settle): void {
  sub(parent, 'generations', "a host's system generations, newest first")
    .argument('[HOST]', 'the host (default: this machine)')
    .option('--json', 'print JSON for scripts')
    .action((host: string | undefined, opts: { json?: boolean }, command: Command) => {
      settle({ kind: 'generations', options: globals(command), json: Boolean(opts.json), ...(host !== undefined ? { host } : {}) });
    });
}

export function declareTodos(parent: Command, settle: Settle): void {
  sub(parent, 'todos', 'the todos of the todo file')
    .option('--json', 'print JSON for scripts')
    .action((opts: { json?: boolean }, command: Command) => {
      settle({ kind: 'todos', options: globals(command), json: Boolean(opts.json) });
    });
}

export function declareDiff(parent: Command, settle: Settle): void {
  sub(parent, 'diff', '[HOST] A B: what changes from generation A to generation B')
    .usage('[HOST] A B [options]')
    .argument('<generations...>', '[HOST] A B: two generation numbers, after the host (default: this machine)')
    .option('--json', 'print JSON for scripts')
    .action((words: string[], opts: { json?: boolean }, command: Command) => {
      if (words.length !== 2 && words.length !== 3) throw new UsageError('diff takes [HOST] A B (two generation numbers)', commandPath(command));
      const [first = '', second = '', third] = words;
      const common = { options: globals(command), json: Boolean(opts.json) };
      settle(third === undefined ? { kind: 'diff', ...common, from: first, to: second } : { kind: 'diff', ...common, host: first, from: second, to: third });
    });
}

export function declareStatus(parent: Command, settle: Settle): void {
  sub(parent, 'status', 'every host at a glance: reachable, running generation, reboot needed, drift from the flake, failed units')
    .argument('[HOST...]', 'only these hosts (default: every host of the flake)')
    .option('--json', 'print JSON for scripts')
    .addHelpText('after', '\nExit status: 0 every host was read, 1 a host could not be read (named on stderr), 2 bad usage or an unknown host.')
    .action((hosts: string[], opts: { json?: boolean }, command: Command) => {
      settle({ kind: 'status', options: globals(command), hosts, json: Boolean(opts.json) });
    });
}

export function declareInputs(parent: Command, settle: Settle): void {
  sub(parent, 'inputs', "the flake's inputs from flake.lock: source, branch, locked revision, age, release support")
    .option('--json', 'print JSON for scripts')
    .action((opts: { json?: boolean }, command: Command) => {
      settle({ kind: 'inputs', options: globals(command), json: Boolean(opts.json) });
    });
}
