import { lstatSync, readFileSync, readdirSync, readlinkSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { generationNumberOf } from '../core/generations.js';
import { revisionIn } from '../core/configurationRevision.js';
import type { GenerationLinkFacts, ProfileFacts } from '../core/types.js';

export interface ProfileLocation {
  /** system root; `/` normally, another folder with --root */
  root: string;
  /** profile path relative to the root */
  profile?: string;
}

/** What a toplevel says about itself. Store paths never change, so this can be cached by path. */
export interface ToplevelFacts {
  nixosVersion: string | null;
  kernelVersion: string | null;
  configurationRevision: string | null;
  specialisations: string[];
}

export interface ToplevelCache {
  get(storePath: string): ToplevelFacts | undefined;
  set(storePath: string, facts: ToplevelFacts): void;
}

export const SYSTEM_PROFILE = 'nix/var/nix/profiles/system';

const UNREADABLE: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTDIR: 'not a system folder',
  ELOOP: 'a symlink loop',
};

/**
 * Read a system profile the way nix does: readdir for `system-N-link`, lstat for the date,
 * then a few small reads inside each toplevel. No root needed, no process spawned.
 * Synchronous on purpose: a thousand tiny reads are faster than a thousand promises.
 */
export function readProfileFacts(location: ProfileLocation, cache?: ToplevelCache): ProfileFacts {
  const profilePath = path.join(location.root, location.profile ?? SYSTEM_PROFILE);
  const dir = path.dirname(profilePath);
  const name = path.basename(profilePath);
  const entries = tryOr(() => readdirSync(dir), [] as string[]);
  const kernelCache = new Map<string, string | null>();
  const links: GenerationLinkFacts[] = [];
  for (const entry of entries) {
    const number = generationNumberOf(entry, name);
    if (number === null) continue;
    links.push(readLink(path.join(dir, entry), number, kernelCache, cache));
  }
  const current = tryOr(() => readlinkSync(profilePath), null);
  const runningPath = resolveSystemLink(path.join(location.root, 'run/current-system'));
  const bootedPath = resolveSystemLink(path.join(location.root, 'run/booted-system'));
  return {
    currentNumber: current === null ? null : generationNumberOf(path.basename(current), name),
    runningPath,
    bootedPath,
    runningKernel: runningPath ? kernelOf(runningPath, kernelCache) : null,
    bootedKernel: bootedPath ? kernelOf(bootedPath, kernelCache) : null,
    links,
  };
}

function readLink(linkPath: string, number: number, kernelCache: Map<string, string | null>, cache: ToplevelCache | undefined): GenerationLinkFacts {
  const facts: GenerationLinkFacts = {
    number,
    mtimeMs: 0,
    target: null,
    state: 'ok',
    nixosVersion: null,
    kernelVersion: null,
    configurationRevision: null,
    specialisations: [],
  };
  try {
    facts.mtimeMs = lstatSync(linkPath).mtimeMs;
    const raw = readlinkSync(linkPath);
    facts.target = path.isAbsolute(raw) ? raw : path.resolve(path.dirname(linkPath), raw);
  } catch (error) {
    facts.state = 'unreadable';
    facts.problem = describe(error);
    return facts;
  }
  const known = cache?.get(facts.target);
  if (known) {
    // a cached toplevel only needs to still exist
    if (lstatSync(facts.target, { throwIfNoEntry: false })) return { ...facts, ...known, specialisations: [...known.specialisations] };
    facts.state = 'dangling';
    facts.problem = `${facts.target} no longer exists (garbage-collected?)`;
    return facts;
  }
  let entries: Set<string>;
  try {
    entries = new Set(readdirSync(facts.target));
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    if (code === 'ENOENT') {
      facts.state = 'dangling';
      facts.problem = `${facts.target} no longer exists (garbage-collected?)`;
    } else {
      facts.state = 'unreadable';
      facts.problem = `${facts.target}: ${UNREADABLE[code] ?? describe(error)}`;
    }
    return facts;
  }
  if (entries.has('nixos-version')) facts.nixosVersion = tryOr(() => readFileSync(path.join(facts.target as string, 'nixos-version'), 'utf8').trim() || null, null);
  if (entries.has('kernel-modules')) facts.kernelVersion = kernelOf(facts.target, kernelCache);
  if (entries.has('specialisation')) facts.specialisations = tryOr(() => readdirSync(path.join(facts.target as string, 'specialisation')), []);
  facts.configurationRevision = revisionOf(facts.target, entries);
  cache?.set(facts.target, {
    nixosVersion: facts.nixosVersion,
    kernelVersion: facts.kernelVersion,
    configurationRevision: facts.configurationRevision,
    specialisations: [...facts.specialisations],
  });
  return facts;
}

/** The one directory name under kernel-modules/lib/modules, cached per modules store path. */
function kernelOf(toplevel: string, cache: Map<string, string | null>): string | null {
  const modulesLink = path.join(toplevel, 'kernel-modules');
  const key = tryOr(() => readlinkSync(modulesLink), modulesLink);
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const versions = tryOr(() => readdirSync(path.join(modulesLink, 'lib/modules')), [] as string[]);
  const version = versions.sort()[0] ?? null;
  cache.set(key, version);
  return version;
}

/**
 * The configuration revision without running anything: nixos-cli's nixos-version.json, else
 * the JSON that NixOS bakes into sw/bin/nixos-version (or its older `echo "<rev>"` branch).
 */
function revisionOf(toplevel: string, entries: Set<string>): string | null {
  if (entries.has('nixos-version.json')) {
    const rev = revisionIn(tryOr(() => readFileSync(path.join(toplevel, 'nixos-version.json'), 'utf8'), ''));
    if (rev) return rev;
  }
  if (!entries.has('sw')) return null;
  return revisionIn(tryOr(() => readFileSync(path.join(toplevel, 'sw/bin/nixos-version'), 'utf8'), ''));
}

export { revisionIn };

function resolveSystemLink(linkPath: string): string | null {
  try {
    return realpathSync(linkPath);
  } catch {
    const raw = tryOr(() => readlinkSync(linkPath), null);
    return raw === null ? null : path.resolve(path.dirname(linkPath), raw);
  }
}

function tryOr<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch {
    return fallback;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
