// scripts/activate.sh (the host-side activation supervisor) run here with dash and busybox sh:
// every argument is checked by the script itself, and the state it reports parses.
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseHostState } from '../../src/core/deployPlan.js';
import { remoteScript } from '../../src/system/remote/remoteScripts.js';

const script = remoteScript('activate.sh');
const shells = [['/bin/sh'], ...(existsSync('/usr/bin/busybox') ? [['/usr/bin/busybox', 'sh']] : [])];
const good = ['/nix/store/0123456789abcdfghijklmnpqrsvwxyz-nixos-system-edge-25.05', '/nix/var/nix/profiles/system', 'switch', '30', 'abcdef123456', 'root'];

async function run(shell: string[], args: string[]) {
  const [file = 'sh', ...pre] = shell;
  return execa(file, [...pre, '-c', script, 'activate.sh', ...args], { reject: false, input: '\n', env: { XDG_RUNTIME_DIR: '' } });
}

describe.each(shells)('activate.sh under %s', (...shell) => {
  it.each([
    [0, "/nix/store/x-y'; rm -rf /", 'not a store path'],
    [0, '/etc/passwd/x', 'not in the store'],
    [0, '0', 'store path or a generation number'],
    [1, 'relative/profile', 'absolute path'],
    [1, '/nix/var/../profiles/system', 'plain absolute path'],
    [2, 'dry-activate', 'switch, boot or test'],
    [3, '3s', 'whole number'],
    [3, '999999', 'at most 86400'],
    [4, 'short', '8 to 64'],
    [4, '../../etc', 'letters and digits'],
    [5, 'doas', 'root, sudo or password'],
  ])('refuses argument %i = %j', async (index, value, message) => {
    const args = [...good];
    args[index] = value;
    const r = await run(shell, ['start', ...args]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(message);
  });

  it('refuses a wrong number of arguments and an unknown mode', async () => {
    expect((await run(shell, ['start', ...good.slice(1)])).stderr).toContain('got 5 argument(s)');
    expect((await run(shell, ['explode'])).exitCode).toBe(2);
  });

  it('reports an unknown run as missing, in the framing the parser reads', async () => {
    const r = await run(shell, ['read', 'nosuchtoken99', '0']);
    expect(r.exitCode).toBe(0);
    expect(parseHostState(r.stdout)).toEqual({ kind: 'missing' });
    expect((await run(shell, ['ack', 'nosuchtoken99'])).stderr).toContain('no run folder');
  });
});
