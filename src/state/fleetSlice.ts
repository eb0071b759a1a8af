// The Fleet view: one status row per host, read from every host at once by the fleet-status
// service (src/services/fleetStatus.ts), rows filled in as they come. Enter selects the host in
// the Hosts pane.
import type { StatusRow } from '../core/fleetStatus.js';
import type { DeployedTag } from '../core/repo.js';
import type { Host } from '../core/types.js';
import type { AppState } from './appState.js';
import { reduceWindow, type WindowAction } from './listWindow.js';
import { messageOf, setState, type SliceContext } from './slice.js';

/** One row as the service sends it: once the host was read, and again when drift is known. */
export interface FleetRowUpdate {
  row: StatusRow;
  /** the flake's toplevel for the host is still being evaluated: drift is not known yet */
  driftPending: boolean;
}

export interface FleetStatusService {
  /**
   * Read every host's status, a bounded number at once; `onRow` gets each row as it comes (again
   * when its drift is known). Resolves when every host has answered or given up. After `signal`
   * aborts, nothing more is sent.
   */
  read(hosts: readonly Host[], onRow: (update: FleetRowUpdate) => void, options: { signal: AbortSignal }): Promise<void>;
}

export interface FleetRowState {
  /** the latest row; null before the host's first answer */
  row: StatusRow | null;
  /** the host is being read (the row, when there is one, is from the read before) */
  reading: boolean;
  driftPending: boolean;
}

export interface FleetState {
  /** a fleet-status service was given */
  available: boolean;
  /** the hosts in the order of the Hosts pane */
  names: string[];
  rows: Record<string, FleetRowState>;
  /** the row under the cursor and the first row shown (the rows shown: state.layout.fleetRows) */
  cursor: number;
  offset: number;
  /** a read of the fleet is going */
  reading: boolean;
  /** when the last read started and ended (ms since the epoch), null before */
  startedAtMs: number | null;
  endedAtMs: number | null;
  /** the service itself failed (not one host): why */
  error: string | null;
  /** the clock ages are shown against: when the rows last changed */
  nowMs: number;
  /** the deployed/<host> tags (their distance is counted on the branch the header shows); null until read, or without a repository */
  deployed: FleetDeployed | null;
}

export interface FleetDeployed {
  tags: Record<string, DeployedTag>;
}

export function emptyFleet(available: boolean): FleetState {
  return { available, names: [], rows: {}, cursor: 0, offset: 0, reading: false, startedAtMs: null, endedAtMs: null, error: null, nowMs: 0, deployed: null };
}

/** The row under the Fleet view's cursor. */
export function selectedFleetName(fleet: FleetState): string | undefined {
  return fleet.names[fleet.cursor];
}

export class FleetSlice {
  private abort: AbortController | null = null;

  constructor(
    private readonly ctx: SliceContext,
    private readonly service: FleetStatusService | undefined,
    /** put the Hosts pane's cursor on this host (and read its generations) */
    private readonly selectHost: (name: string) => void,
  ) {}

  private get state(): AppState {
    return this.ctx.store.get();
  }

  private setFleet(fleet: FleetState): void {
    setState(this.ctx.store, { fleet });
  }

  /** F: open the view on the host selected in the Hosts pane; read the fleet when not read yet. */
  open(selected?: string): void {
    if (!this.service) {
      setState(this.ctx.store, { notice: { kind: 'warn', key: 'F', text: 'the fleet view is not available in this console' } });
      return;
    }
    const names = this.state.hosts.map((h) => h.name);
    const fleet = this.state.fleet;
    const at = selected === undefined ? -1 : names.indexOf(selected);
    const cursor = at >= 0 ? at : Math.min(fleet.cursor, Math.max(0, names.length - 1));
    const window = reduceWindow({ cursor, offset: fleet.offset }, { count: names.length, rows: this.state.layout.fleetRows }, { kind: 'clamp' });
    this.setFleet({ ...fleet, names, ...window });
    setState(this.ctx.store, { overlay: 'fleet' });
    const sameHosts = names.every((n) => fleet.rows[n] !== undefined);
    if (!fleet.reading && (fleet.startedAtMs === null || !sameHosts)) void this.refresh();
  }

  close(): void {
    if (this.state.overlay === 'fleet') setState(this.ctx.store, { overlay: 'none' });
  }

  /** The deployed/<host> tags, read beside the hosts; unchanged when the repository cannot be read. */
  async readDeployed(): Promise<void> {
    const repo = this.ctx.services.repo;
    if (!repo) return;
    const tags = await repo.deployedTags().catch(() => null);
    if (tags === null || this.ctx.disposed()) return;
    const byHost: Record<string, DeployedTag> = {};
    for (const tag of tags) byHost[tag.host] = tag;
    this.ctx.store.update((s) => ({ ...s, fleet: { ...s.fleet, deployed: { tags: byHost } } }));
  }

  /** r: read every host again; the rows read before stay until their host answers. */
  async refresh(): Promise<void> {
    const service = this.service;
    if (!service) return;
    void this.readDeployed();
    this.abort?.abort();
    const abort = new AbortController();
    this.abort = abort;
    const hosts = this.state.hosts;
    const names = hosts.map((h) => h.name);
    this.ctx.store.update((s) => {
      const rows: Record<string, FleetRowState> = {};
      for (const name of names) rows[name] = { row: s.fleet.rows[name]?.row ?? null, reading: true, driftPending: s.fleet.rows[name]?.driftPending ?? false };
      const window = reduceWindow(s.fleet, { count: names.length, rows: s.layout.fleetRows }, { kind: 'clamp' });
      return { ...s, fleet: { ...s.fleet, names, rows, ...window, reading: true, startedAtMs: this.ctx.now(), endedAtMs: null, error: null, nowMs: this.ctx.now() } };
    });
    const live = (): boolean => !abort.signal.aborted && !this.ctx.disposed();
    let error: string | null = null;
    try {
      await service.read(
        hosts,
        (update) => {
          if (!live()) return;
          const name = update.row.status.name;
          this.ctx.store.update((s) =>
            s.fleet.rows[name] === undefined
              ? s
              : {
                  ...s,
                  fleet: { ...s.fleet, nowMs: this.ctx.now(), rows: { ...s.fleet.rows, [name]: { row: update.row, reading: false, driftPending: update.driftPending } } },
                },
          );
        },
        { signal: abort.signal },
      );
    } catch (e) {
      error = messageOf(e);
    }
    if (!live()) return;
    this.abort = null;
    this.ctx.store.update((s) => {
      // a host the service never answered for: not reading any more
      const rows: Record<string, FleetRowState> = {};
      for (const [name, r] of Object.entries(s.fleet.rows)) rows[name] = r.reading ? { ...r, reading: false } : r;
      return { ...s, fleet: { ...s.fleet, rows, reading: false, endedAtMs: this.ctx.now(), nowMs: this.ctx.now(), error } };
    });
  }

  move(action: WindowAction): void {
    const fleet = this.state.fleet;
    const next = reduceWindow(fleet, { count: fleet.names.length, rows: this.state.layout.fleetRows }, action);
    if (next.cursor !== fleet.cursor || next.offset !== fleet.offset) this.setFleet({ ...fleet, ...next });
  }

  /** Enter: close the view and select its host in the Hosts pane. */
  chooseSelected(): void {
    const name = selectedFleetName(this.state.fleet);
    this.close();
    if (name !== undefined) this.selectHost(name);
  }

  dispose(): void {
    this.abort?.abort();
    this.abort = null;
  }
}
