// The SSH pool against the test fleet's real sshd: one shared connection per host, exact argv,
// one-line failures that never hold up the other hosts, nix copy over the same connection, and
// nothing left behind by closeAll.

import { execa } from 'execa';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PREFS, type Prefs } from '../../src/core/prefsSchema.js';
import { openSshPool, type SshPool } from '../../src/system/ssh/sshPool.js';
import { MAX_CONTROL_PATH } from '../../src/system/ssh/socketDir.js';
import { setupFleet, useFleet } from '../helpers/fleet.js';

const fleetResult = await setupFleet();
const { skip, fleet } = useFleet('ssh pool', fleetResult);

type PoolPrefs = Pick<Prefs, 'sshOptions' | 'connectTimeout' | 'hosts'>;

const pools: SshPool[] = [];
function pool(prefs: Partial<PoolPrefs> = {}, env: NodeJS.ProcessEnv = {}): SshPool {
  const p = openSshPool({
    prefs: { connectTimeout: DEFAULT_PREFS.connectTimeout, ...prefs },
    env: { NIX_SSHOPTS: `-F ${fleet().sshConfig}`, TMPDIR: os.tmpdir(), ...env },
  });
  pools.push(p);
  return p;
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.closeAll()));
});

/** Processes whose command line mentions `text` (a master keeps its `-o ControlMaster=yes` command line, or is titled `ssh: <socket> [mux]`). */
function processesMentioning(text: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z') continue;
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmdline.includes(text)) found.push(`${pid}: ${cmdline}`);
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

function acceptedLogins(): number {
  return (readFileSync(path.join(fleet().root, 'ssh', 'sshd.log'), 'utf8').match(/Accepted publickey/g) ?? []).length;
}

/** A listener that accepts TCP connections and never says a word (a black hole). */
let blackHole: Server | undefined;
const held: Socket[] = [];
let blackHolePort = 0;
/** a port with no listener: connections are refused */
let refusedPort = 0;
beforeAll(async () => {
  blackHole = createServer((socket) => void held.push(socket));
  await new Promise<void>((resolve) => blackHole?.listen(0, '127.0.0.1', resolve));
  blackHolePort = (blackHole.address() as { port: number }).port;
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  refusedPort = (probe.address() as { port: number }).port;
  await new Promise((resolve) => probe.close(resolve));
});
afterAll(() => {
  for (const s of held) s.destroy();
  blackHole?.close();
});

describe('ssh pool over the test fleet', () => {
  it.skipIf(skip)('opens one shared connection per host however many reads ask at once', async () => {
    const p = pool();
    const hosts = ['hq', 't460', 'pi'] as const;
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => p.host(hosts[i % 3] as string).executor.run(['hostname'])));
    const failed = results.filter((r) => r.code !== 0).map((r) => `exit ${r.code}: ${r.spawnError ?? ''} ${r.stderr}`);
    expect(results.map((r) => r.stdout), failed.join('\n')).toEqual(Array.from({ length: 12 }, (_, i) => hosts[i % 3]));
    expect(p.connectionsOpened).toBe(3);
    const folder = p.socketFolder as string;
    for (const socket of readdirSync(folder)) {
      const check = await execa('ssh', ['-o', `ControlPath=${path.join(folder, socket)}`, '-O', 'check', 'x'], { reject: false });
      expect(check.exitCode).toBe(0);
      expect(check.stderr).toMatch(/Master running/);
    }
    expect(readdirSync(folder)).toHaveLength(3);
    expect(processesMentioning(`${folder}/`).filter((l) => l.includes('[mux]') || l.includes('ControlMaster=yes'))).toHaveLength(3);
    // later reads reuse it
    expect((await p.host('hq').reach()).ok).toBe(true);
    expect(p.connectionsOpened).toBe(3);
  });

  it.skipIf(skip)('runs an argument vector byte for byte, with stdin, cwd and env', async () => {
    const p = pool();
    const words = ['plain', '', ' ', "it's", '$(touch /tmp/nixdeck-pwned)', '`id`', 'a;b|c&d', 'new\nline', 'tab\there', '*', '~root', '\\', '"dq"', 'ünïcode ✓', '-n', '#c', '!h', '%C', "'"];
    const r = await p.host('t460').executor.run(['printf', '%s\\0', ...words]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\0').slice(0, -1)).toEqual(words);
    const input = "line one\n'quoted' $(not run)\n\ttabbed";
    expect((await p.host('t460').executor.run(['cat'], { input })).stdout).toBe(input);
    const where = await p.host('t460').executor.run(['sh', '-c', 'pwd; printf %s "$WEIRD"'], { cwd: '/nix/var/nix', env: { WEIRD: "a b'c$(id)" } });
    expect(where.stdout).toBe("/nix/var/nix\na b'c$(id)");
    expect(existsSync('/tmp/nixdeck-pwned')).toBe(false);
    expect((await p.host('t460').executor.run(['sh', '-c', 'exit 7'])).code).toBe(7);
  });

  it.skipIf(skip)('a refused port and a black hole fail in one line each while another host answers', async () => {
    const p = pool({
      connectTimeout: 1,
      hosts: { refuser: { target: `root@127.0.0.1:${refusedPort}` }, blackhole: { target: `root@127.0.0.1:${blackHolePort}` } },
    });
    const order: string[] = [];
    const note = <T>(name: string, promise: Promise<T>): Promise<T> => promise.then((v) => (order.push(name), v));
    const [refused, hole, hq] = await Promise.all([
      note('refuser', p.host('refuser').reach()),
      note('blackhole', p.host('blackhole').reach()),
      note('hq', p.host('hq').executor.run(['hostname'])),
    ]);
    expect(refused).toEqual({ ok: false, error: 'connection refused' });
    expect(hole).toEqual({ ok: false, error: 'timed out after 1 s' });
    expect(hq.stdout).toBe('hq');
    expect(order.indexOf('hq')).toBeLessThan(order.indexOf('blackhole'));
    // a command on an unreachable host says the same, never hangs
    expect(await p.host('refuser').executor.run(['true'])).toMatchObject({ code: 255, spawnError: 'connection refused' });
  });

  it.skipIf(skip)('a wrong key is "permission denied (publickey)" at once, not a prompt (BatchMode)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nixdeck-wrongkey-'));
    try {
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'key')]);
      const known = path.join(fleet().root, 'ssh', 'known_hosts');
      const p = pool(
        { connectTimeout: 2, sshOptions: `-o IdentitiesOnly=yes -i ${path.join(dir, 'key')} -o UserKnownHostsFile=${known}`, hosts: { hq: { target: `root@127.0.0.1:${fleet().env.FAKE_NIXOS_SSH_PORT}` } } },
        { NIX_SSHOPTS: '' },
      );
      expect(await p.host('hq').reach()).toEqual({ ok: false, error: 'permission denied (publickey)' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(skip)('a target with a port, a fresh connection, and nix copy over the shared one (ssh-ng:// + NIX_SSHOPTS -p)', async () => {
    const port = Number(fleet().env.FAKE_NIXOS_SSH_PORT) + 2; // pi
    const ssh = path.join(fleet().root, 'ssh');
    const p = pool(
      { sshOptions: `-i ${ssh}/id_ed25519 -o IdentitiesOnly=yes -o UserKnownHostsFile=${ssh}/known_hosts`, hosts: { pi: { target: `root@127.0.0.1:${port}` } } },
      { NIX_SSHOPTS: '' },
    );
    const pi = p.host('pi');
    expect(pi.destination).toBe('root@127.0.0.1');
    expect(pi.storeUri()).toBe('ssh-ng://root@127.0.0.1');
    expect((await pi.executor.run(['hostname'])).stdout).toBe('pi');
    expect(pi.nixSshOpts()).toContain(`-p ${port}`);

    const before = acceptedLogins();
    const fresh = await pi.freshReach(5000);
    expect(fresh.ok).toBe(true);
    expect(p.freshConnectionsOpened).toBe(1);
    expect(acceptedLogins()).toBe(before + 1);

    const storePath = realpathSync(path.join(fleet().hostRoot('pi'), 'run', 'current-system'));
    const copy = await execa('nix', ['--extra-experimental-features', 'nix-command', 'copy', '--to', pi.storeUri(), storePath], {
      env: { NIX_SSHOPTS: pi.nixSshOpts(), NIX_CONF_DIR: fleet().env.NIX_CONF_DIR ?? '' },
      reject: false,
    });
    expect(copy.stderr).not.toMatch(/error/);
    expect(copy.exitCode).toBe(0);
    expect(acceptedLogins()).toBe(before + 1); // nix copy went over the shared connection: no new login
    expect(p.connectionsOpened).toBe(1);
  });

  it.skipIf(skip)('closeAll leaves no socket, no folder and no ssh process', async () => {
    const p = pool();
    await Promise.all(['hq', 't460'].map((h) => p.host(h).reach()));
    const folder = p.socketFolder as string;
    expect(processesMentioning(`${folder}/`)).toHaveLength(2);
    await p.closeAll();
    expect(existsSync(folder)).toBe(false);
    expect(processesMentioning(`${folder}/`)).toEqual([]);
    // and the pool can connect again afterwards
    expect((await p.host('hq').executor.run(['hostname'])).stdout).toBe('hq');
  });

  it.skipIf(skip)('works with a long TMPDIR: the sockets go to a short folder', async () => {
    const p = pool({}, { TMPDIR: `/tmp/${'a-very-long-temporary-folder-name-'.repeat(3)}`, XDG_RUNTIME_DIR: '' });
    expect((await p.host('hq').executor.run(['hostname'])).stdout).toBe('hq');
    const folder = p.socketFolder as string;
    expect(path.dirname(folder)).toBe('/tmp');
    for (const socket of readdirSync(folder)) expect(path.join(folder, socket).length).toBeLessThanOrEqual(MAX_CONTROL_PATH);
  });

  it.skipIf(skip)('elevation over the pool: sudo -n, then the password on stdin, refused passwords forgotten', async () => {
    const { user, password } = fleet().sudo;
    const p = pool({ hosts: { hq: { target: `${user}@hq` } } });
    const hq = p.host('hq');
    expect((await hq.executor.run(['id', '-un'])).stdout).toBe(user);
    const first = await hq.elevated.run(['id', '-u']);
    expect(first).toMatchObject({ needsPassword: true });
    expect(hq.setSudoPassword('not the password')).toBeNull();
    expect(await hq.elevated.run(['id', '-u'])).toMatchObject({ needsPassword: true, wrongPassword: true });
    expect(hq.hasSudoPassword()).toBe(false);
    expect(hq.setSudoPassword(password)).toBeNull();
    expect(await hq.elevated.run(['id', '-u'])).toMatchObject({ code: 0, stdout: '0' });
    // the command still gets its own standard input after the password line
    expect(await hq.elevated.run(['cat'], { input: 'after the password\n' })).toMatchObject({ code: 0, stdout: 'after the password' });
    // as root on that fake host: its profile
    expect((await hq.elevated.run(['readlink', '/nix/var/nix/profiles/system'])).stdout).toMatch(/^system-\d+-link$/);
    expect(p.connectionsOpened).toBe(1);
  });

  it.skipIf(skip)('bad NIX_SSHOPTS or a bad target is one line on every read, and nothing is run', async () => {
    const p = pool({ hosts: { odd: { target: '-oProxyCommand=id' } } }, { NIX_SSHOPTS: '-o "unclosed' });
    expect(await p.host('hq').reach()).toEqual({ ok: false, error: 'NIX_SSHOPTS cannot be read: a double quote is not closed (it is split like a shell command line)' });
    const q = pool({ hosts: { odd: { target: '-oProxyCommand=id' } } });
    const r = await q.host('odd').executor.run(['true']);
    expect(r.spawnError).toMatch(/^hosts\.odd\.target: "-oProxyCommand=id" is not an ssh target/);
    expect(p.connectionsOpened + q.connectionsOpened).toBe(0);
  });
});
