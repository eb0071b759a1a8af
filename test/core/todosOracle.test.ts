// The todo parser (markdown-it block parser) against the reference CommonMark + GFM parser
// (micromark with the task list extension): the same todos, field for field, on edge cases
// and on a large generated file.
import { describe, expect, it } from 'vitest';
import { parseTodos } from '../../src/core/todos.js';
import { largeTodoMarkdown } from '../helpers/largeTodoFile.js';
import { parseTodosWithMicromark } from '../helpers/micromarkTodos.js';

const EDGE_CASES: Record<string, string> = {
  'all markers': '- [ ] a\n* [x] b\n+ [X] c\n1. [ ] d\n2) [x] e\n123456789. [ ] f\n',
  'fenced code': '```\n- [ ] no\n```\n~~~md\n- [x] no\n~~~\n- [ ] yes\n````\n```\n- [ ] still code\n````\n',
  'unclosed fence': '- [ ] before\n```\n- [ ] in an unclosed fence\n',
  'fence in an item': '- [ ] item\n  ```\n  - [ ] code\n  ```\n  - [x] nested\n',
  'indented code': '    - [ ] code\n\n- [ ] real\n\n\t- [ ] tab code\n',
  'html comments and blocks': '<!--\n- [ ] hidden\n-->\n<div>\n- [ ] in html\n</div>\n\n- [ ] after\n<!-- - [ ] x -->\n- [x] <b>bold</b> and <!-- c --> text\n',
  'html block ended by a blank line': '<div>\n- [ ] in html\n\n- [ ] outside\n',
  nested: '- [ ] a\n  - [x] b\n    - [ ] c\n      1. [ ] d\n- plain\n  - [ ] under plain\n',
  'same-line nesting': '- - [ ] inner\n- 1. [x] ordered inner\n- > - [ ] quoted\n',
  blockquotes: '> - [ ] quoted\n> > - [x] deeper\n>- [ ] tight\n',
  'lazy continuation': '- [ ] first line\ncontinued lazily\n- [x] next\n  indented continuation\n',
  'paren lists': '1) [ ] one\n2) [x] two\n10) [ ] ten\n',
  tabs: '-\t[ ] tab after marker\n- [ ]\ttab after box\n*\t[x]\tboth\n\t- [ ] tab indent\n  -\t[ ] nested tab\n',
  'not tasks': '- [] empty\n- [ ]\n- [  ] two spaces\n- [x]no space\n- [-] dash\n-\n  [ ] next line\n- text [ ] later\n- [ ]  \n[ ] paragraph\n',
  'box then line end': '- [ ]\n  text on the next line\n- [x]\nlazy\n',
  'five spaces': '-     [ ] code in item\n- [ ] ok\n',
  inline: '- [ ] **bold** _em_ `code` [link](http://x) ![alt *e*](i.png) <http://a.b/%20> &amp; \\* x\n- [x] a  \n  hard break\n- [ ] [ref] and [undefined]\n\n[ref]: /url\n',
  headings: '# One\n- [ ] a\n## Two *em*\n- [ ] b\n### Three ###\n- [ ] c\n## Four\nSetext\n======\n- [ ] d\nSub\n---\n- [x] e\n',
  'heading in item': '- # [ ] not a task\n- [ ] after\n',
  'ordered start and interrupts': 'para\n1. [ ] interrupts\n\npara\n2. [ ] does not interrupt\n',
  'loose lists': '- [ ] a\n\n- [x] b\n\n  second paragraph\n\n- [ ] c\n',
  'duplicates and ids': '## S\n- [ ] same\n- [ ] same\n## T\n- [ ] same\n',
  unicode: '# Ünïcödé 漢字\n- [ ] café 🙂 naïve\n- [x] \u001b[31mred\u001b[0m\n',
  'thematic breaks': '- [ ] a\n***\n- [ ] b\n- - -\n* [x] c\n',
  'link reference definitions': '[x]: /url\n- [x]: /u\n- [x] [x]\n',
  'tables stay text': '| a | b |\n|---|---|\n| - [ ] c | d |\n- [ ] e\n',
  'deep nesting': `${Array.from({ length: 30 }, (_, i) => `${'  '.repeat(i)}- [ ] level ${i}`).join('\n')}\n`,
  'empty and whitespace': '',
  'no trailing newline': '- [x] last',
};

function compare(source: string): void {
  const expected = parseTodosWithMicromark(source, 'PROJECT.md');
  const actual = parseTodos(source, 'PROJECT.md');
  expect(actual).toEqual(expected);
}

describe('parseTodos agrees with micromark + GFM task list items', () => {
  for (const [name, source] of Object.entries(EDGE_CASES)) {
    it(name, () => {
      compare(source);
      compare(source.replace(/\n/g, '\r\n'));
    });
  }

  it('on CR-only line endings', () => compare(EDGE_CASES.nested?.replace(/\n/g, '\r') ?? ''));

  it('finds todos in every edge case (the cases are not vacuous)', () => {
    const total = Object.values(EDGE_CASES).reduce((n, s) => n + parseTodos(s, 'f').length, 0);
    expect(total).toBeGreaterThan(60);
  });

  it('on a large generated file (3,000 todos, 150 KB: headings, nesting, code, comments)', () => {
    const source = largeTodoMarkdown(3_000);
    const actual = parseTodos(source, 'PROJECT.md');
    expect(actual).toHaveLength(3_000);
    expect(actual).toEqual(parseTodosWithMicromark(source, 'PROJECT.md'));
  }, 120_000);
});
