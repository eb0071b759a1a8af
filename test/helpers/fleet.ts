// Vitest helper for integration tests against the real test fleet of scripts/test-fleet.sh:
// real nix store paths and profiles, a flake with no inputs, and a real sshd on 127.0.0.1.
//
//   const fleetResult = await setupFleet();                    // top level of the test file
//   const { skip, fleet } = useFleet('profiles', fleetResult);  // warns once, tears down afterAll
//   it.skipIf(skip)('reads hq', async () => { const f = fleet(); ... f.hostRoot('hq') ... });
//
// Outside CI, a machine without the tools skips these tests with a visible reason; in CI
// (CI set) missing tools are an error, so the integration tests can never silently vanish there.

import { execa } from 'execa';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { access, constants, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const FLEET_SCRIPT = path.join(REPO_ROOT, 'scripts', 'test-fleet.sh');
/** The built CLI, produced by `npm run build`. */
export const CLI_PATH = path.join(REPO_ROOT, 'dist', 'nixdeck.js');

/** The hosts with a history of their own (scripts/test-fleet.sh); clones (c01…) come on request. */
export const FLEET_HOSTS = ['hq', 't460', 'pi', 'edge'] as const;
export type FleetHost = (typeof FLEET_HOSTS)[number];

/** hq, t460, pi, edge, refuser, blackhole: the ports before the clones' */
const FIXED_PORTS = 6;

/** The system profile inside a host root (the root stands for `/`). */
export const SYSTEM_PROFILE = 'nix/var/nix/profiles/system';

const SSHD = '/usr/sbin/sshd';
const TOOLS_ON_PATH = [
  'nix', 'nix-build', 'nix-env', 'git', 'ssh', 'ssh-keygen', 'unshare', 'setpriv', 'node', 'sudo', 'visudo', 'useradd', 'chpasswd',
] as const;
const INSTALL_HINT = 'install them with: apt-get install -y --no-install-recommends nix-bin openssh-server openssh-client git sudo';

export interface Skip {
  skip: string;
}

export interface Fleet {
  /** the fleet's folder (FAKE_NIXOS_ROOT); removed by teardown unless NIXDECK_KEEP_FLEET is set */
  root: string;
  /** the variables exported by `$root/env.sh` (PATH already expanded: `$root/bin:<PATH>`) */
  env: Record<string, string>;
  /** a folder that looks like the root of that NixOS host (a FleetHost or a clone), for `nixdeck --root DIR` */
  hostRoot(host: string): string;
  /** the flake: a git repository, everything committed, hosts hq, pi, t460 */
  flake: string;
  /** `ssh -F <sshConfig> hq|t460|pi|edge|c01…` reaches the hosts; also `refuser`, `blackhole`, `nddeploy@<host>` */
  sshConfig: string;
  /** the sshd port of a host (hq, t460, pi, edge or a clone) */
  port(host: string): number;
  /** nothing listens there: connecting is refused (ssh alias `refuser`) */
  refusedPort: number;
  /** accepts TCP and never answers (ssh alias `blackhole`) */
  blackholePort: number;
  /** the clone hosts c01…cNN (copies of pi, in the flake too); empty unless asked for */
  clones: string[];
  /**
   * A toplevel (in the store, in no profile) whose activation, switch or test, cuts its host off:
   * while it is the host's /run/current-system every new SSH session exits 255. Activating any
   * other generation lets sessions in again. edge's flake configuration behaves the same.
   */
  cutOffToplevel: string;
  /** the non-root user with a sudo password: `ssh nddeploy@hq`, `sudo -S` with `password` */
  sudo: { user: string; password: string };
  /** stops sshd and the black hole (by their pid files) once the last user of this process's fleet tears down */
  teardown(): Promise<void>;
}

export interface FleetOptions {
  /** FAKE_NIXOS_CLONES: clone hosts c01…cNN (0–99); a fleet with clones is not shared with the default one */
  clones?: number;
}

export function isSkip(value: unknown): value is Skip {
  return typeof value === 'object' && value !== null && typeof (value as { skip?: unknown }).skip === 'string';
}

/** CI is "set" unless empty, "0" or "false". */
export function inCI(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

/**
 * The fleet of this test process: made once (into a fresh temporary folder, on free ports) and
 * shared by every caller; each caller gets its own `teardown`, and sshd stops with the last one.
 * Returns `{ skip }` when the tools are missing outside CI; throws when they are missing in CI.
 */
export async function setupFleet(options: FleetOptions = {}): Promise<Fleet | Skip> {
  const problem = await missingPrerequisites();
  if (problem !== undefined) {
    if (inCI()) throw new Error(`fleet integration tests must run in CI, but ${problem}`);
    return { skip: problem };
  }
  const clones = options.clones ?? 0;
  if (!Number.isInteger(clones) || clones < 0 || clones > 99) throw new Error(`clones must be a whole number from 0 to 99, not ${clones}`);
  let current = shared.get(clones);
  if (current === undefined) {
    const created = { promise: createFleet(clones), users: 0 };
    current = created;
    shared.set(clones, created);
    created.promise.catch(() => {
      if (shared.get(clones) === created) shared.delete(clones); // let a later caller try again
    });
  }
  const base = await current.promise;
  current.users += 1;
  let released = false;
  return {
    ...base,
    teardown: async () => {
      if (released) return;
      released = true;
      current.users -= 1;
      if (current.users === 0) {
        if (shared.get(clones) === current) shared.delete(clones);
        await base.teardown();
      }
    },
  };
}

/**
 * The skip-with-a-reason pattern for `it.skipIf(...)`: warns once with every reason found among
 * `results` (anything that is a `{ skip }`), and says whether to skip.
 */
export function warnSkip(suite: string, ...results: unknown[]): boolean {
  const reasons = [...new Set(results.filter(isSkip).map((r) => r.skip))];
  if (reasons.length === 0) return false;
  console.warn(`skipping ${suite}: ${reasons.join('; ')}`);
  return true;
}

/**
 * `warnSkip` plus teardown after all tests of the file, and a getter for use inside the tests
 * (it throws only if called although the tests were skipped). `alsoNeeded` are further
 * prerequisites that may be `{ skip }`, such as `builtCli()`.
 */
export function useFleet(
  suite: string,
  result: Fleet | Skip,
  ...alsoNeeded: unknown[]
): { skip: boolean; fleet: () => Fleet } {
  const skip = warnSkip(suite, result, ...alsoNeeded);
  if (!isSkip(result)) afterAll(() => result.teardown());
  return {
    skip,
    fleet: () => {
      if (isSkip(result)) throw new Error(`no fleet: ${result.skip}`);
      return result;
    },
  };
}

/**
 * The built CLI (`dist/nixdeck.js`), or `{ skip }` when it is not built outside CI. In CI it must
 * exist (npm test builds it first), so its absence throws.
 */
export function builtCli(): string | Skip {
  if (existsSync(CLI_PATH)) return CLI_PATH;
  const reason = `${path.relative(REPO_ROOT, CLI_PATH)} is not built (run: npm run build)`;
  if (inCI()) throw new Error(reason);
  return { skip: reason };
}

/** Parses the `export NAME="value"` lines of env.sh; `$NAME`/`${NAME}` expand from earlier lines, then `base`. */
export function parseEnvSh(text: string, base: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^export ([A-Za-z_][A-Za-z0-9_]*)="([^"]*)"\s*$/.exec(line.trim());
    if (!match) continue;
    const [, name = '', raw = ''] = match;
    env[name] = raw.replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g, (_all, braced?: string, bare?: string) => {
      const ref = braced ?? bare ?? '';
      return env[ref] ?? base[ref] ?? '';
    });
  }
  return env;
}

// --- internals -----------------------------------------------------------------------------------

/** the fleets of this process, by number of clones */
const shared = new Map<number, { promise: Promise<Fleet>; users: number }>();

async function missingPrerequisites(): Promise<string | undefined> {
  const missing: string[] = [];
  for (const tool of TOOLS_ON_PATH) {
    if (!(await onPath(tool))) missing.push(tool);
  }
  if (!(await isExecutable(SSHD))) missing.push(`sshd (${SSHD})`);
  if (missing.length > 0) return `missing ${missing.join(', ')}; ${INSTALL_HINT}`;
  if (process.getuid?.() !== 0) return 'the test fleet needs root (sshd privilege separation, mount namespaces)';
  return undefined;
}

async function onPath(tool: string): Promise<boolean> {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir !== '' && (await isExecutable(path.join(dir, tool)))) return true;
  }
  return false;
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function createFleet(clones: number): Promise<Fleet> {
  const attempts = 3;
  for (let attempt = 1; ; attempt++) {
    const root = await mkdtemp(path.join(tmpdir(), 'nixdeck-fleet-'));
    const port = await freePortBlock(FIXED_PORTS + clones);
    const run = await execa('bash', [FLEET_SCRIPT], {
      env: { FAKE_NIXOS_ROOT: root, FAKE_NIXOS_SSH_PORT: String(port), FAKE_NIXOS_CLONES: String(clones) },
      all: true,
      reject: false,
      timeout: 300_000,
      stdin: 'ignore',
    });
    if (run.exitCode === 0) return openFleet(root);
    // another process may have taken one of the ports between our check and sshd's bind
    const portTrouble = /ports? [\d ]+ on 127\.0\.0\.1 (is|are) already in use|does not answer|listens on \d+ of/.test(run.all ?? '');
    if (portTrouble && attempt < attempts) {
      await destroy(root);
      continue;
    }
    stopFleetNow(root); // keep the folder (setup.log, ssh/sshd.log) for a look
    throw new Error(
      `scripts/test-fleet.sh failed (${run.exitCode ?? run.signal ?? 'no exit code'}); its files are in ${root}:\n${run.all ?? ''}`,
    );
  }
}

async function openFleet(root: string): Promise<Fleet> {
  const env = parseEnvSh(await readFile(path.join(root, 'env.sh'), 'utf8'));
  const onExit = (): void => {
    stopFleetNow(root);
  };
  process.once('exit', onExit); // a crashed test run must not leave sshd behind
  let done = false;
  const number = (name: string): number => {
    const value = Number(env[name]);
    if (!Number.isInteger(value)) throw new Error(`${root}/env.sh has no ${name}`);
    return value;
  };
  const base = number('FAKE_NIXOS_SSH_PORT');
  const clones = (env.FAKE_NIXOS_CLONES ?? '').split(' ').filter((name) => name !== '');
  return {
    root,
    env,
    hostRoot: (host) => path.join(root, 'hosts', host),
    flake: env.FAKE_NIXOS_FLAKE ?? path.join(root, 'flake'),
    sshConfig: env.FAKE_NIXOS_SSH_CONFIG ?? path.join(root, 'ssh', 'ssh_config'),
    port: (host) => {
      const fixed = (FLEET_HOSTS as readonly string[]).indexOf(host);
      if (fixed >= 0) return base + fixed;
      const clone = clones.indexOf(host);
      if (clone >= 0) return base + FIXED_PORTS + clone;
      throw new Error(`the test fleet has no host ${host}`);
    },
    refusedPort: number('FAKE_NIXOS_REFUSED_PORT'),
    blackholePort: number('FAKE_NIXOS_BLACKHOLE_PORT'),
    clones,
    cutOffToplevel: env.FAKE_NIXOS_CUTOFF_TOPLEVEL ?? '',
    sudo: { user: env.FAKE_NIXOS_SUDO_USER ?? '', password: env.FAKE_NIXOS_SUDO_PASSWORD ?? '' },
    teardown: async () => {
      if (done) return;
      done = true;
      process.removeListener('exit', onExit);
      await destroy(root);
    },
  };
}

async function destroy(root: string): Promise<void> {
  for (const pid of stopFleetNow(root)) await waitUntilGone(pid);
  // retries: an sshd child re-executed for a connection just before the stop opens its log by path
  if (!process.env.NIXDECK_KEEP_FLEET) await rm(root, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
}

/**
 * SIGTERM to the fleet's black hole and sshds (one per 16 ports: ssh/sshd.pid, ssh/sshd-2.pid, …),
 * and removes its sudoers rule; returns the pids signalled. The same as `test-fleet.sh stop`, but
 * synchronous, for process exit.
 */
function stopFleetNow(root: string): number[] {
  const ssh = path.join(root, 'ssh');
  const processes: { pidFile: string; mark: string }[] = [{ pidFile: 'blackhole.pid', mark: 'blackhole.cjs' }];
  let files: string[] = [];
  try {
    files = readdirSync(ssh);
  } catch {
    // no ssh folder: nothing was started
  }
  for (const file of files) {
    const sshd = /^(sshd(?:-\d+)?)\.pid$/.exec(file);
    if (sshd) processes.push({ pidFile: file, mark: `${sshd[1]}_config` });
  }
  const stopped: number[] = [];
  for (const { pidFile, mark } of processes) {
    const pid = signal(path.join(ssh, pidFile), path.join(ssh, mark));
    if (pid !== undefined) stopped.push(pid);
  }
  const sudoers = parseEnvShQuietly(root).FAKE_NIXOS_SUDOERS;
  if (sudoers !== undefined && /^\/etc\/sudoers\.d\/nixdeck-fleet-\d+$/.test(sudoers)) rmSync(sudoers, { force: true });
  return stopped;
}

/** SIGTERM to the pid in `pidFile` if that process's command line names `mark`; returns the pid. */
function signal(pidFile: string, mark: string): number | undefined {
  let pid: number;
  try {
    pid = Number.parseInt(readFileSync(pidFile, 'utf8').trim(), 10);
    if (!Number.isInteger(pid) || pid <= 1) return undefined;
    // sshd's process title keeps the -f argument, node's its script; guards against a recycled pid
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (!cmdline.includes(mark)) return undefined;
    process.kill(pid, 'SIGTERM');
  } catch {
    return undefined;
  }
  return pid;
}

function parseEnvShQuietly(root: string): Record<string, string> {
  try {
    return parseEnvSh(readFileSync(path.join(root, 'env.sh'), 'utf8'));
  } catch {
    return {};
  }
}

/** Until the process is gone or a zombie (PID 1 may reap late), at most ~5 s. */
async function waitUntilGone(pid: number): Promise<void> {
  for (let i = 0; i < 50; i++) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      return;
    }
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (state === 'Z' || state === 'X') return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** `count` consecutive free ports on 127.0.0.1, below Linux's ephemeral range (32768+). */
async function freePortBlock(count: number): Promise<number> {
  for (let tries = 0; tries < 200; tries++) {
    const base = 20_000 + Math.floor(Math.random() * (32_000 - 20_000));
    let free = true;
    for (let offset = 0; offset < count && free; offset++) free = await portIsFree(base + offset);
    if (free) return base;
  }
  throw new Error(`no ${count} consecutive free ports found on 127.0.0.1`);
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
