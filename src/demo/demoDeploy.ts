// `nixdeck __demo-deploy <json>`: the demo's step runner of a deploy or generation switch on one
// of its "remote" hosts. The real steps (deploySteps.ts: phases, countdown, acknowledgement,
// outcome) run unchanged against stand-ins: the build is the demo's replayed nixos-rebuild
// ending in a system written to the demo's store, the copy only says what it would copy, and the
// host is demoRemote.ts. Nothing outside the demo's folder changes; no ssh, no nix.
import { execaSync } from 'execa';
import { symlinkSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_PROFILE, parseRemoteRequest, type RemoteRequest, RemoteRequestError } from '../core/deployPlan.js';
import { runRemoteRequest, type LocalStep } from '../system/remote/deploySteps.js';
import { SYSTEM_PROFILE } from '../system/profileReader.js';
import { stepRunnerRequest } from '../system/stepRunnerRequest.js';
import { demoRootOf } from './demoGenerations.js';
import { demoFlakeToplevel, storyOf, writeNewSystem } from './demoHosts.js';
import { demoRebuildMain } from './demoRebuild.js';
import { demoRemoteHost } from './demoRemote.js';
import { demoGitVariables } from './demoRepo.js';

/**
 * The revision nix gives a build of the demo's flake now: HEAD, with "-dirty" when tracked files
 * have uncommitted changes; null when the demo has no repository.
 */
function flakeRevision(root: string): string | null {
  const demoDir = path.dirname(path.dirname(root));
  const flakeDir = path.join(demoDir, 'fleet');
  const git = (args: string[]) =>
    execaSync('git', ['-C', flakeDir, '--no-optional-locks', ...args], {
      env: demoGitVariables(demoDir),
      timeout: 5_000,
      reject: false,
      stdin: 'ignore',
    });
  try {
    const head = git(['rev-parse', '--verify', '--quiet', 'HEAD']);
    if (head.exitCode !== 0 || !/^[0-9a-f]{40}$/.test(String(head.stdout).trim())) return null;
    const status = git(['status', '--porcelain', '--untracked-files=no', '-z']);
    if (status.exitCode !== 0) return null;
    return `${String(head.stdout).trim()}${String(status.stdout).length > 0 ? '-dirty' : ''}`;
  } catch {
    return null;
  }
}

export interface DemoDeployOptions {
  say?: (line: string) => void;
  /** NIXDECK_DEMO_SPEED by default */
  speed?: number;
  /** how often the stand-in host's log is read (default 250 ms) */
  pollMs?: number;
}

/** The demo folder of the request's host: `<demo>/hosts/<host>`, or why there is none. */
export function demoHostRoot(request: RemoteRequest): { ok: true; root: string } | { ok: false; error: string } {
  let root: string | null;
  if (request.profile !== DEFAULT_PROFILE) root = demoRootOf(request.profile);
  else if (request.kind === 'deploy') root = demoRootOf(path.join(path.dirname(request.flakeDir), 'hosts', request.host, SYSTEM_PROFILE));
  else root = null;
  if (root === null || path.basename(root) !== request.host) {
    return { ok: false, error: `${request.host} is not a host of a nixdeck demo folder; the demo's stand-in changes nothing else` };
  }
  return { ok: true, root };
}

/** The local steps of a demo deploy: the replayed build (its result linked into `cwd`) and the copy. */
function demoSteps(root: string, host: string, speed: number, say: (line: string) => void): LocalStep {
  const pace = (ms: number) => sleep(Math.max(1, ms / (speed > 0 ? speed : 1)));
  let built: string | null = null;
  return async (argv, options) => {
    const flakeAt = argv.indexOf('--flake');
    if (flakeAt >= 0 && argv.includes('build')) {
      const top = storyOf(host).flake === 'new' ? writeNewSystem(root, host, flakeRevision(root)) : demoFlakeToplevel(root, host);
      if (top === null) return { exitCode: 1, problem: null };
      const code = await demoRebuildMain(['build', '--flake', argv[flakeAt + 1] ?? ''], speed, { out: say, toplevel: top });
      if (code !== 0) return { exitCode: code, problem: null };
      if (options.cwd !== undefined) symlinkSync(top, path.join(options.cwd, 'result'));
      built = top;
      return { exitCode: 0, problem: null };
    }
    const to = argv.indexOf('--to');
    if (argv.includes('copy') && to >= 0 && built !== null) {
      say('copying 1 paths...');
      await pace(400);
      say(`copying path '${built}' to '${argv[to + 1] ?? ''}'...`);
      await pace(600);
      return { exitCode: 0, problem: null };
    }
    return { exitCode: null, problem: `the demo runs no ${argv[0] ?? 'command'}` };
  };
}

/** Carry out a demo request; the exit status of the real step runner (0 ok, 4 partial, 1 failed, 2 bad request). */
export async function runDemoRequest(request: RemoteRequest, options: DemoDeployOptions = {}): Promise<number> {
  const say = options.say ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const speed = options.speed ?? Number(process.env.NIXDECK_DEMO_SPEED ?? 1);
  const found = demoHostRoot(request);
  if (!found.ok) {
    say(`error: ${found.error}`);
    return 1;
  }
  const { root } = found;
  const workDir = await mkdtemp(path.join(path.dirname(path.dirname(root)), 'deploy-'));
  try {
    return await runRemoteRequest(request, {
      remote: demoRemoteHost(root, request.host, { speed }),
      script: "# the demo's stand-in host runs no script",
      say,
      step: demoSteps(root, request.host, speed, say),
      workDir,
      pollMs: options.pollMs ?? 250,
    });
  } finally {
    await rm(workDir, { recursive: true, force: true }).catch(() => {});
  }
}

export async function demoDeployMain(args: readonly string[]): Promise<number> {
  const start = stepRunnerRequest('__demo-deploy', args, parseRemoteRequest, RemoteRequestError);
  return start.ok ? runDemoRequest(start.request) : start.exitCode;
}
