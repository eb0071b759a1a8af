// The executor a service runs its commands through: an argument vector run on the service's host.
// Local processes here (execa, through localRunner); an SSH executor implements the same interface.
import { type CommandRunner, localRunner } from './exec.js';

export interface ExecOptions {
  /** written to the command's standard input (else it gets none) */
  input?: string;
  timeoutMs?: number;
  cwd?: string;
  env?: Record<string, string>;
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
  /** set when the command could not be started or did not end (not found, timed out) */
  spawnError?: string;
}

export interface Executor {
  run(argv: readonly string[], opts?: ExecOptions): Promise<ExecResult>;
}

/** A CommandRunner (the commands' injected one, a test's fake) as an executor. */
export function executorOf(runner: CommandRunner): Executor {
  return {
    async run(argv, opts = {}) {
      const [file, ...args] = argv;
      if (file === undefined) return { code: 1, stdout: '', stderr: '', spawnError: 'empty command' };
      const r = await runner.run(file, args, opts);
      return { code: r.exitCode, stdout: r.stdout, stderr: r.stderr, ...(r.spawnError ? { spawnError: r.spawnError } : {}) };
    },
  };
}

/** The executor as a CommandRunner (the readers in closures.ts take one). */
export function runnerOf(executor: Executor): CommandRunner {
  return {
    async run(file, args, options = {}) {
      const r = await executor.run([file, ...args], options);
      return { exitCode: r.code, stdout: r.stdout, stderr: r.stderr, ...(r.spawnError ? { spawnError: r.spawnError } : {}) };
    },
  };
}

export const localExecutor: Executor = executorOf(localRunner);
