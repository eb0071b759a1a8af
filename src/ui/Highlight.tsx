import { Text } from 'ink';
import { segments, type Ranges } from '../core/fuzzy.js';
import { type Glyphs, UNICODE_GLYPHS } from './glyphs.js';
import { cellWidth, fit } from './text.js';

/**
 * `text` (already fitted to its column) with the matched runs in brackets, for a terminal
 * without colours, where underline and bold are dropped too: "[vm]0[1]". The brackets take
 * the padding first; when there is none the text is cut again to the same width.
 */
export function bracketMatches(text: string, ranges: Ranges, g: Glyphs = UNICODE_GLYPHS): string {
  const marked = segments(text, ranges)
    .map((seg) => (seg.hit ? `[${seg.text}]` : seg.text))
    .join('');
  const width = cellWidth(text);
  return cellWidth(marked) <= width ? marked : fit(marked.trimEnd(), width, g);
}

/** Text with the fuzzy-matched characters emphasised: in colour, or in brackets when `color` is off. */
export function Highlight({ text, ranges, color = true, glyphs }: { text: string; ranges: Ranges; color?: boolean; glyphs?: Glyphs }) {
  if (ranges.length === 0) return <>{text}</>;
  if (!color) return <>{bracketMatches(text, ranges, glyphs)}</>;
  return (
    <>
      {segments(text, ranges).map((seg, i) =>
        seg.hit ? (
          <Text key={i} color="yellow" bold underline>
            {seg.text}
          </Text>
        ) : (
          seg.text
        ),
      )}
    </>
  );
}
