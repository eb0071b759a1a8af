// `nixdeck --demo status`: each demo host's row from its folder (the same profile reader and
// status rules as a real host) and its story (reachability, round trip, failed units), with
// the uptime since its booted generation was made. The flake's toplevels come from the stories.
import path from 'node:path';
import type { FlakeToplevel } from '../core/fleetStatus.js';
import type { HostStatusFacts } from '../core/hostFacts.js';
import { readLocalHostFacts } from '../system/localHostFacts.js';
import type { CommandRunner } from '../system/exec.js';
import { demoFlakeToplevel, storyOf } from './demoHosts.js';

/** A host is booted a few minutes after its booted generation was made. */
const BOOTED_AFTER_MS = 7 * 60_000;

/** Nothing is run for the demo: a runner that never starts a process. */
const noProcesses: CommandRunner = {
  run: async (file) => ({ exitCode: 127, stdout: '', stderr: '', spawnError: `the demo runs no ${file}` }),
};

/** One demo host's status facts, as the facts script would say them over ssh (its reach is the stand-in's). */
export async function demoHostFacts(root: string, host: string, nowMs: number): Promise<HostStatusFacts> {
  const facts = await readLocalHostFacts(root, host, noProcesses);
  const booted = facts.profile.links.find((l) => l.target === facts.profile.bootedPath);
  const uptimeSeconds = booted && booted.mtimeMs > 0 ? Math.max(60, Math.floor((nowMs - booted.mtimeMs - BOOTED_AFTER_MS) / 1000)) : null;
  return { ...facts, failedUnits: [...storyOf(host).failedUnits], uptimeSeconds, isRoot: true };
}

/** The flake's toplevel of each demo host, by its story (the demo's flake is never evaluated). */
export function demoFlakeToplevels(hostsDir: string, names: readonly string[]): Map<string, FlakeToplevel> {
  const out = new Map<string, FlakeToplevel>();
  for (const name of names) {
    const top = demoFlakeToplevel(path.join(hostsDir, name), name);
    out.set(name, top === null ? { ok: false, error: `${name} has no system in the demo` } : { ok: true, path: top });
  }
  return out;
}
