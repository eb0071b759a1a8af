import stringWidth from 'string-width';
import { fit } from './text.js';

/**
 * Word-wrap `text` into lines of at most `widths[i]` cells (the last width repeats for the
 * lines after). A word longer than a line is cut across lines. At most `maxLines` lines: when
 * text is left over, the last line ends in `…`.
 */
export function wrapLines(text: string, widths: readonly number[], maxLines: number): string[] {
  const widthOf = (line: number): number => Math.max(1, widths[Math.min(line, widths.length - 1)] ?? 1);
  const lines: string[] = [];
  let current = '';
  const push = (): void => {
    lines.push(current);
    current = '';
  };
  for (const [p, paragraph] of text.split('\n').entries()) {
    if (p > 0) push();
    for (const word of paragraph.split(' ')) {
      if (word === '') continue;
      const joined = current === '' ? word : `${current} ${word}`;
      if (stringWidth(joined) <= widthOf(lines.length)) {
        current = joined;
        continue;
      }
      if (current !== '') push();
      // a word wider than a whole line is cut where the line ends
      for (const char of word) {
        if (current !== '' && stringWidth(current + char) > widthOf(lines.length)) push();
        current += char;
      }
    }
  }
  if (current !== '' || lines.length === 0) push();
  const max = Math.max(1, maxLines);
  if (lines.length <= max) return lines;
  const kept = lines.slice(0, max);
  const last = max - 1;
  kept[last] = fit(`${kept[last] ?? ''} ${lines[max] ?? ''}`, widthOf(last)).trimEnd();
  if (!kept[last]?.endsWith('…')) kept[last] = `${fit(kept[last] ?? '', widthOf(last) - 1).trimEnd()}…`;
  return kept;
}
