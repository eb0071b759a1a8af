import { redact } from '../core/redact.js';
import { isActivating, type RebuildAction } from '../core/rebuildCommand.js';
import { type AppState, runningViews, runsByHost, selectedHostOf, selectedRunPane } from './appState.js';
import type { GroupRuns } from './groupRuns.js';
import { runRefusal } from './hostRules.js';
import { reduceWindow } from './listWindow.js';
import type { RunFeed } from './runFeed.js';
import type { RunPanes } from './runPanes.js';
import type { RunView, StartResult } from '../core/runsService.js';
import { messageOf, notify, setState, type SliceContext } from './slice.js';

export interface RunsSliceDeps {
  feed: RunFeed;
  panes: RunPanes;
  /** sudo wants a password: open the password field for this run */
  askPassword(host: string, action: RebuildAction, local: boolean, error?: string): void;
  /** a run that changes the host's generations: read them again once it has ended */
  refreshWhenDone(runId: string, host: string): void;
  /** a run is being started: the working tree is read now (not waited for); the result binds the read to the run */
  noteTreeAtStart?(action: string): (runId: string) => void;
  /** s, B, t with hosts marked: one question for all of them */
  group: GroupRuns;
}

/** Rebuild runs: starting (with confirmation and sudo), cancelling, the run list, quitting while runs go. */
export class RunsSlice {
  /** hosts a run is being started on (asking sudo, starting), so a second key does not start another */
  private readonly starting = new Set<string>();

  constructor(
    private readonly ctx: SliceContext,
    private readonly deps: RunsSliceDeps,
  ) {}

  private get state(): AppState {
    return this.ctx.store.get();
  }

  private notify(kind: 'info' | 'warn' | 'error', text: string): void {
    notify(this.ctx.store, kind, text);
  }

  /** b, D, t, s, B, A: start `action` on the selected host; activating actions ask first. */
  requestRun(action: RebuildAction): void {
    if (!this.ctx.services.runs) return this.notify('warn', 'rebuild runs are not available in this console');
    if ((action === 'switch' || action === 'boot' || action === 'test') && this.deps.group.active()) {
      void this.deps.group.request(action);
      return;
    }
    const host = selectedHostOf(this.state);
    if (!host) return this.notify('warn', 'no host selected');
    // the keymap says this before; here again so that no other way in can ask or start it
    const refused = runRefusal(host, action, this.ctx.services.hostname, this.state.remote);
    if (refused) return this.notify('warn', refused);
    const going = runningViews(this.state).find((v) => v.host === host.name);
    if (going) return this.notify('warn', `a ${going.action} is already running on ${host.name} (4 shows it)`);
    if (this.starting.has(host.name)) return this.notify('warn', `a run is being started on ${host.name}`);
    if (isActivating(action) && !host.local && this.ctx.services.runs.check) {
      void this.checkThenAsk(host.name, action);
      return;
    }
    if (isActivating(action)) {
      setState(this.ctx.store, { dialog: { kind: 'confirmRun', host: host.name, action, local: host.local }, overlay: 'none' });
      return;
    }
    void this.prepareRun(host.name, action, host.local);
  }

  /** Another host: reach it first, so that an unreachable host is said before anything is asked. */
  private async checkThenAsk(host: string, action: RebuildAction): Promise<void> {
    const runs = this.ctx.services.runs;
    if (!runs?.check) return;
    this.starting.add(host);
    this.notify('info', `reaching ${host}…`);
    let check: Awaited<ReturnType<NonNullable<typeof runs.check>>>;
    try {
      check = await runs.check(host, action);
    } catch (error) {
      check = { ok: false, error: messageOf(error) };
    } finally {
      this.starting.delete(host);
    }
    if (this.ctx.disposed()) return;
    if (!check.ok) return this.notify('error', `${action} on ${host} not started: ${check.error}`);
    setState(this.ctx.store, {
      dialog: { kind: 'confirmRun', host, action, local: false, ...(check.remote ? { remote: check.remote } : {}) },
      overlay: 'none',
      notice: null,
    });
  }

  /**
   * The password typed for a run on another host: tried there first (a refused one is asked for
   * again, saying so), then the run starts. This machine's password goes straight to the run.
   */
  async passwordGiven(host: string, action: RebuildAction, local: boolean, password: string): Promise<void> {
    const runs = this.ctx.services.runs;
    if (!runs) return;
    if (!local && runs.checkPassword) {
      this.notify('info', `trying the password on ${host}…`);
      const checked = await runs.checkPassword(host, password).catch((error: unknown) => ({ ok: false as const, wrong: false, error: messageOf(error) }));
      if (this.ctx.disposed()) return;
      if (!checked.ok) {
        if (checked.wrong) return this.deps.askPassword(host, action, local, redact(checked.error, password));
        this.starting.delete(host);
        return this.notify('error', `${action} on ${host} not started: ${redact(checked.error, password)}`);
      }
    }
    await this.launch(host, action, password);
  }

  /** Ask the service whether sudo wants a password; then the password field, or start at once. */
  async prepareRun(host: string, action: RebuildAction, local: boolean): Promise<void> {
    const runs = this.ctx.services.runs;
    if (!runs) return;
    this.starting.add(host);
    let needs: boolean;
    try {
      needs = await runs.needsPassword(host, action);
    } catch (error) {
      this.starting.delete(host);
      return this.notify('error', `${action} on ${host} not started: ${messageOf(error)}`);
    }
    if (this.ctx.disposed()) return;
    // the host stays "starting" until the password is given or the field is left
    if (needs) return this.deps.askPassword(host, action, local);
    await this.launch(host, action);
  }

  /** The password field was left: the host may be asked for a run again. */
  startAbandoned(host: string): void {
    this.starting.delete(host);
  }

  async launch(host: string, action: RebuildAction, password?: string): Promise<void> {
    const runs = this.ctx.services.runs;
    if (!runs) return;
    this.notify('info', `starting ${action} on ${host}…`);
    const bindTree = this.deps.noteTreeAtStart?.(action);
    let result: StartResult;
    this.starting.add(host);
    try {
      result = await runs.start(password === undefined ? { host, action } : { host, action, password });
    } catch (error) {
      result = { ok: false, error: messageOf(error) };
    } finally {
      this.starting.delete(host);
    }
    if (this.ctx.disposed()) return;
    if (!result.ok) {
      // whatever the service says, the password is not shown
      return this.notify('error', `${action} on ${host} not started: ${redact(result.error, password)}`);
    }
    // a new generation, or another one running: the list shows it once the run has ended
    if (action === 'switch' || action === 'boot' || action === 'test') this.deps.refreshWhenDone(result.id, host);
    bindTree?.(result.id);
    this.deps.panes.openRun(result.id, { focus: false });
    this.deps.feed.notifyRun(result.id, 'info', `${action} started on ${host}`);
  }

  /** At start: list the recent runs and re-open the ones still going. */
  async loadRecentRuns(): Promise<void> {
    const runs = this.ctx.services.runs;
    if (!runs) return;
    let recent: RunView[];
    try {
      recent = await runs.recent();
    } catch (error) {
      return this.notify('warn', `could not list the runs: ${messageOf(error)}`);
    }
    if (this.ctx.disposed() || recent.length === 0) return;
    this.ctx.store.update((s) => {
      const views = { ...s.runs.views };
      const known = [...s.runs.known];
      for (const view of recent) {
        views[view.id] = s.runs.views[view.id] ?? view;
        if (!known.includes(view.id)) known.push(view.id);
      }
      return { ...s, runs: { ...s.runs, views, known, byHost: runsByHost(views) } };
    });
    // oldest first, so the newest running run ends up selected
    for (const view of [...recent].reverse()) if (view.phase === 'running') this.deps.panes.openRun(view.id, { focus: false });
    this.deps.feed.syncClock();
  }

  // ---- cancel, list, quit ---------------------------------------------------------------------

  /** c: ask whether to cancel the selected run. False when it is not running (nothing asked). */
  requestCancelRun(): boolean {
    const pane = selectedRunPane(this.state);
    const view = pane ? this.state.runs.views[pane.id] : undefined;
    if (!view || view.phase !== 'running') return false;
    setState(this.ctx.store, { dialog: { kind: 'confirmCancel', runId: view.id, host: view.host, action: view.action } });
    return true;
  }

  async cancelRun(id: string, host: string): Promise<void> {
    const runs = this.ctx.services.runs;
    if (!runs) return;
    this.deps.feed.notifyRun(id, 'info', `cancelling the run on ${host}…`);
    try {
      await runs.cancel(id);
    } catch (error) {
      this.notify('error', `could not cancel the run on ${host}: ${messageOf(error)}`);
    }
  }

  /** L: the list of runs, to re-open one. */
  openRunsList(): void {
    if (!this.ctx.services.runs) return this.notify('warn', 'rebuild runs are not available in this console');
    this.ctx.store.update((s) => ({ ...s, overlay: 'runs', runs: { ...s.runs, listCursor: runsListCursor(s, { kind: 'clamp' }) } }));
  }

  moveRunsList(delta: number): void {
    this.ctx.store.update((s) => {
      const listCursor = runsListCursor(s, { kind: 'move', delta });
      return listCursor === s.runs.listCursor ? s : { ...s, runs: { ...s.runs, listCursor } };
    });
  }

  /** Enter in the run list: open the run under the cursor in a pane and focus it. */
  openFromList(): void {
    const id = this.state.runs.known[this.state.runs.listCursor];
    setState(this.ctx.store, { overlay: 'none' });
    if (id !== undefined) this.deps.panes.openRun(id, { focus: true });
  }

  /** q: true when the console may quit now; false when it asked first because runs are going. */
  requestQuit(): boolean {
    const going = runningViews(this.state);
    if (going.length === 0) return true;
    setState(this.ctx.store, { dialog: { kind: 'confirmQuit', running: going.map((v) => ({ host: v.host, action: v.action })) }, overlay: 'none' });
    return false;
  }
}

/** The run list overlay draws its own window; only its cursor is state. */
function runsListCursor(s: AppState, action: { kind: 'clamp' } | { kind: 'move'; delta: number }): number {
  const count = s.runs.known.length;
  return reduceWindow({ cursor: s.runs.listCursor, offset: 0 }, { count, rows: count }, action).cursor;
}
