import MarkdownIt from 'markdown-it';
import type Token from 'markdown-it/lib/token.mjs';
import type { ParsedTodo, SectionProgress, Todo } from './types.js';

/**
 * The block parser of CommonMark (markdown-it, raw HTML on so that comments and HTML blocks
 * hide what is inside them). Inline parsing runs only for headings and todos, not for every
 * paragraph of the file: that, the line maps and dropping each block's tokens once read are
 * what make a 500 KB file cost ~0.1 s rather than the seconds of a full syntax tree. Links
 * keep their text as written.
 */
const md = new MarkdownIt('commonmark');
// the preset stops at 20 levels of nesting; micromark has no limit
Object.assign(md.options, { maxNesting: 1000 });
md.validateLink = () => true;
md.normalizeLinkText = (text) => text;

/** `- [ ]`, `* [x]`, `+ [X]`, `1. [ ]`, `1) [ ]`: the innermost marker of an item's first line. */
const CHECKBOX_AFTER_MARKER = /(?:[-*+]|\d{1,9}[.)])[ \t]+\[([ xX])\]/;
/** GFM: a task list item's paragraph starts with the check and goes on after whitespace. */
const TASK_CHECK = /^\[[ \t\nxX]\](?:\n|[ \t]+[^])/;
const LINE_BREAK = /\r\n?|\n/g;
/** Characters that can start inline syntax whose text differs from its source; most todos have none. */
const INLINE_SYNTAX = /[\\`*_[\]!<&\n]/;

/**
 * Todos are GFM task-list items found by a CommonMark block parser, so a checkbox inside a
 * code block, an HTML comment or a paragraph is never taken for one. The same items, texts
 * and offsets as micromark with its GFM task list extension (the tests hold them to it).
 */
export function parseTodos(source: string, file: string): ParsedTodo[] {
  const steps = todoParseSteps(source, file);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

interface FoundTodo {
  content: string;
  done: boolean;
  section: readonly string[];
  line: number;
  checkOffset: number;
  depth: number;
}

/**
 * {@link parseTodos} one top-level block at a time: it yields after each, so a caller can let
 * other work (key presses) run in between, and the parser's tokens of a block are dropped as
 * soon as the block is read. The generator returns the todos.
 */
export function* todoParseSteps(source: string, file: string): Generator<void, ParsedTodo[], void> {
  // TextDecoder keeps a BOM when asked to; CommonMark does not see it, the offsets do
  const bom = source.charCodeAt(0) === 0xfeff ? 1 : 0;
  const text = bom ? source.slice(1) : source;
  if (text === '') return [];
  const env: Record<string, unknown> = {};
  const lineStarts = lineStartOffsets(text);
  const found: FoundTodo[] = [];
  const headingStack: { depth: number; content: string }[] = [];
  let section: readonly string[] = [];
  let sectionResolved = true;
  let listDepth = 0;

  const readTokens = (tokens: readonly Token[]): void => {
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i] as Token;
      if (token.type === 'heading_open') {
        const depth = Number(token.tag.slice(1));
        while (headingStack.length > 0 && (headingStack.at(-1)?.depth ?? 0) >= depth) headingStack.pop();
        headingStack.push({ depth, content: tokens[i + 1]?.content ?? '' });
        sectionResolved = false;
      } else if (token.type === 'list_item_close') {
        listDepth--;
      } else if (token.type === 'list_item_open') {
        const paragraph = tokens[i + 1];
        const inline = tokens[i + 2];
        listDepth++;
        if (paragraph?.type !== 'paragraph_open' || !inline || !token.map || paragraph.map?.[0] !== token.map[0]) continue;
        if (!TASK_CHECK.test(inline.content)) continue;
        const lineIndex = token.map[0];
        const lineStart = lineStarts[lineIndex] ?? 0;
        const match = CHECKBOX_AFTER_MARKER.exec(text.slice(lineStart, lineStarts[lineIndex + 1] ?? text.length));
        if (!match || match[1] !== inline.content[1]) continue;
        if (!sectionResolved) {
          // heading contents for now; their text is known once every link definition is
          section = headingStack.map((h) => h.content);
          sectionResolved = true;
        }
        found.push({
          content: inline.content.slice(3),
          done: match[1] !== ' ',
          section,
          line: lineIndex + 1,
          checkOffset: bom + lineStart + match.index + match[0].length - 2,
          depth: listDepth - 1,
        });
      }
    }
  };

  // markdown-it's top-level block loop (ParserBlock.tokenize at nesting level 0), with a
  // pause after each block; nested blocks are parsed by the rules themselves
  const tokens: Token[] = [];
  const state = new md.block.State(text.replace(/\r\n?/g, '\n').replace(/\0/g, '\uFFFD'), md, env, tokens);
  const rules = md.block.ruler.getRules('');
  const end = state.lineMax;
  let line = 0;
  while (line < end) {
    state.line = line = state.skipEmptyLines(line);
    if (line >= end) break;
    if (!rules.some((rule) => rule(state, line, end, false)) || state.line <= line) {
      throw new Error(`markdown block parser made no progress at line ${line + 1}`);
    }
    line = state.line;
    if (line < end && state.isEmpty(line)) state.line = ++line;
    readTokens(tokens);
    tokens.length = 0;
    yield;
  }

  const headingText = new Map<string, string>();
  const resolve = (content: string): string => {
    let known = headingText.get(content);
    if (known === undefined) headingText.set(content, (known = oneLine(inlineText(content, env))));
    return known;
  };
  const sections = new Map<readonly string[], string[]>();
  const seen = new Map<string, number>();
  return found.map((todo) => {
    let path = sections.get(todo.section);
    if (!path) sections.set(todo.section, (path = todo.section.map(resolve)));
    const body = oneLine(inlineText(todo.content, env));
    const key = `${path.join('\u0000')}\u0001${body}`;
    const occurrence = seen.get(key) ?? 0;
    seen.set(key, occurrence + 1);
    return { id: todoId(key, occurrence), text: body, done: todo.done, section: path, line: todo.line, file, checkOffset: todo.checkOffset, depth: todo.depth };
  });
}

function lineStartOffsets(text: string): number[] {
  const starts = [0];
  LINE_BREAK.lastIndex = 0;
  while (LINE_BREAK.exec(text)) starts.push(LINE_BREAK.lastIndex);
  return starts;
}

/** The text content of inline markdown, as mdast-util-to-string gives it (HTML and image alt included). */
function inlineText(content: string, env: Record<string, unknown>): string {
  if (!INLINE_SYNTAX.test(content)) return content;
  const tokens: Token[] = [];
  md.inline.parse(content, md, env, tokens);
  return tokensText(tokens);
}

function tokensText(tokens: readonly Token[]): string {
  let out = '';
  for (const token of tokens) {
    switch (token.type) {
      case 'text':
      case 'text_special':
      case 'code_inline':
      case 'html_inline':
        out += token.content;
        break;
      case 'softbreak':
        out += '\n';
        break;
      case 'image':
        out += tokensText(token.children ?? []);
        break;
    }
  }
  return out;
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

/** Shortest id prefix `todo done` accepts (ids are 8 hex digits). */
export const MIN_ID_PREFIX = 4;

/**
 * Find a todo by exact id, else by a unique id prefix (at least {@link MIN_ID_PREFIX} hex
 * digits, as `nixdeck log` takes run ids), else by a case-insensitive substring of its text
 * that matches one todo.
 */
export function findTodo(todos: readonly ParsedTodo[], query: string): TodoLookup {
  const byId = todos.find((t) => t.id === query);
  if (byId) return { ok: true, todo: byId };
  const lower = query.toLowerCase();
  if (lower.length >= MIN_ID_PREFIX && /^[0-9a-f]+$/.test(lower)) {
    const prefixed = todos.filter((t) => t.id.startsWith(lower));
    if (prefixed.length === 1 && prefixed[0]) return { ok: true, todo: prefixed[0] };
    if (prefixed.length > 1) return { ok: false, reason: 'ambiguous', candidates: prefixed };
  }
  const hits = todos.filter((t) => t.text.toLowerCase().includes(lower));
  const exact = hits.filter((t) => t.text.toLowerCase() === lower);
  if (exact.length === 1 && exact[0]) return { ok: true, todo: exact[0] };
  if (hits.length === 1 && hits[0]) return { ok: true, todo: hits[0] };
  return { ok: false, reason: hits.length === 0 ? 'none' : 'ambiguous', candidates: hits };
}
