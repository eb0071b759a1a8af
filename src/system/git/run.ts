// Runs git for the repository reader and writer: an argument array through execa, a time limit,
// no terminal prompt, and the repository named by `-C dir` alone. A missing or slow git resolves
// to a result that says so; nothing here throws or waits forever.
import { execa } from 'execa';

/** How long a read of the repository may take before it is given up. */
export const GIT_READ_TIMEOUT_MS = 5_000;

export interface GitOptions {
  /** the time limit of each git process; default GIT_READ_TIMEOUT_MS (commits have their own) */
  timeoutMs?: number;
  /** variables added to the environment (tests: PATH, GIT_CONFIG_GLOBAL) */
  env?: Record<string, string>;
}

export interface GitRun {
  /** git ran and exited 0 */
  ok: boolean;
  code: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved as git wrote them */
  all: string;
  /** git could not be started or did not end in time: what happened, in one line */
  problem?: string;
  /** git is not on PATH */
  missing?: boolean;
}

// Inherited, these would point git at another repository than `-C dir` (e.g. inside a git hook).
const REPOSITORY_VARIABLES = ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_COMMON_DIR', 'GIT_OBJECT_DIRECTORY', 'GIT_ALTERNATE_OBJECT_DIRECTORIES'];

function gitEnv(extra: Record<string, string>, options: GitOptions): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !REPOSITORY_VARIABLES.includes(key)) env[key] = value;
  }
  return { ...env, GIT_TERMINAL_PROMPT: '0', ...extra, ...options.env };
}

export interface RunGitRequest {
  /** a read: --no-optional-locks, LC_ALL=C (messages are matched in English) */
  read?: boolean;
  input?: string;
  /** overrides options.timeoutMs */
  timeoutMs?: number;
  /** without a controlling terminal: a hook that opens /dev/tty fails instead of drawing over the console */
  detached?: boolean;
}

/** `git -C dir <args>`; never rejects. */
export async function runGit(dir: string, args: readonly string[], options: GitOptions = {}, request: RunGitRequest = {}): Promise<GitRun> {
  const timeoutMs = request.timeoutMs ?? options.timeoutMs ?? GIT_READ_TIMEOUT_MS;
  const argv = ['-C', dir, ...(request.read ? ['--no-optional-locks'] : []), ...args];
  const env = gitEnv(request.read ? { LC_ALL: 'C', GIT_OPTIONAL_LOCKS: '0' } : {}, options);
  const result = await execa('git', argv, {
    reject: false,
    all: true,
    env,
    extendEnv: false,
    timeout: timeoutMs,
    ...(request.input !== undefined ? { input: request.input } : { stdin: 'ignore' as const }),
    ...(request.detached ? { detached: true } : {}),
  });
  const text = (value: unknown): string => (typeof value === 'string' ? value : '');
  const run: GitRun = {
    ok: !result.failed && result.exitCode === 0,
    code: result.exitCode ?? -1,
    stdout: text(result.stdout),
    stderr: text(result.stderr),
    all: text(result.all),
  };
  if (result.timedOut) return { ...run, ok: false, problem: `git did not finish within ${Math.round(timeoutMs / 100) / 10} s (git ${args[0] ?? ''} in ${dir})` };
  if (result.failed && result.exitCode === undefined) {
    if (result.code === 'ENOENT') return { ...run, missing: true, problem: 'git is not installed (not found in PATH)' };
    return { ...run, problem: `git could not be run: ${result.shortMessage}` };
  }
  return run;
}

/** The first line git wrote to stderr (else stdout), without "fatal: ", for a one-line error. */
export function firstLine(run: GitRun): string {
  const line = (run.stderr.trim() || run.stdout.trim()).split('\n')[0] ?? '';
  return line.replace(/^(fatal|error): /, '') || `exit code ${run.code}`;
}
