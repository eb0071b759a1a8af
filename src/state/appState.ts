import type { ClosureDiff } from '../core/closureDiff.js';
import { createFuzzyIndex, type FuzzyHit, type FuzzyIndex } from '../core/fuzzy.js';
import type { ActivationAction, ActivationChoice } from '../core/generationOps.js';
import type { KeepPolicy, PrunePlan } from '../core/keepPolicy.js';
import { PANES, type PaneId, type Prefs } from '../core/prefsSchema.js';
import type { RebuildAction, RunAction } from '../core/rebuildCommand.js';
import type { Generation, GenerationList, Host, ParsedTodo } from '../core/types.js';
import type { TodoSnapshot } from '../system/todoFile.js';
import type { FleetState } from './fleetSlice.js';
import type { FreedSpace } from '../core/generationService.js';
import type { GroupState } from './group.js';
import type { RemoteAbilities } from './hostRules.js';
import type { ScreenLayout } from './layout.js';
import type { RemotePlan, RunPhase, RunView } from '../core/runsService.js';
import type { TextViewState } from './textView.js';
import type { RevisionsState } from './revisionsSlice.js';
import type { GitHeaderState } from './gitStateSlice.js';
import type { GroupAction } from './group.js';
import type { HistoryState } from './historySlice.js';
import type { InputsState } from './inputsSlice.js';

export type Loadable<T> =
  | { status: 'loading' }
  | { status: 'ok'; value: T }
  | { status: 'error'; error: string; hint?: string };

export interface ListPane<T> {
  cursor: number;
  /** first visible row */
  offset: number;
  filter: string;
  /** the filter line has the keyboard */
  editing: boolean;
  hits: FuzzyHit<T>[];
}

export type Overlay = 'none' | 'help' | 'hostsError' | 'runs' | 'fleet' | 'inputs' | 'history';

/** What can have the keyboard: the three list panes (remembered in prefs) and the run panes. */
export type FocusId = PaneId | 'runs';
export const FOCUS_ORDER: readonly FocusId[] = [...PANES, 'runs'];

export function isListPane(focus: FocusId): focus is PaneId {
  return focus !== 'runs';
}

/** One open run pane: how its log is scrolled and searched. */
export interface RunPaneState {
  id: string;
  /** show the newest lines as they come */
  follow: boolean;
  /** when not following: the absolute number (0-based, over all the run printed) of the first log line shown */
  top: number;
  /** the search given with Enter; '' when none */
  search: string;
  /** absolute line of the current match, null before n/N found one */
  match: number | null;
  /** 1-based position of the current match among the matches, and their count, when last searched */
  matchIndex: number;
  matchCount: number;
}

/** A change to a host's generations waiting for the sudo password. */
export type PendingGenerationOp =
  | { kind: 'activate'; generation: number; action: ActivationAction }
  | { kind: 'delete'; generations: number[] };

/** One choice of the switch confirmation; `already` says why it would change nothing. */
export type { ActivationChoice } from '../core/generationOps.js';

/** A question that has the keyboard until it is answered; every one defaults to No. */
export type Dialog =
  /** `remote`: another host deployed over SSH, and how */
  | { kind: 'confirmRun'; host: string; action: RebuildAction; local: boolean; remote?: RemotePlan }
  /** s/B/t with hosts marked: one question for all of them; `skipped` could not be reached */
  | { kind: 'confirmGroup'; action: GroupAction; hosts: string[]; parallel: number; confirmTimeout: number | null; skipped: { host: string; error: string }[]; title?: string }
  /**
   * The typed password itself is not in the state, only how many characters it has. `error`: the
   * last one was refused. `group`: asked for a host of the marked group before it starts.
   */
  | { kind: 'password'; host: string; action: RebuildAction; local: boolean; length: number; error?: string; group?: boolean }
  | { kind: 'confirmCancel'; runId: string; host: string; action: RunAction }
  | { kind: 'confirmQuit'; running: { host: string; action: RunAction }[] }
  /** switch now / boot next time / test / No, for a generation (the diff stays above it) */
  | { kind: 'confirmActivate'; host: string; target: Generation; running: Generation | null; choices: ActivationChoice[] }
  /** y/N to delete generations (the prune preview stays above it) */
  | { kind: 'confirmDelete'; host: string; generations: number[]; profile: string }
  /** K: keep the newest N and/or those newer than D days */
  | { kind: 'keepPolicy'; host: string; field: 'last' | 'days'; last: string; days: string; error: string | null }
  /** the sudo password for a change to generations */
  | { kind: 'opPassword'; host: string; op: PendingGenerationOp; length: number; error?: string }
  /** after a deploy that succeeded: commit the repository's changes with this message (edited in place)? Esc: no */
  | { kind: 'commit'; hosts: string[]; action: RebuildAction; message: string; files: string[] };

export function isPasswordDialog(dialog: Dialog | null): dialog is Extract<Dialog, { kind: 'password' | 'opPassword' }> {
  return dialog?.kind === 'password' || dialog?.kind === 'opPassword';
}

/** One side of a diff: a generation of the profile, or the running system when it is in none. */
export interface DiffSide {
  generation: Generation | null;
  storePath: string;
}

/** A view over the body: the closure diff of two systems, or what a prune deletes and keeps. */
export type GenerationView =
  | {
      kind: 'diff';
      /** switch: Enter goes on to the confirmation; compare: only for reading */
      purpose: 'switch' | 'compare';
      host: string;
      from: DiffSide;
      to: DiffSide;
      diff: Loadable<ClosureDiff>;
      /** closure sizes of both sides, when nix knew them */
      sizes: { from: number; to: number } | null;
      /** first body line shown */
      scroll: number;
    }
  | {
      kind: 'prune';
      host: string;
      policy: KeepPolicy;
      plan: PrunePlan;
      /** the generations the plan was made from */
      generations: Generation[];
      /** closure size per deleted generation number; null while loading or unknown */
      sizes: Loadable<Record<number, number>>;
      freed: Loadable<FreedSpace>;
      scroll: number;
    };

/** Per host: the generation marked for comparison (m) and those marked for deletion (Space). */
export interface GenerationMarks {
  compare: number | null;
  remove: number[];
}

export interface HostRunState {
  phase: RunPhase;
  action: RunAction;
}

export interface RunsState {
  /** a runs service was given */
  available: boolean;
  /** the latest view of every known run */
  views: Record<string, RunView>;
  /** every known run id, newest first (recent ones at start, then started ones) */
  known: string[];
  /** the open run panes, in the order they were opened */
  open: RunPaneState[];
  /** index into open of the pane keys go to */
  selected: number;
  /** the selected run pane fills the body */
  zoomed: boolean;
  /** what the bottom area shows: the todos or the run panes */
  bottom: 'todos' | 'runs';
  /** the log search line has the keyboard */
  searching: boolean;
  searchDraft: string;
  /** cursor of the run list overlay (L), into known */
  listCursor: number;
  /** each host's run to show next to it: the running one, else the newest */
  byHost: Record<string, HostRunState>;
  /** the clock elapsed times are shown against */
  nowMs: number;
  /** runs stop and are removed with their logs when the console quits (the demo's); else they go on */
  endWithConsole: boolean;
}

export function emptyRuns(available: boolean, nowMs: number, endWithConsole = false): RunsState {
  return {
    available,
    endWithConsole,
    views: {},
    known: [],
    open: [],
    selected: 0,
    zoomed: false,
    bottom: 'todos',
    searching: false,
    searchDraft: '',
    listCursor: 0,
    byHost: {},
    nowMs,
  };
}

export function selectedRunPane(state: AppState): RunPaneState | undefined {
  return state.runs.open[state.runs.selected];
}

export function selectedRunView(state: AppState): RunView | undefined {
  const pane = selectedRunPane(state);
  return pane ? state.runs.views[pane.id] : undefined;
}

export function runningViews(state: AppState): RunView[] {
  return Object.values(state.runs.views).filter((v) => v.phase === 'running');
}

/** Per host: the run going on it, else its newest run. */
export function runsByHost(views: Record<string, RunView>): Record<string, HostRunState> {
  const best: Record<string, RunView> = {};
  for (const view of Object.values(views)) {
    const current = best[view.host];
    const better =
      current === undefined ||
      (view.phase === 'running' && current.phase !== 'running') ||
      ((view.phase === 'running') === (current.phase === 'running') && view.startedAtMs > current.startedAtMs);
    if (better) best[view.host] = view;
  }
  const out: Record<string, HostRunState> = {};
  for (const [host, view] of Object.entries(best)) out[host] = { phase: view.phase, action: view.action };
  return out;
}

export interface Notice {
  text: string;
  kind: 'info' | 'warn' | 'error';
  /** the key that could not act, when the notice says why (shown before the text) */
  key?: string;
}

/** A host's generation list shown from the cache (the last list read from it) until it is read again. */
export interface CachedListNote {
  /** when the list was read from the host */
  savedAtMs: number;
  /** when it was shown: its age is counted to here */
  shownAtMs: number;
  /** the host is being read now */
  refreshing: boolean;
  /** why the host could not be read now (one line); null while reading */
  error: string | null;
}

export interface AppState {
  /** this machine's host name */
  hostname: string;
  /** the screen: the terminal's size (Controller.resize), every box and the rows each list shows */
  layout: ScreenLayout;
  flakeDir: string;
  /** the user's home folder, for showing paths as `~/…`; '' when unknown */
  home: string;
  todoFile: string;
  prefs: Prefs;
  focus: FocusId;
  overlay: Overlay;
  /** the help overlay: its first line shown (its rows are in the layout) */
  help: { scroll: number };
  /** a question waiting for y/N, or the password field */
  dialog: Dialog | null;
  notice: Notice | null;
  /** folder hosts are listed at once; the flake evaluation refines them */
  flakeEval: Loadable<string[]>;
  hosts: Host[];
  /** generation lists per host name */
  generations: Record<string, Loadable<GenerationList>>;
  /** per host whose list shown is the one kept from an earlier read: how old it is, and why it was not read now */
  cachedLists: Record<string, CachedListNote>;
  /** the Fleet view (F): one status row per host */
  fleet: FleetState;
  todos: Loadable<TodoSnapshot>;
  panes: {
    hosts: ListPane<Host>;
    generations: ListPane<Generation>;
    todos: ListPane<ParsedTodo>;
  };
  runs: RunsState;
  /** a diff or a prune preview over the body, or null */
  genView: GenerationView | null;
  /** a read-only text over everything but a question (git status, git show): Esc closes it */
  textView: TextViewState | null;
  /** per host, per generation number: the commit that built it (filled in after the list shows) */
  revisions: RevisionsState;
  /** a RepoService was given (the flake's repository can be read) */
  repoAvailable: boolean;
  /** marks per host name */
  marks: Record<string, GenerationMarks>;
  /** generation changes are available (a GenerationOps service was given) */
  genOpsAvailable: boolean;
  /** what the services can do to hosts that are not this machine (deploy, change generations) */
  remote: RemoteAbilities;
  /** hosts marked (Space in the Hosts pane) to be deployed together, in the hosts' order */
  markedHosts: string[];
  /** the last deploy of the marked hosts: one row per host in the runs list (L) */
  group: GroupState | null;
  /** the terminal shows colours; without them filter matches are marked with brackets */
  color: boolean;
  /** the flake repository's branch, upstream and changed files, for the header */
  git: GitHeaderState;
  /** the Inputs view (I): flake.lock's inputs and the last update */
  inputs: InputsState;
  /** the History view (l): the newest commits and the hosts on them */
  history: HistoryState;
}

export const NO_MARKS: GenerationMarks = { compare: null, remove: [] };

export function marksOf(state: AppState, host: string): GenerationMarks {
  return state.marks[host] ?? NO_MARKS;
}

export function emptyPane<T>(): ListPane<T> {
  return { cursor: 0, offset: 0, filter: '', editing: false, hits: [] };
}

/** The text a generation row shows; also what the fuzzy filter searches, so highlights line up. */
export function generationRowText(g: Generation): string {
  const version = g.nixosVersion.split('.').slice(0, 3).join('.');
  return `${String(g.generation).padStart(4)} ${g.date.slice(0, 10)} ${version.padEnd(14).slice(0, 14)} ${g.kernelVersion}`;
}

/** The list pane that has the keyboard, or null when the run panes have it. */
export function focusedList(state: AppState): ListPane<unknown> | null {
  return isListPane(state.focus) ? state.panes[state.focus] : null;
}

export function selectedHostOf(state: AppState): Host | undefined {
  const pane = state.panes.hosts;
  return pane.hits[pane.cursor]?.item;
}

const indexCache = new WeakMap<readonly unknown[], FuzzyIndex<unknown>>();

/** The fuzzy index of a list, built once per list (a list is replaced, never changed, when it is read again). */
export function cachedIndex<T>(items: readonly T[], build: () => FuzzyIndex<T>): FuzzyIndex<T> {
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
  return cachedIndex(todos, () => createFuzzyIndex(todos, { get: (t) => t.text }, { get: (t) => t.section })).search(query);
}
