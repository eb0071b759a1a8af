import { Text } from 'ink';
import { formatDuration } from '../core/runSummary.js';
import type { AppState } from '../state/appState.js';
import { glyphsFor, screenText } from './glyphs.js';
import { elapsedMs, phaseGlyph } from './runText.js';
import { Overlay } from './Overlay.js';
import { fit } from './text.js';

function startedAt(ms: number): string {
  return Number.isFinite(ms) ? `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC` : '';
}

/** L: every known run, newest first; Enter opens one in a pane. */
export function RunsList({ state, width, height }: { state: AppState; width: number; height: number }) {
  const { known, listCursor, views, open } = state.runs;
  const rows = Math.max(1, height - 3);
  const offset = Math.max(0, Math.min(listCursor - Math.floor(rows / 2), known.length - rows));
  const inner = width - 4;
  const ascii = state.prefs.asciiBorders;
  const g = glyphsFor(ascii);
  return (
    <Overlay width={width} height={height} ascii={ascii} title="runs" info={`(${known.length} · j/k move · Enter opens · Esc closes)`}>
      {known.length === 0 ? (
        <Text dimColor>{screenText('no runs yet: b, s … on a host start one', g)}</Text>
      ) : (
        known.slice(offset, offset + rows).map((id, i) => {
          const view = views[id];
          const selected = offset + i === listCursor;
          const isOpen = open.some((p) => p.id === id);
          const text = view
            ? `${phaseGlyph(view.phase, ascii)} ${fit(view.host, 10, g)} ${fit(view.action, 13, g)}${fit(view.phase, 10, g)}${fit(formatDuration(elapsedMs(view, state.runs.nowMs)), 7, g)}${startedAt(view.startedAtMs)}${isOpen ? '  open' : ''}`
            : `? ${id}`;
          return (
            <Text key={id} inverse={selected} bold={selected} wrap="truncate-end">
              {selected ? '>' : ' '} {fit(text, inner - 2, g)}
            </Text>
          );
        })
      )}
    </Overlay>
  );
}
