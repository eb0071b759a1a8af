import { Box, type Key, Text, useApp, useInput } from 'ink';
import { useLayoutEffect, useSyncExternalStore } from 'react';
import { type AppState, focusedList, isListPane, runningViews, selectedRunPane, selectedRunView } from '../state/appState.js';
import type { Controller } from '../state/controller.js';
import { DialogBox, dialogRows } from './Dialog.js';
import { GenerationsPane } from './GenerationsPane.js';
import { GenerationViewBox } from './GenerationView.js';
import { glyphsFor, screenText } from './glyphs.js';
import { Header } from './Header.js';
import { HelpOverlay } from './HelpOverlay.js';
import { HostsPane } from './HostsPane.js';
import { type CommandId, findBinding, keyContext, keyOfTyped, RUN_ACTIONS, splitTyped } from './keymap.js';
import { computeLayout, MIN_COLUMNS, MIN_ROWS } from './layout.js';
import { RunsArea } from './RunPane.js';
import { RunsList } from './RunsList.js';
import { StatusBar, statusBarRows } from './StatusBar.js';
import { TodosPane } from './TodosPane.js';
import { useTerminalSize } from './useTerminalSize.js';

export interface AppProps {
  controller: Controller;
  /** for tests: a fixed size instead of the terminal's */
  size?: { columns: number; rows: number };
}

export function App({ controller, size }: AppProps) {
  const state = useSyncExternalStore(controller.store.subscribe, controller.store.get);
  const terminal = useTerminalSize();
  const { columns, rows } = size ?? terminal;
  const { exit } = useApp();

  // The handler reads the controller's current state, never a render-time copy, so keys that
  // arrive before React re-renders still see the latest mode (Ink 6 re-subscribes late).
  useInput((input, key) => {
    const parts = splitTyped(input, key);
    for (const part of parts) handleKey(controller, part, parts.length > 1 ? keyOfTyped(part, key) : key, exit);
  });

  // keys need to know whether they act on a screen that is shown (the "too small" one is not)
  useLayoutEffect(() => controller.setTerminalSize(columns, rows), [controller, columns, rows]);

  const layout = computeLayout(columns, rows, statusBarRows(state, columns, rows));
  if (layout.tooSmall) {
    const going = runningViews(state).length;
    return (
      <Box flexDirection="column">
        <Text color="yellow">
          terminal too small: {columns}x{rows}, nixdeck needs at least {MIN_COLUMNS}x{MIN_ROWS}
        </Text>
        <Text dimColor>make the window larger, or press q to quit</Text>
        {going > 0 ? <Text dimColor>{`${going} run${going === 1 ? '' : 's'} going: quitting leaves ${going === 1 ? 'it' : 'them'} running`}</Text> : null}
      </Box>
    );
  }
  const body = layout.topHeight + layout.todosHeight;
  const dialog = state.dialog ? <DialogBox state={state} width={columns} height={layout.todosHeight} /> : null;
  const zoomed = state.focus === 'runs' && state.runs.zoomed && state.runs.open.length > 0;
  let main;
  if (state.genView) {
    // a diff or a prune preview; a question about it goes below it, as tall as it needs
    const asking = state.dialog ? Math.min(Math.max(layout.todosHeight, body - 8), dialogRows(state, columns)) : 0;
    main = (
      <>
        <GenerationViewBox state={state} controller={controller} width={columns} height={body - asking} />
        {state.dialog ? <DialogBox state={state} width={columns} height={asking} /> : null}
      </>
    );
  } else if (state.overlay === 'help')
    main = <HelpOverlay width={columns} height={body} ascii={state.prefs.asciiBorders} scroll={state.help.scroll} controller={controller} />;
  else if (state.overlay === 'hostsError') main = <FlakeErrorOverlay state={state} width={columns} height={body} />;
  else if (state.overlay === 'runs') main = <RunsList state={state} width={columns} height={body} />;
  else if (zoomed)
    main = (
      <>
        <RunsArea state={state} controller={controller} width={columns} height={dialog ? layout.topHeight : body} zoomed />
        {dialog}
      </>
    );
  else
    main = (
      <>
        <Box>
          <HostsPane state={state} controller={controller} width={layout.hostsWidth} height={layout.topHeight} />
          <GenerationsPane state={state} controller={controller} width={layout.generationsWidth} height={layout.topHeight} />
        </Box>
        {dialog ??
          (state.focus === 'runs' || (state.runs.bottom === 'runs' && state.runs.open.length > 0) ? (
            <RunsArea state={state} controller={controller} width={columns} height={layout.todosHeight} zoomed={false} />
          ) : (
            <TodosPane state={state} controller={controller} width={columns} height={layout.todosHeight} />
          ))}
      </>
    );
  return (
    <Box flexDirection="column" width={columns}>
      <Header state={state} width={columns} />
      {main}
      <StatusBar state={state} width={columns} rows={layout.statusRows} />
    </Box>
  );
}

function FlakeErrorOverlay({ state, width, height }: { state: AppState; width: number; height: number }) {
  const evaluation = state.flakeEval;
  const g = glyphsFor(state.prefs.asciiBorders);
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle={g.border} borderColor="yellow" paddingX={1} overflow="hidden">
      <Text bold color="yellow">
        flake evaluation
      </Text>
      {evaluation.status === 'error' ? (
        <>
          <Text wrap="wrap">{screenText(evaluation.message, g)}</Text>
          {evaluation.hint ? <Text dimColor wrap="wrap">{screenText(`to see all of it, ${evaluation.hint}`, g)}</Text> : null}
          <Text dimColor>The folder hosts (systems/, hosts/) stay usable.</Text>
        </>
      ) : (
        <Text>the flake evaluated without errors</Text>
      )}
    </Box>
  );
}

/** One key, one command: the single dispatcher of the console. */
export function handleKey(controller: Controller, input: string, key: Key, exit: () => void): void {
  const state = controller.state;

  // the "too small" screen shows nothing to act on: q and Ctrl-C quit (runs go on, detached)
  if (isTooSmall(state)) {
    if ((input === 'q' && !key.ctrl && !key.meta) || (key.ctrl && input === 'c')) exit();
    return;
  }

  if (state.dialog) return handleDialogKey(controller, input, key, exit);

  if (state.genView) {
    controller.dismissNotice();
    if (scrollView(controller, input, key)) return;
    if (key.return && state.genView.kind === 'diff' && state.genView.purpose === 'switch') controller.gens.continueToConfirm();
    else if (key.escape || key.return || input === 'q' || (key.ctrl && input === 'c')) controller.gens.closeView();
    return;
  }

  if (state.overlay === 'runs') {
    if (key.escape || input === 'q' || input === 'L') controller.setOverlay('none');
    else if (key.return) controller.openFromList();
    else if (key.downArrow || input === 'j') controller.moveRunsList(1);
    else if (key.upArrow || input === 'k') controller.moveRunsList(-1);
    else if (key.home || input === 'g') controller.moveRunsList(-Number.MAX_SAFE_INTEGER);
    else if (key.end || input === 'G') controller.moveRunsList(Number.MAX_SAFE_INTEGER);
    return;
  }

  if (state.overlay !== 'none') {
    if (key.escape || input === 'q' || input === '?' || key.return) controller.setOverlay('none');
    else if (state.overlay === 'help') scrollHelp(controller, input, key);
    return;
  }

  if (state.focus === 'runs' && state.runs.searching) {
    if (key.return) controller.submitSearch();
    else if (key.escape) controller.clearSearch();
    else if (key.backspace || key.delete) controller.setSearchDraft(state.runs.searchDraft.slice(0, -1));
    else if (input && !key.ctrl && !key.meta && !key.tab) controller.setSearchDraft(state.runs.searchDraft + input);
    return;
  }

  const pane = focusedList(state);
  if (pane?.editing) {
    if (key.return) controller.keepFilter();
    else if (key.escape) controller.clearFilter();
    else if (key.backspace || key.delete) controller.setFilter(pane.filter.slice(0, -1));
    else if (key.downArrow) controller.move(1);
    else if (key.upArrow) controller.move(-1);
    else if (input && !key.ctrl && !key.meta && !key.tab) controller.setFilter(pane.filter + input);
    return;
  }

  if (key.escape) {
    // never destructive: over a slow link an arrow key can arrive as Esc + "[B"
    const runPane = state.focus === 'runs' ? selectedRunPane(state) : undefined;
    if (pane?.filter) controller.clearFilter();
    else if (runPane?.search) controller.clearSearch();
    else if (state.focus === 'runs' && state.runs.zoomed) controller.toggleZoom();
    else controller.dismissNotice();
    return;
  }

  const binding = findBinding(input, key, state.focus);
  if (!binding) return;
  const reason = binding.disabledReason?.(keyContext(state)) ?? null;
  if (reason) return controller.setNotice({ kind: 'warn', key: binding.keys, text: reason });
  if (binding.command !== 'quit') controller.dismissNotice();
  run(controller, binding.command, input, key, exit);
}

function isTooSmall(state: AppState): boolean {
  return state.terminal !== null && computeLayout(state.terminal.columns, state.terminal.rows).tooSmall;
}

/** j/k, arrows, PgUp/PgDn, g/G scroll the help overlay. */
function scrollHelp(controller: Controller, input: string, key: Key): void {
  const plain = !key.ctrl && !key.meta;
  const page = controller.state.help.rows;
  if (key.downArrow || (plain && input === 'j')) controller.scrollHelp(1);
  else if (key.upArrow || (plain && input === 'k')) controller.scrollHelp(-1);
  else if (key.pageDown) controller.scrollHelp(page);
  else if (key.pageUp) controller.scrollHelp(-page);
  else if (key.home || (plain && input === 'g')) controller.scrollHelp(-Number.MAX_SAFE_INTEGER);
  else if (key.end || (plain && input === 'G')) controller.scrollHelp(Number.MAX_SAFE_INTEGER);
}

/** j/k, arrows, PgUp/PgDn, Ctrl-d/u, g/G scroll the diff or prune view; true when the key did. */
function scrollView(controller: Controller, input: string, key: Key): boolean {
  const gens = controller.gens;
  const plain = !key.ctrl && !key.meta;
  if (key.downArrow || (plain && input === 'j')) gens.scroll(1);
  else if (key.upArrow || (plain && input === 'k')) gens.scroll(-1);
  else if (key.pageDown) gens.scrollPage(1, 1);
  else if (key.pageUp) gens.scrollPage(-1, 1);
  else if (key.ctrl && input === 'd') gens.scrollPage(1, 0.5);
  else if (key.ctrl && input === 'u') gens.scrollPage(-1, 0.5);
  else if (key.home || (plain && input === 'g')) gens.scrollToTop();
  else if (key.end || (plain && input === 'G')) gens.scrollToBottom();
  else return false;
  return true;
}

/** While a dialog is open it has every key; only y (or s/b/t to switch) says yes, Enter means No. */
function handleDialogKey(controller: Controller, input: string, key: Key, exit: () => void): void {
  const dialog = controller.state.dialog;
  if (!dialog) return;
  // Ctrl-C in a dialog means no, as Esc does
  const abort = key.escape || (key.ctrl && input === 'c');
  const plain = !key.ctrl && !key.meta;
  if (dialog.kind === 'keepPolicy') {
    controller.dismissNotice();
    if (key.return) controller.gens.submitKeepPolicy();
    else if (abort) controller.dismissDialog();
    else if (key.backspace || key.delete) controller.gens.eraseKeepPolicy();
    else if (key.tab || key.upArrow || key.downArrow) controller.gens.switchKeepField();
    else if (input && plain) controller.gens.typeKeepPolicy(input);
    return;
  }
  if (dialog.kind === 'confirmActivate' || dialog.kind === 'confirmDelete') {
    controller.dismissNotice();
    const choice = plain && dialog.kind === 'confirmActivate' ? ({ s: 'switch', b: 'boot', t: 'test' } as const)[input as 's' | 'b' | 't'] : undefined;
    if (choice) controller.gens.chooseActivation(choice);
    else if (plain && input === 'y' && dialog.kind === 'confirmDelete') controller.confirmDialog();
    else if (scrollView(controller, input, key)) return;
    else if (abort || key.return || (plain && (input === 'n' || input === 'N' || input === 'q'))) controller.dismissDialog();
    return;
  }
  if (dialog.kind === 'password' || dialog.kind === 'opPassword') {
    if (key.return) controller.submitPassword();
    else if (abort) controller.dismissDialog();
    else if (key.backspace || key.delete) controller.erasePassword();
    else if (input && !key.ctrl && !key.meta && !key.tab) controller.typePassword(input);
    return;
  }
  if (input === 'y' && !key.ctrl && !key.meta) {
    if (controller.confirmDialog() === 'quit') exit();
  } else if (abort || key.return || ((input === 'n' || input === 'N' || input === 'q') && !key.ctrl)) {
    controller.dismissDialog();
  }
}

function run(controller: Controller, command: CommandId, input: string, key: Key, exit: () => void): void {
  const state = controller.state;
  const inRuns = state.focus === 'runs';
  const rows = isListPane(state.focus) ? state.viewport[state.focus] : 0;
  const action = RUN_ACTIONS[command];
  if (action) return controller.requestRun(action);
  switch (command) {
    case 'quit':
      if (controller.requestQuit()) exit();
      return;
    case 'help':
      return controller.setOverlay('help');
    case 'escape':
      return controller.dismissNotice();
    case 'focusNext':
      return controller.focusNext(key.shift ? -1 : 1);
    case 'focusHosts':
      return controller.focus('hosts');
    case 'focusGenerations':
      return controller.focus('generations');
    case 'focusTodos':
      return controller.focus('todos');
    case 'focusRuns':
      return controller.focus('runs');
    case 'cycleRun':
      return controller.cycleRun(input === '[' ? -1 : 1);
    case 'move': {
      const step = key.downArrow || input === 'j' ? 1 : -1;
      return inRuns ? controller.scrollRun(step) : controller.move(step);
    }
    case 'ends':
      if (key.home || input === 'g') return inRuns ? controller.scrollRunToTop() : controller.moveTo(0);
      return inRuns ? controller.followRun() : controller.moveTo(Number.MAX_SAFE_INTEGER);
    case 'halfPage': {
      const direction = input === 'd' ? 1 : -1;
      return inRuns ? controller.scrollRunPage(direction, 0.5) : controller.halfPage(direction);
    }
    case 'page': {
      const direction = key.pageDown ? 1 : -1;
      return inRuns ? controller.scrollRunPage(direction, 1) : controller.move(direction * rows);
    }
    case 'filter':
      return controller.startFilter();
    case 'toggleTodo':
      return void controller.toggleSelectedTodo();
    case 'hideDone':
      return controller.toggleHideDone();
    case 'listRuns':
      return controller.openRunsList();
    case 'searchLog':
      return controller.startSearch();
    case 'nextMatch':
      return controller.nextMatch(input === 'N' ? -1 : 1);
    case 'zoom':
      return controller.toggleZoom();
    case 'closeRun':
      return controller.closeRun();
    case 'cancelRun': {
      if (controller.requestCancelRun()) return;
      // Ctrl-C on a run that is not going quits, like everywhere else
      if (!key.ctrl) {
        const view = selectedRunView(controller.state);
        controller.setNotice({ kind: 'info', text: view ? `the ${view.action} on ${view.host} is not running (x closes it)` : 'no run pane open' });
        return;
      }
      if (controller.requestQuit()) exit();
      return;
    }
    case 'switchGeneration':
      return controller.gens.switchSelected();
    case 'rollback':
      return controller.gens.rollback();
    case 'markCompare':
      return controller.gens.toggleCompareMark();
    case 'diffGenerations':
      return controller.gens.diffSelected();
    case 'markDelete':
      return controller.gens.toggleDeleteMark();
    case 'deleteMarked':
      return controller.gens.deleteMarked();
    case 'keepPolicy':
      return controller.gens.openKeepPolicy();
    case 'pinGeneration':
      return controller.gens.togglePin();
    case 'refresh':
      return controller.refresh();
    case 'flakeError':
      return controller.setOverlay('hostsError');
  }
}
