import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync, lstatSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fileTodoCache } from '../../src/system/todoCache.js';
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

describe('setTodoDone on a file the user made read-only', () => {
  it('leaves a 0444 file alone (same bytes, mode and inode), for root too, and says how to allow it', async () => {
    const file = tempFile(CONTENT, 0o444);
    const snap = await snapshotOf(file);
    const inode = statSync(file).ino;
    const outcome = await setTodoDone(snap, snap.todos[0]!, true);
    expect(outcome).toEqual({
      kind: 'error',
      message: `PROJECT.md is read-only (mode 0444): nothing written; make it writable (chmod u+w ${file}) to tick todos`,
    });
    expect(readFileSync(file, 'utf8')).toBe(CONTENT);
    expect(statSync(file).mode & 0o777).toBe(0o444);
    expect(statSync(file).ino).toBe(inode);
  });

  it('leaves a file in a read-only folder alone', async () => {
    const file = tempFile(CONTENT, 0o644);
    const dir = path.dirname(file);
    const snap = await snapshotOf(file);
    chmodSync(dir, 0o555);
    try {
      const outcome = await setTodoDone(snap, snap.todos[0]!, true);
      expect(outcome).toEqual({
        kind: 'error',
        message: `PROJECT.md is in a read-only folder (${dir}, mode 0555): nothing written; make the folder writable (chmod u+w ${dir}) to tick todos`,
      });
      expect(readFileSync(file, 'utf8')).toBe(CONTENT);
    } finally {
      chmodSync(dir, 0o755);
    }
  });

  it('checks the target of a symlink, not the link', async () => {
    const file = tempFile(CONTENT, 0o444);
    const link = path.join(path.dirname(file), 'LINKED.md');
    symlinkSync(file, link);
    const snap = await snapshotOf(link);
    const outcome = await setTodoDone(snap, snap.todos[0]!, true);
    expect(outcome.kind === 'error' && outcome.message).toMatch(/^LINKED\.md is read-only \(mode 0444\)/);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(CONTENT);
  });
});

describe('setTodoDone and changes on disk', () => {
  it('notices a same-size edit that kept the mtime (the bytes are hashed)', async () => {
    const file = tempFile(CONTENT);
    const then = 1_700_000_000;
    utimesSync(file, then, then);
    const snap = await snapshotOf(file);
    const theirs = CONTENT.replace('second', 'SECOND');
    writeFileSync(file, theirs);
    utimesSync(file, then, then);
    expect(statSync(file).mtimeMs).toBe(snap.mtimeMs);
    const outcome = await setTodoDone(snap, snap.todos[0]!, true);
    expect(outcome.kind).toBe('conflict');
    expect(readFileSync(file, 'utf8')).toBe(theirs);
  });

  it('returns a snapshot that the next tick can use without reading the list again', async () => {
    const file = tempFile(CONTENT);
    const first = await setTodoDone(await snapshotOf(file), (await snapshotOf(file)).todos[0]!, true);
    if (first.kind !== 'written') throw new Error(first.kind);
    expect(first.snapshot.todos.map((t) => t.done)).toEqual([true, true]);
    expect(first.snapshot.source).toBe(CONTENT.replace('- [ ] first', '- [x] first'));
    expect(first.snapshot.todos).toEqual((await snapshotOf(file)).todos);
    const second = await setTodoDone(first.snapshot, first.snapshot.todos[1]!, false);
    expect(second.kind).toBe('written');
    expect(readFileSync(file, 'utf8')).toBe(CONTENT.replace('- [ ] first', '- [x] first').replace('- [x] second', '- [ ] second'));
  });

  it('ticks a file that starts with a UTF-8 byte order mark at the right byte', async () => {
    const file = tempFile(`\uFEFF${CONTENT}`);
    const snap = await snapshotOf(file);
    expect(snap.todos.map((t) => t.text)).toEqual(['first ünïcödé', 'second']);
    expect((await setTodoDone(snap, snap.todos[0]!, true)).kind).toBe('written');
    expect(readFileSync(file, 'utf8')).toBe(`\uFEFF${CONTENT.replace('- [ ] first', '- [x] first')}`);
  });
});

describe('readTodoFile', () => {
  it('says a binary file is not a text file (NUL bytes, or not UTF-8)', async () => {
    for (const bytes of [Buffer.from('- [ ] a\n\u0000\u0001\u0002'), Buffer.from([0x2d, 0x20, 0x5b, 0x20, 0x5d, 0x20, 0xff, 0xfe, 0x0a])]) {
      const file = tempFile('');
      writeFileSync(file, bytes);
      const read = await readTodoFile(file);
      expect(read).toMatchObject({ ok: false, missing: false });
      if (!read.ok) expect(read.error).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not a text file`));
    }
  });

  it('says what to do when the file is missing, or a folder', async () => {
    const missing = await readTodoFile('/nonexistent/PROJECT.md');
    expect(missing).toMatchObject({ ok: false, missing: true });
    if (!missing.ok) expect(missing.error).toContain('--file');
    const folder = await readTodoFile(os.tmpdir());
    expect(folder).toMatchObject({ ok: false, missing: false });
  });
});

describe('readTodoFile and the parse cache', () => {
  const large = (): string => Array.from({ length: 3_000 }, (_, i) => `${i % 50 === 0 ? `## S${i}\n` : ''}- [${i % 3 ? ' ' : 'x'}] todo number ${i} of the large file`).join('\n');

  it('keeps the todos of a large file and uses them while its bytes stay the same', async () => {
    const file = tempFile(large());
    const cache = fileTodoCache(path.join(path.dirname(file), 'cache'));
    const first = await readTodoFile(file, { cache, letOthersRun: false });
    if (!first.ok) throw new Error(first.error);
    const stored = await cache.get(file, first.snapshot.sha1);
    expect(stored).toEqual(first.snapshot.todos);
    // what the cache says is what is used: a changed entry shows (the hash is what guards it)
    await cache.put(file, first.snapshot.sha1, first.snapshot.todos.slice(0, 1));
    const second = await readTodoFile(file, { cache });
    expect(second.ok && second.snapshot.todos).toHaveLength(1);
    // other bytes: parsed again
    writeFileSync(file, `${large()}\n- [ ] one more`);
    const third = await readTodoFile(file, { cache });
    expect(third.ok && third.snapshot.todos).toHaveLength(3_001);
  });

  it('does not keep small files, and parses the same with and without pauses', async () => {
    const file = tempFile(CONTENT);
    const dir = path.join(path.dirname(file), 'cache');
    const cache = fileTodoCache(dir);
    const inSlices = await readTodoFile(file, { cache });
    const atOnce = await readTodoFile(file, { cache, letOthersRun: false });
    expect(inSlices.ok && atOnce.ok && atOnce.snapshot.todos).toEqual(inSlices.ok && inSlices.snapshot.todos);
    expect(existsSync(dir)).toBe(false);
  });
});
