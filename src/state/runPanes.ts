import { type AppState, type FocusId, type RunPaneState, selectedRunPane } from './appState.js';
import type { RunFeed } from './runFeed.js';
import { type LogWindow, logWindow, matchingLines, scrolledLogTop } from './runLog.js';
import type { RunView } from '../core/runsService.js';
import { notify, type SliceContext } from './slice.js';

/** The run panes: which are open, which has the keys, zoom, and each one's log scroll and search. */
export class RunPanes {
  constructor(
    private readonly ctx: SliceContext,
    private readonly feed: RunFeed,
  ) {}

  private get state(): AppState {
    return this.ctx.store.get();
  }

  /** Open (or select) the pane of a run and follow its updates. */
  openRun(id: string, options: { focus: boolean }): void {
    this.feed.watch(id);
    this.ctx.store.update((s) => {
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
    if (view?.phase === 'running') return notify(this.ctx.store, 'warn', `the ${view.action} on ${view.host} is still running: c cancels it`);
    this.feed.unwatch(pane.id);
    this.ctx.store.update((s) => {
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
    if (n === 0) return notify(this.ctx.store, 'info', 'no run panes open (L lists the runs)');
    this.ctx.store.update((s) => ({
      ...s,
      focus: s.focus === 'todos' ? 'runs' : s.focus,
      runs: { ...s.runs, selected: (s.runs.selected + step + n) % n, bottom: 'runs', searching: false },
    }));
  }

  /** z: the selected run pane fills the body, or not. */
  toggleZoom(): void {
    if (this.state.runs.open.length === 0) return;
    this.ctx.store.update((s) => ({ ...s, focus: 'runs', runs: { ...s.runs, zoomed: !s.runs.zoomed, bottom: 'runs' } }));
  }

  // ---- scrolling and search -------------------------------------------------------------------

  private runGeometry(): { pane: RunPaneState; view: RunView; window: LogWindow } | null {
    const pane = selectedRunPane(this.state);
    const view = pane ? this.state.runs.views[pane.id] : undefined;
    if (!pane || !view) return null;
    return { pane, view, window: logWindow(view, pane, this.logRows()) };
  }

  /** The log rows of the selected run pane, as the layout gives them; paging and n/N use them. */
  private logRows(): number {
    const pane = selectedRunPane(this.state);
    return this.state.layout.runs.panes.find((p) => p.id === pane?.id)?.logRows ?? 1;
  }

  /** j/k, PgUp/PgDn, Ctrl-d/u in a run pane: scroll the log; this stops following it. */
  scrollRun(delta: number): void {
    const g = this.runGeometry();
    if (!g) return;
    this.setRunPane({ ...g.pane, follow: false, top: scrolledLogTop(g.window, delta) });
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
    this.scrollRun(direction * Math.max(1, Math.floor(this.logRows() * fraction)));
  }

  /** /: type a search for the log of the selected run. */
  startSearch(): void {
    if (!selectedRunPane(this.state)) return notify(this.ctx.store, 'info', 'no run pane open: nothing to search');
    this.ctx.store.update((s) => ({ ...s, runs: { ...s.runs, searching: true, searchDraft: '' } }));
  }

  setSearchDraft(text: string): void {
    this.ctx.store.update((s) => ({ ...s, runs: { ...s.runs, searchDraft: text } }));
  }

  /** Enter: search for the draft; shows the newest match above the bottom of the view. */
  submitSearch(): void {
    const query = this.state.runs.searchDraft;
    this.ctx.store.update((s) => ({ ...s, runs: { ...s.runs, searching: false, searchDraft: '' } }));
    const pane = selectedRunPane(this.state);
    if (!pane) return;
    if (query === '') return this.clearSearch();
    this.setRunPane({ ...pane, search: query, match: null, matchIndex: 0, matchCount: 0 });
    this.jumpToMatch(-1, true);
  }

  /** Esc: leave the search line, or forget the search. */
  clearSearch(): void {
    this.ctx.store.update((s) => ({ ...s, runs: { ...s.runs, searching: false, searchDraft: '' } }));
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
    if (pane.search === '') return notify(this.ctx.store, 'info', 'no search yet: / searches the log');
    const lines = view.progress.tail;
    const hits = matchingLines(lines, pane.search).map((i) => i + window.base);
    if (hits.length === 0) {
      this.setRunPane({ ...pane, match: null, matchIndex: 0, matchCount: 0 });
      return notify(this.ctx.store, 'warn', `no match for "${pane.search}" in the last ${lines.length} lines`);
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
    const top = scrolledLogTop(window, target - Math.floor(window.rows / 3) - window.start);
    this.setRunPane({ ...pane, follow: false, top, match: target, matchIndex: hits.indexOf(target) + 1, matchCount: hits.length });
  }

  private setRunPane(next: RunPaneState): void {
    this.ctx.store.update((s) => ({ ...s, runs: { ...s.runs, open: s.runs.open.map((p) => (p.id === next.id ? next : p)) } }));
  }
}

function newRunPane(id: string): RunPaneState {
  return { id, follow: true, top: 0, search: '', match: null, matchIndex: 0, matchCount: 0 };
}

function findLast<T>(items: readonly T[], test: (item: T) => boolean): T | undefined {
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i] as T;
    if (test(item)) return item;
  }
  return undefined;
}
