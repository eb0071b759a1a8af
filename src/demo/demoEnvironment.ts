import { accessSync, constants, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { GlobalOptions } from '../args.js';
import type { Environment } from '../system/context.js';
import { readLocalGenerations } from '../system/context.js';
import { createDemoFleet, type DemoFleet } from './demoFleet.js';
import { DEMO_CONFIRM_TIMEOUT, DEMO_KEPT_LIST_AGE_MS, storyOf } from './demoHosts.js';
import { reapStaleDemoFolders } from './demoOwner.js';
import { demoRemoteHost } from './demoRemote.js';
import { listFolderHosts } from '../system/hostsDiscovery.js';
import { selfCommand } from '../system/selfCommand.js';
import type { RepoService } from '../core/repo.js';
import { DEFAULT_AGES } from '../core/inputAge.js';
import { repoServiceOnFirstUse } from '../services/repoServiceLazy.js';
import { demoGitVariables } from './demoRepo.js';
import { demoUpdateCommand } from './demoUpdate.js';

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

/** Is the process (pid > 0) or any process of the group (pid < 0) still there? */
function alive(id: number): boolean {
  try {
    process.kill(id, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}

/** Does `pid` run with `text` in its command line? (a pid written down earlier may be reused) */
function commandLineHas(pid: number, text: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text);
  } catch {
    return !existsSync('/proc/self/cmdline') && alive(pid); // no /proc: trust the pid
  }
}

/**
 * Stop the unfinished runs of the demo in `dir` at once, synchronously: SIGTERM to each command's
 * process group and to its supervisor (which would otherwise write the run's end, and the
 * history, into a folder being removed), then wait up to a second for them to go. Only processes
 * whose command line names the demo's folder are signalled.
 */
function stopRunsNow(dir: string): void {
  const runs = path.join(dir, 'state', 'runs');
  const targets: number[] = [];
  let ids: string[] = [];
  try {
    ids = readdirSync(runs);
  } catch {
    return; // no run was ever started
  }
  for (const id of ids) {
    if (existsSync(path.join(runs, id, 'exit.json'))) continue;
    let meta: { childPid?: unknown; supervisorPid?: unknown };
    try {
      meta = JSON.parse(readFileSync(path.join(runs, id, 'meta.json'), 'utf8')) as typeof meta;
    } catch {
      continue; // no readable meta.json: no process known to stop
    }
    const group = meta.childPid;
    const supervisor = meta.supervisorPid;
    for (const target of [typeof group === 'number' ? -group : 0, typeof supervisor === 'number' ? supervisor : 0]) {
      if (!Number.isInteger(target) || Math.abs(target) <= 1 || !commandLineHas(Math.abs(target), dir)) continue;
      try {
        process.kill(target, 'SIGTERM');
        targets.push(target);
      } catch {
        // already gone
      }
    }
  }
  const until = Date.now() + 1000;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  while (targets.some(alive) && Date.now() < until) Atomics.wait(pause, 0, 0, 20);
}

/**
 * The demo's repository service: the real one (git, flake.lock, updates under the supervisor)
 * with the demo's stand-in for `nix flake update`, and git isolated from the user's
 * configuration. It loads on first use, once the demo's repository has been written. `self`
 * makes the argv of this program's hidden subcommands (tests run them from source).
 */
export function demoRepoService(fleet: DemoFleet, stateDir: string, self: (subcommand: string) => string[] = selfCommand): RepoService {
  return repoServiceOnFirstUse(async () => {
    await fleet.repoReady();
    const [{ createRepoService }, { flakeUpdater }] = await Promise.all([import('../services/repoService.js'), import('../system/flakeUpdate.js')]);
    const flakeDir = fleet.flakeDir;
    return createRepoService({
      flakeDir,
      now: Date.now,
      ages: () => DEFAULT_AGES,
      update: flakeUpdater({
        stateDir,
        flakeDir,
        supervisor: self('__supervise'),
        runner: self('__flake-update'),
        command: demoUpdateCommand(flakeDir, self('__demo-update')),
      }),
      git: { env: demoGitVariables(fleet.dir) },
    });
  });
}

/** How long the console's demo waits before the flake's host list arrives, as an evaluation would. */
export const DEMO_EVAL_MS = 400;

/**
 * The sample fleet: every host's profile is a folder laid out like a NixOS root, read by the
 * same profile reader as a real system. There is no Nix here, so the flake's host list is
 * answered from the fleet's own table after a short pause, as an evaluation would.
 */
export async function demoEnvironment(options: Pick<GlobalOptions, 'file'>, evalDelayMs = 0): Promise<Environment> {
  const parentDir = demoParentDir();
  reapStaleDemoFolders(parentDir);
  const fleet = await createDemoFleet({ parentDir });
  return {
    label: 'demo',
    // runs and their history stay inside the demo's folder; the stand-ins change only that folder
    rebuild: {
      stateDir: path.join(fleet.dir, 'state'),
      flakeDir: fleet.flakeDir,
      hostname: fleet.localHost,
      executable: selfCommand('__demo-rebuild'),
      extraFlags: [],
      supervisor: selfCommand('__supervise'),
      isRoot: false,
      needsRoot: false,
      ephemeral: true,
      // the other hosts are deployed to through stand-ins, which wait a few seconds to be confirmed
      deployRunner: selfCommand('__demo-deploy'),
      confirmTimeout: DEMO_CONFIRM_TIMEOUT,
    },
    flakeDir: fleet.flakeDir,
    repo: demoRepoService(fleet, path.join(fleet.dir, 'state')),
    updateCommand: demoUpdateCommand(fleet.flakeDir),
    todoFile: options.file ? path.resolve(options.file) : path.join(fleet.flakeDir, 'PROJECT.md'),
    root: fleet.hostRoots[fleet.localHost] ?? fleet.dir,
    hostname: fleet.localHost,
    listFolderHosts,
    evalFlakeHosts: () => new Promise((resolve) => setTimeout(() => resolve({ ok: true, names: fleet.hostNames }), evalDelayMs)),
    async readGenerations(host) {
      const root = fleet.hostRoots[host.name];
      if (!root) return { ok: false, error: `${host.name} is not part of the demo fleet` };
      try {
        await fleet.hostReady(host.name);
      } catch (error) {
        return { ok: false, error: `the demo could not write ${host.name}: ${(error as Error).message}` };
      }
      const unreachable = host.name === fleet.localHost ? null : storyOf(host.name).unreachable;
      if (unreachable !== null) {
        return { ok: false, error: `${host.name}: ${unreachable}`, hint: `R reads it again; in the demo ${host.name} always refuses (it stands for a host whose sshd is down)` };
      }
      const read = await readLocalGenerations(root);
      // the other hosts are the demo's stand-ins for remote hosts: said beside their names
      if (read.ok && host.name !== fleet.localHost) return { ...read, list: { ...read.list, simulated: 'demo: simulated' } };
      return read;
    },
    // an unreachable stand-in shows the list "kept" from its last read, a few days ago
    async cachedGenerations(host) {
      const root = fleet.hostRoots[host.name];
      if (!root || host.name === fleet.localHost || storyOf(host.name).unreachable === null) return null;
      await fleet.hostReady(host.name);
      const read = await readLocalGenerations(root);
      return read.ok ? { list: { ...read.list, simulated: 'demo: simulated' }, savedAtMs: Date.now() - DEMO_KEPT_LIST_AGE_MS } : null;
    },
    // every host "over ssh" through its stand-in (no ssh): once its folder is written
    async remoteHost(name) {
      const root = fleet.hostRoots[name];
      if (!root) throw new Error(`${name} is not part of the demo fleet`);
      await fleet.hostReady(name);
      return demoRemoteHost(root, name);
    },
    // a signal: the runs' processes are stopped and the folder removed before anything else
    // runs, so a second signal that kills the process at once finds nothing left to clean up
    disposeNow: () => {
      void fleet.cleanup(); // stops writing the hosts not written yet
      stopRunsNow(fleet.dir);
      rmSync(fleet.dir, { recursive: true, force: true, maxRetries: 3 });
    },
    // the demo's folder goes away on quit, so its runs cannot outlive it
    dispose: async () => {
      const state = path.join(fleet.dir, 'state');
      const { listRuns } = await import('../system/runStore.js');
      const { cancelRun } = await import('../system/runLauncher.js');
      const running = (await listRuns(state).catch(() => [])).filter((r) => r.state === 'running');
      await Promise.all(running.map((r) => cancelRun(state, r.id, { graceMs: 500 }).catch(() => undefined)));
      await fleet.cleanup();
    },
  };
}
