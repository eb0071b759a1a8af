// The connection pool: one SshHost per host name, each with at most one shared connection, all
// closed by closeAll() when the console or command ends. Settings come from the preferences
// (hosts.<name>.target, sshOptions, connectTimeout) and NIX_SSHOPTS.

import type { Prefs } from '../../core/prefsSchema.js';
import { type Parsed, parseSshOptions, parseSshTarget, type SshTarget } from '../../core/sshTarget.js';
import { SshHost } from './sshHost.js';
import { makeSocketDir, removeSocketDir, socketName } from './socketDir.js';
import path from 'node:path';

export const DEFAULT_CONNECT_TIMEOUT_S = 10;
/** an idle shared connection ends by itself after this long (also if nixdeck dies without closing it) */
export const CONTROL_PERSIST_S = 600;

export interface SshPoolOptions {
  prefs: Pick<Prefs, 'sshOptions' | 'connectTimeout' | 'hosts'>;
  /** NIX_SSHOPTS, and where sockets may go (XDG_RUNTIME_DIR, TMPDIR) */
  env?: NodeJS.ProcessEnv;
  sshPath?: string;
  controlPersistS?: number;
}

export class SshPool {
  private readonly hosts = new Map<string, SshHost>();
  private readonly userOptions: Parsed<string[]>;
  private readonly connectTimeoutS: number;
  private socketDir: string | null = null;
  private sockets = 0;
  private masters = 0;
  private fresh = 0;

  constructor(private readonly options: SshPoolOptions) {
    const env = options.env ?? process.env;
    const nix = parseSshOptions(env.NIX_SSHOPTS ?? '', 'NIX_SSHOPTS');
    const pref = parseSshOptions(options.prefs.sshOptions ?? '', 'the sshOptions preference');
    this.userOptions = !nix.ok ? nix : !pref.ok ? pref : { ok: true, value: [...nix.value, ...pref.value] };
    this.connectTimeoutS = options.prefs.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT_S;
  }

  /** The host of that name (the same object every time). */
  host(name: string): SshHost {
    let host = this.hosts.get(name);
    if (!host) {
      host = new SshHost(name, targetOf(name, this.options.prefs), {
        sshPath: this.options.sshPath ?? 'ssh',
        userOptions: this.userOptions,
        connectTimeoutS: this.connectTimeoutS,
        controlPersistS: this.options.controlPersistS ?? CONTROL_PERSIST_S,
        socketPath: () => this.nextSocket(),
        opened: (kind) => {
          if (kind === 'master') this.masters += 1;
          else this.fresh += 1;
        },
      });
      this.hosts.set(name, host);
    }
    return host;
  }

  /** Shared connections started (attempts, failed ones too): one per host is the goal. */
  get connectionsOpened(): number {
    return this.masters;
  }

  /** New connections of their own (freshReach), not counted in connectionsOpened. */
  get freshConnectionsOpened(): number {
    return this.fresh;
  }

  /** The folder of this pool's sockets, once one was made. */
  get socketFolder(): string | null {
    return this.socketDir;
  }

  /** Ends every shared connection and removes the socket folder. */
  async closeAll(): Promise<void> {
    await Promise.all([...this.hosts.values()].map((h) => h.close()));
    if (this.socketDir !== null) removeSocketDir(this.socketDir);
    this.socketDir = null;
  }

  private nextSocket(): string {
    this.socketDir ??= makeSocketDir(this.options.env ?? process.env);
    return path.join(this.socketDir, socketName(this.sockets++));
  }
}

export function openSshPool(options: SshPoolOptions): SshPool {
  return new SshPool(options);
}

/** `hosts.<name>.target`, else the name itself (an ssh alias or a resolvable name). */
function targetOf(name: string, prefs: SshPoolOptions['prefs']): Parsed<SshTarget> {
  const target = prefs.hosts?.[name]?.target;
  const parsed = parseSshTarget(target ?? name);
  if (parsed.ok || target === undefined) return parsed;
  return { ok: false, error: `hosts.${name}.target: ${parsed.error}` };
}
