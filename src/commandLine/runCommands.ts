// The commands of rebuild runs: start them, list them, read their logs.
import type { Command } from 'commander';
import type { Settle } from './declaring.js';
import { globals, sub } from './declaring.js';

export function declareRebuild(parent: Command, settle: Settle): void {
  sub(parent, 'rebuild', 'nixos-rebuild a host (or several at once), with a progress line per event of note')
    .argument('<HOST...>', 'the host; several: each its own run, a line per host as its phase changes, a table at the end')
    .option('--action <A>', 'build, dry-build, test, switch, boot or dry-activate (default: build)')
    .option('--confirm-timeout <S>', 'another host: seconds it waits for proof that it still takes new SSH connections before it rolls back by itself (switch, test; 0 = off; default: the preference, else 30)')
    .option('--build-host <H>', 'another host: build on this ssh destination instead of here (default: the hosts.<name>.buildHost preference)')
    .option('--parallel <N>', 'several hosts: at most N at once (default: the parallel preference, else 3)')
    .action((hosts: string[], opts: { action?: string; confirmTimeout?: string; buildHost?: string; parallel?: string }, command: Command) => {
      settle({
        kind: 'rebuild',
        options: globals(command),
        host: hosts[0] ?? '',
        hosts,
        ...(opts.action !== undefined ? { action: opts.action } : {}),
        ...(opts.confirmTimeout !== undefined ? { confirmTimeout: opts.confirmTimeout } : {}),
        ...(opts.buildHost !== undefined ? { buildHost: opts.buildHost } : {}),
        ...(opts.parallel !== undefined ? { parallel: opts.parallel } : {}),
      });
    });
}

export function declareRuns(parent: Command, settle: Settle): void {
  sub(parent, 'runs', 'rebuild runs, going and finished')
    .option('--host <H>', "only this host's runs")
    .option('--json', 'print JSON for scripts')
    .action((opts: { host?: string; json?: boolean }, command: Command) => {
      settle({ kind: 'runs', options: globals(command), json: Boolean(opts.json), ...(opts.host ? { host: opts.host } : {}) });
    });
}

export function declareLog(parent: Command, settle: Settle): void {
  sub(parent, 'log', "a run's saved log, or its summary")
    .argument('<RUN>', 'a run id, a unique start of one, or "last"')
    .option('--summary', 'the parsed outcome instead of the log')
    .option('--json', 'with --summary: print JSON for scripts')
    .action((run: string, opts: { summary?: boolean; json?: boolean }, command: Command) => {
      settle({ kind: 'log', options: globals(command), run, summary: Boolean(opts.summary), json: Boolean(opts.json) });
    });
}
