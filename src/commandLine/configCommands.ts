// `config` and its subcommands: the preferences.
import type { Command } from 'commander';
import { UsageError } from '../args.js';
import type { Settle } from './declaring.js';
import { commandPath, globals, sub } from './declaring.js';

export function declareConfig(parent: Command, settle: Settle): void {
  const config = sub(parent, 'config', 'preferences: list, path, get, set, unset').enablePositionalOptions();
  sub(config, 'list', 'every preference, its value and what it does').action((_opts: unknown, command: Command) => {
    settle({ kind: 'config', options: globals(command), action: 'list' });
  });
  sub(config, 'path', 'where the preferences are stored').action((_opts: unknown, command: Command) => {
    settle({ kind: 'config', options: globals(command), action: 'path' });
  });
  sub(config, 'get', 'one preference')
    .argument('<KEY>')
    .action((key: string, _opts: unknown, command: Command) => {
      settle({ kind: 'config', options: globals(command), action: 'get', key });
    });
  sub(config, 'unset', 'back to the default')
    .argument('<KEY>')
    .action((key: string, _opts: unknown, command: Command) => {
      settle({ kind: 'config', options: globals(command), action: 'unset', key });
    });
  declareConfigSet(config, settle);
}

// the value is taken as it is, even when it starts with a dash (`config set rebuildFlags "--show-trace -L"`)
function declareConfigSet(config: Command, settle: Settle): void {
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
      settle({ kind: 'config', options: globals(command), action: 'set', key, value: value[0] });
    });
}
