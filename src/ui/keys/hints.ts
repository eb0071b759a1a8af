import type { AppState } from '../../state/appState.js';
import { KEYMAP, keyLabel } from './bindings.js';
import { keyContext } from './context.js';
import { activeScope, type Scope } from './scopes.js';

export interface Hint {
  keys: string;
  hint: string;
}

/** The status bar's words for the scope the keyboard is in, in keymap order. */
export function statusHints(state: AppState, scope: Scope = activeScope(state)): Hint[] {
  const ctx = keyContext(state);
  return KEYMAP.flatMap((b) => {
    if (!b.hint || !b.scopes.includes(scope)) return [];
    const hint = typeof b.hint === 'string' ? b.hint : b.hint[scope];
    if (!hint || (b.hintWhen && !b.hintWhen(ctx))) return [];
    return [{ keys: b.hintKeys ?? keyLabel(b), hint }];
  });
}
