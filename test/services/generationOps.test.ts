// A remote host's generation operations over a fake executor: the closure reads shared with this
// machine's service (refused for another host, run by the host's nix, its running and booted
// systems kept), and the elevation checks shared by a switch and a delete.
import { describe, expect, it } from 'vitest';
import { createRemoteGenerationOps } from '../../src/services/generationOps.js';
import type { Environment } from '../../src/system/context.js';
import type { ExecResult, Executor } from '../../src/system/executor.js';

const S = '/nix/store';
const A = `${S}/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-nixos-system-vm01-1`;
const B = `${S}/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-nixos-system-vm01-2`;
const RUNNING = `${S}/rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr-nixos-system-vm01-3`;

/** A host whose login gets root as `elevation` says (or cannot be probed), recording each command. */
function fakeHost(elevation: string | null) {
  const calls: string[][] = [];
  const executor: Executor = {
    async run(argv): Promise<ExecResult> {
      calls.push([...argv]);
      if (argv[0] === 'sh') return elevation === null ? { code: 255, stdout: '', stderr: '', spawnError: 'connection refused' } : { code: 0, stdout: `${elevation}\n`, stderr: '' };
      if (argv[0] === 'readlink') return { code: 0, stdout: `${RUNNING}\n${RUNNING}\n`, stderr: '' };
      if (argv.includes('diff-closures')) return { code: 0, stdout: 'firefox: 119.0 → 120.0, +1.5 MiB\n', stderr: '' };
      if (argv.includes('path-info')) {
        const paths = argv.filter((a) => a.startsWith(S));
        return { code: 0, stdout: JSON.stringify(paths.map((path, i) => ({ path, narSize: 10 + i, closureSize: 100 + i, references: [] }))), stderr: '' };
      }
      return { code: 0, stdout: '', stderr: '' };
    },
  };
  return { calls, executor };
}

const env = { rebuild: { stateDir: '/nonexistent', flakeDir: '/nonexistent', hostname: 'hq', executable: ['false'], extraFlags: [], supervisor: ['false'], isRoot: false, needsRoot: true } } as unknown as Environment;

describe('remote generation operations', () => {
  it('every operation refuses another host than its own, with the same reason', async () => {
    const { calls, executor } = fakeHost('root');
    const ops = createRemoteGenerationOps(env, { host: 'vm01', executor });
    const refused = { ok: false, error: 'these operations are for vm01, not t460' };
    expect(await ops.diff('t460', A, B)).toEqual(refused);
    expect(await ops.closureSizes('t460', [A])).toEqual(refused);
    expect(await ops.estimateFreed('t460', [A], [])).toEqual(refused);
    expect(await ops.activate({ host: 't460', generation: 2, action: 'switch' })).toEqual(refused);
    expect(await ops.deleteGenerations({ host: 't460', generations: [1] })).toEqual(refused);
    expect(calls).toEqual([]);
  });

  it('diff and sizes by the host’s nix; a freed-space estimate keeps its running and booted systems', async () => {
    const { calls, executor } = fakeHost('root');
    const ops = createRemoteGenerationOps(env, { host: 'vm01', executor });
    const diff = await ops.diff('vm01', A, B);
    expect(diff.ok && diff.value.packages.map((p) => p.name)).toEqual(['firefox']);
    expect(await ops.closureSizes('vm01', [A, B])).toEqual({ ok: true, value: { [A]: 100, [B]: 101 } });
    await ops.estimateFreed('vm01', [A], [B]);
    expect(calls.find((c) => c[0] === 'readlink')).toEqual(['readlink', '-f', '/run/current-system', '/run/booted-system']);
    expect(calls.at(-1)).toEqual(expect.arrayContaining([A, B, RUNNING]));
  });

  it('a switch or a delete: a host that cannot be probed says so, a sudo password is asked for first', async () => {
    const gone = createRemoteGenerationOps(env, { host: 'vm01', executor: fakeHost(null).executor });
    const unreachable = { ok: false, error: 'vm01 cannot be reached: connection refused' };
    expect(await gone.activate({ host: 'vm01', generation: 2, action: 'switch' })).toEqual(unreachable);
    expect(await gone.deleteGenerations({ host: 'vm01', generations: [1] })).toEqual(unreachable);

    const host = fakeHost('password');
    const ops = createRemoteGenerationOps(env, { host: 'vm01', executor: host.executor });
    const missing = { ok: false, error: 'sudo needs a password to change the generations of vm01' };
    expect(await ops.needsPassword('vm01', 'delete')).toBe(true);
    expect(await ops.activate({ host: 'vm01', generation: 2, action: 'switch' })).toEqual(missing);
    expect(await ops.deleteGenerations({ host: 'vm01', generations: [1] })).toEqual(missing);
    expect(host.calls.filter((c) => c[0] === 'sh')).toHaveLength(1);
  });

  it('a delete as root: nix-env on the host, then its boot menu refreshed', async () => {
    const { calls, executor } = fakeHost('root');
    const ops = createRemoteGenerationOps(env, { host: 'vm01', executor });
    const lines: string[] = [];
    const done = await ops.deleteGenerations({ host: 'vm01', generations: [3, 1], onLine: (l) => lines.push(l) });
    expect(done.ok).toBe(true);
    expect(calls.slice(1)).toEqual([
      ['nix-env', '-p', '/nix/var/nix/profiles/system', '--delete-generations', '1', '3'],
      ['/run/current-system/bin/switch-to-configuration', 'boot'],
    ]);
    expect(lines.at(-1)).toBe('nixdeck: boot menu refreshed');
  });
});
