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
type Mover = 'list' | 'log' | 'help' | 'view' | 'runsList' | 'fleet' | 'text' | 'inputs' | 'history';

function moverOf(scope: Scope): Mover {
  switch (scope) {
    case 'runs':
      return 'log';
    case 'help':
      return 'help';
    case 'runsList':
      return 'runsList';
    case 'fleet':
      return 'fleet';
    case 'text':
      return 'text';
    case 'inputs':
      return 'inputs';
    case 'history':
    case 'historyFilter':
      return 'history';
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
  if (mover === 'log') return c.runPanes.scrollRun(delta);
  if (mover === 'help') return c.scrollHelp(delta);
  if (mover === 'runsList') return c.runs.moveRunsList(delta);
  if (mover === 'view') return c.gens.scroll(delta);
  if (mover === 'fleet') return c.fleet.move({ kind: 'move', delta });
  if (mover === 'text') return c.text.scroll(delta);
  if (mover === 'inputs') return c.inputs.move({ kind: 'move', delta });
  if (mover === 'history') return c.history.move({ kind: 'move', delta });
  return c.lists.move(delta);
}

function end({ controller: c, scope }: CommandEnv, direction: 1 | -1): void {
  const mover = moverOf(scope);
  if (mover === 'log') return direction < 0 ? c.runPanes.scrollRunToTop() : c.runPanes.followRun();
  if (mover === 'help') return c.scrollHelp(direction * FAR);
  if (mover === 'runsList') return c.runs.moveRunsList(direction * FAR);
  if (mover === 'view') return direction < 0 ? c.gens.scrollToTop() : c.gens.scrollToBottom();
  if (mover === 'fleet') return c.fleet.move({ kind: 'moveTo', index: direction < 0 ? 0 : FAR });
  if (mover === 'text') return c.text.scroll(direction * FAR);
  if (mover === 'inputs') return c.inputs.move({ kind: 'moveTo', index: direction < 0 ? 0 : FAR });
  if (mover === 'history') return c.history.move({ kind: 'moveTo', index: direction < 0 ? 0 : FAR });
  return c.lists.moveTo(direction < 0 ? 0 : FAR);
}

function page({ controller: c, scope }: CommandEnv, direction: 1 | -1, fraction: 1 | 0.5): void {
  const mover = moverOf(scope);
  if (mover === 'log') return c.runPanes.scrollRunPage(direction, fraction);
  if (mover === 'help') return c.scrollHelp(direction * c.state.layout.help.rows);
  if (mover === 'view') return c.gens.scrollPage(direction, fraction);
  if (mover === 'fleet') return c.fleet.move({ kind: 'move', delta: direction * Math.max(1, Math.floor(c.state.layout.fleetRows * fraction)) });
  if (mover === 'text') return c.text.scrollPage(direction, fraction);
  if (mover === 'inputs') return c.inputs.move({ kind: 'move', delta: direction * Math.max(1, Math.floor(c.state.layout.inputsRows * fraction)) });
  if (mover === 'history') return c.history.move({ kind: 'move', delta: direction * Math.max(1, Math.floor(c.state.layout.historyRows * fraction)) });
  if (fraction === 0.5) return c.lists.halfPage(direction);
  const focus = c.state.focus;
  return c.lists.move(direction * (isListPane(focus) ? c.state.layout.lists[focus] : 0));
}

/** The fallback of a text scope: an unbound key with a character inserts it. */
export function insertText({ controller: c, scope }: CommandEnv, text: string): void {
  if (scope === 'filter') return c.lists.setFilter((focusedList(c.state)?.filter ?? '') + text);
  if (scope === 'historyFilter') return c.history.setFilter(c.state.history.filter + text);
  if (scope === 'search') return c.runPanes.setSearchDraft(c.state.runs.searchDraft + text);
  if (scope === 'keepPolicy') return c.gens.typeKeepPolicy(text);
  if (scope === 'commit') return c.commit.type(text);
  return c.dialogs.typePassword(text);
}

function quit({ controller, exit }: CommandEnv): void {
  if (controller.runs.requestQuit()) exit();
}

/** Every command of the keymap, once: what it does in the scope it was pressed in. */
const COMMANDS: Record<CommandId, (env: CommandEnv) => void> = {
  quit,
  quitNow: ({ exit }) => exit(),
  help: ({ controller }) => controller.setOverlay('help'),
  escape: ({ controller: c }) => {
    const pane = focusedList(c.state);
    const runs = c.state.runs;
    if (pane?.filter) c.lists.clearFilter();
    else if (c.state.focus === 'runs' && selectedRunPane(c.state)?.search) c.runPanes.clearSearch();
    else if (c.state.focus === 'runs' && runs.zoomed) c.runPanes.toggleZoom();
    else c.dismissNotice();
  },
  focusNext: ({ controller }) => controller.lists.focusNext(1),
  focusPrev: ({ controller }) => controller.lists.focusNext(-1),
  focusHosts: ({ controller }) => controller.lists.focus('hosts'),
  focusGenerations: ({ controller }) => controller.lists.focus('generations'),
  focusTodos: ({ controller }) => controller.lists.focus('todos'),
  focusRuns: ({ controller }) => controller.lists.focus('runs'),
  prevRun: ({ controller }) => controller.runPanes.cycleRun(-1),
  nextRun: ({ controller }) => controller.runPanes.cycleRun(1),
  moveDown: (env) => step(env, 1),
  moveUp: (env) => step(env, -1),
  top: (env) => end(env, -1),
  bottom: (env) => end(env, 1),
  halfPageDown: (env) => page(env, 1, 0.5),
  halfPageUp: (env) => page(env, -1, 0.5),
  pageDown: (env) => page(env, 1, 1),
  pageUp: (env) => page(env, -1, 1),
  filter: ({ controller }) => controller.lists.startFilter(),
  toggleTodo: ({ controller }) => void controller.todos.toggleSelectedTodo(),
  hideDone: ({ controller }) => controller.todos.toggleHideDone(),
  markHost: ({ controller }) => controller.marks.toggleSelected(),
  markAllHosts: ({ controller }) => controller.marks.toggleAll(),
  runBuild: start('build'),
  runDryBuild: start('dry-build'),
  runTest: start('test'),
  runSwitch: start('switch'),
  runBoot: start('boot'),
  runDryActivate: start('dry-activate'),
  listRuns: ({ controller }) => controller.runs.openRunsList(),
  searchLog: ({ controller }) => controller.runPanes.startSearch(),
  nextMatch: ({ controller }) => controller.runPanes.nextMatch(1),
  prevMatch: ({ controller }) => controller.runPanes.nextMatch(-1),
  zoom: ({ controller }) => controller.runPanes.toggleZoom(),
  closeRun: ({ controller }) => controller.runPanes.closeRun(),
  cancelRun: ({ controller: c }) => {
    if (c.runs.requestCancelRun()) return;
    const view = selectedRunView(c.state);
    c.setNotice({ kind: 'info', text: view ? `the ${view.action} on ${view.host} is not running (x closes it)` : 'no run pane open' });
  },
  // Ctrl-C on a run that is not going quits, like everywhere else
  cancelRunOrQuit: (env) => {
    if (!env.controller.runs.requestCancelRun()) quit(env);
  },
  switchGeneration: ({ controller }) => controller.gens.switchSelected(),
  rollback: ({ controller }) => controller.gens.rollback(),
  markCompare: ({ controller }) => controller.gens.toggleCompareMark(),
  diffGenerations: ({ controller }) => controller.gens.diffSelected(),
  markDelete: ({ controller }) => controller.gens.toggleDeleteMark(),
  deleteMarked: ({ controller }) => controller.gens.deleteMarked(),
  keepPolicy: ({ controller }) => controller.gens.openKeepPolicy(),
  pinGeneration: ({ controller }) => controller.gens.togglePin(),
  showGenerationCommit: ({ controller }) => controller.revisions.showSelected(),
  refresh: ({ controller }) => controller.refresh(),
  flakeError: ({ controller }) => controller.setOverlay('hostsError'),
  openFleet: ({ controller: c }) => c.fleet.open(c.lists.selectedHost()?.name),
  fleetChoose: ({ controller }) => controller.fleet.chooseSelected(),
  fleetRefresh: ({ controller }) => void controller.fleet.refresh(),
  confirm: ({ controller, exit, scope }) => {
    if (scope === 'inputsRevert') return void controller.inputs.confirmRevert();
    if (controller.dialogs.confirmDialog() === 'quit') exit();
  },
  decline: ({ controller, scope }) => (scope === 'inputsRevert' ? controller.inputs.declineRevert() : controller.dialogs.dismissDialog()),
  chooseSwitch: ({ controller }) => controller.gens.chooseActivation('switch'),
  chooseBoot: ({ controller }) => controller.gens.chooseActivation('boot'),
  chooseTest: ({ controller }) => controller.gens.chooseActivation('test'),
  continueToConfirm: ({ controller }) => controller.gens.continueToConfirm(),
  closeView: ({ controller }) => controller.gens.closeView(),
  openRun: ({ controller }) => controller.runs.openFromList(),
  closeOverlay: ({ controller }) => controller.setOverlay('none'),
  closeText: ({ controller }) => controller.text.close(),
  commitSubmit: ({ controller }) => controller.commit.submit(),
  commitErase: ({ controller }) => controller.commit.erase(),
  commitClear: ({ controller }) => controller.commit.clear(),
  commitCancel: ({ controller }) => controller.commit.decline(),
  openInputs: ({ controller }) => controller.inputs.open(),
  openHistory: ({ controller }) => controller.history.open(),
  showChanges: ({ controller }) => controller.history.showChanges(),
  inputsMark: ({ controller }) => controller.inputs.toggleMark(),
  inputsFold: ({ controller }) => controller.inputs.toggleFold(),
  inputsUpdate: ({ controller }) => void controller.inputs.startUpdate(),
  inputsShowUpdate: ({ controller }) => controller.inputs.showUpdate(),
  closeInputs: ({ controller }) => controller.inputs.close(),
  updateBuild: ({ controller }) => controller.inputs.buildAll(),
  updateDeploy: ({ controller }) => controller.inputs.deployAll(),
  updateRevert: ({ controller }) => controller.inputs.askRevert(),
  updateBack: ({ controller }) => controller.inputs.hideUpdate(),
  historyShow: ({ controller }) => controller.history.showSelected(),
  historyFilter: ({ controller }) => controller.history.startFilter(),
  historyRefresh: ({ controller }) => void controller.history.reload(),
  closeHistory: ({ controller }) => controller.history.close(),
  nextField: ({ controller }) => controller.gens.switchKeepField(),
  submit: ({ controller: c, scope }) => {
    if (scope === 'filter') return c.lists.keepFilter();
    if (scope === 'historyFilter') return c.history.keepFilter();
    if (scope === 'search') return c.runPanes.submitSearch();
    if (scope === 'keepPolicy') return c.gens.submitKeepPolicy();
    return c.dialogs.submitPassword();
  },
  erase: ({ controller: c, scope }) => {
    if (scope === 'filter') return c.lists.setFilter((focusedList(c.state)?.filter ?? '').slice(0, -1));
    if (scope === 'historyFilter') return c.history.setFilter([...c.state.history.filter].slice(0, -1).join(''));
    if (scope === 'search') return c.runPanes.setSearchDraft(c.state.runs.searchDraft.slice(0, -1));
    if (scope === 'keepPolicy') return c.gens.eraseKeepPolicy();
    return c.dialogs.erasePassword();
  },
  cancel: ({ controller: c, scope }) => {
    if (scope === 'filter') return c.lists.clearFilter();
    if (scope === 'historyFilter') return c.history.clearFilter();
    if (scope === 'search') return c.runPanes.clearSearch();
    return c.dialogs.dismissDialog();
  },
};

function start(action: RebuildAction): (env: CommandEnv) => void {
  return ({ controller }) => controller.runs.requestRun(action);
}

/** Run one command in the scope it was pressed in. */
export function run(command: CommandId, env: CommandEnv): void {
  COMMANDS[command](env);
}
