import { Box, type Key, Text, useApp, useInput } from 'ink';
import { useSyncExternalStore } from 'react';
import type { AppState } from '../state/appState.js';
import type { Controller } from '../state/controller.js';
import { GenerationsPane } from './GenerationsPane.js';
import { Header } from './Header.js';
import { HelpOverlay } from './HelpOverlay.js';
import { HostsPane } from './HostsPane.js';
import { type CommandId, findBinding, splitTyped } from './keymap.js';
import { computeLayout, MIN_COLUMNS, MIN_ROWS } from './layout.js';
import { StatusBar } from './StatusBar.js';
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
    for (const part of splitTyped(input, key)) handleKey(controller, part, key, exit);
  });

  const layout = computeLayout(columns, rows);
  if (layout.tooSmall) {
    return (
      <Box flexDirection="column">
        <Text color="yellow">
          terminal too small: {columns}x{rows}, nixdeck needs at least {MIN_COLUMNS}x{MIN_ROWS}
        </Text>
        <Text dimColor>make the window larger, or press q to quit</Text>
      </Box>
    );
  }
  return (
    <Box flexDirection="column" width={columns}>
      <Header state={state} width={columns} />
      {state.overlay === 'help' ? (
        <HelpOverlay width={columns} height={layout.topHeight + layout.todosHeight} />
      ) : state.overlay === 'hostsError' ? (
        <FlakeErrorOverlay state={state} width={columns} height={layout.topHeight + layout.todosHeight} />
      ) : (
        <>
          <Box>
            <HostsPane state={state} controller={controller} width={layout.hostsWidth} height={layout.topHeight} />
            <GenerationsPane state={state} controller={controller} width={layout.generationsWidth} height={layout.topHeight} />
          </Box>
          <TodosPane state={state} controller={controller} width={columns} height={layout.todosHeight} />
        </>
      )}
      <StatusBar state={state} width={columns} />
    </Box>
  );
}

function FlakeErrorOverlay({ state, width, height }: { state: AppState; width: number; height: number }) {
  const evaluation = state.flakeEval;
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="round" borderColor="yellow" paddingX={1} overflow="hidden">
      <Text bold color="yellow">
        flake evaluation
      </Text>
      {evaluation.status === 'error' ? (
        <>
          <Text wrap="wrap">{evaluation.message}</Text>
          {evaluation.hint ? <Text dimColor wrap="wrap">to see all of it, {evaluation.hint}</Text> : null}
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
  const pane = state.panes[state.focus];

  if (state.overlay !== 'none') {
    if (key.escape || input === 'q' || input === '?' || key.return) controller.setOverlay('none');
    return;
  }

  if (pane.editing) {
    if (key.return) controller.keepFilter();
    else if (key.escape) controller.clearFilter();
    else if (key.backspace || key.delete) controller.setFilter(pane.filter.slice(0, -1));
    else if (key.downArrow) controller.move(1);
    else if (key.upArrow) controller.move(-1);
    else if (input && !key.ctrl && !key.meta && !key.tab) controller.setFilter(pane.filter + input);
    return;
  }

  if (key.escape) {
    if (pane.filter) controller.clearFilter();
    else controller.dismissNotice();
    return;
  }

  const binding = findBinding(input, key, state.focus);
  if (!binding) return;
  if (binding.command !== 'quit') controller.dismissNotice();
  run(controller, binding.command, exit);
}

function run(controller: Controller, command: CommandId, exit: () => void): void {
  const rows = controller.state.viewport[controller.state.focus];
  switch (command) {
    case 'quit':
      return exit();
    case 'help':
      return controller.setOverlay('help');
    case 'escape':
      return controller.dismissNotice();
    case 'focusNext':
      return controller.focusNext(1);
    case 'focusPrev':
      return controller.focusNext(-1);
    case 'focusHosts':
      return controller.focus('hosts');
    case 'focusGenerations':
      return controller.focus('generations');
    case 'focusTodos':
      return controller.focus('todos');
    case 'down':
      return controller.move(1);
    case 'up':
      return controller.move(-1);
    case 'top':
      return controller.moveTo(0);
    case 'bottom':
      return controller.moveTo(Number.MAX_SAFE_INTEGER);
    case 'halfDown':
      return controller.halfPage(1);
    case 'halfUp':
      return controller.halfPage(-1);
    case 'pageDown':
      return controller.move(rows);
    case 'pageUp':
      return controller.move(-rows);
    case 'filter':
      return controller.startFilter();
    case 'toggleTodo':
      return void controller.toggleSelectedTodo();
    case 'hideDone':
      return controller.toggleHideDone();
    case 'refresh':
      return controller.refresh();
    case 'flakeError':
      return controller.setOverlay('hostsError');
  }
}
