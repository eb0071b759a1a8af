import MarkdownIt from 'markdown-it';
import type Token from 'markdown-it/lib/token.mjs';
import { scanSimpleTaskList } from './todoFastList.js';
import { FNV_OFFSET, fnv1a, hashHex } from './todoId.js';
import type { ParsedTodo, SectionProgress, Todo } from './types.js';

export { todoId } from './todoId.js';
export { findTodo, MIN_ID_PREFIX, publicTodo, type TodoLookup } from './todoLookup.js';

/**
 * The block parser of CommonMark (markdown-it, raw HTML on so that comments and HTML blocks
 * hide what is inside them). Inline parsing runs only for headings and todos, not for every
 * paragraph of the file, and plain task lists are read line by line without the parser's
 * tokens (src/core/todoFastList.ts): that, the line maps and dropping each block's tokens once
 * read are what make a 500 KB file cost tens of milliseconds rather than the seconds of a full
 * syntax tree. Links keep their text as written.
 */
const md = new MarkdownIt('commonmark');
// the preset stops at 20 levels of nesting; micromark has no limit
Object.assign(md.options, { maxNesting: 1000 });
md.validateLink = () => true;
md.normalizeLinkText = (text) => text;

export { TODO_PARSER_VERSION } from './todoParserVersion.js';

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
export function parseTodos(source: string, file: string, options?: ParseOptions): ParsedTodo[] {
  const steps = todoParseSteps(source, file, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

export interface ParseOptions {
  /** read plain task lists line by line (src/core/todoFastList.ts); false: the block parser reads every block */
  lineByLine?: boolean;
}

/**
 * {@link parseTodos} one top-level block at a time: it yields after each, so a caller can let
 * other work (key presses) run in between, and the parser's tokens of a block are dropped as
 * soon as the block is read. The generator returns the todos.
 */
export function* todoParseSteps(source: string, file: string, options: ParseOptions = {}): Generator<void, ParsedTodo[], void> {
  // TextDecoder keeps a BOM when asked to; CommonMark does not see it, the offsets do
  const bom = source.charCodeAt(0) === 0xfeff ? 1 : 0;
  const text = bom ? source.slice(1) : source;
  if (text === '') return [];
  const env: Record<string, unknown> = {};
  const tokens: Token[] = [];
  const state = new md.block.State(text.replace(/\r\n?/g, '\n').replace(/\0/g, '\uFFFD'), md, env, tokens);
  // without CRs the parser's line starts are the text's (a NUL becomes U+FFFD: same length)
  const lineStarts: readonly number[] = text.includes('\r') ? lineStartOffsets(text) : state.bMarks;
  /** in document order; `text` and `section` hold inline markdown until the end */
  const found: ParsedTodo[] = [];
  const headingStack: { depth: number; content: string }[] = [];
  let section: string[] = [];
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
        addTodo(lineIndex, match.index + match[0].length - 2, match[1] ?? ' ', inline.content.slice(3), listDepth - 1);
      }
    }
  };
  const addTodo = (lineIndex: number, checkColumn: number, check: string, content: string, depth: number): void => {
    if (!sectionResolved) {
      // heading contents for now; their text is known once every link definition is
      section = headingStack.map((h) => h.content);
      sectionResolved = true;
    }
    const checkOffset = bom + (lineStarts[lineIndex] ?? 0) + checkColumn;
    found.push({ id: '', text: content, done: check !== ' ', section, line: lineIndex + 1, file, checkOffset, depth });
  };

  // markdown-it's top-level block loop (ParserBlock.tokenize at nesting level 0), with a
  // pause after each block; nested blocks are parsed by the rules themselves
  const rules = md.block.ruler.getRules('');
  const end = state.lineMax;
  let line = 0;
  while (line < end) {
    state.line = line = state.skipEmptyLines(line);
    if (line >= end) break;
    const before = found.length;
    const afterList = options.lineByLine === false ? null : scanSimpleTaskList(state, line, addTodo);
    if (afterList !== null) {
      state.line = line = afterList;
      yield;
      continue;
    }
    found.length = before; // what the shortcut read before it gave up
    if (!rules.some((rule) => rule(state, line, end, false)) || state.line <= line) {
      throw new Error(`markdown block parser made no progress at line ${line + 1}`);
    }
    line = state.line;
    if (line < end && state.isEmpty(line)) state.line = ++line;
    readTokens(tokens);
    tokens.length = 0;
    yield;
  }

  const resolve = todoResolver(env);
  for (let from = 0; from < found.length; from += RESOLVE_BATCH) {
    resolve(found, from, Math.min(found.length, from + RESOLVE_BATCH));
    yield;
  }
  return found;
}

/** Todos resolved between two pauses. */
const RESOLVE_BATCH = 2_000;

/**
 * Heading and todo texts from their inline markdown (every link definition is known now),
 * and the ids, for todos in document order. Its loop is outside the generator, whose loops V8
 * optimises less.
 */
function todoResolver(env: Record<string, unknown>): (found: ParsedTodo[], from: number, to: number) => void {
  const headingText = new Map<string, string>();
  const resolveHeading = (content: string): string => {
    let known = headingText.get(content);
    if (known === undefined) headingText.set(content, (known = oneLine(inlineText(content, env))));
    return known;
  };
  // ids hash `section\u0001text\u0002n`: the section's part of the hash is computed once
  const sections = new Map<readonly string[], SectionIds>();
  const byPath = new Map<string, SectionIds>();
  return (found, from, to) => {
    for (let i = from; i < to; i++) {
      const todo = found[i] as ParsedTodo;
      let ids = sections.get(todo.section);
      if (!ids) {
        const path = todo.section.map(resolveHeading);
        const key = path.join('\u0000');
        ids = byPath.get(key);
        if (!ids) byPath.set(key, (ids = { path, hash: fnv1a(FNV_OFFSET, `${key}\u0001`), seen: new Map() }));
        sections.set(todo.section, ids);
      }
      const body = oneLine(inlineText(todo.text, env));
      const occurrence = ids.seen.get(body) ?? 0;
      ids.seen.set(body, occurrence + 1);
      todo.id = hashHex(fnv1a(fnv1a(ids.hash, body), `\u0002${occurrence}`));
      todo.text = body;
      todo.section = ids.path;
    }
  };
}

interface SectionIds {
  path: string[];
  /** the id hash of the path and separator */
  hash: number;
  /** how many todos with each text came before */
  seen: Map<string, number>;
}

function lineStartOffsets(text: string): number[] {
  const starts = [0];
  if (!text.includes('\r')) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    return starts;
  }
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

/** Whitespace that {@link oneLine} changes inside a trimmed text: anything but single spaces. */
const FOLDABLE_SPACE = /[^\S ]| {2}/;

function oneLine(text: string): string {
  const trimmed = text.trim();
  return FOLDABLE_SPACE.test(trimmed) ? trimmed.replace(/\s+/g, ' ') : trimmed;
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
