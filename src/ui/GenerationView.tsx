import { Box, Text } from 'ink';
import { useEffect } from 'react';
import type { AppState } from '../state/appState.js';
import type { Controller } from '../state/controller.js';
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
export function GenerationViewBox({ state, controller, width, height }: { state: AppState; controller: Controller; width: number; height: number }) {
  const view = state.genView;
  const g = glyphsFor(state.prefs.asciiBorders);
  const text = view ? generationViewText(view) : null;
  const inner = Math.max(1, width - 4);
  // border (2), title, context and fixed lines, footer; the context only while 4 rows still scroll
  const fixedCount = text ? Math.min(text.fixed.length, Math.max(0, height - 5)) : 0;
  const contextCount = text && height - 4 - fixedCount - text.context.length >= 4 ? text.context.length : 0;
  const rows = Math.max(1, height - 2 - 1 - contextCount - fixedCount - 1);
  const total = text?.body.length ?? 0;
  useEffect(() => controller.gens.setViewGeometry(rows, total), [controller, rows, total]);
  if (!view || !text) return null;
  const scroll = Math.max(0, Math.min(view.scroll, total - rows));
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
