// Closure diffs and sizes from nix, through an injected CommandRunner (local now; an SSH runner
// implements the same interface), always with argument arrays.
//
//   nix store diff-closures A B           text only (no --json in 2.8), ANSI colours always on
//   nix path-info -S --json P…            2.8: a JSON array of {path, narSize, closureSize, …},
//                                         invalid paths as {path, valid: false};
//                                         newer: an object keyed by path (null for invalid ones);
//                                         2.33+: store paths may be written without /nix/store/
//   nix path-info -r --json P…            the closures' paths with narSize and references
import { type ClosureDiff, parseDiffClosures } from '../core/closureDiff.js';
import { summariseNixError } from '../core/hosts.js';
import { isStorePath } from '../core/storePath.js';
import type { CommandRunner } from './exec.js';
import type { Failure, Result } from '../core/result.js';


/** `nix` with the new CLI switched on, whatever the machine's nix.conf says. */
export const NIX_COMMAND = ['--extra-experimental-features', 'nix-command'] as const;

const TIMEOUT_MS = 120_000;

/** `/nix/store/abc…-name` and `abc…-name` (2.33+ JSON) → `abc…-name`. */
export function storeBaseName(p: string): string {
  const trimmed = p.replace(/\/+$/, '');
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

function failure(what: string, result: { exitCode: number; stderr: string; spawnError?: string }): Failure {
  if (result.spawnError) return { ok: false, error: result.spawnError };
  return { ok: false, error: `${what} failed (exit ${result.exitCode}): ${summariseNixError(result.stderr)}` };
}

/** `nix store diff-closures A B`: A and B are store paths. */
export async function diffClosures(runner: CommandRunner, a: string, b: string): Promise<Result<{ diff: ClosureDiff; text: string }>> {
  for (const p of [a, b]) if (!isStorePath(p)) return { ok: false, error: `not a usable path for nix: ${JSON.stringify(p)}` };
  const result = await runner.run('nix', [...NIX_COMMAND, 'store', 'diff-closures', a, b], { timeoutMs: TIMEOUT_MS });
  if (result.spawnError || result.exitCode !== 0) return failure('nix store diff-closures', result);
  return { ok: true, value: { diff: parseDiffClosures(result.stdout), text: result.stdout } };
}

export interface PathInfo {
  /** as nix printed it (full path, or the base name with 2.33+) */
  path: string;
  narSize: number;
  closureSize: number | null;
  references: string[];
}

/**
 * Both shapes of `nix path-info --json`: an array of objects with `path` (≤ 2.18), or an object
 * keyed by path (2.19+). Invalid paths (`valid: false`, or null) are left out.
 */
export function parsePathInfoJson(text: string): PathInfo[] {
  const data: unknown = JSON.parse(text);
  if (typeof data !== 'object' || data === null) throw new Error('nix path-info --json printed neither an array nor an object');
  const entries: [string | undefined, unknown][] = Array.isArray(data) ? data.map((v: unknown) => [undefined, v]) : Object.entries(data);
  const out: PathInfo[] = [];
  for (const [key, value] of entries) {
    if (typeof value !== 'object' || value === null) continue;
    const v = value as Record<string, unknown>;
    if (v.valid === false) continue;
    const path = typeof v.path === 'string' ? v.path : key;
    if (path === undefined) continue;
    out.push({
      path,
      narSize: typeof v.narSize === 'number' ? v.narSize : 0,
      closureSize: typeof v.closureSize === 'number' ? v.closureSize : null,
      references: Array.isArray(v.references) ? v.references.filter((r): r is string => typeof r === 'string') : [],
    });
  }
  return out;
}

/**
 * The closure size in bytes of each path, from ONE `nix path-info -S --json` call. Keyed by the
 * paths as given; pass store paths (nix answers with resolved store paths, sorted, so a link would
 * not be found again). Paths nix does not know are missing from the map.
 */
/** One `nix path-info <flags> --json` over all the paths, checked before they are passed on. */
async function pathInfo(runner: CommandRunner, flags: readonly string[], paths: readonly string[]): Promise<Result<PathInfo[]>> {
  for (const p of paths) if (!isStorePath(p)) return { ok: false, error: `not a usable path for nix: ${JSON.stringify(p)}` };
  const result = await runner.run('nix', [...NIX_COMMAND, 'path-info', ...flags, '--json', ...paths], { timeoutMs: TIMEOUT_MS });
  if (result.spawnError || result.exitCode !== 0) return failure('nix path-info', result);
  try {
    return { ok: true, value: parsePathInfoJson(result.stdout) };
  } catch (error) {
    return { ok: false, error: `nix path-info printed something that is not its JSON: ${(error as Error).message}` };
  }
}

export async function closureSizes(runner: CommandRunner, paths: readonly string[]): Promise<Result<Map<string, number>>> {
  const sizes = new Map<string, number>();
  const wanted = [...new Set(paths)];
  if (wanted.length === 0) return { ok: true, value: sizes };
  const read = await pathInfo(runner, ['-S'], wanted);
  if (!read.ok) return read;
  const infos = read.value;
  const byBase = new Map(infos.map((i) => [storeBaseName(i.path), i]));
  for (const p of wanted) {
    const info = byBase.get(storeBaseName(p));
    if (info?.closureSize !== null && info?.closureSize !== undefined) sizes.set(p, info.closureSize);
  }
  return { ok: true, value: sizes };
}

export interface FreedEstimate {
  /** bytes of the paths that only the deleted toplevels hold (their NAR sizes) */
  bytes: number;
  /** how many store paths that is */
  paths: number;
}

/**
 * What deleting `deleted` would let garbage collection free, if nothing but `kept` held the
 * rest: the paths in the closures of `deleted` that are not in the closures of `kept`, summed.
 * ONE `nix path-info -r --json` call over all of them; the closures are walked here from the
 * references. Other GC roots (user profiles, result links) may hold some of it, so it is an
 * upper bound ("up to"). Pass store paths that exist.
 */
export async function estimateFreed(runner: CommandRunner, deleted: readonly string[], kept: readonly string[]): Promise<Result<FreedEstimate>> {
  const gone = [...new Set(deleted)];
  if (gone.length === 0) return { ok: true, value: { bytes: 0, paths: 0 } };
  const all = [...new Set([...gone, ...kept])];
  const read = await pathInfo(runner, ['-r'], all);
  return read.ok ? { ok: true, value: freedFromGraph(read.value, gone, kept) } : read;
}

/** The set arithmetic of estimateFreed, on path-info records (pure; exported for tests). */
export function freedFromGraph(infos: readonly PathInfo[], deleted: readonly string[], kept: readonly string[]): FreedEstimate {
  const graph = new Map(infos.map((i) => [storeBaseName(i.path), i]));
  const closure = (roots: readonly string[]): Set<string> => {
    const seen = new Set<string>();
    const stack = roots.map(storeBaseName);
    for (let p = stack.pop(); p !== undefined; p = stack.pop()) {
      if (seen.has(p)) continue;
      seen.add(p);
      for (const r of graph.get(p)?.references ?? []) {
        const base = storeBaseName(r);
        if (!seen.has(base)) stack.push(base);
      }
    }
    return seen;
  };
  const held = closure(kept);
  let bytes = 0;
  let paths = 0;
  for (const p of closure(deleted)) {
    if (held.has(p)) continue;
    const info = graph.get(p);
    if (!info) continue;
    bytes += info.narSize;
    paths += 1;
  }
  return { bytes, paths };
}
