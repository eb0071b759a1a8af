// Marking hosts in the Hosts pane (Space, `a`) to deploy them together with one key.
import { type AppState, selectedHostOf } from './appState.js';
import { notify, type SliceContext } from './slice.js';

/** The marked hosts that are still in the list, in the list's order. */
export function markedHostsOf(state: AppState): string[] {
  const marked = new Set(state.markedHosts);
  return state.hosts.filter((h) => marked.has(h.name)).map((h) => h.name);
}

export class MarksSlice {
  constructor(private readonly ctx: SliceContext) {}

  private get state(): AppState {
    return this.ctx.store.get();
  }

  private set(markedHosts: string[], text: string): void {
    this.ctx.store.update((s) => ({ ...s, markedHosts }));
    notify(this.ctx.store, 'info', text);
  }

  /** Space in the Hosts pane: mark or unmark the selected host. */
  toggleSelected(): void {
    const host = selectedHostOf(this.state);
    if (!host) return notify(this.ctx.store, 'info', 'no host selected');
    const before = markedHostsOf(this.state);
    const marking = !before.includes(host.name);
    const after = new Set(marking ? [...before, host.name] : before.filter((n) => n !== host.name));
    const ordered = this.state.hosts.filter((h) => after.has(h.name)).map((h) => h.name);
    this.set(ordered, marking ? `${host.name} marked: ${describe(ordered)}` : `${host.name} unmarked: ${describe(ordered)}`);
  }

  /** a: mark every host, or clear the marks when there are any. */
  toggleAll(): void {
    if (markedHostsOf(this.state).length > 0) return this.set([], 'marks cleared: s, B and t act on the selected host again');
    const all = this.state.hosts.map((h) => h.name);
    if (all.length === 0) return notify(this.ctx.store, 'info', 'no hosts to mark');
    this.set(all, `all marked: ${describe(all)}`);
  }

  /** Forget every mark (after the marked hosts were deployed). */
  clear(): void {
    if (this.state.markedHosts.length > 0) this.ctx.store.update((s) => ({ ...s, markedHosts: [] }));
  }
}

function describe(marked: readonly string[]): string {
  if (marked.length === 0) return 'no host marked';
  return `${marked.length} marked · s, B or t deploys ${marked.length === 1 ? 'it' : 'them together'} (asks first) · a clears`;
}
