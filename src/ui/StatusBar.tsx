import { Box, Text } from 'ink';
import { type AppState, focusedList, type Notice } from '../state/appState.js';
import { activeScope, type Hint, statusHints } from './keymap.js';
import { glyphsFor, screenText } from './glyphs.js';
import { cellWidth, fit } from './text.js';
import { wrapLines } from './wrapLines.js';

const NOTICE_COLOR = { info: 'green', warn: 'yellow', error: 'red' } as const;

const SEPARATOR = ' · ';
const HELP = { keys: '?', hint: 'help' };
/** `? help` beside a message: two spaces, then the key and its word */
const HELP_CELLS = 8;

const hintWidth = (hints: Hint[]): number =>
  hints.reduce((sum, h, i) => sum + (i > 0 ? SEPARATOR.length : 0) + cellWidth(`${h.keys} ${h.hint}`), 0);

/** Hints that fit in `width`: `? help` and the last ones stay, those just before `? help` go first. */
function fitHints(hints: Hint[], width: number): Hint[] {
  const out = [...hints];
  const help = out.findIndex((h) => h.keys === HELP.keys);
  if (help < 0) return out;
  while (hintWidth(out) > width) {
    const at = out.findIndex((h) => h.keys === HELP.keys);
    // drop the one before `? help`; when none is left before it, the one after
    const drop = at > 0 ? at - 1 : at + 1;
    if (drop >= out.length) break;
    out.splice(drop, 1);
  }
  return out;
}

function Keys({ hints, width, ascii }: { hints: Hint[]; width?: number; ascii: boolean }) {
  const g = glyphsFor(ascii);
  const shown = (width === undefined ? hints : fitHints(hints, width)).map((h) => ({ keys: screenText(h.keys, g), hint: screenText(h.hint, g) }));
  const text = (
    <Text wrap={ascii ? 'wrap' : 'truncate-end'}>
      {shown.map((h, i) => (
        <Text key={h.keys}>
          {i > 0 ? screenText(SEPARATOR, g) : ''}
          <Text color="yellow">{h.keys}</Text> {h.hint}
        </Text>
      ))}
    </Text>
  );
  // Ink cuts with `…`: in ASCII mode the row is clipped at a word instead
  return ascii ? (
    <Box height={1} overflow="hidden">
      {text}
    </Box>
  ) : (
    text
  );
}

/** The words of a notice: the key it is about, or warning/error, before its text. */
function noticeText(notice: Notice): string {
  if (notice.key) return `${notice.key}: ${notice.text}`;
  const prefix = notice.kind === 'info' ? '' : `${notice.kind === 'warn' ? 'warning' : 'error'}: `;
  return `${prefix}${notice.text}`;
}

/** The notice the status bar shows now, and whether `? help` stands beside it (where ? opens help). */
function shownNotice(state: AppState): { notice: Notice; help: boolean } | null {
  if (!state.notice) return null;
  // a message can quote a file or a log: shown screen-safe (and in ASCII when asked)
  const g = glyphsFor(state.prefs.asciiBorders);
  const notice = { ...state.notice, text: screenText(state.notice.text, g), ...(state.notice.key ? { key: screenText(state.notice.key, g) } : {}) };
  const dialog = state.dialog;
  if (dialog) return dialog.kind === 'confirmActivate' || dialog.kind === 'confirmDelete' ? { notice, help: false } : null;
  if (state.genView) return { notice, help: false };
  if ((state.overlay === 'inputs' || state.overlay === 'history') && !state.history.editing) return { notice, help: false };
  if (focusedList(state)?.editing || (state.focus === 'runs' && state.runs.searching) || state.overlay !== 'none') return null;
  return { notice, help: true };
}

function noticeLines(shown: { notice: Notice; help: boolean }, width: number, maxLines: number): string[] {
  const first = shown.help ? width - HELP_CELLS : width;
  return wrapLines(noticeText(shown.notice), [first, width], maxLines);
}

/** How many lines the status bar needs: a long message wraps onto up to `max` lines (the layout's measure). */
export function statusBarRows(state: AppState, width: number, max: number): number {
  const shown = shownNotice(state);
  return shown ? noticeLines(shown, width, max).length : 1;
}

/** A message in full, wrapped; `? help` at the end of its first line where ? opens the help. */
function NoticeLines({ shown, width, rows }: { shown: { notice: Notice; help: boolean }; width: number; rows: number }) {
  const lines = noticeLines(shown, width, rows);
  const color = NOTICE_COLOR[shown.notice.kind];
  return (
    <Box flexDirection="column" width={width}>
      {lines.map((line, i) => (
        <Text key={i} wrap="truncate-end">
          <Text color={color}>{i === 0 && shown.help ? fit(line, width - HELP_CELLS) : line}</Text>
          {i === 0 && shown.help ? (
            <Text>
              {'  '}
              <Text color="yellow">?</Text> help
            </Text>
          ) : null}
        </Text>
      ))}
    </Box>
  );
}

/** The filter or the log search being typed, with what it matches and its keys. */
function TypedLine({ text, note, hints, ascii }: { text: string; note: string; hints: Hint[]; ascii: boolean }) {
  const keys = hints.map((h) => `${h.keys} ${h.hint}`).join(SEPARATOR);
  return (
    <Text wrap="truncate-end">
      <Text color="yellow">/</Text>
      {text}
      <Text inverse> </Text>
      <Text dimColor>{screenText(`  ${note}${SEPARATOR}${keys}`, glyphsFor(ascii))}</Text>
    </Text>
  );
}

/**
 * The filter or search being typed, else the latest notice where the scope shows one (wrapped
 * onto up to `rows` lines), else the keys of the active scope; `? help` stays wherever ? opens the help.
 */
export function StatusBar({ state, width, rows = 1 }: { state: AppState; width: number; rows?: number }) {
  const scope = activeScope(state);
  const hints = statusHints(state, scope);
  const ascii = state.prefs.asciiBorders;
  if (scope === 'filter') {
    const pane = focusedList(state);
    const count = pane?.hits.length ?? 0;
    return <TypedLine text={pane?.filter ?? ''} note={`${count} match${count === 1 ? '' : 'es'}`} hints={hints} ascii={ascii} />;
  }
  if (scope === 'historyFilter') {
    const count = state.history.hits.length;
    return <TypedLine text={state.history.filter} note={`${count} commit${count === 1 ? '' : 's'}`} hints={hints} ascii={ascii} />;
  }
  if (scope === 'search') return <TypedLine text={state.runs.searchDraft} note="search the log" hints={hints} ascii={ascii} />;
  // a message about a question or a view (e.g. a choice that changes nothing) comes before its keys
  const shown = shownNotice(state);
  if (shown) return <NoticeLines shown={shown} width={width} rows={rows} />;
  return <Keys ascii={ascii} hints={hints} width={width} />;
}
