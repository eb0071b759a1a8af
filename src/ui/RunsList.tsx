import { Text } from 'ink';
import { formatDuration } from '../core/runSummary.js';
import type { AppState } from '../state/appState.js';
import { groupHeadline, type SummaryRow, summaryRows } from '../state/group.js';
import { glyphsFor, screenText } from './glyphs.js';
import { elapsedMs, phaseGlyph } from './runText.js';
import { Overlay } from './Overlay.js';
import { fit } from './text.js';

function startedAt(ms: number): string {
  return Number.isFinite(ms) ? `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC` : '';
}

const RESULT_COLOR: Partial<Record<SummaryRow['resultKind'], string>> = { ok: 'green', partial: 'yellow', failed: 'red', 'rolled-back': 'red', 'not started': 'red', running: 'cyan' };

/** One summary row: `t460       3/4 activate  running`; the phase count and words carry it, colour only adds. */
export function summaryRowText(row: SummaryRow, width: number, ascii: boolean): string {
  const g = glyphsFor(ascii);
  const phase = row.step > 0 ? `${row.step}/4 ${row.phase}` : row.phase;
  const result = row.countdown ? `confirming: ${row.countdown}` : row.reason ? `${row.result}: ${row.reason}` : row.result;
  return fit(`${fit(row.host, 10, g)} ${fit(phase, 13, g)}${result}`, width, g);
}

/** L: the last deploy of marked hosts (one row per host), then every known run, newest first; Enter opens one in a pane. */
export function RunsList({ state, width, height }: { state: AppState; width: number; height: number }) {
  const { known, listCursor, views, open } = state.runs;
  const group = state.group;
  const summary = group ? summaryRows(group, views) : [];
  // the group's rows, its headline and a blank row; the runs keep at least 2 rows
  const groupRows = group ? Math.min(summary.length + 2, Math.max(0, height - 5)) : 0;
  const rows = Math.max(1, height - 3 - groupRows);
  const offset = Math.max(0, Math.min(listCursor - Math.floor(rows / 2), known.length - rows));
  const inner = width - 4;
  const ascii = state.prefs.asciiBorders;
  const g = glyphsFor(ascii);
  return (
    <Overlay width={width} height={height} ascii={ascii} title="runs" info={`(${known.length} · j/k move · Enter opens · Esc closes)`}>
      {group && groupRows > 0 ? (
        <>
          <Text bold wrap="truncate-end">
            {fit(screenText(groupHeadline(group, summary), g), inner, g)}
          </Text>
          {summary.slice(0, groupRows - 2).map((row) => (
            <Text key={`group-${row.host}`} color={state.color ? RESULT_COLOR[row.resultKind] : undefined} wrap="truncate-end">
              {'  '}
              {screenText(summaryRowText(row, inner - 2, ascii), g)}
            </Text>
          ))}
          <Text> </Text>
        </>
      ) : null}
      {known.length === 0 ? (
        <Text dimColor>{screenText('no runs yet: b, s … on a host start one', g)}</Text>
      ) : (
        known.slice(offset, offset + rows).map((id, i) => {
          const view = views[id];
          const selected = offset + i === listCursor;
          const isOpen = open.some((p) => p.id === id);
          const text = view
            ? `${phaseGlyph(view.phase, ascii)} ${fit(view.host, 10, g)} ${fit(view.action, 13, g)}${fit(view.phase !== 'running' && view.deploy?.result?.kind === 'rolled-back' ? 'rolled back' : view.phase, 12, g)}${fit(formatDuration(elapsedMs(view, state.runs.nowMs)), 7, g)}${startedAt(view.startedAtMs)}${isOpen ? '  open' : ''}`
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
