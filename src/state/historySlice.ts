// The History view (l): the repository's newest commits, each with the hosts whose
// deployed/<host> tag or running generation points at it; `/` filters, Enter shows the commit.
// Also C: `git status --short` and `git diff --stat` in the text view.
import { createFuzzyIndex, type FuzzyHit } from '../core/fuzzy.js';
import type { CommitInfo, DeployedTag } from '../core/repo.js';
import { type AppState, cachedIndex, type ListPane, type Loadable } from './appState.js';
import { clampPane, reduceWindow, type WindowAction } from './listWindow.js';
import { NO_REPOSITORY } from './gitStateSlice.js';
import { messageOf, notify, setState, type SliceContext } from './slice.js';
import type { TextViewSlice } from './textView.js';

/** Commits shown at most. */
export const HISTORY_LIMIT = 200;

export interface HistoryRow {
  commit: CommitInfo;
  /** hosts whose deployed/<host> tag or running generation is this commit, in the hosts' order */
  hosts: string[];
}

export interface HistoryState extends ListPane<HistoryRow> {
  /** the commits with their hosts; null before the view was first opened */
  rows: Loadable<HistoryRow[]> | null;
}

export function emptyHistory(): HistoryState {
  return { rows: null, cursor: 0, offset: 0, filter: '', editing: false, hits: [] };
}

/**
 * `1a2b3c4 2026-11-02 [hq t460] hq: switch 42`: what a row shows, and what `/` searches; the
 * hosts come before the subject so that a long subject never hides them.
 */
export function historyRowText(row: HistoryRow): string {
  return `${row.commit.hash.slice(0, 7)} ${row.commit.date.slice(0, 10)} ${row.hosts.length > 0 ? `[${row.hosts.join(' ')}] ` : ''}${row.commit.subject}`;
}

/** Per full commit hash: the hosts whose deployed tag or running generation's revision is it. */
export function hostsByCommit(state: AppState, tags: readonly DeployedTag[]): Map<string, string[]> {
  const found = new Map<string, Set<string>>();
  const add = (hash: string, host: string): void => {
    const set = found.get(hash) ?? new Set<string>();
    set.add(host);
    found.set(hash, set);
  };
  for (const tag of tags) add(tag.hash, tag.host);
  for (const [host, loaded] of Object.entries(state.generations)) {
    if (loaded.status !== 'ok') continue;
    const running = loaded.value.generations.find((g) => g.running);
    const hash = running ? state.revisions?.[host]?.[running.generation]?.commit?.hash : undefined;
    if (hash) add(hash, host);
  }
  const order = state.hosts.map((h) => h.name);
  const rank = (name: string): number => {
    const at = order.indexOf(name);
    return at < 0 ? order.length : at;
  };
  const out = new Map<string, string[]>();
  for (const [hash, set] of found) out.set(hash, [...set].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b)));
  return out;
}

export function filterHistory(rows: readonly HistoryRow[], query: string): FuzzyHit<HistoryRow>[] {
  return cachedIndex(rows, () => createFuzzyIndex(rows, { get: historyRowText })).search(query);
}

export class HistorySlice {
  private seq = 0;

  constructor(
    private readonly ctx: SliceContext,
    private readonly text: TextViewSlice,
  ) {}

  private get state(): AppState {
    return this.ctx.store.get();
  }

  private setHistory(history: HistoryState): void {
    setState(this.ctx.store, { history });
  }

  /** l: open the view and read the log (the rows read before stay until it answers). */
  open(): void {
    if (!this.ctx.services.repo) return notify(this.ctx.store, 'warn', NO_REPOSITORY);
    setState(this.ctx.store, { overlay: 'history' });
    void this.reload();
  }

  close(): void {
    if (this.state.overlay === 'history') setState(this.ctx.store, { overlay: 'none' });
    if (this.state.history.editing) this.setHistory({ ...this.state.history, editing: false });
  }

  async reload(): Promise<void> {
    const repo = this.ctx.services.repo;
    if (!repo) return;
    const seq = ++this.seq;
    if (this.state.history.rows === null) this.setHistory({ ...this.state.history, rows: { status: 'loading' } });
    let rows: Loadable<HistoryRow[]>;
    try {
      const [log, tags] = await Promise.all([repo.log(HISTORY_LIMIT), repo.deployedTags().catch((): DeployedTag[] => [])]);
      if (log.ok) {
        const hosts = hostsByCommit(this.state, tags);
        rows = { status: 'ok', value: log.value.slice(0, HISTORY_LIMIT).map((commit) => ({ commit, hosts: hosts.get(commit.hash) ?? [] })) };
      } else rows = { status: 'error', error: log.error, ...(log.hint !== undefined ? { hint: log.hint } : {}) };
    } catch (error) {
      rows = { status: 'error', error: messageOf(error) };
    }
    if (this.ctx.disposed() || seq !== this.seq) return;
    this.ctx.store.update((s) => {
      const before = s.history;
      const selected = before.hits[before.cursor]?.item.commit.hash;
      const hits = rows.status === 'ok' ? filterHistory(rows.value, before.filter) : [];
      const at = hits.findIndex((h) => h.item.commit.hash === selected);
      const history = clampPane({ ...before, rows, hits, cursor: at >= 0 ? at : before.cursor }, s.layout.historyRows);
      return { ...s, history };
    });
  }

  move(action: WindowAction): void {
    const h = this.state.history;
    const next = reduceWindow(h, { count: h.hits.length, rows: this.state.layout.historyRows }, action);
    if (next.cursor !== h.cursor || next.offset !== h.offset) this.setHistory({ ...h, ...next });
  }

  /** /: type a filter over hash, subject, date and hosts. */
  startFilter(): void {
    this.setHistory({ ...this.state.history, editing: true });
  }

  setFilter(text: string): void {
    const h = this.state.history;
    const rows = h.rows?.status === 'ok' ? h.rows.value : [];
    this.setHistory(clampPane({ ...h, filter: text, hits: filterHistory(rows, text), cursor: 0, offset: 0 }, this.state.layout.historyRows));
  }

  /** Enter while typing: keep the filter. */
  keepFilter(): void {
    this.setHistory({ ...this.state.history, editing: false });
  }

  /** Esc while typing: clear the filter, the selected commit stays selected. */
  clearFilter(): void {
    const h = this.state.history;
    const selected = h.hits[h.cursor]?.item;
    const rows = h.rows?.status === 'ok' ? h.rows.value : [];
    const hits = filterHistory(rows, '');
    const cursor = Math.max(0, hits.findIndex((x) => x.item === selected));
    this.setHistory(clampPane({ ...h, filter: '', editing: false, hits, cursor }, this.state.layout.historyRows));
  }

  /** Enter: `git show --stat` of the selected commit in the text view. */
  showSelected(): void {
    const repo = this.ctx.services.repo;
    const h = this.state.history;
    const row = h.hits[h.cursor]?.item;
    if (!repo || !row) return notify(this.ctx.store, 'info', 'no commit selected');
    const hash = row.commit.hash;
    this.text.show(`commit ${hash.slice(0, 7)}`, () => repo.showCommit(hash));
  }

  /** C: `git status --short` and `git diff --stat`. */
  showChanges(): void {
    const repo = this.ctx.services.repo;
    if (!repo) return notify(this.ctx.store, 'warn', NO_REPOSITORY);
    this.text.show('changes (git status, git diff --stat)', () => repo.changesText());
  }
}
