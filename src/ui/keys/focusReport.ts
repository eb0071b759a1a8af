// The terminal's focus reports (xterm mode 1004, switched on by the console at start): ESC[I when
// the terminal gains focus, ESC[O when it loses it. Ink passes them on as the input "[I" / "[O"
// (the escape taken off); they are never keys.
import type { Key } from 'ink';

/** 'in' or 'out' for a focus report, null for anything else. */
export function focusReport(input: string, key: Pick<Key, 'ctrl' | 'meta'>): 'in' | 'out' | null {
  if (key.ctrl) return null;
  if (input === '[I' || input === '\x1b[I') return 'in';
  if (input === '[O' || input === '\x1b[O') return 'out';
  return null;
}
