// Reading a rendered console frame in the layout tests: rows, pane insides, characters.

import stringWidth from 'string-width';
import { expect } from 'vitest';

export const rowsOf = (frame: string): string[] => frame.split('\n');

/** The frame fits the terminal: at most rows - 1 lines, none wider than the columns. */
export function expectFits(frame: string, size: { columns: number; rows: number }): void {
  expect(rowsOf(frame).length, frame).toBeLessThanOrEqual(size.rows - 1);
  for (const line of rowsOf(frame)) expect(stringWidth(line), `${line}\n---\n${frame}`).toBeLessThanOrEqual(size.columns);
}

/** Every character below 0x80. */
export function nonAscii(frame: string): string[] {
  return [...frame].filter((ch) => (ch.codePointAt(0) ?? 0) >= 0x80);
}

/** The text of the rows joined, with runs of spaces and border characters squeezed to one space. */
export function joined(rows: readonly string[]): string {
  return rows
    .map((r) => r.replace(/[│|]/g, ' '))
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * The inside of the bordered box whose top border carries `title` (unicode or ASCII borders):
 * one string per row, between the side borders, down to the bottom border.
 */
export function paneRows(frame: string, title: string): string[] {
  const all = rowsOf(frame);
  const top = all.findIndex((l) => l.includes(title));
  const border = all[top];
  if (top < 0 || border === undefined) throw new Error(`no box titled "${title}" in:\n${frame}`);
  const at = border.indexOf(title);
  const left = Math.max(border.lastIndexOf('╭', at), border.lastIndexOf('+', at));
  const rightU = border.indexOf('╮', at);
  const right = rightU >= 0 ? rightU : border.indexOf('+', at);
  const rows: string[] = [];
  for (const line of all.slice(top + 1)) {
    if (line[left] === '╰' || line[left] === '+') break;
    rows.push(line.slice(left + 1, right));
  }
  return rows;
}

/** The rows of the box that starts on the first line beginning with a corner at or after `from`. */
export function boxAfter(frame: string, from: number): string[] {
  const all = rowsOf(frame);
  const top = all.findIndex((l, i) => i >= from && /^[╭+]/.test(l));
  const rows: string[] = [];
  for (const line of all.slice(top + 1)) {
    if (/^[╰+]/.test(line)) break;
    rows.push(line.slice(1, -1));
  }
  return rows;
}

/**
 * Every line of the open help overlay without its top and bottom rules: page by page (PgDn)
 * until it stops moving, then back to the top (g).
 */
export async function wholeHelp(ui: { lastFrame(): string; press(...keys: string[]): Promise<void> }): Promise<string[]> {
  const seen: string[] = [];
  let previous = '';
  for (let page = 0; page < 40 && ui.lastFrame() !== previous; page++) {
    previous = ui.lastFrame();
    seen.push(...rowsOf(previous).slice(1, -1));
    await ui.press('\u001B[6~');
  }
  await ui.press('g');
  return seen;
}
