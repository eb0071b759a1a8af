import { mergeHosts } from '../core/hosts.js';
import { PANES, type PaneId, type Prefs } from '../core/prefsSchema.js';
import type { GenerationList, Host, ParsedTodo } from '../core/types.js';
import type { FlakeHostsResult } from '../system/hostsDiscovery.js';
import type { TodoReadResult, TodoSnapshot, ToggleOutcome } from '../system/todoFile.js';
import {
  type AppState,
  emptyPane,
  filterGenerations,
  filterHosts,
  filterTodos,
  type ListPane,
  type Loadable,
  type Notice,
  type Overlay,
  selectedHostOf,
} from './appState.js';
import { createStore, type Store } from './store.js';

export type GenerationsResult = { ok: true; list: GenerationList } | { ok: false; message: string; hint?: string };

/** Everything the console needs from the outside world, injected so tests and the demo can swap it. */
export interface Services {
  hostname: string;
  listFolderHosts(flakeDir: string): Promise<string[]>;
  evalFlakeHosts(flakeDir: string): Promise<FlakeHostsResult>;
  readGenerations(host: Host): Promise<GenerationsResult>;
  readTodos(file: string): Promise<TodoReadResult>;
  setTodoDone(snapshot: TodoSnapshot, todo: ParsedTodo, done: boolean): Promise<ToggleOutcome>;
  savePrefs(changes: Partial<Prefs>): void;
}

export interface ControllerOptions {
  flakeDir: string;
  todoFile: string;
  prefs: Prefs;
  /** shown once at start, e.g. a preferences file that was moved aside */
  warning?: string | null;
}

/** The console's state and every action on it; the UI only renders and calls these. */
export class Controller {
  readonly store: Store<AppState>;
  private todoItems: ParsedTodo[] = [];
  private folderHosts: string[] = [];

  constructor(
    private readonly services: Services,
    options: ControllerOptions,
  ) {
    this.store = createStore<AppState>({
      flakeDir: options.flakeDir,
      todoFile: options.todoFile,
      prefs: options.prefs,
      focus: options.prefs.lastPane,
      overlay: 'none',
      notice: options.warning ? { text: options.warning, kind: 'warn' } : null,
      flakeEval: { status: 'loading' },
      hosts: [],
      generations: {},
      todos: { status: 'loading' },
      viewport: { hosts: 10, generations: 10, todos: 10 },
      panes: { hosts: emptyPane(), generations: emptyPane(), todos: emptyPane() },
    });
  }

  get state(): AppState {
    return this.store.get();
  }

  /** Start loading everything; folder hosts and todos arrive first, the flake evaluation later. */
  async start(): Promise<void> {
    const { flakeDir } = this.state;
    const evaluation = this.services.evalFlakeHosts(flakeDir);
    const todos = this.reloadTodos();
    this.folderHosts = await this.services.listFolderHosts(flakeDir);
    this.applyHosts(null);
    await todos;
    const result = await evaluation;
    if (result.ok) {
      this.applyHosts(result.names);
      this.set({ flakeEval: { status: 'ok', value: result.names } });
    } else {
      this.applyHosts(null);
      this.set({ flakeEval: { status: 'error', message: result.error, hint: result.hint } });
    }
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
    this.store.update((s) => ({ ...s, generations: { ...s.generations, [host.name]: { status: 'loading' } } }));
    this.refreshGenerationHits();
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
    this.store.update((s) => {
      const hits = filterGenerations(list, s.panes.generations.filter);
      const pane = s.panes.generations;
      const sameList = pane.hits.length > 0 && pane.hits[0]?.item === hits[0]?.item;
      return { ...s, panes: { ...s.panes, generations: clampPane({ ...pane, hits, ...(sameList ? {} : { cursor: 0, offset: 0 }) }, s.viewport.generations) } };
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

  focus(pane: PaneId): void {
    if (this.state.focus === pane) return;
    this.set({ focus: pane });
    this.services.savePrefs({ lastPane: pane });
  }

  focusNext(step: 1 | -1): void {
    const i = PANES.indexOf(this.state.focus);
    this.focus(PANES[(i + step + PANES.length) % PANES.length] ?? 'hosts');
  }

  move(delta: number): void {
    this.moveTo(this.state.panes[this.state.focus].cursor + delta);
  }

  moveTo(index: number): void {
    const pane = this.state.focus;
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
    this.move(direction * Math.max(1, Math.floor(this.state.viewport[this.state.focus] / 2)));
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
    const pane = this.state.focus;
    this.setPane(pane, { ...this.state.panes[pane], editing: true });
  }

  setFilter(text: string): void {
    const pane = this.state.focus;
    const current = this.state.panes[pane];
    const selected = current.hits[current.cursor]?.item;
    const hits = this.hitsFor(pane, text);
    this.setPane(pane, clampPane({ ...current, filter: text, hits, cursor: 0, offset: 0 }, this.state.viewport[pane]));
    if (pane === 'hosts' && this.selectedHost() !== selected) this.onHostSelected();
  }

  /** Enter: keep the filter, give the keys back to the list. */
  keepFilter(): void {
    const pane = this.state.focus;
    this.setPane(pane, { ...this.state.panes[pane], editing: false });
  }

  /** Esc: clear the filter and keep the selected item selected. */
  clearFilter(): void {
    const pane = this.state.focus;
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

  // ---- misc ---------------------------------------------------------------------------------

  refresh(): void {
    const host = this.selectedHost();
    if (host) void this.loadGenerations(host);
    void this.reloadTodos({ kind: 'info', text: 'reloaded' });
  }

  setOverlay(overlay: Overlay): void {
    this.set({ overlay });
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
