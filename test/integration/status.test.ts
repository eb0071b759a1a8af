// `nixdeck status` (the built CLI) over the test fleet's real sshd and nix: every host read at
// once over ssh, the flake's toplevels evaluated by nix, an unreachable host named while the
// others are read.
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readlink, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostStatus } from '../../src/core/fleetStatus.js';
import { builtCli, type Fleet, isSkip, setupFleet, useFleet } from '../helpers/fleet.js';

const cli = builtCli();
const fleetResult = isSkip(cli) ? cli : await setupFleet();
const { skip, fleet } = useFleet('nixdeck status against the test fleet', fleetResult, cli);

let work = '';
let flake = '';
let sshConfig = '';
const servers: Server[] = [];

/** A port nothing listens on, or one that accepts and never answers: the fleet's if it has them, else made here. */
async function unreachablePorts(f: Fleet): Promise<{ refused: number; blackHole: number }> {
  const fromFleet = (name: string): number | null => {
    const port = Number(f.env[name]);
    return Number.isInteger(port) && port > 0 ? port : null;
  };
  const listen = (): Promise<Server> =>
    new Promise((resolve) => {
      const server = createServer(() => {}); // accepts, never writes
      server.listen(0, '127.0.0.1', () => resolve(server));
    });
  let refused = fromFleet('FAKE_NIXOS_REFUSED_PORT');
  if (refused === null) {
    const probe = await listen();
    refused = (probe.address() as { port: number }).port;
    await new Promise((resolve) => probe.close(resolve));
  }
  let blackHole = fromFleet('FAKE_NIXOS_BLACKHOLE_PORT');
  if (blackHole === null) {
    const server = await listen();
    servers.push(server);
    blackHole = (server.address() as { port: number }).port;
  }
  return { refused, blackHole };
}

beforeAll(async () => {
  if (skip) return;
  const f = fleet();
  work = await mkdtemp(path.join(tmpdir(), 'nixdeck-status-'));
  // a clone of the fleet's flake with two more folder hosts that cannot be reached
  flake = path.join(work, 'flake');
  await execa('git', ['clone', '-q', f.flake, flake]);
  for (const host of ['refuser', 'blackhole']) {
    await mkdir(path.join(flake, 'systems', host), { recursive: true });
    await writeFile(path.join(flake, 'systems', host, 'default.nix'), '{ ... }: { }\n');
  }
  const { refused, blackHole } = await unreachablePorts(f);
  sshConfig = path.join(work, 'ssh_config');
  await writeFile(
    sshConfig,
    // first the fleet's (the first value ssh finds wins), then the two hosts where it has none
    `Include ${f.sshConfig}\nHost refuser\n  HostName 127.0.0.1\n  Port ${refused}\nHost blackhole\n  HostName 127.0.0.1\n  Port ${blackHole}\n`,
  );
  for (const dir of ['config/nixdeck', 'state', 'cache']) await mkdir(path.join(work, dir), { recursive: true });
  // a short connect timeout, so that the black hole gives up soon
  await writeFile(path.join(work, 'config/nixdeck/config.json'), JSON.stringify({ connectTimeout: 2 }));
}, 120_000);

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  if (work) await rm(work, { recursive: true, force: true });
});

async function status(args: string[], extraEnv: Record<string, string> = {}) {
  const f = fleet();
  return execa('node', [cli as string, 'status', '--flake', flake, ...args], {
    reject: false,
    env: {
      ...f.env,
      NIX_SSHOPTS: `-F ${sshConfig}`,
      XDG_CONFIG_HOME: path.join(work, 'config'),
      XDG_STATE_HOME: path.join(work, 'state'),
      XDG_CACHE_HOME: path.join(work, 'cache'),
      ...extraEnv,
    },
    stdin: 'ignore',
    timeout: 120_000,
  });
}

async function runningOf(host: string): Promise<string> {
  return readlink(path.join(fleet().hostRoot(host as 'hq'), 'run/current-system'));
}

describe('nixdeck status over the test fleet', () => {
  it.skipIf(skip)('reads hq, t460 and pi over ssh; the unreachable hosts get one line each; exit 1', async () => {
    const run = await status(['--json']);
    expect(run.exitCode, run.stderr).toBe(1);
    const rows = JSON.parse(run.stdout) as HostStatus[];
    const byName = new Map(rows.map((r) => [r.name, r]));
    for (const name of ['hq', 't460', 'pi', 'refuser', 'blackhole']) expect(byName.has(name), name).toBe(true);

    const hq = byName.get('hq');
    expect(hq).toMatchObject({ local: false, reachable: true, error: null, current: 4, running: 4, booted: 3, rebootNeeded: true, drift: 'outdated', driftReason: null, lastRun: null });
    expect(hq?.runningPath).toBe(await runningOf('hq'));
    expect(hq?.bootedPath).toBe(await readlink(path.join(fleet().hostRoot('hq'), 'run/booted-system')));
    expect(hq?.flakePath).toMatch(/-nixos-system-hq-25\.11\.20251215\.eeeeeee$/);
    expect(hq?.rttMs).toEqual(expect.any(Number));
    expect(hq?.uptimeSeconds).toEqual(expect.any(Number));

    expect(byName.get('t460')).toMatchObject({ reachable: true, current: 2, running: 2, booted: 2, rebootNeeded: false, drift: 'outdated' });
    expect(byName.get('t460')?.flakePath).toMatch(/-nixos-system-t460-25\.05\.20250701\.1313131$/);
    // pi's configuration fails to build, but its toplevel's path evaluates
    expect(byName.get('pi')).toMatchObject({ reachable: true, current: 1, running: 1, booted: 1, rebootNeeded: false, drift: 'outdated' });

    // folder hosts only: not in the flake's nixosConfigurations
    for (const name of ['refuser', 'blackhole']) {
      const row = byName.get(name);
      expect(row).toMatchObject({ reachable: false, current: null, running: null, runningPath: null, rebootNeeded: null, drift: 'unknown', flakePath: null });
      expect(row?.error).not.toContain('\n');
    }
    expect(byName.get('refuser')?.error).toMatch(/connection refused/i);
    expect(byName.get('blackhole')?.error).toMatch(/timed out/i);
    const stderr = run.stderr.split('\n');
    expect(stderr).toContainEqual(expect.stringMatching(/^refuser: unreachable: .*connection refused/i));
    expect(stderr).toContainEqual(expect.stringMatching(/^blackhole: unreachable: .*timed out/i));
  });

  it.skipIf(skip)('the table, for the hosts named; exit 0 when each was read', async () => {
    const run = await status(['hq', 'pi']);
    expect(run.exitCode, run.stderr).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(/^HOST\s+REACH\s+RUNNING\s+REBOOT\s+DRIFT\s+FAILED\s+UPTIME\s+LAST RUN$/);
    expect(lines[1]).toMatch(/^hq\s+\d+ ms\s+4 \(\d+w\)\s+needed\s+outdated\s/);
    expect(lines[2]).toMatch(/^pi\s+\d+ ms\s+1 \(\d+w\)\s+no\s+outdated\s/);
    expect(lines).toHaveLength(3);
  });

  it.skipIf(skip)('an unknown host: exit 2 naming the hosts', async () => {
    const run = await status(['nas']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/no host named "nas"; the hosts of .* are: .*hq, pi, refuser, t460/);
  });

  it.skipIf(skip)('hq as this machine (--root): the local reader gives the same row as ssh did', async () => {
    const f = fleet();
    const remote = JSON.parse((await status(['--json', 'hq'])).stdout) as HostStatus[];
    const local = await status(['--json', '--root', f.hostRoot('hq'), 'hq']);
    expect(local.exitCode, local.stderr).toBe(0);
    const [row] = JSON.parse(local.stdout) as HostStatus[];
    expect(row).toMatchObject({ local: true, rttMs: null, failedUnits: null, uptimeSeconds: null });
    const same = (r: HostStatus | undefined) => r && { ...r, local: undefined, rttMs: undefined, uptimeSeconds: undefined, failedUnits: undefined };
    expect(same(row)).toEqual(same(remote[0]));
  });

  it.skipIf(skip)('a second status evaluates nothing: with a nix that only fails, the toplevels come from the cache', async () => {
    const first = JSON.parse((await status(['--json', 'hq'])).stdout) as HostStatus[];
    const bin = path.join(work, 'broken-nix');
    await mkdir(bin, { recursive: true });
    await writeFile(path.join(bin, 'nix'), '#!/bin/sh\necho "error: this nix only fails" >&2\nexit 1\n', { mode: 0o755 });
    const again = await status(['--json', 'hq'], { PATH: `${bin}:${fleet().env.PATH ?? process.env.PATH}` });
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stderr).not.toMatch(/this nix only fails/);
    const [row] = JSON.parse(again.stdout) as HostStatus[];
    expect(row?.flakePath).toBe(first[0]?.flakePath);
    expect(row?.drift).toBe('outdated');
    expect(existsSync(path.join(work, 'cache', 'nixdeck', 'flake-toplevels.json'))).toBe(true);
  });
});
