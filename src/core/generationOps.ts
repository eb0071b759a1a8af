// What switching to a generation, and deleting generations, does to a system profile: the
// requests handed to the step runner (`nixdeck __activate <json>`), their validation, the
// commands they mean (for previews), and the choice of the rollback target. Pure: no I/O.
//
//   switch|boot: nix-env -p PROFILE --switch-generation N
//                PROFILE/bin/switch-to-configuration switch|boot
//                (activation fails outright, i.e. exit not 0 and not 4: switch the profile back)
//   test:        PROFILE-N-link/bin/switch-to-configuration test   (the profile is not touched)
//   delete:      nix-env -p PROFILE --delete-generations N…
//                ROOT/run/current-system/bin/switch-to-configuration boot   (refresh the boot menu)

import type { PrunePlan } from './keepPolicy.js';
import type { SudoMode } from './rebuildCommand.js';
import { isNormalAbsolutePath, isStorePath } from './storePath.js';
import type { Generation } from './types.js';
import type { Failure } from './result.js';

export const ACTIVATION_ACTIONS = ['switch', 'boot', 'test'] as const;
export type ActivationAction = (typeof ACTIVATION_ACTIONS)[number];

export function isActivationAction(value: string): value is ActivationAction {
  return (ACTIVATION_ACTIONS as readonly string[]).includes(value);
}

/** Make generation N of the profile the running system (test), the default (boot), or both (switch). */
export interface ActivateRequest {
  kind: 'activate';
  /** absolute path of the system profile link, e.g. /nix/var/nix/profiles/system */
  profile: string;
  generation: number;
  action: ActivationAction;
}

/** Delete generations, then refresh the boot menu. */
export interface DeleteRequest {
  kind: 'delete';
  profile: string;
  generations: number[];
  /** the switch-to-configuration that rewrites the boot menu (`<root>/run/current-system/bin/…`), or null to skip */
  bootRefresh: string | null;
}

export type StepRequest = ActivateRequest | DeleteRequest;

export class StepRequestError extends Error {}

/** Largest generation number accepted (nix prints them with %d; this is far beyond real use). */
const MAX_GENERATION = 999_999_999;

export function isGenerationNumber(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= MAX_GENERATION;
}

/** `42` → 42; anything but plain digits (no sign, no leading zero, no spaces) → null. */
export function parseGenerationNumber(text: string): number | null {
  if (!/^[1-9]\d{0,8}$/.test(text)) return null;
  return Number(text);
}

export function generationLink(profile: string, generation: number): string {
  return `${profile}-${generation}-link`;
}

/** Check a request from untrusted JSON (the step runner's argument); throws StepRequestError. */
export function validateStepRequest(value: unknown): StepRequest {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new StepRequestError('the request is not a JSON object');
  const v = value as Record<string, unknown>;
  if (!isNormalAbsolutePath(v.profile) || v.profile === '/') throw new StepRequestError('"profile" must be an absolute path of a profile link');
  const profile = v.profile;
  if (v.kind === 'activate') {
    if (!isGenerationNumber(v.generation)) throw new StepRequestError('"generation" must be a generation number');
    if (typeof v.action !== 'string' || !isActivationAction(v.action)) throw new StepRequestError('"action" must be switch, boot or test');
    return { kind: 'activate', profile, generation: v.generation, action: v.action };
  }
  if (v.kind === 'delete') {
    if (!Array.isArray(v.generations) || v.generations.length === 0 || !v.generations.every(isGenerationNumber)) {
      throw new StepRequestError('"generations" must be a non-empty list of generation numbers');
    }
    if (v.bootRefresh !== null && !isNormalAbsolutePath(v.bootRefresh)) throw new StepRequestError('"bootRefresh" must be an absolute path or null');
    const generations = [...new Set(v.generations as number[])].sort((a, b) => a - b);
    return { kind: 'delete', profile, generations, bootRefresh: v.bootRefresh };
  }
  throw new StepRequestError('"kind" must be activate or delete');
}

/** A step runner's request argument as JSON; `BadRequest` (the runner's error class) when it is not JSON. */
export function requestJson(json: string, BadRequest: new (message: string) => Error): unknown {
  try {
    return JSON.parse(json) as unknown;
  } catch {
    throw new BadRequest('the request is not valid JSON');
  }
}

export function parseStepRequest(json: string): StepRequest {
  return validateStepRequest(requestJson(json, StepRequestError));
}

export interface PlannedCommand {
  argv: string[];
  /** what the command is for, in words */
  purpose: string;
}

/** The commands a request runs, in order (on failure of an activation, the profile is switched back). */
export function requestCommands(request: StepRequest, nixEnv = 'nix-env'): PlannedCommand[] {
  if (request.kind === 'delete') {
    const commands: PlannedCommand[] = [
      { argv: [nixEnv, '-p', request.profile, '--delete-generations', ...request.generations.map(String)], purpose: 'delete the generations' },
    ];
    if (request.bootRefresh) commands.push({ argv: [request.bootRefresh, 'boot'], purpose: 'refresh the boot menu' });
    return commands;
  }
  const { profile, generation, action } = request;
  if (action === 'test') {
    return [{ argv: [`${generationLink(profile, generation)}/bin/switch-to-configuration`, 'test'], purpose: `activate generation ${generation} until the next boot, profile untouched` }];
  }
  return [
    { argv: [nixEnv, '-p', profile, '--switch-generation', String(generation)], purpose: `point the profile at generation ${generation}` },
    {
      argv: [`${profile}/bin/switch-to-configuration`, action],
      purpose: action === 'switch' ? 'activate it now and make it the boot default' : 'make it the boot default (active after a reboot)',
    },
  ];
}

/** `sudo -k -S -p '' --` (password on stdin) or `sudo -n --` in front of argv, as for rebuilds. */
export function withSudo(argv: readonly string[], sudo: SudoMode, isRoot: boolean): { argv: string[]; needsPassword: boolean } {
  if (isRoot || sudo === 'none') return { argv: [...argv], needsPassword: false };
  if (sudo === 'password') return { argv: ['sudo', '-k', '-S', '-p', '', '--', ...argv], needsPassword: true };
  return { argv: ['sudo', '-n', '--', ...argv], needsPassword: false };
}

export type TargetChoice = { ok: true; target: Generation; current: Generation | null } | Failure;

/**
 * The generation to switch to: `to` when given (it must exist and still be in the store), else the
 * previous one, i.e. the highest number below the current one (as `nix-env --rollback` picks).
 */
export function chooseTarget(generations: readonly Generation[], to: number | undefined): TargetChoice {
  const current = generations.find((g) => g.current) ?? null;
  let target: Generation | undefined;
  if (to !== undefined) {
    target = generations.find((g) => g.generation === to);
    if (!target) {
      const numbers = [...generations].map((g) => g.generation).sort((a, b) => a - b);
      return { ok: false, error: `generation ${to} does not exist (this profile has ${numbers.join(', ') || 'none'})` };
    }
  } else {
    if (!current) return { ok: false, error: 'the profile has no current generation, so there is no previous one; pick one with --to N' };
    target = [...generations].filter((g) => g.generation < current.generation).sort((a, b) => b.generation - a.generation)[0];
    if (!target) return { ok: false, error: `no generation older than the current one (${current.generation}) exists` };
  }
  if (target.status === 'dangling') return { ok: false, error: `generation ${target.generation}'s system is no longer in the store (garbage-collected), so it cannot be activated` };
  if (target.status === 'unreadable') return { ok: false, error: `generation ${target.generation} cannot be read${target.problem ? ` (${target.problem})` : ''}` };
  return { ok: true, target, current };
}

export type ActivationOutcome = 'succeeded' | 'partial' | 'failed';

/** switch-to-configuration's exit status: 0 ok, 4 = switched but units failed, anything else failed. */
export function activationOutcome(exitCode: number | null): ActivationOutcome {
  if (exitCode === 0) return 'succeeded';
  if (exitCode === 4) return 'partial';
  return 'failed';
}

/** A generation's system as a store path nix may be given, or null (unreadable, garbage-collected, odd). */
export function usableStorePath(g: Generation | null | undefined, storeDir?: string): string | null {
  return g && g.status === 'ok' && isStorePath(g.storePath, storeDir) ? g.storePath : null;
}

/**
 * Whether `action` to `target` would change nothing: switch when it is current and running, boot
 * when it is current (the boot default), test when it is running. The one rule for console and commands.
 */
export function isAlreadyDone(target: Pick<Generation, 'current' | 'running'>, action: ActivationAction): boolean {
  if (action === 'switch') return target.current && target.running;
  return action === 'boot' ? target.current : target.running;
}

export interface ActivationChoice {
  action: ActivationAction;
  /** why it would change nothing, or null */
  already: string | null;
}

const ALREADY: Record<ActivationAction, string> = {
  switch: 'already current and running',
  boot: 'already the boot default',
  test: 'already running',
};

/** Which of switch/boot/test would change something for `target`. */
export function activationChoices(target: Pick<Generation, 'current' | 'running'>): ActivationChoice[] {
  return ACTIVATION_ACTIONS.map((action) => ({ action, already: isAlreadyDone(target, action) ? ALREADY[action] : null }));
}

/**
 * The store paths a prune deletes and those it keeps (the kept generations', plus the running and
 * booted systems), for the closure sizes and the space estimate.
 */
export function prunePaths(
  generations: readonly Generation[],
  plan: Pick<PrunePlan, 'delete' | 'keep'>,
  runningAndBooted: readonly string[] = [],
  storeDir?: string,
): { deleted: string[]; kept: string[] } {
  const byNumber = new Map(generations.map((g) => [g.generation, g]));
  const paths = (numbers: readonly number[]): string[] =>
    numbers.flatMap((n) => {
      const p = usableStorePath(byNumber.get(n), storeDir);
      return p === null ? [] : [p];
    });
  const kept = paths(plan.keep.map((k) => k.generation));
  for (const p of runningAndBooted) if (isStorePath(p, storeDir) && !kept.includes(p)) kept.push(p);
  return { deleted: paths(plan.delete), kept };
}

/** The switch-to-configuration that refreshes the boot menu after a delete: `candidate` when it exists and is a usable path. */
export function bootRefreshFor(candidate: string, exists: boolean): string | null {
  return exists && isNormalAbsolutePath(candidate) ? candidate : null;
}
