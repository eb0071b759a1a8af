import stringWidth from 'string-width';

/** Cut or pad to exactly `width` terminal cells. */
export function fit(text: string, width: number): string {
  if (width <= 0) return '';
  const w = stringWidth(text);
  if (w <= width) return text + ' '.repeat(width - w);
  let out = '';
  let used = 0;
  for (const char of text) {
    const cw = stringWidth(char);
    if (used + cw > width - 1) break;
    out += char;
    used += cw;
  }
  return `${out}…${' '.repeat(Math.max(0, width - used - 1))}`;
}

export function cellWidth(text: string): number {
  return stringWidth(text);
}
