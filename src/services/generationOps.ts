// The console's GenerationOps: closure diffs and sizes from nix, a switch/boot/test to a
// generation as a detached run (the `__activate` step runner under the run supervisor, followed
// by the runs service through adopt()), and deleting generations. The service is made for one
// host and runs its commands through that host's executor; it is this machine for now, with the
// same "not reachable yet" as the generations pane for any other host. The commands (diff,
// rollback, prune) and the console both go through it.
//
// The demo's version (createDemoGenerationOps) has no nix: its diffs, sizes and activations come
// from demo/demoGenerations.ts and change only the demo's own folder.
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { notReachableYet } from '../core/hosts.js';
import { parseDiffClosures } from '../core/closureDiff.js';
import { type ActivateRequest, bootRefreshFor, type DeleteRequest, type StepRequest, withSudo } from '../core/generationOps.js';
import type { SudoMode } from '../core/rebuildCommand.js';
import { isNormalAbsolutePath, isStorePath } from '../core/storePath.js';
import type { FreedSpace, GenerationOps } from '../core/generationService.js';
import type { StartResult } from '../core/runsService.js';
import type { Result } from '../core/result.js';
import { storyOf } from '../demo/demoHosts.js';
import { closureSizes, diffClosures, estimateFreed } from '../system/closures.js';
import type { Environment } from '../system/context.js';
import type { CommandRunner } from '../system/exec.js';
import { type Executor, localExecutor, runnerOf } from '../system/executor.js';
import { type RebuildSetup, selfCommand, startRemoteRun, sudoModeFor } from '../system/rebuilds.js';
import { DEFAULT_CONFIRM_TIMEOUT, DEFAULT_PROFILE, type Elevation, type GenerationRequest } from '../core/deployPlan.js';
import { probeElevation } from '../system/remote/deployElevation.js';
import { startRun } from '../system/runLauncher.js';
import { profileOf, rootOf } from './profile.js';

/** How long a delete may take before it is given up on (nix-env and the boot menu). */
const DELETE_TIMEOUT_MS = 10 * 60_000;

function resolved(p: string): string | null {
  try {
    return realpathSync(p);
  } catch {
    return null;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The last `error: …` line of a step runner's output, else its last line. */
function failureOf(lines: readonly string[], exitCode: number | undefined): string {
  const error = [...lines].reverse().find((l) => l.startsWith('error: '));
  if (error) return error.slice('error: '.length);
  const last = [...lines].reverse().find((l) => l.trim() !== '');
  return last ?? `the step runner ended with ${exitCode === undefined ? 'no exit status' : `exit ${exitCode}`}`;
}

/** The running and booted systems under `root`, as store paths. */
export function runningAndBooted(root: string): string[] {
  return ['run/current-system', 'run/booted-system'].flatMap((p) => {
    const r = resolved(path.join(root, p));
    return r !== null && isStorePath(r) ? [r] : [];
  });
}

const passwordMissing = (host: string): string => `sudo needs a password to change the generations of ${host}`;

/**
 * The closure reads of a host whose nix `runner` reaches: diffs, sizes and the space a delete
 * frees (its running and booted systems always kept). A host other than the service's own gets
 * `refusalFor`'s reason.
 */
function nixClosureReads(
  runner: CommandRunner,
  refusalFor: (host: string) => string | null,
  runningAndBootedOfHost: () => Promise<string[]>,
): Pick<GenerationOps, 'diff' | 'closureSizes' | 'estimateFreed'> {
  return {
    async diff(host, from, to) {
      const refused = refusalFor(host);
      if (refused) return { ok: false, error: refused };
      const result = await diffClosures(runner, from, to);
      return result.ok ? { ok: true, value: result.value.diff } : result;
    },
    async closureSizes(host, paths) {
      const refused = refusalFor(host);
      if (refused) return { ok: false, error: refused };
      const result = await closureSizes(runner, paths);
      return result.ok ? { ok: true, value: Object.fromEntries(result.value) } : result;
    },
    async estimateFreed(host, deleted, kept): Promise<Result<FreedSpace>> {
      const refused = refusalFor(host);
      if (refused) return { ok: false, error: refused };
      return estimateFreed(runner, deleted, [...kept, ...(await runningAndBootedOfHost())]);
    },
  };
}

/** A switch/boot/test of a remote host to one of its generations: a detached run under the host's supervisor, like a deploy. */
async function startRemoteGeneration(setup: RebuildSetup, request: Omit<GenerationRequest, 'kind'>, password?: string): Promise<StartResult> {
  try {
    const run = await startRemoteRun(setup, { kind: 'generation', ...request }, password);
    return { ok: true, id: run.id };
  } catch (error) {
    return { ok: false, error: messageOf(error) };
  }
}

/** The boot refresh of a delete under `root`, and the warning when there is none. */
export function bootRefreshUnder(root: string): { bootRefresh: string | null; warning: string | null } {
  const candidate = path.join(root, 'run/current-system/bin/switch-to-configuration');
  const bootRefresh = bootRefreshFor(candidate, resolved(candidate) !== null);
  return { bootRefresh, warning: bootRefresh === null ? `warning: ${candidate} does not exist, so the boot menu is not refreshed` : null };
}

export interface GenerationOpsOptions {
  /** the host whose generations these are (default: this machine) */
  host?: string;
  /** runs the host's commands (default: local processes) */
  executor?: Executor;
  /** the argv prefix of `nixdeck __activate` (default: this program; tests run it from source) */
  stepRunner?: readonly string[];
}

/** The real operations, with nix on the service's host (this machine, under --root). */
export function createGenerationOps(env: Environment, options: GenerationOpsOptions = {}): GenerationOps {
  const own = options.host ?? env.hostname;
  const executor = options.executor ?? localExecutor;
  const runner = runnerOf(executor);
  const stepRunner = options.stepRunner ?? selfCommand('__activate');
  const setup = env.rebuild;
  const profile = profileOf(env, own, false);
  const isRoot = setup.isRoot || !setup.needsRoot;
  const refusalFor = (host: string): string | null => (host === own ? null : notReachableYet(host, env.hostname));
  const password = (host: string, sudo: SudoMode, given: string | undefined): string | null => (sudo === 'password' && given === undefined ? passwordMissing(host) : null);

  return {
    refusal: (host) => (host.local ? null : refusalFor(host.name)),
    profile: () => profile,
    async runningSystem(host) {
      if (refusalFor(host)) return null;
      const running = resolved(path.join(env.root, 'run/current-system'));
      return isStorePath(running) ? running : null;
    },
    ...nixClosureReads(runner, refusalFor, async () => runningAndBooted(env.root)),
    async needsPassword(host, op) {
      if (refusalFor(host)) return false;
      return (await sudoModeFor(setup, op === 'delete' ? 'boot' : 'switch')) === 'password';
    },
    async activate({ host, generation, action, password: given }) {
      const refused = refusalFor(host);
      if (refused) return { ok: false, error: refused };
      if (!isNormalAbsolutePath(profile)) return { ok: false, error: `the profile path ${JSON.stringify(profile)} cannot be used` };
      try {
        const sudo = await sudoModeFor(setup, action);
        const missing = password(host, sudo, given);
        if (missing) return { ok: false, error: missing };
        const request: ActivateRequest = { kind: 'activate', profile, generation, action };
        // a detached, supervised run like a rebuild
        const { argv, needsPassword } = withSudo([...stepRunner, JSON.stringify(request)], sudo, isRoot);
        const run = await startRun({
          stateDir: setup.stateDir,
          host,
          action,
          argv,
          flakeDir: setup.flakeDir,
          supervisor: setup.supervisor,
          ...(needsPassword && given !== undefined ? { password: given } : {}),
        });
        return { ok: true, id: run.id };
      } catch (error) {
        return { ok: false, error: messageOf(error) };
      }
    },
    async deleteGenerations({ host, generations, password: given, onLine }) {
      const refused = refusalFor(host);
      if (refused) return { ok: false, error: refused };
      const { bootRefresh, warning } = bootRefreshUnder(env.root);
      const request: DeleteRequest = { kind: 'delete', profile, generations: [...generations].sort((a, b) => a - b), bootRefresh };
      try {
        const sudo = await sudoModeFor(setup, 'boot');
        const missing = password(host, sudo, given);
        if (missing) return { ok: false, error: missing };
        const lines = warning ? [warning] : [];
        // never in this process: nix-env's and switch-to-configuration's output would land on the console's screen
        const { argv, needsPassword } = withSudo([...stepRunner, JSON.stringify(request)], sudo, isRoot);
        const result = await executor.run(argv, { timeoutMs: DELETE_TIMEOUT_MS, ...(needsPassword && given !== undefined ? { input: `${given}\n` } : {}) });
        lines.push(...`${result.stdout}\n${result.stderr}`.split('\n').filter((l) => l.trim() !== ''));
        if (result.spawnError) lines.push(`error: ${result.spawnError}`);
        for (const line of lines) onLine?.(line);
        return result.code === 0 && !result.spawnError ? { ok: true, value: { lines } } : { ok: false, error: failureOf(lines, result.code) };
      } catch (error) {
        return { ok: false, error: messageOf(error) };
      }
    },
  };
}

export interface RemoteGenerationOpsOptions {
  host: string;
  /** runs commands on the host, over its connection */
  executor: Executor;
  /** seconds the host waits for the confirmation of a switch/test before it rolls back; 0 = off */
  confirmTimeout?: number;
}

/**
 * A remote host's operations: diff and sizes by the host's nix, a switch/boot/test to generation N
 * through the same host-side supervisor as a deploy (so it is confirmed and rolled back alike),
 * deletion by the host's nix-env (with sudo when the login is not root).
 */
export function createRemoteGenerationOps(env: Environment, options: RemoteGenerationOpsOptions): GenerationOps {
  const { host: own, executor } = options;
  const runner = runnerOf(executor);
  const setup = env.rebuild;
  const profile = DEFAULT_PROFILE;
  const refusalFor = (host: string): string | null => (host === own ? null : `these operations are for ${own}, not ${host}`);
  let elevation: Promise<{ ok: true; elevation: Elevation } | { ok: false; error: string }> | null = null;
  const elevationOf = () => (elevation ??= probeElevation(executor));
  /** how a change of the host's generations gets root, or why it cannot start */
  const elevationFor = async (host: string, password: string | undefined): Promise<Result<Elevation>> => {
    const refused = refusalFor(host);
    if (refused) return { ok: false, error: refused };
    const e = await elevationOf();
    if (!e.ok) return { ok: false, error: `${host} cannot be reached: ${e.error}` };
    if (e.elevation === 'password' && password === undefined) return { ok: false, error: passwordMissing(host) };
    return { ok: true, value: e.elevation };
  };
  const resolvedOnHost = async (paths: readonly string[]): Promise<string[]> => {
    const r = await executor.run(['readlink', '-f', ...paths], { timeoutMs: 30_000 });
    return r.stdout.split('\n').filter((p) => isStorePath(p));
  };
  return {
    refusal: (host) => refusalFor(host.name),
    profile: () => profile,
    async runningSystem(host) {
      if (refusalFor(host)) return null;
      return (await resolvedOnHost(['/run/current-system']))[0] ?? null;
    },
    ...nixClosureReads(runner, refusalFor, () => resolvedOnHost(['/run/current-system', '/run/booted-system'])),
    async needsPassword(host) {
      if (refusalFor(host)) return false;
      const e = await elevationOf();
      return e.ok && e.elevation === 'password';
    },
    async activate({ host, generation, action, password }) {
      const e = await elevationFor(host, password);
      if (!e.ok) return e;
      const request = { host, generation, action, confirmTimeout: options.confirmTimeout ?? DEFAULT_CONFIRM_TIMEOUT, elevation: e.value, profile };
      return startRemoteGeneration(setup, request, password);
    },
    async deleteGenerations({ host, generations, password, onLine }) {
      const e = await elevationFor(host, password);
      if (!e.ok) return e;
      const elevation = e.value;
      const sudo = elevation === 'root' ? 'none' : elevation === 'sudo' ? 'nopasswd' : 'password';
      const sorted = [...generations].sort((a, b) => a - b);
      const lines: string[] = [];
      const say = (line: string): void => {
        lines.push(line);
        onLine?.(line);
      };
      const runElevated = async (argv: string[]): Promise<boolean> => {
        const { argv: full, needsPassword } = withSudo(argv, sudo, elevation === 'root');
        say(`${host}: $ ${argv.join(' ')}`);
        const r = await executor.run(full, { timeoutMs: DELETE_TIMEOUT_MS, ...(needsPassword && password !== undefined ? { input: `${password}\n` } : {}) });
        for (const l of `${r.stdout}\n${r.stderr}`.split('\n')) if (l.trim() !== '') say(l);
        if (r.spawnError) say(`error: ${r.spawnError}`);
        return r.code === 0 && !r.spawnError;
      };
      if (!(await runElevated(['nix-env', '-p', profile, '--delete-generations', ...sorted.map(String)]))) {
        return { ok: false, error: failureOf(lines, undefined) };
      }
      say(`nixdeck: deleted generation${sorted.length === 1 ? '' : 's'} ${sorted.join(', ')} of ${host}`);
      if (!(await runElevated(['/run/current-system/bin/switch-to-configuration', 'boot']))) {
        return { ok: false, error: `the generations were deleted, but refreshing the boot menu of ${host} failed; it may still list them until the next switch or boot` };
      }
      say('nixdeck: boot menu refreshed');
      return { ok: true, value: { lines } };
    },
  };
}

/**
 * The demo's operations: no nix, no sudo; only the demo folder changes. This machine's switches
 * run `nixdeck __demo-activate`; the other hosts are remote hosts through the demo's stand-ins:
 * a switch/boot/test to generation N runs the real deploy steps against them (`__demo-deploy`,
 * with the confirmation countdown), and the one that refuses connections refuses here too.
 * `stepRunner` is the argv prefix of `nixdeck __demo-activate` (tests run it from source).
 */
export function createDemoGenerationOps(env: Environment, stepRunner: readonly string[] = selfCommand('__demo-activate')): GenerationOps {
  const setup: RebuildSetup = env.rebuild;
  const demoRoot = (host: string): string => rootOf(env, host, true);
  const demoProfile = (host: string): string => profileOf(env, host, true);
  const demo = import('../demo/demoGenerations.js');
  const toplevels = async (paths: readonly string[]) => {
    const { readDemoToplevel } = await demo;
    return paths.map((p) => readDemoToplevel(p));
  };
  const unknown = (p: string): string => `${p} is not a system of the demo fleet`;
  const unreachable = (host: string): string | null => {
    const why = host === env.hostname ? null : storyOf(host).unreachable;
    return why === null ? null : `${host} cannot be reached: ${why}`;
  };
  return {
    refusal: (host) => unreachable(host.name),
    profile: demoProfile,
    async runningSystem(host) {
      return resolved(path.join(demoRoot(host), 'run/current-system'));
    },
    async diff(_host, from, to) {
      const { demoDiffText } = await demo;
      const [a, b] = await toplevels([from, to]);
      if (!a) return { ok: false, error: unknown(from) };
      if (!b) return { ok: false, error: unknown(to) };
      return { ok: true, value: parseDiffClosures(demoDiffText(a, b)) };
    },
    async closureSizes(_host, paths) {
      const { demoClosureSize } = await demo;
      const sizes: Record<string, number> = {};
      for (const [i, t] of (await toplevels(paths)).entries()) {
        const p = paths[i];
        if (t && p !== undefined) sizes[p] = demoClosureSize(t);
      }
      return { ok: true, value: sizes };
    },
    async estimateFreed(host, deleted, kept) {
      const { demoFreed } = await demo;
      const running = runningAndBooted(demoRoot(host));
      const present = <T>(xs: (T | null)[]): T[] => xs.filter((x): x is T => x !== null);
      return { ok: true, value: demoFreed(present(await toplevels(deleted)), present(await toplevels([...kept, ...running]))) };
    },
    needsPassword: async () => false,
    async activate({ host, generation, action }) {
      const refused = unreachable(host);
      if (refused) return { ok: false, error: refused };
      if (host !== env.hostname) {
        const remote = { host, generation, action, confirmTimeout: setup.confirmTimeout ?? DEFAULT_CONFIRM_TIMEOUT, elevation: 'root' as const, profile: demoProfile(host) };
        return startRemoteGeneration({ ...setup, deployRunner: setup.deployRunner ?? selfCommand('__demo-deploy') }, remote);
      }
      const request: StepRequest = { kind: 'activate', profile: demoProfile(host), generation, action };
      try {
        const run = await startRun({
          stateDir: setup.stateDir,
          host,
          action,
          argv: [...stepRunner, JSON.stringify(request)],
          flakeDir: setup.flakeDir,
          supervisor: setup.supervisor,
        });
        return { ok: true, id: run.id };
      } catch (error) {
        return { ok: false, error: messageOf(error) };
      }
    },
    async deleteGenerations({ host, generations, onLine }) {
      const refused = unreachable(host);
      if (refused) return { ok: false, error: refused };
      const { demoDelete } = await demo;
      const lines: string[] = [];
      const request: DeleteRequest = {
        kind: 'delete',
        profile: demoProfile(host),
        generations: [...generations].sort((a, b) => a - b),
        bootRefresh: path.join(demoRoot(host), 'run/current-system/bin/switch-to-configuration'),
      };
      const code = demoDelete(request, (line) => {
        lines.push(line);
        onLine?.(line);
      });
      return code === 0 ? { ok: true, value: { lines } } : { ok: false, error: failureOf(lines, code) };
    },
  };
}
