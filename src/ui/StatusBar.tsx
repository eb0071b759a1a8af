import { Text } from 'ink';
import { type AppState, focusedList, type Notice, selectedRunPane, selectedRunView } from '../state/appState.js';
import { statusHints } from './keymap.js';
import { fit } from './text.js';

const NOTICE_COLOR = { info: 'green', warn: 'yellow', error: 'red' } as const;

function Keys({ hints }: { hints: { keys: string; hint: string }[] }) {
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

function NoticeLine({ notice, width }: { notice: Notice; width: number }) {
  const prefix = notice.kind === 'info' ? '' : `${notice.kind === 'warn' ? 'warning' : 'error'}: `;
  return (
    <Text color={NOTICE_COLOR[notice.kind]} wrap="truncate-end">
      {fit(`${prefix}${notice.text}`, width)}
    </Text>
  );
}

/** One line: a dialog's keys, the filter or search being typed, else the latest notice, else the keys that apply now. */
export function StatusBar({ state, width }: { state: AppState; width: number }) {
  const dialog = state.dialog;
  const notice = state.notice ? <NoticeLine notice={state.notice} width={width} /> : null;
  if (dialog) {
    if (dialog.kind === 'password') return <Keys hints={[{ keys: 'Enter', hint: 'start' }, { keys: 'Backspace', hint: 'edit' }, { keys: 'Esc', hint: 'cancel' }]} />;
    if (dialog.kind === 'opPassword') return <Keys hints={[{ keys: 'Enter', hint: 'go on' }, { keys: 'Backspace', hint: 'edit' }, { keys: 'Esc', hint: 'cancel' }]} />;
    // a message about the question (e.g. a choice that changes nothing) comes before its keys
    if (dialog.kind === 'confirmActivate')
      return (
        notice ?? (
          <Keys
            hints={[
              { keys: 's', hint: 'switch' },
              { keys: 'b', hint: 'boot' },
              { keys: 't', hint: 'test' },
              { keys: 'n/Esc/Enter', hint: 'no' },
              { keys: 'j/k', hint: 'scroll diff' },
            ]}
          />
        )
      );
    if (dialog.kind === 'confirmDelete') return notice ?? <Keys hints={[{ keys: 'y', hint: 'delete' }, { keys: 'n/Esc/Enter', hint: 'no' }, { keys: 'j/k', hint: 'scroll list' }]} />;
    if (dialog.kind === 'keepPolicy') return <Keys hints={[{ keys: 'Tab', hint: 'field' }, { keys: 'Enter', hint: 'preview' }, { keys: 'Esc', hint: 'cancel' }]} />;
    return <Keys hints={[{ keys: 'y', hint: 'yes' }, { keys: 'n/Esc/Enter', hint: 'no' }]} />;
  }
  if (state.genView) {
    if (notice) return notice;
    const forSwitch = state.genView.kind === 'diff' && state.genView.purpose === 'switch';
    return <Keys hints={[{ keys: 'j/k', hint: 'scroll' }, ...(forSwitch ? [{ keys: 'Enter', hint: 'go on (asks)' }, { keys: 'Esc', hint: 'back' }] : [{ keys: 'Esc', hint: 'close' }])]} />;
  }
  const pane = focusedList(state);
  if (pane?.editing) {
    return (
      <Text wrap="truncate-end">
        <Text color="yellow">/</Text>
        {pane.filter}
        <Text inverse> </Text>
        <Text dimColor>{`  ${pane.hits.length} match${pane.hits.length === 1 ? '' : 'es'} · Enter keep · Esc clear`}</Text>
      </Text>
    );
  }
  if (state.focus === 'runs' && state.runs.searching) {
    return (
      <Text wrap="truncate-end">
        <Text color="yellow">/</Text>
        {state.runs.searchDraft}
        <Text inverse> </Text>
        <Text dimColor>{'  search the log · Enter find · Esc clear'}</Text>
      </Text>
    );
  }
  if (state.overlay === 'runs') return <Keys hints={[{ keys: 'j/k', hint: 'move' }, { keys: 'Enter', hint: 'open' }, { keys: 'Esc', hint: 'close' }]} />;
  if (state.overlay !== 'none') return <Text dimColor>Esc close</Text>;
  if (notice) return notice;
  const view = state.focus === 'runs' ? selectedRunView(state) : undefined;
  const hints = statusHints(state.focus, {
    flakeError: state.flakeEval.status === 'error',
    ...(state.focus === 'runs' ? { runGoing: view ? view.phase === 'running' : undefined, openRuns: state.runs.open.length } : {}),
  });
  const search = state.focus === 'runs' ? selectedRunPane(state)?.search : '';
  if (search) hints.splice(Math.max(0, hints.length - 2), 0, { keys: 'n/N', hint: 'match' });
  return <Keys hints={hints} />;
}
