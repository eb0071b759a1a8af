// The steps of a remote deploy or generation switch, run by `nixdeck __deploy <json>` inside a
// detached run (so everything said here lands in the run's log): build here, copy the closure,
// start the host's activation supervisor (scripts/activate.sh) over the host's connection, follow
// its log, prove the host still takes NEW SSH connections and acknowledge, report the outcome.
// Without the acknowledgement in time the host rolls itself back; that is reported as a failure
// with the words "rolled back" and what could not be reached.
import { randomBytes } from 'node:crypto';
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleepFor } from 'node:timers/promises';
import {
  buildArgv,
  builtToplevel,
  copyArgv,
  countdownLine,
  type HostResult,
  hostPhaseOf,
  hostScriptArgv,
  outcomeOf,
  parseHostState,
  phaseLine,
  type RemoteRequest,
  supervisorArgs,
} from '../../core/deployPlan.js';
import { shellCommand } from '../../core/shellQuote.js';
import type { RemoteHost } from './remoteHost.js';

/** A local command with its output in our log; the exit code, or a problem in words. */
export type LocalStep = (argv: readonly string[], options: { cwd?: string; env?: Record<string, string> }) => Promise<{ exitCode: number | null; problem: string | null }>;

export interface DeployDeps {
  remote: RemoteHost;
  /** the text of scripts/activate.sh */
  script: string;
  /** one line of our own in the log */
  say(line: string): void;
  step: LocalStep;
  /** where the build's `result` link is made (the run's folder) */
  workDir: string;
  /** the sudo password for the host (elevation "password"); never logged */
  password?: string;
  token?: string;
  /** how often the host's log is read; default 500 ms */
  pollMs?: number;
  /** how long a fresh connection may take; default 10 s */
  connectTimeoutMs?: number;
  /** after the confirm deadline, how long the host's outcome is waited for; default 120 s */
  settleMs?: number;
  /** consecutive failed reads of the host before giving up (outside the confirm phase); default 60 s */
  lostAfterMs?: number;
  now?(): number;
  sleep?(ms: number): Promise<void>;
}

interface Confirm {
  deadline: number;
  acked: boolean;
  /** why the last try did not confirm */
  lastError: string | null;
  nextTry: number;
  gaveUp: boolean;
}

const READ_TIMEOUT_MS = 20_000;
const START_TIMEOUT_MS = 60_000;

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l !== '') ?? ''
  );
}

/** Carry out a request; returns the run's exit status (0 ok, 4 partial, 1 failed, 2 bad request). */
export async function runRemoteRequest(request: RemoteRequest, deps: DeployDeps): Promise<number> {
  const { remote, say } = deps;
  let target: string | number;
  if (request.kind === 'deploy') {
    const build = buildArgv(request);
    say(phaseLine('build', `${request.host} ${request.buildHost ? `on ${request.buildHost}` : 'here'}`));
    say(`nixdeck: $ ${shellCommand(build)}`);
    const built = await deps.step(build, { cwd: deps.workDir });
    if (built.exitCode !== 0) {
      say(`error: building ${request.host} failed (${built.exitCode !== null ? `exit ${built.exitCode}` : built.problem}); ${request.host} was not changed`);
      return 1;
    }
    let toplevel: string | null = null;
    try {
      toplevel = builtToplevel(realpathSync(path.join(deps.workDir, 'result')));
    } catch {
      toplevel = null;
    }
    if (toplevel === null) {
      say(`error: the build of ${request.host} left no result link to a store path in ${deps.workDir}; ${request.host} was not changed`);
      return 1;
    }
    say(`nixdeck: built ${toplevel}`);
    const copy = copyArgv(remote.storeUri(), toplevel);
    say(phaseLine('copy', `${toplevel} to ${request.host}`));
    say(`nixdeck: $ NIX_SSHOPTS=${shellCommand([remote.nixSshOpts()])} ${shellCommand(copy)}`);
    const copied = await deps.step(copy, { env: { NIX_SSHOPTS: remote.nixSshOpts() } });
    if (copied.exitCode !== 0) {
      say(`error: copying the system to ${request.host} failed (${copied.exitCode !== null ? `exit ${copied.exitCode}` : copied.problem}); ${request.host} was not changed`);
      return 1;
    }
    target = toplevel;
  } else {
    target = request.generation;
  }

  say(phaseLine('activate', `${request.action} ${request.host} to ${typeof target === 'number' ? `generation ${target}` : target}`));
  if (request.action === 'boot') say('nixdeck: a boot deploy is not protected by the automatic rollback: check the host after its next reboot');
  else if (request.confirmTimeout === 0) say('nixdeck: the automatic rollback is off (confirm timeout 0)');
  const token = deps.token ?? randomBytes(12).toString('hex');
  const started = await remote.executor.run(hostScriptArgv(deps.script, 'start', supervisorArgs(target, request, token)), {
    input: `${request.elevation === 'password' ? (deps.password ?? '') : ''}\n${deps.script}`,
    timeoutMs: START_TIMEOUT_MS,
  });
  if (started.code !== 0 || started.spawnError) {
    const why = started.spawnError ?? (firstLine(started.stderr) || `exit ${started.code}`);
    say(`error: the activation supervisor could not be started on ${request.host}: ${why.replace(/^nixdeck-host: error: /, '')}; ${request.host} was not changed`);
    return 1;
  }
  return follow(request, deps, token);
}

async function follow(request: RemoteRequest, deps: DeployDeps, token: string): Promise<number> {
  const { remote, say, script } = deps;
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => sleepFor(ms));
  const pollMs = deps.pollMs ?? 500;
  const lostAfterMs = deps.lostAfterMs ?? 60_000;
  const settleMs = deps.settleMs ?? 120_000;
  const connectTimeoutMs = deps.connectTimeoutMs ?? 10_000;
  const host = request.host;

  let offset = 0;
  let partial = '';
  const protectedRun = request.action !== 'boot' && request.confirmTimeout > 0;
  // confirm: from the host's `phase confirm N` line, or (estimated) from the first read that fails
  // once the activation has started: a host that cut itself off cannot say it is confirming
  const st: { confirm: Confirm | null; seen: boolean; deadSince: number | null; lastReadError: string | null } = {
    confirm: null,
    seen: false,
    deadSince: null,
    lastReadError: null,
  };
  let lastRead = now();
  const startConfirm = (seconds: number, why: string): void => {
    if (st.confirm !== null) return;
    say(phaseLine('confirm', why));
    // a little short of the host's own deadline, so that the acknowledgement is there in time
    st.confirm = { deadline: now() + Math.max(1, seconds - Math.min(2, seconds / 5)) * 1000, acked: false, lastError: null, nextTry: 0, gaveUp: false };
  };

  const onLine = (line: string): void => {
    say(line);
    const phase = hostPhaseOf(line);
    if (phase?.phase === 'confirm') {
      st.seen = true;
      startConfirm(phase.timeout, `${host} waits ${phase.timeout} s for proof that it still takes new SSH connections; without it, it rolls back`);
    }
  };

  for (;;) {
    const r = await remote.executor.run(hostScriptArgv(script, 'read', [token, String(offset)]), { timeoutMs: READ_TIMEOUT_MS });
    const state = r.code === 0 && !r.spawnError ? parseHostState(r.stdout) : null;
    if (state?.kind === 'missing') {
      say(`error: the activation supervisor's folder on ${host} is gone; what happened there is unknown`);
      return 1;
    }
    let result: HostResult | null = null;
    let readProblem: string | null = null;
    if (state?.kind === 'state') {
      lastRead = now();
      const lines = (partial + state.log).split('\n');
      partial = lines.pop() ?? '';
      offset = state.size;
      for (const line of lines) onLine(line);
      result = state.result;
      // the supervisor records its pid a moment after it was started
      st.deadSince = result === null && !state.alive ? (st.deadSince ?? now()) : null;
      if (st.deadSince !== null && now() - st.deadSince > 10_000) {
        say(`error: the activation supervisor on ${host} ended without a result; check the host (its log is above)`);
        return 1;
      }
    } else {
      readProblem = state?.kind === 'bad' ? state.problem : (r.spawnError ?? (firstLine(r.stderr) || `exit ${r.code}`));
      st.lastReadError = readProblem;
      if (protectedRun) startConfirm(request.confirmTimeout, `${host} does not answer (${readProblem}); without proof that it takes new SSH connections within ${request.confirmTimeout} s, it rolls back`);
    }

    if (result !== null) {
      if (partial !== '') onLine(partial);
      const c = st.confirm;
      const unreachable = c !== null && !c.acked ? (c.lastError ?? st.lastReadError) : null;
      const outcome = outcomeOf(host, result, unreachable);
      say(outcome.line);
      return outcome.exitCode;
    }

    const c = st.confirm;
    if (c !== null && !c.acked && !c.gaveUp && now() >= c.nextTry) {
      const left = (c.deadline - now()) / 1000;
      if (left <= 0) {
        c.gaveUp = true;
        say(`nixdeck: no acknowledgement sent: ${host} did not take a new SSH connection in time (${c.lastError ?? st.lastReadError ?? 'no answer'}); it rolls itself back`);
      } else {
        say(countdownLine(left, c.lastError));
        const fresh = await remote.freshReach(Math.min(connectTimeoutMs, left * 1000));
        if (!fresh.ok) c.lastError = fresh.error;
        else if (!st.seen) c.lastError = null; // it answers again: its log tells where it is
        else {
          // only after the activation: a connection made before it proves nothing
          const ack = await remote.executor.run(hostScriptArgv(script, 'ack', [token]), { timeoutMs: READ_TIMEOUT_MS });
          if (ack.code === 0 && !ack.spawnError) {
            c.acked = true;
            say(`nixdeck: ${host} took a new SSH connection (${Math.round(fresh.rttMs)} ms): acknowledged`);
          } else {
            c.lastError = `the acknowledgement could not be written: ${ack.spawnError ?? (firstLine(ack.stderr) || `exit ${ack.code}`)}`;
          }
        }
        c.nextTry = now() + (c.acked || (fresh.ok && st.seen) ? 0 : 2000);
      }
    }

    const waitingForRollback = c !== null && !c.acked;
    const limit = waitingForRollback && c !== null ? c.deadline + settleMs : lastRead + lostAfterMs;
    if (readProblem !== null && now() > limit) {
      say(
        waitingForRollback
          ? `error: ${host} was not acknowledged and has not answered since (${readProblem}); it should have rolled itself back: check it`
          : `error: lost contact with ${host} (${readProblem}); its activation supervisor goes on there`,
      );
      return 1;
    }
    await sleep(pollMs);
  }
}
