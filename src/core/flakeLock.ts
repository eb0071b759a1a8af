// flake.lock (versions 5–7) read without Nix: its root inputs, each with its own inputs under it.
// Never throws: a broken file is a Failure saying what is wrong and where.
import { type AgeThresholds, DEFAULT_AGES, ageOf } from './inputAge.js';
import { releaseSupport } from './nixpkgsReleases.js';
import type { FlakeInput } from './repo.js';
import type { Failure, Result } from './result.js';

export const LOCK_VERSIONS = { min: 5, max: 7 } as const;

/** A node's input: another node's key, or a follows path of input names from the root. */
export type LockInputRef = { node: string } | { follows: string[] };

export interface LockNode {
  inputs: Map<string, LockInputRef>;
  locked: Record<string, unknown> | null;
  original: Record<string, unknown> | null;
}

/** flake.lock checked for shape: every node and every input reference is known to be well formed. */
export interface LockFile {
  version: number;
  root: string;
  nodes: Map<string, LockNode>;
}

const HINT = 'restore flake.lock from git (`git checkout -- flake.lock`), or delete it and run `nix flake lock` to regenerate it';
const DAY_MS = 86_400_000;

function broken(error: string, hint: string = HINT): Failure {
  return { ok: false, error: `flake.lock: ${error}`, hint };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The file parsed and checked: version, root, nodes, and that every input points at a node it has. */
export function readLock(text: string): Result<LockFile> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return broken(`not valid JSON (${(err as Error).message})`);
  }
  if (!isObject(json)) return broken('not a JSON object');
  const version = json['version'];
  if (version === undefined) return broken('has no "version"');
  if (typeof version !== 'number' || !Number.isInteger(version)) return broken(`"version" is ${JSON.stringify(version)}, not a whole number`);
  if (version < LOCK_VERSIONS.min) {
    return { ok: false, error: `flake.lock version ${version} is not supported (nixdeck reads versions ${LOCK_VERSIONS.min}–${LOCK_VERSIONS.max})`, hint: 'run `nix flake lock` with a newer Nix' };
  }
  if (version > LOCK_VERSIONS.max) {
    return { ok: false, error: `flake.lock version ${version} is not supported (nixdeck reads versions ${LOCK_VERSIONS.min}–${LOCK_VERSIONS.max})`, hint: 'a newer Nix wrote it: update nixdeck' };
  }
  const root = json['root'];
  if (typeof root !== 'string') return broken(root === undefined ? 'has no "root"' : '"root" is not a string');
  const rawNodes = json['nodes'];
  if (!isObject(rawNodes)) return broken(rawNodes === undefined ? 'has no "nodes"' : '"nodes" is not an object');
  const nodes = new Map<string, LockNode>();
  for (const [key, raw] of Object.entries(rawNodes)) {
    const node = readNode(key, raw);
    if (!node.ok) return node;
    nodes.set(key, node.value);
  }
  if (!nodes.has(root)) return broken(`the root node "${root}" is not among its nodes`);
  for (const [key, node] of nodes) {
    for (const [name, ref] of node.inputs) {
      if ('node' in ref && !nodes.has(ref.node)) {
        return broken(`input "${name}" of ${key === root ? 'root' : `node "${key}"`} points at node "${ref.node}", which the file does not have`);
      }
    }
    if (key !== root && node.locked === null && node.original === null) return broken(`node "${key}" has neither "locked" nor "original"`);
  }
  return { ok: true, value: { version, root, nodes } };
}

function readNode(key: string, raw: unknown): Result<LockNode> {
  if (!isObject(raw)) return broken(`node "${key}" is not an object`);
  const inputs = new Map<string, LockInputRef>();
  const rawInputs = raw['inputs'];
  if (rawInputs !== undefined) {
    if (!isObject(rawInputs)) return broken(`"inputs" of node "${key}" is not an object`);
    for (const [name, value] of Object.entries(rawInputs)) {
      if (typeof value === 'string') inputs.set(name, { node: value });
      else if (Array.isArray(value) && value.every((part): part is string => typeof part === 'string')) inputs.set(name, { follows: value });
      else return broken(`input "${name}" of node "${key}" is ${JSON.stringify(value)}: neither a node name nor a follows path (a list of input names)`);
    }
  }
  const locked = raw['locked'];
  const original = raw['original'];
  for (const [field, value] of [['locked', locked], ['original', original]] as const) {
    if (value !== undefined && !isObject(value)) return broken(`"${field}" of node "${key}" is not an object`);
  }
  if (isObject(locked)) {
    const problem = fieldProblem(locked, { lastModified: 'number', rev: 'string', type: 'string', narHash: 'string', ref: 'string' });
    if (problem) return broken(`"locked.${problem}" of node "${key}" is not a ${problem === 'lastModified' ? 'number' : 'string'}`);
  }
  if (isObject(original)) {
    const problem = fieldProblem(original, { type: 'string', ref: 'string' });
    if (problem) return broken(`"original.${problem}" of node "${key}" is not a string`);
  }
  return { ok: true, value: { inputs, locked: isObject(locked) ? locked : null, original: isObject(original) ? original : null } };
}

/** the first field present with another type than the one asked, else null */
function fieldProblem(record: Record<string, unknown>, types: Record<string, 'string' | 'number'>): string | null {
  for (const [field, type] of Object.entries(types)) if (record[field] !== undefined && typeof record[field] !== type) return field;
  return null;
}

/** The node a follows path (input names from the root) ends at, following follows on the way; null when it leads nowhere. */
export function resolveFollows(lock: LockFile, path: readonly string[], depth = 0): string | null {
  if (depth > lock.nodes.size) return null;
  let key = lock.root;
  for (const name of path) {
    const ref = lock.nodes.get(key)?.inputs.get(name);
    if (ref === undefined) return null;
    const next = 'node' in ref ? ref.node : resolveFollows(lock, ref.follows, depth + 1);
    if (next === null) return null;
    key = next;
  }
  return key;
}

function str(record: Record<string, unknown> | null, field: string): string | null {
  const value = record?.[field];
  return typeof value === 'string' ? value : null;
}

/** owner/repo, URL, path or id: whichever names where the input comes from. */
function sourceOf(type: string, locked: Record<string, unknown> | null, original: Record<string, unknown> | null): string {
  const pick = (field: string): string | null => str(locked, field) ?? str(original, field);
  if (type === 'github' || type === 'gitlab' || type === 'sourcehut') {
    const owner = pick('owner');
    const repo = pick('repo');
    return owner !== null && repo !== null ? `${owner}/${repo}` : (owner ?? repo ?? '');
  }
  if (type === 'path') return pick('path') ?? '';
  if (type === 'indirect') return str(original, 'id') ?? str(locked, 'id') ?? '';
  return pick('url') ?? pick('path') ?? str(original, 'id') ?? '';
}

/** The root inputs of flake.lock, with their own inputs nested; a broken file is a Failure. */
export function parseFlakeLock(text: string, nowMs: number, ages: AgeThresholds = DEFAULT_AGES): Result<FlakeInput[]> {
  const lock = readLock(text);
  if (!lock.ok) return lock;
  return { ok: true, value: inputsOf(lock.value, lock.value.root, { nowMs, ages }, new Set()) };
}

interface Clock {
  nowMs: number;
  ages: AgeThresholds;
}

function inputsOf(lock: LockFile, key: string, clock: Clock, ancestors: Set<string>): FlakeInput[] {
  const node = lock.nodes.get(key);
  if (node === undefined) return [];
  ancestors.add(key);
  const inputs = [...node.inputs].map(([name, ref]) => ('follows' in ref ? followsInput(name, ref.follows) : nodeInput(lock, name, ref.node, clock, ancestors)));
  ancestors.delete(key);
  return inputs;
}

function followsInput(name: string, path: readonly string[]): FlakeInput {
  return { name, type: 'follows', source: '', ref: null, rev: null, lastModified: null, ageDays: null, follows: path.join('/'), release: null, inputs: [] };
}

function nodeInput(lock: LockFile, name: string, key: string, clock: Clock, ancestors: Set<string>): FlakeInput {
  const node = lock.nodes.get(key);
  const locked = node?.locked ?? null;
  const original = node?.original ?? null;
  const type = str(locked, 'type') ?? str(original, 'type') ?? 'unknown';
  const ref = str(original, 'ref') ?? (type === 'github' ? str(locked, 'ref') : null);
  const lastModifiedRaw = locked?.['lastModified'];
  const lastModified = typeof lastModifiedRaw === 'number' && Number.isFinite(lastModifiedRaw) ? lastModifiedRaw : null;
  const ageDays = lastModified === null ? null : Math.max(0, Math.floor((clock.nowMs - lastModified * 1000) / DAY_MS));
  const base = { name, type, source: sourceOf(type, locked, original), ref };
  return {
    ...base,
    rev: str(locked, 'rev'),
    lastModified,
    ageDays,
    age: ageOf(ageDays, clock.ages),
    follows: null,
    release: releaseSupport(base, clock.nowMs),
    // a node already on the way down here (a cycle) is shown, not entered again
    inputs: ancestors.has(key) ? [] : inputsOf(lock, key, clock, ancestors),
  };
}
