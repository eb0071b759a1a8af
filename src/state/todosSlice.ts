import type { ParsedTodo } from '../core/types.js';
import type { TodoSnapshot } from '../system/todoFile.js';
import { type AppState, filterTodos, type Loadable, type Notice } from './appState.js';
import { clampPane } from './listWindow.js';
import { setState, type SliceContext } from './slice.js';

/** The todos pane: reading PROJECT.md, ticking a todo, hiding the ticked ones. */
export class TodosSlice {
  /** the todos the pane lists: all of them, or the open ones while ticked ones are hidden */
  private todoItems: ParsedTodo[] = [];

  constructor(private readonly ctx: SliceContext) {}

  private get state(): AppState {
    return this.ctx.store.get();
  }

  items(): readonly ParsedTodo[] {
    return this.todoItems;
  }

  selectedTodo(): ParsedTodo | undefined {
    const pane = this.state.panes.todos;
    return pane.hits[pane.cursor]?.item;
  }

  async reloadTodos(notice?: Notice): Promise<void> {
    const result = await this.ctx.services.readTodos(this.state.todoFile);
    this.applyTodos(result.ok ? { status: 'ok', value: result.snapshot } : { status: 'error', error: result.error }, notice);
  }

  private applyTodos(todos: Loadable<TodoSnapshot>, notice?: Notice): void {
    const keepId = this.selectedTodo()?.id;
    const all = todos.status === 'ok' ? todos.value.todos : [];
    this.todoItems = this.state.prefs.hideDoneTodos ? all.filter((t) => !t.done) : all;
    this.ctx.store.update((s) => {
      const hits = filterTodos(this.todoItems, s.panes.todos.filter);
      const found = hits.findIndex((h) => h.item.id === keepId);
      const cursor = found >= 0 ? found : s.panes.todos.cursor;
      return {
        ...s,
        todos,
        ...(notice ? { notice } : {}),
        panes: { ...s.panes, todos: clampPane({ ...s.panes.todos, hits, cursor }, s.layout.lists.todos) },
      };
    });
  }

  async toggleSelectedTodo(): Promise<void> {
    const todo = this.selectedTodo();
    const todos = this.state.todos;
    if (!todo || todos.status !== 'ok') return;
    const outcome = await this.ctx.services.setTodoDone(todos.value, todo, !todo.done);
    switch (outcome.kind) {
      case 'written':
        this.applyTodos(
          { status: 'ok', value: outcome.snapshot },
          { kind: 'info', text: `${outcome.todo.done ? 'done' : 'not done'}: ${outcome.todo.text} (line ${outcome.todo.line})` },
        );
        return;
      case 'unchanged':
        return;
      case 'conflict':
        this.applyTodos(
          outcome.reread.ok ? { status: 'ok', value: outcome.reread.snapshot } : { status: 'error', error: outcome.reread.error },
          { kind: 'warn', text: outcome.message },
        );
        return;
      case 'error':
        setState(this.ctx.store, { notice: { kind: 'error', text: outcome.message } });
    }
  }

  toggleHideDone(): void {
    const hideDoneTodos = !this.state.prefs.hideDoneTodos;
    setState(this.ctx.store, { prefs: { ...this.state.prefs, hideDoneTodos } });
    this.ctx.services.savePrefs({ hideDoneTodos });
    this.applyTodos(this.state.todos, { kind: 'info', text: hideDoneTodos ? 'ticked todos hidden' : 'ticked todos shown' });
  }
}
