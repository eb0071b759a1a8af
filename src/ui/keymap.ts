// The keymap: bindings as data (keys/bindings.ts), key names and matchers (keys/matchers.ts),
// scopes (keys/scopes.ts), the one dispatcher (keys/dispatch.ts) and its command table
// (keys/commands.ts), the status bar's hints (keys/hints.ts).
export { type Binding, type CommandId, findBinding, type Group, KEYMAP, keyLabel } from './keys/bindings.js';
export { type KeyContext, keyContext } from './keys/context.js';
export { handleKey, keyOfTyped, splitTyped } from './keys/dispatch.js';
export { type Hint, statusHints } from './keys/hints.js';
export { type KeyName, keyMatcher, keyNameLabel, matcherOf } from './keys/matchers.js';
export { activeScope, type Scope, SCOPES } from './keys/scopes.js';
