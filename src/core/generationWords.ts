// Generation numbers and word lists as the console and its messages write them. Pure.

/** `39, 40, 41, 43` → `39-41, 43`: generation numbers in a short form, ascending. */
export function numberRanges(numbers: readonly number[]): string {
  const sorted = [...new Set(numbers)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && (sorted[j + 1] ?? 0) === (sorted[j] ?? 0) + 1) j++;
    const from = sorted[i];
    const to = sorted[j];
    parts.push(j - i >= 2 ? `${from}-${to}` : j > i ? `${from}, ${to}` : `${from}`);
    i = j + 1;
  }
  return parts.join(', ');
}

/** `current and running`, `current, running and booted` */
export function joinWords(words: readonly string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}
