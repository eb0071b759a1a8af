import { findTodo, publicTodo } from '../core/todos.js';
import { readTodoFile, setTodoDone } from '../system/todoFile.js';
import { type Io, printJson } from './io.js';

export async function todosCommand(file: string, io: Io, json: boolean): Promise<number> {
  const read = await readTodoFile(file);
  if (!read.ok) {
    io.err(`error: ${read.error}`);
    return 1;
  }
  const todos = read.snapshot.todos;
  if (json) {
    printJson(io, todos.map(publicTodo));
    return 0;
  }
  let section = '';
  for (const t of todos) {
    const heading = t.section.join(' › ');
    if (heading !== section) io.out(`${(section = heading) || '(no heading)'}`);
    io.out(`  ${t.done ? '[x]' : '[ ]'} ${t.id}  ${'  '.repeat(t.depth)}${t.text}`);
  }
  return 0;
}

/** `nixdeck todo done|undo QUERY`: one checkbox byte changes, written atomically. */
export async function todoCommand(file: string, io: Io, done: boolean, query: string): Promise<number> {
  const read = await readTodoFile(file);
  if (!read.ok) {
    io.err(`error: ${read.error}`);
    return 1;
  }
  const found = findTodo(read.snapshot.todos, query);
  if (!found.ok) {
    if (found.reason === 'none') io.err(`error: no todo has the id or text "${query}"; see: nixdeck todos`);
    else {
      io.err(`error: "${query}" matches ${found.candidates.length} todos; give the id or more of the text:`);
      for (const t of found.candidates.slice(0, 10)) io.err(`  ${t.id}  ${t.text} (line ${t.line})`);
    }
    return 1;
  }
  const outcome = await setTodoDone(read.snapshot, found.todo, done);
  switch (outcome.kind) {
    case 'written':
      io.out(`${done ? 'done' : 'not done'}: ${outcome.todo.text} (${file}:${outcome.todo.line})`);
      return 0;
    case 'unchanged':
      io.out(`already ${done ? 'done' : 'not done'}: ${found.todo.text} (${file}:${found.todo.line})`);
      return 0;
    case 'conflict':
      io.err(`error: ${outcome.message}; run the command again`);
      return 1;
    case 'error':
      io.err(`error: ${outcome.message}`);
      return 1;
  }
}
