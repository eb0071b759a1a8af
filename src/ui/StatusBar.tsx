import { Text } from 'ink';
import type { AppState } from '../state/appState.js';
import { statusHints } from './keymap.js';
import { fit } from './text.js';

const NOTICE_COLOR = { info: 'green', warn: 'yellow', error: 'red' } as const;

/** One line: the filter being typed, else the latest notice, else the keys that apply now. */
export function StatusBar({ state, width }: { state: AppState; width: number }) {
  const pane = state.panes[state.focus];
  if (pane.editing) {
    return (
      <Text wrap="truncate-end">
        <Text color="yellow">/</Text>
        {pane.filter}
        <Text inverse> </Text>
        <Text dimColor>{`  ${pane.hits.length} match${pane.hits.length === 1 ? '' : 'es'} · Enter keep · Esc clear`}</Text>
      </Text>
    );
  }
  if (state.overlay !== 'none') return <Text dimColor>Esc close</Text>;
  if (state.notice) {
    const prefix = state.notice.kind === 'info' ? '' : `${state.notice.kind === 'warn' ? 'warning' : 'error'}: `;
    return (
      <Text color={NOTICE_COLOR[state.notice.kind]} wrap="truncate-end">
        {fit(`${prefix}${state.notice.text}`, width)}
      </Text>
    );
  }
  const hints = statusHints(state.focus, { flakeError: state.flakeEval.status === 'error' });
  return (
    <Text wrap="truncate-end">
      {hints.map((h, i) => (
        <Text key={h.keys}>
          {i > 0 ? ' · ' : ''}
          <Text color="yellow">{h.keys}</Text> {h.hint}
        </Text>
      ))}
    </Text>
  );
}
