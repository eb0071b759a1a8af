import { Box, Text } from 'ink';
import { type Drift, statusCells, type StatusRow } from '../core/fleetStatus.js';
import type { AppState } from '../state/appState.js';
import type { FleetDeployed, FleetRowState } from '../state/fleetSlice.js';
import { deployedWords } from '../core/deployTag.js';
import { type Glyphs, glyphsFor, screenText } from './glyphs.js';
import { Overlay } from './Overlay.js';
import { cellWidth, fit } from './text.js';

type ColumnId = 'host' | 'reach' | 'running' | 'reboot' | 'drift' | 'failed' | 'uptime' | 'last';

interface Column {
  id: ColumnId;
  title: string;
  /** its width (the growing columns may stretch to their widest cell) */
  width: number;
}

/** Left to right as shown. */
const ORDER: readonly ColumnId[] = ['host', 'reach', 'running', 'reboot', 'drift', 'failed', 'uptime', 'last'];
/** Which columns stay when the width runs out: the first ones here. */
const PRIORITY: readonly ColumnId[] = ['host', 'reach', 'drift', 'running', 'reboot', 'failed', 'last', 'uptime'];
const TITLES: Record<ColumnId, string> = {
  host: 'HOST',
  reach: 'REACH',
  running: 'RUNNING',
  reboot: 'REBOOT',
  drift: 'DRIFT',
  failed: 'FAILED',
  uptime: 'UPTIME',
  last: 'LAST RUN',
};
const MIN_WIDTH: Record<ColumnId, number> = { host: 4, reach: 11, running: 9, reboot: 6, drift: 14, failed: 6, uptime: 6, last: 14 };
/** the columns that grow to their widest cell while there is room */
const GROWS: readonly ColumnId[] = ['host', 'failed', 'last'];
const MAX_WIDTH: Partial<Record<ColumnId, number>> = { host: 16, failed: 24, last: 28 };
const GAP = 1;
/** '> ' before every row */
const MARK = 2;

const DRIFT_COLOR: Record<Drift, string> = { 'up-to-date': 'green', outdated: 'yellow', 'pending-reboot': 'yellow', unknown: 'gray' };

/** The cells of one row as words: the status row's, or what is still being read. */
function rowCells(name: string, state: FleetRowState | undefined, nowMs: number, g: Glyphs): Record<ColumnId, string> {
  const empty: Record<ColumnId, string> = { host: name, reach: '', running: '', reboot: '', drift: '', failed: '', uptime: '', last: '' };
  const row = state?.row ?? null;
  if (row === null) return { ...empty, reach: `reading${g.ellipsis}` };
  const [host = name, reach = '', running = '', reboot = '', drift = '', failed = '', uptime = '', last = ''] = statusCells(row, nowMs);
  return {
    host,
    reach: state?.reading ? `reading${g.ellipsis}` : reach,
    running,
    reboot,
    drift: state?.driftPending ? `evaluating${g.ellipsis}` : drift,
    failed,
    uptime,
    last,
  };
}

/** The columns that fit in `inner` cells, widest-first for the growing ones, in the order shown. */
export function fleetColumns(inner: number, cells: Record<ColumnId, string>[], g: Glyphs): Column[] {
  const natural = (id: ColumnId): number => Math.max(cellWidth(TITLES[id]), ...cells.map((c) => cellWidth(screenText(c[id], g))));
  // a column is as wide as its widest cell, up to its usual width (the growing ones get more below)
  const base = (id: ColumnId): number => (id === 'host' ? Math.min(MAX_WIDTH.host ?? 16, Math.max(MIN_WIDTH.host, natural('host'))) : Math.min(MIN_WIDTH[id], natural(id)));
  const chosen: ColumnId[] = [];
  let used = MARK;
  for (const id of PRIORITY) {
    const need = (chosen.length > 0 ? GAP : 0) + base(id);
    if (used + need > inner) continue;
    chosen.push(id);
    used += need;
  }
  const widths = new Map<ColumnId, number>(chosen.map((id) => [id, base(id)]));
  // room left goes to the columns that hold lists and sentences, up to their widest cell
  for (const id of GROWS) {
    const width = widths.get(id);
    if (width === undefined || id === 'host') continue;
    const grow = Math.min(inner - used, Math.min(MAX_WIDTH[id] ?? width, natural(id)) - width);
    if (grow > 0) {
      widths.set(id, width + grow);
      used += grow;
    }
  }
  return ORDER.filter((id) => widths.has(id)).map((id) => ({ id, title: TITLES[id], width: widths.get(id) ?? 0 }));
}

function cellColor(id: ColumnId, row: StatusRow | null, state: FleetRowState | undefined): string | undefined {
  if (row === null || state?.reading) return id === 'reach' ? 'gray' : undefined;
  const s = row.status;
  switch (id) {
    case 'reach':
      return s.reachable ? 'green' : 'red';
    case 'drift':
      return state?.driftPending ? 'gray' : DRIFT_COLOR[s.drift];
    case 'reboot':
      return s.rebootNeeded ? 'yellow' : undefined;
    case 'failed':
      return s.failedUnits !== null && s.failedUnits.length > 0 ? 'red' : undefined;
    default:
      return undefined;
  }
}

/** The line under the table: the selected host in full (why it was not read, why drift is unknown, failed units). */
function detailOf(name: string | undefined, state: FleetRowState | undefined, deployed: FleetDeployed | null, branch: string | null): string {
  const s = state?.row?.status;
  if (name === undefined) return '';
  if (!s) return `${name}: being read`;
  if (!s.reachable) return `${name}: ${s.error ?? 'not reachable'}`;
  const parts = [name];
  // which commit nixdeck last deployed there, and how far the branch has moved on since
  const tag = deployed?.tags[name];
  if (tag) parts.push(deployedWords(tag, branch));
  if (s.failedUnits !== null && s.failedUnits.length > 0) parts.push(`failed: ${s.failedUnits.join(', ')}`);
  if (state?.driftPending) parts.push("the flake's toplevel is being evaluated");
  else if (s.drift === 'unknown' && s.driftReason) parts.push(`drift unknown: ${s.driftReason}`);
  else if (s.drift === 'outdated') parts.push('running system differs from the flake');
  else if (s.drift === 'pending-reboot') parts.push('profile matches the flake; reboot or switch to run it');
  if (s.runningPath) parts.push(`running ${s.runningPath}`);
  return parts.join(' · ');
}

/** F: one row per host (reachable, running generation, reboot, drift, failed units, uptime, last run); Enter selects the host. */
export function FleetView({ state, width, height }: { state: AppState; width: number; height: number }) {
  const fleet = state.fleet;
  const ascii = state.prefs.asciiBorders;
  const g = glyphsFor(ascii);
  const inner = Math.max(1, width - 4);
  const rows = state.layout.fleetRows;
  const cells = fleet.names.map((name) => rowCells(name, fleet.rows[name], fleet.nowMs, g));
  const columns = fleetColumns(inner, cells, g);
  const read = fleet.names.filter((n) => fleet.rows[n]?.row && !fleet.rows[n]?.reading).length;
  const info = [
    `${fleet.names.length} host${fleet.names.length === 1 ? '' : 's'}`,
    fleet.reading ? `reading ${fleet.names.length - read}${g.ellipsis}` : '',
    fleet.error ? `failed: ${fleet.error}` : '',
    'Enter selects · r refresh · Esc closes',
  ]
    .filter(Boolean)
    .join(' · ');
  const selectedName = fleet.names[fleet.cursor];
  const header = columns.map((c) => fit(c.title, c.width, g)).join(' ');
  return (
    <Overlay width={width} height={height} ascii={ascii} title="fleet" info={info}>
      <Text bold dimColor wrap="truncate-end">
        {fit(`${' '.repeat(MARK)}${header}`, inner, g)}
      </Text>
      <Box flexDirection="column" height={rows} overflow="hidden">
        {fleet.names.length === 0 ? (
          <Text dimColor>no hosts</Text>
        ) : (
          fleet.names.slice(fleet.offset, fleet.offset + rows).map((name, i) => {
            const index = fleet.offset + i;
            const selected = index === fleet.cursor;
            const rowState = fleet.rows[name];
            const row = rowState?.row ?? null;
            const rowCellsOf = cells[index];
            const unreachable = row !== null && !row.status.reachable && !rowState?.reading;
            const afterReach = columns.findIndex((c) => c.id === 'reach') + 1;
            const shown = unreachable && afterReach > 0 ? columns.slice(0, afterReach) : columns;
            const restWidth = unreachable ? inner - MARK - shown.reduce((n, c) => n + c.width + GAP, 0) : 0;
            return (
              <Text key={name} wrap="truncate-end" inverse={selected} bold={selected}>
                {selected ? '> ' : '  '}
                {shown.map((c, k) => (
                  <Text key={c.id} color={state.color && !selected ? cellColor(c.id, row, rowState) : undefined}>
                    {k > 0 ? ' ' : ''}
                    {fit(rowCellsOf?.[c.id] ?? '', c.width, g)}
                  </Text>
                ))}
                {unreachable && restWidth > 0 ? (
                  <Text color={state.color && !selected ? 'red' : undefined}>
                    {' '}
                    {fit(row?.status.error ?? '', restWidth, g)}
                  </Text>
                ) : null}
              </Text>
            );
          })
        )}
      </Box>
      <Text dimColor wrap="truncate-end">
        {fit(detailOf(selectedName, selectedName === undefined ? undefined : fleet.rows[selectedName], fleet.deployed, state.git.value?.branch ?? null), inner, g)}
      </Text>
    </Overlay>
  );
}
