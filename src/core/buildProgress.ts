// Build progress of one rebuild run, nix-output-monitor style, fed with parsed log events.
//
// Counters come from nix's own progress results (resProgress=105 on the actBuilds=104 and
// actCopyPaths=103 activities, byte progress on actFileTransfer=101 / actCopyPath=100,
// resSetExpected=106); the derivations building now from actBuild=105 activities; the build plan
// from the "these N derivations will be built:" messages; failures from the progress `failed`
// counter, the builds it belongs to and the `error:` messages (both Nix wordings). Everything kept
// is bounded, so a run of any length costs the same memory: the full log lives elsewhere (on disk).
// Pure: no I/O; times come in as arguments.

import { ActivityType, ResultType, parseLogLine, stripAnsi, type NixField, type NixLogEvent } from './nixLog.js';

// ---------------------------------------------------------------------------------------------
// derivation names

/** `/nix/store/<hash>-hello-1.0.drv` → `hello-1.0` (also for output paths, without `.drv`). */
export function derivationName(path: string): string {
  let base = path.slice(path.lastIndexOf('/') + 1);
  if (base.endsWith('.drv')) base = base.slice(0, -4);
  const dash = base.indexOf('-');
  // store path base names are `<32-char hash>-<name>`
  if (dash === 32) return base.slice(33);
  return base;
}

/**
 * Split a derivation name like `builtins.parseDrvName`: the version starts at the first dash
 * that is followed by a non-letter. `hello-1.0` → hello / 1.0; `nixos-system-t460-25.05.2025…`
 * → nixos-system-t460; `unit-nginx.service` → itself, no version.
 */
export function parseDrvName(name: string): { pname: string; version: string } {
  for (let i = 0; i < name.length - 1; i++) {
    if (name.charCodeAt(i) !== 0x2d /* - */) continue;
    const c = name.charCodeAt(i + 1);
    const letter = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
    if (!letter) return { pname: name.slice(0, i), version: name.slice(i + 1) };
  }
  return { pname: name, version: '' };
}

/** The name used for build history: derivation name without hash, `.drv` and version. */
export function pnameOf(drvPath: string): string {
  return parseDrvName(derivationName(drvPath)).pname;
}

// ---------------------------------------------------------------------------------------------
// a bounded ring buffer

/** Keeps the last `capacity` items pushed; `total` counts every push. */
export class Ring<T> {
  private items: T[] = [];
  private head = 0;
  total = 0;
  constructor(readonly capacity: number) {}

  push(item: T): void {
    this.total++;
    if (this.items.length < this.capacity) {
      this.items.push(item);
    } else {
      this.items[this.head] = item;
      this.head = (this.head + 1) % this.capacity;
    }
  }

  get size(): number {
    return this.items.length;
  }

  /** The last `n` items (all by default), oldest first. */
  last(n: number = this.items.length): T[] {
    const size = this.items.length;
    const count = Math.max(0, Math.min(n, size));
    const out: T[] = new Array<T>(count);
    const start = size < this.capacity ? size - count : this.head + size - count;
    for (let k = 0; k < count; k++) out[k] = this.items[(start + k) % size] as T;
    return out;
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }
}

// ---------------------------------------------------------------------------------------------
// the snapshot

export interface Counts {
  done: number;
  expected: number;
  running: number;
  failed: number;
}

export interface ByteProgress {
  doneBytes: number;
  expectedBytes: number;
  /** transfers / copies going on now */
  running: number;
}

export interface RunningBuild {
  id: string;
  drvPath: string;
  /** without hash and `.drv`: `hello-1.0` */
  name: string;
  /** without the version, for history: `hello` */
  pname: string;
  /** the activity's text, e.g. `building '/nix/store/…drv'` or `checking outputs of '…'` */
  text: string;
  /** remote builder, null when local */
  machine: string | null;
  phase: string | null;
  startedMs: number;
  elapsedMs: number;
  /** last build log line, ANSI-free */
  lastLine: string | null;
}

export type BuildOutcome = 'built' | 'failed' | 'unknown';

export interface FinishedBuild {
  drvPath: string;
  name: string;
  pname: string;
  startedMs: number;
  durationMs: number;
  /** unknown: the stream did not say (cut off, or no progress counter) */
  outcome: BuildOutcome;
}

export type PlanState = 'planned' | 'running' | BuildOutcome;

export interface PlannedBuild {
  drvPath: string;
  name: string;
  pname: string;
  state: PlanState;
}

export type NixErrorKind = 'build' | 'dependencies' | 'eval' | 'other';

export interface NixErrorInfo {
  kind: NixErrorKind;
  /** the whole message, ANSI-free, possibly several lines */
  message: string;
  /** one line: the first line plus the `Reason:` line (≥ 2.29), e.g.
   *  `error: builder for '/nix/store/…-hello-1.0.drv' failed with exit code 2` */
  summary: string;
  drvPath: string | null;
  /** normalised across Nix versions: `builder failed with exit code 2`, `1 dependency failed` */
  reason: string | null;
  exitCode: number | null;
  /** `Last N log lines:` of the message, if it has them */
  logLines: string[];
  file: string | null;
  line: number | null;
  column: number | null;
}

export interface FailedDerivation {
  drvPath: string;
  name: string;
  pname: string;
  /** `builder failed with exit code 2`, or null when no error message named it */
  reason: string | null;
  exitCode: number | null;
  /** its last build log lines (ANSI-free), from the stream or else from the error message */
  lastLines: string[];
  durationMs: number | null;
}

export interface ActivationInfo {
  /** switch-to-configuration (or nixos-rebuild's activation) has begun */
  started: boolean;
  /** from `warning: the following units failed: a.service, b.service` */
  unitsFailed: string[];
  /** `warning: error(s) occurred while switching to the new configuration` was seen */
  switchErrors: boolean;
  /** from `Done. The new configuration is /nix/store/…` */
  newConfiguration: string | null;
}

export type Stage = 'starting' | 'evaluating' | 'building' | 'copying' | 'activating';

export interface ProgressSnapshot {
  /** events applied so far */
  events: number;
  firstEventMs: number | null;
  lastEventMs: number | null;
  stage: Stage;
  builds: Counts;
  /** substituted paths (actCopyPaths counters) */
  substitutions: Counts;
  /** bytes downloaded (actFileTransfer) */
  downloads: ByteProgress;
  /** bytes copied into/out of the store (actCopyPath, NAR size) */
  copies: ByteProgress;
  /**
   * bytes per second over the last few seconds of the transfer that the ETA follows (downloads,
   * else copies); null before two samples, or when nothing moved in that window
   */
  transferRate: number | null;
  running: RunningBuild[];
  /** every derivation known to be built in this run (plan messages and build starts) */
  planned: PlannedBuild[];
  /** pnames of planned builds that have not started yet (input for the ETA) */
  plannedPending: string[];
  /** N of "these N paths will be fetched" (summed over the run's nix invocations) */
  plannedFetches: number;
  /** finished builds, oldest first (the most recent ones when the run had very many) */
  finished: FinishedBuild[];
  failedDerivations: FailedDerivation[];
  errors: NixErrorInfo[];
  /** the first evaluation error, if any */
  evalError: NixErrorInfo | null;
  warnings: string[];
  activation: ActivationInfo;
  /** display lines, oldest first: `hello> log line`, plain lines, info messages */
  tail: string[];
  /** how many display lines the run has produced (the tail keeps the last `tailCapacity`) */
  totalLines: number;
}

export interface BuildProgressOptions {
  /** display lines kept (default 2000) */
  tailCapacity?: number;
  /** log lines kept per build, for failures (default 20) */
  buildLogLines?: number;
  /** finished builds kept (default 5000) */
  finishedCapacity?: number;
}

export interface SnapshotOptions {
  /** elapsed times are computed against this (default: the last event's time) */
  nowMs?: number;
  /** only the last N tail lines (default: all kept) */
  tailLines?: number;
  /** only the last N finished builds (default: all kept) */
  finishedLimit?: number;
}

// ---------------------------------------------------------------------------------------------
// internal state

interface BuildRec {
  id: string;
  drvPath: string;
  name: string;
  pname: string;
  text: string;
  machine: string | null;
  phase: string | null;
  startedMs: number;
  stoppedMs: number | null;
  outcome: 'running' | BuildOutcome;
  /** named by an error message as failed */
  namedFailed: boolean;
  log: Ring<string>;
}

interface Activity {
  type: number;
  /** last resProgress fields [done, expected, running, failed] */
  progress: [number, number, number, number] | null;
  /** resSetExpected per activity type */
  expected: Map<number, number> | null;
  build: BuildRec | null;
}

interface FailedState {
  drvPath: string;
  reason: string | null;
  exitCode: number | null;
  messageLines: string[];
  rec: BuildRec | null;
}

const MAX_ACTIVITIES = 20_000;
const MAX_PLANNED = 20_000;
const MAX_RECENT_BUILDS = 512;
const MAX_AWAITING = 64;
const MAX_FAILED = 100;
const MAX_ERRORS = 50;
const MAX_WARNINGS = 50;
const MAX_MESSAGE_LINES = 200;
/** the transfer rate is measured over this much recent time */
export const RATE_WINDOW_MS = 10_000;
/** byte samples closer together than this are merged, so a flood of progress events costs nothing */
const RATE_SAMPLE_MS = 250;

/** Done bytes of one transfer kind over time, for a recent rate; bounded by the window. */
class RateMeter {
  private readonly times: number[] = [];
  private readonly bytes: number[] = [];

  sample(t: number, doneBytes: number): void {
    const n = this.times.length;
    // merge into the newest sample while it is young, so samples stay RATE_SAMPLE_MS apart
    if (n >= 2 && t - (this.times[n - 2] ?? 0) < RATE_SAMPLE_MS) {
      this.times[n - 1] = t;
      this.bytes[n - 1] = doneBytes;
    } else {
      this.times.push(t);
      this.bytes.push(doneBytes);
    }
    // keep one sample at or before the window's start, as the anchor
    while (this.times.length > 2 && (this.times[1] ?? 0) <= t - RATE_WINDOW_MS) {
      this.times.shift();
      this.bytes.shift();
    }
  }

  /** Bytes per second from the oldest kept sample to `now`; null when unknown or nothing moved. */
  rate(now: number): number | null {
    const n = this.times.length;
    if (n < 2) return null;
    let first = 0;
    while (first < n - 1 && (this.times[first + 1] ?? 0) <= now - RATE_WINDOW_MS) first++;
    const moved = (this.bytes[n - 1] ?? 0) - (this.bytes[first] ?? 0);
    const span = Math.max(now, this.times[n - 1] ?? 0) - (this.times[first] ?? 0);
    if (moved <= 0 || span <= 0) return null;
    return (moved / span) * 1000;
  }
}

const KEEP_ON_EVICTION = new Set<number>([ActivityType.Build, ActivityType.Builds, ActivityType.CopyPaths, ActivityType.Realise]);
const PROGRESS_TYPES = new Set<number>([ActivityType.Builds, ActivityType.CopyPaths, ActivityType.FileTransfer, ActivityType.CopyPath]);

const ACTIVATION_PREFIXES = [
  'activating the configuration...',
  'would activate the configuration...',
  'Checking switch inhibitors',
  'updating GRUB 2 menu',
  'updating systemd-boot entries',
  'stopping the following units:',
  'would stop the following units:',
  'setting up /etc...',
  'Failed to run activate script',
  'Failed to install bootloader',
];

const UNITS_FAILED = 'warning: the following units failed: ';
const SWITCH_ERRORS = 'warning: error(s) occurred while switching to the new configuration';
const DONE_NEW_CONFIG = 'Done. The new configuration is ';

function num(f: NixField | undefined): number {
  return typeof f === 'number' && Number.isFinite(f) ? f : 0;
}

function str(f: NixField | undefined): string {
  return typeof f === 'string' ? f : '';
}

// ---------------------------------------------------------------------------------------------
// error messages

const RE_BUILDER_FAILED = /builder for '([^']+)' failed (with exit code (\d+)|due to signal (\d+)(?: \(([^)]*)\))?)/;
const RE_CANNOT_BUILD = /Cannot build '([^']+)'/;
const RE_REASON = /^\s*Reason: (.*?)\.?\s*$/m;
const RE_DEPS_FAILED = /(\d+) dependenc(?:y|ies) of derivation '([^']+)' failed to build/;
const RE_HASH_MISMATCH = /hash mismatch in fixed-output derivation '([^']+)'/;
const RE_EXIT_CODE = /exit code (\d+)/;
const RE_LAST_LOG_LINES = /^\s*[Ll]ast \d+ log lines:\s*$/;

/** Classify one `error:` message (ANSI-free) from nix. */
export function parseNixError(
  message: string,
  extra: { rawMsg?: string; file?: string; line?: number; column?: number } = {},
): NixErrorInfo {
  const lines = message.split('\n');
  let first = (lines[0] ?? '').trim();
  if (first.endsWith(';')) first = first.slice(0, -1);
  const info: NixErrorInfo = {
    kind: 'other',
    message,
    summary: first,
    drvPath: null,
    reason: null,
    exitCode: null,
    logLines: [],
    file: extra.file ?? null,
    line: extra.line ?? null,
    column: extra.column ?? null,
  };

  const reasonMatch = RE_REASON.exec(message);
  const builder = RE_BUILDER_FAILED.exec(message);
  const cannot = RE_CANNOT_BUILD.exec(message);
  const deps = RE_DEPS_FAILED.exec(message);
  const hash = RE_HASH_MISMATCH.exec(message);
  if (builder) {
    info.kind = 'build';
    info.drvPath = builder[1] ?? null;
    if (builder[3] !== undefined) {
      info.reason = `builder failed with exit code ${builder[3]}`;
      info.exitCode = Number(builder[3]);
    } else {
      info.reason = `builder failed due to signal ${builder[4] ?? '?'}${builder[5] ? ` (${builder[5]})` : ''}`;
    }
  } else if (cannot) {
    info.drvPath = cannot[1] ?? null;
    const reason = reasonMatch?.[1] ?? null;
    info.reason = reason;
    info.kind = reason !== null && /\bdependenc(?:y|ies) failed\b/.test(reason) ? 'dependencies' : 'build';
    const code = reason === null ? null : RE_EXIT_CODE.exec(reason);
    if (code) info.exitCode = Number(code[1]);
  } else if (deps) {
    info.kind = 'dependencies';
    info.drvPath = deps[2] ?? null;
    info.reason = `${deps[1]} ${deps[1] === '1' ? 'dependency' : 'dependencies'} failed`;
  } else if (hash) {
    info.kind = 'build';
    info.drvPath = hash[1] ?? null;
    info.reason = 'hash mismatch in fixed-output derivation';
  } else if (extra.rawMsg !== undefined || extra.file !== undefined) {
    info.kind = 'eval';
  }

  if (info.kind === 'eval' || first === 'error:') {
    // modern eval errors start with a bare `error:` and a trace; the message proper is raw_msg,
    // or else the last `error: …` line of the text
    let bare = extra.rawMsg?.split('\n').find((l) => l.trim() !== '')?.trim();
    if (bare === undefined) {
      for (let k = lines.length - 1; k > 0; k--) {
        const t = (lines[k] ?? '').trim();
        if (t.startsWith('error: ')) {
          bare = t.slice('error: '.length);
          break;
        }
      }
    }
    if (bare !== undefined && bare !== '') info.summary = `error: ${bare}`;
  }
  if (reasonMatch && cannot) info.summary = `${first} ${(reasonMatch[0] ?? '').trim()}`;

  // `Last N log lines:` followed by `> line`s
  const at = lines.findIndex((l) => RE_LAST_LOG_LINES.test(l));
  if (at !== -1) {
    for (let k = at + 1; k < lines.length; k++) {
      const t = (lines[k] ?? '').trimStart();
      if (t.startsWith('> ')) info.logLines.push(t.slice(2));
      else if (t === '>') info.logLines.push('');
      else break;
    }
  }
  return info;
}

// ---------------------------------------------------------------------------------------------
// the tracker

export class BuildProgress {
  private readonly tailCapacity: number;
  private readonly buildLogLines: number;

  private events = 0;
  private firstMs: number | null = null;
  private lastMs: number | null = null;
  private stage: Stage = 'starting';

  private readonly activities = new Map<string, Activity>();
  /** per progress activity type: [done, expected, running, failed] summed over all activities */
  private readonly sums = new Map<number, [number, number, number, number]>();
  /** resSetExpected totals per activity type */
  private readonly setExpected = new Map<number, number>();

  private readonly running = new Map<string, BuildRec>();
  private readonly recentByDrv = new Map<string, BuildRec>();
  private readonly finished: Ring<BuildRec>;
  private awaiting: BuildRec[] = [];
  private unattributedDone = 0;
  private unattributedFailed = 0;
  private lastDoneSeq = -1;
  private lastFailedSeq = -1;
  private builtCount = 0;
  private failedCount = 0;

  private readonly planned = new Map<string, PlannedBuild>();
  private planMode: 'build' | 'fetch' | null = null;
  private plannedFetches = 0;

  private readonly failed = new Map<string, FailedState>();
  private readonly errors: NixErrorInfo[] = [];
  private readonly errorSummaries = new Set<string>();
  private evalError: NixErrorInfo | null = null;
  /** an `error:` that came as plain text lines; indented lines that follow belong to it */
  private textError: { lines: string[]; info: NixErrorInfo } | null = null;
  private readonly warnings: string[] = [];

  private readonly activation: ActivationInfo = {
    started: false,
    unitsFailed: [],
    switchErrors: false,
    newConfiguration: null,
  };

  private readonly tail: Ring<string>;
  private readonly rates = new Map<number, RateMeter>();

  constructor(options: BuildProgressOptions = {}) {
    this.tailCapacity = options.tailCapacity ?? 2000;
    this.buildLogLines = options.buildLogLines ?? 20;
    this.tail = new Ring<string>(this.tailCapacity);
    this.finished = new Ring<BuildRec>(options.finishedCapacity ?? 5000);
  }

  apply(ev: NixLogEvent, nowMs: number): void {
    this.events++;
    if (this.firstMs === null) this.firstMs = nowMs;
    this.lastMs = nowMs;
    switch (ev.kind) {
      case 'result':
        this.onResult(ev.id, ev.type, ev.fields);
        break;
      case 'start':
        this.onStart(ev.id, ev.type, ev.level, ev.text, ev.fields, nowMs);
        break;
      case 'stop':
        this.onStop(ev.id, nowMs);
        break;
      case 'msg':
        this.onMsg(ev);
        break;
      case 'text':
        this.onText(ev.line);
        break;
    }
  }

  /** Apply many events at one time. */
  applyAll(events: Iterable<NixLogEvent>, nowMs: number): void {
    for (const ev of events) this.apply(ev, nowMs);
  }

  // --- events ---------------------------------------------------------------------------------

  private line(s: string): void {
    this.tail.push(s);
  }

  private onResult(id: string, type: number, fields: NixField[]): void {
    if (type === ResultType.BuildLogLine || type === ResultType.PostBuildLogLine) {
      const raw = str(fields[0]);
      const text = raw.indexOf('\x1b') === -1 ? raw : stripAnsi(raw);
      const rec = this.activities.get(id)?.build ?? null;
      if (rec !== null) {
        rec.log.push(text);
        this.line(`${rec.pname}> ${text}`);
      } else {
        this.line(text);
      }
      return;
    }
    const act = this.activities.get(id);
    if (act === undefined) return;
    if (type === ResultType.Progress) {
      const next: [number, number, number, number] = [num(fields[0]), num(fields[1]), num(fields[2]), num(fields[3])];
      const prev = act.progress ?? [0, 0, 0, 0];
      const sum = this.sums.get(act.type);
      if (sum !== undefined) {
        for (let k = 0; k < 4; k++) sum[k] = (sum[k] ?? 0) + next[k]! - prev[k]!;
      }
      act.progress = next;
      if (sum !== undefined && (act.type === ActivityType.FileTransfer || act.type === ActivityType.CopyPath)) {
        let meter = this.rates.get(act.type);
        if (meter === undefined) this.rates.set(act.type, (meter = new RateMeter()));
        meter.sample(this.lastMs ?? 0, sum[0]);
      }
      if (act.type === ActivityType.Builds) {
        const dDone = next[0] - prev[0];
        const dFailed = next[3] - prev[3];
        if (dFailed > 0) this.failedIncrement(dFailed);
        if (dDone > 0) this.doneIncrement(dDone);
      }
    } else if (type === ResultType.SetPhase) {
      if (act.build !== null) act.build.phase = str(fields[0]) || null;
    } else if (type === ResultType.SetExpected) {
      const actType = num(fields[0]);
      const expected = num(fields[1]);
      if (act.expected === null) act.expected = new Map();
      const before = act.expected.get(actType) ?? 0;
      act.expected.set(actType, expected);
      this.setExpected.set(actType, (this.setExpected.get(actType) ?? 0) + expected - before);
    }
  }

  private onStart(id: string, type: number, level: number, text: string, fields: NixField[], nowMs: number): void {
    if (this.activities.size >= MAX_ACTIVITIES) this.evictActivity();
    const act: Activity = { type, progress: null, expected: null, build: null };
    if (PROGRESS_TYPES.has(type) && !this.sums.has(type)) {
      this.sums.set(type, [0, 0, 0, 0]);
    }
    if (type === ActivityType.Build) {
      const drvPath = str(fields[0]) || (/'([^']+\.drv)'/.exec(text)?.[1] ?? '');
      const name = derivationName(drvPath);
      const rec: BuildRec = {
        id,
        drvPath,
        name,
        pname: parseDrvName(name).pname,
        text,
        machine: str(fields[1]) || null,
        phase: null,
        startedMs: nowMs,
        stoppedMs: null,
        outcome: 'running',
        namedFailed: this.failed.has(drvPath),
        log: new Ring<string>(this.buildLogLines),
      };
      act.build = rec;
      this.running.set(id, rec);
      this.remember(rec);
      this.plan(drvPath, 'running');
    }
    if (
      type === ActivityType.Build ||
      type === ActivityType.Builds ||
      type === ActivityType.CopyPaths ||
      type === ActivityType.CopyPath ||
      type === ActivityType.FileTransfer ||
      type === ActivityType.Substitute
    ) {
      if (this.stage === 'starting' || this.stage === 'evaluating') this.stage = 'building';
    }
    this.activities.set(id, act);
    if (level <= 3 && text !== '') this.line(`${text}...`);
  }

  private onStop(id: string, nowMs: number): void {
    const act = this.activities.get(id);
    if (act === undefined) return;
    this.activities.delete(id);
    this.retire(act);
    const rec = act.build;
    if (rec === null) return;
    this.running.delete(id);
    rec.stoppedMs = nowMs;
    if (rec.namedFailed) {
      if (this.unattributedFailed > 0) this.unattributedFailed--;
      this.settle(rec, 'failed');
    } else if (this.unattributedFailed > 0 && (this.unattributedDone === 0 || this.lastFailedSeq > this.lastDoneSeq)) {
      this.unattributedFailed--;
      this.settle(rec, 'failed');
    } else if (this.unattributedDone > 0) {
      this.unattributedDone--;
      this.settle(rec, 'built');
    } else {
      // the counter update comes after the stop (newer Nix): decide then
      rec.outcome = 'unknown';
      this.awaiting.push(rec);
      if (this.awaiting.length > MAX_AWAITING) this.awaiting.shift();
    }
    this.finished.push(rec);
  }

  /** A stopped activity's counters stay in the sums with running = 0 and expected = done + failed. */
  private retire(act: Activity): void {
    const sum = this.sums.get(act.type);
    const p = act.progress;
    if (sum !== undefined && p !== null) {
      sum[1] += p[0] + p[3] - p[1];
      sum[2] -= p[2];
    }
  }

  private evictActivity(): void {
    // a stream that never stops its activities: forget the oldest one that is neither a build
    // nor one of the few counter activities (realise, builds, copyPaths)
    for (const [id, act] of this.activities) {
      if (!KEEP_ON_EVICTION.has(act.type)) {
        this.activities.delete(id);
        this.retire(act);
        return;
      }
    }
    const first = this.activities.keys().next();
    if (!first.done) {
      const act = this.activities.get(first.value);
      this.activities.delete(first.value);
      if (act !== undefined) this.retire(act);
      this.running.delete(first.value);
    }
  }

  private failedIncrement(n: number): void {
    this.lastFailedSeq = this.events;
    for (; n > 0; n--) {
      // newer Nix: the build stopped first; prefer the one an error named
      let at = -1;
      for (let k = this.awaiting.length - 1; k >= 0; k--) {
        if (this.awaiting[k]!.namedFailed) {
          at = k;
          break;
        }
      }
      if (at === -1) at = this.awaiting.length - 1;
      if (at === -1) {
        this.unattributedFailed += n;
        return;
      }
      const [rec] = this.awaiting.splice(at, 1);
      if (rec !== undefined) this.settle(rec, 'failed');
    }
  }

  private doneIncrement(n: number): void {
    this.lastDoneSeq = this.events;
    for (; n > 0; n--) {
      const at = this.awaiting.findIndex((r) => !r.namedFailed);
      if (at === -1) {
        this.unattributedDone += n;
        return;
      }
      const [rec] = this.awaiting.splice(at, 1);
      if (rec !== undefined) this.settle(rec, 'built');
    }
  }

  private settle(rec: BuildRec, outcome: BuildOutcome): void {
    const before = rec.outcome;
    if (before === outcome) return;
    if (before === 'built') this.builtCount--;
    if (before === 'failed') this.failedCount--;
    rec.outcome = outcome;
    if (outcome === 'built') this.builtCount++;
    if (outcome === 'failed') {
      this.failedCount++;
      const state = this.failedState(rec.drvPath);
      state.rec = rec;
    }
    this.plan(rec.drvPath, outcome);
  }

  private failedState(drvPath: string): FailedState {
    let state = this.failed.get(drvPath);
    if (state === undefined) {
      if (this.failed.size >= MAX_FAILED) {
        const oldest = this.failed.keys().next();
        if (!oldest.done) this.failed.delete(oldest.value);
      }
      state = { drvPath, reason: null, exitCode: null, messageLines: [], rec: null };
      this.failed.set(drvPath, state);
    }
    return state;
  }

  private remember(rec: BuildRec): void {
    if (rec.drvPath === '') return;
    this.recentByDrv.delete(rec.drvPath);
    this.recentByDrv.set(rec.drvPath, rec);
    if (this.recentByDrv.size > MAX_RECENT_BUILDS) {
      const oldest = this.recentByDrv.keys().next();
      if (!oldest.done) this.recentByDrv.delete(oldest.value);
    }
  }

  private plan(drvPath: string, state: PlanState): void {
    if (drvPath === '') return;
    const entry = this.planned.get(drvPath);
    if (entry !== undefined) {
      entry.state = state;
      return;
    }
    if (this.planned.size >= MAX_PLANNED) return;
    const name = derivationName(drvPath);
    this.planned.set(drvPath, { drvPath, name, pname: parseDrvName(name).pname, state });
  }

  private onMsg(ev: Extract<NixLogEvent, { kind: 'msg' }>): void {
    if (ev.level <= 3) {
      const text = ev.text;
      if (text.indexOf('\n') === -1) this.line(text);
      else for (const l of text.split('\n')) this.line(l);
    }
    if (ev.level === 0) {
      this.planMode = null;
      if (ev.text.startsWith('error (ignored)')) {
        this.warn(ev.text.split('\n', 1)[0] ?? ev.text);
        return;
      }
      const extra: { rawMsg?: string; file?: string; line?: number; column?: number } = {};
      if (ev.rawMsg !== undefined) extra.rawMsg = ev.rawMsg;
      if (ev.file !== undefined) extra.file = ev.file;
      if (ev.line !== undefined) extra.line = ev.line;
      if (ev.column !== undefined) extra.column = ev.column;
      this.recordError(parseNixError(ev.text, extra));
      return;
    }
    if (ev.level === 1) {
      this.planMode = null;
      this.warn(ev.text.split('\n', 1)[0] ?? ev.text);
      return;
    }
    if (ev.level <= 3) this.planLine(ev.text);
  }

  private onText(line: string): void {
    if (this.textError !== null) {
      if (line.startsWith(' ') && this.textError.lines.length < MAX_MESSAGE_LINES) {
        this.line(line);
        this.textError.lines.push(line);
        this.forgetError(this.textError.info);
        this.textError.info = parseNixError(this.textError.lines.join('\n'));
        this.recordError(this.textError.info);
        return;
      }
      this.textError = null;
    }
    this.line(line);
    if (line.length === 0) return;
    this.planLine(line);
    const c = line.charCodeAt(0);
    if (c === 0x77 /* w */ && line.startsWith('warning: ')) {
      if (line.startsWith(UNITS_FAILED)) {
        for (const unit of line.slice(UNITS_FAILED.length).split(',')) {
          const u = unit.trim();
          if (u !== '' && !this.activation.unitsFailed.includes(u)) this.activation.unitsFailed.push(u);
        }
        this.activation.started = true;
        this.stage = 'activating';
      } else if (line.startsWith(SWITCH_ERRORS)) {
        this.activation.switchErrors = true;
        this.activation.started = true;
        this.stage = 'activating';
      } else {
        this.warn(line);
      }
    } else if (c === 0x65 /* e */ && line.startsWith('error:')) {
      const info = parseNixError(line);
      this.textError = { lines: [line], info };
      this.recordError(info);
    } else if (line.startsWith(DONE_NEW_CONFIG)) {
      this.activation.newConfiguration = line.slice(DONE_NEW_CONFIG.length).trim() || null;
    } else if (line === 'building the system configuration...') {
      if (this.stage === 'starting') this.stage = 'evaluating';
    } else if (line.startsWith('copying ') && line.endsWith(' paths...')) {
      this.stage = 'copying';
    } else {
      for (const prefix of ACTIVATION_PREFIXES) {
        if (line.startsWith(prefix)) {
          this.activation.started = true;
          this.stage = 'activating';
          break;
        }
      }
    }
  }

  /** Plan messages: "these N derivations will be built:" + one `  /nix/store/….drv` per line. */
  private planLine(text: string): void {
    const c = text.charCodeAt(0);
    if (c === 0x20 /* space */) {
      if (this.planMode === null) return;
      const path = text.trim();
      if (!path.startsWith('/')) {
        this.planMode = null;
        return;
      }
      if (this.planMode === 'build' && path.endsWith('.drv')) this.plan(path, this.planned.get(path)?.state ?? 'planned');
      return;
    }
    if (c === 0x74 /* t */) {
      let m = /^(?:these (\d+) derivations|this derivation) will be built:$/.exec(text);
      if (m) {
        this.planMode = 'build';
        return;
      }
      m = /^(?:these (\d+) paths|this path) will be fetched\b/.exec(text);
      if (m) {
        this.planMode = 'fetch';
        this.plannedFetches += m[1] === undefined ? 1 : Number(m[1]);
        return;
      }
    }
    this.planMode = null;
  }

  private warn(text: string): void {
    if (this.warnings.length >= MAX_WARNINGS || this.warnings.includes(text)) return;
    this.warnings.push(text);
  }

  private forgetError(info: NixErrorInfo): void {
    const at = this.errors.indexOf(info);
    if (at !== -1) {
      this.errors.splice(at, 1);
      this.errorSummaries.delete(info.summary);
    }
    if (this.evalError === info) this.evalError = null;
  }

  private recordError(info: NixErrorInfo): void {
    if (info.kind === 'eval' && this.evalError === null) this.evalError = info;
    if (!this.errorSummaries.has(info.summary) && this.errors.length < MAX_ERRORS) {
      this.errorSummaries.add(info.summary);
      this.errors.push(info);
    }
    if (info.kind !== 'build' || info.drvPath === null) return;
    const state = this.failedState(info.drvPath);
    if (info.reason !== null) state.reason = info.reason;
    if (info.exitCode !== null) state.exitCode = info.exitCode;
    if (info.logLines.length > 0) state.messageLines = info.logLines;
    const rec = this.recentByDrv.get(info.drvPath);
    if (rec !== undefined) {
      rec.namedFailed = true;
      state.rec = rec;
      if (rec.outcome === 'unknown') {
        const at = this.awaiting.indexOf(rec);
        if (at !== -1) this.awaiting.splice(at, 1);
        if (this.unattributedFailed > 0) this.unattributedFailed--;
        this.settle(rec, 'failed');
      } else if (rec.outcome === 'built') {
        this.settle(rec, 'failed');
      }
    }
    this.plan(info.drvPath, 'failed');
  }

  // --- reading --------------------------------------------------------------------------------

  snapshot(options: SnapshotOptions = {}): ProgressSnapshot {
    const now = options.nowMs ?? this.lastMs ?? 0;
    const counts = (type: number): [number, number, number, number] => this.sums.get(type) ?? [0, 0, 0, 0];

    const running: RunningBuild[] = [];
    for (const rec of this.running.values()) {
      const lastLine = rec.log.size > 0 ? (rec.log.last(1)[0] ?? null) : null;
      running.push({
        id: rec.id,
        drvPath: rec.drvPath,
        name: rec.name,
        pname: rec.pname,
        text: rec.text,
        machine: rec.machine,
        phase: rec.phase,
        startedMs: rec.startedMs,
        elapsedMs: Math.max(0, now - rec.startedMs),
        lastLine,
      });
    }

    const [bDone, bExpected, bRunning, bFailed] = counts(ActivityType.Builds);
    const done = Math.max(bDone, this.builtCount);
    const failed = Math.max(bFailed, this.failedCount);
    const runningCount = Math.max(bRunning, running.length);
    const planned: PlannedBuild[] = [];
    const plannedPending: string[] = [];
    for (const p of this.planned.values()) {
      planned.push({ ...p });
      if (p.state === 'planned') plannedPending.push(p.pname);
    }
    const builds: Counts = {
      done,
      failed,
      running: runningCount,
      expected: Math.max(bExpected, done + failed + runningCount, planned.length),
    };

    const [sDone, sExpected, sRunning, sFailed] = counts(ActivityType.CopyPaths);
    const substitutions: Counts = {
      done: sDone,
      failed: sFailed,
      running: sRunning,
      expected: Math.max(sExpected, sDone + sFailed + sRunning),
    };
    const bytes = (type: number): ByteProgress => {
      const [d, e] = counts(type);
      let open = 0;
      for (const act of this.activities.values()) if (act.type === type) open++;
      return { doneBytes: d, expectedBytes: Math.max(d, e, this.setExpected.get(type) ?? 0), running: open };
    };

    const downloads = bytes(ActivityType.FileTransfer);
    const copies = bytes(ActivityType.CopyPath);
    const followed = downloads.expectedBytes > 0 ? ActivityType.FileTransfer : ActivityType.CopyPath;
    const transferRate = this.rates.get(followed)?.rate(now) ?? null;

    const finishedAll = this.finished.last(options.finishedLimit ?? this.finished.size);
    const finished: FinishedBuild[] = finishedAll.map((rec) => ({
      drvPath: rec.drvPath,
      name: rec.name,
      pname: rec.pname,
      startedMs: rec.startedMs,
      durationMs: Math.max(0, (rec.stoppedMs ?? now) - rec.startedMs),
      outcome: rec.outcome === 'running' ? 'unknown' : rec.outcome,
    }));

    const failedDerivations: FailedDerivation[] = [];
    for (const state of this.failed.values()) {
      const rec = state.rec;
      // an error naming a derivation that never started here (daemon-side, substitution…) counts;
      // a build that an error named but that then succeeded does not exist
      if (rec !== null && rec.outcome !== 'failed' && !rec.namedFailed) continue;
      const name = derivationName(state.drvPath);
      const streamed = rec !== null ? rec.log.last() : [];
      failedDerivations.push({
        drvPath: state.drvPath,
        name,
        pname: parseDrvName(name).pname,
        reason: state.reason,
        exitCode: state.exitCode,
        lastLines: streamed.length > 0 ? streamed : [...state.messageLines],
        durationMs: rec !== null && rec.stoppedMs !== null ? rec.stoppedMs - rec.startedMs : null,
      });
    }

    return {
      events: this.events,
      firstEventMs: this.firstMs,
      lastEventMs: this.lastMs,
      stage: this.stage,
      builds,
      substitutions,
      downloads,
      copies,
      transferRate,
      running,
      planned,
      plannedPending,
      plannedFetches: this.plannedFetches,
      finished,
      failedDerivations,
      errors: this.errors.map((e) => ({ ...e, logLines: [...e.logLines] })),
      evalError: this.evalError === null ? null : { ...this.evalError, logLines: [...this.evalError.logLines] },
      warnings: [...this.warnings],
      activation: { ...this.activation, unitsFailed: [...this.activation.unitsFailed] },
      tail: this.tail.last(options.tailLines ?? this.tail.size),
      totalLines: this.tail.total,
    };
  }

  /** Display lines produced so far (the tail keeps only the last `tailCapacity` of them). */
  get totalLines(): number {
    return this.tail.total;
  }

  /** The last `n` display lines, oldest first, without building a whole snapshot. */
  tailLines(n: number): string[] {
    return this.tail.last(n);
  }
}

/** Parse and apply a whole recorded stream (lines of stderr); for summaries of saved logs and replays. */
export function progressOfLines(lines: Iterable<string>, nowMs = 0, options: BuildProgressOptions = {}): BuildProgress {
  const progress = new BuildProgress(options);
  for (const line of lines) progress.apply(parseLogLine(line), nowMs);
  return progress;
}
