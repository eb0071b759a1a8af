import type { Key } from 'ink';

/** A key that has a name of its own; any other name is one typed character ('j', 'G', '?'). */
const NAMED = ['down', 'up', 'pageDown', 'pageUp', 'home', 'end', 'return', 'escape', 'tab', 'shift-tab', 'backspace', 'delete', 'space'] as const;
type NamedKey = (typeof NAMED)[number];
type CtrlKey = `ctrl-${string}`;

/** A key as the keymap writes it: a named key, `ctrl-x`, or one character typed without Ctrl or Meta. */
export type KeyName = NamedKey | CtrlKey | (string & {});

export type KeyMatcher = (input: string, key: Key) => boolean;

const NAMED_MATCHERS: Record<NamedKey, KeyMatcher> = {
  down: (_i, k) => k.downArrow,
  up: (_i, k) => k.upArrow,
  pageDown: (_i, k) => k.pageDown,
  pageUp: (_i, k) => k.pageUp,
  home: (_i, k) => k.home,
  end: (_i, k) => k.end,
  return: (_i, k) => k.return,
  escape: (_i, k) => k.escape,
  tab: (_i, k) => k.tab && !k.shift,
  'shift-tab': (_i, k) => k.tab && k.shift,
  backspace: (_i, k) => k.backspace,
  delete: (_i, k) => k.delete,
  space: (i, k) => i === ' ' && !k.ctrl,
};

const LABELS: Record<NamedKey, string> = {
  down: '↓',
  up: '↑',
  pageDown: 'PgDn',
  pageUp: 'PgUp',
  home: 'Home',
  end: 'End',
  return: 'Enter',
  escape: 'Esc',
  tab: 'Tab',
  'shift-tab': 'S-Tab',
  backspace: 'Backspace',
  delete: 'Del',
  space: 'Space',
};

const isNamed = (name: KeyName): name is NamedKey => (NAMED as readonly string[]).includes(name);

/** The matcher of one key name. */
export function keyMatcher(name: KeyName): KeyMatcher {
  if (isNamed(name)) return NAMED_MATCHERS[name];
  if (name.startsWith('ctrl-')) {
    const c = name.slice('ctrl-'.length);
    return (input, key) => key.ctrl && input === c;
  }
  return (input, key) => input === name && !key.ctrl && !key.meta;
}

/** One matcher for a list of key names: any of them. */
export function matcherOf(names: readonly KeyName[]): KeyMatcher {
  const matchers = names.map(keyMatcher);
  return (input, key) => matchers.some((m) => m(input, key));
}

/** How a key is written in the help and the status bar: `↓`, `Enter`, `Ctrl-d`, `j`. */
export function keyNameLabel(name: KeyName): string {
  if (isNamed(name)) return LABELS[name];
  if (name.startsWith('ctrl-')) return `Ctrl-${name.slice('ctrl-'.length)}`;
  return name;
}
