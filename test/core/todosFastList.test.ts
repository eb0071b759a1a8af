// The line-by-line reading of plain task lists (src/core/todoFastList.ts): what it takes on and
// what it leaves to the block parser, and random documents made of list-like lines checked
// against micromark + GFM, so that taking the shortcut never changes a todo.
import { describe, expect, it } from 'vitest';
import { type LineMarks, scanSimpleTaskList } from '../../src/core/todoFastList.js';
import { parseTodos } from '../../src/core/todos.js';
import { parseTodosWithMicromark } from '../helpers/micromarkTodos.js';

function marksOf(src: string): LineMarks {
  const bMarks: number[] = [];
  const eMarks: number[] = [];
  let start = 0;
  for (const line of src.split('\n')) {
    bMarks.push(start);
    eMarks.push(start + line.length);
    start += line.length + 1;
  }
  if (src.endsWith('\n')) {
    bMarks.pop();
    eMarks.pop();
  }
  return { src, bMarks, eMarks, lineMax: bMarks.length };
}

function scan(src: string): { end: number | null; items: [number, number, string, string, number][] } {
  const items: [number, number, string, string, number][] = [];
  const end = scanSimpleTaskList(marksOf(src), 0, (...item) => items.push(item));
  return { end, items };
}

describe('scanSimpleTaskList', () => {
  it('reads a run of one-line task items with their nesting', () => {
    const { end, items } = scan('- [ ] a\n  - [x] b *em*  \n    1. [X] c\n1) [ ] d\n  - [ ] e\n');
    expect(end).toBe(5);
    expect(items).toEqual([
      [0, 3, ' ', ' a', 0],
      [1, 5, 'x', ' b *em*', 1],
      [2, 8, 'X', ' c', 2],
      [3, 4, ' ', ' d', 0],
      // two columns in is less than the 3 that `1) ` needs: a new list beside it
      [4, 5, ' ', ' e', 0],
    ]);
  });

  it('stops at an ATX heading in column 0, or at blank lines followed by column 0', () => {
    expect(scan('- [ ] a\n## H\n').end).toBe(1);
    expect(scan('- [ ] a\n\n\nnext\n').end).toBe(1);
    expect(scan('- [ ] a\n\n').end).toBe(1);
  });

  it('leaves to the block parser what may belong to the last item', () => {
    for (const src of ['- [ ] a\nlazy\n', '- [ ] a\n\n  more\n', '- [ ] a\n #nospace\n', '- [ ] a\n- [ ]\n', '- [ ] a\n      - [ ] too deep\n']) {
      expect(scan(src).end, src).toBeNull();
    }
  });

  it('takes only the plain shapes of a task item', () => {
    for (const src of ['2. [ ] a\n', '-  [ ] a\n', '- [ ]  a\n', '-\t[ ] a\n', '- [ ]\ta\n', '- [-] a\n', '    - [ ] code\n', '- [ ]\n']) {
      expect(scan(src).end, src).toBeNull();
    }
  });
});

/** A small deterministic generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MARKERS = ['-', '-', '*', '+', '1.', '1)', '2.', '10.'];
const TEXTS = ['task', 'two  spaces', 'trailing  ', '*em* `code`', '[link](u) &amp;', '\\*', 'x\ty', '#3 done'];
const OTHER = ['', '', '# Heading', '## Sub *em*', 'plain text', '  indented text', '    code', '```', '<!--', '-->', '> - [ ] quoted', '---', '***', '  ## in item', '- plain item', '-', '- [ ]'];

const PLAIN_MARKERS = ['-', '*', '+', '1.', '1)'];
const INDENTS = [0, 0, 0, 1, 2, 2, 3, 4, 5, 6, 8];

function randomDocument(next: () => number, markers = MARKERS, indents = INDENTS): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const lines: string[] = [];
  const count = 4 + Math.floor(next() * 20);
  for (let i = 0; i < count; i++) {
    if (next() < 0.7) {
      const indent = ' '.repeat(pick(indents));
      lines.push(`${indent}${pick(markers)} [${pick([' ', 'x', 'X'])}] ${pick(TEXTS)}`);
    } else {
      lines.push(pick(OTHER));
    }
  }
  return `${lines.join('\n')}${next() < 0.8 ? '\n' : ''}`;
}

describe('parseTodos reading plain lists line by line', () => {
  it('gives what the block parser alone gives, on 2,000 random documents of list-like lines', () => {
    const next = random(7);
    let todos = 0;
    for (let i = 0; i < 2_000; i++) {
      const source = randomDocument(next);
      const actual = parseTodos(source, 'PROJECT.md');
      expect(actual, JSON.stringify(source)).toEqual(parseTodos(source, 'PROJECT.md', { lineByLine: false }));
      todos += actual.length;
    }
    expect(todos).toBeGreaterThan(5_000);
  });

  it('agrees with micromark + GFM on plain lists (the shapes the shortcut takes)', () => {
    const next = random(11);
    for (let i = 0; i < 200; i++) {
      const source = randomDocument(next, PLAIN_MARKERS, [0, 0, 1, 2, 2, 3]);
      expect(parseTodos(source, 'PROJECT.md'), JSON.stringify(source)).toEqual(parseTodosWithMicromark(source, 'PROJECT.md'));
    }
  }, 60_000);
});
