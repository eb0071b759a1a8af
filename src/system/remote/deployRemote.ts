// The RemoteHost a deploy run reaches its host through: the SSH connection pool. `plainRemoteHost`
// (plain `ssh`, a new connection per command) is for tests that want no pool.
import { execa } from 'execa';
import { shellCommand } from '../../core/shellQuote.js';
import type { Executor } from '../executor.js';
import type { Reach, RemoteHost } from './remoteHost.js';

export interface OpenedRemote {
  remote: RemoteHost;
  close(): Promise<void>;
}

export interface PlainRemoteOptions {
  /** what ssh is given (the host's name, an alias, user@addr) */
  destination: string;
  /** NIX_SSHOPTS as nixos-rebuild reads it (split on white space here) */
  nixSshOpts?: string;
  connectTimeoutSeconds?: number;
}

function sshWords(options: PlainRemoteOptions): string[] {
  const extra = (options.nixSshOpts ?? '').split(/\s+/).filter(Boolean);
  return [...extra, '-o', 'BatchMode=yes', '-o', `ConnectTimeout=${options.connectTimeoutSeconds ?? 10}`, '-o', 'ControlPath=none'];
}

function oneLine(stderr: string, code: number | undefined): string {
  const line = stderr.split('\n').map((l) => l.trim()).find((l) => l !== '');
  return line ?? `ssh ended with exit ${code ?? '?'}`;
}

export function plainRemoteHost(name: string, options: PlainRemoteOptions): RemoteHost {
  const words = sshWords(options);
  const executor: Executor = {
    async run(argv, opts = {}) {
      const r = await execa('ssh', [...words, '--', options.destination, shellCommand(argv)], {
        reject: false,
        stripFinalNewline: false,
        ...(opts.input !== undefined ? { input: opts.input } : { stdin: 'ignore' }),
        ...(opts.timeoutMs !== undefined ? { timeout: opts.timeoutMs } : {}),
      });
      const spawnError = r.timedOut ? `timed out after ${Math.round((opts.timeoutMs ?? 0) / 1000)} s` : r.exitCode === undefined ? (r.shortMessage ?? 'ssh could not be run') : undefined;
      return { code: r.exitCode ?? 255, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? ''), ...(spawnError ? { spawnError } : {}) };
    },
  };
  const reach = async (timeoutMs: number): Promise<Reach> => {
    const started = Date.now();
    const r = await executor.run(['true'], { timeoutMs });
    if (r.code === 0 && !r.spawnError) return { ok: true, rttMs: Date.now() - started };
    return { ok: false, error: r.spawnError ?? oneLine(r.stderr, r.code) };
  };
  return {
    name,
    destination: options.destination,
    executor,
    connect: async () => {
      const r = await reach(15_000);
      return r.ok ? { ok: true } : r;
    },
    reach: () => reach(15_000),
    freshReach: (timeoutMs) => reach(timeoutMs),
    nixSshOpts: () => (options.nixSshOpts ?? '').trim(),
    storeUri: () => `ssh-ng://${options.destination}`,
  };
}

/** The host's RemoteHost for a deploy run: the SSH connection pool with the user's preferences (target, sshOptions, connectTimeout) and NIX_SSHOPTS. */
export async function openDeployRemote(host: string): Promise<OpenedRemote> {
  const { openPrefs } = await import('../prefs.js');
  const { openSshPool } = await import('../ssh/sshPool.js');
  const pool = openSshPool({ prefs: openPrefs().get() });
  return { remote: pool.host(host), close: () => pool.closeAll() };
}
