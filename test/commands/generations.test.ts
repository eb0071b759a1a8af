import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generationsCommand } from '../../src/commands/generations.js';
import { DEFAULT_PREFS } from '../../src/core/prefsSchema.js';
import type { Host } from '../../src/core/types.js';
import { type Environment, localEnvironment, readRemoteGenerations } from '../../src/system/context.js';
import { type Executor, localExecutor } from '../../src/system/executor.js';
import type { RemoteHost } from '../../src/system/remote/remoteHost.js';
import { makeRoot } from '../helpers/profileFixture.js';
import { fakeIo } from './fakeIo.js';

// "this machine" is hq (its etc/hostname); "t460" is another host, answered by an injected executor
const here = makeRoot(
  [
    { number: 1, date: new Date('2025-05-01T12:00:00Z'), version: '25.05.20250501.aaaaaaa', kernel: '6.6.30' },
    { number: 2, date: new Date('2025-06-01T12:00:00.250Z'), version: '25.05.20250601.bbbbbbb', kernel: '6.6.32', specialisations: ['gaming'], revision: 'abc123' },
  ],
  { current: 2, booted: 1 },
);
const there = makeRoot(
  [
    { number: 7, date: new Date('2025-07-01T08:00:00Z'), version: '25.11.20250701.ccccccc', kernel: '6.12.4', swRevision: 'def456' },
    { number: 8, date: new Date('2025-08-01T08:00:00.500Z'), version: '25.11.20250801.ddddddd', kernel: '6.12.6', dangling: true },
  ],
  { current: 7 },
);
afterAll(() => {
  here.cleanup();
  there.cleanup();
});
mkdirSync(path.join(here.root, 'etc'));
writeFileSync(path.join(here.root, 'etc/hostname'), 'hq\n');

/** What ssh to a host would answer: the command's script run here, on that host's root. */
function executorFor(root: string): Executor {
  return {
    // the command asks for /nix/var/nix/profiles/system; this host keeps it under its root
    run: (argv, opts) => {
      const [sh = 'sh', c = '-c', script = '', name = 'host-facts'] = argv;
      return localExecutor.run([sh, c, script, name, path.join(root, 'nix/var/nix/profiles/system'), root], opts);
    },
  };
}

/** A remote host over an executor (the pool's connection is what the fleet tests prove). */
function remoteOver(name: string, executor: Executor, down?: string): RemoteHost {
  return {
    name,
    destination: name,
    executor,
    connect: async () => (down ? { ok: false, error: down } : { ok: true }),
    reach: async () => (down ? { ok: false, error: down } : { ok: true, rttMs: 1 }),
    freshReach: async () => ({ ok: true, rttMs: 1 }),
    nixSshOpts: () => '',
    storeUri: () => `ssh-ng://${name}`,
  };
}

/** This machine's environment, with other hosts read through `connect` the way the real one reads them. */
function envWith(connect: (host: string) => RemoteHost): { env: Environment; asked: string[] } {
  const asked: string[] = [];
  const base = localEnvironment({ root: here.root }, DEFAULT_PREFS);
  return {
    asked,
    env: {
      ...base,
      readGenerations: (host: Host) => {
        if (host.local) return base.readGenerations(host);
        asked.push(host.name);
        return readRemoteGenerations(connect(host.name));
      },
    },
  };
}

async function json(io: ReturnType<typeof fakeIo>, code: Promise<number>): Promise<unknown> {
  expect(await code).toBe(0);
  expect(io.stderr).toEqual([]);
  return JSON.parse(io.stdout.join('\n'));
}

describe('nixdeck generations HOST', () => {
  it('another host over its executor: the same JSON as that host read with --root', async () => {
    const { env, asked } = envWith((host) => remoteOver(host, executorFor(there.root)));
    const io = fakeIo();
    const remote = await json(io, generationsCommand(env, io, true, 't460'));
    const localIo = fakeIo();
    const byRoot = await json(localIo, generationsCommand(localEnvironment({ root: there.root }, DEFAULT_PREFS), localIo, true));
    expect(asked).toEqual(['t460']);
    expect(remote).toEqual(byRoot);
    expect(remote).toMatchObject([
      { generation: 8, status: 'dangling', date: '2025-08-01T08:00:00.500Z' },
      { generation: 7, current: true, running: true, booted: true, configurationRevision: 'def456', kernelVersion: '6.12.4' },
    ]);
  });

  it('this machine never goes through the connector', async () => {
    const { env } = envWith(() => {
      throw new Error('connected');
    });
    const io = fakeIo();
    const out = await json(io, generationsCommand(env, io, true, undefined));
    expect((out as { generation: number }[]).map((g) => g.generation)).toEqual([2, 1]);
  });

  it('the text table and the reboot line for another host', async () => {
    const { env } = envWith((host) => remoteOver(host, executorFor(here.root)));
    const io = fakeIo();
    expect(await generationsCommand(env, io, false, 't460')).toBe(0);
    expect(io.stdout[0]).toMatch(/^GEN +DATE \(UTC\)/);
    expect(io.stdout.at(-1)).toBe('reboot needed: running kernel 6.6.32, booted kernel 6.6.30');
  });

  it('an unreachable host: exit 1, one line saying why', async () => {
    const { env } = envWith((host) => remoteOver(host, localExecutor, 'connection refused'));
    const io = fakeIo();
    expect(await generationsCommand(env, io, true, 't460')).toBe(1);
    expect(io.stdout).toEqual([]);
    expect(io.stderr).toEqual(['error: cannot read the generations of t460: connection refused\n  check the connection with: ssh t460']);
  });

  it('a host that answers something else, or with no generations, says so', async () => {
    const motd: Executor = { run: async () => ({ code: 0, stdout: 'Welcome!\n', stderr: '' }) };
    const io = fakeIo();
    expect(await generationsCommand(envWith((h) => remoteOver(h, motd)).env, io, true, 't460')).toBe(1);
    expect(io.stderr).toEqual([`error: cannot read the generations of t460: the host's answer is not from the host-facts script: it starts with "Welcome!"\n  check the connection with: ssh t460`]);
    const empty: Executor = { run: async () => ({ code: 0, stdout: 'nixdeck-host-facts\t1\nend\t\n', stderr: '' }) };
    const io2 = fakeIo();
    expect(await generationsCommand(envWith((h) => remoteOver(h, empty)).env, io2, true, 't460')).toBe(1);
    expect(io2.stderr).toEqual(['error: no system generations in /nix/var/nix/profiles/system on t460\n  is it a NixOS machine?']);
  });
});
