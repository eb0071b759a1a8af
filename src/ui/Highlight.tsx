import { Text } from 'ink';
import { segments, type Ranges } from '../core/fuzzy.js';

/** Text with the fuzzy-matched characters emphasised. */
export function Highlight({ text, ranges }: { text: string; ranges: Ranges }) {
  if (ranges.length === 0) return <>{text}</>;
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
