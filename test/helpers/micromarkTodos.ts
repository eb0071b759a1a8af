// The reference parser for the todo oracle tests: micromark (mdast-util-from-markdown) with
// GFM task list items, as nixdeck used before it moved to markdown-it for speed. The tests
// compare src/core/todos.ts against it on edge cases and on a large generated file.
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmTaskListItemFromMarkdown } from 'mdast-util-gfm-task-list-item';
import { toString } from 'mdast-util-to-string';
import { gfmTaskListItem } from 'micromark-extension-gfm-task-list-item';
import type { Nodes, Parents } from 'mdast';
import { todoId } from '../../src/core/todos.js';
import type { ParsedTodo } from '../../src/core/types.js';

/** `- [ ]`, `* [x]`, `+ [X]`, `1. [ ]`, `1) [ ]` at the start of a list item. */
const CHECKBOX_AT_ITEM_START = /^(?:[-*+]|\d{1,9}[.)])[ \t]+\[([ xX])\]/;

/**
 * Todos are GFM task-list items found by a real CommonMark parser, so a checkbox inside a
 * code block, an HTML comment or a paragraph is never taken for one.
 */
export function parseTodosWithMicromark(source: string, file: string): ParsedTodo[] {
  const tree = fromMarkdown(source, {
    extensions: [gfmTaskListItem()],
    mdastExtensions: [gfmTaskListItemFromMarkdown()],
  });
  const todos: ParsedTodo[] = [];
  const headings: { depth: number; text: string }[] = [];
  const seen = new Map<string, number>();

  const visit = (node: Nodes, listDepth: number): void => {
    if (node.type === 'heading') {
      while (headings.length > 0 && (headings.at(-1)?.depth ?? 0) >= node.depth) headings.pop();
      headings.push({ depth: node.depth, text: oneLine(toString(node)) });
      return;
    }
    if (node.type === 'listItem' && typeof node.checked === 'boolean' && node.position) {
      const start = node.position.start.offset ?? 0;
      const match = CHECKBOX_AT_ITEM_START.exec(source.slice(start, start + 16));
      if (match) {
        const first = node.children[0];
        const text = first && first.type === 'paragraph' ? oneLine(toString(first)) : '';
        const section = headings.map((h) => h.text);
        const key = `${section.join('\u0000')}\u0001${text}`;
        const occurrence = seen.get(key) ?? 0;
        seen.set(key, occurrence + 1);
        todos.push({
          id: todoId(key, occurrence),
          text,
          done: node.checked,
          section,
          line: node.position.start.line,
          file,
          checkOffset: start + match[0].length - 2,
          depth: listDepth,
        });
      }
    }
    if ('children' in node) {
      const nextDepth = node.type === 'listItem' ? listDepth + 1 : listDepth;
      for (const child of (node as Parents).children) visit(child, nextDepth);
    }
  };
  visit(tree, 0);
  return todos;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
