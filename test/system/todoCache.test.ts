import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseTodos } from '../../src/core/todos.js';
import { fileTodoCache } from '../../src/system/todoCache.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nixdeck-todocache-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const SOURCE = '# A\n- [ ] one\n  - [x] two *em*\n## B\n- [ ] one\n- [ ] one\n';

describe('fileTodoCache', () => {
  it('gives back what was put, for the same file and bytes only', async () => {
    const cache = fileTodoCache(path.join(tempDir(), 'todos'));
    const todos = parseTodos(SOURCE, 'PROJECT.md');
    await cache.put('PROJECT.md', 'a'.repeat(40), todos);
    expect(await cache.get('PROJECT.md', 'a'.repeat(40))).toEqual(todos);
    expect(await cache.get('PROJECT.md', 'b'.repeat(40))).toBeNull();
    expect(await cache.get('OTHER.md', 'a'.repeat(40))).toBeNull();
  });

  it('keeps one entry per file, replaced on the next put, and no temporary file', async () => {
    const dir = path.join(tempDir(), 'todos');
    const cache = fileTodoCache(dir);
    const todos = parseTodos(SOURCE, 'PROJECT.md');
    await cache.put('PROJECT.md', '1', todos);
    await cache.put('PROJECT.md', '2', todos.slice(1));
    expect(readdirSync(dir)).toHaveLength(1);
    expect(await cache.get('PROJECT.md', '1')).toBeNull();
    expect(await cache.get('PROJECT.md', '2')).toEqual(todos.slice(1));
  });

  it('ignores an entry of another format, a cut file or a foreign one', async () => {
    const dir = path.join(tempDir(), 'todos');
    const cache = fileTodoCache(dir);
    await cache.put('PROJECT.md', 's', parseTodos(SOURCE, 'PROJECT.md'));
    const [name] = readdirSync(dir);
    const entryFile = path.join(dir, name ?? '');
    const entry = JSON.parse(readFileSync(entryFile, 'utf8')) as Record<string, unknown>;
    for (const content of [
      JSON.stringify({ ...entry, format: 'other' }),
      JSON.stringify({ ...entry, todos: [['id', 'text', 1, 9, 1, 2, 0]] }),
      JSON.stringify({ ...entry, todos: [['id', 'text', 1, 0, -1, 2, 0]] }),
      readFileSync(entryFile, 'utf8').slice(0, 50),
      '[]',
    ]) {
      writeFileSync(entryFile, content);
      expect(await cache.get('PROJECT.md', 's'), content).toBeNull();
    }
  });

  it('is simply not used when its folder cannot be made', async () => {
    const blocker = path.join(tempDir(), 'file');
    writeFileSync(blocker, '');
    const cache = fileTodoCache(path.join(blocker, 'todos'));
    await cache.put('PROJECT.md', 's', parseTodos(SOURCE, 'PROJECT.md'));
    expect(await cache.get('PROJECT.md', 's')).toBeNull();
  });
});
