import { Box, Text } from 'ink';
import type { AppState } from '../state/appState.js';
import { glyphsFor, screenText } from './glyphs.js';
import { cellWidth, fit, middlePath, tildePath } from './text.js';

const NAME = ' nixdeck  ';
/** the path keeps at least this much of the row before the right side is cut */
const MIN_PATH = 20;
const GAP = 2;

export function Header({ state, width }: { state: AppState; width: number }) {
  const g = glyphsFor(state.prefs.asciiBorders);
  const local = state.hosts.find((h) => h.local);
  const flake =
    state.flakeEval.status === 'loading'
      ? 'flake: evaluating…'
      : state.flakeEval.status === 'ok'
        ? `flake: ${state.flakeEval.value.length} configurations`
        : 'flake: evaluation failed (e)';
  // the right side leaves the path MIN_PATH cells: it drops "this machine" (the hosts pane says
  // `local` too), then is cut
  const room = width - NAME.length - MIN_PATH - GAP;
  const whole = screenText(`${flake}${local ? ` · this machine: ${local.name}` : ''}`, g);
  const fullRight = cellWidth(whole) <= room ? whole : screenText(flake, g);
  const right = fit(fullRight, Math.max(0, Math.min(cellWidth(fullRight), room)), g).trimEnd();
  const pathWidth = Math.max(1, width - NAME.length - cellWidth(right) - GAP);
  const path = middlePath(tildePath(state.flakeDir, state.home), pathWidth, g);
  const left = fit(`${NAME}${path}`, Math.max(0, width - cellWidth(right)), g);
  return (
    <Box width={width}>
      <Text bold color="cyanBright" wrap="truncate-end">
        {left}
      </Text>
      <Text color={state.flakeEval.status === 'error' ? 'yellow' : 'gray'} wrap="truncate-end">
        {right}
      </Text>
    </Box>
  );
}
