import { existsSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildGenerationList } from '../core/generations.js';
import type { Prefs } from '../core/prefsSchema.js';
import type { GenerationList, Host } from '../core/types.js';
import { fileFlakeHostsCache, flakeFingerprint } from './flakeHostsCache.js';
import { folderProblem } from './folderCheck.js';
import { type CachedGenerations, fileGenerationsCache } from './generationsCache.js';
import { evalFlakeHosts, type FlakeHostsResult, listFolderHosts } from './hostsDiscovery.js';
import { readProfileFacts, type ToplevelCache } from './profileReader.js';
import { fileToplevelCache } from './toplevelCache.js';
import type { RebuildSetup } from './rebuilds.js';
import type { RemoteHost } from './remote/remoteHost.js';
import { selfCommand } from './selfCommand.js';
import { stateDir } from './runStore.js';
import type { GenerationsRead, Result } from '../core/result.js';
import type { RepoService } from '../core/repo.js';

export type { GenerationsRead } from '../core/result.js';

/** Where things are and how to reach them, resolved once from options, preferences and the system. */
export interface Environment {
  flakeDir: string;
  todoFile: string;
  root: string;
  hostname: string;
  listFolderHosts(flakeDir: string): Promise<string[]>;
  evalFlakeHosts(flakeDir: string): Promise<FlakeHostsResult>;
  /** the flake's hosts as last evaluated, while the flake looks unchanged; null when unknown */
  cachedFlakeHosts?(flakeDir: string): Promise<string[] | null>;
  readGenerations(host: Host): Promise<GenerationsRead>;
  /** the list last read from a remote host (kept by readGenerations), or null */
  cachedGenerations?(host: Host): Promise<CachedGenerations | null>;
  /** a remote host over this environment's one ssh connection pool (closed by dispose) */
  remoteHost?(name: string): Promise<RemoteHost>;
  /** remove what the environment made (the demo's temporary folder), close its connections */
  dispose?(): Promise<void>;
  /** the same at once, synchronously, for a process being signalled to end */
  disposeNow?(): void;
  /** for the console's header: where the data comes from, when it is not the real system */
  label?: string;
  /** how rebuild runs are started and where they are kept */
  rebuild: RebuildSetup;
  /** the command of `nixdeck update` instead of nix's (the demo's stand-in), given the input names (none: all) */
  updateCommand?: (inputs: readonly string[]) => Promise<Result<string[]>>;
  /** the flake's repository service the environment brings (the demo's); else the console makes one */
  repo?: RepoService;
}

export class SetupError extends Error {}

export interface Locations {
  flake?: string;
  file?: string;
  root?: string;
}

/** --flake, else the preference, else ./ when it holds flake.nix, else /etc/nixos (under --root). */
export function resolveFlakeDir(options: Locations, prefs: Prefs, cwd: string = process.cwd()): string {
  const root = options.root ?? '/';
  const chosen = options.flake ?? prefs.flake;
  if (chosen !== undefined) {
    const dir = path.resolve(cwd, chosen);
    const problem = folderProblem(dir);
    if (problem) {
      throw new SetupError(
        `flake folder ${dir} ${problem}` + (options.flake ? '' : ` (from the preference "flake"; change it with: nixdeck config set flake DIR)`),
      );
    }
    return dir;
  }
  if (existsSync(path.join(cwd, 'flake.nix'))) return cwd;
  return path.join(root, 'etc/nixos');
}

export function resolveTodoFile(options: Locations, prefs: Prefs, flakeDir: string, cwd: string = process.cwd()): string {
  if (options.file) return path.resolve(cwd, options.file);
  if (prefs.todoFile) return path.resolve(flakeDir, prefs.todoFile);
  return path.join(flakeDir, 'PROJECT.md');
}

/** The machine's name: <root>/etc/hostname under --root, else the kernel's. */
export function readHostname(root: string | undefined): string {
  if (root) {
    try {
      const name = readFileSync(path.join(root, 'etc/hostname'), 'utf8').trim();
      if (name) return name;
    } catch {
      // fall back to this machine's name
    }
  }
  return os.hostname();
}

export function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Read the local system profile under `root`; toplevels already seen come from the cache. */
export function readLocalGenerations(root: string, cache?: ToplevelCache): GenerationsRead {
  const facts = readProfileFacts({ root }, cache);
  const list = buildGenerationList(facts);
  if (list.generations.length === 0) {
    const profile = path.join(root, 'nix/var/nix/profiles/system');
    return { ok: false, error: `no system generations in ${profile}`, hint: 'is this a NixOS machine? --root DIR reads another system root' };
  }
  return { ok: true, list };
}

export function localEnvironment(options: Locations, prefs: Prefs): Environment {
  const root = path.resolve(options.root ?? '/');
  const rootProblem = options.root ? folderProblem(root) : null;
  if (rootProblem) throw new SetupError(`--root ${root} ${rootProblem}`);
  const flakeDir = resolveFlakeDir(options, prefs);
  const hostname = readHostname(options.root);
  let cache: ReturnType<typeof fileToplevelCache> | undefined;
  const hostsCache = fileFlakeHostsCache();
  const state = stateDir();
  const kept = fileGenerationsCache(path.join(state, 'generations'));
  // the ssh code loads with the first remote host, not before the first frame
  let pool: Promise<{ host(name: string): RemoteHost; closeAll(): Promise<void> }> | null = null;
  const remoteHost = async (name: string): Promise<RemoteHost> => {
    pool ??= import('./ssh/sshPool.js').then((m) => m.openSshPool({ prefs }));
    return (await pool).host(name);
  };
  return {
    rebuild: {
      stateDir: state,
      flakeDir,
      hostname,
      executable: [prefs.rebuildExecutable ?? 'nixos-rebuild'],
      extraFlags: (prefs.rebuildFlags ?? '').split(/\s+/).filter(Boolean),
      supervisor: selfCommand('__supervise'),
      isRoot: process.getuid?.() === 0,
      needsRoot: true,
    },
    flakeDir,
    todoFile: resolveTodoFile(options, prefs, flakeDir),
    root,
    hostname,
    listFolderHosts,
    cachedFlakeHosts: (dir) => hostsCache.read(dir),
    async evalFlakeHosts(dir) {
      const fingerprint = await flakeFingerprint(dir);
      const result = await evalFlakeHosts(dir, (await import('./exec.js')).localRunner);
      if (result.ok) await hostsCache.write(dir, fingerprint, result.names);
      else await hostsCache.forget(dir);
      return result;
    },
    async readGenerations(host) {
      if (host.local) {
        cache ??= fileToplevelCache();
        const result = readLocalGenerations(root, cache);
        cache.save();
        return result;
      }
      const result = await readRemoteGenerations(await remoteHost(host.name));
      if (result.ok) await kept.write(host.name, result.list);
      return result;
    },
    cachedGenerations: (host) => (host.local ? Promise.resolve(null) : kept.read(host.name)),
    remoteHost,
    async dispose() {
      const opened = pool;
      pool = null;
      if (opened) await (await opened).closeAll();
    },
  };
}

/** A remote host's generations: its facts in one round trip over its connection, the same list code as here. */
export async function readRemoteGenerations(remote: RemoteHost): Promise<GenerationsRead> {
  const { readRemoteHostFacts, DEFAULT_SYSTEM_PROFILE } = await import('./remote/hostFacts.js');
  const hint = `check the connection with: ssh ${remote.destination}`;
  const read = await readRemoteHostFacts(remote);
  if (!read.ok) return { ok: false, error: `cannot read the generations of ${remote.name}: ${read.error}`, hint };
  const list = buildGenerationList(read.facts.profile);
  if (list.generations.length === 0) return { ok: false, error: `no system generations in ${DEFAULT_SYSTEM_PROFILE} on ${remote.name}`, hint: 'is it a NixOS machine?' };
  return { ok: true, list };
}
