// The console's todo actions over the real todo file services: what the user sees for a binary
// file and for a read-only one.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_PREFS } from '../../src/core/prefsSchema.js';
import { Controller, type Services } from '../../src/state/controller.js';
import { readTodoFile, setTodoDone } from '../../src/system/todoFile.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function controllerFor(content: string | Buffer, mode = 0o644): { controller: Controller; file: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nixdeck-todo-ctl-'));
  dirs.push(dir);
  const file = path.join(dir, 'PROJECT.md');
  writeFileSync(file, content);
  chmodSync(file, mode);
  const services: Services = {
    hostname: 'hq',
    listFolderHosts: async () => [],
    evalFlakeHosts: async () => ({ ok: true, names: [] }),
    readGenerations: async () => ({ ok: false, error: 'none here' }),
    readTodos: readTodoFile,
    setTodoDone,
    savePrefs: () => {},
  };
  return { controller: new Controller(services, { flakeDir: dir, todoFile: file, prefs: { ...DEFAULT_PREFS } }), file };
}

describe('Controller todos', () => {
  it('a binary todo file: the todos pane says it is not a text file', async () => {
    const { controller, file } = controllerFor(Buffer.from([0x00, 0x01, 0x02, 0xff]));
    await controller.todos.reloadTodos();
    expect(controller.state.todos).toMatchObject({ status: 'error' });
    const todos = controller.state.todos;
    expect(todos.status === 'error' && todos.error).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not a text file`));
    controller.dispose();
  });

  it('Space on a read-only (0444) PROJECT.md writes nothing and says why in full', async () => {
    const content = '# P\n\n- [ ] keep\n';
    const { controller, file } = controllerFor(content, 0o444);
    await controller.todos.reloadTodos();
    controller.lists.focus('todos');
    await controller.todos.toggleSelectedTodo();
    expect(controller.state.notice).toEqual({
      kind: 'error',
      text: `PROJECT.md is read-only (mode 0444): nothing written; make it writable (chmod u+w ${file}) to tick todos`,
    });
    expect(readFileSync(file, 'utf8')).toBe(content);
    const todos = controller.state.todos;
    expect(todos.status === 'ok' && todos.value.todos[0]?.done).toBe(false);
    controller.dispose();
  });

  it('Space ticks without reading the list again, and the next Space works on the new snapshot', async () => {
    const content = '# P\n\n- [ ] one\n- [ ] two\n';
    const { controller, file } = controllerFor(content);
    await controller.todos.reloadTodos();
    controller.lists.focus('todos');
    await controller.todos.toggleSelectedTodo();
    await controller.todos.toggleSelectedTodo();
    expect(readFileSync(file, 'utf8')).toBe(content);
    await controller.todos.toggleSelectedTodo();
    expect(readFileSync(file, 'utf8')).toBe(content.replace('- [ ] one', '- [x] one'));
    expect(controller.state.notice).toMatchObject({ kind: 'info', text: 'done: one (line 3)' });
    controller.dispose();
  });
});
