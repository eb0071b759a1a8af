import os from 'node:os';
import { Box, Text } from 'ink';
import type { AppState } from '../state/appState.js';
import { fit } from './text.js';

function tildify(dir: string): string {
  const home = os.homedir();
  return home && home !== '/' && dir.startsWith(`${home}/`) ? `~${dir.slice(home.length)}` : dir;
}

export function Header({ state, width }: { state: AppState; width: number }) {
  const local = state.hosts.find((h) => h.local);
  const flake =
    state.flakeEval.status === 'loading'
      ? 'flake: evaluating…'
      : state.flakeEval.status === 'ok'
        ? `flake: ${state.flakeEval.value.length} configurations`
        : 'flake: evaluation failed (e)';
  const right = `${flake}${local ? ` · this machine: ${local.name}` : ''}`;
  const left = fit(` nixdeck  ${tildify(state.flakeDir)}`, Math.max(10, width - right.length - 1));
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
