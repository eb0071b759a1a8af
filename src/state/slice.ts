import type { AppState, Notice } from './appState.js';
import type { Services } from './services.js';
import type { Store } from './store.js';

/** What every slice of the console's actions shares: the one store and the outside world. */
export interface SliceContext {
  store: Store<AppState>;
  services: Services;
  /** the wall clock elapsed times are shown against */
  now(): number;
  /** the console was closed: late answers change nothing */
  disposed(): boolean;
}

export function setState(store: Store<AppState>, patch: Partial<AppState>): void {
  store.update((s) => ({ ...s, ...patch }));
}

export function notify(store: Store<AppState>, kind: Notice['kind'], text: string): void {
  setState(store, { notice: { kind, text } });
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
