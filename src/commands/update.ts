// `nixdeck update [INPUT...] [--revert [RUN]]`: update flake.lock as a detached run, follow its log
// here, then show what changed per input. Nothing is committed.
import type { InputChange } from '../core/repo.js';
import type { Environment } from '../system/context.js';
import { checkUpdateInputs, type FlakeUpdateSetup, revertFlakeUpdate, startFlakeUpdate, updateOutcome } from '../system/flakeUpdate.js';
import { type Io } from './io.js';
import { followHere, startedLine } from './rebuild.js';
import { table } from './table.js';

export const NOTHING_COMMITTED = 'Nothing committed: review with `git diff flake.lock`; build the hosts before you commit.';

function day(seconds: number | null): string {
  return seconds === null ? '?' : new Date(seconds * 1000).toISOString().slice(0, 10);
}

function pin(rev: string | null, lastModified: number | null): string {
  return `${rev === null ? '-' : rev.slice(0, 7)} ${day(lastModified)}`;
}

/** `INPUT  OLD  NEW  GAINED` rows, one per changed input. */
export function changeTable(changes: readonly InputChange[]): string[] {
  const rows = changes.map((c) => [
    c.name,
    c.kind === 'added' ? '(added)' : pin(c.oldRev, c.oldLastModified),
    c.kind === 'removed' ? '(removed)' : pin(c.newRev, c.newLastModified),
    c.daysGained === null ? '' : `${c.daysGained >= 0 ? '+' : ''}${c.daysGained} day${Math.abs(c.daysGained) === 1 ? '' : 's'}`,
  ]);
  return table([['INPUT', 'OLD', 'NEW', 'GAINED'], ...rows]);
}

function failed(io: Io, failure: { error: string; hint?: string }): void {
  io.err(`error: ${failure.error}`);
  if (failure.hint) io.err(`hint: ${failure.hint}`);
}

export async function updateCommand(env: Environment, io: Io, inputs: readonly string[], revert?: string): Promise<number> {
  if (env.rebuild.ephemeral && !env.updateCommand) {
    io.err('error: the demo has no stand-in for nix flake update');
    return 1;
  }
  const setup: FlakeUpdateSetup = {
    stateDir: env.rebuild.stateDir,
    flakeDir: env.flakeDir,
    supervisor: env.rebuild.supervisor,
    ...(env.updateCommand ? { command: env.updateCommand } : {}),
  };
  if (revert !== undefined) return revertCommand(setup, io, revert);

  const checked = await checkUpdateInputs(env.flakeDir, inputs);
  if (!checked.ok) {
    failed(io, checked);
    return 2;
  }
  const started = await startFlakeUpdate(setup, checked.value);
  if (!started.ok) {
    failed(io, started);
    return 1;
  }
  const run = started.value;
  const what = checked.value.length === 0 ? 'update every input of flake.lock' : `update ${checked.value.join(', ')} in flake.lock`;
  io.err(startedLine(env.rebuild, run.id, what));
  const code = await followHere(env.rebuild, run, io, { echoLog: true });
  const outcome = await updateOutcome(setup, run.id);
  if (!outcome.ok) {
    failed(io, outcome);
    return 1;
  }
  const { changes, revertible } = outcome.value;
  if (changes.length === 0) io.out('flake.lock unchanged');
  else for (const line of changeTable(changes)) io.out(line);
  // the demo's runs go with its folder when this command ends
  if (revertible && !env.rebuild.ephemeral) io.out(`put it back: nixdeck update --revert ${run.id}`);
  io.out(NOTHING_COMMITTED);
  return code === 0 ? 0 : 1;
}

async function revertCommand(setup: FlakeUpdateSetup, io: Io, run: string): Promise<number> {
  const reverted = await revertFlakeUpdate(setup, run);
  if (!reverted.ok) {
    failed(io, reverted);
    return 1;
  }
  const { runId, keptAt, lockPath } = reverted.value;
  if (keptAt === null) {
    io.out(`${lockPath} is already as it was before update ${runId}: nothing to do`);
    return 0;
  }
  io.out(`${lockPath} is back as it was before update ${runId}`);
  io.out(`the flake.lock it replaced is kept in ${keptAt}`);
  io.out('Nothing committed: review with `git diff flake.lock`.');
  return 0;
}
