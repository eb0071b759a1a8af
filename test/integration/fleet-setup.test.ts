// The test fleet itself (scripts/test-fleet.sh through test/helpers/fleet.ts): does it give the
// other integration tests what they rely on? Needs nix-bin, openssh-server and root; skipped
// with a warning elsewhere, always run in CI.
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { readFile, readlink, readdir } from 'node:fs/promises';
import { connect } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SYSTEM_PROFILE, setupFleet, useFleet } from '../helpers/fleet.js';

const fleetResult = await setupFleet();
const { skip, fleet } = useFleet('test fleet setup (needs nix-bin, openssh-server, root)', fleetResult);

describe('test fleet (scripts/test-fleet.sh)', () => {
  it.skipIf(skip)('hq has 4 generations, generation 4 current', async () => {
    const f = fleet();
    const { stdout } = await execa('nix-env', ['-p', path.join(f.hostRoot('hq'), SYSTEM_PROFILE), '--list-generations'], {
      env: { ...f.env, TZ: 'UTC' },
    });
    const lines = stdout.split('\n').filter((line) => line.trim() !== '');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^\s*1\s+2025-06-01 10:00:00\s*$/);
    expect(lines[3]).toMatch(/^\s*4\s+2025-12-01 18:45:00\s+\(current\)\s*$/);
  });

  it.skipIf(skip)('ssh hq hostname prints hq', async () => {
    const f = fleet();
    const { stdout } = await execa('ssh', ['-F', f.sshConfig, 'hq', 'hostname'], { env: f.env });
    expect(stdout).toBe('hq');
  });

  it.skipIf(skip)('every host answers over ssh with its own profile', async () => {
    const f = fleet();
    const answers = await Promise.all(
      (['hq', 't460', 'pi'] as const).map(async (host) => {
        const { stdout } = await execa('ssh', ['-F', f.sshConfig, host, 'cat /etc/hostname; ls /nix/var/nix/profiles'], {
          env: f.env,
        });
        return stdout.split('\n').filter((l) => /^system-\d+-link$/.test(l) || l === host);
      }),
    );
    expect(answers).toEqual([
      ['hq', 'system-1-link', 'system-2-link', 'system-3-link', 'system-4-link'],
      ['t460', 'system-1-link', 'system-2-link'],
      ['pi', 'system-1-link'],
    ]);
  });

  it.skipIf(skip)('host roots look like NixOS roots', async () => {
    const f = fleet();
    for (const [host, generations, booted] of [
      ['hq', 4, 3],
      ['t460', 2, 2],
      ['pi', 1, 1],
    ] as const) {
      const root = f.hostRoot(host);
      const profiles = path.dirname(path.join(root, SYSTEM_PROFILE));
      const links = (await readdir(profiles)).filter((e) => /^system-\d+-link$/.test(e));
      expect(links, host).toHaveLength(generations);
      expect(await readlink(path.join(profiles, 'system')), host).toBe(`system-${generations}-link`);
      expect(await readFile(path.join(root, 'etc/hostname'), 'utf8')).toBe(`${host}\n`);
      expect(await readFile(path.join(root, 'etc/os-release'), 'utf8')).toMatch(/^ID=nixos$/m);
      expect(existsSync(path.join(root, 'etc/NIXOS'))).toBe(true);
      const running = await readlink(path.join(root, 'run/current-system'));
      const bootedPath = await readlink(path.join(root, 'run/booted-system'));
      expect(running).toBe(await readlink(path.join(profiles, `system-${generations}-link`)));
      expect(bootedPath).toBe(await readlink(path.join(profiles, `system-${booted}-link`)));
      expect(running).toMatch(new RegExp(`^/nix/store/[a-z0-9]{32}-nixos-system-${host}-`));
    }
  });

  it.skipIf(skip)("hq's generation 2 has the specialisation gaming, a toplevel of its own", async () => {
    const f = fleet();
    const gen2 = path.join(path.dirname(path.join(f.hostRoot('hq'), SYSTEM_PROFILE)), 'system-2-link');
    expect(await readdir(path.join(gen2, 'specialisation'))).toEqual(['gaming']);
    const child = await readlink(path.join(gen2, 'specialisation/gaming'));
    expect(child).toMatch(/^\/nix\/store\/[a-z0-9]{32}-nixos-system-hq-25\.05\.20250615\.bbbbbbb$/);
    expect(child).not.toBe(await readlink(gen2));
    expect(await readFile(path.join(child, 'nixos-version'), 'utf8')).toBe('25.05.20250615.bbbbbbb');
    const bootJson: unknown = JSON.parse(await readFile(path.join(gen2, 'boot.json'), 'utf8'));
    expect(bootJson).toMatchObject({
      'org.nixos.specialisation.v1': { gaming: { 'org.nixos.bootspec.v1': { toplevel: child } } },
    });
  });

  it.skipIf(skip)('env.sh is parsed; the flake evaluates and tracks the host folders', async () => {
    const f = fleet();
    expect(f.env.FAKE_NIXOS_ROOT).toBe(f.root);
    expect(f.env.NIX_CONF_DIR).toBe(path.join(f.root, 'nixconf'));
    expect(f.env.PATH?.startsWith(`${path.join(f.root, 'bin')}:`)).toBe(true);
    expect(f.env.PATH).not.toContain('$');
    const { stdout } = await execa('nix', ['eval', '--json', `${f.flake}#nixosConfigurations`, '--apply', 'builtins.attrNames'], {
      env: f.env,
    });
    expect(JSON.parse(stdout)).toEqual(['hq', 'pi', 't460']);
    const files = await execa('git', ['-C', f.flake, 'ls-files'], { env: f.env });
    expect(files.stdout.split('\n')).toEqual(
      expect.arrayContaining(['flake.nix', 'systems/hq/default.nix', 'hosts/pi/configuration.nix']),
    );
  });

  // last: stops this file's fleet
  it.skipIf(skip)('teardown stops sshd and removes the folder', async () => {
    const f = fleet();
    const port = Number(f.env.FAKE_NIXOS_SSH_PORT);
    expect(await canConnect(port)).toBe(true);
    await f.teardown();
    expect(await canConnect(port)).toBe(false);
    if (!process.env.NIXDECK_KEEP_FLEET) expect(existsSync(f.root)).toBe(false);
  });
});

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
