// The console's actions on a host's generations: switch/boot/test to one (diff, confirmation,
// a detached run in a pane), roll back, compare two, mark and delete, prune by a keep policy,
// pin. Outside React, driven by the Controller; every change goes through GenerationOps.
import { activationChoices, type ActivationAction, chooseTarget, isAlreadyDone, prunePaths, usableStorePath } from '../core/generationOps.js';
import { type KeepPolicy, planPrune, protections, PrunePolicyError } from '../core/keepPolicy.js';
import { formatPins, parsePins, pinsOf, togglePin } from '../core/pins.js';
import type { Prefs } from '../core/prefsSchema.js';
import { joinWords } from '../core/generationWords.js';
import type { Generation, Host } from '../core/types.js';
import {
  type AppState,
  type Dialog,
  type DiffSide,
  type GenerationMarks,
  type GenerationView,
  type Loadable,
  marksOf,
  type Notice,
  type PendingGenerationOp,
  selectedHostOf,
} from './appState.js';
import { GenerationChanges } from './generationChanges.js';
import type { GenerationOps } from '../core/generationService.js';
import { generationChangeRefusal } from './hostRules.js';
import { reduceWindow } from './listWindow.js';
import type { RunsService, RunView } from '../core/runsService.js';
import type { Store } from './store.js';

/** What the actions need from the Controller. */
export interface GenerationContext {
  store: Store<AppState>;
  ops: GenerationOps | undefined;
  runs: RunsService | undefined;
  now(): number;
  disposed(): boolean;
  notify(kind: Notice['kind'], text: string): void;
  /** a notice about a run: replaced by the run's outcome when it ends */
  notifyRun(runId: string, kind: Notice['kind'], text: string): void;
  savePrefs(changes: Partial<Prefs>): void;
  loadGenerations(host: Host): Promise<void>;
  /** open (or select) a run pane and follow the run */
  openRun(id: string): void;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class GenerationActions {
  /** starting the switches and deletions the questions agreed to */
  private readonly changes: GenerationChanges;
  /** bumped whenever the view changes, so a late answer for an old view is dropped */
  private viewSerial = 0;

  constructor(private readonly ctx: GenerationContext) {
    this.changes = new GenerationChanges(ctx);
  }

  private get state(): AppState {
    return this.ctx.store.get();
  }

  private update(fn: (s: AppState) => AppState): void {
    this.ctx.store.update(fn);
  }

  // ---- where we are -----------------------------------------------------------------------------

  /**
   * The selected host, when its generations may be read (and, with `change`, switched or
   * deleted) here; otherwise says why not.
   */
  private usableHost(change: 'read' | 'change'): { host: Host; ops: GenerationOps; generations: Generation[] } | null {
    const ops = this.ctx.ops;
    if (!ops) {
      this.ctx.notify('warn', 'changing generations is not available in this console');
      return null;
    }
    const host = selectedHostOf(this.state);
    if (!host) {
      this.ctx.notify('info', 'no host selected');
      return null;
    }
    const refused = ops.refusal(host) ?? (change === 'change' ? generationChangeRefusal(host, this.state.hostname, this.state.remote) : null);
    if (refused) {
      this.ctx.notify('warn', refused);
      return null;
    }
    const loaded = this.state.generations[host.name];
    if (loaded?.status !== 'ok') {
      this.ctx.notify('info', loaded?.status === 'error' ? loaded.error : `the generations of ${host.name} are still being read`);
      return null;
    }
    return { host, ops, generations: loaded.value.generations };
  }

  private selectedGeneration(): Generation | undefined {
    const pane = this.state.panes.generations;
    return pane.hits[pane.cursor]?.item;
  }

  private pinned(host: string): number[] {
    return pinsOf(this.state.prefs.pins, host);
  }

  private setMarks(host: string, marks: GenerationMarks): void {
    this.update((s) => ({ ...s, marks: { ...s.marks, [host]: marks } }));
  }

  private setDialog(dialog: Dialog | null): void {
    this.update((s) => ({ ...s, dialog }));
  }

  private setView(view: GenerationView | null): void {
    this.viewSerial++;
    this.update((s) => ({ ...s, genView: view }));
  }

  /** Replace the open view when it is still the one `serial` was taken for. */
  private patchView(serial: number, fn: (view: GenerationView) => GenerationView): void {
    if (serial !== this.viewSerial || this.ctx.disposed()) return;
    this.update((s) => (s.genView ? { ...s, genView: fn(s.genView) } : s));
  }

  // ---- switch, rollback, compare ----------------------------------------------------------------

  /** Enter: the diff from the running system to the selected generation, then the confirmation. */
  switchSelected(): void {
    const usable = this.usableHost('change');
    if (!usable) return;
    const target = this.selectedGeneration();
    if (!target) return this.ctx.notify('info', 'no generation selected');
    const choice = chooseTarget(usable.generations, target.generation);
    if (!choice.ok) return this.ctx.notify('warn', choice.error);
    if (isAlreadyDone(target, 'switch')) return this.ctx.notify('info', `generation ${target.generation} is already current and running: nothing to switch`);
    void this.openDiff(usable.host.name, usable.ops, usable.generations, null, target, 'switch');
  }

  /** r: the previous generation (the highest number below the current one), like nix-env --rollback. */
  rollback(): void {
    const usable = this.usableHost('change');
    if (!usable) return;
    const choice = chooseTarget(usable.generations, undefined);
    if (!choice.ok) return this.ctx.notify('warn', choice.error);
    this.selectGeneration(choice.target.generation);
    void this.openDiff(usable.host.name, usable.ops, usable.generations, null, choice.target, 'switch');
  }

  /** Put the generations cursor on generation n, when the list shows it. */
  private selectGeneration(n: number): void {
    this.update((s) => {
      const pane = s.panes.generations;
      const at = pane.hits.findIndex((h) => h.item.generation === n);
      if (at < 0 || at === pane.cursor) return s;
      const window = reduceWindow(pane, { count: pane.hits.length, rows: s.layout.lists.generations }, { kind: 'moveTo', index: at });
      return { ...s, panes: { ...s.panes, generations: { ...pane, ...window } } };
    });
  }

  /** m: mark the selected generation for comparison (m again on it clears the mark). */
  toggleCompareMark(): void {
    const usable = this.usableHost('read');
    if (!usable) return;
    const g = this.selectedGeneration();
    if (!g) return;
    const marks = marksOf(this.state, usable.host.name);
    if (marks.compare === g.generation) {
      this.setMarks(usable.host.name, { ...marks, compare: null });
      return this.ctx.notify('info', `generation ${g.generation} is no longer marked for comparison`);
    }
    this.setMarks(usable.host.name, { ...marks, compare: g.generation });
    this.ctx.notify('info', `generation ${g.generation} marked (=) for comparison: select another and press d`);
  }

  /** d: the diff from the marked generation (else the running system) to the selected one. */
  diffSelected(): void {
    const usable = this.usableHost('read');
    if (!usable) return;
    const g = this.selectedGeneration();
    if (!g) return;
    const marked = marksOf(this.state, usable.host.name).compare;
    const from = marked === null ? null : (usable.generations.find((x) => x.generation === marked) ?? null);
    if (marked !== null && !from) return this.ctx.notify('warn', `the marked generation ${marked} is gone; m marks another`);
    if (from?.generation === g.generation) return this.ctx.notify('info', `generation ${g.generation} is the marked one: select another to compare with`);
    if (!from && g.running) return this.ctx.notify('info', `generation ${g.generation} is the running system: m marks one to compare with it`);
    for (const side of [from, g]) {
      if (side && usableStorePath(side) === null) return this.ctx.notify('warn', `generation ${side.generation} cannot be compared: ${side.problem ?? side.status}`);
    }
    void this.openDiff(usable.host.name, usable.ops, usable.generations, from, g, 'compare');
  }

  private async openDiff(host: string, ops: GenerationOps, generations: Generation[], fromGen: Generation | null, to: Generation, purpose: 'switch' | 'compare'): Promise<void> {
    const toPath = usableStorePath(to);
    if (toPath === null) return this.ctx.notify('warn', `generation ${to.generation} cannot be read (${to.problem ?? to.status})`);
    let from: DiffSide | null = null;
    if (fromGen) {
      const p = usableStorePath(fromGen);
      if (p !== null) from = { generation: fromGen, storePath: p };
    } else {
      // the running system: its generation when the profile has it, else /run/current-system
      const running = generations.find((g) => g.running) ?? null;
      const p = usableStorePath(running) ?? (await ops.runningSystem(host).catch(() => null));
      if (p !== null) from = { generation: running, storePath: p };
    }
    if (this.ctx.disposed()) return;
    const toSide: DiffSide = { generation: to, storePath: toPath };
    const noFrom: Loadable<never> = { status: 'error', error: 'there is no running system to compare with (/run/current-system is missing)' };
    this.setView({
      kind: 'diff',
      purpose,
      host,
      from: from ?? { generation: null, storePath: '' },
      to: toSide,
      diff: from ? { status: 'loading' } : noFrom,
      sizes: null,
      scroll: 0,
    });
    this.update((s) => (s.notice ? { ...s, notice: null } : s));
    if (!from) return;
    const serial = this.viewSerial;
    const [diff, sizes] = await Promise.all([
      ops.diff(host, from.storePath, toPath).catch((error: unknown) => ({ ok: false as const, error: messageOf(error) })),
      ops.closureSizes(host, [from.storePath, toPath]).catch((error: unknown) => ({ ok: false as const, error: messageOf(error) })),
    ]);
    const fromPath = from.storePath;
    this.patchView(serial, (view) => {
      if (view.kind !== 'diff') return view;
      const a = sizes.ok ? sizes.value[fromPath] : undefined;
      const b = sizes.ok ? sizes.value[toPath] : undefined;
      return {
        ...view,
        diff: diff.ok ? { status: 'ok', value: diff.value } : { status: 'error', error: diff.error },
        sizes: a !== undefined && b !== undefined ? { from: a, to: b } : null,
      };
    });
  }

  /** Enter in a diff for a switch: the question with its choices (default No). */
  continueToConfirm(): void {
    const view = this.state.genView;
    if (view?.kind !== 'diff' || view.purpose !== 'switch' || !view.to.generation) return this.closeView();
    const target = view.to.generation;
    const loaded = this.state.generations[view.host];
    const running = loaded?.status === 'ok' ? (loaded.value.generations.find((g) => g.running) ?? null) : null;
    this.update((s) => ({ ...s, dialog: { kind: 'confirmActivate', host: view.host, target, running, choices: activationChoices(target) }, notice: null }));
  }

  /** s, b or t in the confirmation. */
  chooseActivation(action: ActivationAction): void {
    const dialog = this.state.dialog;
    if (dialog?.kind !== 'confirmActivate') return;
    const choice = dialog.choices.find((c) => c.action === action);
    if (!choice) return;
    if (choice.already) return this.ctx.notify('info', `${action} changes nothing: generation ${dialog.target.generation} is ${choice.already}`);
    this.setDialog(null);
    this.setView(null);
    void this.changes.prepare(dialog.host, { kind: 'activate', generation: dialog.target.generation, action });
  }

  // ---- marks, pins, deletion ------------------------------------------------------------------

  /** Space: mark the selected generation for deletion, or unmark it; never a protected one. */
  toggleDeleteMark(): void {
    const usable = this.usableHost('change');
    if (!usable) return;
    const g = this.selectedGeneration();
    if (!g) return;
    const host = usable.host.name;
    const marks = marksOf(this.state, host);
    if (marks.remove.includes(g.generation)) {
      const remove = marks.remove.filter((n) => n !== g.generation);
      this.setMarks(host, { ...marks, remove });
      return this.ctx.notify('info', `generation ${g.generation} unmarked (${remove.length} marked for deletion)`);
    }
    const reasons = protections(g, new Set(this.pinned(host)));
    if (reasons.length > 0) {
      const unpin = reasons.includes('pinned') ? ' (P unpins it)' : '';
      return this.ctx.notify('warn', `generation ${g.generation} is ${joinWords(reasons)}: it is never deleted${unpin}`);
    }
    const remove = [...marks.remove, g.generation].sort((a, b) => a - b);
    this.setMarks(host, { ...marks, remove });
    this.ctx.notify('info', `generation ${g.generation} marked (*) for deletion: ${remove.length} marked · X deletes them (asks first)`);
  }

  /** P: pin or unpin the selected generation; pins are kept in the preferences per host. */
  togglePin(): void {
    const host = selectedHostOf(this.state);
    const g = this.selectedGeneration();
    if (!host) return this.ctx.notify('info', 'no host selected');
    if (!g) return this.ctx.notify('info', `no generation of ${host.name} selected`);
    const parsed = parsePins(this.state.prefs.pins ?? '');
    const { pins, pinned } = togglePin(parsed.ok ? parsed.pins : {}, host.name, g.generation);
    const text = formatPins(pins);
    const marks = marksOf(this.state, host.name);
    this.update((s) => ({
      ...s,
      prefs: { ...s.prefs, pins: text },
      marks: pinned && marks.remove.includes(g.generation) ? { ...s.marks, [host.name]: { ...marks, remove: marks.remove.filter((n) => n !== g.generation) } } : s.marks,
    }));
    this.ctx.savePrefs({ pins: text });
    this.ctx.notify('info', pinned ? `generation ${g.generation} of ${host.name} pinned: prune never deletes it` : `generation ${g.generation} of ${host.name} unpinned`);
  }

  /** X: the preview of deleting the marked generations, with a y/N question. */
  deleteMarked(): void {
    const usable = this.usableHost('change');
    if (!usable) return;
    const numbers = new Set(usable.generations.map((g) => g.generation));
    const marked = marksOf(this.state, usable.host.name).remove.filter((n) => numbers.has(n));
    if (marked.length === 0) return this.ctx.notify('info', 'no generation marked for deletion: Space marks one, K deletes by a keep policy');
    this.openPrune(usable.host.name, usable.ops, usable.generations, { pinned: this.pinned(usable.host.name), marked });
  }

  /** K: ask for a keep policy. */
  openKeepPolicy(): void {
    const usable = this.usableHost('change');
    if (!usable) return;
    this.update((s) => ({ ...s, dialog: { kind: 'keepPolicy', host: usable.host.name, field: 'last', last: '', days: '', error: null }, notice: null }));
  }

  typeKeepPolicy(text: string): void {
    const d = this.state.dialog;
    if (d?.kind !== 'keepPolicy') return;
    const allowed = d.field === 'last' ? /^\d*$/ : /^\d*\.?\d*$/;
    const next = `${d[d.field]}${text}`;
    if (!allowed.test(next) || next.length > 6) return this.setDialog({ ...d, error: d.field === 'last' ? 'the newest N: a whole number' : 'days: a number, e.g. 30 or 1.5' });
    this.setDialog({ ...d, [d.field]: next, error: null });
  }

  eraseKeepPolicy(): void {
    const d = this.state.dialog;
    if (d?.kind !== 'keepPolicy') return;
    this.setDialog({ ...d, [d.field]: d[d.field].slice(0, -1), error: null });
  }

  switchKeepField(): void {
    const d = this.state.dialog;
    if (d?.kind === 'keepPolicy') this.setDialog({ ...d, field: d.field === 'last' ? 'days' : 'last', error: null });
  }

  /** Enter in the keep-policy question: the preview of what it deletes. */
  submitKeepPolicy(): void {
    const d = this.state.dialog;
    if (d?.kind !== 'keepPolicy') return;
    if (d.last === '' && d.days === '') return this.setDialog({ ...d, error: 'give the newest N to keep, or D days, or both' });
    const policy: KeepPolicy = {
      ...(d.last !== '' ? { keepLast: Number(d.last) } : {}),
      ...(d.days !== '' ? { keepDays: Number(d.days) } : {}),
      pinned: this.pinned(d.host),
    };
    const loaded = this.state.generations[d.host];
    const ops = this.ctx.ops;
    if (!ops || loaded?.status !== 'ok') return this.setDialog(null);
    try {
      planPrune(loaded.value.generations, policy, this.ctx.now());
    } catch (error) {
      if (error instanceof PrunePolicyError) return this.setDialog({ ...d, error: error.message });
      throw error;
    }
    this.setDialog(null);
    this.openPrune(d.host, ops, loaded.value.generations, policy);
  }

  private openPrune(host: string, ops: GenerationOps, generations: Generation[], policy: KeepPolicy): void {
    const plan = planPrune(generations, policy, this.ctx.now());
    const byNumber = new Map(generations.map((g) => [g.generation, g]));
    const { deleted, kept } = prunePaths(generations, plan);
    const nothing = plan.delete.length === 0;
    this.setView({
      kind: 'prune',
      host,
      policy,
      plan,
      generations,
      sizes: nothing ? { status: 'ok', value: {} } : { status: 'loading' },
      freed: nothing ? { status: 'ok', value: { bytes: 0, paths: 0 } } : { status: 'loading' },
      scroll: 0,
    });
    if (nothing) {
      this.setDialog(null);
      this.ctx.notify('info', `nothing to delete: every generation of ${host} stays · Esc closes`);
      return;
    }
    this.update((s) => ({ ...s, dialog: { kind: 'confirmDelete', host, generations: plan.delete, profile: ops.profile(host) }, notice: null }));
    const serial = this.viewSerial;
    void ops
      .closureSizes(host, deleted)
      .catch((error: unknown) => ({ ok: false as const, error: messageOf(error) }))
      .then((result) => {
        this.patchView(serial, (view) => {
          if (view.kind !== 'prune') return view;
          if (!result.ok) return { ...view, sizes: { status: 'error', error: result.error } };
          const bySize: Record<number, number> = {};
          for (const n of plan.delete) {
            const p = usableStorePath(byNumber.get(n));
            const size = p === null ? undefined : result.value[p];
            if (size !== undefined) bySize[n] = size;
          }
          return { ...view, sizes: { status: 'ok', value: bySize } };
        });
      });
    void ops
      .estimateFreed(host, deleted, kept)
      .catch((error: unknown) => ({ ok: false as const, error: messageOf(error) }))
      .then((result) => {
        this.patchView(serial, (view) => (view.kind !== 'prune' ? view : { ...view, freed: result.ok ? { status: 'ok', value: result.value } : { status: 'error', error: result.error } }));
      });
  }

  /** y in the delete question. */
  confirmDelete(): void {
    const d = this.state.dialog;
    if (d?.kind !== 'confirmDelete') return;
    this.setDialog(null);
    this.setView(null);
    void this.changes.prepare(d.host, { kind: 'delete', generations: d.generations });
  }

  /** The password field was left: nothing happens. */
  passwordDismissed(host: string, op: PendingGenerationOp): void {
    this.changes.passwordDismissed(host, op);
  }

  /** Enter in the password field. */
  passwordGiven(host: string, op: PendingGenerationOp, password: string): void {
    this.changes.passwordGiven(host, op, password);
  }

  /** Read the host's generations again once this run has ended (a rebuild that switches, too). */
  refreshWhenDone(runId: string, host: string): void {
    this.changes.refreshWhenDone(runId, host);
  }

  /** Run views arrived: when a switch/boot/test run has ended, its host's generations are read again. */
  onRunViews(views: Iterable<RunView>): void {
    this.changes.onRunViews(views);
  }

  // ---- the view over the body -------------------------------------------------------------------

  /** j/k and the rest: scroll the view within its lines, as the layout shows them. */
  scroll(delta: number): void {
    this.update((s) => {
      const view = s.genView;
      if (!view || !s.layout.view) return s;
      const size = { count: s.layout.view.lines, rows: s.layout.view.rows };
      const scroll = reduceWindow({ cursor: view.scroll, offset: view.scroll }, size, { kind: 'scroll', delta }).offset;
      return scroll === view.scroll ? s : { ...s, genView: { ...view, scroll } };
    });
  }

  scrollPage(direction: 1 | -1, fraction: 1 | 0.5): void {
    this.scroll(direction * Math.max(1, Math.floor((this.state.layout.view?.rows ?? 1) * fraction)));
  }

  scrollToTop(): void {
    this.scroll(-Number.MAX_SAFE_INTEGER);
  }

  scrollToBottom(): void {
    this.scroll(Number.MAX_SAFE_INTEGER);
  }

  /** Esc, q: close the view (and any question over it); nothing changes. */
  closeView(): void {
    if (!this.state.genView) return;
    this.setView(null);
  }

  /** A question about the view was answered No. */
  declined(dialog: Dialog): void {
    this.setView(null);
    if (dialog.kind === 'confirmActivate') this.ctx.notify('info', `nothing was changed on ${dialog.host}`);
    if (dialog.kind === 'confirmDelete') this.ctx.notify('info', `nothing was deleted on ${dialog.host}`);
    if (dialog.kind === 'keepPolicy') this.ctx.notify('info', 'no keep policy applied');
  }
}
