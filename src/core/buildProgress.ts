// Build progress of one rebuild run, nix-output-monitor style, fed with parsed log events.
//
// Counters come from nix's own progress results (resProgress=105 on the actBuilds=104 and
// actCopyPaths=103 activities, byte progress on actFileTransfer=101 / actCopyPath=100,
// resSetExpected=106); the derivations building now from actBuild=105 activities; the build plan
// from the "these N derivations will be built:" messages; failures from the progress `failed`
// counter, the builds it belongs to and the `error:` messages (both Nix wordings). Everything kept
// is bounded, so a run of any length costs the same memory: the full log lives elsewhere (on disk).
// Pure: no I/O; times come in as arguments.

import { ActivationReader } from './activationOutput.js';
import { ActivityCounters } from './activityCounters.js';
import { BuildPlan } from './buildPlan.js';
import { derivationName, parseDrvName } from './derivationName.js';
import { MessageLog } from './messageLog.js';
import { parseNixError, type NixErrorInfo } from './nixError.js';
import { ActivityType, ResultType, parseLogLine, stripAnsi, type NixField, type NixLogEvent } from './nixLog.js';
import type {
  BuildOutcome,
  BuildProgressOptions,
  Counts,
  FailedDerivation,
  FinishedBuild,
  ProgressSnapshot,
  RunningBuild,
  SnapshotOptions,
  Stage,
} from './progressSnapshot.js';
import { Ring } from './ring.js';

/** A build as tracked: what a snapshot shows of a running one, and how it ended. */
interface BuildRec extends Omit<RunningBuild, 'elapsedMs' | 'lastLine'> {
  stoppedMs: number | null;
  outcome: 'running' | BuildOutcome;
  /** named by an error message as failed */
  namedFailed: boolean;
  log: Ring<string>;
}

interface FailedState {
  drvPath: string;
  reason: string | null;
  exitCode: number | null;
  messageLines: string[];
  rec: BuildRec | null;
}

const MAX_RECENT_BUILDS = 512;
const MAX_AWAITING = 64;
const MAX_FAILED = 100;
const MAX_MESSAGE_LINES = 200;

function str(f: NixField | undefined): string {
  return typeof f === 'string' ? f : '';
}

export class BuildProgress {
  private readonly tailCapacity: number;
  private readonly buildLogLines: number;

  private events = 0;
  private firstMs: number | null = null;
  private lastMs: number | null = null;
  private stage: Stage = 'starting';

  private readonly activities = new ActivityCounters<BuildRec>();

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

  private readonly plan = new BuildPlan();

  private readonly failed = new Map<string, FailedState>();
  private readonly messages = new MessageLog();
  /** an `error:` that came as plain text lines; indented lines that follow belong to it */
  private textError: { lines: string[]; info: NixErrorInfo } | null = null;

  private readonly activation = new ActivationReader();

  private readonly tail: Ring<string>;

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
      const [dDone, dFailed] = this.activities.progress(act, fields, this.lastMs ?? 0);
      if (act.type === ActivityType.Builds) {
        if (dFailed > 0) this.failedIncrement(dFailed);
        if (dDone > 0) this.doneIncrement(dDone);
      }
    } else if (type === ResultType.SetPhase) {
      if (act.build !== null) act.build.phase = str(fields[0]) || null;
    } else if (type === ResultType.SetExpected) {
      this.activities.expect(act, fields);
    }
  }

  private onStart(id: string, type: number, level: number, text: string, fields: NixField[], nowMs: number): void {
    let rec: BuildRec | null = null;
    if (type === ActivityType.Build) {
      const drvPath = str(fields[0]) || (/'([^']+\.drv)'/.exec(text)?.[1] ?? '');
      const name = derivationName(drvPath);
      rec = {
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
    }
    const { evicted } = this.activities.start(id, type, rec);
    if (evicted !== null) this.running.delete(evicted);
    if (rec !== null) {
      this.running.set(id, rec);
      this.remember(rec);
      this.plan.set(rec.drvPath, 'running');
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
    if (level <= 3 && text !== '') this.line(`${text}...`);
  }

  private onStop(id: string, nowMs: number): void {
    const act = this.activities.stop(id);
    if (act === undefined) return;
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
    this.plan.set(rec.drvPath, outcome);
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

  private onMsg(ev: Extract<NixLogEvent, { kind: 'msg' }>): void {
    if (ev.level <= 3) {
      const text = ev.text;
      if (text.indexOf('\n') === -1) this.line(text);
      else for (const l of text.split('\n')) this.line(l);
    }
    if (ev.level === 0) {
      this.plan.interrupt();
      if (ev.text.startsWith('error (ignored)')) {
        this.messages.warn(ev.text.split('\n', 1)[0] ?? ev.text);
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
      this.plan.interrupt();
      this.messages.warn(ev.text.split('\n', 1)[0] ?? ev.text);
      return;
    }
    if (ev.level <= 3) this.plan.readLine(ev.text);
  }

  private onText(line: string): void {
    if (this.textError !== null) {
      if (line.startsWith(' ') && this.textError.lines.length < MAX_MESSAGE_LINES) {
        this.line(line);
        this.textError.lines.push(line);
        this.messages.forget(this.textError.info);
        this.textError.info = parseNixError(this.textError.lines.join('\n'));
        this.recordError(this.textError.info);
        return;
      }
      this.textError = null;
    }
    this.line(line);
    if (line.length === 0) return;
    this.plan.readLine(line);
    const activation = this.activation.read(line);
    if (activation === 'activating') {
      this.stage = 'activating';
    } else if (activation === 'done') {
      return;
    } else if (line.startsWith('warning: ')) {
      this.messages.warn(line);
    } else if (line.startsWith('error:')) {
      const info = parseNixError(line);
      this.textError = { lines: [line], info };
      this.recordError(info);
    } else if (line === 'building the system configuration...') {
      if (this.stage === 'starting') this.stage = 'evaluating';
    } else if (line.startsWith('copying ') && line.endsWith(' paths...')) {
      this.stage = 'copying';
    }
  }

  private recordError(info: NixErrorInfo): void {
    this.messages.record(info);
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
    this.plan.set(info.drvPath, 'failed');
  }

  // --- reading --------------------------------------------------------------------------------

  snapshot(options: SnapshotOptions = {}): ProgressSnapshot {
    const now = options.nowMs ?? this.lastMs ?? 0;

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

    const [bDone, bExpected, bRunning, bFailed] = this.activities.counts(ActivityType.Builds);
    const done = Math.max(bDone, this.builtCount);
    const failed = Math.max(bFailed, this.failedCount);
    const runningCount = Math.max(bRunning, running.length);
    const plan = this.plan.snapshot();
    const builds: Counts = {
      done,
      failed,
      running: runningCount,
      expected: Math.max(bExpected, done + failed + runningCount, plan.planned.length),
    };

    const [sDone, sExpected, sRunning, sFailed] = this.activities.counts(ActivityType.CopyPaths);
    const substitutions: Counts = {
      done: sDone,
      failed: sFailed,
      running: sRunning,
      expected: Math.max(sExpected, sDone + sFailed + sRunning),
    };
    const downloads = this.activities.bytes(ActivityType.FileTransfer);
    const copies = this.activities.bytes(ActivityType.CopyPath);
    const transferRate = this.activities.transferRate(now, downloads);

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
      ...plan,
      finished,
      failedDerivations,
      ...this.messages.snapshot(),
      activation: this.activation.snapshot(),
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
