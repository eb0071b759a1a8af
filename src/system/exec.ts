import { execa } from 'execa';

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** set when the command could not be started at all (ENOENT, EACCES) */
  spawnError?: string;
  /** the error code with spawnError, when there is one (ENOENT, EACCES, ...) */
  spawnCode?: string;
}

/** Runs a program with an argument array. Local now; an SSH runner implements the same shape. */
export interface CommandRunner {
  run(file: string, args: readonly string[], options?: { cwd?: string; timeoutMs?: number; env?: Record<string, string>; input?: string }): Promise<CommandResult>;
}

export const localRunner: CommandRunner = {
  async run(file, args, options = {}) {
    const result = await execa(file, args, {
      cwd: options.cwd,
      reject: false,
      ...(options.input !== undefined ? { input: options.input } : { stdin: 'ignore' as const }),
      timeout: options.timeoutMs,
      env: options.env,
    });
    const spawnError =
      result.failed && result.exitCode === undefined
        ? result.code === 'ENOENT'
          ? `${file} is not installed (not found in PATH)`
          : result.timedOut
            ? `${file} did not finish within ${Math.round((options.timeoutMs ?? 0) / 1000)} s`
            : result.shortMessage
        : undefined;
    return {
      exitCode: result.exitCode ?? 1,
      stdout: typeof result.stdout === 'string' ? result.stdout : '',
      stderr: typeof result.stderr === 'string' ? result.stderr : '',
      ...(spawnError ? { spawnError } : {}),
      ...(spawnError && result.code ? { spawnCode: result.code } : {}),
    };
  },
};
