// One host reached over ssh: its one shared connection (a ControlMaster started once, even when
// many reads ask at the same moment), commands over it, fresh connections for the deploy
// confirmation, and what nix needs to reach the host the same way.

import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { shellCommand, shellQuote } from '../../core/shellQuote.js';
import { describeSshFailure, type Parsed, type SshTarget } from '../../core/sshTarget.js';
import type { ExecOptions, ExecResult, Executor } from '../executor.js';
import type { Reach, RemoteHost } from '../remote/remoteHost.js';
import { type ElevatedExecutor, type ElevationState, elevatedExecutor, passwordProblem } from './elevation.js';
import { readFileSync } from 'node:fs';
import { type ControlUse, controlCommandArgv, masterArgv, runSsh, type SshCall, sshArgv } from './sshProcess.js';

/** What a host needs from its pool. */
export interface HostContext {
  sshPath: string;
  /** NIX_SSHOPTS + sshOptions words, or why they cannot be used */
  userOptions: Parsed<string[]>;
  connectTimeoutS: number;
  controlPersistS: number;
  /** the socket path of this host (creates the pool's private folder on first use; throws one line) */
  socketPath(): string;
  /** counts each ssh connection opened: a master, or a fresh connection */
  opened(kind: 'master' | 'fresh'): void;
}

type Up = { ok: true } | { ok: false; error: string };

export class SshHost implements RemoteHost {
  readonly executor: Executor;
  /** runs argv as root on the host (see elevation.ts) */
  readonly elevated: ElevatedExecutor;
  private readonly elevation: ElevationState = {};
  private connecting: Promise<Up> | null = null;
  private socket: string | null = null;
  private up = false;

  constructor(
    readonly name: string,
    private readonly target: Parsed<SshTarget>,
    private readonly ctx: HostContext,
  ) {
    this.executor = { run: (argv, opts) => this.run(argv, opts) };
    this.elevated = elevatedExecutor(this.executor, this.elevation, name);
  }

  get destination(): string {
    return this.target.ok ? this.target.value.destination : this.name;
  }

  /** The sudo password for this host, kept in memory only; null when accepted, else what is wrong with it. */
  setSudoPassword(password: string): string | null {
    const problem = passwordProblem(password);
    if (problem) return problem;
    this.elevation.password = password;
    return null;
  }

  hasSudoPassword(): boolean {
    return this.elevation.password !== undefined;
  }

  async reach(): Promise<Reach> {
    const up = await this.connect();
    if (!up.ok) return up;
    const start = performance.now();
    const r = await this.run(['true'], { timeoutMs: (this.ctx.connectTimeoutS + 5) * 1000 });
    if (r.code !== 0) return { ok: false, error: r.spawnError ?? oneLine(r.stderr) ?? `true exited with ${r.code}` };
    return { ok: true, rttMs: round(performance.now() - start) };
  }

  async freshReach(timeoutMs: number): Promise<Reach> {
    const call = this.call({ kind: 'none' });
    if (!call.ok) return call;
    const timeoutS = Math.max(1, Math.ceil(timeoutMs / 1000));
    this.ctx.opened('fresh');
    const start = performance.now();
    const r = await runSsh(this.ctx.sshPath, sshArgv({ ...call.value, connectTimeoutS: timeoutS }, 'true'), { timeoutMs });
    if (r.startError) return { ok: false, error: r.startError };
    if (r.timedOut) return { ok: false, error: `timed out after ${timeoutS} s` };
    if (r.code !== 0) return { ok: false, error: describeSshFailure(r.stderr, timeoutS) };
    return { ok: true, rttMs: round(performance.now() - start) };
  }

  nixSshOpts(): string {
    const words = this.target.ok && this.ctx.userOptions.ok ? this.sharedOptions() : [];
    return words.map(shellQuote).join(' ');
  }

  storeUri(): string {
    return `ssh-ng://${this.destination}`;
  }

  /** Ends the shared connection (`ssh -O exit`) and waits until its process is gone. */
  async close(): Promise<void> {
    await this.connecting;
    const socket = this.socket;
    this.up = false;
    this.socket = null; // the pool removes the folder: a later connection gets a new path
    if (socket === null || !existsSync(socket)) return;
    const check = await runSsh(this.ctx.sshPath, controlCommandArgv(socket, 'check', this.destination), { timeoutMs: 5000 });
    const pid = Number(/pid=(\d+)/.exec(check.stderr)?.[1] ?? Number.NaN);
    await runSsh(this.ctx.sshPath, controlCommandArgv(socket, 'exit', this.destination), { timeoutMs: 5000 });
    if (Number.isInteger(pid) && pid > 1) await untilGone(pid);
  }

  /** The words for other programs (nix copy, nixos-rebuild): the shared socket when there is one, the user's options, the port. */
  private sharedOptions(): string[] {
    let control: string[] = [];
    try {
      control = ['-o', `ControlPath=${this.socketPath()}`];
    } catch {
      // no folder for sockets: they connect on their own
    }
    const call = this.call({ kind: 'none' });
    if (!call.ok) return [];
    const { target, userOptions, connectTimeoutS } = call.value;
    return ['-o', 'BatchMode=yes', '-o', `ConnectTimeout=${connectTimeoutS}`, ...control, ...userOptions, ...(target.port !== undefined ? ['-p', String(target.port)] : [])];
  }

  private async run(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const up = await this.connect();
    if (!up.ok) return { code: 255, stdout: '', stderr: '', spawnError: up.error };
    const socket = this.socketPath();
    const call = this.call({ kind: 'client', path: socket });
    if (!call.ok) return { code: 255, stdout: '', stderr: '', spawnError: call.error };
    let command: string;
    try {
      command = remoteCommand(argv, opts);
    } catch (error) {
      return { code: 255, stdout: '', stderr: '', spawnError: (error as Error).message };
    }
    const r = await runSsh(this.ctx.sshPath, sshArgv(call.value, command), {
      ...(opts.input !== undefined ? { input: opts.input } : {}),
      ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    });
    if (r.startError) return { code: 255, stdout: r.stdout, stderr: r.stderr, spawnError: r.startError };
    if (r.timedOut) {
      return { code: r.code, stdout: r.stdout, stderr: r.stderr, spawnError: `${argv[0] ?? 'the command'} did not finish within ${Math.round((opts.timeoutMs ?? 0) / 1000)} s on ${this.name}` };
    }
    if (r.code === 255 && !existsSync(socket)) {
      this.up = false; // the master went away under us
      return { code: 255, stdout: r.stdout, stderr: r.stderr, spawnError: describeSshFailure(r.stderr, this.ctx.connectTimeoutS) };
    }
    return { code: r.code, stdout: r.stdout, stderr: r.stderr };
  }

  /** The shared connection, started once: concurrent callers wait for the same start. */
  connect(): Promise<Up> {
    if (this.up && this.socket !== null && existsSync(this.socket)) return Promise.resolve({ ok: true });
    this.up = false;
    this.connecting ??= this.startMaster().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private async startMaster(): Promise<Up> {
    let socket: string;
    try {
      socket = this.socketPath();
    } catch (error) {
      return { ok: false, error: (error as Error).message };
    }
    const call = this.call({ kind: 'master', path: socket, persistS: this.ctx.controlPersistS });
    if (!call.ok) return call;
    const t = this.ctx.connectTimeoutS;
    this.ctx.opened('master');
    // ConnectTimeout covers the TCP connect and the banner; this bounds a server that stalls later.
    // -N: the master logs in and goes to the background without a session (no remote command runs)
    const r = await runSsh(this.ctx.sshPath, masterArgv(call.value), { timeoutMs: (2 * t + 5) * 1000 });
    if (r.startError) return { ok: false, error: r.startError };
    if (r.timedOut) return { ok: false, error: `timed out after ${2 * t + 5} s` };
    if (r.code !== 0) return { ok: false, error: r.code === 255 ? describeSshFailure(r.stderr, t) : `ssh exited with ${r.code}: ${oneLine(r.stderr) ?? 'no message'}` };
    if (!existsSync(socket)) return { ok: false, error: `ssh did not keep a shared connection at ${socket} (is ControlMaster refused by an option?)` };
    this.up = true;
    return { ok: true };
  }

  private socketPath(): string {
    this.socket ??= this.ctx.socketPath();
    return this.socket;
  }

  private call(control: ControlUse): Parsed<SshCall> {
    if (!this.target.ok) return { ok: false, error: this.target.error };
    if (!this.ctx.userOptions.ok) return { ok: false, error: this.ctx.userOptions.error };
    return { ok: true, value: { target: this.target.value, userOptions: this.ctx.userOptions.value, connectTimeoutS: this.ctx.connectTimeoutS, control } };
  }
}

/** argv for the remote shell, in `cwd` and with `env` added when asked. */
export function remoteCommand(argv: readonly string[], opts: Pick<ExecOptions, 'cwd' | 'env'> = {}): string {
  const assignments = Object.entries(opts.env ?? {}).map(([k, v]) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new Error(`"${k}" is not an environment variable name`);
    return `${k}=${v}`;
  });
  const command = shellCommand(assignments.length > 0 ? ['env', ...assignments, ...argv] : argv);
  return opts.cwd !== undefined ? `cd ${shellQuote(opts.cwd)} && ${command}` : command;
}

function oneLine(text: string): string | undefined {
  return text.split('\n').map((l) => l.trim()).find((l) => l !== '');
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** Until the process is gone (or a zombie: the master is a daemon whose reaper may be slow), at most ~2 s. */
async function untilGone(pid: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (!alive(pid)) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOENT' || existsSync('/proc/self')) return false;
  }
  try {
    process.kill(pid, 0); // no /proc (macOS, the BSDs)
    return true;
  } catch {
    return false;
  }
}
