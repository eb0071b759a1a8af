// This machine's status facts, read in-process: the same HostStatusFacts the host-side script
// prints for a remote host, but honouring --root (the script would read / only) and needing no
// shell. The generation list comes from the same local profile reader as `generations`.
import { readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import type { BootPaths, HostStatusFacts } from '../core/hostFacts.js';
import type { CommandRunner } from './exec.js';
import { readProfileFacts, type ToplevelCache } from './profileReader.js';

function resolved(p: string): string | null {
  try {
    return realpathSync(p);
  } catch {
    return null;
  }
}

/** `<toplevel>/kernel`, `initrd` and `kernel-modules`, resolved to what they point at. */
export function bootPathsOf(toplevel: string | null): BootPaths {
  if (toplevel === null) return { toplevel: null, kernel: null, initrd: null, kernelModules: null };
  return {
    toplevel,
    kernel: resolved(path.join(toplevel, 'kernel')),
    initrd: resolved(path.join(toplevel, 'initrd')),
    kernelModules: resolved(path.join(toplevel, 'kernel-modules')),
  };
}

/** Failed units by systemctl; null where there is no systemctl (or it cannot answer: no systemd running). */
export async function failedUnits(runner: CommandRunner): Promise<string[] | null> {
  const result = await runner.run('systemctl', ['list-units', '--failed', '--plain', '--no-legend', '--no-pager'], { timeoutMs: 10_000 });
  if (result.spawnError || result.exitCode !== 0) return null;
  return result.stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[0] ?? '')
    .filter((unit) => unit !== '');
}

export function uptimeSeconds(): number | null {
  try {
    const seconds = Number.parseFloat(readFileSync('/proc/uptime', 'utf8').split(' ')[0] ?? '');
    return Number.isFinite(seconds) ? Math.floor(seconds) : null;
  } catch {
    return null;
  }
}

/**
 * The status facts of the system at `root`. Under another root (--root, the demo) the units and
 * the uptime are this machine's, not that system's: they are null there.
 */
export async function readLocalHostFacts(root: string, hostname: string, runner: CommandRunner, cache?: ToplevelCache): Promise<HostStatusFacts> {
  const profile = readProfileFacts({ root }, cache);
  const thisSystem = path.resolve(root) === '/';
  return {
    hostname,
    profile,
    running: bootPathsOf(profile.runningPath),
    booted: bootPathsOf(profile.bootedPath),
    failedUnits: thisSystem ? await failedUnits(runner) : null,
    uptimeSeconds: thisSystem ? uptimeSeconds() : null,
    isRoot: process.getuid?.() === 0,
  };
}
