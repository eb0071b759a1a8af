import { Box, Text } from 'ink';
import { highlightRanges } from '../core/fuzzy.js';
import type { AppState } from '../state/appState.js';
import { type HistoryRow, historyRowText } from '../state/historySlice.js';
import { glyphsFor, screenText } from './glyphs.js';
import { Highlight } from './Highlight.js';
import { Overlay } from './Overlay.js';
import { fit } from './text.js';

/** '> ' before the selected row */
const MARK = 2;

function detailOf(row: HistoryRow | undefined): string {
  if (!row) return '';
  const c = row.commit;
  const parts = [c.hash, c.date.replace('T', ' ').slice(0, 16), c.author];
  if (row.hosts.length > 0) parts.push(`${row.hosts.join(', ')} ${row.hosts.length === 1 ? 'is' : 'are'} on it (deployed tag or running generation)`);
  return parts.join(' · ');
}

/** l: the newest commits, each with the hosts on it; `/` filters, Enter shows the commit. */
export function HistoryView({ state, width, height }: { state: AppState; width: number; height: number }) {
  const g = glyphsFor(state.prefs.asciiBorders);
  const inner = Math.max(1, width - 4);
  const history = state.history;
  const rows = state.layout.historyRows;
  const loaded = history.rows;
  const total = loaded?.status === 'ok' ? loaded.value.length : 0;
  const info = [
    history.filter !== '' ? `${history.hits.length} of ${total} commits matching "${history.filter}"` : `${total} commit${total === 1 ? '' : 's'}`,
    'Enter shows · / filters · Esc closes',
  ].join(' · ');
  let body;
  if (loaded === null || loaded.status === 'loading') body = <Text dimColor>{`reading the log${g.ellipsis}`}</Text>;
  else if (loaded.status === 'error')
    body = (
      <>
        <Text color="red" wrap="wrap">{screenText(loaded.error, g)}</Text>
        {loaded.hint ? <Text dimColor wrap="wrap">{screenText(loaded.hint, g)}</Text> : null}
      </>
    );
  else if (total === 0) body = <Text dimColor>no commits yet</Text>;
  else {
    const shown = history.hits.slice(history.offset, history.offset + rows);
    const texts = shown.map((hit) => fit(screenText(historyRowText(hit.item), g), inner - MARK, g));
    const ranges = highlightRanges(texts, history.filter);
    body = (
      <>
        <Text bold dimColor wrap="truncate-end">
          {fit(`${' '.repeat(MARK)}COMMIT  DATE       [HOSTS ON IT] SUBJECT`, inner, g)}
        </Text>
        <Box flexDirection="column" height={rows} overflow="hidden">
          {history.hits.length === 0 ? <Text dimColor>{`no commit matches "${history.filter}"`}</Text> : null}
          {shown.map((hit, k) => {
            const selected = history.offset + k === history.cursor;
            return (
              <Text key={hit.item.commit.hash} wrap="truncate-end" inverse={selected} bold={selected}>
                {selected ? '> ' : '  '}
                <Highlight text={texts[k] ?? ''} ranges={ranges[k] ?? []} color={state.color} glyphs={g} />
              </Text>
            );
          })}
        </Box>
        <Text dimColor wrap="truncate-end">
          {fit(screenText(detailOf(history.hits[history.cursor]?.item), g), inner, g)}
        </Text>
      </>
    );
  }
  return (
    <Overlay width={width} height={height} ascii={g.ascii} title="history" info={info}>
      {body}
    </Overlay>
  );
}
