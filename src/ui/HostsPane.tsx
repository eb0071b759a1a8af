import { Box, Text } from 'ink';
import type { AppState } from '../state/appState.js';
import { Frame } from './Frame.js';
import { glyphsFor, screenText } from './glyphs.js';
import { Highlight } from './Highlight.js';
import { highlightRanges } from '../core/fuzzy.js';
import { hostRunLabel } from './runText.js';
import { fit } from './text.js';

const RUN_COLOR = { running: 'cyan', succeeded: 'green', failed: 'red', partial: 'yellow', cancelled: 'gray', lost: 'gray' } as const;

const SOURCE_LABEL: Record<string, string> = { 'flake,folder': 'both', flake: 'flake', folder: 'folder' };

export function HostsPane({ state, width, height }: { state: AppState; width: number; height: number }) {
  const pane = state.panes.hosts;
  const inner = width - 2;
  const rows = state.layout.lists.hosts;
  const g = glyphsFor(state.prefs.asciiBorders);
  const nameWidth = Math.max(4, inner - 2 - 13);
  const visible = pane.hits.slice(pane.offset, pane.offset + rows);
  // names as shown (control characters visible): the highlights are found on what is shown
  const names = visible.map((h) => screenText(h.item.name, g));
  const ranges = highlightRanges(names, pane.filter);
  const focused = state.focus === 'hosts';
  const marked = new Set(state.markedHosts);
  const markCount = state.hosts.filter((h) => marked.has(h.name)).length;
  return (
    <Frame title="1 Hosts" info={pane.filter ? `/${pane.filter}` : markCount > 0 ? `${markCount}/${state.hosts.length} marked` : `${state.hosts.length}`} focused={focused} width={width} height={height} ascii={state.prefs.asciiBorders}>
      {state.hosts.length === 0 ? (
        <Text dimColor wrap="truncate-end">
          {screenText(state.flakeEval.status === 'loading' ? 'looking for hosts…' : 'no hosts found', g)}
        </Text>
      ) : pane.hits.length === 0 ? (
        <Text dimColor>no host matches</Text>
      ) : (
        visible.map((hit, i) => {
          const selected = pane.offset + i === pane.cursor;
          const name = fit(names[i] ?? '', nameWidth, g);
          const run = state.runs.byHost[hit.item.name];
          return (
            <Box key={hit.item.name}>
              <Text inverse={selected && focused} bold={selected} wrap="truncate-end">
                {selected ? '>' : ' '}
                {/* the mark (Space, a): s, B and t deploy the marked hosts together */}
                {marked.has(hit.item.name) ? '*' : ' '}
                <Highlight text={name} ranges={ranges[i] ?? []} color={state.color} glyphs={g} />
              </Text>
              {run ? (
                // the run state takes the source and local columns: a sign and the action, in words
                <Text color={RUN_COLOR[run.phase]} bold={run.phase === 'running'} wrap="truncate-end">
                  {' '}
                  {fit(hostRunLabel(run, state.prefs.asciiBorders), Math.max(1, inner - 3 - nameWidth), g)}
                </Text>
              ) : (
                <>
                  <Text dimColor wrap="truncate-end">
                    {' '}
                    {fit(SOURCE_LABEL[hit.item.sources.join(',')] ?? '', 6)}
                  </Text>
                  <Text color="green" wrap="truncate-end">
                    {hit.item.local ? ' local' : ''}
                  </Text>
                </>
              )}
            </Box>
          );
        })
      )}
    </Frame>
  );
}
