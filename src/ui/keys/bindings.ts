import { generationRule, type KeyContext, runRule } from './context.js';
import { type KeyMatcher, type KeyName, keyNameLabel, matcherOf } from './matchers.js';
import { LIST_SCOPES, PANE_SCOPES, type Scope } from './scopes.js';
import { NO_REPOSITORY } from '../../state/gitStateSlice.js';

export type CommandId =
  | 'quit'
  | 'quitNow'
  | 'help'
  | 'escape'
  | 'focusNext'
  | 'focusPrev'
  | 'focusHosts'
  | 'focusGenerations'
  | 'focusTodos'
  | 'focusRuns'
  | 'prevRun'
  | 'nextRun'
  | 'moveDown'
  | 'moveUp'
  | 'top'
  | 'bottom'
  | 'halfPageDown'
  | 'halfPageUp'
  | 'pageDown'
  | 'pageUp'
  | 'filter'
  | 'toggleTodo'
  | 'hideDone'
  | 'markHost'
  | 'markAllHosts'
  | 'runBuild'
  | 'runDryBuild'
  | 'runTest'
  | 'runSwitch'
  | 'runBoot'
  | 'runDryActivate'
  | 'listRuns'
  | 'searchLog'
  | 'nextMatch'
  | 'prevMatch'
  | 'zoom'
  | 'closeRun'
  | 'cancelRun'
  | 'cancelRunOrQuit'
  | 'switchGeneration'
  | 'rollback'
  | 'markCompare'
  | 'diffGenerations'
  | 'markDelete'
  | 'deleteMarked'
  | 'keepPolicy'
  | 'pinGeneration'
  | 'showGenerationCommit'
  | 'refresh'
  | 'flakeError'
  | 'openFleet'
  | 'fleetChoose'
  | 'fleetRefresh'
  | 'confirm'
  | 'decline'
  | 'chooseSwitch'
  | 'chooseBoot'
  | 'chooseTest'
  | 'continueToConfirm'
  | 'closeView'
  | 'openRun'
  | 'closeOverlay'
  | 'closeText'
  | 'openInputs'
  | 'openHistory'
  | 'showChanges'
  | 'inputsMark'
  | 'inputsFold'
  | 'inputsUpdate'
  | 'inputsShowUpdate'
  | 'closeInputs'
  | 'updateBuild'
  | 'updateDeploy'
  | 'updateRevert'
  | 'updateBack'
  | 'historyShow'
  | 'historyFilter'
  | 'historyRefresh'
  | 'closeHistory'
  | 'nextField'
  | 'submit'
  | 'erase'
  | 'cancel'
  | 'commitSubmit'
  | 'commitErase'
  | 'commitClear'
  | 'commitCancel';

export type Group = 'Move' | 'Panes' | 'Filter' | 'Todos' | 'Runs' | 'Run pane' | 'Generations' | 'General' | 'Questions' | 'Views' | 'Typing' | 'Repository';

export interface BindingSpec {
  command: CommandId;
  /** the keys, by name (see matchers.ts); the matcher is built from them */
  keys: readonly KeyName[];
  /** how the help writes the keys when not all of them fit its 10-cell key column */
  label?: string;
  description: string;
  group: Group;
  /** the scopes where the binding acts */
  scopes: readonly Scope[];
  /** short word for the status bar, everywhere or per scope; not shown there when absent */
  hint?: string | Partial<Record<Scope, string>>;
  /** the keys as the status bar writes them (default: the label) */
  hintKeys?: string;
  /** the status bar shows the hint only when this holds */
  hintWhen?(ctx: KeyContext): boolean;
  /** the command leaves the status bar's message alone (it decides itself) */
  keepsNotice?: boolean;
  /** why the command cannot act now (the status bar says it, nothing runs), or null when it can */
  disabledReason?(ctx: KeyContext): string | null;
}

export interface Binding extends BindingSpec {
  match: KeyMatcher;
}

const REPO_RULE = (ctx: KeyContext): string | null => (ctx.repoAvailable ? null : NO_REPOSITORY);
/** history and changes need a git repository; the Inputs view only flake.lock */
const GIT_RULE = (ctx: KeyContext): string | null => REPO_RULE(ctx) ?? (ctx.gitRepository === false ? 'the flake folder is not in a git repository' : null);
const CHANGE_SELECTED = generationRule({ ops: true, selected: true, change: true });
const CHANGE_ANY = generationRule({ ops: true, selected: false, change: true });
const READ_SELECTED = generationRule({ ops: true, selected: true, change: false });
const READ_ONLY_SELECTED = generationRule({ ops: false, selected: true, change: false });

/** The run keys act on the selected host: the panes that show it. */
const HOST: readonly Scope[] = ['hosts', 'generations'];
const GENS: readonly Scope[] = ['generations'];
const RUNS: readonly Scope[] = ['runs'];
const QUESTIONS_WITH_VIEW: readonly Scope[] = ['confirmActivate', 'confirmDelete'];
const VIEWS: readonly Scope[] = ['view', 'switchDiff'];
/** j/k, g/G and pages move or scroll in all of these */
const SCROLLED: readonly Scope[] = [...PANE_SCOPES, ...VIEWS, ...QUESTIONS_WITH_VIEW, 'text'];
const PASSWORDS: readonly Scope[] = ['password', 'opPassword'];
const TYPED: readonly Scope[] = ['filter', 'search', ...PASSWORDS, 'keepPolicy', 'historyFilter'];
/** the Inputs and History views move a cursor like the Fleet view */
const REPO_LISTS: readonly Scope[] = ['inputs', 'history'];
const MOVE_HINT = { hosts: 'move', generations: 'move', todos: 'move', runsList: 'move', fleet: 'move', runs: 'scroll', view: 'scroll', switchDiff: 'scroll', text: 'scroll', inputs: 'move', history: 'move' };
const PANE_HINT = { hosts: 'pane', generations: 'pane', todos: 'pane' };

/**
 * The one keymap: every binding of every scope. The status bar lists a scope's hints in this
 * order; the help lists the bindings by group, in this order within a group.
 */
const SPECS: readonly BindingSpec[] = [
  { command: 'moveDown', keys: ['j', 'down'], description: 'down', group: 'Move', scopes: [...PANE_SCOPES, ...VIEWS, 'help', 'runsList', 'fleet', 'text', ...REPO_LISTS], hint: MOVE_HINT, hintKeys: 'j/k' },
  { command: 'moveUp', keys: ['k', 'up'], description: 'up', group: 'Move', scopes: [...SCROLLED, 'help', 'runsList', 'fleet', ...REPO_LISTS] },
  { command: 'top', keys: ['g', 'home'], description: 'top', group: 'Move', scopes: [...SCROLLED, 'help', 'runsList', 'fleet', ...REPO_LISTS] },
  { command: 'bottom', keys: ['G', 'end'], description: 'bottom / follow', group: 'Move', scopes: [...SCROLLED, 'help', 'runsList', 'fleet', ...REPO_LISTS] },
  { command: 'halfPageDown', keys: ['ctrl-d'], description: 'half page down', group: 'Move', scopes: [...SCROLLED, ...REPO_LISTS] },
  { command: 'halfPageUp', keys: ['ctrl-u'], description: 'half page up', group: 'Move', scopes: [...SCROLLED, ...REPO_LISTS] },
  { command: 'pageDown', keys: ['pageDown'], description: 'page down', group: 'Move', scopes: [...SCROLLED, 'help', 'fleet', ...REPO_LISTS] },
  { command: 'pageUp', keys: ['pageUp'], description: 'page up', group: 'Move', scopes: [...SCROLLED, 'help', 'fleet', ...REPO_LISTS] },
  { command: 'focusNext', keys: ['tab'], description: 'next pane', group: 'Panes', scopes: PANE_SCOPES, hint: PANE_HINT },
  { command: 'focusPrev', keys: ['shift-tab'], description: 'previous pane', group: 'Panes', scopes: PANE_SCOPES },
  { command: 'focusHosts', keys: ['1'], description: 'hosts pane', group: 'Panes', scopes: PANE_SCOPES },
  { command: 'focusGenerations', keys: ['2'], description: 'generations pane', group: 'Panes', scopes: PANE_SCOPES },
  { command: 'focusTodos', keys: ['3'], description: 'todos pane', group: 'Panes', scopes: PANE_SCOPES },
  { command: 'focusRuns', keys: ['4'], description: 'run panes', group: 'Panes', scopes: PANE_SCOPES },
  { command: 'prevRun', keys: ['['], description: 'previous run', group: 'Panes', scopes: PANE_SCOPES, hint: { runs: 'run' }, hintKeys: '[ ]', hintWhen: (ctx) => ctx.openRuns > 1 },
  { command: 'nextRun', keys: [']'], description: 'next run', group: 'Panes', scopes: PANE_SCOPES },
  { command: 'filter', keys: ['/'], description: 'fuzzy filter', group: 'Filter', scopes: LIST_SCOPES, hint: 'filter' },
  { command: 'toggleTodo', keys: ['space'], description: 'tick / untick', group: 'Todos', scopes: ['todos'], hint: 'tick' },
  { command: 'hideDone', keys: ['H'], description: 'hide ticked', group: 'Todos', scopes: ['todos'], hint: 'hide done' },
  { command: 'markHost', keys: ['space'], description: 'mark host', group: 'Runs', scopes: ['hosts'], hint: 'mark', hintWhen: (ctx) => ctx.markedHosts > 0 },
  { command: 'markAllHosts', keys: ['a'], description: 'mark all / none', group: 'Runs', scopes: ['hosts'] },
  { command: 'runBuild', keys: ['b'], description: 'build', group: 'Runs', scopes: HOST, disabledReason: runRule('build') },
  { command: 'runDryBuild', keys: ['D'], description: 'dry-build', group: 'Runs', scopes: HOST, disabledReason: runRule('dry-build') },
  { command: 'runTest', keys: ['t'], description: 'test (asks)', group: 'Runs', scopes: HOST, disabledReason: runRule('test') },
  { command: 'runSwitch', keys: ['s'], description: 'switch (asks)', group: 'Runs', scopes: HOST, disabledReason: runRule('switch') },
  { command: 'runBoot', keys: ['B'], description: 'boot (asks)', group: 'Runs', scopes: HOST, disabledReason: runRule('boot') },
  { command: 'runDryActivate', keys: ['A'], description: 'dry-activate (asks)', group: 'Runs', scopes: HOST, disabledReason: runRule('dry-activate') },
  { command: 'listRuns', keys: ['L'], description: 'list / reopen runs', group: 'Runs', scopes: PANE_SCOPES },
  { command: 'searchLog', keys: ['/'], description: 'search the log', group: 'Run pane', scopes: RUNS, hint: 'search', hintWhen: (ctx) => ctx.openRuns > 0 },
  { command: 'zoom', keys: ['z'], description: 'zoom / unzoom', group: 'Run pane', scopes: RUNS, hint: 'zoom', hintWhen: (ctx) => ctx.openRuns > 0 },
  { command: 'closeRun', keys: ['x'], description: 'close if finished', group: 'Run pane', scopes: RUNS, hint: 'close', hintWhen: (ctx) => ctx.runGoing === false },
  { command: 'cancelRun', keys: ['c'], description: 'cancel run (asks)', group: 'Run pane', scopes: RUNS, hint: 'cancel', hintWhen: (ctx) => ctx.runGoing === true },
  { command: 'cancelRunOrQuit', keys: ['ctrl-c'], description: 'cancel, else quit', group: 'Run pane', scopes: RUNS },
  { command: 'switchGeneration', keys: ['return'], description: 'switch to it', group: 'Generations', scopes: GENS, hint: 'switch', disabledReason: CHANGE_SELECTED },
  { command: 'rollback', keys: ['r'], description: 'roll back', group: 'Generations', scopes: HOST, disabledReason: CHANGE_ANY },
  { command: 'markCompare', keys: ['m'], description: 'mark to diff', group: 'Generations', scopes: GENS, disabledReason: READ_SELECTED },
  { command: 'diffGenerations', keys: ['d'], description: 'diff vs mark', group: 'Generations', scopes: GENS, disabledReason: READ_SELECTED },
  { command: 'markDelete', keys: ['space'], description: 'mark delete', group: 'Generations', scopes: GENS, hint: 'mark', disabledReason: CHANGE_SELECTED },
  { command: 'deleteMarked', keys: ['X'], description: 'delete marked', group: 'Generations', scopes: GENS, disabledReason: CHANGE_ANY },
  { command: 'keepPolicy', keys: ['K'], description: 'keep policy', group: 'Generations', scopes: GENS, disabledReason: CHANGE_ANY },
  { command: 'showGenerationCommit', keys: ['c'], description: 'its commit', group: 'Generations', scopes: GENS, disabledReason: (ctx) => READ_ONLY_SELECTED(ctx) ?? ctx.commitRefusal },
  { command: 'pinGeneration', keys: ['P'], description: 'pin / unpin', group: 'Generations', scopes: GENS, disabledReason: generationRule({ ops: false, selected: true, change: false }) },
  { command: 'refresh', keys: ['R'], description: 'reload lists', group: 'General', scopes: PANE_SCOPES },
  { command: 'openFleet', keys: ['F'], description: 'fleet status view', group: 'General', scopes: HOST, hint: { hosts: 'fleet' }, disabledReason: (ctx) => (ctx.fleetAvailable ? null : 'the fleet view is not available in this console') },
  { command: 'flakeError', keys: ['e'], description: 'flake error', group: 'General', scopes: PANE_SCOPES, hint: 'flake error', hintWhen: (ctx) => ctx.flakeError },
  { command: 'nextMatch', keys: ['n'], description: 'next match', group: 'Run pane', scopes: RUNS, hint: 'match', hintKeys: 'n/N', hintWhen: (ctx) => ctx.searching },
  { command: 'prevMatch', keys: ['N'], description: 'previous match', group: 'Run pane', scopes: RUNS },
  // never destructive: over a slow link an arrow key can arrive as Esc + "[B"
  { command: 'escape', keys: ['escape'], description: 'close / clear', group: 'General', scopes: PANE_SCOPES, keepsNotice: true },
  { command: 'help', keys: ['?'], description: 'this help', group: 'General', scopes: PANE_SCOPES, hint: 'help' },
  { command: 'quit', keys: ['q'], description: 'quit', group: 'General', scopes: PANE_SCOPES, hint: 'quit', keepsNotice: true },
  { command: 'quit', keys: ['ctrl-c'], description: 'quit', group: 'General', scopes: LIST_SCOPES, keepsNotice: true },
  { command: 'quitNow', keys: ['q', 'ctrl-c'], description: 'quit (too small)', group: 'General', scopes: ['tooSmall'] },

  { command: 'confirm', keys: ['y'], description: 'yes', group: 'Questions', scopes: ['confirm', 'confirmDelete', 'inputsRevert'], hint: { confirm: 'yes', confirmDelete: 'delete', inputsRevert: 'revert' } },
  { command: 'chooseSwitch', keys: ['s'], description: 'switch now', group: 'Questions', scopes: ['confirmActivate'], hint: 'switch' },
  { command: 'chooseBoot', keys: ['b'], description: 'on next boot', group: 'Questions', scopes: ['confirmActivate'], hint: 'boot' },
  { command: 'chooseTest', keys: ['t'], description: 'test (until reboot)', group: 'Questions', scopes: ['confirmActivate'], hint: 'test' },
  // Ctrl-C in a question means no, as Esc does
  { command: 'decline', keys: ['n', 'N', 'q', 'escape', 'return', 'ctrl-c'], label: 'n N q Esc', description: 'no (Enter, Ctrl-c)', group: 'Questions', scopes: ['confirm', ...QUESTIONS_WITH_VIEW, 'inputsRevert'], hint: 'no', hintKeys: 'n/Esc/Enter' },
  // below the diff or preview the scroll keys come last in the status bar
  { command: 'moveDown', keys: ['j', 'down'], description: 'down', group: 'Move', scopes: QUESTIONS_WITH_VIEW, hint: { confirmActivate: 'scroll diff', confirmDelete: 'scroll list' }, hintKeys: 'j/k' },

  { command: 'continueToConfirm', keys: ['return'], description: 'go on to switch', group: 'Views', scopes: ['switchDiff'], hint: 'go on (asks)' },
  { command: 'closeView', keys: ['escape', 'q', 'ctrl-c'], label: 'Esc q', description: 'close diff / prune', group: 'Views', scopes: ['switchDiff'], hint: 'back', hintKeys: 'Esc' },
  { command: 'closeView', keys: ['escape', 'return', 'q', 'ctrl-c'], label: 'Esc q', description: 'close diff / prune', group: 'Views', scopes: ['view'], hint: 'close', hintKeys: 'Esc' },
  { command: 'openRun', keys: ['return'], description: 'open the run (L)', group: 'Views', scopes: ['runsList'], hint: 'open' },
  { command: 'closeOverlay', keys: ['escape', 'q', 'L'], label: 'Esc q L', description: 'close runs list', group: 'Views', scopes: ['runsList'], hint: 'close', hintKeys: 'Esc' },
  { command: 'closeOverlay', keys: ['escape', 'q', '?', 'return'], label: 'Esc q ?', description: 'close help / error', group: 'Views', scopes: ['help', 'flakeError'], hint: 'close', hintKeys: 'Esc' },
  { command: 'fleetChoose', keys: ['return'], description: 'select host (F)', group: 'Views', scopes: ['fleet'], hint: 'select host' },
  { command: 'fleetRefresh', keys: ['r'], description: 'read again (F)', group: 'Views', scopes: ['fleet'], hint: 'refresh' },
  { command: 'closeOverlay', keys: ['escape', 'q', 'F'], label: 'Esc q F', description: 'close fleet view', group: 'Views', scopes: ['fleet'], hint: 'close', hintKeys: 'Esc' },
  { command: 'closeText', keys: ['escape', 'q', 'return', 'ctrl-c'], label: 'Esc q', description: 'close the text', group: 'Views', scopes: ['text'], hint: 'close', hintKeys: 'Esc' },

  { command: 'openInputs', keys: ['I'], description: 'flake inputs (I)', group: 'Repository', scopes: PANE_SCOPES, disabledReason: REPO_RULE },
  { command: 'openHistory', keys: ['l'], description: 'commit history', group: 'Repository', scopes: PANE_SCOPES, disabledReason: GIT_RULE },
  { command: 'showChanges', keys: ['C'], description: 'changes: git status', group: 'Repository', scopes: [...PANE_SCOPES, 'inputs', 'inputsUpdate', 'history'], hint: { inputsUpdate: 'changes' }, disabledReason: GIT_RULE },
  { command: 'inputsMark', keys: ['space'], description: 'mark input for u', group: 'Repository', scopes: ['inputs'], hint: 'mark' },
  { command: 'inputsFold', keys: ['return', 'o'], label: 'Enter o', description: 'fold / unfold', group: 'Repository', scopes: ['inputs'], hint: 'fold', hintKeys: 'Enter' },
  { command: 'inputsUpdate', keys: ['u'], description: 'update marked / all', group: 'Repository', scopes: ['inputs'], hint: 'update' },
  { command: 'inputsShowUpdate', keys: ['U'], description: 'last update', group: 'Repository', scopes: ['inputs'], hint: 'last update', hintWhen: (ctx) => ctx.inputsUpdated },
  { command: 'closeInputs', keys: ['escape', 'q', 'I'], label: 'Esc q I', description: 'close inputs', group: 'Repository', scopes: ['inputs'], hint: 'close', hintKeys: 'Esc' },
  { command: 'updateBuild', keys: ['b'], description: 'build every host', group: 'Repository', scopes: ['inputsUpdate'], hint: 'build all' },
  { command: 'updateDeploy', keys: ['s'], description: 'switch all (asks)', group: 'Repository', scopes: ['inputsUpdate'], hint: 'deploy all' },
  { command: 'updateRevert', keys: ['r'], description: 'revert lock (asks)', group: 'Repository', scopes: ['inputsUpdate'], hint: 'revert' },
  { command: 'updateBack', keys: ['escape', 'q'], label: 'Esc q', description: 'back to the inputs', group: 'Repository', scopes: ['inputsUpdate'], hint: 'inputs', hintKeys: 'Esc' },
  { command: 'historyShow', keys: ['return'], description: 'show the commit', group: 'Repository', scopes: ['history'], hint: 'show' },
  { command: 'historyFilter', keys: ['/'], description: 'filter commits', group: 'Repository', scopes: ['history'], hint: 'filter' },
  { command: 'historyRefresh', keys: ['r'], description: 'read the log again', group: 'Repository', scopes: ['history'] },
  { command: 'closeHistory', keys: ['escape', 'q', 'l'], label: 'Esc q l', description: 'close history', group: 'Repository', scopes: ['history'], hint: 'close', hintKeys: 'Esc' },

  { command: 'moveDown', keys: ['down'], description: 'down (filter)', group: 'Filter', scopes: ['filter', 'historyFilter'] },
  { command: 'moveUp', keys: ['up'], description: 'up (filter)', group: 'Filter', scopes: ['filter', 'historyFilter'] },
  { command: 'nextField', keys: ['tab', 'up', 'down'], description: 'next field (K)', group: 'Typing', scopes: ['keepPolicy'], hint: 'field', hintKeys: 'Tab' },
  {
    command: 'submit',
    keys: ['return'],
    description: 'keep / find / go on',
    group: 'Typing',
    scopes: TYPED,
    hint: { filter: 'keep', historyFilter: 'keep', search: 'find', password: 'start', opPassword: 'go on', keepPolicy: 'preview' },
  },
  { command: 'erase', keys: ['backspace', 'delete'], label: 'Backspace', description: 'erase a character', group: 'Typing', scopes: TYPED, hint: { password: 'edit', opPassword: 'edit' }, hintKeys: 'Backspace' },
  { command: 'cancel', keys: ['escape'], description: 'clear / cancel', group: 'Typing', scopes: TYPED, hint: { filter: 'clear', historyFilter: 'clear', search: 'clear', password: 'cancel', opPassword: 'cancel', keepPolicy: 'cancel' } },
  { command: 'cancel', keys: ['ctrl-c'], description: 'cancel a question', group: 'Typing', scopes: [...PASSWORDS, 'keepPolicy'] },
  // the commit question after a deploy: the message is typed in place
  { command: 'commitSubmit', keys: ['return'], description: 'commit (deploy)', group: 'Typing', scopes: ['commit'], hint: 'commit' },
  { command: 'commitErase', keys: ['backspace', 'delete'], label: 'Backspace', description: 'erase (commit)', group: 'Typing', scopes: ['commit'], hint: 'edit', hintKeys: 'Backspace' },
  { command: 'commitClear', keys: ['ctrl-u'], description: 'clear the message', group: 'Typing', scopes: ['commit'], hint: 'clear' },
  { command: 'commitCancel', keys: ['escape', 'ctrl-c'], label: 'Esc', description: 'do not commit', group: 'Typing', scopes: ['commit'], hint: 'no commit', hintKeys: 'Esc' },
];

export const KEYMAP: readonly Binding[] = SPECS.map((spec) => ({ ...spec, match: matcherOf(spec.keys) }));

/** How the help writes a binding's keys. */
export function keyLabel(b: BindingSpec): string {
  return b.label ?? b.keys.map(keyNameLabel).join(' ');
}

/** The binding of this key in this scope. */
export function findBinding(input: string, key: Parameters<KeyMatcher>[1], scope: Scope): Binding | undefined {
  return KEYMAP.find((b) => b.scopes.includes(scope) && b.match(input, key));
}
