// The counters of nix's activities: per activity type, the sums of their resProgress fields
// [done, expected, running, failed], the resSetExpected totals, and the transfer rates. Bounded:
// a stream that never stops its activities forgets the oldest ones.

import { ActivityType, type NixField } from './nixLog.js';
import type { ByteProgress } from './progressSnapshot.js';
import { RateMeter } from './rateMeter.js';

export type Progress4 = [number, number, number, number];

/** One open activity; `build` is the tracker's record when it is a build. */
export interface Activity<B> {
  type: number;
  /** last resProgress fields [done, expected, running, failed] */
  progress: Progress4 | null;
  /** resSetExpected per activity type */
  expected: Map<number, number> | null;
  build: B | null;
}

const MAX_ACTIVITIES = 20_000;
const KEEP_ON_EVICTION = new Set<number>([ActivityType.Build, ActivityType.Builds, ActivityType.CopyPaths, ActivityType.Realise]);
const PROGRESS_TYPES = new Set<number>([ActivityType.Builds, ActivityType.CopyPaths, ActivityType.FileTransfer, ActivityType.CopyPath]);

export function num(f: NixField | undefined): number {
  return typeof f === 'number' && Number.isFinite(f) ? f : 0;
}

export class ActivityCounters<B> {
  private readonly activities = new Map<string, Activity<B>>();
  /** per progress activity type: [done, expected, running, failed] summed over all activities */
  private readonly sums = new Map<number, Progress4>();
  /** resSetExpected totals per activity type */
  private readonly setExpected = new Map<number, number>();
  private readonly rates = new Map<number, RateMeter>();

  get(id: string): Activity<B> | undefined {
    return this.activities.get(id);
  }

  /**
   * Open an activity. When too many are open, the oldest one that is neither a build nor one of
   * the few counter activities is forgotten, else the oldest of all: its id is returned then.
   */
  start(id: string, type: number, build: B | null): { act: Activity<B>; evicted: string | null } {
    const evicted = this.activities.size >= MAX_ACTIVITIES ? this.evict() : null;
    const act: Activity<B> = { type, progress: null, expected: null, build };
    if (PROGRESS_TYPES.has(type) && !this.sums.has(type)) this.sums.set(type, [0, 0, 0, 0]);
    this.activities.set(id, act);
    return { act, evicted };
  }

  /** Close an activity; its counters stay in the sums as finished. */
  stop(id: string): Activity<B> | undefined {
    const act = this.activities.get(id);
    if (act === undefined) return undefined;
    this.activities.delete(id);
    this.retire(act);
    return act;
  }

  /** A resProgress result; returns the [done, failed] increments. */
  progress(act: Activity<B>, fields: NixField[], nowMs: number): [number, number] {
    const next: Progress4 = [num(fields[0]), num(fields[1]), num(fields[2]), num(fields[3])];
    const prev = act.progress ?? [0, 0, 0, 0];
    const sum = this.sums.get(act.type);
    if (sum !== undefined) {
      for (let k = 0; k < 4; k++) sum[k] = (sum[k] ?? 0) + next[k]! - prev[k]!;
    }
    act.progress = next;
    if (sum !== undefined && (act.type === ActivityType.FileTransfer || act.type === ActivityType.CopyPath)) {
      let meter = this.rates.get(act.type);
      if (meter === undefined) this.rates.set(act.type, (meter = new RateMeter()));
      meter.sample(nowMs, sum[0]);
    }
    return [next[0] - prev[0], next[3] - prev[3]];
  }

  /** A resSetExpected result. */
  expect(act: Activity<B>, fields: NixField[]): void {
    const actType = num(fields[0]);
    const expected = num(fields[1]);
    if (act.expected === null) act.expected = new Map();
    const before = act.expected.get(actType) ?? 0;
    act.expected.set(actType, expected);
    this.setExpected.set(actType, (this.setExpected.get(actType) ?? 0) + expected - before);
  }

  /** [done, expected, running, failed] summed over the activities of one type. */
  counts(type: number): Progress4 {
    return this.sums.get(type) ?? [0, 0, 0, 0];
  }

  bytes(type: number): ByteProgress {
    const [d, e] = this.counts(type);
    let open = 0;
    for (const act of this.activities.values()) if (act.type === type) open++;
    return { doneBytes: d, expectedBytes: Math.max(d, e, this.setExpected.get(type) ?? 0), running: open };
  }

  /** The rate of downloads when there are any, else of copies. */
  transferRate(nowMs: number, downloads: ByteProgress): number | null {
    const followed = downloads.expectedBytes > 0 ? ActivityType.FileTransfer : ActivityType.CopyPath;
    return this.rates.get(followed)?.rate(nowMs) ?? null;
  }

  /** A stopped activity's counters stay in the sums with running = 0 and expected = done + failed. */
  private retire(act: Activity<B>): void {
    const sum = this.sums.get(act.type);
    const p = act.progress;
    if (sum !== undefined && p !== null) {
      sum[1] += p[0] + p[3] - p[1];
      sum[2] -= p[2];
    }
  }

  private evict(): string | null {
    for (const [id, act] of this.activities) {
      if (!KEEP_ON_EVICTION.has(act.type)) {
        this.activities.delete(id);
        this.retire(act);
        return null;
      }
    }
    const first = this.activities.keys().next();
    if (first.done) return null;
    const act = this.activities.get(first.value);
    this.activities.delete(first.value);
    if (act !== undefined) this.retire(act);
    return first.value;
  }
}
