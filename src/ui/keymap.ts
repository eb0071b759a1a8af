import type { Key } from 'ink';
import type { RebuildAction } from '../core/rebuildCommand.js';
import type { GenerationList, Host } from '../core/types.js';
import { type AppState, type FocusId, type Loadable, selectedHostOf } from '../state/appState.js';
import { generationChangeRefusal, runRefusal } from '../state/hostRules.js';

export type CommandId =
  | 'quit'
  | 'help'
  | 'escape'
  | 'focusNext'
  | 'focusHosts'
  | 'focusGenerations'
  | 'focusTodos'
  | 'focusRuns'
  | 'cycleRun'
  | 'move'
  | 'ends'
  | 'halfPage'
  | 'page'
  | 'filter'
  | 'toggleTodo'
  | 'hideDone'
  | 'runBuild'
  | 'runDryBuild'
  | 'runTest'
  | 'runSwitch'
  | 'runBoot'
  | 'runDryActivate'
  | 'listRuns'
  | 'searchLog'
  | 'nextMatch'
  | 'zoom'
  | 'closeRun'
  | 'cancelRun'
  | 'switchGeneration'
  | 'rollback'
  | 'markCompare'
  | 'diffGenerations'
  | 'markDelete'
  | 'deleteMarked'
  | 'keepPolicy'
  | 'pinGeneration'
  | 'refresh'
  | 'flakeError';

export type Group = 'Move' | 'Panes' | 'Filter' | 'Todos' | 'Runs' | 'Run pane' | 'Generations' | 'General';

export interface Binding {
  command: CommandId;
  /** how the keys are written in the help and the status bar */
  keys: string;
  description: string;
  group: Group;
  /** only in these panes; all panes when absent */
  panes?: readonly FocusId[];
  /** short word for the status bar; not shown there when absent */
  hint?: string;
  /** the keys as the status bar writes them (default: keys) */
  hintKeys?: string;
  /** the status bar shows the hint only in these panes (default: wherever the binding applies) */
  hintPanes?: readonly FocusId[];
  match(input: string, key: Key): boolean;
  /** why the command cannot act now (the status bar says it, nothing runs), or null when it can */
  disabledReason?(ctx: KeyContext): string | null;
}

/** What the bindings' rules look at: taken from the state when a key arrives. */
export interface KeyContext {
  /** this machine's host name */
  hostname: string;
  host: Host | undefined;
  runsAvailable: boolean;
  genOpsAvailable: boolean;
  /** the selected host's generations, as the generations pane has them */
  generations: Loadable<GenerationList> | undefined;
  /** a generation is under the cursor of the generations pane */
  generationSelected: boolean;
}

export function keyContext(state: AppState): KeyContext {
  const host = selectedHostOf(state);
  const pane = state.panes.generations;
  return {
    hostname: state.hostname,
    host,
    runsAvailable: state.runs.available,
    genOpsAvailable: state.genOpsAvailable,
    generations: host ? state.generations[host.name] : undefined,
    generationSelected: pane.hits[pane.cursor] !== undefined,
  };
}

/** The rule of a run key: a host, the runs service, and (to activate) this machine. */
const runRule =
  (action: RebuildAction) =>
  (ctx: KeyContext): string | null => {
    if (!ctx.host) return 'no host selected';
    if (!ctx.runsAvailable) return 'rebuild runs are not available in this console';
    return runRefusal(ctx.host, action, ctx.hostname);
  };

interface GenerationNeeds {
  /** the generation operations service (not for pins: they are preferences) */
  ops: boolean;
  /** a generation under the cursor */
  selected: boolean;
  /** switches to or deletes generations: this machine only */
  change: boolean;
}

/** The rule of a generation key: the pane shows a list of the selected host, and what else the key needs. */
const generationRule =
  (needs: GenerationNeeds) =>
  (ctx: KeyContext): string | null => {
    if (needs.ops && !ctx.genOpsAvailable) return 'changing generations is not available in this console';
    const host = ctx.host;
    if (!host) return 'no host selected';
    const list = ctx.generations;
    if (list?.status === 'error') return list.message;
    if (list?.status !== 'ok') return `the generations of ${host.name} are still being read`;
    if (needs.selected && !ctx.generationSelected) return `no generation of ${host.name} selected`;
    return needs.change ? generationChangeRefusal(host, ctx.hostname) : null;
  };

const CHANGE_SELECTED = generationRule({ ops: true, selected: true, change: true });
const CHANGE_ANY = generationRule({ ops: true, selected: false, change: true });
const READ_SELECTED = generationRule({ ops: true, selected: true, change: false });

const ch = (c: string) => (input: string, key: Key) => input === c && !key.ctrl && !key.meta;
const ctrl = (c: string) => (input: string, key: Key) => key.ctrl && input === c;

/** Where the run keys apply: the panes that show the selected host. */
const HOST_PANES: readonly FocusId[] = ['hosts', 'generations'];
const LIST_PANES: readonly FocusId[] = ['hosts', 'generations', 'todos'];
const RUN_PANES: readonly FocusId[] = ['runs'];
const GENERATION_PANE: readonly FocusId[] = ['generations'];

/** The rebuild action each run command starts. */
export const RUN_ACTIONS: Partial<Record<CommandId, RebuildAction>> = {
  runBuild: 'build',
  runDryBuild: 'dry-build',
  runTest: 'test',
  runSwitch: 'switch',
  runBoot: 'boot',
  runDryActivate: 'dry-activate',
};

/**
 * The one keymap: every binding the console has, in the order the help lists them. The first
 * binding that applies to the focused pane wins. Keys fit the help's 10-cell key column.
 */
export const KEYMAP: readonly Binding[] = [
  { command: 'move', keys: 'j k ↓ ↑', description: 'move down / up', group: 'Move', hint: 'move', hintKeys: 'j/k', match: (i, k) => k.downArrow || k.upArrow || ch('j')(i, k) || ch('k')(i, k) },
  { command: 'ends', keys: 'g G', description: 'top / bottom', group: 'Move', match: (i, k) => k.home || k.end || ch('g')(i, k) || ch('G')(i, k) },
  { command: 'halfPage', keys: 'Ctrl-d/u', description: 'half page dn/up', group: 'Move', match: (i, k) => ctrl('d')(i, k) || ctrl('u')(i, k) },
  { command: 'page', keys: 'PgDn PgUp', description: 'page down / up', group: 'Move', match: (_i, k) => k.pageDown || k.pageUp },
  { command: 'focusNext', keys: 'Tab S-Tab', description: 'next / prev pane', group: 'Panes', hint: 'pane', hintKeys: 'Tab', hintPanes: LIST_PANES, match: (_i, k) => k.tab },
  { command: 'focusHosts', keys: '1', description: 'hosts pane', group: 'Panes', match: ch('1') },
  { command: 'focusGenerations', keys: '2', description: 'generations pane', group: 'Panes', match: ch('2') },
  { command: 'focusTodos', keys: '3', description: 'todos pane', group: 'Panes', match: ch('3') },
  { command: 'focusRuns', keys: '4', description: 'run panes', group: 'Panes', match: ch('4') },
  { command: 'cycleRun', keys: '[ ]', description: 'prev / next run', group: 'Panes', hint: 'run', hintPanes: RUN_PANES, match: (i, k) => ch('[')(i, k) || ch(']')(i, k) },
  { command: 'filter', keys: '/', description: 'fuzzy filter', group: 'Filter', hint: 'filter', panes: LIST_PANES, match: ch('/') },
  { command: 'toggleTodo', keys: 'Space', description: 'tick / untick', group: 'Todos', panes: ['todos'], hint: 'tick', match: (i, k) => i === ' ' && !k.ctrl },
  { command: 'hideDone', keys: 'H', description: 'hide ticked', group: 'Todos', panes: ['todos'], hint: 'hide done', match: ch('H') },
  { command: 'runBuild', keys: 'b', description: 'build', group: 'Runs', panes: HOST_PANES, match: ch('b'), disabledReason: runRule('build') },
  { command: 'runDryBuild', keys: 'D', description: 'dry-build', group: 'Runs', panes: HOST_PANES, match: ch('D'), disabledReason: runRule('dry-build') },
  { command: 'runTest', keys: 't', description: 'test (asks)', group: 'Runs', panes: HOST_PANES, match: ch('t'), disabledReason: runRule('test') },
  { command: 'runSwitch', keys: 's', description: 'switch (asks)', group: 'Runs', panes: HOST_PANES, match: ch('s'), disabledReason: runRule('switch') },
  { command: 'runBoot', keys: 'B', description: 'boot (asks)', group: 'Runs', panes: HOST_PANES, match: ch('B'), disabledReason: runRule('boot') },
  { command: 'runDryActivate', keys: 'A', description: 'dry-activate (asks)', group: 'Runs', panes: HOST_PANES, match: ch('A'), disabledReason: runRule('dry-activate') },
  { command: 'listRuns', keys: 'L', description: 'list / reopen runs', group: 'Runs', match: ch('L') },
  { command: 'searchLog', keys: '/', description: 'search the log', group: 'Run pane', panes: RUN_PANES, hint: 'search', match: ch('/') },
  { command: 'nextMatch', keys: 'n N', description: 'next / prev match', group: 'Run pane', panes: RUN_PANES, match: (i, k) => ch('n')(i, k) || ch('N')(i, k) },
  { command: 'zoom', keys: 'z', description: 'zoom / unzoom', group: 'Run pane', panes: RUN_PANES, hint: 'zoom', match: ch('z') },
  { command: 'closeRun', keys: 'x', description: 'close if finished', group: 'Run pane', panes: RUN_PANES, hint: 'close', match: ch('x') },
  { command: 'cancelRun', keys: 'c Ctrl-c', description: 'cancel run (asks)', group: 'Run pane', panes: RUN_PANES, hint: 'cancel', hintKeys: 'c', match: (i, k) => ch('c')(i, k) || ctrl('c')(i, k) },
  { command: 'switchGeneration', keys: 'Enter', description: 'switch to it', group: 'Generations', panes: GENERATION_PANE, hint: 'switch', match: (_i, k) => k.return, disabledReason: CHANGE_SELECTED },
  { command: 'rollback', keys: 'r', description: 'roll back', group: 'Generations', panes: HOST_PANES, match: ch('r'), disabledReason: CHANGE_ANY },
  { command: 'markCompare', keys: 'm', description: 'mark to diff', group: 'Generations', panes: GENERATION_PANE, match: ch('m'), disabledReason: READ_SELECTED },
  { command: 'diffGenerations', keys: 'd', description: 'diff vs mark', group: 'Generations', panes: GENERATION_PANE, match: ch('d'), disabledReason: READ_SELECTED },
  { command: 'markDelete', keys: 'Space', description: 'mark delete', group: 'Generations', panes: GENERATION_PANE, hint: 'mark', match: (i, k) => i === ' ' && !k.ctrl, disabledReason: CHANGE_SELECTED },
  { command: 'deleteMarked', keys: 'X', description: 'delete marked', group: 'Generations', panes: GENERATION_PANE, match: ch('X'), disabledReason: CHANGE_ANY },
  { command: 'keepPolicy', keys: 'K', description: 'keep policy', group: 'Generations', panes: GENERATION_PANE, match: ch('K'), disabledReason: CHANGE_ANY },
  { command: 'pinGeneration', keys: 'P', description: 'pin / unpin', group: 'Generations', panes: GENERATION_PANE, match: ch('P'), disabledReason: generationRule({ ops: false, selected: true, change: false }) },
  { command: 'refresh', keys: 'R', description: 'reload lists', group: 'General', match: ch('R') },
  { command: 'flakeError', keys: 'e', description: 'flake error', group: 'General', match: ch('e') },
  { command: 'escape', keys: 'Esc', description: 'close / clear', group: 'General', match: (_i, k) => k.escape },
  { command: 'help', keys: '?', description: 'this help', group: 'General', hint: 'help', match: ch('?') },
  { command: 'quit', keys: 'q Ctrl-c', description: 'quit', group: 'General', hint: 'quit', hintKeys: 'q', match: (i, k) => ch('q')(i, k) || ctrl('c')(i, k) },
];

const applies = (b: Binding, pane: FocusId): boolean => !b.panes || b.panes.includes(pane);

export function findBinding(input: string, key: Key, pane: FocusId): Binding | undefined {
  return KEYMAP.find((b) => applies(b, pane) && b.match(input, key));
}

export interface HintContext {
  flakeError: boolean;
  /** in the run panes: whether the selected run is going, and how many panes are open */
  runGoing?: boolean;
  openRuns?: number;
}

/** Bindings worth a word in the status bar for this pane, in keymap order. */
export function statusHints(pane: FocusId, extra: HintContext): { keys: string; hint: string }[] {
  const hints = KEYMAP.filter((b) => {
    if (!b.hint || !applies(b, pane) || (b.hintPanes && !b.hintPanes.includes(pane))) return false;
    if (b.command === 'cancelRun') return extra.runGoing === true;
    if (b.command === 'closeRun') return extra.runGoing === false;
    if (b.command === 'cycleRun') return (extra.openRuns ?? 0) > 1;
    if (b.command === 'zoom' || b.command === 'searchLog') return (extra.openRuns ?? 0) > 0;
    return true;
  }).map((b) => ({
    keys: b.hintKeys ?? b.keys,
    hint: b.command === 'move' && pane === 'runs' ? 'scroll' : (b.hint ?? ''),
  }));
  if (extra.flakeError) hints.splice(hints.length - 2, 0, { keys: 'e', hint: 'flake error' });
  return hints;
}

/**
 * One character of keys that arrived together ("5\r" typed fast, or pasted): Enter, Tab and
 * Backspace inside such a chunk are those keys, not text.
 */
export function keyOfTyped(part: string, key: Key): Key {
  if (part === '\r' || part === '\n') return { ...key, return: true };
  if (part === '\t') return { ...key, tab: true };
  if (part === '\x7f' || part === '\b') return { ...key, backspace: true };
  return key;
}

/** Plain keys typed quickly arrive as one string ("jjj"); split them so each moves once. */
export function splitTyped(input: string, key: Key): string[] {
  if (input.length <= 1 || key.ctrl || key.meta) return [input];
  return [...input];
}
