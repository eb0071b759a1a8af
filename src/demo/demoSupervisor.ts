// The demo's activate.sh supervisor, run in this process: what the script does on a host, with
// the script's log lines, so that the real deploy steps (deploySteps.ts) follow it unchanged.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { HostResultStatus } from '../core/deployPlan.js';
import { activationLines, relink } from './demoGenerations.js';
import { newSystemPath, type DemoHostStory } from './demoHosts.js';
import { type ProfileBefore, profileBefore, resolved, setProfile, switchGeneration } from './demoProfile.js';

export interface Supervised {
  log: string;
  alive: boolean;
  acked: boolean;
  result: { status: HostResultStatus; code: number; message: string } | null;
}

/** What the stand-in of one demo host keeps between its commands. */
export interface DemoHostState {
  root: string;
  host: string;
  story: DemoHostStory;
  pace: (ms: number) => Promise<void>;
  runs: Map<string, Supervised>;
  /** the host's active system shuts out new SSH connections */
  cutOff: boolean;
}

/** One `activate.sh start` request. */
export interface SupervisedRequest {
  target: string;
  profile: string;
  action: string;
  timeout: number;
}

interface RunLog {
  say(line: string): void;
  note(line: string): void;
  finish(status: HostResultStatus, code: number, message: string): void;
}

/** `activate.sh read`: the run's state and its log from `offset` bytes on. */
export function stateText(s: Supervised, offset: number): string {
  const log = Buffer.from(s.log, 'utf8');
  const lines = ['nixdeck-deploy-state 1', `size ${log.length}`, `alive ${s.alive ? 1 : 0}`];
  if (s.result) lines.push(`result status=${s.result.status}`, `result code=${s.result.code}`, `result message=${s.result.message}`);
  lines.push('--');
  return `${lines.join('\n')}\n${log.subarray(Math.min(offset, log.length)).toString('utf8')}.\n`;
}

function runLog(s: Supervised): RunLog {
  const say = (line: string): void => {
    s.log += `${line}\n`;
  };
  const note = (line: string): void => say(`nixdeck-host: ${line}`);
  const finish = (status: HostResultStatus, code: number, message: string): void => {
    note(`result: ${status} (${message})`);
    s.result = { status, code, message };
    s.alive = false;
  };
  return { say, note, finish };
}

/** activate.sh run, in this process */
export async function supervise(h: DemoHostState, s: Supervised, request: SupervisedRequest): Promise<void> {
  const { target, profile, action, timeout } = request;
  const log = runLog(s);
  const before = profileBefore(h.root, profile);
  log.note(`previous: generation ${before.generation ?? 'none'}, running ${before.running ?? 'nothing'}`);
  const generation = /^\d+$/.test(target) ? Number(target) : null;
  const system = generation === null ? target : resolved(`${profile}-${generation}-link`);
  if (system === null) return log.finish('failed', 1, `generation ${generation} does not exist in ${profile}`);
  if (!existsSync(system)) return log.finish('failed', 1, `${system} is not a NixOS system here: was it copied to this host?`);
  await h.pace(200);
  log.note('phase activate');
  if (action !== 'test') pointProfile(log, profile, generation, system);
  await activate(h, log, action, system);
  log.note('activated');
  if (action === 'boot' || timeout === 0) {
    if (action === 'boot') log.note('boot deploys are not protected by the automatic rollback');
    return log.finish('succeeded', 0, 'done');
  }
  if (await confirmed(s, log, timeout)) return;
  return rollBack(h, log, request, before);
}

function pointProfile(log: RunLog, profile: string, generation: number | null, system: string): void {
  if (generation !== null) {
    log.note(`$ nix-env -p ${profile} --switch-generation ${generation}`);
    switchGeneration(profile, generation);
  } else {
    log.note(`$ nix-env -p ${profile} --set ${system}`);
    setProfile(profile, system);
  }
}

/** switch-to-configuration: its lines at the demo's pace, moving run/current-system on the way. */
async function activate(h: DemoHostState, log: RunLog, action: string, system: string): Promise<void> {
  log.note(`$ ${system}/bin/switch-to-configuration ${action}`);
  for (const line of activationLines(action)) {
    await h.pace(300);
    log.say(line);
    if (line === 'activating the configuration...') {
      relink(path.join(h.root, 'run/current-system'), system);
      h.cutOff = h.story.cutOffByNewSystem && system === newSystemPath(h.root, h.host);
    }
  }
}

/** Waits for the acknowledgement; true when it came and the run has finished. */
async function confirmed(s: Supervised, log: RunLog, timeout: number): Promise<boolean> {
  log.note(`phase confirm ${timeout}`);
  // whole seconds, as the script counts them: the deploy's countdown runs on the same clock
  for (let waited = 0; waited < timeout; waited++) {
    if (s.acked) {
      log.note(`confirmed after ${waited} s`);
      log.finish('succeeded', 0, 'confirmed');
      return true;
    }
    await sleep(1000);
  }
  if (!s.acked) return false;
  log.note(`confirmed after ${timeout} s`);
  log.finish('succeeded', 0, 'confirmed');
  return true;
}

async function rollBack(h: DemoHostState, log: RunLog, request: SupervisedRequest, before: ProfileBefore): Promise<void> {
  const { profile, action, timeout } = request;
  const previous = before.generation;
  log.note(`no acknowledgement within ${timeout} s: rolling back`);
  let back: string | null;
  if (action === 'switch') {
    if (previous === null || before.system === null) return log.finish('rollback-failed', 1, `no acknowledgement within ${timeout} s, and there is no previous generation to go back to`);
    log.note(`$ nix-env -p ${profile} --switch-generation ${previous}`);
    switchGeneration(profile, previous);
    back = before.system;
  } else {
    back = before.running;
    if (back === null) return log.finish('rollback-failed', 1, `no acknowledgement within ${timeout} s, and nothing was running before to go back to`);
  }
  await activate(h, log, action, back);
  h.cutOff = false;
  return log.finish('rolled-back', 1, `no acknowledgement within ${timeout} s: rolled back to ${previous !== null ? `generation ${previous}, ` : ''}${back}`);
}
