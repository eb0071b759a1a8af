/** Columns between tab stops when a TAB in file or log text is expanded. */
export const TAB_WIDTH = 4;

const CARET_C0 = '@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_';

/**
 * Text from files, logs, host names or commit subjects made safe to print on a terminal:
 * TAB becomes spaces up to the next multiple of {@link TAB_WIDTH} (counted from the start of
 * the string or the last line break), LF stays, every other C0 control and DEL are shown in
 * caret notation (ESC -> `^[`, BEL -> `^G`, CR -> `^M`, DEL -> `^?`), C1 controls
 * (U+0080–U+009F) and the bidi embeddings/overrides/isolates (U+202A–U+202E, U+2066–U+2069)
 * as `<U+XXXX>`. Nothing in the result can move the cursor, change colours or reorder text.
 */
export function visibleText(s: string): string {
  if (!NEEDS_WORK.test(s)) return s;
  let out = '';
  let column = 0;
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    let piece: string;
    if (code === 0x09) {
      piece = ' '.repeat(TAB_WIDTH - (column % TAB_WIDTH));
    } else if (code === 0x0a) {
      out += ch;
      column = 0;
      continue;
    } else if (code < 0x20) {
      piece = `^${CARET_C0[code]}`;
    } else if (code === 0x7f) {
      piece = '^?';
    } else if ((code >= 0x80 && code <= 0x9f) || (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069)) {
      piece = `<U+${code.toString(16).toUpperCase().padStart(4, '0')}>`;
    } else {
      piece = ch;
    }
    out += piece;
    column += piece.length;
  }
  return out;
}

const NEEDS_WORK = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
