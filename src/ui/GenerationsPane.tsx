import { Box, Text } from 'ink';
import { useEffect } from 'react';
import type { Generation } from '../core/types.js';
import { pinsOf } from '../core/pins.js';
import { type AppState, type GenerationMarks, generationRowText, marksOf, selectedHostOf } from '../state/appState.js';
import type { Controller } from '../state/controller.js';
import { Frame } from './Frame.js';
import { glyphsFor, screenText } from './glyphs.js';
import { Highlight } from './Highlight.js';
import { highlightRanges } from '../core/fuzzy.js';
import { fit, packParts } from './text.js';

function shortMarkers(g: Generation, pinned: boolean): string {
  const pin = pinned ? 'pin' : '';
  if (g.status !== 'ok') return [g.status, pin].filter(Boolean).join(' ');
  return [g.current ? 'cur' : '', g.running ? 'run' : '', g.booted ? 'boot' : '', pin].filter(Boolean).join(' ');
}

/** The mark column: * marked for deletion, = marked for comparison. */
function markCell(n: number, marks: GenerationMarks): string {
  if (marks.remove.includes(n)) return '*';
  if (marks.compare === n) return '=';
  return ' ';
}

/** The selected generation in full, as parts joined by ` · `. */
function detailParts(g: Generation, pinned: boolean, marks: GenerationMarks): string[] {
  const states = [g.current && 'current', g.running && 'running', g.booted && 'booted'].filter(Boolean).join(', ');
  // what the user set comes first, so that a narrow pane still shows it
  const set = [pinned && 'pinned', marks.remove.includes(g.generation) && 'marked for deletion', marks.compare === g.generation && 'marked for comparison']
    .filter(Boolean)
    .join(', ');
  const parts = [`#${g.generation}`, ...(set ? [set] : []), `${g.date.slice(0, 10)} ${g.date.slice(11, 16)} UTC`, g.nixosVersion];
  if (g.specialisations.length > 0) parts.push(`spec: ${g.specialisations.join(', ')}`);
  if (g.configurationRevision !== 'Unknown') parts.push(`rev ${g.configurationRevision.slice(0, 7)}`);
  if (g.problem) parts.push(g.problem);
  // last: the marker column beside the row says them too
  if (states) parts.push(states);
  return parts;
}

/**
 * The detail takes a second row rather than lose what comes last, while the list keeps at least
 * LIST_ROWS rows (at the minimum size the list wins).
 */
const DETAIL_ROWS = 2;
const LIST_ROWS = 3;

export function GenerationsPane({ state, controller, width, height }: { state: AppState; controller: Controller; width: number; height: number }) {
  const pane = state.panes.generations;
  const inner = width - 2;
  const host = selectedHostOf(state);
  const loaded = host ? state.generations[host.name] : undefined;
  const list = loaded?.status === 'ok' ? loaded.value : null;
  const g = glyphsFor(state.prefs.asciiBorders);
  const rebootLine = list?.rebootNeeded ? `! reboot needed: booted ${list.bootedKernel}, running ${list.runningKernel}` : null;
  const focused = state.focus === 'generations';
  const selected = list ? pane.hits[pane.cursor]?.item : undefined;
  const pins = new Set(host ? pinsOf(state.prefs.pins, host.name) : []);
  const marks = host ? marksOf(state, host.name) : { compare: null, remove: [] };
  const detailRows = height - 2 - (rebootLine ? 1 : 0) - DETAIL_ROWS >= LIST_ROWS ? DETAIL_ROWS : 1;
  const detail = selected ? packParts(detailParts(selected, pins.has(selected.generation), marks), ' · ', inner, detailRows, g) : [];
  // without a list the message has the detail rows too
  const rows = Math.max(1, height - 2 - detail.length - (rebootLine ? 1 : 0));
  useEffect(() => controller.setViewport('generations', rows), [controller, rows]);
  const marked = marks.remove.length > 0 ? `${marks.remove.length} marked` : '';
  const info = [host?.name, list ? `${list.generations.length}` : '', list?.simulated, marked, pane.filter ? `/${pane.filter}` : ''].filter(Boolean).join(' · ');
  const visible = pane.hits.slice(pane.offset, pane.offset + rows);
  const markerWidth = Math.max(4, ...visible.map((h) => shortMarkers(h.item, pins.has(h.item.generation)).length));
  const rowWidth = Math.max(8, inner - 2 - markerWidth - 1);
  const rowTexts = visible.map((h) => screenText(generationRowText(h.item), g));
  const ranges = highlightRanges(rowTexts, pane.filter);
  let body;
  if (!host) body = <Text dimColor wrap="wrap">no host selected</Text>;
  else if (!loaded || loaded.status === 'loading') body = <Text dimColor wrap="wrap">{screenText(`reading the generations of ${host.name}…`, g)}</Text>;
  else if (loaded.status === 'error')
    body = (
      <>
        <Text color="yellow" wrap="wrap">
          {screenText(loaded.message, g)}
        </Text>
        {loaded.hint ? (
          <Text dimColor wrap="wrap">
            {screenText(loaded.hint, g)}
          </Text>
        ) : null}
      </>
    );
  else if (pane.hits.length === 0)
    body = <Text dimColor wrap="wrap">{list && list.generations.length > 0 ? 'no generation matches' : 'no generations in this profile'}</Text>;
  else
    body = (
      <>
        {visible.map((hit, i) => {
          const isSel = pane.offset + i === pane.cursor;
          const gen = hit.item;
          return (
            <Box key={gen.generation}>
              <Text inverse={isSel && focused} bold={isSel} wrap="truncate-end">
                {isSel ? '>' : ' '}
                <Text color={marks.remove.includes(gen.generation) ? 'red' : 'magenta'} bold>
                  {markCell(gen.generation, marks)}
                </Text>
                <Highlight text={fit(rowTexts[i] ?? '', rowWidth, g)} ranges={ranges[i] ?? []} color={state.color} glyphs={g} />
              </Text>
              <Text color={gen.status === 'ok' ? (gen.running ? 'green' : 'cyan') : 'red'} wrap="truncate-end">
                {' '}
                {fit(shortMarkers(gen, pins.has(gen.generation)), markerWidth, g)}
              </Text>
            </Box>
          );
        })}
      </>
    );
  return (
    <Frame title="2 Generations" info={info} focused={focused} width={width} height={height} ascii={state.prefs.asciiBorders}>
      {rebootLine ? (
        <Text color="yellow" wrap="truncate-end">
          {fit(rebootLine, inner, g)}
        </Text>
      ) : null}
      <Box flexDirection="column" height={rows} overflow="hidden">
        {body}
      </Box>
      {detail.map((line, i) => (
        <Text key={i} dimColor wrap="truncate-end">
          {line}
        </Text>
      ))}
    </Frame>
  );
}
