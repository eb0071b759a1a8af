/**
 * A task item: its 0-based line, the column of the character between the brackets, that
 * character, the paragraph after `[c]` as the block parser gives it (`inline.content.slice(3)`),
 * and how many list items enclose it.
 */
export type OnTaskItem = (line: number, checkColumn: number, check: string, content: string, depth: number) => void;

/** The line arrays of markdown-it's block state that the scan reads. */
export interface LineMarks {
  src: string;
  bMarks: readonly number[];
  eMarks: readonly number[];
  lineMax: number;
}

const SPACE = 0x20;
const TAB = 0x09;
/** Deeper than people nest; the block parser (and its nesting limit) takes the rest. */
const MAX_DEPTH = 64;

/**
 * The common shape of a todo list, read line by line: a run of one-line task items
 * (`- [ ] text`, `*`, `+`, `1.`, `1)`; one space after the marker and after the box; spaces
 * for indentation) that starts a top-level block. On such lines CommonMark nesting is plain
 * arithmetic: a line belongs to every open item whose content column it reaches, and starts
 * a new item there when it is indented less than 4 columns past that. Anything else (a
 * continuation line, 4+ columns, tabs, other list numbers, a following line that could belong
 * to the last item) returns null, and the block parser reads the block as before. The run
 * must end where no open item can go on: the end of the file, an ATX heading in column 0, or
 * blank lines followed by column 0. Items are reported as they are read: after a null, drop
 * the ones this call reported.
 */
export function scanSimpleTaskList(marks: LineMarks, startLine: number, onItem: OnTaskItem): number | null {
  const { src, bMarks, eMarks, lineMax } = marks;
  const contentColumns: number[] = [];
  let line = startLine;
  for (; line < lineMax; line++) {
    const start = bMarks[line] ?? 0;
    const end = eMarks[line] ?? 0;
    let p = start;
    while (p < end && src.charCodeAt(p) === SPACE) p++;
    const indent = p - start;
    const marker = src.charCodeAt(p);
    let width: number;
    if (marker === 0x2d || marker === 0x2a || marker === 0x2b) width = 1;
    else if (marker === 0x31 && (src.charCodeAt(p + 1) === 0x2e || src.charCodeAt(p + 1) === 0x29)) width = 2;
    else break;
    const box = p + width + 1;
    const check = src.charCodeAt(box + 1);
    if (
      src.charCodeAt(p + width) !== SPACE ||
      src.charCodeAt(box) !== 0x5b ||
      (check !== SPACE && check !== 0x78 && check !== 0x58) ||
      src.charCodeAt(box + 2) !== 0x5d ||
      src.charCodeAt(box + 3) !== SPACE ||
      box + 4 >= end ||
      src.charCodeAt(box + 4) === SPACE ||
      src.charCodeAt(box + 4) === TAB
    ) {
      break;
    }
    while (contentColumns.length > 0 && (contentColumns.at(-1) ?? 0) > indent) contentColumns.pop();
    const depth = contentColumns.length;
    if (indent - (contentColumns.at(-1) ?? 0) > 3 || depth >= MAX_DEPTH) return null;
    contentColumns.push(indent + width + 1);
    onItem(line, box + 1 - start, String.fromCharCode(check), src.slice(box + 3, end).trimEnd(), depth);
  }
  if (line === startLine || !endsAllItems(marks, line)) return null;
  return line;
}

/** Whether the line after a run closes every item that was open. */
function endsAllItems({ src, bMarks, eMarks, lineMax }: LineMarks, line: number): boolean {
  if (line >= lineMax) return true;
  let start = bMarks[line] ?? 0;
  if (isBlank(src, start, eMarks[line] ?? 0)) {
    while (line < lineMax && isBlank(src, bMarks[line] ?? 0, eMarks[line] ?? 0)) line++;
    if (line >= lineMax) return true;
    start = bMarks[line] ?? 0;
    const first = src.charCodeAt(start);
    return first !== SPACE && first !== TAB;
  }
  let p = start;
  while (p < start + 6 && src.charCodeAt(p) === 0x23) p++;
  if (p === start) return false;
  const after = src.charCodeAt(p);
  return p === eMarks[line] || after === SPACE || after === TAB;
}

function isBlank(src: string, start: number, end: number): boolean {
  for (let p = start; p < end; p++) {
    const c = src.charCodeAt(p);
    if (c !== SPACE && c !== TAB) return false;
  }
  return true;
}
