import stringWidth from 'string-width';

/**
 * Columns padded to the widest cell by display width (a wide character takes two cells, an
 * escape sequence none); the last column is not padded.
 */
export function table(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, stringWidth(cell))));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - stringWidth(cell)))).join('  ').trimEnd());
}
