// The demo's stand-in for a host reached over SSH: a RemoteHost whose "connection" runs nothing
// anywhere. It answers the elevation probe (a root login) and nixdeck's activation supervisor
// (activate.sh start|read|ack) by doing in this process what the script does on a host: record
// the previous generation, point the host's demo profile at the new system, "activate" it
// (moving run/current-system), wait for the acknowledgement, and roll back without it. Its log
// has the script's lines, so the real deploy steps (deploySteps.ts) follow it unchanged; that part
// is demoSupervisor.ts.
// Only folders inside a nixdeck demo folder are touched.
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_PROFILE } from '../core/deployPlan.js';
import type { ExecResult, Executor } from '../system/executor.js';
import type { Reach, RemoteHost } from '../system/remote/remoteHost.js';
import { SYSTEM_PROFILE } from '../system/profileReader.js';
import { demoRootOf } from './demoGenerations.js';
import { storyOf } from './demoHosts.js';
import { type DemoHostState, type Supervised, stateText, supervise } from './demoSupervisor.js';

export interface DemoRemoteOptions {
  /** 1 = the demo's pace of activation lines; NIXDECK_DEMO_SPEED by default */
  speed?: number;
}

/** A RemoteHost standing in for the demo host whose folder is `root` (<demo>/hosts/<host>). */
export function demoRemoteHost(root: string, host: string, options: DemoRemoteOptions = {}): RemoteHost {
  const speed = options.speed ?? Number(process.env.NIXDECK_DEMO_SPEED ?? 1);
  const h: DemoHostState = {
    root,
    host,
    story: storyOf(host),
    pace: (ms: number) => sleep(Math.max(1, ms / (speed > 0 ? speed : 1))),
    runs: new Map(),
    cutOff: false,
  };
  const { story } = h;
  return {
    name: host,
    destination: host,
    executor: demoExecutor(h),
    async connect() {
      return story.unreachable !== null ? { ok: false, error: story.unreachable } : { ok: true };
    },
    reach: () => reachOf(h),
    freshReach: (timeoutMs) => freshReachOf(h, timeoutMs),
    nixSshOpts: () => '',
    storeUri: () => `ssh-ng://${host}`,
  };
}

const ok = (stdout: string): ExecResult => ({ code: 0, stdout, stderr: '' });
const failed = (why: string, code = 2): ExecResult => ({ code, stdout: '', stderr: `nixdeck-host: error: ${why}\n` });

/** Runs only nixdeck's own steps: activate.sh, the elevation probe and `true`. */
function demoExecutor(h: DemoHostState): Executor {
  const { story, host } = h;
  return {
    async run(argv) {
      if (story.unreachable !== null) return { code: 255, stdout: '', stderr: '', spawnError: story.unreachable ?? 'unreachable' };
      await sleep(story.rttMs);
      if (argv[0] === 'sh' && argv[1] === '-c' && argv[3] === 'activate.sh') return activateScript(h, argv[4] ?? '', argv.slice(5));
      // the elevation probe: the demo logs in as root
      if (argv[0] === 'sh' && argv[1] === '-c' && (argv[2] ?? '').includes('id -u')) return ok('root\n');
      if (argv.length === 1 && argv[0] === 'true') return ok('');
      return { code: 127, stdout: '', stderr: `${argv[0] ?? ''}: the demo's stand-in of ${host} runs only nixdeck's own steps\n` };
    },
  };
}

/** activate.sh start|read|ack */
function activateScript(h: DemoHostState, mode: string, args: readonly string[]): ExecResult {
  if (mode === 'start') return startRun(h, args);
  const s = h.runs.get(args[0] ?? '');
  if (mode === 'read') return ok(s ? stateText(s, Number(args[1] ?? 0) || 0) : 'nixdeck-deploy-state 1\nmissing\n');
  if (mode === 'ack') {
    if (!s) return failed(`no run folder for this deploy on ${h.host}`);
    s.acked = true;
    return ok('acknowledged\n');
  }
  return failed('usage: activate.sh start|read|ack ...');
}

function startRun(h: DemoHostState, args: readonly string[]): ExecResult {
  const [target = '', given = '', action = '', timeoutText = '', token = ''] = args;
  const profile = demoProfileOf(h.root, given);
  if (profile === null) return failed(`the profile is not one of the demo's: ${given}`);
  if (!['switch', 'boot', 'test'].includes(action)) return failed(`the action must be switch, boot or test: ${action}`);
  if (!/^[A-Za-z0-9]{8,64}$/.test(token) || h.runs.has(token)) return failed('the token must be 8 to 64 letters and digits, new for each run');
  const s: Supervised = { log: '', alive: true, acked: false, result: null };
  h.runs.set(token, s);
  void supervise(h, s, { target, profile, action, timeout: Number(timeoutText) || 0 }).catch((error: unknown) => {
    s.log += `nixdeck-host: error: ${(error as Error).message}\n`;
    s.result = { status: 'failed', code: 1, message: (error as Error).message };
    s.alive = false;
  });
  return ok(`started ${h.root}/run/nixdeck/nixdeck-deploy-${token}\n`);
}

/** The profile a request names, if it is this demo host's. */
function demoProfileOf(root: string, given: string): string | null {
  const profile = given === DEFAULT_PROFILE ? path.join(root, SYSTEM_PROFILE) : given;
  return demoRootOf(profile) === root ? profile : null;
}

async function reachOf(h: DemoHostState): Promise<Reach> {
  if (h.story.unreachable !== null) return { ok: false, error: h.story.unreachable };
  await sleep(h.story.rttMs);
  return { ok: true, rttMs: h.story.rttMs };
}

async function freshReachOf(h: DemoHostState, timeoutMs: number): Promise<Reach> {
  if (h.story.unreachable !== null) return { ok: false, error: h.story.unreachable };
  if (h.cutOff) {
    // a firewall that drops new connections: the attempt times out (the stand-in gives up after 1 s)
    await sleep(Math.min(1000, timeoutMs));
    return { ok: false, error: 'timed out after 1 s' };
  }
  const handshake = h.story.rttMs * 4 + 30;
  await sleep(handshake);
  return { ok: true, rttMs: handshake };
}
