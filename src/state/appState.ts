import { createFuzzyIndex, type FuzzyHit, type FuzzyIndex } from '../core/fuzzy.js';
import type { PaneId, Prefs } from '../core/prefsSchema.js';
import type { Generation, GenerationList, Host, ParsedTodo } from '../core/types.js';
import type { TodoSnapshot } from '../system/todoFile.js';

export type Loadable<T> =
  | { status: 'loading' }
  | { status: 'ok'; value: T }
  | { status: 'error'; message: string; hint?: string };

export interface ListPane<T> {
  cursor: number;
  /** first visible row */
  offset: number;
  filter: string;
  /** the filter line has the keyboard */
  editing: boolean;
  hits: FuzzyHit<T>[];
}

export type Overlay = 'none' | 'help' | 'hostsError';

export interface Notice {
  text: string;
  kind: 'info' | 'warn' | 'error';
}

export interface AppState {
  flakeDir: string;
  todoFile: string;
  prefs: Prefs;
  focus: PaneId;
  overlay: Overlay;
  notice: Notice | null;
  /** folder hosts are listed at once; the flake evaluation refines them */
  flakeEval: Loadable<string[]>;
  hosts: Host[];
  /** generation lists per host name */
  generations: Record<string, Loadable<GenerationList>>;
  todos: Loadable<TodoSnapshot>;
  /** visible rows per pane; set by the layout, used for paging */
  viewport: Record<PaneId, number>;
  panes: {
    hosts: ListPane<Host>;
    generations: ListPane<Generation>;
    todos: ListPane<ParsedTodo>;
  };
}

export function emptyPane<T>(): ListPane<T> {
  return { cursor: 0, offset: 0, filter: '', editing: false, hits: [] };
}

/** The text a generation row shows; also what the fuzzy filter searches, so highlights line up. */
export function generationRowText(g: Generation): string {
  const version = g.nixosVersion.split('.').slice(0, 3).join('.');
  return `${String(g.generation).padStart(4)} ${g.date.slice(0, 10)} ${version.padEnd(14).slice(0, 14)} ${g.kernelVersion}`;
}

export function selectedHostOf(state: AppState): Host | undefined {
  const pane = state.panes.hosts;
  return pane.hits[pane.cursor]?.item;
}

const indexCache = new WeakMap<readonly unknown[], FuzzyIndex<unknown>>();

function cachedIndex<T>(items: readonly T[], build: () => FuzzyIndex<T>): FuzzyIndex<T> {
  let index = indexCache.get(items) as FuzzyIndex<T> | undefined;
  if (!index) {
    index = build();
    indexCache.set(items, index as FuzzyIndex<unknown>);
  }
  return index;
}

export function filterHosts(hosts: readonly Host[], query: string): FuzzyHit<Host>[] {
  return cachedIndex(hosts, () => createFuzzyIndex(hosts, { get: (h) => h.name })).search(query);
}

export function filterGenerations(list: readonly Generation[], query: string): FuzzyHit<Generation>[] {
  return cachedIndex(list, () => createFuzzyIndex(list, { get: generationRowText })).search(query);
}

export function filterTodos(todos: readonly ParsedTodo[], query: string): FuzzyHit<ParsedTodo>[] {
  return cachedIndex(todos, () => createFuzzyIndex(todos, { get: (t) => t.text }, { get: (t) => t.section.join(' › ') })).search(query);
}
