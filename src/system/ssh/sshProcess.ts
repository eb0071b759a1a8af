// One local `ssh` process: its argument vector (options first so ours win, the destination after
// `--`, the remote command as one string made by shellCommand) and running it.

import { execa } from 'execa';
import type { SshTarget } from '../../core/sshTarget.js';

/** How this ssh process uses the host's shared connection. */
export type ControlUse =
  | { kind: 'master'; path: string; persistS: number }
  | { kind: 'client'; path: string }
  /** a new connection of its own, not the shared one */
  | { kind: 'none' };

export interface SshCall {
  target: SshTarget;
  /** NIX_SSHOPTS words, then the sshOptions preference's */
  userOptions: readonly string[];
  connectTimeoutS: number;
  control: ControlUse;
}

/** ssh takes the first value it gets for an option, so ours come before the user's; `-T` and `-p` take the last, so they come after. */
export function sshArgv(call: SshCall, remoteCommand: string): string[] {
  return [...sshOptions(call), '--', call.target.destination, remoteCommand];
}

/** The shared connection's own login: no session, no remote command (ControlPersist sends it to the background). */
export function masterArgv(call: SshCall): string[] {
  return [...sshOptions(call), '-N', '--', call.target.destination];
}

export function sshOptions(call: SshCall): string[] {
  return [
    '-o', 'BatchMode=yes',
    '-o', `ConnectTimeout=${call.connectTimeoutS}`,
    ...controlOptions(call.control),
    ...call.userOptions,
    '-T',
    ...(call.target.port !== undefined ? ['-p', String(call.target.port)] : []),
  ];
}

function controlOptions(control: ControlUse): string[] {
  if (control.kind === 'none') return ['-o', 'ControlMaster=no', '-o', 'ControlPath=none'];
  if (control.kind === 'client') return ['-o', 'ControlMaster=no', '-o', `ControlPath=${control.path}`];
  return ['-o', 'ControlMaster=yes', '-o', `ControlPersist=${control.persistS}`, '-o', `ControlPath=${control.path}`];
}

/** `ssh -O check|exit` for the master behind a socket. */
export function controlCommandArgv(socket: string, command: 'check' | 'exit', destination: string): string[] {
  return ['-o', `ControlPath=${socket}`, '-O', command, '--', destination];
}

export interface SshRun {
  code: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** set when ssh could not be started (not installed, not executable) */
  startError?: string;
}

export async function runSsh(sshPath: string, args: readonly string[], opts: { input?: string; timeoutMs?: number }): Promise<SshRun> {
  const r = await execa(sshPath, args, {
    reject: false,
    ...(opts.input !== undefined ? { input: opts.input } : { stdin: 'ignore' as const }),
    ...(opts.timeoutMs !== undefined ? { timeout: opts.timeoutMs } : {}),
  });
  const stdout = typeof r.stdout === 'string' ? r.stdout : '';
  const stderr = typeof r.stderr === 'string' ? r.stderr : '';
  if (r.timedOut) return { code: r.exitCode ?? 255, stdout, stderr, timedOut: true };
  if (r.failed && r.exitCode === undefined) {
    const startError = r.code === 'ENOENT' ? `${sshPath} is not installed (not found in PATH); install OpenSSH's client` : `${sshPath} could not be run: ${r.shortMessage}`;
    return { code: 255, stdout, stderr, timedOut: false, startError };
  }
  return { code: r.exitCode ?? 255, stdout, stderr, timedOut: false };
}
