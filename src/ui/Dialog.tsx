import { Box, Text } from 'ink';
import type { AppState } from '../state/appState.js';
import { type Glyphs, glyphsFor, screenText } from './glyphs.js';
import { Overlay } from './Overlay.js';
import { commitQuestionLines } from './commitQuestion.js';
import { fit, wrappedRows } from './text.js';
import type { DialogContent, DialogLine } from './dialogLine.js';
import { confirmActivateLines, confirmDeleteLines, keepPolicyLines } from './dialogGenerationQuestions.js';
import { opPasswordLines, runPasswordLines } from './dialogPassword.js';
import { confirmCancelLines, confirmGroupLines, confirmQuitLines, confirmRunLines } from './dialogRunQuestions.js';

function dialogLines(state: AppState, g: Glyphs): DialogContent | null {
  const d = state.dialog;
  if (!d) return null;
  switch (d.kind) {
    case 'confirmRun':
      return confirmRunLines(d, state);
    case 'confirmGroup':
      return confirmGroupLines(d);
    case 'password':
      return runPasswordLines(d, g);
    case 'confirmCancel':
      return confirmCancelLines(d, state);
    case 'confirmActivate':
      return confirmActivateLines(d, state);
    case 'confirmDelete':
      return confirmDeleteLines(d, state);
    case 'keepPolicy':
      return keepPolicyLines(d, g);
    case 'opPassword':
      return opPasswordLines(d, g);
    case 'commit':
      return commitQuestionLines(d, g);
    case 'confirmQuit':
      return confirmQuitLines(d, state);
  }
}

/** The lines of the dialog as shown: screen-safe, questions and keys first. */
function shownLines(state: AppState): DialogLine[] | null {
  const g = glyphsFor(state.prefs.asciiBorders);
  const content = dialogLines(state, g);
  if (!content) return null;
  const lines = content.lines.map((line) => ({ ...line, text: screenText(line.text, g) }));
  return [...lines.filter((l) => l.key), ...lines.filter((l) => !l.key)];
}

/** The rows a dialog needs at this width (its lines, wrapped, and its border). */
export function dialogRows(state: AppState, width: number): number {
  const lines = shownLines(state);
  if (!lines) return 0;
  const inner = Math.max(1, width - 4);
  return 2 + lines.reduce((n, line) => n + wrappedRows(line.text, inner), 0);
}

/**
 * A question in place of the bottom area; it has the keyboard until answered. The question
 * and its answer keys come first, wrapped when there is room and one row each when not; the
 * explanation lines follow in the rows left, each whole or left out.
 */
export function DialogBox({ state, width, height }: { state: AppState; width: number; height: number }) {
  const lines = shownLines(state);
  if (!lines) return null;
  const g = glyphsFor(state.prefs.asciiBorders);
  const inner = Math.max(1, width - 4);
  const rows = Math.max(0, height - 2);
  const keyRows = lines.filter((l) => l.key).reduce((n, l) => n + wrappedRows(l.text, inner), 0);
  const wrapKeys = keyRows <= rows;
  // an explanation is shown whole or not at all, so that a command is never cut in the middle
  let left = rows - (wrapKeys ? keyRows : lines.filter((l) => l.key).length);
  const shown = lines.filter((line) => {
    if (line.key) return true;
    const need = wrappedRows(line.text, inner);
    if (need > left) return false;
    left -= need;
    return true;
  });
  return (
    <Overlay width={width} height={height} ascii={g.ascii} tone="warn">
      {shown.map((line, i) => (
        // no shrinking: a row that does not fit is cut at the bottom, never squeezed into another
        <Box key={i} flexShrink={0}>
          <Text wrap={line.key && !wrapKeys ? 'truncate-end' : 'wrap'} bold={line.bold} dimColor={line.dim} color={line.color}>
            {line.key && !wrapKeys ? fit(line.text, inner, g).trimEnd() : line.text}
          </Text>
        </Box>
      ))}
    </Overlay>
  );
}
