// The Fleet view's reads: every host at once (a bounded number at a time), each row sent as soon
// as its host answers; the flake's toplevels are evaluated meanwhile and each row is sent again
// once its drift is known. The same readers as `nixdeck status` (src/commands/status.ts).
import { type FlakeToplevel, type HostRead, type LastRun, statusRow } from '../core/fleetStatus.js';
import { mapLimit } from '../core/limit.js';
import type { Host } from '../core/types.js';
import type { FleetStatusService } from '../state/fleetSlice.js';

export interface FleetReaders {
  /** one host's facts and round trip; never throws */
  readHost(host: Host): Promise<HostRead>;
  /** the flake's toplevel per host (only hosts of its nixosConfigurations are asked for); never throws */
  flakeToplevels(names: readonly string[]): Promise<Map<string, FlakeToplevel>>;
  /** the newest nixdeck run per host name */
  lastRuns(): Promise<Map<string, LastRun>>;
  /** hosts read at once */
  limit: number;
}

export function createFleetStatusService(readers: FleetReaders): FleetStatusService {
  return {
    async read(hosts, onRow, { signal }) {
      const inFlake = hosts.filter((h) => h.sources.includes('flake')).map((h) => h.name);
      const reads = new Map<string, HostRead>();
      let toplevels: Map<string, FlakeToplevel> | null = null;
      let lastRuns = new Map<string, LastRun>();
      const send = (host: Host): void => {
        const read = reads.get(host.name);
        if (read === undefined || signal.aborted) return;
        const flake = toplevels === null ? undefined : host.sources.includes('flake') ? (toplevels.get(host.name) ?? { ok: false, error: 'not evaluated' }) : undefined;
        const row = statusRow({ name: host.name, local: host.local, read, flake, lastRun: lastRuns.get(host.name) ?? null });
        onRow({ row, driftPending: toplevels === null && host.sources.includes('flake') && read.ok });
      };
      // the run history is local and quick: rows wait for it so that LAST RUN does not flicker
      lastRuns = await readers.lastRuns().catch(() => new Map<string, LastRun>());
      const drift = readers
        .flakeToplevels(inFlake)
        .catch((e: unknown) => new Map<string, FlakeToplevel>(inFlake.map((n) => [n, { ok: false, error: e instanceof Error ? e.message : String(e) }])))
        .then((found) => {
          toplevels = found;
          for (const host of hosts) send(host);
        });
      await Promise.all([
        mapLimit(hosts, readers.limit, async (host) => {
          if (signal.aborted) return;
          const read = await readers.readHost(host).catch((e: unknown): HostRead => ({ ok: false, error: e instanceof Error ? e.message : String(e) }));
          reads.set(host.name, read);
          send(host);
        }),
        drift,
      ]);
    },
  };
}
