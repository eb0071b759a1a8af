import type { Prefs } from '../core/prefsSchema.js';
import { type AppState, emptyPane, emptyRuns, type Notice, type Overlay } from './appState.js';
import { DialogsSlice } from './dialogsSlice.js';
import { emptyFleet, FleetSlice } from './fleetSlice.js';
import { GenerationActions } from './generationActions.js';
import { GroupRuns } from './groupRuns.js';
import { PLAIN_MEASURES, type ScreenMeasures, settleLayout, unmeasuredLayout } from './layout.js';
import { reduceWindow } from './listWindow.js';
import { ListsSlice } from './listsSlice.js';
import { MarksSlice } from './marksSlice.js';
import { RunFeed } from './runFeed.js';
import { RunPanes } from './runPanes.js';
import { RunsSlice } from './runsSlice.js';
import { CommitSlice } from './commitSlice.js';
import type { Services } from './services.js';
import { setState, type SliceContext } from './slice.js';
import { createStore, type Store } from './store.js';
import { TextViewSlice } from './textView.js';
import { RevisionsSlice } from './revisionsSlice.js';
import { emptyGitHeader, GitStateSlice } from './gitStateSlice.js';
import { emptyHistory, HistorySlice } from './historySlice.js';
import { emptyInputs, InputsSlice } from './inputsSlice.js';
import { TodosSlice } from './todosSlice.js';

export type { Services } from './services.js';

export interface ControllerOptions {
  flakeDir: string;
  /** the user's home folder, for showing paths as `~/…` */
  home?: string;
  todoFile: string;
  prefs: Prefs;
  /** the terminal's size until resize() says otherwise (default 80x24) */
  size?: { columns: number; rows: number };
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
 * The console's state and its actions: the actions live in slices over the one store (the UI
 * calls them there); the controller wires the slices, starts the console, keeps the layout of
 * the screen, and holds what concerns the screen as a whole (overlays, help, notices).
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
  /** the Fleet view: every host's status */
  readonly fleet: FleetSlice;
  /** hosts marked in the Hosts pane (Space, a) */
  readonly marks: MarksSlice;
  /** deploying the marked hosts together, at most `parallel` at once */
  readonly group: GroupRuns;
  /** after a deploy: commit the repository's changes, move deployed/<host> */
  readonly commit: CommitSlice;
  /** a read-only text over the body (git status, a commit) */
  readonly text: TextViewSlice;
  /** which commit built each generation */
  readonly revisions: RevisionsSlice;
  /** the repository's git state in the header */
  readonly gitState: GitStateSlice;
  /** the Inputs view (I) and the update of flake.lock */
  readonly inputs: InputsSlice;
  /** the History view (l) and the changes (C) */
  readonly history: HistorySlice;
  private disposed = false;
  /** how the UI measures its texts; none until a screen is attached */
  private measures: ScreenMeasures = PLAIN_MEASURES;

  constructor(
    private readonly services: Services,
    options: ControllerOptions,
  ) {
    const now = options.now ?? Date.now;
    this.store = createStore<AppState>({
      hostname: services.hostname,
      layout: unmeasuredLayout(options.size?.columns ?? 80, options.size?.rows ?? 24),
      flakeDir: options.flakeDir,
      home: options.home ?? '',
      todoFile: options.todoFile,
      prefs: options.prefs,
      color: options.color ?? true,
      focus: options.prefs.lastPane,
      overlay: 'none',
      help: { scroll: 0 },
      dialog: null,
      notice: options.warning ? { text: options.warning, kind: 'warn' } : null,
      flakeEval: { status: 'loading' },
      hosts: [],
      generations: {},
      cachedLists: {},
      fleet: emptyFleet(services.fleet !== undefined),
      todos: { status: 'loading' },
      panes: { hosts: emptyPane(), generations: emptyPane(), todos: emptyPane() },
      runs: emptyRuns(services.runs !== undefined, now(), services.runs?.endsWithConsole === true),
      genView: null,
      textView: null,
      revisions: {},
      repoAvailable: services.repo !== undefined,
      git: emptyGitHeader(services.repo !== undefined),
      inputs: emptyInputs(),
      history: emptyHistory(),
      marks: {},
      genOpsAvailable: services.generations !== undefined,
      remote: { deploys: services.runs?.remoteDeploys === true, changes: services.generations?.remoteChanges === true },
      markedHosts: [],
      group: null,
    }, (state) => settleLayout(state, this.measures));
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
    this.text = new TextViewSlice(ctx);
    this.revisions = new RevisionsSlice(ctx, this.text);
    this.lists = new ListsSlice(ctx, () => this.todos.items(), (host, list) => void this.revisions.load(host, list.generations));
    this.feed = new RunFeed(ctx, options, (views) => {
      const list = [...views];
      this.gens.onRunViews(list);
      this.group.onRunViews(list);
    });
    this.runPanes = new RunPanes(ctx, this.feed);
    this.marks = new MarksSlice(ctx);
    this.group = new GroupRuns(ctx, {
      marks: this.marks,
      openRun: (id) => this.runPanes.openRun(id, { focus: false }),
      notifyRun: (id, kind, text) => this.feed.notifyRun(id, kind, text),
      refreshWhenDone: (id, host) => this.gens.refreshWhenDone(id, host),
      noteTreeAtStart: (action) => this.commit.noteTreeAtStart(action),
    });
    this.runs = new RunsSlice(ctx, {
      group: this.group,
      feed: this.feed,
      panes: this.runPanes,
      askPassword: (host, action, local, error) => this.dialogs.askPassword(host, action, local, error),
      refreshWhenDone: (id, host) => this.gens.refreshWhenDone(id, host),
      noteTreeAtStart: (action) => this.commit.noteTreeAtStart(action),
    });
    this.gitState = new GitStateSlice(ctx);
    this.inputs = new InputsSlice(ctx, {
      openRun: (id) => this.runPanes.openRun(id, { focus: true }),
      notifyRun: (id, kind, text) => this.feed.notifyRun(id, kind, text),
      requestGroup: (action, hosts, title) => void this.group.request(action, hosts, title),
      lockChanged: () => void this.gitState.refresh(),
    });
    this.history = new HistorySlice(ctx, this.text);
    this.feed.onRunEnded((view) => {
      void this.gitState.refresh();
      this.inputs.onRunEnded(view);
    });
    this.dialogs = new DialogsSlice(ctx, this.runs, this.gens, this.group);
    this.fleet = new FleetSlice(ctx, services.fleet, (name) => this.lists.selectHostNamed(name));
    this.commit = new CommitSlice(ctx, {
      onRunEnded: (listener) => this.feed.onRunEnded(listener),
      showLines: (title, lines) => this.text.showLines(title, lines),
      currentGit: () => this.gitState.current(),
      tagsMoved: () => void this.fleet.readDeployed(),
      committed: () => void this.gitState.refresh(),
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
    const todos = this.todos.reloadTodos();
    const [folder, cached] = await Promise.all([
      this.services.listFolderHosts(flakeDir),
      this.services.cachedFlakeHosts ? this.services.cachedFlakeHosts(flakeDir).catch(() => null) : null,
    ]);
    this.lists.setFolderHosts(folder);
    this.lists.applyHosts(cached);
    const shownHost = this.lists.selectedHost();
    const shown = shownHost?.name;
    // applyHosts started reading the selected host's generations; wait for them (bounded). A
    // remote host's answer is not waited for, only its kept list: an unreachable host must not
    // hold the first frame.
    const generations = shownHost && !shownHost.local ? this.lists.cacheChecked(shownHost.name) : new Promise<void>((resolve) => {
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
    void this.gitState.refresh();
    const recentRuns = this.runs.loadRecentRuns();
    const result = await evaluation;
    if (result.ok) {
      this.lists.applyHosts(result.names);
      setState(this.store, { flakeEval: { status: 'ok', value: result.names } });
    } else {
      this.lists.applyHosts(null);
      setState(this.store, { flakeEval: { status: 'error', error: result.error, hint: result.hint } });
    }
    await recentRuns;
  }

  /** Stop timers and run subscriptions; the runs themselves go on (they are detached). */
  dispose(): void {
    this.disposed = true;
    this.fleet.dispose();
    this.commit.dispose();
    this.dialogs.dispose();
    this.group.dispose();
    this.feed.dispose();
  }

  // ---- screen: overlays, help, terminal, notices ----------------------------------------------

  refresh(): void {
    const host = this.lists.selectedHost();
    if (host) void this.lists.loadGenerations(host);
    void this.todos.reloadTodos({ kind: 'info', text: 'reloaded' });
    void this.gitState.refresh();
  }

  setOverlay(overlay: Overlay): void {
    setState(this.store, overlay === 'help' ? { overlay, help: { ...this.state.help, scroll: 0 } } : { overlay });
  }

  /** Scroll the help by `lines` (a page: its rows in the layout), kept within what it has. */
  scrollHelp(lines: number): void {
    const help = this.state.help;
    const { rows, lines: count } = this.state.layout.help;
    const scroll = reduceWindow({ cursor: help.scroll, offset: help.scroll }, { count, rows }, { kind: 'scroll', delta: lines }).offset;
    if (scroll !== help.scroll) setState(this.store, { help: { ...help, scroll } });
  }

  /**
   * The screen that draws this console: how it measures its texts, and the terminal's size. The
   * layout is computed from then on, after every change.
   */
  attachScreen(measures: ScreenMeasures, columns: number, rows: number): void {
    this.measures = measures;
    this.store.update((s) => ({ ...s, layout: unmeasuredLayout(columns, rows) }));
  }

  /** The terminal's size changed: a new layout, and every list and scroller kept inside it. */
  resize(columns: number, rows: number): void {
    const { layout } = this.state;
    if (layout.columns === columns && layout.rows === rows) return;
    this.store.update((s) => ({ ...s, layout: { ...s.layout, columns, rows } }));
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
