// The characters the console draws with, in two sets: unicode, and plain ASCII for --ascii,
// TERM=linux or the asciiBorders preference (a Linux console font has few of the others).
import { visibleText } from '../core/displayText.js';
import type { RunPhase } from '../core/runsService.js';

export interface Glyphs {
  ascii: boolean;
  /** what a cut text ends with */
  ellipsis: string;
  /** Ink's border style for boxes */
  border: 'round' | 'classic';
  /** a frame's top border: left corner, line, right corner */
  top: readonly [string, string, string];
  /** a horizontal rule */
  rule: string;
  /** the end of a text being typed */
  cursor: string;
  /** a one-cell sign for a run's state, always next to a word */
  phase: Readonly<Record<RunPhase, string>>;
}

export const UNICODE_GLYPHS: Glyphs = {
  ascii: false,
  ellipsis: '…',
  border: 'round',
  top: ['╭', '─', '╮'],
  rule: '─',
  cursor: '▏',
  phase: { running: '⟳', succeeded: '✓', failed: '✗', partial: '!', cancelled: '-', lost: '?' },
};

export const ASCII_GLYPHS: Glyphs = {
  ascii: true,
  ellipsis: '...',
  border: 'classic',
  top: ['+', '-', '+'],
  rule: '-',
  cursor: '_',
  phase: { running: '~', succeeded: '+', failed: 'x', partial: '!', cancelled: '-', lost: '?' },
};

export function glyphsFor(ascii: boolean): Glyphs {
  return ascii ? ASCII_GLYPHS : UNICODE_GLYPHS;
}

/**
 * What ASCII mode writes for the non-ASCII characters the console's own words and core's
 * texts use; letters with accents lose them; anything else becomes `?`.
 */
const ASCII_FOR: Readonly<Record<string, string>> = {
  '·': '|',
  '…': '...',
  '›': '>',
  '‹': '<',
  '≥': '>=',
  '≤': '<=',
  '↓': 'Dn',
  '↑': 'Up',
  '→': '->',
  '←': '<-',
  '⟳': '~',
  '✓': '+',
  '✗': 'x',
  '∅': '(none)',
  'ε': '(no version)',
  '—': '-',
  '–': '-',
  '“': '"',
  '”': '"',
  '„': '"',
  '‘': "'",
  '’': "'",
  '•': '*',
  '×': 'x',
  '▏': '_',
  '─': '-',
  '│': '|',
  '╭': '+',
  '╮': '+',
  '╰': '+',
  '╯': '+',
  '\u00a0': ' ',
  'ß': 'ss',
  'æ': 'ae',
  'Æ': 'AE',
  'ø': 'o',
  'Ø': 'O',
  'ł': 'l',
  'Ł': 'L',
};

const NON_ASCII = /[^\x00-\x7f]/;
const MARKS = /\p{M}/gu;

/** `s` with every non-ASCII character replaced (see ASCII_FOR). */
export function toAscii(s: string): string {
  if (!NON_ASCII.test(s)) return s;
  let out = '';
  for (const ch of s) {
    if (!NON_ASCII.test(ch)) {
      out += ch;
      continue;
    }
    const named = ASCII_FOR[ch];
    if (named !== undefined) {
      out += named;
      continue;
    }
    const base = ch.normalize('NFKD').replace(MARKS, '');
    out += base !== '' && !NON_ASCII.test(base) ? base : '?';
  }
  return out;
}

/**
 * Text as the screen shows it: control characters made visible (ESC as `^[`, TAB expanded, …),
 * and in ASCII mode nothing but ASCII. Every text that reaches a row goes through here before
 * its width is measured.
 */
export function screenText(s: string, g: Glyphs): string {
  const visible = visibleText(s);
  return g.ascii ? toAscii(visible) : visible;
}
