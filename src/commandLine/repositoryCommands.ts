// The commands that change files of the flake repository: the todo file and flake.lock.
import type { Command } from 'commander';
import { UsageError } from '../args.js';
import type { Settle } from './declaring.js';
import { commandPath, globals, sub } from './declaring.js';

export function declareTodo(parent: Command, settle: Settle): void {
  sub(parent, 'todo', 'tick (done) or untick (undo) one todo')
    .usage('done|undo ID|PREFIX|TEXT [options]')
    .argument('<done|undo>', 'done ticks, undo unticks')
    .argument('<todo...>', 'an id, a unique id prefix (4+ hex digits), or text matching one todo')
    .action((verb: string, words: string[], _opts: unknown, command: Command) => {
      if (verb !== 'done' && verb !== 'undo') throw new UsageError('todo takes done or undo, then an id or some text of the todo', commandPath(command));
      const query = words.join(' ');
      if (query.trim() === '') throw new UsageError(`todo ${verb} needs an id or some text of the todo`, commandPath(command));
      settle({ kind: 'todo', options: globals(command), done: verb === 'done', query });
    });
}

export function declareUpdate(parent: Command, settle: Settle): void {
  sub(parent, 'update', "update flake.lock (every input, or the ones named) as a run, then show what changed; never commits")
    .argument('[INPUT...]', 'the inputs to update (default: all of them)')
    .option('--revert [RUN]', 'put flake.lock back as it was before the last update run (or that run)')
    .addHelpText('after', '\nThe run is detached like a rebuild (nixdeck runs, nixdeck log RUN); its host is "flake.lock".\nExit status: 0 ok, 1 the update or the revert failed, 2 bad usage or an unknown input.')
    .action((inputs: string[], opts: { revert?: string | boolean }, command: Command) => {
      if (opts.revert !== undefined && inputs.length > 0) throw new UsageError('update --revert takes no input names: it puts back the whole flake.lock', commandPath(command));
      settle({ kind: 'update', options: globals(command), inputs, ...(opts.revert !== undefined ? { revert: opts.revert === true ? 'last' : String(opts.revert) } : {}) });
    });
}
