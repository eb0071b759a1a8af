// The commit question after a deploy: the message in a one-line field, edited in place; Enter
// commits, Esc leaves the changes as they are. Drawn by Dialog.tsx like every other question.
import type { AppState } from '../state/appState.js';
import type { Glyphs } from './glyphs.js';

type CommitDialog = Extract<NonNullable<AppState['dialog']>, { kind: 'commit' }>;

/** One line of a question, as Dialog.tsx draws it (`key`: shown first, never left out). */
export interface QuestionLine {
  text: string;
  bold?: boolean;
  dim?: boolean;
  color?: string;
  key?: boolean;
}

/** Files named in the question's last line before the rest are counted. */
const FILES_SHOWN = 6;

export function commitQuestionLines(d: CommitDialog, g: Glyphs): { title: string; lines: QuestionLine[] } {
  const n = d.files.length;
  const files = d.files.slice(0, FILES_SHOWN).join(', ') + (n > FILES_SHOWN ? `, ${g.ellipsis} (${n} files)` : '');
  return {
    title: 'commit',
    lines: [
      { text: `${d.action} of ${d.hosts.join(', ')} succeeded: commit the ${n === 1 ? 'changed file' : `${n} changed files`}?`, bold: true, color: 'yellow', key: true },
      { text: `message: ${d.message}${g.cursor}`, color: 'yellow', key: true },
      { text: 'Enter commit · Backspace edit · Ctrl-U clear · Esc no (the changes stay)', color: 'yellow', key: true },
      { text: `changed: ${files}`, dim: true },
      { text: 'git add -A, then git commit with your git identity and hooks; nothing is pushed.', dim: true },
    ],
  };
}
