// The demo's stand-in for a host reached over SSH: a RemoteHost whose "connection" runs nothing
// anywhere. It answers the elevation probe (a root login) and nixdeck's activation supervisor
// (activate.sh start|read|ack) by doing in this process what the script does on a host: record
// the previous generation, point the host's demo profile at the new system, "activate" it
// (moving run/current-system), wait for the acknowledgement, and roll back without it. Its log
// has the script's lines, so the real deploy steps (deploySteps.ts) follow it unchanged.
// Only folders inside a nixdeck demo folder are touched.
import { existsSync, readdirSync, readlinkSync, realpathSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_PROFILE, type HostResultStatus } from '../core/deployPlan.js';
import type { ExecResult, Executor } from '../system/executor.js';
import type { Reach, RemoteHost } from '../system/remote/remoteHost.js';
import { SYSTEM_PROFILE } from '../system/profileReader.js';
import { activationLines, demoRootOf, relink } from './demoGenerations.js';
import { newSystemPath, storyOf } from './demoHosts.js';

export interface DemoRemoteOptions {
  /** 1 = the demo's pace of activation lines; NIXDECK_DEMO_SPEED by default */
  speed?: number;
}

interface Supervised {
  log: string;
  alive: boolean;
  acked: boolean;
  result: { status: HostResultStatus; code: number; message: string } | null;
}

function resolved(p: string): string | null {
  try {
    return realpathSync(p);
  } catch {
    return null;
  }
}

function generationNumbers(profile: string): number[] {
  const name = path.basename(profile);
  const pattern = new RegExp(`^${name}-(\\d+)-link$`);
  return readdirSync(path.dirname(profile))
    .map((e) => pattern.exec(e)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

function currentNumber(profile: string): number | null {
  try {
    const m = /-(\d+)-link$/.exec(readlinkSync(profile));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** `nix-env -p PROFILE --set SYSTEM`: a new generation, unless the newest already is that system. */
function setProfile(profile: string, system: string): void {
  const numbers = generationNumbers(profile);
  const newest = numbers.at(-1);
  const link = (n: number) => `${profile}-${n}-link`;
  if (newest !== undefined && resolved(link(newest)) === system) {
    relink(profile, path.basename(link(newest)));
    return;
  }
  const next = (newest ?? 0) + 1;
  symlinkSync(system, link(next));
  relink(profile, path.basename(link(next)));
}

function stateText(s: Supervised, offset: number): string {
  const log = Buffer.from(s.log, 'utf8');
  const lines = ['nixdeck-deploy-state 1', `size ${log.length}`, `alive ${s.alive ? 1 : 0}`];
  if (s.result) lines.push(`result status=${s.result.status}`, `result code=${s.result.code}`, `result message=${s.result.message}`);
  lines.push('--');
  return `${lines.join('\n')}\n${log.subarray(Math.min(offset, log.length)).toString('utf8')}.\n`;
}

/** A RemoteHost standing in for the demo host whose folder is `root` (<demo>/hosts/<host>). */
export function demoRemoteHost(root: string, host: string, options: DemoRemoteOptions = {}): RemoteHost {
  const story = storyOf(host);
  const speed = options.speed ?? Number(process.env.NIXDECK_DEMO_SPEED ?? 1);
  const pace = (ms: number) => sleep(Math.max(1, ms / (speed > 0 ? speed : 1)));
  const runs = new Map<string, Supervised>();
  /** the host's active system shuts out new SSH connections */
  let cutOff = false;
  const refused = (): ExecResult => ({ code: 255, stdout: '', stderr: '', spawnError: story.unreachable ?? 'unreachable' });
  const ok = (stdout: string): ExecResult => ({ code: 0, stdout, stderr: '' });
  const failed = (why: string, code = 2): ExecResult => ({ code, stdout: '', stderr: `nixdeck-host: error: ${why}\n` });

  const profileOf = (given: string): string | null => {
    const profile = given === DEFAULT_PROFILE ? path.join(root, SYSTEM_PROFILE) : given;
    return demoRootOf(profile) === root ? profile : null;
  };

  /** activate.sh run, in this process */
  const supervise = async (s: Supervised, target: string, profile: string, action: string, timeout: number): Promise<void> => {
    const say = (line: string): void => {
      s.log += `${line}\n`;
    };
    const note = (line: string): void => say(`nixdeck-host: ${line}`);
    const finish = (status: HostResultStatus, code: number, message: string): void => {
      note(`result: ${status} (${message})`);
      s.result = { status, code, message };
      s.alive = false;
    };
    const activate = async (system: string): Promise<void> => {
      note(`$ ${system}/bin/switch-to-configuration ${action}`);
      for (const line of activationLines(action)) {
        await pace(300);
        say(line);
        if (line === 'activating the configuration...') {
          relink(path.join(root, 'run/current-system'), system);
          cutOff = story.cutOffByNewSystem && system === newSystemPath(root, host);
        }
      }
    };
    const previous = currentNumber(profile);
    const previousSystem = resolved(profile);
    const previousRunning = resolved(path.join(root, 'run/current-system'));
    note(`previous: generation ${previous ?? 'none'}, running ${previousRunning ?? 'nothing'}`);
    const generation = /^\d+$/.test(target) ? Number(target) : null;
    const system = generation === null ? target : resolved(`${profile}-${generation}-link`);
    if (system === null) return finish('failed', 1, `generation ${generation} does not exist in ${profile}`);
    if (!existsSync(system)) return finish('failed', 1, `${system} is not a NixOS system here: was it copied to this host?`);
    await pace(200);
    note('phase activate');
    if (action !== 'test') {
      if (generation !== null) {
        note(`$ nix-env -p ${profile} --switch-generation ${generation}`);
        relink(profile, path.basename(`${profile}-${generation}-link`));
      } else {
        note(`$ nix-env -p ${profile} --set ${system}`);
        setProfile(profile, system);
      }
    }
    await activate(system);
    note('activated');
    if (action === 'boot' || timeout === 0) {
      if (action === 'boot') note('boot deploys are not protected by the automatic rollback');
      return finish('succeeded', 0, 'done');
    }
    note(`phase confirm ${timeout}`);
    // whole seconds, as the script counts them: the deploy's countdown runs on the same clock
    for (let waited = 0; waited < timeout; waited++) {
      if (s.acked) {
        note(`confirmed after ${waited} s`);
        return finish('succeeded', 0, 'confirmed');
      }
      await sleep(1000);
    }
    if (s.acked) {
      note(`confirmed after ${timeout} s`);
      return finish('succeeded', 0, 'confirmed');
    }
    note(`no acknowledgement within ${timeout} s: rolling back`);
    let back: string | null;
    if (action === 'switch') {
      if (previous === null || previousSystem === null) return finish('rollback-failed', 1, `no acknowledgement within ${timeout} s, and there is no previous generation to go back to`);
      note(`$ nix-env -p ${profile} --switch-generation ${previous}`);
      relink(profile, path.basename(`${profile}-${previous}-link`));
      back = previousSystem;
    } else {
      back = previousRunning;
      if (back === null) return finish('rollback-failed', 1, `no acknowledgement within ${timeout} s, and nothing was running before to go back to`);
    }
    await activate(back);
    cutOff = false;
    return finish('rolled-back', 1, `no acknowledgement within ${timeout} s: rolled back to ${previous !== null ? `generation ${previous}, ` : ''}${back}`);
  };

  const script = (mode: string, args: readonly string[]): ExecResult => {
    if (mode === 'start') {
      const [target = '', given = '', action = '', timeoutText = '', token = ''] = args;
      const profile = profileOf(given);
      if (profile === null) return failed(`the profile is not one of the demo's: ${given}`);
      if (!['switch', 'boot', 'test'].includes(action)) return failed(`the action must be switch, boot or test: ${action}`);
      if (!/^[A-Za-z0-9]{8,64}$/.test(token) || runs.has(token)) return failed('the token must be 8 to 64 letters and digits, new for each run');
      const s: Supervised = { log: '', alive: true, acked: false, result: null };
      runs.set(token, s);
      void supervise(s, target, profile, action, Number(timeoutText) || 0).catch((error: unknown) => {
        s.log += `nixdeck-host: error: ${(error as Error).message}\n`;
        s.result = { status: 'failed', code: 1, message: (error as Error).message };
        s.alive = false;
      });
      return ok(`started ${root}/run/nixdeck/nixdeck-deploy-${token}\n`);
    }
    const s = runs.get(args[0] ?? '');
    if (mode === 'read') return ok(s ? stateText(s, Number(args[1] ?? 0) || 0) : 'nixdeck-deploy-state 1\nmissing\n');
    if (mode === 'ack') {
      if (!s) return failed(`no run folder for this deploy on ${host}`);
      s.acked = true;
      return ok('acknowledged\n');
    }
    return failed('usage: activate.sh start|read|ack ...');
  };

  const executor: Executor = {
    async run(argv) {
      if (story.unreachable !== null) return refused();
      await sleep(story.rttMs);
      if (argv[0] === 'sh' && argv[1] === '-c' && argv[3] === 'activate.sh') return script(argv[4] ?? '', argv.slice(5));
      // the elevation probe: the demo logs in as root
      if (argv[0] === 'sh' && argv[1] === '-c' && (argv[2] ?? '').includes('id -u')) return ok('root\n');
      if (argv.length === 1 && argv[0] === 'true') return ok('');
      return { code: 127, stdout: '', stderr: `${argv[0] ?? ''}: the demo's stand-in of ${host} runs only nixdeck's own steps\n` };
    },
  };
  const reach = async (): Promise<Reach> => {
    if (story.unreachable !== null) return { ok: false, error: story.unreachable };
    await sleep(story.rttMs);
    return { ok: true, rttMs: story.rttMs };
  };
  return {
    name: host,
    destination: host,
    executor,
    async connect() {
      return story.unreachable !== null ? { ok: false, error: story.unreachable } : { ok: true };
    },
    reach,
    async freshReach(timeoutMs) {
      if (story.unreachable !== null) return { ok: false, error: story.unreachable };
      if (cutOff) {
        // a firewall that drops new connections: the attempt times out (the stand-in gives up after 1 s)
        await sleep(Math.min(1000, timeoutMs));
        return { ok: false, error: 'timed out after 1 s' };
      }
      const handshake = story.rttMs * 4 + 30;
      await sleep(handshake);
      return { ok: true, rttMs: handshake };
    },
    nixSshOpts: () => '',
    storeUri: () => `ssh-ng://${host}`,
  };
}
