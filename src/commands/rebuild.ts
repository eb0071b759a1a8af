import {
  DEFAULT_CONFIRM_TIMEOUT,
  type DeployOptions,
  deployOptionsOf,
  deployRequestOf,
  type Elevation,
  isBuildHost,
  type RemoteRequest,
} from '../core/deployPlan.js';
import { type ActivationAction, isActivationAction } from '../core/generationOps.js';
import { isValidHostName } from '../core/hosts.js';
import { isRebuildAction, type RebuildAction } from '../core/rebuildCommand.js';
import { formatDuration } from '../core/runSummary.js';
import type { Environment } from '../system/context.js';
import { openPrefs } from '../system/prefs.js';
import { isRemoteDeploy, type RebuildSetup, refusal, startRebuild, startRemoteRun, sudoModeFor } from '../system/rebuilds.js';
import { probeElevation } from '../system/remote/deployElevation.js';
import { resultOf, savedSummaryOf, summaryOf, trackRun } from '../system/runTracking.js';
import { listRuns, readRun, LOG_FILE, RunLookupError, type RunInfo } from '../system/runStore.js';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { BuildProgress } from '../core/buildProgress.js';
import type { FinishedBuild } from '../core/progressSnapshot.js';
import { parseLogLine } from '../core/nixLog.js';
import path from 'node:path';
import { type Io, printJson } from './io.js';
import { table } from './table.js';
import { sudoPassword } from './password.js';

export interface RebuildOptions {
  /** --confirm-timeout SECONDS (another host) */
  confirmTimeout?: string;
  /** --build-host DEST (another host) */
  buildHost?: string;
}

/** `nixdeck rebuild HOST --action A`: a detached run, followed here with one line per event of note. */
export async function rebuildCommand(env: Environment, io: Io, host: string, actionName = 'build', options: RebuildOptions = {}): Promise<number> {
  if (!isValidHostName(host)) {
    io.err(`error: "${host}" is not a valid host name`);
    return 2;
  }
  if (!isRebuildAction(actionName)) {
    io.err(`error: --action takes build, dry-build, test, switch, boot or dry-activate, not "${actionName}"`);
    return 2;
  }
  const action: RebuildAction = actionName;
  const setup = env.rebuild;
  const remote = isRemoteDeploy(setup, host, action);
  const checked = deployOptionsOf(options, remote, `${action} on ${host}`);
  if (!checked.ok) {
    io.err(`error: ${checked.error}`);
    return 2;
  }
  if (remote && isActivationAction(action)) return deployCommand(env, io, host, action, checked.value);
  const refused = refusal(setup, host, action);
  if (refused) {
    io.err(`error: ${refused}`);
    return 1;
  }
  const sudo = await sudoModeFor(setup, action);
  const asked = await sudoPassword(io, sudo === 'password', `[sudo] password for ${action} on ${host}: `);
  if (!asked.ok) return 1;
  let password = asked.password;
  const run = await startRebuild(setup, host, action, sudo, password);
  password = undefined;
  io.err(startedLine(setup, run.id, `nixos-rebuild ${action} ${host}`));
  return followHere(setup, run, io);
}

/** Build here (or on the build host), copy, activate on HOST under its own supervisor, confirm. */
async function deployCommand(env: Environment, io: Io, host: string, action: ActivationAction, options: DeployOptions): Promise<number> {
  const setup = env.rebuild;
  const ready = await remoteReady(env, io, host, action);
  if (!ready.ok) return 1;
  const request = deployRequestOf({ host, action, elevation: ready.elevation }, setup, options, deployPrefs(setup, host));
  for (const line of protectionLines(request)) io.err(line);
  let password = ready.password;
  const run = await startRemoteRun(setup, request, password);
  password = undefined;
  io.err(startedLine(setup, run.id, `deploy ${action} to ${host}`));
  const code = await followHere(setup, run, io, { echoLog: true });
  return code === 0 || code === 4 ? code : 1;
}

/** What the user is told before a remote activation starts: whether the automatic rollback covers it. */
export function protectionLines(request: Pick<RemoteRequest, 'host' | 'action' | 'confirmTimeout'>): string[] {
  if (request.action === 'boot') return [`note: a boot deploy is not protected by the automatic rollback: ${request.host} boots it at its next reboot, check it then`];
  if (request.confirmTimeout === 0) return [`note: the automatic rollback is off (confirm timeout 0): if ${request.host} cuts itself off, it stays that way`];
  return [`note: ${request.host} goes back to its previous generation by itself unless nixdeck reaches it over a new SSH connection within ${request.confirmTimeout} s of the activation`];
}

/** The confirm timeout and build host preferences of a host (defaults when there are none). */
export function remotePrefs(host: string): { confirmTimeout: number; buildHost: string | null } {
  try {
    const prefs = openPrefs().get();
    const buildHost = prefs.hosts?.[host]?.buildHost;
    return { confirmTimeout: prefs.confirmTimeout ?? DEFAULT_CONFIRM_TIMEOUT, buildHost: buildHost !== undefined && isBuildHost(buildHost) ? buildHost : null };
  } catch {
    return { confirmTimeout: DEFAULT_CONFIRM_TIMEOUT, buildHost: null };
  }
}

/** The preferences of a deploy to `host`; the demo reads none: its setup says how long its hosts wait. */
export function deployPrefs(setup: RebuildSetup, host: string): { confirmTimeout: number; buildHost: string | null } {
  return setup.confirmTimeout !== undefined ? { confirmTimeout: setup.confirmTimeout, buildHost: null } : remotePrefs(host);
}

/** The host answers, and how its activation gets root (the password asked here when sudo needs one). */
export async function remoteReady(env: Environment, io: Io, host: string, action: string): Promise<{ ok: true; elevation: Elevation; password?: string } | { ok: false }> {
  if (!env.remoteHost) {
    io.err(`error: ${host} cannot be reached from here (no SSH in this environment)`);
    return { ok: false };
  }
  const remote = await env.remoteHost(host);
  const probe = await probeElevation(remote.executor);
  if (!probe.ok) {
    io.err(`error: ${host} cannot be reached: ${probe.error}`);
    return { ok: false };
  }
  if (probe.elevation !== 'password') return { ok: true, elevation: probe.elevation };
  const asked = await sudoPassword(io, true, `[sudo] password for ${action} on ${host}: `);
  if (!asked.ok) return { ok: false };
  return { ok: true, elevation: 'password', ...(asked.password !== undefined ? { password: asked.password } : {}) };
}

/** Said under `runs` in the demo, whose runs are not kept. */
export const DEMO_RUNS_NOTE = "note: these are the demo's runs, in its temporary folder: they stop and are removed with it when this command ends";

/** The first line about a run started here: where it lives and how to follow it. */
export function startedLine(setup: RebuildSetup, id: string, what: string): string {
  if (setup.ephemeral) return `run ${id}: ${what} (the demo's run lives in its temporary folder: Ctrl-C stops it, and it is removed with its log when this command ends)`;
  return `run ${id}: ${what} (it goes on if this command is interrupted; follow it with: nixdeck log ${id})`;
}

/**
 * followToEnd; in the demo, whose folder goes when the command ends, Ctrl-C stops following so
 * that the command ends the orderly way (the demo's clean-up cancels the run and removes it).
 */
export async function followHere(setup: RebuildSetup, run: RunInfo, io: Io, options: Omit<FollowOptions, 'ephemeral' | 'signal'> = {}): Promise<number> {
  if (!setup.ephemeral) return followToEnd(run, io, options);
  const interrupt = new AbortController();
  const stopListening = io.onInterrupt(() => interrupt.abort());
  try {
    return await followToEnd(run, io, { ...options, ephemeral: true, signal: interrupt.signal });
  } finally {
    stopListening();
  }
}

const CANCELLED_EXIT = 130;

export interface FollowOptions {
  /** print the run's log lines as they come (activation runs) instead of stages and builds */
  echoLog?: boolean;
  /** the run and its log are removed when this command ends (the demo): point to no log */
  ephemeral?: boolean;
  /** stop following (Ctrl-C in the demo): the command ends with 130 */
  signal?: AbortSignal;
}

/** Follow a run to its end, printing as it goes; returns its exit status (1 when it has none). */
export async function followToEnd(run: RunInfo, io: Io, options: FollowOptions = {}): Promise<number> {
  const controller = new AbortController();
  options.signal?.addEventListener('abort', () => controller.abort(), { once: true });
  let echoed = 0;
  const seenRunning = new Set<string>();
  let finished = 0;
  let stage = '';
  /** finished builds in order; one whose outcome is not known yet (newer Nix sends the counter after the stop) waits, unless the run has ended */
  const reportFinished = (list: readonly FinishedBuild[], ended: boolean): void => {
    for (let b = list[finished]; b !== undefined && (ended || b.outcome !== 'unknown'); b = list[++finished]) {
      // unknown at the end: the build was stopped (an interrupt) or the stream was cut off
      io.out(`${b.outcome === 'unknown' ? 'stopped' : b.outcome} ${b.name} in ${formatDuration(b.durationMs)}`);
    }
  };
  const tracked = trackRun(run.dir, {
    signal: controller.signal,
    onChange: () => {
      if (options.echoLog) {
        const total = tracked.progress.totalLines;
        for (const line of tracked.progress.tailLines(total - echoed)) io.out(line);
        echoed = total;
        return;
      }
      const snap = tracked.progress.snapshot({ tailLines: 0 });
      if (snap.stage !== stage) io.out(`… ${(stage = snap.stage)}`);
      for (const b of snap.running) if (!seenRunning.has(b.id)) {
        seenRunning.add(b.id);
        io.out(`building ${b.name} (${snap.builds.done}/${snap.builds.expected})`);
      }
      reportFinished(snap.finished, false);
    },
  });
  const info = await tracked.done;
  if (options.signal?.aborted && !info.exit) {
    io.err(`interrupted: the demo's run ${info.id} is stopped and removed with its folder`);
    return CANCELLED_EXIT;
  }
  reportFinished(tracked.progress.snapshot({ tailLines: 0 }).finished, true);
  const summary = summaryOf(info, tracked.progress);
  if (!summary) {
    io.err(`error: run ${info.id} ended without an exit status (${info.reason ?? 'its supervisor is gone'})`);
    return 1;
  }
  if (!options.echoLog) for (const e of summary.errors) io.err(e);
  for (const f of summary.failedDerivations) {
    io.err(`failed derivation ${f.name}; last lines:`);
    for (const line of f.lastLines.slice(-10)) io.err(`  > ${line}`);
  }
  io.out(`${info.meta?.host} ${info.meta?.action}: ${summary.headline}`);
  if (summary.result !== 'succeeded') io.err(options.ephemeral ? "the demo's log is removed with its folder when this command ends" : `full log: nixdeck log ${info.id}`);
  // a cancelled run ends by SIGINT: 130, as a shell reports it
  return summary.result === 'cancelled' ? (summary.exitCode ?? CANCELLED_EXIT) : (summary.exitCode ?? 1);
}

export async function runsCommand(env: Environment, io: Io, json: boolean, host?: string): Promise<number> {
  const runs = (await listRuns(env.rebuild.stateDir)).filter((r) => !host || r.meta?.host === host);
  const rows = await Promise.all(
    runs.map(async (r) => ({
      id: r.id,
      host: r.meta?.host ?? null,
      action: r.meta?.action ?? null,
      state: r.state,
      result: await resultOf(r),
      startedAt: r.meta?.startedAt ?? null,
      endedAt: r.exit?.endedAt ?? null,
      exitCode: r.exit?.exitCode ?? null,
      cancelled: r.exit?.cancelled ?? false,
      ...(r.reason ? { reason: r.reason } : {}),
    })),
  );
  if (json) printJson(io, rows);
  else if (rows.length === 0) io.out('no runs yet');
  else {
    // a lost run has no recorded end: say so rather than a result it never reported
    const shown = (r: (typeof rows)[number]): string => (r.state === 'lost' ? 'lost' : r.result);
    for (const line of table([['RUN', 'HOST', 'ACTION', 'RESULT', 'STARTED', 'EXIT'], ...rows.map((r) => [r.id, r.host ?? '?', r.action ?? '?', shown(r), r.startedAt ?? '?', r.exitCode === null ? '' : String(r.exitCode)])])) io.out(line);
  }
  if (env.rebuild.ephemeral) io.err(DEMO_RUNS_NOTE);
  return 0;
}

/** `nixdeck log RUN`: the saved log as it was written, or with --summary the parsed outcome. */
export async function logCommand(env: Environment, io: Io, runName: string, summaryWanted: boolean, json: boolean): Promise<number> {
  let run: RunInfo;
  try {
    run = await readRun(env.rebuild.stateDir, runName);
  } catch (error) {
    if (error instanceof RunLookupError) {
      // the lookup's message already says where to look
      io.err(`error: ${error.message}`);
      return 1;
    }
    throw error;
  }
  if (!summaryWanted) {
    for await (const chunk of createReadStream(path.join(run.dir, LOG_FILE))) await io.raw(chunk as Buffer);
    return 0;
  }
  // the supervisor saved the summary with real build times; an older run's log is parsed again
  const progress = new BuildProgress();
  const info = run;
  const saved = info.exit ? await savedSummaryOf(info) : null;
  if (!saved) {
    const lines = createInterface({ input: createReadStream(path.join(run.dir, LOG_FILE)), crlfDelay: Infinity });
    for await (const line of lines) progress.apply(parseLogLine(line), 0);
  }
  const snap = progress.snapshot({ tailLines: 0 });
  const result = saved ?? { result: info.state, headline: `${info.state}: ${snap.builds.done}/${snap.builds.expected} builds so far`, builds: snap.builds };
  if (json) printJson(io, { id: info.id, host: info.meta?.host ?? null, action: info.meta?.action ?? null, ...result });
  else io.out(`${info.id}: ${result.headline}`);
  return 0;
}
