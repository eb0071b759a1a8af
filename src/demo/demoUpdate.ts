// The demo's stand-in for `nix flake update [INPUT...]`: there is no nix in the demo, so
// `nixdeck __demo-update <flakeDir> [INPUT...]` takes about two seconds fetching, prints what nix
// prints for each changed input, and rewrites the demo's flake.lock (in one rename) with newer
// revisions of the named root inputs (all when none is named) and of their own inputs. A branch
// past its end of life and a path input have nothing newer, as with nix.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Result } from '../core/result.js';
import { selfCommand } from '../system/selfCommand.js';
import { NIXPKGS_2505_EOL, narHash, sortKeys } from './demoLock.js';
import { hex40, seededRandom } from './seeded.js';

const HOUR = 3_600_000;
/** Branches that get no more commits (see demoLock.ts). */
const FROZEN_REFS: Record<string, number> = { 'nixos-25.05': NIXPKGS_2505_EOL };

interface LockNode {
  inputs?: Record<string, string | string[]>;
  locked?: Record<string, unknown>;
  original?: Record<string, unknown>;
  [key: string]: unknown;
}

interface Lock {
  nodes: Record<string, LockNode>;
  root: string;
  version: number;
}

function readLock(flakeDir: string): Result<Lock> {
  const file = path.join(flakeDir, 'flake.lock');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return { ok: false, error: `cannot read ${file}: ${(error as Error).message}` };
  }
  try {
    const lock = JSON.parse(text) as Lock;
    if (typeof lock.nodes !== 'object' || lock.nodes === null || typeof lock.root !== 'string' || !lock.nodes[lock.root]) {
      return { ok: false, error: `${file} has no root node`, hint: 'it is not a flake.lock nix wrote' };
    }
    return { ok: true, value: lock };
  } catch (error) {
    return { ok: false, error: `${file} is not valid JSON: ${(error as Error).message}` };
  }
}

/** The root inputs that name a node of their own (not a follows). */
function rootInputs(lock: Lock): string[] {
  return Object.entries(lock.nodes[lock.root]?.inputs ?? {})
    .filter(([, target]) => typeof target === 'string')
    .map(([name]) => name);
}

/** The inputs to update, or what is wrong with the names. */
function chosen(lock: Lock, names: readonly string[]): Result<string[]> {
  const all = rootInputs(lock);
  if (names.length === 0) return { ok: true, value: all };
  const unknown = names.filter((n) => !all.includes(n));
  if (unknown.length > 0) {
    return {
      ok: false,
      error: `flake.lock has no input ${unknown.map((n) => `'${n}'`).join(', ')}`,
      hint: `its inputs are: ${all.join(', ')}`,
    };
  }
  return { ok: true, value: [...new Set(names)] };
}

/**
 * The argv of the demo's update of `inputs` (all when empty) in `flakeDir`, for the update run;
 * an input flake.lock does not have is an error before anything starts. `runner`: the argv
 * prefix of `nixdeck __demo-update` (default: this program).
 */
export function demoUpdateCommand(
  flakeDir: string,
  runner: readonly string[] = selfCommand('__demo-update'),
): (inputs: readonly string[]) => Promise<Result<string[]>> {
  return async (inputs) => {
    const lock = readLock(flakeDir);
    if (!lock.ok) return lock;
    const names = chosen(lock.value, inputs);
    if (!names.ok) return names;
    return { ok: true, value: [...runner, flakeDir, ...inputs] };
  };
}

const day = (seconds: number): string => new Date(seconds * 1000).toISOString().slice(0, 10);

function describe(locked: Record<string, unknown>): string {
  const { type, owner, repo, rev, path: dir, url } = locked as Record<string, string | undefined>;
  if (type === 'github' || type === 'gitlab' || type === 'sourcehut') return `${type}:${owner}/${repo}/${rev}`;
  if (type === 'path') return `path:${dir}`;
  return `${type}+${url ?? ''}${rev ? `?rev=${rev}` : ''}`;
}

/** The input as flake.nix asks for it, e.g. github:NixOS/nixpkgs/nixos-25.11. */
function flakeRef(original: Record<string, unknown>): string {
  const { type, owner, repo, ref, path: dir, url } = original as Record<string, string | undefined>;
  if (type === 'github' || type === 'gitlab' || type === 'sourcehut') return `${type}:${owner}/${repo}${ref ? `/${ref}` : ''}`;
  if (type === 'path') return `path:${dir}`;
  return `${type}+${url ?? ''}${ref ? `?ref=${ref}` : ''}`;
}

interface Change {
  name: string;
  before: Record<string, unknown>;
  after: Record<string, unknown>;
}

/** A newer lock of one node, or null when its source has nothing newer. */
function newer(node: LockNode, nowMs: number): Record<string, unknown> | null {
  const locked = node.locked;
  if (!locked || typeof locked.rev !== 'string' || typeof locked.lastModified !== 'number') return null;
  const ref = typeof node.original?.ref === 'string' ? node.original.ref : '';
  const frozen = FROZEN_REFS[ref];
  if (frozen !== undefined && frozen <= nowMs) return null;
  const random = seededRandom(`update ${locked.rev}`);
  const lastModified = Math.floor((nowMs - (3 + random() * 30) * HOUR) / 1000);
  if (lastModified <= locked.lastModified) return null;
  const rev = hex40(`update ${locked.rev}`);
  return { ...locked, lastModified, narHash: narHash(rev), rev };
}

export interface DemoUpdateOptions {
  say?: (line: string) => void;
  /** 1 = the demo's pace (about two seconds); NIXDECK_DEMO_SPEED by default */
  speed?: number;
  now?: number;
}

/** Carry out the demo's update of `names` (all when empty) in `flakeDir`; returns the exit code. */
export async function runDemoUpdate(flakeDir: string, names: readonly string[], options: DemoUpdateOptions = {}): Promise<number> {
  const say = options.say ?? (() => {});
  const speed = options.speed ?? 1;
  const now = options.now ?? Date.now();
  const pace = (ms: number) => sleep(Math.max(1, ms / (speed > 0 ? speed : 1)));
  const read = readLock(flakeDir);
  if (!read.ok) {
    say(`error: ${read.error}${read.hint ? `\n       ${read.hint}` : ''}`);
    return 1;
  }
  const lock = read.value;
  const picked = chosen(lock, names);
  if (!picked.ok) {
    say(`error: ${picked.error}\n       ${picked.hint ?? ''}`);
    return 1;
  }
  const rootNode = lock.nodes[lock.root];
  const changes: Change[] = [];
  const visit = (label: string, key: string): void => {
    const node = lock.nodes[key];
    if (!node) return;
    const after = newer(node, now);
    if (after && node.locked) {
      changes.push({ name: label, before: node.locked, after });
      node.locked = after;
    }
    for (const [child, target] of Object.entries(node.inputs ?? {})) {
      if (typeof target === 'string') visit(`${label}/${child}`, target);
    }
  };
  const fetchMs = 1800 / Math.max(1, picked.value.length);
  for (const name of picked.value) {
    const key = rootNode?.inputs?.[name];
    const node = typeof key === 'string' ? lock.nodes[key] : undefined;
    if (typeof key !== 'string' || !node?.locked) continue;
    say(`fetching '${flakeRef(node.original ?? {})}'...`);
    await pace(fetchMs);
    visit(name, key);
  }
  if (changes.length === 0) {
    say('nothing to update: every input is at its newest revision');
    return 0;
  }
  const file = path.join(flakeDir, 'flake.lock');
  const temp = `${file}.nixdeck-${process.pid}`;
  writeFileSync(temp, `${JSON.stringify({ ...lock, nodes: sortKeys(lock.nodes) }, null, 2)}\n`);
  renameSync(temp, file);
  say(`warning: updating lock file '${file}':`);
  for (const change of changes) {
    say(`• Updated input '${change.name}':`);
    say(`    '${describe(change.before)}' (${day(Number(change.before.lastModified))})`);
    say(`  → '${describe(change.after)}' (${day(Number(change.after.lastModified))})`);
  }
  return 0;
}

/** `nixdeck __demo-update <flakeDir> [INPUT...]`: the lines on standard error, as nix writes them. */
export async function demoUpdateMain(args: readonly string[]): Promise<number> {
  const [flakeDir, ...names] = args;
  if (!flakeDir) {
    process.stderr.write('usage: nixdeck __demo-update <flakeDir> [INPUT...]\n');
    return 2;
  }
  return runDemoUpdate(flakeDir, names, {
    say: (line) => process.stderr.write(`${line}\n`),
    speed: Number(process.env.NIXDECK_DEMO_SPEED ?? 1),
  });
}
