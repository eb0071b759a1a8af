import { Box, Text } from 'ink';
import type { AppState } from '../state/appState.js';
import { generationViewText, type LineTone } from './generationText.js';
import { glyphsFor } from './glyphs.js';
import { Overlay } from './Overlay.js';
import { fit } from './text.js';

const TONE: Record<LineTone, { color?: string; bold?: boolean; dimColor?: boolean }> = {
  title: { bold: true, color: 'cyanBright' },
  heading: { bold: true },
  up: { color: 'green' },
  down: { color: 'yellow' },
  add: { color: 'cyan' },
  remove: { color: 'red' },
  plain: {},
  dim: { dimColor: true },
  warn: { color: 'yellow' },
  error: { color: 'red', bold: true },
};

/** What scrolling does and where it is: `lines 1-12 of 40 · j/k scroll`. */
function position(scroll: number, rows: number, total: number): string {
  if (total <= rows) return total === 0 ? '' : 'all shown';
  return `lines ${scroll + 1}-${Math.min(total, scroll + rows)} of ${total} · j/k scroll`;
}

/** The diff of two systems, or the prune preview, over the body; scrolled with j/k. */
export function GenerationViewBox({ state, width, height }: { state: AppState; width: number; height: number }) {
  const view = state.genView;
  const area = state.layout.view;
  if (!view || !area) return null;
  const g = glyphsFor(state.prefs.asciiBorders);
  const text = generationViewText(view);
  const inner = Math.max(1, width - 4);
  // the layout gave the rows: border (2), title, context and fixed lines, footer
  const { fixed: fixedCount, context: contextCount, rows, lines: total } = area;
  const scroll = view.scroll;
  const shown = text.body.slice(scroll, scroll + rows);
  const asking = state.dialog !== null;
  const next =
    view.kind === 'diff' && view.purpose === 'switch'
      ? asking
        ? 'answer below'
        : 'Enter: switch, boot or test… (asks) · Esc back'
      : view.kind === 'prune' && view.plan.delete.length > 0
        ? 'answer below'
        : 'Esc closes';
  const footer = [position(scroll, rows, total), next].filter(Boolean).join(' · ');
  return (
    <Overlay width={width} height={height} ascii={state.prefs.asciiBorders} title={text.title}>
      {[...text.context.slice(0, contextCount), ...text.fixed.slice(0, fixedCount)].map((line, i) => (
        <Text key={`f${i}`} wrap="truncate-end" {...TONE[line.tone]}>
          {fit(line.text, inner, g)}
        </Text>
      ))}
      <Box flexDirection="column" height={rows} overflow="hidden">
        {shown.map((line, i) => (
          <Text key={`b${scroll + i}`} wrap="truncate-end" {...TONE[line.tone]}>
            {fit(line.text, inner, g)}
          </Text>
        ))}
      </Box>
      <Text dimColor wrap="truncate-end">
        {fit(footer, inner, g)}
      </Text>
    </Overlay>
  );
}
