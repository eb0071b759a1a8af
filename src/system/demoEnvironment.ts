import { accessSync, constants } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { GlobalOptions } from '../args.js';
import type { Environment } from './context.js';
import { readLocalGenerations } from './context.js';
import { createDemoFleet } from './demoFleet.js';
import { listFolderHosts } from './hostsDiscovery.js';
import { selfCommand } from './rebuilds.js';

/**
 * Where the demo's throwaway fleet goes: $TMPDIR when the user set one, else /dev/shm (in
 * memory: the ~2,000 small files of a fleet are written there many times faster than on
 * disk, which is most of the demo's start-up), else the system's temporary folder.
 */
function demoParentDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TMPDIR) return os.tmpdir();
  try {
    accessSync('/dev/shm', constants.W_OK);
    return '/dev/shm';
  } catch {
    return os.tmpdir();
  }
}

/** How long the console's demo waits before the flake's host list arrives, as an evaluation would. */
export const DEMO_EVAL_MS = 400;

/**
 * The sample fleet: every host's profile is a folder laid out like a NixOS root, read by the
 * same profile reader as a real system. There is no Nix here, so the flake's host list is
 * answered from the fleet's own table after a short pause, as an evaluation would.
 */
export async function demoEnvironment(options: Pick<GlobalOptions, 'file'>, evalDelayMs = 0): Promise<Environment> {
  const fleet = await createDemoFleet({ parentDir: demoParentDir() });
  return {
    label: 'demo',
    // runs and their history stay inside the demo's folder; the stand-in activates nothing
    rebuild: {
      stateDir: path.join(fleet.dir, 'state'),
      flakeDir: fleet.flakeDir,
      hostname: fleet.localHost,
      executable: selfCommand('__demo-rebuild'),
      extraFlags: [],
      supervisor: selfCommand('__supervise'),
      isRoot: false,
      needsRoot: false,
    },
    flakeDir: fleet.flakeDir,
    todoFile: options.file ? path.resolve(options.file) : path.join(fleet.flakeDir, 'PROJECT.md'),
    root: fleet.hostRoots[fleet.localHost] ?? fleet.dir,
    hostname: fleet.localHost,
    listFolderHosts,
    evalFlakeHosts: () => new Promise((resolve) => setTimeout(() => resolve({ ok: true, names: fleet.hostNames }), evalDelayMs)),
    async readGenerations(host) {
      const root = fleet.hostRoots[host.name];
      if (!root) return { ok: false, message: `${host.name} is not part of the demo fleet` };
      try {
        await fleet.hostReady(host.name);
      } catch (error) {
        return { ok: false, message: `the demo could not write ${host.name}: ${(error as Error).message}` };
      }
      return readLocalGenerations(root);
    },
    // the demo's folder goes away on quit, so its runs cannot outlive it
    dispose: async () => {
      const state = path.join(fleet.dir, 'state');
      const { listRuns } = await import('./runStore.js');
      const { cancelRun } = await import('./runLauncher.js');
      const running = (await listRuns(state).catch(() => [])).filter((r) => r.state === 'running');
      await Promise.all(running.map((r) => cancelRun(state, r.id, { graceMs: 500 }).catch(() => undefined)));
      await fleet.cleanup();
    },
  };
}
