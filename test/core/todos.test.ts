import { describe, expect, it } from 'vitest';
import { findTodo, parseTodos, sectionProgress, todoId } from '../../src/core/todos.js';

const doc = `# Fleet

Intro with a fake [ ] checkbox in a paragraph.

## Todo List

### Immediate (This Week)

- [ ] Update any outdated packages
  - [x] nix flake update
  - [ ] rebuild hq
* [x] Rotate keys
+ [X] Capital X counts as done
1. [ ] Ordered item
2) [ ] Paren ordered

\`\`\`md
- [ ] inside a code block
\`\`\`

<!--
- [ ] inside an HTML comment
-->

    - [ ] indented code block

- plain bullet, not a todo
- [] not a checkbox either

## Done

- [x] Old thing
`;

describe('parseTodos', () => {
  const todos = parseTodos(doc, 'PROJECT.md');

  it('finds task-list items of every marker kind, and nothing in code, comments or paragraphs', () => {
    expect(todos.map((t) => t.text)).toEqual([
      'Update any outdated packages',
      'nix flake update',
      'rebuild hq',
      'Rotate keys',
      'Capital X counts as done',
      'Ordered item',
      'Paren ordered',
      'Old thing',
    ]);
  });

  it('reads done state, 1-based line, heading path and nesting depth', () => {
    const [first, nested] = todos;
    expect(first).toMatchObject({ done: false, line: 9, section: ['Fleet', 'Todo List', 'Immediate (This Week)'], depth: 0, file: 'PROJECT.md' });
    expect(nested).toMatchObject({ done: true, line: 10, depth: 1 });
    expect(todos.find((t) => t.text.startsWith('Capital'))?.done).toBe(true);
    expect(todos.at(-1)?.section).toEqual(['Fleet', 'Done']);
  });

  it('points checkOffset at the character between the brackets', () => {
    for (const t of todos) {
      expect(doc[t.checkOffset - 1]).toBe('[');
      expect(doc[t.checkOffset + 1]).toBe(']');
      expect(doc[t.checkOffset]).toBe(t.done ? (t.text.startsWith('Capital') ? 'X' : 'x') : ' ');
    }
  });

  it('parses CRLF files with the same lines and offsets', () => {
    const crlf = doc.replace(/\n/g, '\r\n');
    const parsed = parseTodos(crlf, 'PROJECT.md');
    expect(parsed.map((t) => [t.text, t.line, t.done])).toEqual(todos.map((t) => [t.text, t.line, t.done]));
    for (const t of parsed) expect(crlf[t.checkOffset - 1]).toBe('[');
  });

  it('keeps ids stable across ticking and unrelated edits, and distinct for duplicates', () => {
    const ticked = doc.replace('- [ ] Update any', '- [x] Update any');
    const edited = `Preface line\n\n${doc}`.replace('# Fleet', '# Fleet');
    const ids = todos.map((t) => t.id);
    expect(parseTodos(ticked, 'PROJECT.md').map((t) => t.id)).toEqual(ids);
    expect(parseTodos(edited, 'PROJECT.md').map((t) => t.id)).toEqual(ids);
    const dup = parseTodos('- [ ] same\n- [ ] same\n', 'f');
    expect(dup[0]?.id).not.toBe(dup[1]?.id);
    expect(todoId('a', 0)).toMatch(/^[0-9a-f]{8}$/);
  });

  it('computes section progress', () => {
    expect(sectionProgress(todos)).toEqual([
      { section: ['Fleet', 'Todo List', 'Immediate (This Week)'], done: 3, total: 7 },
      { section: ['Fleet', 'Done'], done: 1, total: 1 },
    ]);
  });

  it('finds a todo by id, by unique text, and refuses ambiguous text', () => {
    const first = todos[0];
    expect(first).toBeDefined();
    expect(findTodo(todos, first?.id ?? '')).toMatchObject({ ok: true, todo: { text: 'Update any outdated packages' } });
    expect(findTodo(todos, 'outdated')).toMatchObject({ ok: true, todo: { text: 'Update any outdated packages' } });
    expect(findTodo(todos, 'ordered')).toMatchObject({ ok: false, reason: 'ambiguous' });
    expect(findTodo(todos, 'nothing like this')).toMatchObject({ ok: false, reason: 'none' });
  });

  it('finds a todo by a unique id prefix of at least 4 hex digits, and lists an ambiguous one', () => {
    const first = todos[0];
    const unique = todos.find((t) => todos.filter((u) => u.id.startsWith(t.id.slice(0, 4))).length === 1);
    expect(unique).toBeDefined();
    expect(findTodo(todos, unique?.id.slice(0, 4) ?? '')).toEqual({ ok: true, todo: unique });
    expect(findTodo(todos, unique?.id.slice(0, 6).toUpperCase() ?? '')).toEqual({ ok: true, todo: unique });
    // three digits are not enough to be taken as an id
    expect(findTodo(todos, first?.id.slice(0, 3) ?? '')).toMatchObject({ ok: false });
    const many = parseTodos(Array.from({ length: 600 }, (_, i) => `- [ ] t${i}`).join('\n'), 'f');
    const shared = many.find((t) => many.filter((u) => u.id.startsWith(t.id.slice(0, 4))).length > 1)?.id.slice(0, 4) ?? '';
    const lookup = findTodo(many, shared);
    expect(lookup).toMatchObject({ ok: false, reason: 'ambiguous' });
    if (!lookup.ok) for (const t of lookup.candidates) expect(t.id.startsWith(shared)).toBe(true);
  });

  it('keeps offsets right in a file that starts with a byte order mark', () => {
    const source = '\uFEFF# T\n- [ ] bom\n';
    const [todo] = parseTodos(source, 'f');
    expect(todo).toMatchObject({ text: 'bom', section: ['T'], line: 2 });
    expect(source[todo?.checkOffset ?? 0]).toBe(' ');
    expect(source[(todo?.checkOffset ?? 0) - 1]).toBe('[');
  });
});
