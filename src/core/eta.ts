// Time left in a rebuild, from the history of past builds and runs, and from the bytes still to
// download at the recent rate. Pure.

import type { ProgressSnapshot } from './progressSnapshot.js';

/** Median of the values (mean of the middle two for an even count); null when empty. */
export function median(values: readonly number[]): number | null {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return null;
  const sorted = [...finite].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  if (sorted.length % 2 === 1) return sorted[mid] ?? null;
  return ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

export interface EtaInput {
  /** pnames of planned builds that have not started yet */
  planned: readonly string[];
  /** builds running now */
  running: readonly { pname: string; elapsedMs: number }[];
  /** past build durations (ms) per pname */
  history: ReadonlyMap<string, readonly number[]>;
  /** past durations (ms) of this host's whole runs */
  hostRunDurations: readonly number[];
  /** how long this run has been going */
  elapsedMs: number;
  /** bytes still to download (or copy) and the recent rate; see transferOf */
  transfer?: Transfer;
}

export interface Transfer {
  remainingBytes: number;
  /** null when unknown (nothing moved lately) */
  bytesPerSec: number | null;
}

export interface EtaEstimate {
  remainingMs: number | null;
  basis: 'builds' | 'downloads' | 'builds+downloads' | 'host-runs' | 'none';
}

/** What is left to transfer: the downloads when nix announced their size, else the store copies. */
export function transferOf(snap: Pick<ProgressSnapshot, 'downloads' | 'copies' | 'transferRate'>): Transfer {
  const bytes = snap.downloads.expectedBytes > 0 ? snap.downloads : snap.copies;
  return { remainingBytes: Math.max(0, bytes.expectedBytes - bytes.doneBytes), bytesPerSec: snap.transferRate };
}

/** Remaining bytes at the recent rate; null when nothing is left or the rate is unknown. */
export function transferRemainingMs(transfer: Transfer | undefined): number | null {
  if (!transfer || transfer.remainingBytes <= 0 || transfer.bytesPerSec === null || !(transfer.bytesPerSec > 0)) return null;
  return (transfer.remainingBytes / transfer.bytesPerSec) * 1000;
}

/**
 * Sum over the planned builds of the median past duration for that name (running ones: what is
 * left of it, never below 0). Names without history count as the median of all known build
 * durations, or are skipped when there is no build history at all. While bytes are still to be
 * downloaded at a known rate, their time (remaining bytes / recent rate) is added: nix fetches
 * what a build needs before it builds, so the two add up rather than overlap. Before the plan is
 * known (nothing planned, nothing running, nothing downloading), or when nothing could be
 * estimated, the median past duration of the host's runs minus the elapsed time.
 */
export function estimateRemaining(input: EtaInput): EtaEstimate {
  const builds = estimateBuilds(input);
  const downloadMs = transferRemainingMs(input.transfer);
  if (downloadMs === null) return builds;
  if (builds.basis === 'builds' && builds.remainingMs !== null) return { remainingMs: builds.remainingMs + downloadMs, basis: 'builds+downloads' };
  return { remainingMs: downloadMs, basis: 'downloads' };
}

function estimateBuilds(input: EtaInput): EtaEstimate {
  const fromHostRuns = (): EtaEstimate => {
    const m = median(input.hostRunDurations);
    if (m === null) return { remainingMs: null, basis: 'none' };
    return { remainingMs: Math.max(0, m - Math.max(0, input.elapsedMs)), basis: 'host-runs' };
  };

  if (input.planned.length === 0 && input.running.length === 0) return fromHostRuns();

  const medians = new Map<string, number | null>();
  const byName = (pname: string): number | null => {
    if (medians.has(pname)) return medians.get(pname) ?? null;
    const m = median(input.history.get(pname) ?? []);
    medians.set(pname, m);
    return m;
  };
  let overall: number | null | undefined;
  const overallMedian = (): number | null => {
    if (overall === undefined) {
      const all: number[] = [];
      for (const durations of input.history.values()) for (const d of durations) all.push(d);
      overall = median(all);
    }
    return overall;
  };

  let total = 0;
  let estimated = 0;
  for (const pname of input.planned) {
    const m = byName(pname) ?? overallMedian();
    if (m === null) continue;
    total += m;
    estimated++;
  }
  for (const r of input.running) {
    const m = byName(r.pname) ?? overallMedian();
    if (m === null) continue;
    total += Math.max(0, m - Math.max(0, r.elapsedMs));
    estimated++;
  }
  if (estimated === 0) return fromHostRuns();
  return { remainingMs: total, basis: 'builds' };
}
