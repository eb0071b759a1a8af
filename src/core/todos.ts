import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmTaskListItemFromMarkdown } from 'mdast-util-gfm-task-list-item';
import { toString } from 'mdast-util-to-string';
import { gfmTaskListItem } from 'micromark-extension-gfm-task-list-item';
import type { Nodes, Parents } from 'mdast';
import type { ParsedTodo, SectionProgress, Todo } from './types.js';

/** `- [ ]`, `* [x]`, `+ [X]`, `1. [ ]`, `1) [ ]` at the start of a list item. */
const CHECKBOX_AT_ITEM_START = /^(?:[-*+]|\d{1,9}[.)])[ \t]+\[([ xX])\]/;

/**
 * Todos are GFM task-list items found by a real CommonMark parser, so a checkbox inside a
 * code block, an HTML comment or a paragraph is never taken for one.
 */
export function parseTodos(source: string, file: string): ParsedTodo[] {
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

/**
 * An id made of the section path, the text and which duplicate it is. It stays the same
 * while the file does not change, and also across edits elsewhere and across ticking it off.
 */
export function todoId(key: string, occurrence: number): string {
  let hash = 0x811c9dc5;
  const input = `${key}\u0002${occurrence}`;
  for (let i = 0; i < input.length; i++) {
    hash ^= input.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

/** Progress per section (the full heading path), in document order. */
export function sectionProgress(todos: readonly Todo[]): SectionProgress[] {
  const bySection = new Map<string, SectionProgress>();
  for (const todo of todos) {
    const key = todo.section.join('\u0000');
    let entry = bySection.get(key);
    if (!entry) {
      entry = { section: todo.section, done: 0, total: 0 };
      bySection.set(key, entry);
    }
    entry.total++;
    if (todo.done) entry.done++;
  }
  return [...bySection.values()];
}

/** Strip the fields only the parser needs; this is the JSON contract. */
export function publicTodo(todo: ParsedTodo): Todo {
  return { id: todo.id, text: todo.text, done: todo.done, section: todo.section, line: todo.line, file: todo.file };
}

export type TodoLookup =
  | { ok: true; todo: ParsedTodo }
  | { ok: false; reason: 'none' | 'ambiguous'; candidates: ParsedTodo[] };

/** Find a todo by exact id, else by a case-insensitive substring of its text that matches one todo. */
export function findTodo(todos: readonly ParsedTodo[], query: string): TodoLookup {
  const byId = todos.find((t) => t.id === query);
  if (byId) return { ok: true, todo: byId };
  const needle = query.toLowerCase();
  const hits = todos.filter((t) => t.text.toLowerCase().includes(needle));
  const exact = hits.filter((t) => t.text.toLowerCase() === needle);
  if (exact.length === 1 && exact[0]) return { ok: true, todo: exact[0] };
  if (hits.length === 1 && hits[0]) return { ok: true, todo: hits[0] };
  return { ok: false, reason: hits.length === 0 ? 'none' : 'ambiguous', candidates: hits };
}
