import { visibleText } from '../core/displayText.js';
import { findTodo, publicTodo } from '../core/todoLookup.js';
import { readTodoFile, setTodoDone } from '../system/todoFile.js';
import { type Io, printJson } from './io.js';

export async function todosCommand(file: string, io: Io, json: boolean): Promise<number> {
  const read = await readTodoFile(file, { letOthersRun: false });
  if (!read.ok) {
    io.err(`error: ${visibleText(read.error)}`);
    return 1;
  }
  const todos = read.snapshot.todos;
  // JSON escapes control characters itself and keeps the text as it is in the file
  if (json) {
    printJson(io, todos.map(publicTodo));
    return 0;
  }
  if (todos.length === 0) {
    io.out(`no todos in ${visibleText(file)}: a todo is a line like '- [ ] text'`);
    return 0;
  }
  let section = '';
  for (const t of todos) {
    const heading = t.section.join(' › ');
    if (heading !== section) io.out(`${visibleText((section = heading)) || '(no heading)'}`);
    io.out(`  ${t.done ? '[x]' : '[ ]'} ${t.id}  ${'  '.repeat(t.depth)}${visibleText(t.text)}`);
  }
  return 0;
}

/** `nixdeck todo done|undo QUERY`: one checkbox byte changes, written atomically. */
export async function todoCommand(file: string, io: Io, done: boolean, query: string): Promise<number> {
  const read = await readTodoFile(file, { letOthersRun: false });
  if (!read.ok) {
    io.err(`error: ${visibleText(read.error)}`);
    return 1;
  }
  const found = findTodo(read.snapshot.todos, query);
  const shownQuery = visibleText(query);
  if (!found.ok) {
    if (found.reason === 'none') io.err(`error: no todo has the id or text "${shownQuery}"; see: nixdeck todos`);
    else {
      io.err(`error: "${shownQuery}" matches ${found.candidates.length} todos; give more of the id, or more of the text:`);
      for (const t of found.candidates.slice(0, 10)) io.err(`  ${t.id}  ${visibleText(t.text)} (line ${t.line})`);
      if (found.candidates.length > 10) io.err(`  and ${found.candidates.length - 10} more`);
    }
    return 1;
  }
  const outcome = await setTodoDone(read.snapshot, found.todo, done);
  const where = (line: number): string => `${visibleText(file)}:${line}`;
  switch (outcome.kind) {
    case 'written':
      io.out(`${done ? 'done' : 'not done'}: ${visibleText(outcome.todo.text)} (${where(outcome.todo.line)})`);
      return 0;
    case 'unchanged':
      io.out(`already ${done ? 'done' : 'not done'}: ${visibleText(found.todo.text)} (${where(found.todo.line)})`);
      return 0;
    case 'conflict':
      io.err(`error: ${visibleText(outcome.message)}; run the command again`);
      return 1;
    case 'error':
      io.err(`error: ${visibleText(outcome.message)}`);
      return 1;
  }
}
