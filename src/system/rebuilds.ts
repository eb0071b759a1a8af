import { execa } from 'execa';
import { isActivating, planRebuild, type RebuildAction, type SudoMode } from '../core/rebuildCommand.js';
import { startRun } from './runLauncher.js';
import type { RunInfo } from './runStore.js';

/** Everything needed to start rebuild runs on this machine. */
export interface RebuildSetup {
  stateDir: string;
  flakeDir: string;
  /** this machine's host name: activating actions run only here for now */
  hostname: string;
  /** the nixos-rebuild program (and any words before the action) */
  executable: string[];
  extraFlags: string[];
  /** argv prefix that runs `nixdeck __supervise` */
  supervisor: string[];
  isRoot: boolean;
  /** the demo's stand-in needs no root: it activates nothing */
  needsRoot: boolean;
  /** runs and their logs live in a temporary folder removed when this process ends (the demo) */
  ephemeral?: boolean;
}

// in a module of its own, so that the console's start-up can use it without loading execa
export { selfCommand } from './selfCommand.js';

/** How root is reached for this action: not needed, sudo without a password, or sudo asking for one. */
export async function sudoModeFor(setup: RebuildSetup, action: RebuildAction): Promise<SudoMode> {
  if (!isActivating(action) || setup.isRoot || !setup.needsRoot) return 'none';
  const probe = await execa('sudo', ['-n', 'true'], { reject: false, stdin: 'ignore' });
  return probe.exitCode === 0 ? 'nopasswd' : 'password';
}

/** Why this rebuild cannot start, or null. */
export function refusal(setup: RebuildSetup, host: string, action: RebuildAction): string | null {
  // the demo's stand-in too: it follows the same rules as the real thing
  if (isActivating(action) && host !== setup.hostname) {
    return `${action} activates the configuration, which only works on this machine (${setup.hostname}) for now; build ${host} instead, or run nixdeck on ${host}`;
  }
  return null;
}

export async function startRebuild(setup: RebuildSetup, host: string, action: RebuildAction, sudo: SudoMode, password?: string): Promise<RunInfo> {
  const plan = planRebuild({ host, action, flakeDir: setup.flakeDir, executable: setup.executable, extraFlags: setup.extraFlags, isRoot: setup.isRoot || !setup.needsRoot, sudo });
  return startRun({
    stateDir: setup.stateDir,
    host,
    action,
    argv: plan.argv,
    flakeDir: setup.flakeDir,
    supervisor: setup.supervisor,
    ...(plan.needsPassword && password !== undefined ? { password } : {}),
  });
}
