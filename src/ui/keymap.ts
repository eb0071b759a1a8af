import type { Key } from 'ink';
import type { PaneId } from '../core/prefsSchema.js';

export type CommandId =
  | 'quit'
  | 'help'
  | 'escape'
  | 'focusNext'
  | 'focusPrev'
  | 'focusHosts'
  | 'focusGenerations'
  | 'focusTodos'
  | 'down'
  | 'up'
  | 'top'
  | 'bottom'
  | 'halfDown'
  | 'halfUp'
  | 'pageDown'
  | 'pageUp'
  | 'filter'
  | 'toggleTodo'
  | 'hideDone'
  | 'refresh'
  | 'flakeError';

export type Group = 'Move' | 'Panes' | 'Filter' | 'Todos' | 'General';

export interface Binding {
  command: CommandId;
  /** how the keys are written in the help and the status bar */
  keys: string;
  description: string;
  group: Group;
  /** only in these panes; all panes when absent */
  panes?: readonly PaneId[];
  /** short word for the status bar; not shown there when absent */
  hint?: string;
  match(input: string, key: Key): boolean;
}

const ch = (c: string) => (input: string, key: Key) => input === c && !key.ctrl && !key.meta;
const ctrl = (c: string) => (input: string, key: Key) => key.ctrl && input === c;

/** The one keymap: every binding the console has, in the order the help lists them. */
export const KEYMAP: readonly Binding[] = [
  { command: 'down', keys: 'j ↓', description: 'move down', group: 'Move', hint: 'move', match: (i, k) => k.downArrow || ch('j')(i, k) },
  { command: 'up', keys: 'k ↑', description: 'move up', group: 'Move', match: (i, k) => k.upArrow || ch('k')(i, k) },
  { command: 'top', keys: 'g Home', description: 'go to the top', group: 'Move', match: (i, k) => k.home || ch('g')(i, k) },
  { command: 'bottom', keys: 'G End', description: 'go to the bottom', group: 'Move', match: (i, k) => k.end || ch('G')(i, k) },
  { command: 'halfDown', keys: 'Ctrl-d', description: 'half a page down', group: 'Move', match: ctrl('d') },
  { command: 'halfUp', keys: 'Ctrl-u', description: 'half a page up', group: 'Move', match: ctrl('u') },
  { command: 'pageDown', keys: 'PgDn', description: 'a page down', group: 'Move', match: (_i, k) => k.pageDown },
  { command: 'pageUp', keys: 'PgUp', description: 'a page up', group: 'Move', match: (_i, k) => k.pageUp },
  { command: 'focusNext', keys: 'Tab', description: 'next pane', group: 'Panes', hint: 'pane', match: (_i, k) => k.tab && !k.shift },
  { command: 'focusPrev', keys: 'Shift-Tab', description: 'previous pane', group: 'Panes', match: (_i, k) => k.tab && k.shift },
  { command: 'focusHosts', keys: '1', description: 'hosts pane', group: 'Panes', match: ch('1') },
  { command: 'focusGenerations', keys: '2', description: 'generations pane', group: 'Panes', match: ch('2') },
  { command: 'focusTodos', keys: '3', description: 'todos pane', group: 'Panes', match: ch('3') },
  { command: 'filter', keys: '/', description: 'fuzzy filter (Enter/Esc)', group: 'Filter', hint: 'filter', match: ch('/') },
  { command: 'toggleTodo', keys: 'Space', description: 'tick / untick', group: 'Todos', panes: ['todos'], hint: 'tick', match: (i, k) => i === ' ' && !k.ctrl },
  { command: 'hideDone', keys: 'H', description: 'hide / show ticked', group: 'Todos', panes: ['todos'], hint: 'hide done', match: ch('H') },
  { command: 'refresh', keys: 'R', description: 'reload generations, todos', group: 'General', match: ch('R') },
  { command: 'flakeError', keys: 'e', description: 'flake evaluation error', group: 'General', match: ch('e') },
  { command: 'escape', keys: 'Esc', description: 'close / clear / dismiss', group: 'General', match: (_i, k) => k.escape },
  { command: 'help', keys: '?', description: 'this help', group: 'General', hint: 'help', match: ch('?') },
  { command: 'quit', keys: 'q', description: 'quit', group: 'General', hint: 'quit', match: ch('q') },
];

export function findBinding(input: string, key: Key, pane: PaneId): Binding | undefined {
  return KEYMAP.find((b) => (!b.panes || b.panes.includes(pane)) && b.match(input, key));
}

/** Bindings worth a word in the status bar for this pane, in keymap order. */
export function statusHints(pane: PaneId, extra: { flakeError: boolean }): { keys: string; hint: string }[] {
  const hints = KEYMAP.filter((b) => b.hint && (!b.panes || b.panes.includes(pane))).map((b) => ({
    keys: b.command === 'down' ? 'j/k' : b.keys,
    hint: b.hint ?? '',
  }));
  if (extra.flakeError) hints.splice(hints.length - 2, 0, { keys: 'e', hint: 'flake error' });
  return hints;
}

/** Plain keys typed quickly arrive as one string ("jjj"); split them so each moves once. */
export function splitTyped(input: string, key: Key): string[] {
  if (input.length <= 1 || key.ctrl || key.meta) return [input];
  return [...input];
}
