// How a remote host's activation gets root: the login is root, or `sudo -n` works, or sudo wants
// the password (asked once, piped on standard input). One round trip over the host's connection.
import type { Elevation } from '../../core/deployPlan.js';
import type { Executor } from '../executor.js';

const PROBE = 'if [ "$(id -u)" = 0 ]; then echo root; elif sudo -n true 2>/dev/null; then echo sudo; else echo password; fi';

export type ElevationProbe = { ok: true; elevation: Elevation } | { ok: false; error: string };

export async function probeElevation(executor: Executor, timeoutMs = 30_000): Promise<ElevationProbe> {
  const r = await executor.run(['sh', '-c', PROBE], { timeoutMs });
  const word = r.stdout.trim();
  if (r.code === 0 && !r.spawnError && (word === 'root' || word === 'sudo' || word === 'password')) return { ok: true, elevation: word };
  const why = r.spawnError ?? r.stderr.split('\n').map((l) => l.trim()).find((l) => l !== '') ?? `exit ${r.code}`;
  return { ok: false, error: why };
}
