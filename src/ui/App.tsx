import { Box, Text, useApp, useInput } from 'ink';
import { useSyncExternalStore } from 'react';
import { type AppState, runningViews } from '../state/appState.js';
import type { Controller } from '../state/controller.js';
import { MIN_COLUMNS, MIN_ROWS, runsZoomed } from '../state/layout.js';
import { DialogBox } from './Dialog.js';
import { FleetView } from './FleetView.js';
import { GenerationsPane } from './GenerationsPane.js';
import { GenerationViewBox } from './GenerationView.js';
import { glyphsFor, screenText } from './glyphs.js';
import { Header } from './Header.js';
import { HistoryView } from './HistoryView.js';
import { InputsView } from './InputsView.js';
import { focusReport } from './keys/focusReport.js';
import { HelpOverlay } from './HelpOverlay.js';
import { HostsPane } from './HostsPane.js';
import { Overlay } from './Overlay.js';
import { handleKey, keyOfTyped, splitTyped } from './keymap.js';
import { RunsArea } from './RunPane.js';
import { RunsList } from './RunsList.js';
import { StatusBar } from './StatusBar.js';
import { TextView } from './TextView.js';
import { TodosPane } from './TodosPane.js';

export interface AppProps {
  /** its layout follows the terminal's size: the console wiring calls controller.resize */
  controller: Controller;
}

/** The screen as the state's layout says; nothing is measured or reported back here. */
export function App({ controller }: AppProps) {
  const state = useSyncExternalStore(controller.store.subscribe, controller.store.get);
  const { exit } = useApp();

  // The handler reads the controller's current state, never a render-time copy, so keys that
  // arrive before React re-renders still see the latest mode (Ink 6 re-subscribes late).
  useInput((input, key) => {
    // the terminal's focus report (ESC[I, ESC[O) is not a key: regaining focus reads the git state again
    const focus = focusReport(input, key);
    if (focus !== null) {
      if (focus === 'in') void controller.gitState.refresh();
      return;
    }
    const parts = splitTyped(input, key);
    for (const part of parts) handleKey(controller, part, parts.length > 1 ? keyOfTyped(part, key) : key, exit);
  });

  const layout = state.layout;
  const { columns, rows } = layout;
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
  const body = layout.body;
  const dialog = state.dialog ? <DialogBox state={state} width={columns} height={layout.bottomHeight} /> : null;
  let main;
  if (state.textView)
    main = (
      <>
        <TextView state={state} width={columns} height={state.dialog ? Math.max(3, body - layout.bottomHeight) : body} />
        {dialog}
      </>
    );
  else if (state.genView && layout.view) {
    // a diff or a prune preview; a question about it goes below it, as tall as it needs
    main = (
      <>
        <GenerationViewBox state={state} width={columns} height={layout.view.height} />
        {state.dialog ? <DialogBox state={state} width={columns} height={layout.view.dialogHeight} /> : null}
      </>
    );
  } else if (state.overlay === 'help')
    main = <HelpOverlay width={columns} height={body} ascii={state.prefs.asciiBorders} scroll={state.help.scroll} />;
  else if (state.overlay === 'hostsError') main = <FlakeErrorOverlay state={state} width={columns} height={body} />;
  else if (state.overlay === 'runs') main = <RunsList state={state} width={columns} height={body} />;
  else if (state.overlay === 'fleet') main = <FleetView state={state} width={columns} height={body} />;
  else if (state.overlay === 'inputs') main = <InputsView state={state} width={columns} height={body} />;
  else if (state.overlay === 'history') main = <HistoryView state={state} width={columns} height={body} />;
  else if (runsZoomed(state))
    main = (
      <>
        <RunsArea state={state} />
        {dialog}
      </>
    );
  else
    main = (
      <>
        <Box>
          <HostsPane state={state} width={layout.hostsWidth} height={layout.topHeight} />
          <GenerationsPane state={state} width={layout.generationsWidth} height={layout.topHeight} />
        </Box>
        {dialog ??
          (state.focus === 'runs' || (state.runs.bottom === 'runs' && state.runs.open.length > 0) ? (
            <RunsArea state={state} />
          ) : (
            <TodosPane state={state} width={columns} height={layout.bottomHeight} />
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
    <Overlay width={width} height={height} ascii={g.ascii} tone="warn" title="flake evaluation">
      {evaluation.status === 'error' ? (
        <>
          <Text wrap="wrap">{screenText(evaluation.error, g)}</Text>
          {evaluation.hint ? <Text dimColor wrap="wrap">{screenText(`to see all of it, ${evaluation.hint}`, g)}</Text> : null}
          <Text dimColor>The folder hosts (systems/, hosts/) stay usable.</Text>
        </>
      ) : (
        <Text>the flake evaluated without errors</Text>
      )}
    </Overlay>
  );
}
