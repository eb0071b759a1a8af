// The nixos-rebuild command line for a run: which action, which flake output, how privileges
// are obtained. Pure: the caller decides whether it is root and how sudo behaves.
import { isValidHostName } from './hosts.js';

export const ACTIONS = ['build', 'dry-build', 'test', 'switch', 'boot', 'dry-activate'] as const;
export type RebuildAction = (typeof ACTIONS)[number];

/** How to get root for an activating action when not root already. */
export type SudoMode = 'none' | 'nopasswd' | 'password';

export function isRebuildAction(value: string): value is RebuildAction {
  return (ACTIONS as readonly string[]).includes(value);
}

/** What a run does: a nixos-rebuild action, or `update` (nix flake update of the flake's lock file, host "flake.lock"). */
export type RunAction = RebuildAction | 'update';

export function isRunAction(value: string): value is RunAction {
  return value === 'update' || isRebuildAction(value);
}

/** Actions that touch the running system or the boot loader, and so need root. */
export function isActivating(action: RebuildAction): boolean {
  return action === 'test' || action === 'switch' || action === 'boot' || action === 'dry-activate';
}

export interface RebuildPlanInput {
  host: string;
  action: string;
  flakeDir: string;
  /** the nixos-rebuild program and any words before the action; default ['nixos-rebuild'] */
  executable?: readonly string[];
  extraFlags?: readonly string[];
  isRoot: boolean;
  /**
   * 'none': run without sudo even when activating (the user's own arrangement);
   * 'nopasswd': `sudo -n` (fails at once instead of prompting);
   * 'password': `sudo -S -p ''`, the password goes on the command's standard input.
   */
  sudo: SudoMode;
}

export interface RebuildPlan {
  argv: string[];
  /** the caller must ask for the sudo password and pass it on standard input */
  needsPassword: boolean;
}

export class RebuildPlanError extends Error {}

/**
 * `nixos-rebuild <action> --flake <flakeDir>#<host> --log-format internal-json -v ...extraFlags`,
 * behind `sudo -S -p '' --` or `sudo -n --` when the action activates, the user is not root and
 * sudo is wanted. Throws RebuildPlanError for a host or action that is not safe to pass on.
 */
export function planRebuild(input: RebuildPlanInput): RebuildPlan {
  const { host, action, flakeDir, isRoot, sudo } = input;
  const executable = input.executable ?? ['nixos-rebuild'];
  const extraFlags = input.extraFlags ?? [];
  if (!isValidHostName(host)) throw new RebuildPlanError(`"${host}" is not a valid host name`);
  if (!isRebuildAction(action)) throw new RebuildPlanError(`"${action}" is not a rebuild action (one of: ${ACTIONS.join(', ')})`);
  if (flakeDir === '' || /[#\0\n]/.test(flakeDir)) {
    throw new RebuildPlanError(`the flake folder "${flakeDir}" cannot be used in a flake reference (empty, or holds '#' or a control character)`);
  }
  if (executable.length === 0 || executable[0] === '') throw new RebuildPlanError('the nixos-rebuild executable is empty');
  for (const word of [...executable, ...extraFlags]) {
    if (word.includes('\0')) throw new RebuildPlanError('a command word holds a NUL character');
  }
  if (!['none', 'nopasswd', 'password'].includes(sudo)) throw new RebuildPlanError(`unknown sudo mode "${String(sudo)}"`);

  // the user's flags go before ours: a `-L` after `--log-format internal-json` turns JSON off (Nix 2.8)
  const command = [...executable, action, '--flake', `${flakeDir}#${host}`, ...extraFlags, '--log-format', 'internal-json', '-v'];
  const useSudo = isActivating(action) && !isRoot && sudo !== 'none';
  if (!useSudo) return { argv: command, needsPassword: false };
  // -k: always read the password from stdin, so it is never left for nixos-rebuild to read
  if (sudo === 'password') return { argv: ['sudo', '-k', '-S', '-p', '', '--', ...command], needsPassword: true };
  return { argv: ['sudo', '-n', '--', ...command], needsPassword: false };
}
