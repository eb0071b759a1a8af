// The Fleet view's service, loaded on first use (F): the first frame does not wait for the ssh,
// nix and run-store readers. The readers are those of `nixdeck status`.
import type { Prefs } from '../core/prefsSchema.js';
import type { FleetStatusService } from '../state/fleetSlice.js';
import type { Environment } from '../system/context.js';
import { lazy } from './lazy.js';

/** `close()` ends the connections the reads opened (nothing when the view was never opened). */
export function lazyFleetStatus(env: Environment, prefs: Prefs): FleetStatusService & { close(): Promise<void> } {
  const readers = lazy(() => import('./statusReaders.js').then((m) => m.statusReaders(env, prefs)));
  const service = lazy(async () => (await import('./fleetStatus.js')).createFleetStatusService(await readers.get()));
  return {
    read: service.method('read'),
    async close() {
      const started = readers.started();
      if (started) await (await started).close();
    },
  };
}
