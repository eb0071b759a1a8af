import { Box, Text } from 'ink';
import type { Generation } from '../core/types.js';
import { pinsOf } from '../core/pins.js';
import { type AppState, type CachedListNote, type GenerationMarks, generationRowText, marksOf, selectedHostOf } from '../state/appState.js';
import { Frame } from './Frame.js';
import { glyphsFor, screenText } from './glyphs.js';
import { Highlight } from './Highlight.js';
import { highlightRanges } from '../core/fuzzy.js';
import { fit, packParts } from './text.js';
import { revisionWords } from '../core/generationRevision.js';
import type { RevisionMatch } from '../core/repo.js';

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
function detailParts(g: Generation, pinned: boolean, marks: GenerationMarks, revision: RevisionMatch | undefined): string[] {
  const states = [g.current && 'current', g.running && 'running', g.booted && 'booted'].filter(Boolean).join(', ');
  // what the user set comes first, so that a narrow pane still shows it
  const set = [pinned && 'pinned', marks.remove.includes(g.generation) && 'marked for deletion', marks.compare === g.generation && 'marked for comparison']
    .filter(Boolean)
    .join(', ');
  const parts = [`#${g.generation}`, ...(set ? [set] : []), `${g.date.slice(0, 10)} ${g.date.slice(11, 16)} UTC`, g.nixosVersion];
  if (g.specialisations.length > 0) parts.push(`spec: ${g.specialisations.join(', ')}`);
  const rev = revisionWords(g, revision);
  if (rev) parts.push(rev);
  if (g.problem) parts.push(g.problem);
  // last: the marker column beside the row says them too
  if (states) parts.push(states);
  return parts;
}

/** What the repository says of a generation's revision; nothing outside a git repository (its lookups find nothing there). */
function revisionOf(state: AppState, host: string, generation: number): RevisionMatch | undefined {
  return state.git.value === null ? undefined : state.revisions[host]?.[generation];
}

/** `45 s`, `3 min`, `2 h`, `5 d`: how old a kept list is. */
export function ageWords(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h`;
  return `${Math.floor(s / 86_400)} d`;
}

/** The title's word for a list kept from an earlier read: `cached 3 min ago` while the host is read, `from 2 h ago` when it could not be. */
function cachedInfo(note: CachedListNote | undefined): string {
  if (!note) return '';
  const age = ageWords(note.shownAtMs - note.savedAtMs);
  return note.error === null ? `cached ${age} ago` : `unreachable · list from ${age} ago`;
}

/** The selected generation's detail as shown under the list: at most `maxRows` lines of `width` cells. */
export function generationDetail(state: AppState, width: number, maxRows: number): string[] {
  const host = selectedHostOf(state);
  const loaded = host ? state.generations[host.name] : undefined;
  const selected = loaded?.status === 'ok' ? state.panes.generations.hits[state.panes.generations.cursor]?.item : undefined;
  if (!host || !selected) return [];
  const pinned = pinsOf(state.prefs.pins, host.name).includes(selected.generation);
  // a host that could not be read now says why first: the list is an old one
  const note = state.cachedLists[host.name];
  const stale = note?.error ? [`${note.error} — list from ${ageWords(note.shownAtMs - note.savedAtMs)} ago`] : [];
  return packParts([...stale, ...detailParts(selected, pinned, marksOf(state, host.name), revisionOf(state, host.name, selected.generation))], ' · ', width, maxRows, glyphsFor(state.prefs.asciiBorders));
}

export function GenerationsPane({ state, width, height }: { state: AppState; width: number; height: number }) {
  const pane = state.panes.generations;
  const inner = width - 2;
  const host = selectedHostOf(state);
  const loaded = host ? state.generations[host.name] : undefined;
  const list = loaded?.status === 'ok' ? loaded.value : null;
  const g = glyphsFor(state.prefs.asciiBorders);
  const rebootLine = list?.rebootNeeded ? `! reboot needed: booted ${list.bootedKernel}, running ${list.runningKernel}` : null;
  const focused = state.focus === 'generations';
  const pins = new Set(host ? pinsOf(state.prefs.pins, host.name) : []);
  const marks = host ? marksOf(state, host.name) : { compare: null, remove: [] };
  const detail = generationDetail(state, inner, state.layout.generations.detailRows);
  // without a list the message has the detail rows too
  const rows = state.layout.lists.generations;
  const marked = marks.remove.length > 0 ? `${marks.remove.length} marked` : '';
  const cached = host ? cachedInfo(state.cachedLists[host.name]) : '';
  const info = [host?.name, list ? `${list.generations.length}` : '', list?.simulated, cached, marked, pane.filter ? `/${pane.filter}` : ''].filter(Boolean).join(' · ');
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
          {screenText(loaded.error, g)}
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
