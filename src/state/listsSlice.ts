import { mergeHosts } from '../core/hosts.js';
import type { PaneId } from '../core/prefsSchema.js';
import type { GenerationList, Host, ParsedTodo } from '../core/types.js';
import {
  type AppState,
  type CachedListNote,
  emptyPane,
  filterGenerations,
  filterHosts,
  filterTodos,
  FOCUS_ORDER,
  type FocusId,
  isListPane,
  type ListPane,
  type Loadable,
  selectedHostOf,
} from './appState.js';
import { clampPane } from './listWindow.js';
import type { GenerationsRead } from '../core/result.js';
import { messageOf, type SliceContext } from './slice.js';

/** The three list panes: hosts (and the generations of the selected one), focus, cursor and filter. */
export class ListsSlice {
  private folderHosts: string[] = [];
  /** the host whose generations the generations pane lists */
  private generationsHost: string | null = null;
  /** per remote host: the look for its kept list, while the console starts */
  private readonly cacheChecks = new Map<string, Promise<void>>();
  /** when each host's list was last read from it */
  private readonly readAtMs = new Map<string, number>();

  constructor(
    private readonly ctx: SliceContext,
    /** the todos the todos pane lists (the todos slice keeps them) */
    private readonly todoItems: () => readonly ParsedTodo[],
    /** a host's list was read: its commits are looked up meanwhile (never awaited) */
    private readonly onListRead: (host: string, list: GenerationList) => void = () => undefined,
  ) {}

  private get state(): AppState {
    return this.ctx.store.get();
  }

  setFolderHosts(names: string[]): void {
    this.folderHosts = names;
  }

  applyHosts(flakeNames: string[] | null): void {
    const hosts = mergeHosts(this.folderHosts, flakeNames, this.ctx.services.hostname);
    const previous = this.selectedHost()?.name ?? this.state.prefs.lastHost;
    this.ctx.store.update((s) => {
      const hits = filterHosts(hosts, s.panes.hosts.filter);
      let cursor = hits.findIndex((h) => h.item.name === previous);
      if (cursor < 0) cursor = Math.max(0, hits.findIndex((h) => h.item.local));
      return { ...s, hosts, panes: { ...s.panes, hosts: clampPane({ ...s.panes.hosts, hits, cursor }, s.layout.lists.hosts) } };
    });
    this.onHostSelected();
  }

  selectedHost(): Host | undefined {
    return selectedHostOf(this.state);
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
    // the host is read at once; a remote host's kept list shows meanwhile
    const fresh = this.ctx.services.readGenerations(host);
    const name = host.name;
    // read again (R, after a switch or a delete): the old list stays until the new one is there
    if (this.state.generations[name]?.status !== 'ok') {
      this.ctx.store.update((s) => ({ ...s, generations: { ...s.generations, [name]: { status: 'loading' } } }));
      this.refreshGenerationHits();
      const cacheCheck = this.showCached(host);
      this.cacheChecks.set(name, cacheCheck);
      await cacheCheck;
    } else if (this.state.cachedLists[name]) {
      this.setCachedNote(name, { refreshing: true, error: null });
    }
    const result = await fresh.catch((e: unknown): GenerationsRead => ({ ok: false, error: messageOf(e) }));
    const shown = this.state.generations[name];
    if (result.ok) {
      this.readAtMs.set(name, this.ctx.now());
      this.ctx.store.update((s) => {
        const { [name]: _done, ...cachedLists } = s.cachedLists;
        return { ...s, generations: { ...s.generations, [name]: { status: 'ok', value: result.list } }, cachedLists };
      });
      this.onListRead(name, result.list);
    } else if (!host.local && shown?.status === 'ok') {
      // an unreachable host keeps the list it showed, with the reason it was not read now
      const savedAtMs = this.state.cachedLists[name]?.savedAtMs ?? this.readAtMs.get(name) ?? this.ctx.now();
      const shownAtMs = this.state.cachedLists[name]?.shownAtMs ?? this.ctx.now();
      this.ctx.store.update((s) => ({ ...s, cachedLists: { ...s.cachedLists, [name]: { savedAtMs, shownAtMs, refreshing: false, error: result.error } } }));
    } else {
      const value: Loadable<GenerationList> = { status: 'error', error: result.error, ...(result.hint ? { hint: result.hint } : {}) };
      this.ctx.store.update((s) => ({ ...s, generations: { ...s.generations, [name]: value } }));
    }
    this.refreshGenerationHits();
  }

  /** Resolves once a remote host's kept list was looked for (and shown when there is one). */
  cacheChecked(name: string): Promise<void> {
    return this.cacheChecks.get(name) ?? Promise.resolve();
  }

  private async showCached(host: Host): Promise<void> {
    const read = this.ctx.services.cachedGenerations;
    if (host.local || !read) return;
    const cached = await read(host).catch(() => null);
    if (!cached || this.state.generations[host.name]?.status !== 'loading') return;
    const note: CachedListNote = { savedAtMs: cached.savedAtMs, shownAtMs: this.ctx.now(), refreshing: true, error: null };
    this.ctx.store.update((s) => ({
      ...s,
      generations: { ...s.generations, [host.name]: { status: 'ok', value: cached.list } },
      cachedLists: { ...s.cachedLists, [host.name]: note },
    }));
    this.onListRead(host.name, cached.list);
    this.refreshGenerationHits();
  }

  private setCachedNote(name: string, patch: Partial<CachedListNote>): void {
    this.ctx.store.update((s) => {
      const note = s.cachedLists[name];
      return note ? { ...s, cachedLists: { ...s.cachedLists, [name]: { ...note, ...patch } } } : s;
    });
  }

  /** Select a host in the Hosts pane by name (the Fleet view's Enter); a filter that hides it is cleared. */
  selectHostNamed(name: string): void {
    this.focus('hosts');
    if (!this.state.panes.hosts.hits.some((h) => h.item.name === name)) this.clearFilter();
    const at = this.state.panes.hosts.hits.findIndex((h) => h.item.name === name);
    if (at >= 0) this.moveTo(at);
  }

  private refreshGenerationHits(): void {
    const host = this.selectedHost();
    const loaded = host ? this.state.generations[host.name] : undefined;
    const list = loaded?.status === 'ok' ? loaded.value.generations : [];
    const sameHost = host !== undefined && host.name === this.generationsHost;
    this.generationsHost = host?.name ?? null;
    this.ctx.store.update((s) => {
      const hits = filterGenerations(list, s.panes.generations.filter);
      const pane = s.panes.generations;
      const sameList = pane.hits.length > 0 && pane.hits[0]?.item === hits[0]?.item;
      if (sameList) return { ...s, panes: { ...s.panes, generations: clampPane({ ...pane, hits }, s.layout.lists.generations) } };
      // the same host read again (after a switch or a delete): the same generation stays selected
      const selected = pane.hits[pane.cursor]?.item.generation;
      const at = sameHost && selected !== undefined ? hits.findIndex((h) => h.item.generation === selected) : -1;
      if (at >= 0) return { ...s, panes: { ...s.panes, generations: clampPane({ ...pane, hits, cursor: at }, s.layout.lists.generations) } };
      // the selected one was deleted: the cursor stays where it was, on its neighbour
      if (sameHost && selected !== undefined && hits.length > 0) return { ...s, panes: { ...s.panes, generations: clampPane({ ...pane, hits }, s.layout.lists.generations) } };
      return { ...s, panes: { ...s.panes, generations: clampPane({ ...pane, hits, cursor: 0, offset: 0 }, s.layout.lists.generations) } };
    });
  }

  // ---- navigation ---------------------------------------------------------------------------

  focus(pane: FocusId): void {
    if (this.state.focus === pane) return;
    this.ctx.store.update((s) => ({
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
    if (isListPane(pane)) this.ctx.services.savePrefs({ lastPane: pane });
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
    const next = clampPane({ ...current, cursor: index }, this.state.layout.lists[pane]);
    if (next.cursor === current.cursor && next.offset === current.offset) return;
    this.setPane(pane, next);
    if (pane === 'hosts') {
      const host = this.selectedHost();
      if (host) this.ctx.services.savePrefs({ lastHost: host.name });
      this.onHostSelected();
    }
  }

  halfPage(direction: 1 | -1): void {
    const pane = this.listFocus();
    if (pane) this.move(direction * Math.max(1, Math.floor(this.state.layout.lists[pane] / 2)));
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
    this.setPane(pane, clampPane({ ...current, filter: text, hits, cursor: 0, offset: 0 }, this.state.layout.lists[pane]));
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
    this.setPane(pane, clampPane({ ...current, filter: '', editing: false, hits, cursor }, this.state.layout.lists[pane]));
    if (pane === 'hosts') this.onHostSelected();
  }

  private hitsFor(pane: PaneId, query: string): ListPane<never>['hits'] {
    if (pane === 'hosts') return filterHosts(this.state.hosts, query) as never[];
    if (pane === 'todos') return filterTodos(this.todoItems(), query) as never[];
    const host = this.selectedHost();
    const loaded = host ? this.state.generations[host.name] : undefined;
    return filterGenerations(loaded?.status === 'ok' ? loaded.value.generations : [], query) as never[];
  }

  private setPane<K extends PaneId>(pane: K, value: AppState['panes'][K]): void {
    this.ctx.store.update((s) => ({ ...s, panes: { ...s.panes, [pane]: value } }));
  }
}
