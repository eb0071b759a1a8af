import type { Key } from 'ink';
import type { Controller } from '../../state/controller.js';
import { findBinding, keyLabel } from './bindings.js';
import { insertText, run } from './commands.js';
import { keyContext } from './context.js';
import { activeScope, noticePolicy, TEXT_SCOPES } from './scopes.js';

/**
 * One key, one command: the single dispatcher of the console. The state gives the scope, the
 * scope's bindings give the command, a disabled command says why in the status bar.
 */
export function handleKey(controller: Controller, input: string, key: Key, exit: () => void): void {
  const state = controller.state;
  const scope = activeScope(state);
  const policy = noticePolicy(scope);
  if (policy === 'always') controller.dismissNotice();
  const binding = findBinding(input, key, scope);
  const env = { controller, scope, exit };
  if (!binding) {
    if (TEXT_SCOPES.includes(scope) && input && !key.ctrl && !key.meta && !key.tab) insertText(env, input);
    return;
  }
  const reason = binding.disabledReason?.(keyContext(state)) ?? null;
  if (reason) return controller.setNotice({ kind: 'warn', key: keyLabel(binding), text: reason });
  if (policy === 'command' && !binding.keepsNotice) controller.dismissNotice();
  run(binding.command, env);
}

/**
 * One character of keys that arrived together ("5\r" typed fast, or pasted): Enter, Tab and
 * Backspace inside such a chunk are those keys, not text.
 */
export function keyOfTyped(part: string, key: Key): Key {
  if (part === '\r' || part === '\n') return { ...key, return: true };
  if (part === '\t') return { ...key, tab: true };
  if (part === '\x7f' || part === '\b') return { ...key, backspace: true };
  return key;
}

/** Plain keys typed quickly arrive as one string ("jjj"); split them so each moves once. */
export function splitTyped(input: string, key: Key): string[] {
  if (input.length <= 1 || key.ctrl || key.meta) return [input];
  return [...input];
}
