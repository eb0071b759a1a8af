// `nixdeck rebuild H1 H2 … --action A [--parallel N]`: every host its own detached run (its own
// log and run id, in `nixdeck runs` and the console), at most N at once. The names are checked
// before anything starts; then each host is made ready (a remote one answers, its sudo password
// is asked once when it needs one), the runs start, one line per host says each phase and the
// result, and a table closes. Exit 0 all ok, 4 none failed but some partial, 1 some failed
// (named on stderr), 130 interrupted. One host goes the single-host way, with its output.
import { type DeployProgress, type DeployResult, resultLabel, resultWords } from '../core/deployProgress.js';
import { type DeployOptions, type DeployPhase, deployOptionsOf } from '../core/deployPlan.js';
import { visibleText } from '../core/displayText.js';
import { isValidHostName } from '../core/hosts.js';
import { mapLimit } from '../core/limit.js';
import { isRebuildAction, type RebuildAction } from '../core/rebuildCommand.js';
import { formatDuration } from '../core/runSummary.js';
import type { Environment } from '../system/context.js';
import type { Io } from './io.js';
import { rebuildCommand, type RebuildOptions } from './rebuild.js';
import { table } from './table.js';

export const MAX_PARALLEL = 64;
export const DEFAULT_PARALLEL = 3;
const INTERRUPTED_EXIT = 130;

export interface ManyOptions extends RebuildOptions {
  /** --parallel N */
  parallel?: string;
}

/** A started run of one host. */
export interface StartedRun {
  id: string;
  /** follow it to its end; `onProgress` on every change of its phase, result or countdown */
  follow(onProgress: (progress: DeployProgress) => void): Promise<DeployProgress & { result: DeployResult }>;
  /** ask it to stop (as `x` in the console does); it ends as cancelled */
  cancel(): Promise<void>;
}

/** A host ready to start: what it needs asked first, and how it starts. */
export interface Prepared {
  /** sudo wants a password (for this host's activation, here or on the host) */
  needsPassword: boolean;
  /** said before the runs start (whether the automatic rollback covers it) */
  notes: string[];
  start(password?: string): Promise<StartedRun>;
}

/** What the command reads and starts through: the real wiring (rebuildManyWiring.ts) or a test's fakes. */
export interface ManyDeps {
  /** the names of the flake's hosts; `problem` when the flake did not evaluate */
  knownHosts(): Promise<{ names: string[]; problem: string | null }>;
  /** the `parallel` preference, else the default */
  parallelPreference(): number;
  /** why `action` cannot run for this host at all (before anything starts), or null */
  refusal(host: string, action: RebuildAction): string | null;
  /** whether `action` on this host is a deploy over SSH (it takes --confirm-timeout, --build-host) */
  isRemote(host: string, action: RebuildAction): boolean;
  /** what the line about a started run says besides its id (how to follow it) */
  runNote(id: string): string;
  /** make the host ready: a remote one must answer; never throws */
  prepare(host: string, action: RebuildAction, options: { confirmTimeout?: number; buildHost?: string }): Promise<Prepared | { error: string }>;
  now(): number;
}

/** --parallel: whole hosts from 1 to MAX_PARALLEL. */
export function parseParallel(text: string): number | null {
  if (!/^\d{1,3}$/.test(text)) return null;
  const n = Number(text);
  return n >= 1 && n <= MAX_PARALLEL ? n : null;
}

/** `rebuild HOST… --action A`: one host the single way (its output as it always was), several at once. */
export async function rebuildHostsCommand(env: Environment, io: Io, hosts: readonly string[], actionName = 'build', options: ManyOptions = {}): Promise<number> {
  const { parallel, ...single } = options;
  if (parallel !== undefined && parseParallel(parallel) === null) {
    io.err(`error: --parallel takes a whole number of hosts from 1 to ${MAX_PARALLEL}, not "${visibleText(parallel)}"`);
    return 2;
  }
  const [first] = hosts;
  if (hosts.length === 1 && first !== undefined) return rebuildCommand(env, io, first, actionName, single);
  const { manyDeps } = await import('./rebuildManyWiring.js');
  return rebuildManyCommand(io, hosts, actionName, options, manyDeps(env));
}

interface Row {
  host: string;
  phase: DeployPhase | null;
  result: DeployResult | null;
  runId: string | null;
  startedAt: number | null;
  endedAt: number | null;
}

/** A host made ready, with the password its sudo asked for (dropped once its run starts). */
interface Ready {
  row: Row;
  prepared: Prepared;
  password?: string;
}

/** What the checks let through. */
interface Plan {
  /** at most this many hosts at once */
  limit: number;
  action: RebuildAction;
  deploy: DeployOptions;
}

export async function rebuildManyCommand(io: Io, hosts: readonly string[], actionName: string, options: ManyOptions, deps: ManyDeps): Promise<number> {
  const plan = await checkPlan(io, hosts, actionName, options, deps);
  if (typeof plan === 'number') return plan;
  const rows: Row[] = hosts.map((host) => ({ host, phase: null, result: null, runId: null, startedAt: null, endedAt: null }));
  const ready = await prepareHosts(io, rows, plan, deps);
  const interrupted = await runHosts(io, ready, plan.limit, deps);
  return printSummary(io, rows, interrupted);
}

/** Checked before anything starts: the plan, or the exit status (bad usage is 2, a refusal 1). */
async function checkPlan(io: Io, hosts: readonly string[], actionName: string, options: ManyOptions, deps: ManyDeps): Promise<Plan | number> {
  const limit = options.parallel !== undefined ? parseParallel(options.parallel) : deps.parallelPreference();
  if (limit === null) {
    io.err(`error: --parallel takes a whole number of hosts from 1 to ${MAX_PARALLEL}, not "${visibleText(options.parallel ?? '')}"`);
    return 2;
  }
  const badNames = hostNamesError(hosts);
  if (badNames !== null) {
    io.err(badNames);
    return 2;
  }
  if (!isRebuildAction(actionName)) {
    io.err(`error: --action takes build, dry-build, test, switch, boot or dry-activate, not "${visibleText(actionName)}"`);
    return 2;
  }
  const action: RebuildAction = actionName;
  if (!(await allKnown(io, hosts, deps))) return 2;
  const remoteOnes = hosts.filter((h) => deps.isRemote(h, action));
  const checked = deployOptionsOf(options, remoteOnes.length > 0, `${action} on these hosts`);
  if (!checked.ok) {
    io.err(`error: ${checked.error}`);
    return 2;
  }
  const refused = hosts.map((h) => deps.refusal(h, action)).filter((r): r is string => r !== null);
  if (refused.length > 0) {
    for (const r of refused) io.err(`error: ${r}`);
    io.err('nothing was started');
    return 1;
  }
  return { limit, action, deploy: checked.value };
}

/** What is wrong with the list of names (none, not valid, named twice), or null. */
function hostNamesError(hosts: readonly string[]): string | null {
  if (hosts.length === 0) return 'error: rebuild needs at least one host';
  const invalid = hosts.filter((h) => !isValidHostName(h));
  if (invalid.length > 0) {
    return `error: ${invalid.map((h) => `"${visibleText(h)}"`).join(', ')} ${invalid.length === 1 ? 'is not a valid host name' : 'are not valid host names'} (letters, digits, '.', '_' and '-')`;
  }
  const twice = hosts.filter((h, i) => hosts.indexOf(h) !== i);
  if (twice.length > 0) return `error: ${[...new Set(twice)].join(', ')} named more than once; name each host once`;
  return null;
}

/** Whether every host is one of the flake's; says which are not. */
async function allKnown(io: Io, hosts: readonly string[], deps: ManyDeps): Promise<boolean> {
  const known = await deps.knownHosts();
  const unknown = hosts.filter((h) => !known.names.includes(h));
  if (unknown.length === 0) return true;
  io.err(`error: no host named ${unknown.map((n) => `"${n}"`).join(', ')}; ${known.names.length > 0 ? `the hosts are: ${known.names.join(', ')}` : 'the flake has no hosts'}`);
  if (known.problem !== null) io.err(`(the flake did not evaluate: ${visibleText(known.problem)})`);
  return false;
}

/** The row's result, said on its line. */
function settle(io: Io, row: Row, result: DeployResult): void {
  row.result = result;
  io.out(`${row.host}: ${resultWords(result)}`);
}

/** Remote hosts answer (at once, up to the limit), passwords are asked one host at a time; a host that is not ready fails. */
async function prepareHosts(io: Io, rows: Row[], plan: Plan, deps: ManyDeps): Promise<Ready[]> {
  const prepared = await mapLimit(
    rows.map((row) => row.host),
    plan.limit,
    (host) => deps.prepare(host, plan.action, plan.deploy),
  );
  const ready: Ready[] = [];
  for (const [i, row] of rows.entries()) {
    const p = prepared[i];
    if (p === undefined || 'error' in p) {
      settle(io, row, { kind: 'failed', reason: p?.error ?? 'not prepared' });
      continue;
    }
    for (const note of p.notes) io.err(note);
    if (!p.needsPassword) {
      ready.push({ row, prepared: p });
      continue;
    }
    if (!io.interactive) {
      settle(io, row, { kind: 'failed', reason: 'sudo needs a password and there is no terminal to ask on (run as root, or on a terminal)' });
      continue;
    }
    ready.push({ row, prepared: p, password: await io.password(`[sudo] password for ${plan.action} on ${row.host}: `) });
  }
  return ready;
}

/** What an interrupt (Ctrl-C) changes for the runs. */
interface RunState {
  interrupted: boolean;
  running: Set<StartedRun>;
}

/** The runs, at most `limit` at once, in the order given; resolves with whether they were interrupted. */
async function runHosts(io: Io, ready: Ready[], limit: number, deps: ManyDeps): Promise<boolean> {
  const state: RunState = { interrupted: false, running: new Set() };
  const stopListening = io.onInterrupt(() => {
    state.interrupted = true;
    const { running } = state;
    io.err(`interrupted: hosts not started yet are left alone; asking ${running.size === 1 ? 'the running one' : `the ${running.size} running ones`} to cancel`);
    for (const run of running) void run.cancel().catch(() => undefined);
  });
  try {
    await mapLimit(ready, limit, (item) => runHost(io, item, deps, state));
  } finally {
    stopListening();
  }
  return state.interrupted;
}

/** One host's run, started and followed to its end, its phases and result said as they come. */
async function runHost(io: Io, item: Ready, deps: ManyDeps, state: RunState): Promise<void> {
  const { row } = item;
  if (state.interrupted) {
    row.result = { kind: 'cancelled', reason: 'not started' };
    return;
  }
  let password = item.password;
  delete item.password;
  row.startedAt = deps.now();
  let run: StartedRun;
  try {
    run = await item.prepared.start(password);
  } catch (error) {
    row.endedAt = deps.now();
    settle(io, row, { kind: 'failed', reason: `could not start: ${error instanceof Error ? error.message : String(error)}` });
    return;
  } finally {
    password = undefined;
  }
  row.runId = run.id;
  io.out(`${row.host}: run ${run.id} (${deps.runNote(run.id)})`);
  state.running.add(run);
  if (state.interrupted) void run.cancel().catch(() => undefined);
  let end: DeployProgress & { result: DeployResult };
  try {
    end = await run.follow((p) => {
      if (p.phase !== null && p.phase !== row.phase) io.out(`${row.host}: ${(row.phase = p.phase)}`);
    });
  } finally {
    state.running.delete(run);
  }
  row.phase = end.phase ?? row.phase;
  row.endedAt = deps.now();
  settle(io, row, end.result);
}

/** The table of all hosts, the failed and partial ones named on stderr; the exit status. */
function printSummary(io: Io, rows: readonly Row[], interrupted: boolean): number {
  io.out('');
  for (const line of table([['HOST', 'RESULT', 'PHASE REACHED', 'RUN ID', 'DURATION'], ...rows.map(cells)])) io.out(line);
  // a rolled-back host says so; the others say why
  const why = (result: DeployResult): string => (result.kind === 'rolled-back' ? resultWords(result) : (result.reason ?? resultLabel(result.kind)));
  const named = (kinds: readonly DeployResult['kind'][]): string[] =>
    rows.flatMap((r) => (r.result !== null && kinds.includes(r.result.kind) ? [`${r.host} (${why(r.result)})`] : []));
  const failed = named(['failed', 'rolled-back', 'cancelled']);
  const partial = named(['partial']);
  if (failed.length > 0) io.err(`failed: ${failed.join(', ')}`);
  if (partial.length > 0) io.err(`partial: ${partial.join(', ')}`);
  if (interrupted) return INTERRUPTED_EXIT;
  if (failed.length > 0) return 1;
  return partial.length > 0 ? 4 : 0;
}

function cells(row: Row): string[] {
  const duration = row.startedAt !== null && row.endedAt !== null ? formatDuration(row.endedAt - row.startedAt) : '';
  return [row.host, row.result ? resultLabel(row.result.kind) : 'not started', row.phase ?? '-', row.runId ?? '-', duration];
}
