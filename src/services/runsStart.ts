// Whether and how a run starts: a rebuild of this machine (local sudo), or a deploy of another
// host over SSH (its sudo, its plan).
import { DEFAULT_PROFILE, type DeployRequest } from '../core/deployPlan.js';
import { type ActivationAction, isActivationAction } from '../core/generationOps.js';
import type { RebuildAction } from '../core/rebuildCommand.js';
import type { RemotePlan, RunCheck, StartResult } from '../core/runsService.js';
import { isRemoteDeploy, type RebuildSetup, refusal, startRebuild, startRemoteRun, sudoModeFor } from '../system/rebuilds.js';
import type { RunInfo } from '../system/runStore.js';
import type { HostPasswords } from './hostPasswords.js';

/** What the console needs to deploy other hosts: their connections, passwords, and preferences. */
export interface RemoteDeploys {
  passwords: HostPasswords;
  /** the build host and confirm timeout of a host (its preferences, the demo's setup) */
  plan(host: string): RemotePlan;
}

/** What starting a run asks for; `follow` takes the run started, before the start is reported. */
export interface StartRequest {
  host: string;
  action: RebuildAction;
  password?: string;
  follow(info: RunInfo): void;
}

export async function checkRun(setup: RebuildSetup, remote: RemoteDeploys | undefined, host: string, action: RebuildAction): Promise<RunCheck> {
  if (remote && isRemoteDeploy(setup, host, action)) {
    const e = await remote.passwords.elevation(host);
    if (!e.ok) return e;
    return { ok: true, needsPassword: e.elevation === 'password' && remote.passwords.get(host) === undefined, remote: remote.plan(host) };
  }
  const refused = refusal(setup, host, action);
  if (refused) return { ok: false, error: refused };
  return { ok: true, needsPassword: (await sudoModeFor(setup, action)) === 'password', remote: null };
}

export async function needsPasswordFor(setup: RebuildSetup, remote: RemoteDeploys | undefined, host: string, action: RebuildAction): Promise<boolean> {
  if (remote && isRemoteDeploy(setup, host, action)) {
    const e = await remote.passwords.elevation(host);
    return e.ok && e.elevation === 'password' && remote.passwords.get(host) === undefined;
  }
  if (refusal(setup, host, action)) return false;
  return (await sudoModeFor(setup, action)) === 'password';
}

export async function startRun(setup: RebuildSetup, remote: RemoteDeploys | undefined, request: StartRequest): Promise<StartResult> {
  const { host, action } = request;
  if (remote && isRemoteDeploy(setup, host, action) && isActivationAction(action)) return startRemoteDeploy(setup, remote, { ...request, action });
  return startLocalRebuild(setup, request);
}

async function startRemoteDeploy(setup: RebuildSetup, remote: RemoteDeploys, { host, action, password, follow }: StartRequest & { action: ActivationAction }): Promise<StartResult> {
  try {
    const e = await remote.passwords.elevation(host);
    if (!e.ok) return { ok: false, error: e.error };
    const given = password ?? remote.passwords.get(host);
    if (e.elevation === 'password' && given === undefined) return { ok: false, error: `sudo on ${host} needs a password` };
    const plan = remote.plan(host);
    const request: DeployRequest = {
      kind: 'deploy',
      host,
      action,
      confirmTimeout: plan.confirmTimeout,
      elevation: e.elevation,
      profile: DEFAULT_PROFILE,
      flakeDir: setup.flakeDir,
      buildHost: plan.buildHost,
      executable: setup.executable,
      extraFlags: setup.extraFlags,
    };
    const info = await startRemoteRun(setup, request, e.elevation === 'password' ? given : undefined);
    follow(info);
    return { ok: true, id: info.id };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

async function startLocalRebuild(setup: RebuildSetup, { host, action, password, follow }: StartRequest): Promise<StartResult> {
  const refused = refusal(setup, host, action);
  if (refused) return { ok: false, error: refused };
  try {
    const sudo = await sudoModeFor(setup, action);
    if (sudo === 'password' && password === undefined) return { ok: false, error: 'sudo needs a password' };
    const info = await startRebuild(setup, host, action, sudo, password);
    follow(info);
    return { ok: true, id: info.id };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}
