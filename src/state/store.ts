/** A minimal observable store: one state value, replaced on each change, with subscribers. */
export interface Store<S> {
  get(): S;
  update(fn: (state: S) => S): void;
  subscribe(listener: () => void): () => void;
}

/**
 * `settle` is applied to every new state before it is published (and to the initial one): what
 * is derived from the whole state (the screen's layout) stays in step with every change.
 */
export function createStore<S>(initial: S, settle: (state: S) => S = (s) => s): Store<S> {
  let state = settle(initial);
  const listeners = new Set<() => void>();
  return {
    get: () => state,
    update(fn) {
      const changed = fn(state);
      if (changed === state) return;
      const next = settle(changed);
      state = next;
      for (const listener of listeners) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
