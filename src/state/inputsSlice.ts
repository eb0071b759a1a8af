// The Inputs view (I): flake.lock's root inputs with their age, folded nested inputs, and the
// update: `u` starts `nix flake update` as a run (streamed in a run pane, re-openable from L);
// when it ends the view shows what changed and offers to build every host, deploy every host,
// or put flake.lock back. Nothing is committed here.
import type { FlakeInput, UpdateOutcome } from '../core/repo.js';
import type { RunPhase, RunView } from '../core/runsService.js';
import type { AppState, Loadable } from './appState.js';
import { inputRows } from './inputRows.js';
import { reduceWindow, type WindowAction } from './listWindow.js';
import { NO_REPOSITORY } from './gitStateSlice.js';
import { messageOf, notify, setState, type SliceContext } from './slice.js';

/** An update of flake.lock started here (or seen ending here), and what it changed. */
export interface InputsUpdate {
  runId: string;
  /** the inputs asked for; [] = all */
  inputs: string[];
  /** how the run ended; 'running' while it goes */
  phase: RunPhase;
  /** what changed in flake.lock, once the run has ended; null before */
  outcome: Loadable<UpdateOutcome> | null;
  /** the view shows the old → new table rather than the inputs */
  shown: boolean;
  /** `r` asked whether to put flake.lock back (y/N) */
  confirmRevert: boolean;
  /** flake.lock was put back as it was before this update */
  reverted: boolean;
}

export interface InputsState {
  /** flake.lock's root inputs; null before the view was first opened */
  list: Loadable<FlakeInput[]> | null;
  /** paths of the inputs whose own inputs are shown */
  unfolded: string[];
  /** root inputs marked with Space: `u` updates these, else all */
  marked: string[];
  cursor: number;
  offset: number;
  update: InputsUpdate | null;
  /** the clock the view's rows were read against */
  readAtMs: number;
}

export function emptyInputs(): InputsState {
  return { list: null, unfolded: [], marked: [], cursor: 0, offset: 0, update: null, readAtMs: 0 };
}

/** The rows the view shows now. */
export function shownInputRows(inputs: InputsState): ReturnType<typeof inputRows> {
  return inputs.list?.status === 'ok' ? inputRows(inputs.list.value, inputs.unfolded) : [];
}

export interface InputsDeps {
  /** open the run's pane with the keyboard on it, and follow it */
  openRun(id: string): void;
  notifyRun(id: string, kind: 'info' | 'warn' | 'error', text: string): void;
  /** one run per host for these hosts, after the group question (defaults to No) */
  requestGroup(action: 'build' | 'switch', hosts: string[], title: string): void;
  /** flake.lock was changed here (put back): the header's git state is read again */
  lockChanged?(): void;
}

export class InputsSlice {
  private seq = 0;

  constructor(
    private readonly ctx: SliceContext,
    private readonly deps: InputsDeps,
  ) {}

  private get state(): AppState {
    return this.ctx.store.get();
  }

  private setInputs(patch: Partial<InputsState>): void {
    this.ctx.store.update((s) => ({ ...s, inputs: { ...s.inputs, ...patch } }));
  }

  private setUpdate(patch: Partial<InputsUpdate>): void {
    this.ctx.store.update((s) => (s.inputs.update ? { ...s, inputs: { ...s.inputs, update: { ...s.inputs.update, ...patch } } } : s));
  }

  /** I: open the view and read flake.lock (the rows read before stay until it answers). */
  open(): void {
    if (!this.ctx.services.repo) return notify(this.ctx.store, 'warn', NO_REPOSITORY);
    setState(this.ctx.store, { overlay: 'inputs' });
    void this.reload();
  }

  close(): void {
    if (this.state.overlay === 'inputs') setState(this.ctx.store, { overlay: 'none' });
    this.setUpdate({ confirmRevert: false });
  }

  async reload(): Promise<void> {
    const repo = this.ctx.services.repo;
    if (!repo) return;
    const seq = ++this.seq;
    if (this.state.inputs.list === null) this.setInputs({ list: { status: 'loading' } });
    let list: Loadable<FlakeInput[]>;
    try {
      const result = await repo.readInputs();
      list = result.ok ? { status: 'ok', value: result.value } : { status: 'error', error: result.error, ...(result.hint !== undefined ? { hint: result.hint } : {}) };
    } catch (error) {
      list = { status: 'error', error: messageOf(error) };
    }
    if (this.ctx.disposed() || seq !== this.seq) return;
    this.ctx.store.update((s) => {
      const roots = list.status === 'ok' ? new Set(list.value.map((i) => i.name)) : null;
      const inputs = { ...s.inputs, list, readAtMs: this.ctx.now(), marked: roots ? s.inputs.marked.filter((n) => roots.has(n)) : s.inputs.marked };
      const count = list.status === 'ok' ? inputRows(list.value, inputs.unfolded).length : 0;
      return { ...s, inputs: { ...inputs, ...reduceWindow(inputs, { count, rows: s.layout.inputsRows }, { kind: 'clamp' }) } };
    });
  }

  move(action: WindowAction): void {
    const inputs = this.state.inputs;
    const next = reduceWindow(inputs, { count: shownInputRows(inputs).length, rows: this.state.layout.inputsRows }, action);
    if (next.cursor !== inputs.cursor || next.offset !== inputs.offset) this.setInputs(next);
  }

  /** Enter / o: show or hide the selected input's own inputs. */
  toggleFold(): void {
    const inputs = this.state.inputs;
    const row = shownInputRows(inputs)[inputs.cursor];
    if (!row) return;
    if (!row.folds) return notify(this.ctx.store, 'info', `${row.path} has no inputs of its own`);
    const unfolded = row.unfolded ? inputs.unfolded.filter((p) => p !== row.path && !p.startsWith(`${row.path}/`)) : [...inputs.unfolded, row.path];
    this.setInputs({ unfolded });
    this.move({ kind: 'clamp' });
  }

  /** Space: mark the selected root input for `u`, or unmark it. */
  toggleMark(): void {
    const inputs = this.state.inputs;
    const row = shownInputRows(inputs)[inputs.cursor];
    if (!row) return;
    const name = row.path.split('/')[0] ?? row.path;
    const marking = !inputs.marked.includes(name);
    const marked = marking ? [...inputs.marked, name] : inputs.marked.filter((n) => n !== name);
    this.setInputs({ marked });
    const what = marked.length === 0 ? 'no input marked: u updates all of them' : `u updates ${marked.join(', ')}`;
    notify(this.ctx.store, 'info', `${name} ${marking ? 'marked' : 'unmarked'}${row.depth > 0 && marking ? ' (inputs are updated from the root)' : ''} · ${what}`);
  }

  /** u: update the marked inputs, else all, as a run in a run pane. */
  async startUpdate(): Promise<void> {
    const repo = this.ctx.services.repo;
    const runs = this.ctx.services.runs;
    if (!repo) return notify(this.ctx.store, 'warn', NO_REPOSITORY);
    if (!runs) return notify(this.ctx.store, 'warn', 'runs are not available in this console');
    if (this.state.inputs.update?.phase === 'running') return notify(this.ctx.store, 'warn', 'an update of flake.lock is going already (L shows it)');
    const names = [...this.state.inputs.marked];
    const what = names.length === 0 ? 'all inputs' : names.join(', ');
    notify(this.ctx.store, 'info', `starting the update of ${what}…`);
    let started: Awaited<ReturnType<typeof repo.startUpdate>>;
    try {
      started = await repo.startUpdate(names);
    } catch (error) {
      started = { ok: false, error: messageOf(error) };
    }
    if (this.ctx.disposed()) return;
    if (!started.ok) return notify(this.ctx.store, 'error', `update of ${what} not started: ${started.error}`);
    const id = started.id;
    const adopted = await runs.adopt(id).catch(() => false);
    if (this.ctx.disposed()) return;
    this.setInputs({
      marked: [],
      update: { runId: id, inputs: names, phase: 'running', outcome: null, shown: false, confirmRevert: false, reverted: false },
    });
    if (!adopted) return notify(this.ctx.store, 'warn', `the update of ${what} started, but its run cannot be followed here: nixdeck runs lists it`);
    if (this.state.overlay === 'inputs') setState(this.ctx.store, { overlay: 'none' });
    this.deps.openRun(id);
    this.deps.notifyRun(id, 'info', `updating ${what} in flake.lock · when it ends, I shows what changed · nothing is committed`);
  }

  /** A watched run ended: an update's outcome is read and shown in the view. */
  onRunEnded(view: RunView): void {
    if (view.action !== 'update') return;
    const update = this.state.inputs.update;
    if (update?.runId !== view.id) {
      this.setInputs({ update: { runId: view.id, inputs: [], phase: view.phase, outcome: null, shown: false, confirmRevert: false, reverted: false } });
    } else this.setUpdate({ phase: view.phase });
    void this.loadOutcome(view.id);
  }

  private async loadOutcome(runId: string): Promise<void> {
    const repo = this.ctx.services.repo;
    if (!repo) return;
    this.setUpdate({ outcome: { status: 'loading' } });
    let outcome: Loadable<UpdateOutcome>;
    try {
      const result = await repo.updateOutcome(runId);
      outcome = result.ok ? { status: 'ok', value: result.value } : { status: 'error', error: result.error, ...(result.hint !== undefined ? { hint: result.hint } : {}) };
    } catch (error) {
      outcome = { status: 'error', error: messageOf(error) };
    }
    if (this.ctx.disposed() || this.state.inputs.update?.runId !== runId) return;
    const s = this.state;
    const free = s.dialog === null && s.textView === null && s.genView === null && (s.overlay === 'none' || s.overlay === 'inputs');
    this.setUpdate({ outcome, shown: true });
    if (free) setState(this.ctx.store, { overlay: 'inputs' });
    else notify(this.ctx.store, 'info', 'the update of flake.lock ended · I shows what changed');
    void this.reload();
  }

  /** U: the last update's table again. */
  showUpdate(): void {
    if (!this.state.inputs.update) return notify(this.ctx.store, 'info', 'no update of flake.lock in this session yet: u starts one');
    this.setUpdate({ shown: true });
  }

  /** Esc on the table: back to the inputs. */
  hideUpdate(): void {
    this.setUpdate({ shown: false, confirmRevert: false });
  }

  /** The flake's configurations (a folder host the flake does not build is left out); every host when the flake said none. */
  private hostNames(): string[] {
    const hosts = this.state.hosts;
    const built = hosts.filter((h) => h.sources.includes('flake'));
    return (built.length > 0 ? built : hosts).map((h) => h.name);
  }

  /** b on the table: build every host, one run each (the group question first). */
  buildAll(): void {
    const hosts = this.hostNames();
    if (hosts.length === 0) return notify(this.ctx.store, 'warn', 'no hosts to build');
    this.deps.requestGroup('build', hosts, 'build every host');
  }

  /** s on the table: switch every host (the group question first, default No). */
  deployAll(): void {
    const hosts = this.hostNames();
    if (hosts.length === 0) return notify(this.ctx.store, 'warn', 'no hosts to deploy');
    this.deps.requestGroup('switch', hosts, 'deploy every host');
  }

  /** r on the table: ask whether to put flake.lock back. */
  askRevert(): void {
    const update = this.state.inputs.update;
    const outcome = update?.outcome?.status === 'ok' ? update.outcome.value : null;
    if (!update || !outcome) return notify(this.ctx.store, 'info', 'no update to revert yet');
    if (update.reverted) return notify(this.ctx.store, 'info', 'flake.lock was put back already');
    if (outcome.changes.length === 0) return notify(this.ctx.store, 'info', 'flake.lock is unchanged: nothing to revert');
    if (!outcome.revertible) return notify(this.ctx.store, 'warn', 'the flake.lock from before this update was not kept: it cannot be put back here (git checkout flake.lock does)');
    this.setUpdate({ confirmRevert: true });
  }

  /** y: put flake.lock back as it was before the update. */
  async confirmRevert(): Promise<void> {
    const repo = this.ctx.services.repo;
    const update = this.state.inputs.update;
    if (!repo || !update?.confirmRevert) return;
    this.setUpdate({ confirmRevert: false });
    let result: Awaited<ReturnType<typeof repo.revertUpdate>>;
    try {
      result = await repo.revertUpdate(update.runId);
    } catch (error) {
      result = { ok: false, error: messageOf(error) };
    }
    if (this.ctx.disposed()) return;
    if (!result.ok) return notify(this.ctx.store, 'error', `flake.lock not put back: ${result.error}`);
    this.setUpdate({ reverted: true });
    notify(this.ctx.store, 'info', 'flake.lock is back as it was before the update');
    this.deps.lockChanged?.();
    void this.reload();
  }

  /** n, Esc, Enter: flake.lock stays as the update left it. */
  declineRevert(): void {
    this.setUpdate({ confirmRevert: false });
    notify(this.ctx.store, 'info', 'flake.lock kept as the update left it');
  }
}
