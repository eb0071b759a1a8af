// Running a command as root on a host: as it is when the login is root; else `sudo -n` (no
// prompt); when sudo wants a password, the caller asks the user once and hands it over, and the
// command runs as `sudo -S -p '' -- argv` with the password as the first line of its standard
// input. The password only ever lives in memory (ElevationState) and on that pipe: never on a
// command line, in a log or in a file.

import type { ExecOptions, ExecResult, Executor } from '../executor.js';

/** What one host's elevation has learnt; kept per host by the pool. */
export interface ElevationState {
  /** whether the login user is root (asked once with `id -u`) */
  isRoot?: boolean;
  password?: string;
}

export type ElevatedResult = ExecResult & {
  /** sudo wants a password: ask the user (masked), give it with setPassword and run again */
  needsPassword?: true;
  /** the password given was refused (it has been forgotten) */
  wrongPassword?: true;
};

export interface ElevatedExecutor {
  run(argv: readonly string[], opts?: ExecOptions): Promise<ElevatedResult>;
}

/** `sudo -n -- argv`: fails at once instead of prompting. */
export function sudoNoPrompt(argv: readonly string[]): string[] {
  return ['sudo', '-n', '--', ...argv];
}

/** `sudo -S -p '' -- argv`: the password is read from standard input, with no prompt text. */
export function sudoWithPassword(argv: readonly string[]): string[] {
  return ['sudo', '-S', '-p', '', '--', ...argv];
}

/** The standard input of `sudo -S`: the password line, then what the command itself reads. */
export function sudoInput(password: string, input: string | undefined): string {
  return `${password}\n${input ?? ''}`;
}

/** sudo -n refused because it would have to ask for a password. */
export function sudoWantsPassword(r: ExecResult): boolean {
  return r.code !== 0 && /^sudo: (a password is required|a terminal is required)/m.test(r.stderr);
}

/** sudo -S did not accept the password it read. */
export function sudoRefusedPassword(r: ExecResult): boolean {
  return r.code !== 0 && /^(Sorry, try again\.|sudo: \d+ incorrect password attempts?|sudo: no password was provided)/m.test(r.stderr);
}

/** The passwords must not contain a line break: sudo reads one line. */
export function passwordProblem(password: string): string | null {
  if (password === '') return 'the password is empty';
  if (/[\r\n]/.test(password)) return 'the password holds a line break (sudo reads one line)';
  return null;
}

export function elevatedExecutor(executor: Executor, state: ElevationState, hostName: string): ElevatedExecutor {
  return {
    async run(argv, opts = {}) {
      if (state.isRoot === undefined) {
        const who = await executor.run(['id', '-u']);
        if (who.code !== 0 || who.spawnError) return who.spawnError ? who : { ...who, spawnError: `could not tell the user on ${hostName} (id -u failed)` };
        state.isRoot = who.stdout.trim() === '0';
      }
      if (state.isRoot) return executor.run(argv, opts);
      if (state.password === undefined) {
        const r = await executor.run(sudoNoPrompt(argv), opts);
        return sudoWantsPassword(r) ? { ...r, needsPassword: true } : r;
      }
      const r = await executor.run(sudoWithPassword(argv), { ...opts, input: sudoInput(state.password, opts.input) });
      if (!sudoRefusedPassword(r)) return r;
      delete state.password;
      return { ...r, needsPassword: true, wrongPassword: true };
    },
  };
}
