import { execa } from 'execa';
import type { RemoteRequest } from '../core/deployPlan.js';
import { isActivating, planRebuild, type RebuildAction, type SudoMode } from '../core/rebuildCommand.js';
import { startRun } from './runLauncher.js';
import type { RunInfo } from './runStore.js';
import { selfCommand } from './selfCommand.js';

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
  /** argv prefix of `nixdeck __deploy` (default: this program; the demo's stand-in in the demo) */
  deployRunner?: string[];
  /** the confirm timeout of remote activations when no preferences are read (the demo's) */
  confirmTimeout?: number;
}

// in a module of its own, so that the console's start-up can use it without loading execa
export { selfCommand };

/** How root is reached for this action: not needed, sudo without a password, or sudo asking for one. */
export async function sudoModeFor(setup: RebuildSetup, action: RebuildAction): Promise<SudoMode> {
  if (!isActivating(action) || setup.isRoot || !setup.needsRoot) return 'none';
  const probe = await execa('sudo', ['-n', 'true'], { reject: false, stdin: 'ignore' });
  return probe.exitCode === 0 ? 'nopasswd' : 'password';
}

/**
 * Why this nixos-rebuild run (here) cannot start, or null: activating another host's configuration
 * here would be wrong. Another host is deployed to with startRemoteRun instead (switch, boot, test).
 */
export function refusal(setup: RebuildSetup, host: string, action: RebuildAction): string | null {
  // the demo's stand-in too: it follows the same rules as the real thing
  if (isActivating(action) && host !== setup.hostname) {
    return `${action} activates the configuration, which only works on this machine (${setup.hostname}) for now; build ${host} instead, or run nixdeck on ${host}`;
  }
  return null;
}

/** Whether `rebuild HOST --action A` deploys to another host (over SSH; in the demo, to its stand-ins), not dry-activate. */
export function isRemoteDeploy(setup: RebuildSetup, host: string, action: RebuildAction): boolean {
  return host !== setup.hostname && (action === 'switch' || action === 'boot' || action === 'test');
}

/** Start a remote deploy or generation switch (`nixdeck __deploy`) as a detached run. */
export async function startRemoteRun(setup: RebuildSetup, request: RemoteRequest, password?: string): Promise<RunInfo> {
  const runner = setup.deployRunner ?? selfCommand('__deploy');
  return startRun({
    stateDir: setup.stateDir,
    host: request.host,
    action: request.action,
    argv: [...runner, JSON.stringify(request)],
    flakeDir: setup.flakeDir,
    supervisor: setup.supervisor,
    ...(request.elevation === 'password' && password !== undefined ? { password } : {}),
  });
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
