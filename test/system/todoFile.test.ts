import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync, lstatSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readTodoFile, setTodoDone } from '../../src/system/todoFile.js';

const dirs: string[] = [];
function tempFile(content: string, mode = 0o640): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nixdeck-todo-'));
  dirs.push(dir);
  const file = path.join(dir, 'PROJECT.md');
  writeFileSync(file, content);
  chmodSync(file, mode);
  return file;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const CONTENT = '# P\r\n\r\n- [ ] first ünïcödé\r\n- [x] second\r\n\r\n```\r\n- [ ] code\r\n```\r\n';

async function snapshotOf(file: string) {
  const read = await readTodoFile(file);
  if (!read.ok) throw new Error(read.error);
  return read.snapshot;
}

describe('setTodoDone', () => {
  it('changes one byte, keeps CRLF and the file mode, and leaves no temporary file', async () => {
    const file = tempFile(CONTENT, 0o640);
    const snap = await snapshotOf(file);
    const before = readFileSync(file);
    const outcome = await setTodoDone(snap, snap.todos[0]!, true);
    expect(outcome.kind).toBe('written');
    const after = readFileSync(file);
    expect(after.length).toBe(before.length);
    expect([...after].filter((b, i) => b !== before[i])).toEqual(['x'.charCodeAt(0)]);
    expect(after.toString()).toBe(CONTENT.replace('- [ ] first', '- [x] first'));
    expect(statSync(file).mode & 0o777).toBe(0o640);
    expect(readdirSync(path.dirname(file))).toEqual(['PROJECT.md']);
  });

  it('writes nothing when the file changed since it was read, and returns the fresh read', async () => {
    const file = tempFile(CONTENT);
    const snap = await snapshotOf(file);
    const theirs = `${CONTENT}- [ ] added by someone else\r\n`;
    writeFileSync(file, theirs);
    const outcome = await setTodoDone(snap, snap.todos[0]!, true);
    expect(outcome.kind).toBe('conflict');
    expect(readFileSync(file, 'utf8')).toBe(theirs);
    if (outcome.kind === 'conflict' && outcome.reread.ok) expect(outcome.reread.snapshot.todos).toHaveLength(3);
    else throw new Error('expected a fresh read');
  });

  it('writes through a symlinked PROJECT.md without replacing the link', async () => {
    const file = tempFile(CONTENT);
    const link = path.join(path.dirname(file), 'LINKED.md');
    symlinkSync(file, link);
    const snap = await snapshotOf(link);
    expect((await setTodoDone(snap, snap.todos[1]!, false)).kind).toBe('written');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(CONTENT.replace('- [x] second', '- [ ] second'));
  });

  it('reports unchanged when the todo already has that state', async () => {
    const file = tempFile(CONTENT);
    const snap = await snapshotOf(file);
    expect((await setTodoDone(snap, snap.todos[1]!, true)).kind).toBe('unchanged');
    expect(readFileSync(file, 'utf8')).toBe(CONTENT);
  });
});

describe('readTodoFile', () => {
  it('says what to do when the file is missing, or a folder', async () => {
    const missing = await readTodoFile('/nonexistent/PROJECT.md');
    expect(missing).toMatchObject({ ok: false, missing: true });
    if (!missing.ok) expect(missing.error).toContain('--file');
    const folder = await readTodoFile(os.tmpdir());
    expect(folder).toMatchObject({ ok: false, missing: false });
  });
});
