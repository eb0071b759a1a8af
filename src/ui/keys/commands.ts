import { focusedList, isListPane, selectedRunPane, selectedRunView } from '../../state/appState.js';
import type { Controller } from '../../state/controller.js';
import type { RebuildAction } from '../../core/rebuildCommand.js';
import type { CommandId } from './bindings.js';
import type { Scope } from './scopes.js';

export interface CommandEnv {
  controller: Controller;
  scope: Scope;
  exit: () => void;
}

const FAR = Number.MAX_SAFE_INTEGER;

/** What a move or scroll key moves in a scope. */
type Mover = 'list' | 'log' | 'help' | 'view' | 'runsList';

function moverOf(scope: Scope): Mover {
  switch (scope) {
    case 'runs':
      return 'log';
    case 'help':
      return 'help';
    case 'runsList':
      return 'runsList';
    case 'view':
    case 'switchDiff':
    case 'confirmActivate':
    case 'confirmDelete':
      return 'view';
    default:
      return 'list';
  }
}

/** One line (or list item) down or up. */
function step({ controller: c, scope }: CommandEnv, delta: 1 | -1): void {
  const mover = moverOf(scope);
  if (mover === 'log') return c.scrollRun(delta);
  if (mover === 'help') return c.scrollHelp(delta);
  if (mover === 'runsList') return c.moveRunsList(delta);
  if (mover === 'view') return c.gens.scroll(delta);
  return c.move(delta);
}

function end({ controller: c, scope }: CommandEnv, direction: 1 | -1): void {
  const mover = moverOf(scope);
  if (mover === 'log') return direction < 0 ? c.scrollRunToTop() : c.followRun();
  if (mover === 'help') return c.scrollHelp(direction * FAR);
  if (mover === 'runsList') return c.moveRunsList(direction * FAR);
  if (mover === 'view') return direction < 0 ? c.gens.scrollToTop() : c.gens.scrollToBottom();
  return c.moveTo(direction < 0 ? 0 : FAR);
}

function page({ controller: c, scope }: CommandEnv, direction: 1 | -1, fraction: 1 | 0.5): void {
  const mover = moverOf(scope);
  if (mover === 'log') return c.scrollRunPage(direction, fraction);
  if (mover === 'help') return c.scrollHelp(direction * c.state.help.rows);
  if (mover === 'view') return c.gens.scrollPage(direction, fraction);
  if (fraction === 0.5) return c.halfPage(direction);
  const focus = c.state.focus;
  return c.move(direction * (isListPane(focus) ? c.state.viewport[focus] : 0));
}

/** The fallback of a text scope: an unbound key with a character inserts it. */
export function insertText({ controller: c, scope }: CommandEnv, text: string): void {
  if (scope === 'filter') return c.setFilter((focusedList(c.state)?.filter ?? '') + text);
  if (scope === 'search') return c.setSearchDraft(c.state.runs.searchDraft + text);
  if (scope === 'keepPolicy') return c.gens.typeKeepPolicy(text);
  return c.typePassword(text);
}

function quit({ controller, exit }: CommandEnv): void {
  if (controller.requestQuit()) exit();
}

/** Every command of the keymap, once: what it does in the scope it was pressed in. */
const COMMANDS: Record<CommandId, (env: CommandEnv) => void> = {
  quit,
  quitNow: ({ exit }) => exit(),
  help: ({ controller }) => controller.setOverlay('help'),
  escape: ({ controller: c }) => {
    const pane = focusedList(c.state);
    const runs = c.state.runs;
    if (pane?.filter) c.clearFilter();
    else if (c.state.focus === 'runs' && selectedRunPane(c.state)?.search) c.clearSearch();
    else if (c.state.focus === 'runs' && runs.zoomed) c.toggleZoom();
    else c.dismissNotice();
  },
  focusNext: ({ controller }) => controller.focusNext(1),
  focusPrev: ({ controller }) => controller.focusNext(-1),
  focusHosts: ({ controller }) => controller.focus('hosts'),
  focusGenerations: ({ controller }) => controller.focus('generations'),
  focusTodos: ({ controller }) => controller.focus('todos'),
  focusRuns: ({ controller }) => controller.focus('runs'),
  prevRun: ({ controller }) => controller.cycleRun(-1),
  nextRun: ({ controller }) => controller.cycleRun(1),
  moveDown: (env) => step(env, 1),
  moveUp: (env) => step(env, -1),
  top: (env) => end(env, -1),
  bottom: (env) => end(env, 1),
  halfPageDown: (env) => page(env, 1, 0.5),
  halfPageUp: (env) => page(env, -1, 0.5),
  pageDown: (env) => page(env, 1, 1),
  pageUp: (env) => page(env, -1, 1),
  filter: ({ controller }) => controller.startFilter(),
  toggleTodo: ({ controller }) => void controller.toggleSelectedTodo(),
  hideDone: ({ controller }) => controller.toggleHideDone(),
  runBuild: start('build'),
  runDryBuild: start('dry-build'),
  runTest: start('test'),
  runSwitch: start('switch'),
  runBoot: start('boot'),
  runDryActivate: start('dry-activate'),
  listRuns: ({ controller }) => controller.openRunsList(),
  searchLog: ({ controller }) => controller.startSearch(),
  nextMatch: ({ controller }) => controller.nextMatch(1),
  prevMatch: ({ controller }) => controller.nextMatch(-1),
  zoom: ({ controller }) => controller.toggleZoom(),
  closeRun: ({ controller }) => controller.closeRun(),
  cancelRun: ({ controller: c }) => {
    if (c.requestCancelRun()) return;
    const view = selectedRunView(c.state);
    c.setNotice({ kind: 'info', text: view ? `the ${view.action} on ${view.host} is not running (x closes it)` : 'no run pane open' });
  },
  // Ctrl-C on a run that is not going quits, like everywhere else
  cancelRunOrQuit: (env) => {
    if (!env.controller.requestCancelRun()) quit(env);
  },
  switchGeneration: ({ controller }) => controller.gens.switchSelected(),
  rollback: ({ controller }) => controller.gens.rollback(),
  markCompare: ({ controller }) => controller.gens.toggleCompareMark(),
  diffGenerations: ({ controller }) => controller.gens.diffSelected(),
  markDelete: ({ controller }) => controller.gens.toggleDeleteMark(),
  deleteMarked: ({ controller }) => controller.gens.deleteMarked(),
  keepPolicy: ({ controller }) => controller.gens.openKeepPolicy(),
  pinGeneration: ({ controller }) => controller.gens.togglePin(),
  refresh: ({ controller }) => controller.refresh(),
  flakeError: ({ controller }) => controller.setOverlay('hostsError'),
  confirm: ({ controller, exit }) => {
    if (controller.confirmDialog() === 'quit') exit();
  },
  decline: ({ controller }) => controller.dismissDialog(),
  chooseSwitch: ({ controller }) => controller.gens.chooseActivation('switch'),
  chooseBoot: ({ controller }) => controller.gens.chooseActivation('boot'),
  chooseTest: ({ controller }) => controller.gens.chooseActivation('test'),
  continueToConfirm: ({ controller }) => controller.gens.continueToConfirm(),
  closeView: ({ controller }) => controller.gens.closeView(),
  openRun: ({ controller }) => controller.openFromList(),
  closeOverlay: ({ controller }) => controller.setOverlay('none'),
  nextField: ({ controller }) => controller.gens.switchKeepField(),
  submit: ({ controller: c, scope }) => {
    if (scope === 'filter') return c.keepFilter();
    if (scope === 'search') return c.submitSearch();
    if (scope === 'keepPolicy') return c.gens.submitKeepPolicy();
    return c.submitPassword();
  },
  erase: ({ controller: c, scope }) => {
    if (scope === 'filter') return c.setFilter((focusedList(c.state)?.filter ?? '').slice(0, -1));
    if (scope === 'search') return c.setSearchDraft(c.state.runs.searchDraft.slice(0, -1));
    if (scope === 'keepPolicy') return c.gens.eraseKeepPolicy();
    return c.erasePassword();
  },
  cancel: ({ controller: c, scope }) => {
    if (scope === 'filter') return c.clearFilter();
    if (scope === 'search') return c.clearSearch();
    return c.dismissDialog();
  },
};

function start(action: RebuildAction): (env: CommandEnv) => void {
  return ({ controller }) => controller.requestRun(action);
}

/** Run one command in the scope it was pressed in. */
export function run(command: CommandId, env: CommandEnv): void {
  COMMANDS[command](env);
}
