// The commands that change a host's generations or its store: rollback, prune, gc.
import type { Command } from 'commander';
import type { Settle } from './declaring.js';
import { globals, sub } from './declaring.js';

export function declareRollback(parent: Command, settle: Settle): void {
  sub(parent, 'rollback', 'switch to another generation (default: the previous one)')
    .argument('[HOST]', 'the host (default: this machine)')
    .option('--to <N>', 'the generation to switch to')
    .option('--action <A>', 'switch, boot or test (default: switch)')
    .option('--confirm-timeout <S>', 'another host: seconds it waits for proof that it still takes new SSH connections before it rolls back by itself (switch, test; 0 = off)')
    .option('--yes', 'act without asking (needed when not on a terminal)')
    .action((host: string | undefined, opts: { to?: string; action?: string; confirmTimeout?: string; yes?: boolean }, command: Command) => {
      settle({
        kind: 'rollback',
        options: globals(command),
        ...(host !== undefined ? { host } : {}),
        ...(opts.to !== undefined ? { to: opts.to } : {}),
        ...(opts.action !== undefined ? { action: opts.action } : {}),
        ...(opts.confirmTimeout !== undefined ? { confirmTimeout: opts.confirmTimeout } : {}),
        yes: Boolean(opts.yes),
      });
    });
}

export function declarePrune(parent: Command, settle: Settle): void {
  sub(parent, 'prune', 'delete generations by a keep policy')
    .argument('[HOST]', 'the host (default: this machine)')
    .option('--keep <N>', 'keep the newest N generations')
    .option('--keep-days <D>', 'keep generations newer than D days')
    .option('--pin <G>', 'never delete generation G (repeatable, or comma-separated)', (value: string, previous: string[]) => [...previous, value], [] as string[])
    .option('--dry-run', 'show what would go and stay, change nothing')
    .option('--yes', 'act without asking (needed when not on a terminal)')
    .option('--json', 'print JSON for scripts')
    .action((host: string | undefined, opts: { keep?: string; keepDays?: string; pin: string[]; dryRun?: boolean; yes?: boolean; json?: boolean }, command: Command) => {
      settle({
        kind: 'prune',
        options: globals(command),
        ...(host !== undefined ? { host } : {}),
        ...(opts.keep !== undefined ? { keep: opts.keep } : {}),
        ...(opts.keepDays !== undefined ? { keepDays: opts.keepDays } : {}),
        pin: opts.pin,
        dryRun: Boolean(opts.dryRun),
        yes: Boolean(opts.yes),
        json: Boolean(opts.json),
      });
    });
}

export function declareGc(parent: Command, settle: Settle): void {
  sub(parent, 'gc', 'collect garbage: the store paths no generation or GC root uses')
    .option('--dry-run', 'count what would go, change nothing')
    .option('--yes', 'act without asking (needed when not on a terminal)')
    .action((opts: { dryRun?: boolean; yes?: boolean }, command: Command) => {
      settle({ kind: 'gc', options: globals(command), dryRun: Boolean(opts.dryRun), yes: Boolean(opts.yes) });
    });
}
