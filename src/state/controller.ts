import { mergeHosts } from '../core/hosts.js';
import type { PaneId, Prefs } from '../core/prefsSchema.js';
import { isActivating, type RebuildAction } from '../core/rebuildCommand.js';
import type { GenerationList, Host, ParsedTodo } from '../core/types.js';
import type { FlakeHostsResult } from '../system/hostsDiscovery.js';
import type { TodoReadResult, TodoSnapshot, ToggleOutcome } from '../system/todoFile.js';
import {
  type AppState,
  emptyPane,
  emptyRuns,
  filterGenerations,
  filterHosts,
  filterTodos,
  FOCUS_ORDER,
  type FocusId,
  isListPane,
  isPasswordDialog,
  type ListPane,
  type Loadable,
  type Notice,
  type Overlay,
  type RunPaneState,
  runningViews,
  runsByHost,
  selectedHostOf,
  selectedRunPane,
} from './appState.js';
import { GenerationActions } from './generationActions.js';
import { runRefusal } from './hostRules.js';
import type { GenerationOps } from './generations.js';
import { type LogWindow, logWindow, matchingLines } from './runLog.js';
import type { RunsService, RunView, StartResult } from './runs.js';
import { createStore, type Store } from './store.js';

export type GenerationsResult = { ok: true; list: GenerationList } | { ok: false; message: string; hint?: string };

/** Everything the console needs from the outside world, injected so tests and the demo can swap it. */
export interface Services {
  hostname: string;
  listFolderHosts(flakeDir: string): Promise<string[]>;
  evalFlakeHosts(flakeDir: string): Promise<FlakeHostsResult>;
  /** the flake's hosts as last evaluated, shown until the evaluation confirms them; null when unknown */
  cachedFlakeHosts?(flakeDir: string): Promise<string[] | null>;
  readGenerations(host: Host): Promise<GenerationsResult>;
  readTodos(file: string): Promise<TodoReadResult>;
  setTodoDone(snapshot: TodoSnapshot, todo: ParsedTodo, done: boolean): Promise<ToggleOutcome>;
  savePrefs(changes: Partial<Prefs>): void;
  /** rebuild runs; without it the run keys say that runs are not available */
  runs?: RunsService;
  /** switch to, compare and delete generations; without it those keys say they are not available */
  generations?: GenerationOps;
  /** ring the terminal bell; called when a watched run ends and the `bell` preference is on */
  bell?(): void;
}

export interface ControllerOptions {
  flakeDir: string;
  /** the user's home folder, for showing paths as `~/…` */
  home?: string;
  todoFile: string;
  prefs: Prefs;
  /** shown once at start, e.g. a preferences file that was moved aside */
  warning?: string | null;
  /**
   * Run views are published to the store at most once per this many ms (default ~15 per
   * second), however fast the runs service sends them; the latest view of each run wins.
   */
  runRefreshMs?: number;
  /** while a run is going, the elapsed times are refreshed this often (default 1000 ms) */
  clockTickMs?: number;
  /** the wall clock elapsed times are shown against (default Date.now) */
  now?: () => number;
  /** the terminal shows colours (default true); decided where the terminal is known */
  color?: boolean;
}

export const DEFAULT_RUN_REFRESH_MS = Math.round(1000 / 15);

/** The console's state and every action on it; the UI only renders and calls these. */
export class Controller {
  readonly store: Store<AppState>;
  /** switch, roll back, compare, mark, delete, prune, pin: the generations pane's actions */
  readonly gens: GenerationActions;
  private todoItems: ParsedTodo[] = [];
  private folderHosts: string[] = [];

  // runs: views waiting to be published, the publish timer, the watch subscriptions
  private readonly runs: RunsService | undefined;
  private readonly runRefreshMs: number;
  private readonly clockTickMs: number;
  private readonly now: () => number;
  private pendingViews = new Map<string, RunView>();
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  private lastFlushAt = Number.NEGATIVE_INFINITY;
  private clockTimer: ReturnType<typeof setInterval> | null = null;
  private readonly watches = new Map<string, () => void>();
  /** what the status bar last said about each run still going, replaced by its outcome when it ends */
  private readonly runNotices = new Map<string, Notice>();
  /** notices about runs (so an outcome may replace them; any other notice stays) */
  private readonly ownRunNotices = new WeakSet<Notice>();
  /** hosts a run is being started on (asking sudo, starting), so a second key does not start another */
  private readonly starting = new Set<string>();
  /** log rows of the selected run pane, for paging; reported by the pane, not state (no render) */
  private runLogRows = 5;
  /** the sudo password being typed; never in the store, dropped once handed to runs.start */
  private password = '';
  /** the host whose generations the generations pane lists */
  private generationsHost: string | null = null;
  private disposed = false;

  constructor(
    private readonly services: Services,
    options: ControllerOptions,
  ) {
    this.runs = services.runs;
    this.runRefreshMs = Math.max(0, options.runRefreshMs ?? DEFAULT_RUN_REFRESH_MS);
    this.clockTickMs = Math.max(50, options.clockTickMs ?? 1000);
    this.now = options.now ?? Date.now;
    this.store = createStore<AppState>({
      hostname: services.hostname,
      terminal: null,
      flakeDir: options.flakeDir,
      home: options.home ?? '',
      todoFile: options.todoFile,
      prefs: options.prefs,
      color: options.color ?? true,
      focus: options.prefs.lastPane,
      overlay: 'none',
      help: { scroll: 0, rows: 10, maxScroll: 0 },
      dialog: null,
      notice: options.warning ? { text: options.warning, kind: 'warn' } : null,
      flakeEval: { status: 'loading' },
      hosts: [],
      generations: {},
      todos: { status: 'loading' },
      viewport: { hosts: 10, generations: 10, todos: 10 },
      panes: { hosts: emptyPane(), generations: emptyPane(), todos: emptyPane() },
      runs: emptyRuns(services.runs !== undefined, this.now(), services.runs?.endsWithConsole === true),
      genView: null,
      marks: {},
      genOpsAvailable: services.generations !== undefined,
    });
    this.gens = new GenerationActions({
      store: this.store,
      ops: services.generations,
      runs: services.runs,
      now: () => this.now(),
      disposed: () => this.disposed,
      notify: (kind, text) => this.notify(kind, text),
      notifyRun: (id, kind, text) => this.notifyRun(id, kind, text),
      savePrefs: (changes) => this.services.savePrefs(changes),
      loadGenerations: (host) => this.loadGenerations(host),
      openRun: (id) => this.openRun(id, { focus: false }),
    });
  }

  get state(): AppState {
    return this.store.get();
  }

  /**
   * Start loading everything. What the first full frame shows is read first, together: folder
   * hosts, the flake's hosts as last evaluated (when known), the todos and the selected host's
   * generations. Only then do the flake evaluation and the list of runs start, so that they do
   * not compete with the first frame for the CPU.
   */
  async start(): Promise<void> {
    const { flakeDir } = this.state;
    const todos = this.reloadTodos();
    const [folder, cached] = await Promise.all([
      this.services.listFolderHosts(flakeDir),
      this.services.cachedFlakeHosts ? this.services.cachedFlakeHosts(flakeDir).catch(() => null) : null,
    ]);
    this.folderHosts = folder;
    this.applyHosts(cached);
    const shown = this.selectedHost()?.name;
    // applyHosts started reading the selected host's generations; wait for them (bounded)
    const generations = new Promise<void>((resolve) => {
      const giveUp = setTimeout(() => done(), 2000);
      const check = (): void => {
        if (shown === undefined || this.disposed || this.state.generations[shown]?.status !== 'loading') done();
      };
      const unsubscribe = this.store.subscribe(check);
      const done = (): void => {
        clearTimeout(giveUp);
        unsubscribe();
        resolve();
      };
      check();
    });
    await Promise.all([todos, generations]);
    const evaluation = this.services.evalFlakeHosts(flakeDir);
    const recentRuns = this.loadRecentRuns();
    const result = await evaluation;
    if (result.ok) {
      this.applyHosts(result.names);
      this.set({ flakeEval: { status: 'ok', value: result.names } });
    } else {
      this.applyHosts(null);
      this.set({ flakeEval: { status: 'error', message: result.error, hint: result.hint } });
    }
    await recentRuns;
  }

  private applyHosts(flakeNames: string[] | null): void {
    const hosts = mergeHosts(this.folderHosts, flakeNames, this.services.hostname);
    const previous = this.selectedHost()?.name ?? this.state.prefs.lastHost;
    this.store.update((s) => {
      const hits = filterHosts(hosts, s.panes.hosts.filter);
      let cursor = hits.findIndex((h) => h.item.name === previous);
      if (cursor < 0) cursor = Math.max(0, hits.findIndex((h) => h.item.local));
      return { ...s, hosts, panes: { ...s.panes, hosts: clampPane({ ...s.panes.hosts, hits, cursor }, s.viewport.hosts) } };
    });
    this.onHostSelected();
  }

  selectedHost(): Host | undefined {
    return selectedHostOf(this.state);
  }

  selectedTodo(): ParsedTodo | undefined {
    const pane = this.state.panes.todos;
    return pane.hits[pane.cursor]?.item;
  }

  private onHostSelected(): void {
    const host = this.selectedHost();
    if (!host) {
      this.setPane('generations', { ...emptyPane(), filter: this.state.panes.generations.filter });
      return;
    }
    const loaded = this.state.generations[host.name];
    if (loaded === undefined) void this.loadGenerations(host);
    else this.refreshGenerationHits();
  }

  async loadGenerations(host: Host): Promise<void> {
    // read again (R, after a switch or a delete): the old list stays until the new one is there
    if (this.state.generations[host.name]?.status !== 'ok') {
      this.store.update((s) => ({ ...s, generations: { ...s.generations, [host.name]: { status: 'loading' } } }));
      this.refreshGenerationHits();
    }
    const result = await this.services.readGenerations(host);
    const value: Loadable<GenerationList> = result.ok
      ? { status: 'ok', value: result.list }
      : { status: 'error', message: result.message, ...(result.hint ? { hint: result.hint } : {}) };
    this.store.update((s) => ({ ...s, generations: { ...s.generations, [host.name]: value } }));
    this.refreshGenerationHits();
  }

  private refreshGenerationHits(): void {
    const host = this.selectedHost();
    const loaded = host ? this.state.generations[host.name] : undefined;
    const list = loaded?.status === 'ok' ? loaded.value.generations : [];
    const sameHost = host !== undefined && host.name === this.generationsHost;
    this.generationsHost = host?.name ?? null;
    this.store.update((s) => {
      const hits = filterGenerations(list, s.panes.generations.filter);
      const pane = s.panes.generations;
      const sameList = pane.hits.length > 0 && pane.hits[0]?.item === hits[0]?.item;
      if (sameList) return { ...s, panes: { ...s.panes, generations: clampPane({ ...pane, hits }, s.viewport.generations) } };
      // the same host read again (after a switch or a delete): the same generation stays selected
      const selected = pane.hits[pane.cursor]?.item.generation;
      const at = sameHost && selected !== undefined ? hits.findIndex((h) => h.item.generation === selected) : -1;
      if (at >= 0) return { ...s, panes: { ...s.panes, generations: clampPane({ ...pane, hits, cursor: at }, s.viewport.generations) } };
      // the selected one was deleted: the cursor stays where it was, on its neighbour
      if (sameHost && selected !== undefined && hits.length > 0) return { ...s, panes: { ...s.panes, generations: clampPane({ ...pane, hits }, s.viewport.generations) } };
      return { ...s, panes: { ...s.panes, generations: clampPane({ ...pane, hits, cursor: 0, offset: 0 }, s.viewport.generations) } };
    });
  }

  async reloadTodos(notice?: Notice): Promise<void> {
    const result = await this.services.readTodos(this.state.todoFile);
    this.applyTodos(
      result.ok ? { status: 'ok', value: result.snapshot } : { status: 'error', message: result.error },
      notice,
    );
  }

  private applyTodos(todos: Loadable<TodoSnapshot>, notice?: Notice): void {
    const keepId = this.selectedTodo()?.id;
    const all = todos.status === 'ok' ? todos.value.todos : [];
    this.todoItems = this.state.prefs.hideDoneTodos ? all.filter((t) => !t.done) : all;
    this.store.update((s) => {
      const hits = filterTodos(this.todoItems, s.panes.todos.filter);
      const found = hits.findIndex((h) => h.item.id === keepId);
      const cursor = found >= 0 ? found : s.panes.todos.cursor;
      return {
        ...s,
        todos,
        ...(notice ? { notice } : {}),
        panes: { ...s.panes, todos: clampPane({ ...s.panes.todos, hits, cursor }, s.viewport.todos) },
      };
    });
  }

  // ---- navigation ---------------------------------------------------------------------------

  focus(pane: FocusId): void {
    if (this.state.focus === pane) return;
    this.store.update((s) => ({
      ...s,
      focus: pane,
      runs: {
        ...s.runs,
        zoomed: pane === 'runs' && s.runs.zoomed,
        searching: false,
        // the bottom area shows what was focused last of the todos and the run panes
        bottom: pane === 'runs' ? 'runs' : pane === 'todos' ? 'todos' : s.runs.bottom,
      },
    }));
    if (isListPane(pane)) this.services.savePrefs({ lastPane: pane });
  }

  /** Tab / Shift-Tab: the run panes are in the cycle while one is open (4 reaches them always). */
  focusNext(step: 1 | -1): void {
    const order = this.state.runs.open.length > 0 || this.state.focus === 'runs' ? FOCUS_ORDER : FOCUS_ORDER.filter(isListPane);
    const i = order.indexOf(this.state.focus);
    this.focus(order[(i + step + order.length) % order.length] ?? 'hosts');
  }

  private listFocus(): PaneId | null {
    const focus = this.state.focus;
    return isListPane(focus) ? focus : null;
  }

  move(delta: number): void {
    const pane = this.listFocus();
    if (pane) this.moveTo(this.state.panes[pane].cursor + delta);
  }

  moveTo(index: number): void {
    const pane = this.listFocus();
    if (!pane) return;
    const current = this.state.panes[pane];
    const next = clampPane({ ...current, cursor: index }, this.state.viewport[pane]);
    if (next.cursor === current.cursor && next.offset === current.offset) return;
    this.setPane(pane, next);
    if (pane === 'hosts') {
      const host = this.selectedHost();
      if (host) this.services.savePrefs({ lastHost: host.name });
      this.onHostSelected();
    }
  }

  halfPage(direction: 1 | -1): void {
    const pane = this.listFocus();
    if (pane) this.move(direction * Math.max(1, Math.floor(this.state.viewport[pane] / 2)));
  }

  setViewport(pane: PaneId, rows: number): void {
    if (this.state.viewport[pane] === rows) return;
    this.store.update((s) => ({
      ...s,
      viewport: { ...s.viewport, [pane]: rows },
      panes: { ...s.panes, [pane]: clampPane(s.panes[pane] as ListPane<unknown>, rows) },
    }));
  }

  // ---- filter -------------------------------------------------------------------------------

  startFilter(): void {
    const pane = this.listFocus();
    if (pane) this.setPane(pane, { ...this.state.panes[pane], editing: true });
  }

  setFilter(text: string): void {
    const pane = this.listFocus();
    if (!pane) return;
    const current = this.state.panes[pane];
    const selected = current.hits[current.cursor]?.item;
    const hits = this.hitsFor(pane, text);
    this.setPane(pane, clampPane({ ...current, filter: text, hits, cursor: 0, offset: 0 }, this.state.viewport[pane]));
    if (pane === 'hosts' && this.selectedHost() !== selected) this.onHostSelected();
  }

  /** Enter: keep the filter, give the keys back to the list. */
  keepFilter(): void {
    const pane = this.listFocus();
    if (pane) this.setPane(pane, { ...this.state.panes[pane], editing: false });
  }

  /** Esc: clear the filter and keep the selected item selected. */
  clearFilter(): void {
    const pane = this.listFocus();
    if (!pane) return;
    const current = this.state.panes[pane];
    const selected = current.hits[current.cursor]?.item;
    const hits = this.hitsFor(pane, '');
    const cursor = Math.max(0, (hits as { item: unknown }[]).findIndex((h) => h.item === selected));
    this.setPane(pane, clampPane({ ...current, filter: '', editing: false, hits, cursor }, this.state.viewport[pane]));
    if (pane === 'hosts') this.onHostSelected();
  }

  private hitsFor(pane: PaneId, query: string): ListPane<never>['hits'] {
    if (pane === 'hosts') return filterHosts(this.state.hosts, query) as never[];
    if (pane === 'todos') return filterTodos(this.todoItems, query) as never[];
    const host = this.selectedHost();
    const loaded = host ? this.state.generations[host.name] : undefined;
    return filterGenerations(loaded?.status === 'ok' ? loaded.value.generations : [], query) as never[];
  }

  // ---- todos --------------------------------------------------------------------------------

  async toggleSelectedTodo(): Promise<void> {
    const todo = this.selectedTodo();
    const todos = this.state.todos;
    if (!todo || todos.status !== 'ok') return;
    const outcome = await this.services.setTodoDone(todos.value, todo, !todo.done);
    switch (outcome.kind) {
      case 'written':
        this.applyTodos(
          { status: 'ok', value: outcome.snapshot },
          { kind: 'info', text: `${outcome.todo.done ? 'done' : 'not done'}: ${outcome.todo.text} (line ${outcome.todo.line})` },
        );
        return;
      case 'unchanged':
        return;
      case 'conflict':
        this.applyTodos(
          outcome.reread.ok ? { status: 'ok', value: outcome.reread.snapshot } : { status: 'error', message: outcome.reread.error },
          { kind: 'warn', text: outcome.message },
        );
        return;
      case 'error':
        this.set({ notice: { kind: 'error', text: outcome.message } });
    }
  }

  toggleHideDone(): void {
    const hideDoneTodos = !this.state.prefs.hideDoneTodos;
    this.set({ prefs: { ...this.state.prefs, hideDoneTodos } });
    this.services.savePrefs({ hideDoneTodos });
    this.applyTodos(this.state.todos, { kind: 'info', text: hideDoneTodos ? 'ticked todos hidden' : 'ticked todos shown' });
  }

  // ---- runs: starting ------------------------------------------------------------------------

  /** b, D, t, s, B, A: start `action` on the selected host; activating actions ask first. */
  requestRun(action: RebuildAction): void {
    const host = this.selectedHost();
    if (!host) return this.notify('warn', 'no host selected');
    if (!this.runs) return this.notify('warn', 'rebuild runs are not available in this console');
    // the keymap says this before; here again so that no other way in can ask or start it
    const refused = runRefusal(host, action, this.services.hostname);
    if (refused) return this.notify('warn', refused);
    const going = runningViews(this.state).find((v) => v.host === host.name);
    if (going) return this.notify('warn', `a ${going.action} is already running on ${host.name} (4 shows it)`);
    if (this.starting.has(host.name)) return this.notify('warn', `a run is being started on ${host.name}`);
    if (isActivating(action)) {
      this.set({ dialog: { kind: 'confirmRun', host: host.name, action, local: host.local }, overlay: 'none' });
      return;
    }
    void this.prepareRun(host.name, action, host.local);
  }

  /** Ask the service whether sudo wants a password; then the password field, or start at once. */
  private async prepareRun(host: string, action: RebuildAction, local: boolean): Promise<void> {
    const runs = this.runs;
    if (!runs) return;
    this.starting.add(host);
    let needs: boolean;
    try {
      needs = await runs.needsPassword(host, action);
    } catch (error) {
      this.starting.delete(host);
      return this.notify('error', `${action} on ${host} not started: ${messageOf(error)}`);
    }
    if (this.disposed) return;
    if (needs) {
      // the host stays "starting" until the password is given or the field is left
      this.password = '';
      this.set({ dialog: { kind: 'password', host, action, local, length: 0 }, overlay: 'none' });
      return;
    }
    await this.launch(host, action);
  }

  private async launch(host: string, action: RebuildAction, password?: string): Promise<void> {
    const runs = this.runs;
    if (!runs) return;
    this.notify('info', `starting ${action} on ${host}…`);
    let result: StartResult;
    this.starting.add(host);
    try {
      result = await runs.start(password === undefined ? { host, action } : { host, action, password });
    } catch (error) {
      result = { ok: false, error: messageOf(error) };
    } finally {
      this.starting.delete(host);
    }
    if (this.disposed) return;
    if (!result.ok) {
      // whatever the service says, the password is not shown
      const error = password ? result.error.split(password).join('***') : result.error;
      return this.notify('error', `${action} on ${host} not started: ${error}`);
    }
    // a new generation, or another one running: the list shows it once the run has ended
    if (action === 'switch' || action === 'boot' || action === 'test') this.gens.refreshWhenDone(result.id, host);
    this.openRun(result.id, { focus: false });
    this.notifyRun(result.id, 'info', `${action} started on ${host}`);
  }

  // ---- dialogs --------------------------------------------------------------------------------

  /** y in a y/N dialog. Returns 'quit' when the question was whether to quit. */
  confirmDialog(): 'quit' | null {
    const dialog = this.state.dialog;
    if (!dialog) return null;
    switch (dialog.kind) {
      case 'confirmRun':
        this.set({ dialog: null });
        void this.prepareRun(dialog.host, dialog.action, dialog.local);
        return null;
      case 'confirmCancel':
        this.set({ dialog: null });
        void this.cancelRun(dialog.runId, dialog.host);
        return null;
      case 'confirmQuit':
        this.set({ dialog: null });
        return 'quit';
      case 'confirmDelete':
        this.gens.confirmDelete();
        return null;
      // not y/N questions: switch/boot/test is chosen by its own key, the others take text
      case 'confirmActivate':
      case 'keepPolicy':
      case 'password':
      case 'opPassword':
        return null;
    }
  }

  /** n, Esc or Enter in a y/N dialog, Esc in the password field: nothing happens. */
  dismissDialog(): void {
    const dialog = this.state.dialog;
    if (!dialog) return;
    this.password = '';
    if (dialog.kind === 'password') this.starting.delete(dialog.host);
    let notice: Notice | null = null;
    if (dialog.kind === 'confirmRun' || dialog.kind === 'password') notice = { kind: 'info', text: `${dialog.action} on ${dialog.host} not started` };
    if (dialog.kind === 'confirmCancel') notice = { kind: 'info', text: `the ${dialog.action} on ${dialog.host} goes on` };
    this.set({ dialog: null, notice });
    if (dialog.kind === 'opPassword') this.gens.passwordDismissed(dialog.host, dialog.op);
    if (dialog.kind === 'confirmActivate' || dialog.kind === 'confirmDelete' || dialog.kind === 'keepPolicy') this.gens.declined(dialog);
  }

  typePassword(text: string): void {
    const dialog = this.state.dialog;
    if (!isPasswordDialog(dialog)) return;
    this.password += text;
    this.set({ dialog: { ...dialog, length: [...this.password].length } });
  }

  erasePassword(): void {
    const dialog = this.state.dialog;
    if (!isPasswordDialog(dialog)) return;
    this.password = [...this.password].slice(0, -1).join('');
    this.set({ dialog: { ...dialog, length: [...this.password].length } });
  }

  /** Enter in the password field: hand the password to the service and forget it. */
  submitPassword(): void {
    const dialog = this.state.dialog;
    if (!isPasswordDialog(dialog)) return;
    const password = this.password;
    this.password = '';
    this.set({ dialog: null });
    if (dialog.kind === 'opPassword') this.gens.passwordGiven(dialog.host, dialog.op, password);
    else void this.launch(dialog.host, dialog.action, password);
  }

  // ---- runs: panes ----------------------------------------------------------------------------

  /** At start: list the recent runs and re-open the ones still going. */
  async loadRecentRuns(): Promise<void> {
    const runs = this.runs;
    if (!runs) return;
    let recent: RunView[];
    try {
      recent = await runs.recent();
    } catch (error) {
      return this.notify('warn', `could not list the runs: ${messageOf(error)}`);
    }
    if (this.disposed || recent.length === 0) return;
    this.store.update((s) => {
      const views = { ...s.runs.views };
      const known = [...s.runs.known];
      for (const view of recent) {
        views[view.id] = s.runs.views[view.id] ?? view;
        if (!known.includes(view.id)) known.push(view.id);
      }
      return { ...s, runs: { ...s.runs, views, known, byHost: runsByHost(views) } };
    });
    // oldest first, so the newest running run ends up selected
    for (const view of [...recent].reverse()) if (view.phase === 'running') this.openRun(view.id, { focus: false });
    this.syncClock();
  }

  /** Open (or select) the pane of a run and follow its updates. */
  openRun(id: string, options: { focus: boolean }): void {
    this.watch(id);
    this.store.update((s) => {
      const at = s.runs.open.findIndex((p) => p.id === id);
      const open = at >= 0 ? s.runs.open : [...s.runs.open, newRunPane(id)];
      const focus: FocusId = options.focus ? 'runs' : s.focus;
      return {
        ...s,
        focus,
        runs: {
          ...s.runs,
          open,
          selected: at >= 0 ? at : open.length - 1,
          known: s.runs.known.includes(id) ? s.runs.known : [id, ...s.runs.known],
          // the todos stay in view while they have the keyboard
          bottom: focus === 'todos' ? s.runs.bottom : 'runs',
          zoomed: focus === 'runs' && s.runs.zoomed,
          searching: false,
        },
      };
    });
  }

  /** x: close the selected pane of a finished run. */
  closeRun(): void {
    const pane = selectedRunPane(this.state);
    if (!pane) return;
    const view = this.state.runs.views[pane.id];
    if (view?.phase === 'running') return this.notify('warn', `the ${view.action} on ${view.host} is still running: c cancels it`);
    this.unwatch(pane.id);
    this.store.update((s) => {
      const open = s.runs.open.filter((p) => p.id !== pane.id);
      const empty = open.length === 0;
      return {
        ...s,
        runs: {
          ...s.runs,
          open,
          selected: Math.max(0, Math.min(s.runs.selected, open.length - 1)),
          zoomed: !empty && s.runs.zoomed,
          bottom: empty && s.focus !== 'runs' ? 'todos' : s.runs.bottom,
          searching: false,
        },
      };
    });
  }

  /** [ and ]: the previous / next run pane. */
  cycleRun(step: 1 | -1): void {
    const n = this.state.runs.open.length;
    if (n === 0) return this.notify('info', 'no run panes open (L lists the runs)');
    this.store.update((s) => ({
      ...s,
      focus: s.focus === 'todos' ? 'runs' : s.focus,
      runs: { ...s.runs, selected: (s.runs.selected + step + n) % n, bottom: 'runs', searching: false },
    }));
  }

  /** z: the selected run pane fills the body, or not. */
  toggleZoom(): void {
    if (this.state.runs.open.length === 0) return;
    this.store.update((s) => ({ ...s, focus: 'runs', runs: { ...s.runs, zoomed: !s.runs.zoomed, bottom: 'runs' } }));
  }

  /** The selected run pane says how many log rows it shows; paging and n/N use it. */
  setRunLogRows(rows: number): void {
    this.runLogRows = Math.max(1, rows);
  }

  // ---- runs: scrolling and search ---------------------------------------------------------------

  private runGeometry(): { pane: RunPaneState; view: RunView; window: LogWindow } | null {
    const pane = selectedRunPane(this.state);
    const view = pane ? this.state.runs.views[pane.id] : undefined;
    if (!pane || !view) return null;
    return { pane, view, window: logWindow(view, pane, this.runLogRows) };
  }

  /** j/k, PgUp/PgDn, Ctrl-d/u in a run pane: scroll the log; this stops following it. */
  scrollRun(delta: number): void {
    const g = this.runGeometry();
    if (!g) return;
    const { start, base, maxStart } = g.window;
    this.setRunPane({ ...g.pane, follow: false, top: clamp(start + delta, base, maxStart) });
  }

  /** g: the oldest line kept. */
  scrollRunToTop(): void {
    const g = this.runGeometry();
    if (g) this.setRunPane({ ...g.pane, follow: false, top: g.window.base });
  }

  /** G: the newest lines, following them again. */
  followRun(): void {
    const g = this.runGeometry();
    if (g && !g.pane.follow) this.setRunPane({ ...g.pane, follow: true });
  }

  scrollRunPage(direction: 1 | -1, fraction: 1 | 0.5): void {
    this.scrollRun(direction * Math.max(1, Math.floor(this.runLogRows * fraction)));
  }

  /** /: type a search for the log of the selected run. */
  startSearch(): void {
    if (!selectedRunPane(this.state)) return this.notify('info', 'no run pane open: nothing to search');
    this.store.update((s) => ({ ...s, runs: { ...s.runs, searching: true, searchDraft: '' } }));
  }

  setSearchDraft(text: string): void {
    this.store.update((s) => ({ ...s, runs: { ...s.runs, searchDraft: text } }));
  }

  /** Enter: search for the draft; shows the newest match above the bottom of the view. */
  submitSearch(): void {
    const query = this.state.runs.searchDraft;
    this.store.update((s) => ({ ...s, runs: { ...s.runs, searching: false, searchDraft: '' } }));
    const pane = selectedRunPane(this.state);
    if (!pane) return;
    if (query === '') return this.clearSearch();
    this.setRunPane({ ...pane, search: query, match: null, matchIndex: 0, matchCount: 0 });
    this.jumpToMatch(-1, true);
  }

  /** Esc: leave the search line, or forget the search. */
  clearSearch(): void {
    this.store.update((s) => ({ ...s, runs: { ...s.runs, searching: false, searchDraft: '' } }));
    const pane = selectedRunPane(this.state);
    if (pane && pane.search !== '') this.setRunPane({ ...pane, search: '', match: null, matchIndex: 0, matchCount: 0 });
  }

  /** n / N: the next (newer) or previous (older) match, wrapping around. */
  nextMatch(direction: 1 | -1): void {
    this.jumpToMatch(direction, false);
  }

  private jumpToMatch(direction: 1 | -1, initial: boolean): void {
    const g = this.runGeometry();
    if (!g) return;
    const { pane, view, window } = g;
    if (pane.search === '') return this.notify('info', 'no search yet: / searches the log');
    const lines = view.progress.tail;
    const hits = matchingLines(lines, pane.search).map((i) => i + window.base);
    if (hits.length === 0) {
      this.setRunPane({ ...pane, match: null, matchIndex: 0, matchCount: 0 });
      return this.notify('warn', `no match for "${pane.search}" in the last ${lines.length} lines`);
    }
    const last = hits[hits.length - 1] ?? 0;
    const first = hits[0] ?? 0;
    let target: number;
    if (initial) {
      const bottom = window.start + window.rows - 1;
      target = findLast(hits, (h) => h <= bottom) ?? last;
    } else if (direction > 0) {
      const from = pane.match ?? window.start - 1;
      target = hits.find((h) => h > from) ?? first;
    } else {
      const from = pane.match ?? window.start + window.rows;
      target = findLast(hits, (h) => h < from) ?? last;
    }
    const top = clamp(target - Math.floor(window.rows / 3), window.base, window.maxStart);
    this.setRunPane({ ...pane, follow: false, top, match: target, matchIndex: hits.indexOf(target) + 1, matchCount: hits.length });
  }

  private setRunPane(next: RunPaneState): void {
    this.store.update((s) => ({ ...s, runs: { ...s.runs, open: s.runs.open.map((p) => (p.id === next.id ? next : p)) } }));
  }

  // ---- runs: cancel, list, quit -------------------------------------------------------------------

  /** c: ask whether to cancel the selected run. False when it is not running (nothing asked). */
  requestCancelRun(): boolean {
    const pane = selectedRunPane(this.state);
    const view = pane ? this.state.runs.views[pane.id] : undefined;
    if (!view || view.phase !== 'running') return false;
    this.set({ dialog: { kind: 'confirmCancel', runId: view.id, host: view.host, action: view.action } });
    return true;
  }

  private async cancelRun(id: string, host: string): Promise<void> {
    const runs = this.runs;
    if (!runs) return;
    this.notifyRun(id, 'info', `cancelling the run on ${host}…`);
    try {
      await runs.cancel(id);
    } catch (error) {
      this.notify('error', `could not cancel the run on ${host}: ${messageOf(error)}`);
    }
  }

  /** L: the list of runs, to re-open one. */
  openRunsList(): void {
    if (!this.runs) return this.notify('warn', 'rebuild runs are not available in this console');
    this.store.update((s) => ({
      ...s,
      overlay: 'runs',
      runs: { ...s.runs, listCursor: Math.max(0, Math.min(s.runs.listCursor, s.runs.known.length - 1)) },
    }));
  }

  moveRunsList(delta: number): void {
    this.store.update((s) => {
      const listCursor = Math.max(0, Math.min(s.runs.listCursor + delta, s.runs.known.length - 1));
      return listCursor === s.runs.listCursor ? s : { ...s, runs: { ...s.runs, listCursor } };
    });
  }

  /** Enter in the run list: open the run under the cursor in a pane and focus it. */
  openFromList(): void {
    const id = this.state.runs.known[this.state.runs.listCursor];
    this.set({ overlay: 'none' });
    if (id !== undefined) this.openRun(id, { focus: true });
  }

  /** q: true when the console may quit now; false when it asked first because runs are going. */
  requestQuit(): boolean {
    const going = runningViews(this.state);
    if (going.length === 0) return true;
    this.set({ dialog: { kind: 'confirmQuit', running: going.map((v) => ({ host: v.host, action: v.action })) }, overlay: 'none' });
    return false;
  }

  // ---- runs: updates ----------------------------------------------------------------------------

  private watch(id: string): void {
    if (!this.runs || this.disposed || this.watches.has(id)) return;
    // a placeholder first: the service may call back before watch() returns
    this.watches.set(id, () => {});
    const unsubscribe = this.runs.watch(id, (view) => this.onRunUpdate(view));
    if (this.watches.has(id)) this.watches.set(id, unsubscribe);
    else unsubscribe();
  }

  private unwatch(id: string): void {
    const unsubscribe = this.watches.get(id);
    this.watches.delete(id);
    unsubscribe?.();
  }

  /**
   * A run view from the service. Views are kept here and published together, at most once per
   * runRefreshMs: a flood of updates costs one store update (and one render) per interval.
   */
  private onRunUpdate(view: RunView): void {
    if (this.disposed) return;
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
    if (this.pendingViews.size === 0 || this.disposed) return;
    const updates = this.pendingViews;
    this.pendingViews = new Map();
    const nowMs = this.now();
    const before = this.state.runs.views;
    const ended = [...updates.values()].some((v) => v.phase !== 'running' && before[v.id]?.phase === 'running');
    if (ended && this.state.prefs.bell) this.services.bell?.();
    this.gens.onRunViews(updates.values());
    this.store.update((s) => {
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
  }

  /** While a run is going, elapsed times move on once a second even when its log is quiet. */
  private syncClock(): void {
    const going = !this.disposed && runningViews(this.state).length > 0;
    if (going && this.clockTimer === null) {
      this.clockTimer = setInterval(() => this.tickClock(), this.clockTickMs);
      this.clockTimer.unref?.();
    } else if (!going && this.clockTimer !== null) {
      clearInterval(this.clockTimer);
      this.clockTimer = null;
    }
  }

  private tickClock(): void {
    const nowMs = this.now();
    this.store.update((s) => (Math.floor(s.runs.nowMs / 1000) === Math.floor(nowMs / 1000) ? s : { ...s, runs: { ...s.runs, nowMs } }));
  }

  /** Stop timers and run subscriptions; the runs themselves go on (they are detached). */
  dispose(): void {
    this.disposed = true;
    this.password = '';
    for (const unsubscribe of this.watches.values()) unsubscribe();
    this.watches.clear();
    if (this.flushTimer !== null) clearTimeout(this.flushTimer);
    if (this.clockTimer !== null) clearInterval(this.clockTimer);
    this.flushTimer = null;
    this.clockTimer = null;
    this.pendingViews.clear();
  }

  // ---- misc ---------------------------------------------------------------------------------

  refresh(): void {
    const host = this.selectedHost();
    if (host) void this.loadGenerations(host);
    void this.reloadTodos({ kind: 'info', text: 'reloaded' });
  }

  setOverlay(overlay: Overlay): void {
    this.set(overlay === 'help' ? { overlay, help: { ...this.state.help, scroll: 0 } } : { overlay });
  }

  /** The help overlay's rows and its largest useful scroll, as it is drawn. */
  setHelpGeometry(rows: number, maxScroll: number): void {
    const help = this.state.help;
    if (help.rows === rows && help.maxScroll === maxScroll) return;
    this.set({ help: { rows, maxScroll, scroll: Math.min(help.scroll, maxScroll) } });
  }

  /** Scroll the help by `lines` (pages: `rows` lines), kept within what it has. */
  scrollHelp(lines: number): void {
    const help = this.state.help;
    const scroll = Math.max(0, Math.min(help.maxScroll, help.scroll + lines));
    if (scroll !== help.scroll) this.set({ help: { ...help, scroll } });
  }

  /** The UI reports the terminal's size; keys do nothing on a screen too small to show them. */
  setTerminalSize(columns: number, rows: number): void {
    const now = this.state.terminal;
    if (now?.columns !== columns || now.rows !== rows) this.set({ terminal: { columns, rows } });
  }

  setNotice(notice: Notice): void {
    this.set({ notice });
  }

  dismissNotice(): void {
    if (this.state.notice) this.set({ notice: null });
  }

  private setPane<K extends PaneId>(pane: K, value: AppState['panes'][K]): void {
    this.store.update((s) => ({ ...s, panes: { ...s.panes, [pane]: value } }));
  }

  private set(patch: Partial<AppState>): void {
    this.store.update((s) => ({ ...s, ...patch }));
  }

  private notify(kind: Notice['kind'], text: string): void {
    this.set({ notice: { kind, text } });
  }

  /** A notice about run `id` ("started", "cancelling…"): the run's outcome replaces it when it ends. */
  private notifyRun(id: string, kind: Notice['kind'], text: string): void {
    const notice: Notice = { kind, text };
    this.runNotices.set(id, notice);
    this.ownRunNotices.add(notice);
    this.set({ notice });
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
    this.set({ notice });
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

function newRunPane(id: string): RunPaneState {
  return { id, follow: true, top: 0, search: '', match: null, matchIndex: 0, matchCount: 0 };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function clamp(value: number, min: number, max: number): number {
  return Math.max(min, Math.min(value, max));
}

function findLast<T>(items: readonly T[], test: (item: T) => boolean): T | undefined {
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i] as T;
    if (test(item)) return item;
  }
  return undefined;
}

/** Keep the cursor inside the list and the visible window around the cursor. */
export function clampPane<P extends ListPane<unknown>>(pane: P, rows: number): P {
  const last = pane.hits.length - 1;
  const cursor = Math.max(0, Math.min(pane.cursor, last));
  const height = Math.max(1, rows);
  let offset = Math.min(pane.offset, Math.max(0, pane.hits.length - height));
  if (cursor < offset) offset = cursor;
  if (cursor >= offset + height) offset = cursor - height + 1;
  return { ...pane, cursor, offset: Math.max(0, offset) };
}
