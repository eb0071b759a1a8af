// The step runner behind `nixdeck __activate <json>`: switches the system profile to a generation
// and activates it (or only activates it, for `test`), or deletes generations and refreshes the
// boot menu. Every command is an execa argument array; the children's output goes to our
// standard error, so in a detached run (see runLauncher.ts) all of it lands in the run's log.
//
// If activation fails outright (switch-to-configuration exits with neither 0 nor 4), the profile
// is switched back to the generation it pointed at before, and the log says so. Exit status:
// 0 done, 4 switched but some units failed, 1 or switch-to-configuration's own status otherwise.
import { execa } from 'execa';
import { readlinkSync } from 'node:fs';
import path from 'node:path';
import { generationNumberOf } from '../core/generations.js';
import {
  type ActivateRequest,
  activationOutcome,
  type DeleteRequest,
  parseStepRequest,
  requestCommands,
  StepRequestError,
  type StepRequest,
} from '../core/generationOps.js';
import { stepRunnerRequest } from './stepRunnerRequest.js';

export interface StepOptions {
  /** our own messages (default: a line on standard error) */
  say?: (line: string) => void;
  /** the nix-env program; default `nix-env` */
  nixEnv?: string;
  /** set when a cancel was asked for while a step ran */
  cancelled?: () => boolean;
}

const sayOnStderr = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/** The generation the profile link points at now, or null. */
export function currentGenerationOf(profile: string): number | null {
  try {
    return generationNumberOf(path.basename(readlinkSync(profile)), path.basename(profile));
  } catch {
    return null;
  }
}

/** Run one command with our stdio: no input, its output on our standard error. */
async function step(argv: readonly string[]): Promise<{ exitCode: number | null; problem: string | null }> {
  const [file, ...args] = argv;
  if (file === undefined) return { exitCode: null, problem: 'empty command' };
  const result = await execa(file, args, { stdin: 'ignore', stdout: 2, stderr: 'inherit', reject: false });
  if (result.exitCode !== undefined) return { exitCode: result.exitCode, problem: null };
  if (result.signal) return { exitCode: null, problem: `killed by ${result.signal}` };
  return { exitCode: null, problem: result.code === 'ENOENT' ? `${file} not found` : (result.shortMessage ?? null) };
}

function status(r: { exitCode: number | null; problem: string | null }): string {
  return r.exitCode !== null ? `exit ${r.exitCode}` : (r.problem ?? 'no exit status');
}

function show(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** Carry out a request; returns the exit status the step runner ends with. */
export async function runSteps(request: StepRequest, options: StepOptions = {}): Promise<number> {
  return request.kind === 'activate' ? activate(request, options) : deleteGenerations(request, options);
}

async function activate(request: ActivateRequest, options: StepOptions): Promise<number> {
  const say = options.say ?? sayOnStderr;
  const { profile, generation, action } = request;
  const commands = requestCommands(request, options.nixEnv);
  const before = currentGenerationOf(profile);

  let switched = false;
  if (action !== 'test') {
    const first = commands[0];
    if (!first) return 1;
    say(`nixdeck: $ ${show(first.argv)}`);
    const r = await step(first.argv);
    if (r.exitCode !== 0) {
      say(`error: could not point the profile at generation ${generation} (nix-env ${status(r)}); nothing was changed`);
      return 1;
    }
    switched = before !== generation;
  }
  const activation = commands[commands.length - 1];
  if (!activation) return 1;
  say(`nixdeck: $ ${show(activation.argv)}`);
  const r = await step(activation.argv);
  const outcome = activationOutcome(r.exitCode);
  const cancelled = options.cancelled?.() ?? false;
  if (outcome === 'succeeded') {
    say(`nixdeck: generation ${generation} ${action === 'test' ? 'is active until the next boot (the profile was not changed)' : action === 'boot' ? 'is the boot default now' : 'is active and the boot default now'}`);
    return 0;
  }
  if (outcome === 'partial') {
    say(`nixdeck: ${action === 'test' ? 'activated' : 'switched to'} generation ${generation}, but some units failed (switch-to-configuration exit 4)`);
    return 4;
  }
  const code = r.exitCode !== null && r.exitCode !== 0 && r.exitCode !== 4 ? r.exitCode : 1;
  const what = `activating generation ${generation} failed (switch-to-configuration ${status(r)}${cancelled ? ', cancelled' : ''})`;
  if (action === 'test') {
    say(`error: ${what}; the profile was not touched`);
    return code;
  }
  if (!switched || before === null) {
    say(`error: ${what}; the profile ${before === null ? 'had no generation before, so it stays at' : 'was already at'} generation ${generation}`);
    return code;
  }
  const restore = [options.nixEnv ?? 'nix-env', '-p', profile, '--switch-generation', String(before)];
  say(`nixdeck: $ ${show(restore)}`);
  const back = await step(restore);
  const bootHint = action === 'boot' ? `; the boot menu may still name generation ${generation} as the default until the next switch or boot` : '';
  if (back.exitCode === 0) {
    say(`error: ${what}; the profile was switched back to generation ${before}${bootHint}`);
  } else {
    say(`error: ${what}, and switching the profile back to generation ${before} failed too (nix-env ${status(back)}); the profile still points at generation ${generation}`);
  }
  return code;
}

async function deleteGenerations(request: DeleteRequest, options: StepOptions): Promise<number> {
  const say = options.say ?? sayOnStderr;
  const [remove, refresh] = requestCommands(request, options.nixEnv);
  if (!remove) return 1;
  say(`nixdeck: $ ${show(remove.argv)}`);
  const r = await step(remove.argv);
  if (r.exitCode !== 0) {
    say(`error: deleting generations ${request.generations.join(', ')} failed (nix-env ${status(r)})`);
    return 1;
  }
  say(`nixdeck: deleted generation${request.generations.length === 1 ? '' : 's'} ${request.generations.join(', ')}`);
  if (!refresh) return 0;
  say(`nixdeck: $ ${show(refresh.argv)}`);
  const b = await step(refresh.argv);
  if (b.exitCode !== 0) {
    say(`error: the generations were deleted, but refreshing the boot menu failed (switch-to-configuration ${status(b)}); it may still list them until the next switch or boot`);
    return 1;
  }
  say('nixdeck: boot menu refreshed');
  return 0;
}

/**
 * `nixdeck __activate <json>`: one request, validated, carried out. A cancel (SIGINT/SIGTERM to
 * the run's process group) reaches the running command; this process stays to switch the profile
 * back if the activation then fails.
 */
export async function activateMain(args: readonly string[]): Promise<number> {
  const start = stepRunnerRequest('__activate', args, parseStepRequest, StepRequestError);
  if (!start.ok) return start.exitCode;
  let cancelled = false;
  const onSignal = (): void => {
    cancelled = true;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await runSteps(start.request, { cancelled: () => cancelled });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
