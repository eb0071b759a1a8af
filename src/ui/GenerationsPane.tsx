import { Box, Text } from 'ink';
import { useEffect } from 'react';
import type { Generation } from '../core/types.js';
import { pinsOf } from '../core/pins.js';
import { type AppState, type GenerationMarks, generationRowText, marksOf, selectedHostOf } from '../state/appState.js';
import type { Controller } from '../state/controller.js';
import { Frame } from './Frame.js';
import { Highlight } from './Highlight.js';
import { highlightRanges } from '../core/fuzzy.js';
import { fit } from './text.js';

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

function detailLine(g: Generation, pinned: boolean, marks: GenerationMarks): string {
  const states = [g.current && 'current', g.running && 'running', g.booted && 'booted'].filter(Boolean).join(', ');
  // what the user set comes first, so that a narrow pane still shows it
  const set = [pinned && 'pinned', marks.remove.includes(g.generation) && 'marked for deletion', marks.compare === g.generation && 'marked for comparison']
    .filter(Boolean)
    .join(', ');
  const parts = [`#${g.generation}`, ...(set ? [set] : []), `${g.date.slice(0, 10)} ${g.date.slice(11, 16)} UTC`, g.nixosVersion];
  if (states) parts.push(states);
  if (g.specialisations.length > 0) parts.push(`spec: ${g.specialisations.join(', ')}`);
  if (g.configurationRevision !== 'Unknown') parts.push(`rev ${g.configurationRevision.slice(0, 7)}`);
  if (g.problem) parts.push(g.problem);
  return parts.join(' · ');
}

export function GenerationsPane({ state, controller, width, height }: { state: AppState; controller: Controller; width: number; height: number }) {
  const pane = state.panes.generations;
  const inner = width - 2;
  const host = selectedHostOf(state);
  const loaded = host ? state.generations[host.name] : undefined;
  const list = loaded?.status === 'ok' ? loaded.value : null;
  const rebootLine = list?.rebootNeeded ? `! reboot needed: booted ${list.bootedKernel}, running ${list.runningKernel}` : null;
  const rows = Math.max(1, height - 2 - 1 - (rebootLine ? 1 : 0));
  useEffect(() => controller.setViewport('generations', rows), [controller, rows]);
  const focused = state.focus === 'generations';
  const selected = pane.hits[pane.cursor]?.item;
  const pins = new Set(host ? pinsOf(state.prefs.pins, host.name) : []);
  const marks = host ? marksOf(state, host.name) : { compare: null, remove: [] };
  const marked = marks.remove.length > 0 ? `${marks.remove.length} marked` : '';
  const info = [host?.name, list ? `${list.generations.length}` : '', marked, pane.filter ? `/${pane.filter}` : ''].filter(Boolean).join(' · ');
  const visible = pane.hits.slice(pane.offset, pane.offset + rows);
  const markerWidth = Math.max(4, ...visible.map((h) => shortMarkers(h.item, pins.has(h.item.generation)).length));
  const rowWidth = Math.max(8, inner - 2 - markerWidth - 1);
  const ranges = highlightRanges(visible.map((h) => generationRowText(h.item)), pane.filter);
  let body;
  if (!host) body = <Text dimColor>no host selected</Text>;
  else if (!loaded || loaded.status === 'loading') body = <Text dimColor>reading generations…</Text>;
  else if (loaded.status === 'error')
    body = (
      <>
        <Text color="yellow" wrap="wrap">
          {loaded.message}
        </Text>
        {loaded.hint ? <Text dimColor wrap="wrap">{loaded.hint}</Text> : null}
      </>
    );
  else if (pane.hits.length === 0) body = <Text dimColor>{list && list.generations.length > 0 ? 'no generation matches' : 'no generations in this profile'}</Text>;
  else
    body = (
      <>
        {visible.map((hit, i) => {
          const isSel = pane.offset + i === pane.cursor;
          const g = hit.item;
          return (
            <Box key={g.generation}>
              <Text inverse={isSel && focused} bold={isSel} wrap="truncate-end">
                {isSel ? '>' : ' '}
                <Text color={marks.remove.includes(g.generation) ? 'red' : 'magenta'} bold>
                  {markCell(g.generation, marks)}
                </Text>
                <Highlight text={fit(generationRowText(g), rowWidth)} ranges={ranges[i] ?? []} />
              </Text>
              <Text color={g.status === 'ok' ? (g.running ? 'green' : 'cyan') : 'red'} wrap="truncate-end">
                {' '}
                {fit(shortMarkers(g, pins.has(g.generation)), markerWidth)}
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
          {rebootLine}
        </Text>
      ) : null}
      <Box flexDirection="column" height={rows} overflow="hidden">
        {body}
      </Box>
      <Text dimColor wrap="truncate-end">
        {selected ? detailLine(selected, pins.has(selected.generation), marks) : ' '}
      </Text>
    </Frame>
  );
}
