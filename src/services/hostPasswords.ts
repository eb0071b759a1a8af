// The sudo passwords of remote hosts, asked once per host in the console: tried on the host
// (`sudo -S -p '' true`, the password on standard input) and, when accepted, kept in memory
// for that host until the console quits. Never on a command line, in a log or in a file.
import type { Elevation } from '../core/deployPlan.js';
import type { PasswordCheck } from '../core/runsService.js';
import { probeElevation } from '../system/remote/deployElevation.js';
import type { RemoteHost } from '../system/remote/remoteHost.js';
import { passwordProblem, sudoInput, sudoRefusedPassword, sudoWithPassword } from '../system/ssh/elevation.js';

/** An SshHost keeps the password for its own elevated commands too. */
interface KeepsPassword {
  setSudoPassword(password: string): string | null;
}

function keepsPassword(remote: RemoteHost): remote is RemoteHost & KeepsPassword {
  return typeof (remote as Partial<KeepsPassword>).setSudoPassword === 'function';
}

export type ElevationCheck = { ok: true; elevation: Elevation } | { ok: false; error: string };

export class HostPasswords {
  private readonly known = new Map<string, string>();

  constructor(private readonly remoteHost: (name: string) => Promise<RemoteHost>) {}

  /** The accepted password of a host, if any. */
  get(host: string): string | undefined {
    return this.known.get(host);
  }

  /** How the host's activation gets root (one round trip); an unreachable host says why. */
  async elevation(host: string): Promise<ElevationCheck> {
    const remote = await this.remoteHost(host);
    const probe = await probeElevation(remote.executor);
    return probe.ok ? probe : { ok: false, error: `${host} cannot be reached: ${probe.error}` };
  }

  /** Try the password on the host; kept for it when sudo accepts it. */
  async check(host: string, password: string): Promise<PasswordCheck> {
    const problem = passwordProblem(password);
    if (problem) return { ok: false, wrong: true, error: problem };
    const remote = await this.remoteHost(host);
    const r = await remote.executor.run(sudoWithPassword(['true']), { input: sudoInput(password, undefined), timeoutMs: 30_000 });
    if (r.code === 0 && !r.spawnError) {
      this.known.set(host, password);
      if (keepsPassword(remote)) remote.setSudoPassword(password);
      return { ok: true };
    }
    if (sudoRefusedPassword(r)) return { ok: false, wrong: true, error: 'sudo did not accept the password' };
    const why = r.spawnError ?? r.stderr.split('\n').map((l) => l.trim()).find((l) => l !== '') ?? `sudo ended with exit ${r.code}`;
    return { ok: false, wrong: false, error: `sudo on ${host} failed: ${why}` };
  }

  forget(host: string): void {
    this.known.delete(host);
  }

  clear(): void {
    this.known.clear();
  }
}
