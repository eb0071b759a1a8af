// One status row per host of the fleet, from what one round trip to the host said, the flake's
// toplevel for it and the last nixdeck run on it. Pure: the command and the console view both
// build their rows here.
import type { BootPaths, HostStatusFacts } from './hostFacts.js';
import type { GenerationLinkFacts, Host } from './types.js';

export const DRIFTS = ['up-to-date', 'outdated', 'pending-reboot', 'unknown'] as const;
export type Drift = (typeof DRIFTS)[number];

/** The last nixdeck run on a host, as a status row shows it. */
export interface LastRun {
  id: string;
  action: string;
  /** running | succeeded | failed | cancelled | partial (or lost: the run ended without a record) */
  result: string;
  /** ISO 8601 UTC; null while it runs */
  ended: string | null;
}

/** The flake's toplevel for a host: the store path, or why there is none. */
export type FlakeToplevel = { ok: true; path: string } | { ok: false; error: string };

/** The JSON object of `nixdeck status --json`, one per host (DESIGN.md's contract, plus rttMs and driftReason). */
export interface HostStatus {
  name: string;
  local: boolean;
  reachable: boolean;
  /** why the host could not be read, in one line; null when it was read */
  error: string | null;
  /** generation numbers: the profile's, /run/current-system's and /run/booted-system's; null where not in the profile */
  current: number | null;
  running: number | null;
  booted: number | null;
  runningPath: string | null;
  bootedPath: string | null;
  /** the flake's toplevel for this host; null when it did not evaluate */
  flakePath: string | null;
  /** booted and running systems boot with different kernel, initrd or modules; null when not known */
  rebootNeeded: boolean | null;
  drift: Drift;
  /** failed systemd units; null where the host has no systemctl (or was not read) */
  failedUnits: string[] | null;
  uptimeSeconds: number | null;
  lastRun: LastRun | null;
  /** why drift is `unknown`; null otherwise */
  driftReason: string | null;
  /** one round trip to the host in milliseconds; null for this machine and unreachable hosts */
  rttMs: number | null;
  /** the host's deployed/<host> tag in the flake's repository: the commit, and how many commits HEAD is past it (null when unknown); null when there is none */
  deployed: DeployedStatus | null;
}

export interface DeployedStatus {
  /** "deployed/<host>" */
  tag: string;
  hash: string;
  behind: number | null;
}

export type HostRead = { ok: true; facts: HostStatusFacts; rttMs: number | null } | { ok: false; error: string };

export interface StatusInput {
  name: string;
  local: boolean;
  read: HostRead;
  /** undefined: the host is not one of the flake's nixosConfigurations */
  flake: FlakeToplevel | undefined;
  lastRun: LastRun | null;
  /** the host's deployed/<host> tag, when the repository has one */
  deployed?: DeployedStatus | null;
}

/** A status row plus what the table shows beside it (the running generation's date). */
export interface StatusRow {
  status: HostStatus;
  /** the link mtime of the running generation, ms since the epoch; null when not in the profile */
  runningSinceMs: number | null;
}

/** One line: control characters and line breaks become spaces, so an error never breaks a row. */
export function oneLine(text: string): string {
  const line = text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').replace(/ {2,}/g, ' ').trim();
  return line === '' ? 'no reason given' : line;
}

function linkOf(links: readonly GenerationLinkFacts[], storePath: string | null): GenerationLinkFacts | null {
  if (storePath === null) return null;
  // the newest generation wins when several point at the same system
  let found: GenerationLinkFacts | null = null;
  for (const link of links) if (link.target === storePath && (found === null || link.number > found.number)) found = link;
  return found;
}

/**
 * A reboot is needed when the booted system starts another kernel, initrd or set of kernel
 * modules than the running one: store paths, not versions (a rebuilt kernel of the same version
 * still needs the reboot). Null when either side is unknown.
 */
export function rebootNeeded(running: BootPaths, booted: BootPaths): boolean | null {
  if (running.toplevel === null || booted.toplevel === null) return null;
  if (running.toplevel === booted.toplevel) return false;
  const parts = ['kernel', 'initrd', 'kernelModules'] as const;
  if (parts.every((p) => running[p] === null && booted[p] === null)) return null;
  return parts.some((p) => running[p] !== booted[p]);
}

/** up-to-date: running = flake; pending-reboot: the profile = flake but running is not; else outdated. */
export function driftOf(
  runningPath: string | null,
  profilePath: string | null,
  flake: FlakeToplevel | undefined,
): { drift: Drift; reason: string | null } {
  if (flake === undefined) return { drift: 'unknown', reason: "not one of the flake's nixosConfigurations" };
  if (!flake.ok) return { drift: 'unknown', reason: oneLine(`the flake did not evaluate: ${flake.error}`) };
  if (runningPath === null) return { drift: 'unknown', reason: 'no running system (/run/current-system is missing)' };
  if (runningPath === flake.path) return { drift: 'up-to-date', reason: null };
  if (profilePath !== null && profilePath === flake.path) return { drift: 'pending-reboot', reason: null };
  return { drift: 'outdated', reason: null };
}

export function statusRow(input: StatusInput): StatusRow {
  const { name, local, read, flake, lastRun } = input;
  const deployed = input.deployed ?? null;
  const flakePath = flake?.ok ? flake.path : null;
  if (!read.ok) {
    const error = oneLine(read.error);
    return {
      status: {
        name,
        local,
        reachable: false,
        error,
        current: null,
        running: null,
        booted: null,
        runningPath: null,
        bootedPath: null,
        flakePath,
        rebootNeeded: null,
        drift: 'unknown',
        failedUnits: null,
        uptimeSeconds: null,
        lastRun,
        driftReason: `the host was not read: ${error}`,
        rttMs: null,
        deployed,
      },
      runningSinceMs: null,
    };
  }
  const { facts } = read;
  const { links } = facts.profile;
  const runningPath = facts.running.toplevel ?? facts.profile.runningPath;
  const bootedPath = facts.booted.toplevel ?? facts.profile.bootedPath;
  const currentLink = facts.profile.currentNumber === null ? null : (links.find((l) => l.number === facts.profile.currentNumber) ?? null);
  const runningLink = linkOf(links, runningPath);
  const bootedLink = linkOf(links, bootedPath);
  const { drift, reason } = driftOf(runningPath, currentLink?.target ?? null, flake);
  return {
    status: {
      name,
      local,
      reachable: true,
      error: null,
      current: currentLink?.number ?? null,
      running: runningLink?.number ?? null,
      booted: bootedLink?.number ?? null,
      runningPath,
      bootedPath,
      flakePath,
      rebootNeeded: rebootNeeded(facts.running, facts.booted),
      drift,
      failedUnits: facts.failedUnits === null ? null : [...facts.failedUnits],
      uptimeSeconds: facts.uptimeSeconds,
      lastRun,
      driftReason: reason,
      rttMs: read.rttMs === null ? null : Math.round(read.rttMs),
      deployed,
    },
    runningSinceMs: runningLink && runningLink.mtimeMs > 0 ? runningLink.mtimeMs : null,
  };
}

/** `45s`, `12m`, `5h`, `3d`, `7w`: the largest whole unit, for ages and uptimes in a narrow column. */
export function shortAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h`;
  if (s < 14 * 86_400) return `${Math.floor(s / 86_400)}d`;
  return `${Math.floor(s / (7 * 86_400))}w`;
}

export const STATUS_HEADER = ['HOST', 'REACH', 'RUNNING', 'REBOOT', 'DRIFT', 'FAILED', 'UPTIME', 'LAST RUN'] as const;

/** The table cells of a row (host names are valid names; the caller makes the rest visible). */
export function statusCells(row: StatusRow, nowMs: number): string[] {
  const s = row.status;
  const reach = s.local ? 'local' : !s.reachable ? 'unreachable' : s.rttMs === null ? 'yes' : `${s.rttMs} ms`;
  const running = s.running === null ? (s.runningPath === null ? '-' : 'not in profile') : row.runningSinceMs === null ? String(s.running) : `${s.running} (${shortAge(nowMs - row.runningSinceMs)})`;
  const reboot = s.rebootNeeded === null ? '-' : s.rebootNeeded ? 'needed' : 'no';
  const units = s.failedUnits;
  const failed = units === null ? '-' : units.length === 0 ? '0' : `${units.length}: ${units.slice(0, 2).join(',')}${units.length > 2 ? ',…' : ''}`;
  const uptime = s.uptimeSeconds === null ? '-' : shortAge(s.uptimeSeconds * 1000);
  const ended = s.lastRun?.ended ? Date.parse(s.lastRun.ended) : Number.NaN;
  const last = s.lastRun === null ? '-' : `${s.lastRun.action} ${s.lastRun.result}${Number.isFinite(ended) ? ` ${shortAge(nowMs - ended)} ago` : ''}`;
  return [s.name, reach, running, reboot, s.drift, failed, uptime, last];
}

/** What `nixdeck status` and the Fleet view read through: services/statusReaders.ts, or a test's fakes. */
export interface StatusDeps {
  /** one host's facts and round trip; never throws */
  readHost(host: Host): Promise<HostRead>;
  /** the flake's toplevel per host (the hosts of its nixosConfigurations only); never throws */
  flakeToplevels(names: readonly string[]): Promise<Map<string, FlakeToplevel>>;
  /** the newest nixdeck run per host name */
  lastRuns(): Promise<Map<string, LastRun>>;
  /** hosts read at once */
  limit: number;
  /** the flake repository's deployed/<host> tags (none when it is not a git repository); never throws */
  deployedTags?(): Promise<DeployedStatus[]>;
  /** closes the connections opened for the reads */
  close(): Promise<void>;
  now(): number;
}
