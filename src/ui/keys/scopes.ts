import { type AppState, focusedList } from '../../state/appState.js';

/** Where the keyboard is: exactly one scope is active at a time, and only its bindings act. */
export type Scope =
  | 'hosts'
  | 'generations'
  | 'todos'
  | 'runs'
  /** a y/N question: start a run, cancel a run, quit while runs go */
  | 'confirm'
  /** switch now / boot / test / No, below the diff */
  | 'confirmActivate'
  /** y/N to delete generations, below the prune preview */
  | 'confirmDelete'
  | 'keepPolicy'
  | 'password'
  | 'opPassword'
  /** after a deploy: the commit message being edited; Enter commits, Esc does not */
  | 'commit'
  /** the diff or prune preview, for reading */
  | 'view'
  /** the diff before a switch: Enter goes on to the question */
  | 'switchDiff'
  | 'help'
  | 'runsList'
  | 'flakeError'
  /** the Fleet view (F): one row per host */
  | 'fleet'
  /** a read-only text (git status, a commit): scroll, Esc closes */
  | 'text'
  /** the Inputs view (I): flake.lock's inputs */
  | 'inputs'
  /** the Inputs view after an update: what changed, and build / deploy / revert */
  | 'inputsUpdate'
  /** y/N: put flake.lock back as it was before the update */
  | 'inputsRevert'
  /** the History view (l): the newest commits */
  | 'history'
  /** the History view's filter being typed */
  | 'historyFilter'
  | 'filter'
  | 'search'
  | 'tooSmall';

export const SCOPES: readonly Scope[] = [
  'hosts',
  'generations',
  'todos',
  'runs',
  'confirm',
  'confirmActivate',
  'confirmDelete',
  'keepPolicy',
  'password',
  'opPassword',
  'commit',
  'view',
  'switchDiff',
  'help',
  'runsList',
  'flakeError',
  'fleet',
  'text',
  'inputs',
  'inputsUpdate',
  'inputsRevert',
  'history',
  'historyFilter',
  'filter',
  'search',
  'tooSmall',
];

export const LIST_SCOPES = ['hosts', 'generations', 'todos'] as const satisfies readonly Scope[];
export const PANE_SCOPES = [...LIST_SCOPES, 'runs'] as const satisfies readonly Scope[];
/** The scopes where typing inserts the character (the fallback of an unbound key). */
export const TEXT_SCOPES: readonly Scope[] = ['filter', 'search', 'password', 'opPassword', 'keepPolicy', 'historyFilter', 'commit'];
/** The repository's views: a key that runs a command clears the message, as in the panes. */
const REPO_SCOPES: readonly Scope[] = ['inputs', 'inputsUpdate', 'inputsRevert', 'history'];

/**
 * What a key does to the message in the status bar: `always` clears it on every key (the
 * question or view it was about is still open), `command` when a command runs, `never` keeps it.
 */
export function noticePolicy(scope: Scope): 'always' | 'command' | 'never' {
  if (scope === 'confirmActivate' || scope === 'confirmDelete' || scope === 'keepPolicy' || scope === 'view' || scope === 'switchDiff') return 'always';
  return (PANE_SCOPES as readonly Scope[]).includes(scope) || REPO_SCOPES.includes(scope) ? 'command' : 'never';
}

/** The one scope the state gives the keyboard to: the screen, a question, a view, an overlay, typing, a pane. */
export function activeScope(state: AppState): Scope {
  // the "too small" screen shows nothing to act on
  if (state.layout.tooSmall) return 'tooSmall';
  const dialog = state.dialog;
  if (dialog) {
    switch (dialog.kind) {
      case 'confirmActivate':
      case 'confirmDelete':
      case 'keepPolicy':
      case 'password':
      case 'opPassword':
      case 'commit':
        return dialog.kind;
      default:
        return 'confirm';
    }
  }
  if (state.textView) return 'text';
  if (state.genView) return state.genView.kind === 'diff' && state.genView.purpose === 'switch' ? 'switchDiff' : 'view';
  if (state.overlay === 'runs') return 'runsList';
  if (state.overlay === 'help') return 'help';
  if (state.overlay === 'hostsError') return 'flakeError';
  if (state.overlay === 'fleet') return 'fleet';
  if (state.overlay === 'inputs') {
    const update = state.inputs.update;
    return update?.confirmRevert ? 'inputsRevert' : update?.shown ? 'inputsUpdate' : 'inputs';
  }
  if (state.overlay === 'history') return state.history.editing ? 'historyFilter' : 'history';
  if (state.focus === 'runs') return state.runs.searching ? 'search' : 'runs';
  if (focusedList(state)?.editing) return 'filter';
  return state.focus;
}
