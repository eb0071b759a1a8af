// The flake's system toplevel for each host (`nix eval --raw …toplevel.outPath`), a bounded
// number of evaluations at once, cached per flake revision and dirty state so that a second
// `nixdeck status` on an unchanged flake evaluates nothing.
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { FlakeToplevel } from '../core/fleetStatus.js';
import { isValidHostName, summariseNixError } from '../core/hosts.js';
import { mapLimit } from '../core/limit.js';
import { isStorePath } from '../core/storePath.js';
import type { CommandRunner } from './exec.js';
import { flakeCacheFile } from './flakeCacheFile.js';
import { cacheDir } from './toplevelCache.js';

const NIX_ARGS = ['--extra-experimental-features', 'nix-command flakes'];
/** a host's evaluation may take long (nixpkgs), but never forever */
const EVAL_TIMEOUT_MS = 300_000;

export interface FlakeToplevelsOptions {
  runner: CommandRunner;
  /** evaluations at once (each is a nix process that wants a core) */
  limit?: number;
  /** where flake-toplevels.json is kept; null: no cache */
  cacheDir?: string | null;
}

export interface FlakeToplevelsResult {
  toplevels: Map<string, FlakeToplevel>;
  /** hosts whose toplevel was evaluated now (the others came from the cache) */
  evaluated: string[];
}

/** `nix eval --raw <flake>#nixosConfigurations."<host>".config.system.build.toplevel.outPath`, as argv. */
export function toplevelEvalArgs(flakeDir: string, host: string): string[] {
  return [...NIX_ARGS, 'eval', '--raw', `${path.resolve(flakeDir)}#nixosConfigurations."${host}".config.system.build.toplevel.outPath`];
}

/** One host's toplevel; never throws. */
export async function evalToplevel(flakeDir: string, host: string, runner: CommandRunner): Promise<FlakeToplevel> {
  if (!isValidHostName(host)) return { ok: false, error: `"${host}" is not a valid host name` };
  const [file, ...args] = ['nix', ...toplevelEvalArgs(flakeDir, host)] as [string, ...string[]];
  const result = await runner.run(file, args, { timeoutMs: EVAL_TIMEOUT_MS });
  if (result.spawnError) return { ok: false, error: `nix could not be run: ${result.spawnError}` };
  if (result.exitCode !== 0) return { ok: false, error: summariseNixError(result.stderr) };
  const out = result.stdout.trim();
  return isStorePath(out) ? { ok: true, path: out } : { ok: false, error: `nix eval printed something other than a store path: ${result.stdout.trim().slice(0, 80)}` };
}

/**
 * What the flake's evaluation depends on, for the cache: git's HEAD plus a hash of the diff of
 * the tracked files against it (nix sees tracked files only, staged or not). Null when the
 * flake is not in a git work tree: its toplevels are then evaluated every time.
 */
export async function flakeRevisionKey(flakeDir: string, runner: CommandRunner): Promise<string | null> {
  const git = (args: string[]) => runner.run('git', ['-C', path.resolve(flakeDir), ...args], { timeoutMs: 30_000 });
  const head = await git(['rev-parse', '--verify', '-q', 'HEAD']);
  if (head.spawnError || head.exitCode !== 0) return null;
  // --no-ext-diff/--no-textconv: the raw bytes, whatever the user's git config does to diffs
  const diff = await git(['diff', 'HEAD', '--binary', '--no-ext-diff', '--no-textconv', '--no-color']);
  if (diff.spawnError || diff.exitCode !== 0) return null;
  const dirty = diff.stdout === '' ? 'clean' : createHash('sha256').update(diff.stdout).digest('hex');
  return `${head.stdout.trim()}+${dirty}`;
}

interface Entry {
  key: string;
  toplevels: Record<string, string>;
}

function isEntry(value: unknown): value is Entry {
  if (typeof value !== 'object' || value === null) return false;
  const { key, toplevels } = value as Partial<Entry>;
  return typeof key === 'string' && typeof toplevels === 'object' && toplevels !== null && Object.entries(toplevels).every(([h, p]) => isValidHostName(h) && isStorePath(p));
}

/**
 * The toplevels of `hosts` in the flake at `flakeDir`. Successes are cached under the flake's
 * revision key; a failed evaluation is not (it may be a passing problem: a timeout, no nix).
 */
export async function flakeToplevels(flakeDir: string, hosts: readonly string[], options: FlakeToplevelsOptions): Promise<FlakeToplevelsResult> {
  const dir = path.resolve(flakeDir);
  const store = options.cacheDir === undefined ? cacheDir() : options.cacheDir;
  const cache = store === null ? null : flakeCacheFile(path.join(store, 'flake-toplevels.json'), isEntry);
  const key = cache === null ? null : await flakeRevisionKey(dir, options.runner);
  const entries = cache !== null && key !== null ? await cache.load() : new Map<string, Entry>();
  const cached = entries.get(dir);
  const known: Record<string, string> = cached && cached.key === key ? { ...cached.toplevels } : {};
  const toplevels = new Map<string, FlakeToplevel>();
  const missing: string[] = [];
  for (const host of hosts) {
    const hit = known[host];
    if (hit !== undefined) toplevels.set(host, { ok: true, path: hit });
    else missing.push(host);
  }
  const results = await mapLimit(missing, options.limit ?? 4, (host) => evalToplevel(dir, host, options.runner));
  missing.forEach((host, i) => {
    const result = results[i] ?? { ok: false, error: 'not evaluated' };
    toplevels.set(host, result);
    if (result.ok) known[host] = result.path;
  });
  if (cache !== null && key !== null && results.some((r) => r.ok)) {
    // the key is taken again: an edit made while nix evaluated must not be cached under the old one
    const after = await flakeRevisionKey(dir, options.runner);
    if (after === key) await cache.put(dir, { key, toplevels: known });
  }
  return { toplevels: new Map(hosts.map((h) => [h, toplevels.get(h) ?? { ok: false, error: 'not evaluated' }])), evaluated: missing };
}
