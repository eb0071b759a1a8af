// Where the pool's ControlMaster sockets live: a private folder (mode 0700) of this process,
// with a path short enough for a Unix socket. ssh first creates `<ControlPath>.<16 random
// characters>` and renames it, and sun_path holds 104 bytes on the BSDs and macOS (108 on
// Linux) including the final NUL, so the longest ControlPath we may hand ssh is 103 - 17 = 86.

import { mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';

export const SUN_PATH_BYTES = 104;
/** `.` plus 16 random characters that ssh appends while it creates the socket */
export const SSH_TEMP_SUFFIX = 17;
export const MAX_CONTROL_PATH = SUN_PATH_BYTES - 1 - SSH_TEMP_SUFFIX;
/** the longest socket name inside the folder (names are short counters: "0", "1", …, "zz") */
const NAME_RESERVE = 4;
const DIR_PREFIX = 'nd-';
/** mkdtemp adds 6 characters */
const DIR_RESERVE = DIR_PREFIX.length + 6 + 1;

/**
 * ssh expands `%x` and a leading `~` in a ControlPath, and Nix 2.8 splits NIX_SSHOPTS at
 * whitespace, so only plain characters are used.
 */
const PLAIN_PATH = /^\/[A-Za-z0-9._/+-]*$/;

/** The folders tried for the sockets, in order: $XDG_RUNTIME_DIR, $TMPDIR, /tmp. */
export function socketDirCandidates(env: NodeJS.ProcessEnv): string[] {
  const bases = [env.XDG_RUNTIME_DIR, env.TMPDIR, '/tmp'].filter((b): b is string => b !== undefined && b !== '');
  return [...new Set(bases.map((b) => (b.length > 1 ? b.replace(/\/+$/, '') : b)))];
}

/** Why a base folder cannot hold the sockets, or null when it can (before trying to create anything). */
export function socketBaseProblem(base: string): string | null {
  if (!PLAIN_PATH.test(base)) return 'it is not an absolute path of plain characters (letters, digits, . _ / + -)';
  if (base.length + 1 + DIR_RESERVE + NAME_RESERVE > MAX_CONTROL_PATH) {
    return `it is too long (${base.length} characters; a socket path must stay within ${MAX_CONTROL_PATH} with ssh's temporary suffix)`;
  }
  return null;
}

/** Creates the private socket folder in the first candidate that works; throws one line naming every candidate's problem. */
export function makeSocketDir(env: NodeJS.ProcessEnv): string {
  const problems: string[] = [];
  for (const base of socketDirCandidates(env)) {
    const problem = socketBaseProblem(base);
    if (problem) {
      problems.push(`${base}: ${problem}`);
      continue;
    }
    try {
      return mkdtempSync(path.join(base, DIR_PREFIX)); // mode 0700
    } catch (error) {
      problems.push(`${base}: ${(error as Error).message}`);
    }
  }
  throw new Error(`no folder for ssh's connection sockets (${problems.join('; ')}); set TMPDIR to a short writable folder`);
}

export function removeSocketDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** The socket name of the pool's n-th host. */
export function socketName(index: number): string {
  return index.toString(36);
}
