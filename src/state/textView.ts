// A read-only text over the body: `git status` and `git diff --stat`, `git show --stat` of a
// commit, a hook's output. Whatever opens it hands over a loader; the view scrolls what it got.
import type { Result } from '../core/result.js';
import type { Loadable } from './appState.js';
import { reduceWindow } from './listWindow.js';
import { setState, type SliceContext } from './slice.js';

export interface TextViewState {
  title: string;
  lines: Loadable<string[]>;
  /** first line shown (the rows shown: state.layout.overlayRows) */
  scroll: number;
  /** which show() this is: a late answer for an earlier one is dropped */
  seq: number;
}

export function textLineCount(view: TextViewState | null): number {
  return view?.lines.status === 'ok' ? view.lines.value.length : 0;
}

export class TextViewSlice {
  private seq = 0;

  constructor(private readonly ctx: SliceContext) {}

  /** Open the view at once ("loading…"), then fill it with what `load` gives. */
  show(title: string, load: () => Promise<Result<string[]>>): void {
    const seq = ++this.seq;
    setState(this.ctx.store, { textView: { title, lines: { status: 'loading' }, scroll: 0, seq } });
    void load()
      .catch((error: unknown): Result<string[]> => ({ ok: false, error: error instanceof Error ? error.message : String(error) }))
      .then((result) => {
        if (this.ctx.disposed()) return;
        this.ctx.store.update((s) => {
          if (s.textView?.seq !== seq) return s;
          const lines: Loadable<string[]> = result.ok
            ? { status: 'ok', value: result.value }
            : { status: 'error', error: result.error, ...(result.hint !== undefined ? { hint: result.hint } : {}) };
          return { ...s, textView: { ...s.textView, lines } };
        });
      });
  }

  /** Show lines already known (e.g. a failed hook's output). */
  showLines(title: string, lines: string[]): void {
    this.show(title, () => Promise.resolve({ ok: true, value: lines }));
  }

  close(): void {
    this.seq++;
    setState(this.ctx.store, { textView: null });
  }

  scroll(delta: number): void {
    this.ctx.store.update((s) => {
      const view = s.textView;
      if (!view) return s;
      const { offset } = reduceWindow({ cursor: view.scroll, offset: view.scroll }, { count: textLineCount(view), rows: s.layout.overlayRows }, { kind: 'scroll', delta });
      return offset === view.scroll ? s : { ...s, textView: { ...view, scroll: offset } };
    });
  }

  scrollPage(direction: 1 | -1, fraction: 1 | 0.5): void {
    this.scroll(direction * Math.max(1, Math.floor(this.ctx.store.get().layout.overlayRows * fraction)));
  }
}
