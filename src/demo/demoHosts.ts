// How the demo's hosts behave when they are reached "over SSH": there is no ssh, each host of the
// demo fleet answers through a stand-in (demoRemote.ts), and this table is its story.
//   hq        this machine: up to date with the flake
//   t460      a new kernel installed but not booted (reboot needed); the flake has moved on
//             (outdated); its new configuration cuts it off from new SSH connections, so a
//             deploy of it rolls back by itself
//   x1carbon  outdated, one failed unit; a deploy goes through
//   vm01      the flake's system is staged with `nixos-rebuild boot` (pending-reboot)
//   nas       refuses connections (its sshd is down: see PROJECT.md, the keys needed its console)
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { hex40, nixHash } from './seeded.js';

export interface DemoHostStory {
  /** why the host cannot be reached, in the ssh layer's words; null: it answers */
  unreachable: string | null;
  /** one round trip over its connection */
  rttMs: number;
  failedUnits: string[];
  /** which system the flake builds for it: the running one, the profile's, or a newer one not deployed yet */
  flake: 'running' | 'profile' | 'new';
  /** activating the flake's new system cuts the host off from new SSH connections */
  cutOffByNewSystem: boolean;
}

export const DEMO_STORIES: Readonly<Record<string, DemoHostStory>> = {
  hq: { unreachable: null, rttMs: 0, failedUnits: [], flake: 'running', cutOffByNewSystem: false },
  t460: { unreachable: null, rttMs: 7, failedUnits: [], flake: 'new', cutOffByNewSystem: true },
  x1carbon: { unreachable: null, rttMs: 12, failedUnits: ['fprintd.service'], flake: 'new', cutOffByNewSystem: false },
  vm01: { unreachable: null, rttMs: 1, failedUnits: [], flake: 'profile', cutOffByNewSystem: false },
  nas: { unreachable: 'connection refused', rttMs: 3, failedUnits: [], flake: 'new', cutOffByNewSystem: false },
};

/** How long the demo's hosts wait for the acknowledgement of a switch or test (the real default is 30 s). */
export const DEMO_CONFIRM_TIMEOUT = 5;

/** How long ago the demo pretends an unreachable host's list was last read. */
export const DEMO_KEPT_LIST_AGE_MS = 3 * 86_400_000;

export function storyOf(host: string): DemoHostStory {
  return DEMO_STORIES[host] ?? { unreachable: null, rttMs: 5, failedUnits: [], flake: 'running', cutOffByNewSystem: false };
}

const TOPLEVEL = /^[0-9a-z]{32}-nixos-system-(.+)$/;

/** The newest generation's toplevel of the profile under `root` (from the links, not the markers). */
function newestToplevel(root: string): string | null {
  const dir = path.join(root, 'nix/var/nix/profiles');
  let newest = -1;
  let target: string | null = null;
  for (const entry of readdirSync(dir)) {
    const m = /^system-(\d+)-link$/.exec(entry);
    if (!m || Number(m[1]) <= newest) continue;
    newest = Number(m[1]);
    target = readlinkSync(path.join(dir, entry));
  }
  return target;
}

function resolvedLink(link: string): string | null {
  try {
    return readlinkSync(link);
  } catch {
    return null;
  }
}

/**
 * The system the flake's new configuration of `host` builds to: beside the host's first newest
 * generation in the demo store, with its release and kernel and a newer configuration revision.
 * Derived from the label only, so it stays the same path after it has been deployed.
 */
export function newSystemPath(root: string, host: string): string | null {
  const newest = newestToplevel(root);
  if (newest === null) return null;
  const m = TOPLEVEL.exec(path.basename(newest));
  const rest = m?.[1];
  if (rest === undefined || !rest.startsWith(`${host}-`)) return null;
  const label = rest.slice(host.length + 1);
  return path.join(path.dirname(newest), `${nixHash(`flake build ${host} ${label}`)}-nixos-system-${host}-${label}`);
}

/** The flake's toplevel for `host` (what `nix eval …toplevel.outPath` would say), by its story. */
export function demoFlakeToplevel(root: string, host: string): string | null {
  const story = storyOf(host);
  if (story.flake === 'running') return resolvedLink(path.join(root, 'run/current-system'));
  if (story.flake === 'profile') {
    const current = resolvedLink(path.join(root, 'nix/var/nix/profiles/system'));
    return current === null ? null : resolvedLink(path.join(root, 'nix/var/nix/profiles', current));
  }
  return newSystemPath(root, host);
}

/**
 * Write the flake's new system of `host` into the demo store (once): a copy of the newest
 * generation's toplevel with a newer configuration revision, so the diff shows the configuration
 * parts changing; `revision` is its configuration revision (the flake's, see demoDeploy.ts). Returns its path.
 */
export function writeNewSystem(root: string, host: string, revision: string | null = null): string {
  const target = newSystemPath(root, host);
  const from = newestToplevel(root);
  if (target === null || from === null) throw new Error(`${host} has no generation in the demo to build on`);
  if (existsSync(target)) return target;
  mkdirSync(path.join(target, 'specialisation'), { recursive: true });
  for (const name of ['nixos-version', 'system']) writeFileSync(path.join(target, name), readFileSync(path.join(from, name)));
  const version = JSON.parse(readFileSync(path.join(from, 'nixos-version.json'), 'utf8')) as Record<string, unknown>;
  version.configurationRevision = revision ?? hex40(`fleet commit ${host} next`);
  writeFileSync(path.join(target, 'nixos-version.json'), JSON.stringify(version));
  writeFileSync(path.join(target, 'boot.json'), readFileSync(path.join(from, 'boot.json'), 'utf8').replaceAll(from, target));
  for (const name of ['kernel', 'kernel-modules']) symlinkSync(readlinkSync(path.join(from, name)), path.join(target, name));
  for (const child of readdirSync(path.join(from, 'specialisation'))) {
    const link = path.join(from, 'specialisation', child);
    if (lstatSync(link).isSymbolicLink()) symlinkSync(readlinkSync(link), path.join(target, 'specialisation', child));
  }
  return target;
}
