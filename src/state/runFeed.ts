import { type AppState, type Notice, runningViews, runsByHost } from './appState.js';
import type { RunView } from '../core/runsService.js';
import { setState, type SliceContext } from './slice.js';

export const DEFAULT_RUN_REFRESH_MS = Math.round(1000 / 15);

/** Run views from the runs service into the store: watches, throttled publishing, the clock, outcome notices. */
export class RunFeed {
  private readonly runRefreshMs: number;
  private readonly clockTickMs: number;
  private pendingViews = new Map<string, RunView>();
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  private lastFlushAt = Number.NEGATIVE_INFINITY;
  private clockTimer: ReturnType<typeof setInterval> | null = null;
  private readonly watches = new Map<string, () => void>();
  /** what the status bar last said about each run still going, replaced by its outcome when it ends */
  private readonly runNotices = new Map<string, Notice>();
  /** notices about runs (so an outcome may replace them; any other notice stays) */
  private readonly ownRunNotices = new WeakSet<Notice>();
  private readonly endedListeners = new Set<(view: RunView) => void>();

  constructor(
    private readonly ctx: SliceContext,
    options: { runRefreshMs?: number; clockTickMs?: number },
    /** the generations slice hears of every published view first */
    private readonly onRunViews: (views: Iterable<RunView>) => void,
  ) {
    this.runRefreshMs = Math.max(0, options.runRefreshMs ?? DEFAULT_RUN_REFRESH_MS);
    this.clockTickMs = Math.max(50, options.clockTickMs ?? 1000);
  }

  private get state(): AppState {
    return this.ctx.store.get();
  }

  watch(id: string): void {
    const runs = this.ctx.services.runs;
    if (!runs || this.ctx.disposed() || this.watches.has(id)) return;
    // a placeholder first: the service may call back before watch() returns
    this.watches.set(id, () => {});
    const unsubscribe = runs.watch(id, (view) => this.onRunUpdate(view));
    if (this.watches.has(id)) this.watches.set(id, unsubscribe);
    else unsubscribe();
  }

  unwatch(id: string): void {
    const unsubscribe = this.watches.get(id);
    this.watches.delete(id);
    unsubscribe?.();
  }

  /**
   * A run view from the service. Views are kept here and published together, at most once per
   * runRefreshMs: a flood of updates costs one store update (and one render) per interval.
   */
  private onRunUpdate(view: RunView): void {
    if (this.ctx.disposed()) return;
    this.pendingViews.set(view.id, view);
    if (this.flushTimer !== null) return;
    const wait = this.lastFlushAt + this.runRefreshMs - performance.now();
    if (wait <= 0) {
      this.flushRuns();
    } else {
      this.flushTimer = setTimeout(() => this.flushRuns(), Math.ceil(wait));
      this.flushTimer.unref?.();
    }
  }

  private flushRuns(): void {
    if (this.flushTimer !== null) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    this.lastFlushAt = performance.now();
    if (this.pendingViews.size === 0 || this.ctx.disposed()) return;
    const updates = this.pendingViews;
    this.pendingViews = new Map();
    const nowMs = this.ctx.now();
    const before = this.state.runs.views;
    const ended = [...updates.values()].some((v) => v.phase !== 'running' && before[v.id]?.phase === 'running');
    if (ended && this.state.prefs.bell) this.ctx.services.bell?.();
    this.onRunViews(updates.values());
    this.ctx.store.update((s) => {
      const views = { ...s.runs.views };
      let known = s.runs.known;
      for (const view of updates.values()) {
        views[view.id] = view;
        if (!known.includes(view.id)) known = [view.id, ...known];
      }
      return { ...s, runs: { ...s.runs, views, known, byHost: runsByHost(views), nowMs } };
    });
    for (const view of updates.values()) this.noticeOutcome(view, before[view.id]);
    this.syncClock();
    for (const view of updates.values()) {
      if (view.phase === 'running' || before[view.id]?.phase !== 'running') continue;
      for (const listener of [...this.endedListeners]) listener(view);
    }
  }

  /**
   * Hear of every run watched here that ends (seen running, then ended): the git state is read
   * again, a deploy may be committed. Returns the unsubscribe.
   */
  onRunEnded(listener: (view: RunView) => void): () => void {
    this.endedListeners.add(listener);
    return () => this.endedListeners.delete(listener);
  }

  /** While a run is going, elapsed times move on once a second even when its log is quiet. */
  syncClock(): void {
    const going = !this.ctx.disposed() && runningViews(this.state).length > 0;
    if (going && this.clockTimer === null) {
      this.clockTimer = setInterval(() => this.tickClock(), this.clockTickMs);
      this.clockTimer.unref?.();
    } else if (!going && this.clockTimer !== null) {
      clearInterval(this.clockTimer);
      this.clockTimer = null;
    }
  }

  private tickClock(): void {
    const nowMs = this.ctx.now();
    this.ctx.store.update((s) => (Math.floor(s.runs.nowMs / 1000) === Math.floor(nowMs / 1000) ? s : { ...s, runs: { ...s.runs, nowMs } }));
  }

  /** A notice about run `id` ("started", "cancelling…"): the run's outcome replaces it when it ends. */
  notifyRun(id: string, kind: Notice['kind'], text: string): void {
    const notice: Notice = { kind, text };
    this.runNotices.set(id, notice);
    this.ownRunNotices.add(notice);
    setState(this.ctx.store, { notice });
  }

  /**
   * A run that ended: its outcome goes to the status bar in place of what was said while it went
   * on, unless the bar shows something newer that is not about a run (then the pane says it).
   */
  private noticeOutcome(view: RunView, before: RunView | undefined): void {
    if (view.phase === 'running') return;
    const told = this.runNotices.get(view.id);
    if (told === undefined && before?.phase !== 'running') return;
    this.runNotices.delete(view.id);
    const shown = this.state.notice;
    if (shown !== null && !this.ownRunNotices.has(shown)) return;
    const notice = runOutcomeNotice(view);
    this.ownRunNotices.add(notice);
    setState(this.ctx.store, { notice });
  }

  /** Stop timers and run subscriptions; the runs themselves go on (they are detached). */
  dispose(): void {
    for (const unsubscribe of this.watches.values()) unsubscribe();
    this.watches.clear();
    if (this.flushTimer !== null) clearTimeout(this.flushTimer);
    if (this.clockTimer !== null) clearInterval(this.clockTimer);
    this.flushTimer = null;
    this.clockTimer = null;
    this.pendingViews.clear();
    this.endedListeners.clear();
  }
}

/** `switch on hq succeeded in 1m12s`, `switch to generation 42 on hq failed: …`, `build on nas cancelled after 3s` */
export function runOutcomeNotice(view: RunView): Notice {
  const what = `${view.action}${view.generation !== undefined ? ` to generation ${view.generation}` : ''} on ${view.host}`;
  const summary = view.summary;
  if (view.phase === 'lost' || summary === null) return { kind: 'warn', text: `${what}: lost, the run stopped reporting (L lists runs)` };
  if (summary.result === 'partial') return { kind: 'warn', text: `${what}: ${summary.headline}` };
  return { kind: summary.result === 'failed' ? 'error' : 'info', text: `${what} ${summary.headline}` };
}
