// The commit question after a deploy: the message in a one-line field, edited in place; Enter
// commits, Esc leaves the changes as they are. Drawn by Dialog.tsx like every other question.
import type { DialogContent, DialogOf } from './dialogLine.js';
import type { Glyphs } from './glyphs.js';

/** Files named in the question's last line before the rest are counted. */
const FILES_SHOWN = 6;

export function commitQuestionLines(d: DialogOf<'commit'>, g: Glyphs): DialogContent {
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
