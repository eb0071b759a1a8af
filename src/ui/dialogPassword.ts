// The sudo password questions: before a rebuild run, and before a generation operation.
import type { PendingGenerationOp } from '../state/appState.js';
import { numberRanges } from '../core/generationWords.js';
import type { Glyphs } from './glyphs.js';
import type { DialogContent, DialogLine, DialogOf } from './dialogLine.js';

function opText(op: PendingGenerationOp, host: string): string {
  if (op.kind === 'delete') return `delete generation${op.generations.length === 1 ? '' : 's'} ${numberRanges(op.generations)} of ${host}`;
  return `${op.action} ${host} to generation ${op.generation}`;
}

/** A sudo password dialog's field: why it is asked again, what for, and the typed length masked. */
function passwordField(d: { host: string; error?: string; length: number }, what: string, g: Glyphs): DialogLine[] {
  return [
    ...(d.error ? [{ text: `${d.host}: ${d.error}: type it again`, color: 'red', bold: true, key: true }] : []),
    { text: `sudo needs your password to ${what}`, bold: true, key: true },
    { text: `password: ${'*'.repeat(d.length)}${g.cursor}`, color: 'yellow', key: true },
  ];
}

export function runPasswordLines(d: DialogOf<'password'>, g: Glyphs): DialogContent {
  return {
    title: 'sudo password',
    lines: [
      ...passwordField(d, `${d.action} ${d.host}${d.local ? ' (this machine)' : ''}`, g),
      { text: `Enter ${d.group ? 'go on' : 'start'} · Backspace edit · Esc cancel${d.group ? ' (this host only)' : ''}`, color: 'yellow', key: true },
      d.local
        ? { text: 'It goes to sudo on standard input and is not kept, logged or shown.', dim: true }
        : { text: `It goes to sudo on ${d.host} on standard input; kept in memory for ${d.host} until nixdeck quits, never logged or shown.`, dim: true },
    ],
  };
}

export function opPasswordLines(d: DialogOf<'opPassword'>, g: Glyphs): DialogContent {
  return {
    title: 'sudo password',
    lines: [
      ...passwordField(d, opText(d.op, d.host), g),
      { text: 'Enter go on · Backspace edit · Esc cancel (nothing changes)', color: 'yellow', key: true },
      { text: 'It goes to sudo on standard input and is not kept, logged or shown.', dim: true },
    ],
  };
}
