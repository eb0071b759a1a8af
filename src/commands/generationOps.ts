// `nixdeck diff`, `nixdeck prune` and `nixdeck rollback`: compare two generations, delete
// generations under a keep policy, switch to another generation, through the same generation
// operations service as the console. This machine only for now (a host other than this one is
// "not reachable yet", as for `generations`); every path is under --root. Nothing destructive
// happens without a confirmation: --yes, or y on a terminal.
import { type ClosureDiff, formatBytes, formatClosureDiff } from '../core/closureDiff.js';
import { generationMarkers, shortDate } from '../core/generations.js';
import {
  type ActivateRequest,
  chooseTarget,
  isActivationAction,
  isAlreadyDone,
  parseGenerationNumber,
  prunePaths,
  requestCommands,
  usableStorePath,
} from '../core/generationOps.js';
import { isValidHostName, mergeHosts } from '../core/hosts.js';
import { type KeepPolicy, planPrune, type PrunePlan } from '../core/keepPolicy.js';
import { pinsOf } from '../core/pins.js';
import { redact } from '../core/redact.js';
import { isNormalAbsolutePath } from '../core/storePath.js';
import type { Generation, GenerationList, Host } from '../core/types.js';
import { createDemoGenerationOps, createGenerationOps, createRemoteGenerationOps } from '../services/generationOps.js';
import type { FreedSpace, GenerationOps } from '../core/generationService.js';
import type { Environment } from '../system/context.js';
import type { CommandRunner } from '../system/exec.js';
import { executorOf } from '../system/executor.js';
import { openPrefs } from '../system/prefs.js';
import { readRun } from '../system/runStore.js';
import { type Io, printJson } from './io.js';
import { table } from './table.js';
import { sudoPassword } from './password.js';
import { followHere, protectionLines, remotePrefs, startedLine } from './rebuild.js';
import { MAX_CONFIRM_TIMEOUT, parseConfirmTimeout } from '../core/deployPlan.js';

export interface OpsDeps {
  runner: CommandRunner;
  /** standard input is a terminal we may ask on */
  interactive: boolean;
  /** ask a yes/no question; default No */
  confirm(question: string): Promise<boolean>;
  now(): number;
  /** the host's generations pinned in the preferences (P in the console); prune keeps them */
  storedPins?(host: string): number[];
  /** the generation operations (default: the console's service, running commands with `runner`) */
  ops?: GenerationOps;
}

function opsOf(env: Environment, deps: OpsDeps): GenerationOps {
  return deps.ops ?? createGenerationOps(env, { executor: executorOf(deps.runner) });
}

/** What the operations need, from the command's Io (fakes in tests may differ). */
export function opsDeps(io: Io): OpsDeps {
  return {
    runner: io.runner,
    interactive: io.interactive,
    confirm: (question) => io.confirm(question),
    now: Date.now,
    storedPins(host) {
      try {
        return pinsOf(openPrefs().get().pins, host);
      } catch {
        return [];
      }
    },
  };
}

type Loaded = { ok: true; host: Host; list: GenerationList; profile: string; ops: GenerationOps } | { ok: false; code: number };

/** The host's generations (this machine under --root), or the exit code after saying why not. */
async function loadGenerations(env: Environment, io: Io, hostName: string | undefined, deps: OpsDeps, confirmTimeout?: number): Promise<Loaded> {
  if (hostName !== undefined && !isValidHostName(hostName)) {
    io.err(`error: "${hostName}" is not a valid host name (letters, digits, '.', '_' and '-')`);
    return { ok: false, code: 2 };
  }
  const name = hostName ?? env.hostname;
  const host: Host = mergeHosts([name], null, env.hostname)[0] ?? { name, sources: [], local: true };
  const result = await env.readGenerations(host);
  if (!result.ok) {
    io.err(`error: ${result.error}${result.hint ? `\n  ${result.hint}` : ''}`);
    return { ok: false, code: 1 };
  }
  let ops: GenerationOps;
  // the demo: its own operations on its folder (its other hosts through its stand-ins)
  if (deps.ops === undefined && env.label === 'demo') ops = createDemoGenerationOps(env);
  else if (deps.ops !== undefined || host.local || !env.remoteHost) ops = opsOf(env, deps);
  else {
    // another host: its own nix over its connection; activation under its supervisor
    const remote = await env.remoteHost(host.name);
    ops = createRemoteGenerationOps(env, { host: host.name, executor: remote.executor, confirmTimeout: confirmTimeout ?? remotePrefs(host.name).confirmTimeout });
  }
  const profile = ops.profile(host.name);
  if (!isNormalAbsolutePath(profile)) {
    io.err(`error: the profile path ${JSON.stringify(profile)} cannot be used (control characters or '..')`);
    return { ok: false, code: 1 };
  }
  return { ok: true, host, list: result.list, profile, ops };
}

/** `3 (2025-07-01 09:15 UTC, NixOS 25.05.20250701.ccccccc, kernel 6.6.32)` */
function describe(g: Generation): string {
  return `${g.generation} (${shortDate(g.date)} UTC, NixOS ${g.nixosVersion}, kernel ${g.kernelVersion})`;
}

function generationJson(g: Generation, closureSize: number | null): Record<string, unknown> {
  return {
    generation: g.generation,
    date: g.date,
    nixosVersion: g.nixosVersion,
    kernelVersion: g.kernelVersion,
    storePath: g.storePath,
    current: g.current,
    running: g.running,
    booted: g.booted,
    closureSize,
  };
}

function diffJson(diff: ClosureDiff): Record<string, unknown> {
  return { packages: diff.packages, counts: diff.counts, kernel: diff.kernel, sizeDeltaBytes: diff.sizeDeltaBytes };
}

// --- diff ----------------------------------------------------------------------------------------

export interface DiffArgs {
  host?: string;
  from: string;
  to: string;
  json: boolean;
}

/** `nixdeck diff [HOST] A B [--json]`: what changes from generation A to generation B. */
export async function diffCommand(env: Environment, io: Io, args: DiffArgs, deps: OpsDeps = opsDeps(io)): Promise<number> {
  const a = parseGenerationNumber(args.from);
  const b = parseGenerationNumber(args.to);
  for (const [text, n] of [[args.from, a], [args.to, b]] as const) {
    if (n === null) {
      io.err(`error: "${text}" is not a generation number (a whole number from 1)`);
      return 2;
    }
  }
  const loaded = await loadGenerations(env, io, args.host, deps);
  if (!loaded.ok) return loaded.code;
  const find = (n: number | null): Generation | undefined => loaded.list.generations.find((g) => g.generation === n);
  const ga = find(a);
  const gb = find(b);
  for (const [n, g] of [[a, ga], [b, gb]] as const) {
    if (!g) {
      io.err(`error: generation ${n} does not exist in ${loaded.profile} (see: nixdeck generations${loaded.host.local ? '' : ` ${loaded.host.name}`})`);
      return 1;
    }
    if (usableStorePath(g) === null) {
      io.err(`error: generation ${n}'s system cannot be read (${g.problem ?? g.status}), so there is nothing to compare`);
      return 1;
    }
  }
  if (!ga || !gb || !ga.storePath || !gb.storePath) return 1;
  const { ops } = loaded;
  const result = await ops.diff(loaded.host.name, ga.storePath, gb.storePath);
  if (!result.ok) {
    io.err(`error: ${result.error}`);
    return 1;
  }
  const sizes = await ops.closureSizes(loaded.host.name, [ga.storePath, gb.storePath]);
  const sizeA = sizes.ok ? (sizes.value[ga.storePath] ?? null) : null;
  const sizeB = sizes.ok ? (sizes.value[gb.storePath] ?? null) : null;
  const diff = result.value;
  if (args.json) {
    printJson(io, {
      host: loaded.host.name,
      from: generationJson(ga, sizeA),
      to: generationJson(gb, sizeB),
      ...diffJson(diff),
      closureSizeDeltaBytes: sizeA !== null && sizeB !== null ? sizeB - sizeA : null,
    });
    return 0;
  }
  io.out(`${loaded.host.name}: generation ${describe(ga)}`);
  io.out(`${' '.repeat(loaded.host.name.length)}  → generation ${describe(gb)}`);
  for (const line of formatClosureDiff(diff, { closureSizes: sizeA !== null && sizeB !== null ? { from: sizeA, to: sizeB } : null })) io.out(line);
  if (!sizes.ok) io.err(`warning: closure sizes unknown: ${sizes.error}`);
  return 0;
}

// --- prune ---------------------------------------------------------------------------------------

export interface PruneArgs {
  host?: string;
  keep?: string;
  keepDays?: string;
  pin: string[];
  dryRun: boolean;
  yes: boolean;
  json: boolean;
}

function policyText(policy: KeepPolicy): string {
  const parts: string[] = [];
  if (policy.keepLast !== undefined) parts.push(`the newest ${policy.keepLast}`);
  if (policy.keepDays !== undefined) parts.push(`those newer than ${policy.keepDays} day${policy.keepDays === 1 ? '' : 's'}`);
  if (policy.pinned.length > 0) parts.push(`pinned ${policy.pinned.join(', ')}`);
  return `keep ${parts.join(', ')}; never current, running or booted`;
}

/** `nixdeck prune --keep N --keep-days D [--pin G]… [--dry-run] [--yes] [--json]` */
export async function pruneCommand(env: Environment, io: Io, args: PruneArgs, deps: OpsDeps = opsDeps(io)): Promise<number> {
  if (args.keep === undefined && args.keepDays === undefined) {
    io.err('error: prune needs a keep policy: --keep N (the newest N generations) and/or --keep-days D');
    return 2;
  }
  if (args.keep !== undefined && !/^\d{1,9}$/.test(args.keep)) {
    io.err(`error: --keep takes a whole number of generations (0 or more), not "${args.keep}"`);
    return 2;
  }
  if (args.keepDays !== undefined && (!/^\d{1,6}(\.\d+)?$/.test(args.keepDays) || Number(args.keepDays) <= 0)) {
    io.err(`error: --keep-days takes a number of days above 0, not "${args.keepDays}"`);
    return 2;
  }
  const pinned: number[] = [];
  for (const p of args.pin.flatMap((x) => x.split(','))) {
    const n = parseGenerationNumber(p.trim());
    if (n === null) {
      io.err(`error: --pin takes generation numbers, not "${p}"`);
      return 2;
    }
    pinned.push(n);
  }
  const loaded = await loadGenerations(env, io, args.host, deps);
  if (!loaded.ok) return loaded.code;
  const { host, list, profile, ops } = loaded;
  // and the pins stored with P in the console (not in the demo, which leaves the preferences alone)
  for (const n of env.label === 'demo' ? [] : (deps.storedPins?.(host.name) ?? [])) if (!pinned.includes(n)) pinned.push(n);
  pinned.sort((a, b) => a - b);
  const policy: KeepPolicy = {
    ...(args.keep !== undefined ? { keepLast: Number(args.keep) } : {}),
    ...(args.keepDays !== undefined ? { keepDays: Number(args.keepDays) } : {}),
    pinned,
  };
  const plan = planPrune(list.generations, policy, deps.now());
  const byNumber = new Map(list.generations.map((g) => [g.generation, g]));

  // sizes: each deleted generation's closure, and what only they hold (the service counts the
  // running and booted systems as kept)
  const { deleted: deletedPaths, kept: keptPaths } = prunePaths(list.generations, plan);
  let sizes: Record<string, number> = {};
  let freed: FreedSpace | null = null;
  const sizeProblems: string[] = [];
  if (deletedPaths.length > 0) {
    const s = await ops.closureSizes(host.name, deletedPaths);
    if (s.ok) sizes = s.value;
    else sizeProblems.push(s.error);
    const f = await ops.estimateFreed(host.name, deletedPaths, keptPaths);
    if (f.ok) freed = f.value;
    else sizeProblems.push(f.error);
  }
  const sizeOf = (n: number): number | null => {
    const p = byNumber.get(n)?.storePath;
    return p ? (sizes[p] ?? null) : null;
  };

  const preview = previewLines(host.name, policy, plan, byNumber, sizeOf, freed);
  const result = (outcome: string, deleted: number[]): Record<string, unknown> => ({
    host: host.name,
    profile,
    policy: { keepLast: policy.keepLast ?? null, keepDays: policy.keepDays ?? null, pinned },
    delete: plan.delete.map((n) => ({ generation: n, date: byNumber.get(n)?.date ?? null, nixosVersion: byNumber.get(n)?.nixosVersion ?? null, closureSize: sizeOf(n) })),
    keep: plan.keep,
    freedBytes: freed?.bytes ?? null,
    freedPaths: freed?.paths ?? null,
    outcome,
    deleted,
  });
  const say = (lines: string[]): void => {
    for (const line of lines) (args.json ? io.err : io.out)(line);
  };
  // both look-ups fail alike when nix cannot answer: one warning per distinct problem
  for (const p of new Set(sizeProblems)) io.err(`warning: sizes unknown: ${p}`);

  if (plan.delete.length === 0) {
    if (args.json) printJson(io, result('nothing-to-delete', []));
    else say([...preview, 'Nothing to delete.']);
    return 0;
  }
  if (args.dryRun) {
    if (args.json) printJson(io, result('dry-run', []));
    else say([...preview, 'Dry run: nothing was deleted.']);
    return 0;
  }
  if (!args.json) say(preview);
  if (!args.yes) {
    if (!deps.interactive) {
      io.err('error: refusing to delete generations without --yes: standard input is not a terminal to ask on (preview with --dry-run)');
      if (args.json) printJson(io, result('refused', []));
      return 1;
    }
    if (args.json) for (const line of preview) io.err(line);
    const ok = await deps.confirm(`Delete generation${plan.delete.length === 1 ? '' : 's'} ${plan.delete.join(', ')} of ${host.name}?`);
    if (!ok) {
      io.err('Nothing was deleted.');
      if (args.json) printJson(io, result('declined', []));
      return 1;
    }
  }

  const code = await deleteHere(ops, io, host.name, plan.delete);
  if (code !== 0) {
    if (args.json) printJson(io, result('failed', []));
    return 1;
  }
  io.err('Garbage collection was not run: the store paths stay until you collect them with nixdeck gc (see what would go first: nixdeck gc --dry-run).');
  if (args.json) printJson(io, result('deleted', plan.delete));
  return 0;
}

function previewLines(
  hostName: string,
  policy: KeepPolicy,
  plan: PrunePlan,
  byNumber: Map<number, Generation>,
  sizeOf: (n: number) => number | null,
  freed: FreedSpace | null,
): string[] {
  const lines = [`${hostName}: ${policyText(policy)}`];
  const row = (n: number, last: string): string[] => {
    const g = byNumber.get(n);
    return [String(n), g ? shortDate(g.date) : '?', g?.nixosVersion ?? '?', last];
  };
  if (plan.delete.length > 0) {
    lines.push(`Delete (${plan.delete.length}):`);
    for (const l of table(plan.delete.map((n) => {
      const size = sizeOf(n);
      return row(n, size === null ? '' : `closure ${formatBytes(size)}`);
    }))) lines.push(`  ${l}`);
  }
  lines.push(`Keep (${plan.keep.length}):`);
  for (const l of table(plan.keep.map((k) => row(k.generation, k.reasons.join(', '))))) lines.push(`  ${l}`);
  if (plan.delete.length > 0) {
    lines.push(
      freed === null
        ? 'Space freed: unknown'
        : `Space freed by the next garbage collection: up to ${formatBytes(freed.bytes)} (${freed.paths} store path${freed.paths === 1 ? '' : 's'} that no kept, running or booted generation uses; other GC roots may still hold some)`,
    );
  }
  return lines;
}

/** Delete now through the service, with a sudo password asked here when it needs one; its lines on stderr. Exit status. */
async function deleteHere(ops: GenerationOps, io: Io, hostName: string, generations: number[]): Promise<number> {
  const asked = await sudoPassword(io, await ops.needsPassword(hostName, 'delete'), `[sudo] password to delete generations on ${hostName}: `);
  if (!asked.ok) return 1;
  let said = false;
  const result = await ops.deleteGenerations({
    host: hostName,
    generations,
    ...(asked.password !== undefined ? { password: asked.password } : {}),
    onLine: (line) => {
      said = true;
      io.err(redact(line, asked.password));
    },
  });
  if (result.ok) return 0;
  if (!said) io.err(`error: ${redact(result.error, asked.password)}`);
  return 1;
}

// --- rollback ------------------------------------------------------------------------------------

export interface RollbackArgs {
  host?: string;
  to?: string;
  action?: string;
  /** another host: seconds it waits for the confirmation before it rolls back (0 = off) */
  confirmTimeout?: string;
  yes: boolean;
}

const ACTION_WORDS = {
  switch: 'switch: activate it now and make it the boot default',
  boot: 'boot: make it the boot default; it becomes active after a reboot',
  test: 'test: activate it now until the next boot; the profile and boot default stay',
} as const;

/** `nixdeck rollback [HOST] [--to N] [--action switch|boot|test] [--yes]` */
export async function rollbackCommand(env: Environment, io: Io, args: RollbackArgs, deps: OpsDeps = opsDeps(io)): Promise<number> {
  const actionName = args.action ?? 'switch';
  if (!isActivationAction(actionName)) {
    io.err(`error: rollback --action takes switch, boot or test, not "${actionName}"`);
    return 2;
  }
  let to: number | undefined;
  if (args.to !== undefined) {
    const n = parseGenerationNumber(args.to);
    if (n === null) {
      io.err(`error: --to takes a generation number (a whole number from 1), not "${args.to}"`);
      return 2;
    }
    to = n;
  }
  let confirmTimeout: number | undefined;
  if (args.confirmTimeout !== undefined) {
    const n = parseConfirmTimeout(args.confirmTimeout);
    if (n === null) {
      io.err(`error: --confirm-timeout takes whole seconds from 0 (off) to ${MAX_CONFIRM_TIMEOUT}, not "${args.confirmTimeout}"`);
      return 2;
    }
    confirmTimeout = n;
  }
  const loaded = await loadGenerations(env, io, args.host, deps, confirmTimeout);
  if (!loaded.ok) return loaded.code;
  const { host, list, profile, ops } = loaded;
  const choice = chooseTarget(list.generations, to);
  if (!choice.ok) {
    io.err(`error: ${choice.error} in ${profile}`);
    return 1;
  }
  const { target, current } = choice;
  if (isAlreadyDone(target, actionName)) {
    io.out(`${host.name}: generation ${target.generation} is already ${actionName === 'boot' ? 'current (the boot default)' : actionName === 'test' ? 'running' : 'current and running'}; nothing to do`);
    return 0;
  }

  // what changes: from the running system (else the current generation) to the target
  const runningPath = await ops.runningSystem(host.name);
  const running = list.generations.find((g) => g.running) ?? null;
  const fromPath = runningPath ?? usableStorePath(current);
  const fromName = running ? `the running system (generation ${running.generation})` : runningPath !== null ? 'the running system' : current ? `the current generation ${current.generation}` : null;
  if (fromPath !== null && target.storePath !== null) {
    const d = await ops.diff(host.name, fromPath, target.storePath);
    if (d.ok) {
      const sizes = await ops.closureSizes(host.name, [fromPath, target.storePath]);
      const sa = sizes.ok ? sizes.value[fromPath] : undefined;
      const sb = sizes.ok ? sizes.value[target.storePath] : undefined;
      io.out(`Changes from ${fromName ?? fromPath} to generation ${target.generation}:`);
      for (const line of formatClosureDiff(d.value, { closureSizes: sa !== undefined && sb !== undefined ? { from: sa, to: sb } : null })) io.out(`  ${line}`);
    } else {
      io.err(`warning: no diff: ${d.error}`);
    }
  }

  const request: ActivateRequest = { kind: 'activate', profile, generation: target.generation, action: actionName };
  const verb = current === null || target.generation < current.generation ? 'Roll back' : 'Switch';
  io.out(`${verb} ${host.name} to generation ${describe(target)}`);
  const markers = generationMarkers(target);
  if (markers.length > 0) io.out(`  generation ${target.generation} is ${markers.join(', ')}`);
  io.out(`  ${ACTION_WORDS[actionName]}`);
  for (const c of requestCommands(request)) io.out(`  runs: ${c.argv.join(' ')}${host.local ? '' : ` (on ${host.name}, under its activation supervisor)`}`);
  if (!host.local && env.label !== 'demo') {
    for (const line of protectionLines({ host: host.name, action: actionName, confirmTimeout: confirmTimeout ?? remotePrefs(host.name).confirmTimeout })) io.out(`  ${line}`);
  }

  if (!args.yes) {
    if (!deps.interactive) {
      io.err('error: refusing to switch generations without --yes: standard input is not a terminal to ask on');
      return 1;
    }
    const ok = await deps.confirm(`${verb} ${host.name} to generation ${target.generation} (${actionName})?`);
    if (!ok) {
      io.err('Nothing was changed.');
      return 1;
    }
  }

  const setup = env.rebuild;
  const asked = await sudoPassword(io, await ops.needsPassword(host.name, 'activate'), `[sudo] password for ${actionName} on ${host.name}: `);
  if (!asked.ok) return 1;
  const started = await ops.activate({ host: host.name, generation: target.generation, action: actionName, ...(asked.password !== undefined ? { password: asked.password } : {}) });
  if (!started.ok) {
    io.err(`error: ${redact(started.error, asked.password)}`);
    return 1;
  }
  const run = await readRun(setup.stateDir, started.id);
  io.err(startedLine(setup, run.id, `${actionName} ${host.name} to generation ${target.generation}`));
  const code = await followHere(setup, run, io, { echoLog: true });
  if (code === 0 || code === 4) return code;
  return 1;
}
