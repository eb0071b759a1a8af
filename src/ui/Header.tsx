import { Box, Text } from 'ink';
import type { AppState } from '../state/appState.js';
import { gitHeaderForms } from './gitText.js';
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
  // the git state and the `I inputs` hint take only the room the path leaves: they go first
  let slack = width - NAME.length - cellWidth(path) - GAP - cellWidth(right);
  const gitForm = gitHeaderForms(state.git.value, g).find((form) => GAP + cellWidth(form) <= slack);
  const git = gitForm === undefined ? '' : `${' '.repeat(GAP)}${gitForm}`;
  slack -= cellWidth(git);
  const hintText = screenText(right === '' ? 'I inputs' : ' · I inputs', g);
  const hint = state.git.available && cellWidth(hintText) <= slack ? hintText : '';
  const left = fit(`${NAME}${path}`, Math.max(0, width - cellWidth(right) - cellWidth(git) - cellWidth(hint)), g);
  const dirty = (state.git.value?.changed.length ?? 0) > 0;
  return (
    <Box width={width}>
      <Text bold color="cyanBright" wrap="truncate-end">
        {git === '' ? left : `${NAME}${path}`}
      </Text>
      {git === '' ? null : (
        <Text color={dirty ? 'yellow' : 'green'} wrap="truncate-end">
          {fit(git, Math.max(0, width - cellWidth(`${NAME}${path}`) - cellWidth(right) - cellWidth(hint)), g)}
        </Text>
      )}
      <Text color={state.flakeEval.status === 'error' ? 'yellow' : 'gray'} wrap="truncate-end">
        {right}
        {hint}
      </Text>
    </Box>
  );
}
