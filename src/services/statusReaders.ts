// The real readers of `nixdeck status` (and of the console's Fleet view): this machine by the
// local reader (it honours --root), every other host by the host-side facts script over its one
// pooled ssh connection, the flake's toplevels by nix, the last runs from the run store.
import os from 'node:os';
import path from 'node:path';
import type { FlakeToplevel, HostRead, LastRun, StatusDeps } from '../core/fleetStatus.js';
import type { Prefs } from '../core/prefsSchema.js';
import type { Host } from '../core/types.js';
import type { Environment } from '../system/context.js';
import { localRunner } from '../system/exec.js';
import { flakeToplevels } from '../system/flakeToplevels.js';
import { deployedTags } from '../system/git/read.js';
import { readLocalHostFacts } from '../system/localHostFacts.js';
import { readRemoteHostFacts } from '../system/remote/hostFacts.js';
import { listRuns } from '../system/runStore.js';
import { resultOf } from '../system/runTracking.js';
import { openSshPool, type SshPool } from '../system/ssh/sshPool.js';
import { fileToplevelCache } from '../system/toplevelCache.js';

/** Hosts read at once: ssh connections are cheap and mostly waiting, so many; 50 hosts in ~4 rounds. */
export const STATUS_PARALLEL = 16;

/** nix evaluations at once: each wants a core. */
function evalLimit(): number {
  return Math.max(1, Math.min(4, os.availableParallelism()));
}

export function statusReaders(env: Environment, prefs: Prefs): StatusDeps {
  const demo = env.rebuild.ephemeral === true;
  // the environment's pool when it has one (the console's: one connection per host for every
  // read), else one of its own, closed by close()
  let own: SshPool | null = null;
  const remoteHost = env.remoteHost ?? (async (name: string) => (own ??= openSshPool({ prefs })).host(name));
  const cache = fileToplevelCache();
  return {
    limit: STATUS_PARALLEL,
    now: () => Date.now(),
    async readHost(host: Host): Promise<HostRead> {
      try {
        if (demo) {
          // the demo's hosts answer through its stand-ins (no ssh, no nix): reach, then the facts
          const remote = await remoteHost(host.name);
          const up = host.local ? null : await remote.reach();
          if (up !== null && !up.ok) return up;
          const { demoHostFacts } = await import('../demo/demoStatus.js');
          return { ok: true, facts: await demoHostFacts(path.join(path.dirname(env.root), host.name), host.name, Date.now()), rttMs: up?.rttMs ?? null };
        }
        if (host.local) {
          const facts = await readLocalHostFacts(env.root, env.hostname, localRunner, cache);
          cache.save();
          return { ok: true, facts, rttMs: null };
        }
        return await readRemoteHostFacts(await remoteHost(host.name));
      } catch (error) {
        return { ok: false, error: (error as Error).message };
      }
    },
    async flakeToplevels(names) {
      // the demo's flake is not evaluated: each stand-in's story says what it would build
      if (demo) return (await import('../demo/demoStatus.js')).demoFlakeToplevels(path.dirname(env.root), names);
      return (await flakeToplevels(env.flakeDir, names, { runner: localRunner, limit: evalLimit() })).toplevels;
    },
    async lastRuns() {
      const newest = new Map<string, LastRun>();
      // newest first: the first run seen of a host is its last
      for (const run of await listRuns(env.rebuild.stateDir)) {
        if (run.meta === null || newest.has(run.meta.host)) continue;
        newest.set(run.meta.host, {
          id: run.id,
          action: run.meta.action,
          result: run.state === 'lost' ? 'lost' : await resultOf(run),
          ended: run.exit?.endedAt ?? null,
        });
      }
      return newest;
    },
    async deployedTags() {
      // a flake folder that is not a git repository has no tags
      const read = await deployedTags(env.flakeDir).catch(() => null);
      return read?.ok ? read.value.map((t) => ({ tag: `deployed/${t.host}`, hash: t.hash, behind: t.behind })) : [];
    },
    close: async () => {
      await own?.closeAll();
    },
  };
}
