import type { PaneId, Prefs } from '../core/prefsSchema.js';
import type { RebuildAction } from '../core/rebuildCommand.js';
import type { Host, ParsedTodo } from '../core/types.js';
import { type AppState, emptyPane, emptyRuns, type FocusId, type Notice, type Overlay } from './appState.js';
import { DialogsSlice } from './dialogsSlice.js';
import { GenerationActions } from './generationActions.js';
import { reduceWindow } from './listWindow.js';
import { ListsSlice } from './listsSlice.js';
import { RunFeed } from './runFeed.js';
import { RunPanes } from './runPanes.js';
import { RunsSlice } from './runsSlice.js';
import type { Services } from './services.js';
import { setState, type SliceContext } from './slice.js';
import { createStore, type Store } from './store.js';
import { TodosSlice } from './todosSlice.js';

export type { GenerationsResult, Services } from './services.js';

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

/**
 * The console's state and every action on it; the UI only renders and calls these. The actions
 * live in slices over the one store; the methods here hand each key's action to its slice.
 */
export class Controller {
  readonly store: Store<AppState>;
  /** switch, roll back, compare, mark, delete, prune, pin: the generations pane's actions */
  readonly gens: GenerationActions;
  /** hosts, generations list, focus, cursor and filter of the list panes */
  readonly lists: ListsSlice;
  readonly todos: TodosSlice;
  /** run views from the runs service: watches, publishing, clock, outcome notices */
  readonly feed: RunFeed;
  /** open run panes, their scroll and log search */
  readonly runPanes: RunPanes;
  /** starting, cancelling and listing runs */
  readonly runs: RunsSlice;
  readonly dialogs: DialogsSlice;
  private disposed = false;

  constructor(
    private readonly services: Services,
    options: ControllerOptions,
  ) {
    const now = options.now ?? Date.now;
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
      runs: emptyRuns(services.runs !== undefined, now(), services.runs?.endsWithConsole === true),
      genView: null,
      marks: {},
      genOpsAvailable: services.generations !== undefined,
    });
    const ctx: SliceContext = { store: this.store, services, now: () => now(), disposed: () => this.disposed };
    this.gens = new GenerationActions({
      store: this.store,
      ops: services.generations,
      runs: services.runs,
      now: () => now(),
      disposed: () => this.disposed,
      notify: (kind, text) => this.notify(kind, text),
      notifyRun: (id, kind, text) => this.feed.notifyRun(id, kind, text),
      savePrefs: (changes) => this.services.savePrefs(changes),
      loadGenerations: (host) => this.lists.loadGenerations(host),
      openRun: (id) => this.runPanes.openRun(id, { focus: false }),
    });
    this.todos = new TodosSlice(ctx);
    this.lists = new ListsSlice(ctx, () => this.todos.items());
    this.feed = new RunFeed(ctx, options, (views) => this.gens.onRunViews(views));
    this.runPanes = new RunPanes(ctx, this.feed);
    this.runs = new RunsSlice(ctx, {
      feed: this.feed,
      panes: this.runPanes,
      askPassword: (host, action, local) => this.dialogs.askPassword(host, action, local),
      refreshWhenDone: (id, host) => this.gens.refreshWhenDone(id, host),
    });
    this.dialogs = new DialogsSlice(ctx, this.runs, this.gens);
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
    this.lists.setFolderHosts(folder);
    this.lists.applyHosts(cached);
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
      this.lists.applyHosts(result.names);
      setState(this.store, { flakeEval: { status: 'ok', value: result.names } });
    } else {
      this.lists.applyHosts(null);
      setState(this.store, { flakeEval: { status: 'error', message: result.error, hint: result.hint } });
    }
    await recentRuns;
  }

  /** Stop timers and run subscriptions; the runs themselves go on (they are detached). */
  dispose(): void {
    this.disposed = true;
    this.dialogs.dispose();
    this.feed.dispose();
  }

  // ---- lists and filter ---------------------------------------------------------------------

  selectedHost(): Host | undefined {
    return this.lists.selectedHost();
  }
  loadGenerations(host: Host): Promise<void> {
    return this.lists.loadGenerations(host);
  }
  focus(pane: FocusId): void {
    this.lists.focus(pane);
  }
  focusNext(step: 1 | -1): void {
    this.lists.focusNext(step);
  }
  move(delta: number): void {
    this.lists.move(delta);
  }
  moveTo(index: number): void {
    this.lists.moveTo(index);
  }
  halfPage(direction: 1 | -1): void {
    this.lists.halfPage(direction);
  }
  setViewport(pane: PaneId, rows: number): void {
    this.lists.setViewport(pane, rows);
  }
  startFilter(): void {
    this.lists.startFilter();
  }
  setFilter(text: string): void {
    this.lists.setFilter(text);
  }
  keepFilter(): void {
    this.lists.keepFilter();
  }
  clearFilter(): void {
    this.lists.clearFilter();
  }

  // ---- todos --------------------------------------------------------------------------------

  selectedTodo(): ParsedTodo | undefined {
    return this.todos.selectedTodo();
  }
  reloadTodos(notice?: Notice): Promise<void> {
    return this.todos.reloadTodos(notice);
  }
  toggleSelectedTodo(): Promise<void> {
    return this.todos.toggleSelectedTodo();
  }
  toggleHideDone(): void {
    this.todos.toggleHideDone();
  }

  // ---- runs ---------------------------------------------------------------------------------

  requestRun(action: RebuildAction): void {
    this.runs.requestRun(action);
  }
  loadRecentRuns(): Promise<void> {
    return this.runs.loadRecentRuns();
  }
  requestCancelRun(): boolean {
    return this.runs.requestCancelRun();
  }
  openRunsList(): void {
    this.runs.openRunsList();
  }
  moveRunsList(delta: number): void {
    this.runs.moveRunsList(delta);
  }
  openFromList(): void {
    this.runs.openFromList();
  }
  requestQuit(): boolean {
    return this.runs.requestQuit();
  }

  // ---- run panes ----------------------------------------------------------------------------

  openRun(id: string, options: { focus: boolean }): void {
    this.runPanes.openRun(id, options);
  }
  closeRun(): void {
    this.runPanes.closeRun();
  }
  cycleRun(step: 1 | -1): void {
    this.runPanes.cycleRun(step);
  }
  toggleZoom(): void {
    this.runPanes.toggleZoom();
  }
  setRunLogRows(rows: number): void {
    this.runPanes.setRunLogRows(rows);
  }
  scrollRun(delta: number): void {
    this.runPanes.scrollRun(delta);
  }
  scrollRunToTop(): void {
    this.runPanes.scrollRunToTop();
  }
  followRun(): void {
    this.runPanes.followRun();
  }
  scrollRunPage(direction: 1 | -1, fraction: 1 | 0.5): void {
    this.runPanes.scrollRunPage(direction, fraction);
  }
  startSearch(): void {
    this.runPanes.startSearch();
  }
  setSearchDraft(text: string): void {
    this.runPanes.setSearchDraft(text);
  }
  submitSearch(): void {
    this.runPanes.submitSearch();
  }
  clearSearch(): void {
    this.runPanes.clearSearch();
  }
  nextMatch(direction: 1 | -1): void {
    this.runPanes.nextMatch(direction);
  }

  // ---- dialogs ------------------------------------------------------------------------------

  confirmDialog(): 'quit' | null {
    return this.dialogs.confirmDialog();
  }
  dismissDialog(): void {
    this.dialogs.dismissDialog();
  }
  typePassword(text: string): void {
    this.dialogs.typePassword(text);
  }
  erasePassword(): void {
    this.dialogs.erasePassword();
  }
  submitPassword(): void {
    this.dialogs.submitPassword();
  }

  // ---- screen: overlays, help, terminal, notices ----------------------------------------------

  refresh(): void {
    const host = this.selectedHost();
    if (host) void this.loadGenerations(host);
    void this.reloadTodos({ kind: 'info', text: 'reloaded' });
  }

  setOverlay(overlay: Overlay): void {
    setState(this.store, overlay === 'help' ? { overlay, help: { ...this.state.help, scroll: 0 } } : { overlay });
  }

  /** The help overlay's rows and its largest useful scroll, as it is drawn. */
  setHelpGeometry(rows: number, maxScroll: number): void {
    const help = this.state.help;
    if (help.rows === rows && help.maxScroll === maxScroll) return;
    setState(this.store, { help: { rows, maxScroll, scroll: Math.min(help.scroll, maxScroll) } });
  }

  /** Scroll the help by `lines` (pages: `rows` lines), kept within what it has. */
  scrollHelp(lines: number): void {
    const help = this.state.help;
    const window = { cursor: help.scroll, offset: help.scroll };
    const scroll = reduceWindow(window, { count: help.rows + help.maxScroll, rows: help.rows }, { kind: 'scroll', delta: lines }).offset;
    if (scroll !== help.scroll) setState(this.store, { help: { ...help, scroll } });
  }

  /** The UI reports the terminal's size; keys do nothing on a screen too small to show them. */
  setTerminalSize(columns: number, rows: number): void {
    const now = this.state.terminal;
    if (now?.columns !== columns || now.rows !== rows) setState(this.store, { terminal: { columns, rows } });
  }

  setNotice(notice: Notice): void {
    setState(this.store, { notice });
  }

  dismissNotice(): void {
    if (this.state.notice) setState(this.store, { notice: null });
  }

  private notify(kind: Notice['kind'], text: string): void {
    setState(this.store, { notice: { kind, text } });
  }
}
