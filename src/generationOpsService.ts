// The console's GenerationOps: closure diffs and sizes from nix, a switch/boot/test to a
// generation as a detached run (the `__activate` step runner under the run supervisor, followed
// by the runs service through adopt()), and deleting generations. This machine only for now; the
// same "not reachable yet" as the generations pane for any other host.
//
// The demo's version (createDemoGenerationOps) has no nix: its diffs, sizes and activations come
// from demo/demoGenerations.ts and change only the demo's own folder.
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { notReachableYet } from './core/hosts.js';
import { parseDiffClosures } from './core/closureDiff.js';
import { type ActivateRequest, type DeleteRequest, isSafeAbsolutePath, type StepRequest, withSudo } from './core/generationOps.js';
import type { SudoMode } from './core/rebuildCommand.js';
import type { FreedSpace, GenerationOps, OpResult } from './state/generations.js';
import { generationChangeRefusal } from './state/hostRules.js';
import { closureSizes, diffClosures, estimateFreed } from './system/closures.js';
import type { Environment } from './system/context.js';
import { type CommandRunner, localRunner } from './system/exec.js';
import { SYSTEM_PROFILE } from './system/profileReader.js';
import { type RebuildSetup, selfCommand, sudoModeFor } from './system/rebuilds.js';
import { startRun } from './system/runLauncher.js';

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

/**
 * Run a step request to its end in a child process (never in this one: nix-env's and
 * switch-to-configuration's output would land on the console's screen), behind sudo when needed,
 * and collect what it printed.
 */
async function runStepsCaptured(argv: readonly string[], password: string | undefined): Promise<{ exitCode: number | undefined; lines: string[] }> {
  const [file, ...args] = argv;
  if (file === undefined) return { exitCode: undefined, lines: ['error: empty command'] };
  const result = await execa(file, args, {
    ...(password !== undefined ? { input: `${password}\n` } : { stdin: 'ignore' as const }),
    all: true,
    reject: false,
    timeout: DELETE_TIMEOUT_MS,
  });
  const lines = (typeof result.all === 'string' ? result.all : '').split('\n').filter((l) => l.trim() !== '');
  if (result.exitCode === undefined && result.code === 'ENOENT') lines.push(`error: ${file} not found`);
  return { exitCode: result.exitCode, lines };
}

export interface GenerationOpsOptions {
  /** runs nix (default: here, with execa) */
  runner?: CommandRunner;
  /** the argv prefix of `nixdeck __activate` (default: this program; tests run it from source) */
  stepRunner?: readonly string[];
}

/** The real operations, with nix on this machine (under --root). */
export function createGenerationOps(env: Environment, options: GenerationOpsOptions = {}): GenerationOps {
  const runner = options.runner ?? localRunner;
  const stepRunner = options.stepRunner ?? selfCommand('__activate');
  const setup = env.rebuild;
  const profile = path.join(env.root, SYSTEM_PROFILE);
  const isRoot = setup.isRoot || !setup.needsRoot;
  const runningAndBooted = (): string[] =>
    ['run/current-system', 'run/booted-system'].flatMap((p) => {
      const r = resolved(path.join(env.root, p));
      return r !== null && isSafeAbsolutePath(r) ? [r] : [];
    });
  const refusalFor = (host: string): string | null =>
    host === env.hostname ? null : notReachableYet(host, env.hostname);
  const password = (host: string, sudo: SudoMode, given: string | undefined): string | null =>
    sudo === 'password' && given === undefined ? `sudo needs a password to change the generations of ${host}` : null;

  return {
    refusal: (host) => (host.local ? null : refusalFor(host.name)),
    async runningSystem(host) {
      if (refusalFor(host)) return null;
      return runningAndBooted()[0] ?? null;
    },
    async diff(host, from, to) {
      const refused = refusalFor(host);
      if (refused) return { ok: false, message: refused };
      const result = await diffClosures(runner, from, to);
      return result.ok ? { ok: true, value: result.value.diff } : result;
    },
    async closureSizes(host, paths) {
      const refused = refusalFor(host);
      if (refused) return { ok: false, message: refused };
      const result = await closureSizes(runner, paths);
      return result.ok ? { ok: true, value: Object.fromEntries(result.value) } : result;
    },
    async estimateFreed(host, deleted, kept): Promise<OpResult<FreedSpace>> {
      const refused = refusalFor(host);
      if (refused) return { ok: false, message: refused };
      return estimateFreed(runner, deleted, [...kept, ...runningAndBooted()]);
    },
    async needsPassword(host, op) {
      if (refusalFor(host)) return false;
      return (await sudoModeFor(setup, op === 'delete' ? 'boot' : 'switch')) === 'password';
    },
    async activate({ host, generation, action, password: given }) {
      const refused = refusalFor(host);
      if (refused) return { ok: false, error: refused };
      if (!isSafeAbsolutePath(profile)) return { ok: false, error: `the profile path ${JSON.stringify(profile)} cannot be used` };
      try {
        const sudo = await sudoModeFor(setup, action);
        const missing = password(host, sudo, given);
        if (missing) return { ok: false, error: missing };
        const request: ActivateRequest = { kind: 'activate', profile, generation, action };
        // as startActivation does, with our step runner: a detached, supervised run like a rebuild
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
    async deleteGenerations({ host, generations, password: given }) {
      const refused = refusalFor(host);
      if (refused) return { ok: false, message: refused };
      const bootRefreshPath = path.join(env.root, 'run/current-system/bin/switch-to-configuration');
      const bootRefresh = resolved(bootRefreshPath) !== null && isSafeAbsolutePath(bootRefreshPath) ? bootRefreshPath : null;
      const request: DeleteRequest = { kind: 'delete', profile, generations: [...generations].sort((a, b) => a - b), bootRefresh };
      try {
        const sudo = await sudoModeFor(setup, 'boot');
        const missing = password(host, sudo, given);
        if (missing) return { ok: false, message: missing };
        const { argv, needsPassword } = withSudo([...stepRunner, JSON.stringify(request)], sudo, isRoot);
        const { exitCode, lines } = await runStepsCaptured(argv, needsPassword ? given : undefined);
        if (bootRefresh === null) lines.push(`warning: ${bootRefreshPath} does not exist, so the boot menu was not refreshed`);
        return exitCode === 0 ? { ok: true, value: { lines } } : { ok: false, message: failureOf(lines, exitCode) };
      } catch (error) {
        return { ok: false, message: messageOf(error) };
      }
    },
  };
}

/**
 * The demo's operations: no nix, no sudo; only the demo folder changes. Every host of the demo
 * fleet can be read (its remote hosts are simulated), but as in the real console only this
 * machine's generations are switched or deleted.
 * `stepRunner` is the argv prefix of `nixdeck __demo-activate` (tests run it from source).
 */
export function createDemoGenerationOps(env: Environment, stepRunner: readonly string[] = selfCommand('__demo-activate')): GenerationOps {
  const setup: RebuildSetup = env.rebuild;
  // the demo fleet writes every host's root beside the local one: <demo>/hosts/<name>
  const hostsDir = path.dirname(env.root);
  const rootOf = (host: string): string => path.join(hostsDir, host);
  const profileOf = (host: string): string => path.join(rootOf(host), SYSTEM_PROFILE);
  const demo = import('./demo/demoGenerations.js');
  const toplevels = async (paths: readonly string[]) => {
    const { readDemoToplevel } = await demo;
    return paths.map((p) => readDemoToplevel(p));
  };
  const unknown = (p: string): string => `${p} is not a system of the demo fleet`;
  const changeRefusal = (host: string): string | null => generationChangeRefusal({ name: host, local: host === env.hostname }, env.hostname);
  return {
    refusal: () => null,
    async runningSystem(host) {
      return resolved(path.join(rootOf(host), 'run/current-system'));
    },
    async diff(_host, from, to) {
      const { demoDiffText } = await demo;
      const [a, b] = await toplevels([from, to]);
      if (!a) return { ok: false, message: unknown(from) };
      if (!b) return { ok: false, message: unknown(to) };
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
      const running = ['run/current-system', 'run/booted-system'].flatMap((p) => {
        const r = resolved(path.join(rootOf(host), p));
        return r === null ? [] : [r];
      });
      const present = <T>(xs: (T | null)[]): T[] => xs.filter((x): x is T => x !== null);
      return { ok: true, value: demoFreed(present(await toplevels(deleted)), present(await toplevels([...kept, ...running]))) };
    },
    needsPassword: async () => false,
    async activate({ host, generation, action }) {
      const refused = changeRefusal(host);
      if (refused) return { ok: false, error: refused };
      const request: StepRequest = { kind: 'activate', profile: profileOf(host), generation, action };
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
    async deleteGenerations({ host, generations }) {
      const refused = changeRefusal(host);
      if (refused) return { ok: false, message: refused };
      const { demoDelete } = await demo;
      const lines: string[] = [];
      const request: DeleteRequest = {
        kind: 'delete',
        profile: profileOf(host),
        generations: [...generations].sort((a, b) => a - b),
        bootRefresh: path.join(rootOf(host), 'run/current-system/bin/switch-to-configuration'),
      };
      const code = demoDelete(request, (line) => lines.push(line));
      return code === 0 ? { ok: true, value: { lines } } : { ok: false, message: failureOf(lines, code) };
    },
  };
}
