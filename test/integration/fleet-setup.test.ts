// The test fleet itself (scripts/test-fleet.sh through test/helpers/fleet.ts): does it give the
// other integration tests what they rely on? Needs nix-bin, openssh-server, sudo and root; skipped
// with a warning elsewhere, always run in CI.
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { readFile, readlink, readdir, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FLEET_HOSTS, FLEET_SCRIPT, SYSTEM_PROFILE, setupFleet, useFleet } from '../helpers/fleet.js';

const [fleetResult, cloneResult] = await Promise.all([setupFleet(), setupFleet({ clones: 13 })]);
const { skip, fleet } = useFleet('test fleet setup (needs nix-bin, openssh-server, sudo, root)', fleetResult);
const { skip: skipClones, fleet: cloneFleet } = useFleet('test fleet with clones', cloneResult);

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
      (['hq', 't460', 'pi', 'edge'] as const).map(async (host) => {
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
      ['edge', 'system-1-link', 'system-2-link'],
    ]);
  });

  it.skipIf(skip)('host roots look like NixOS roots', async () => {
    const f = fleet();
    for (const [host, generations, booted] of [
      ['hq', 4, 3],
      ['t460', 2, 2],
      ['pi', 1, 1],
      ['edge', 2, 2],
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
    expect(JSON.parse(stdout)).toEqual(['edge', 'hq', 'pi', 't460']);
    const files = await execa('git', ['-C', f.flake, 'ls-files'], { env: f.env });
    expect(files.stdout.split('\n')).toEqual(
      expect.arrayContaining(['flake.nix', 'systems/hq/default.nix', 'hosts/pi/configuration.nix']),
    );
  });

  it.skipIf(skip)('refuser: nothing listens, ssh fails with "Connection refused"', async () => {
    const f = fleet();
    expect(f.refusedPort).toBe(Number(f.env.FAKE_NIXOS_SSH_PORT) + 4);
    expect(await canConnect(f.refusedPort)).toBe(false);
    const r = await execa('ssh', ['-F', f.sshConfig, 'refuser', 'true'], { env: f.env, reject: false });
    expect(r.exitCode).toBe(255);
    expect(r.stderr).toContain(`port ${f.refusedPort}: Connection refused`);
  });

  it.skipIf(skip)('blackhole: accepts TCP, never answers, so ssh times out', async () => {
    const f = fleet();
    expect(f.blackholePort).toBe(Number(f.env.FAKE_NIXOS_SSH_PORT) + 5);
    expect(await canConnect(f.blackholePort)).toBe(true);
    const r = await execa('ssh', ['-F', f.sshConfig, '-o', 'ConnectTimeout=1', 'blackhole', 'true'], { env: f.env, reject: false });
    expect(r.exitCode).toBe(255);
    expect(r.stderr).toContain('Connection timed out during banner exchange');
  });

  it.skipIf(skip)('the sudo user sees the fake host as root does; sudo needs its password, which works', async () => {
    const f = fleet();
    expect(f.sudo.user).toBe('nddeploy');
    const ssh = (host: string, command: string, input = '') =>
      execa('ssh', ['-F', f.sshConfig, `${f.sudo.user}@${host}`, command], { env: f.env, reject: false, input });

    const who = await ssh('hq', 'id -un; hostname; ls /nix/var/nix/profiles; readlink /run/current-system');
    const asRoot = await execa('ssh', ['-F', f.sshConfig, 'hq', 'ls /nix/var/nix/profiles; readlink /run/current-system'], { env: f.env });
    expect(who.exitCode, who.stderr).toBe(0);
    expect(who.stdout).toBe(`nddeploy\nhq\n${asRoot.stdout}`);
    expect(who.stderr).toBe('');

    const noPassword = await ssh('hq', 'sudo -n true');
    expect(noPassword.exitCode).toBe(1);
    expect(noPassword.stderr).toBe('sudo: a password is required');

    const wrong = await ssh('hq', 'sudo -S -p "" true', 'not the password\n');
    expect(wrong.exitCode).toBe(1);
    expect(wrong.stderr).toContain('incorrect password');

    // the password on stdin only; the fleet's variables and PATH survive sudo
    const elevated = await ssh(
      'edge',
      'sudo -S -p "" sh -c \'id -u; echo "$NIX_CONF_DIR $FAKE_NIXOS_RUN"; command -v nixos-rebuild; nix-env -p /nix/var/nix/profiles/system --list-generations\'',
      `${f.sudo.password}\n`,
    );
    expect(elevated.exitCode, elevated.stderr).toBe(0);
    expect(elevated.stderr).toBe('');
    const lines = elevated.stdout.split('\n');
    expect(lines.slice(0, 3)).toEqual(['0', `${f.env.NIX_CONF_DIR} /run`, path.join(f.root, 'bin', 'nixos-rebuild')]);
    expect(lines.slice(3).map((l) => l.trim().split(/\s+/)[0])).toEqual(['1', '2']); // edge's profile

    const activate = await ssh('hq', 'sudo -S -p "" "$(readlink -f /run/current-system)/bin/switch-to-configuration" test', `${f.sudo.password}\n`);
    expect(activate.exitCode, activate.stderr).toBe(0);
    const running = await readlink(path.join(f.hostRoot('hq'), 'run/current-system'));
    expect(await readFile(f.env.FAKE_NIXOS_LOG ?? '', 'utf8')).toContain(`host=hq action=test toplevel=${running}`);
  });

  it.skipIf(skip)("activating the cut-off toplevel refuses new sessions; the host's rollback lets them in", async () => {
    const f = fleet();
    const ssh = (command: string) => execa('ssh', ['-F', f.sshConfig, 'edge', command], { env: f.env, reject: false });
    const active = path.join(f.root, 'cut-off-active');
    const release = path.join(f.root, 'cut-off-release');
    const profile = '/nix/var/nix/profiles/system';
    // one session, opened before the cut-off, plays the host's supervisor: switch, wait, roll back
    const supervisor = ssh(
      [
        `nix-env -p ${profile} --set ${f.cutOffToplevel}`,
        `${profile}/bin/switch-to-configuration switch`,
        `touch ${active}`,
        `while [ ! -e ${release} ]; do sleep 0.1; done`,
        `nix-env -p ${profile} --rollback`,
        `${profile}/bin/switch-to-configuration switch`,
      ].join(' && '),
    );
    await until(() => existsSync(active) || supervisor.exitCode !== null);
    expect(existsSync(active), 'the cut-off generation was activated').toBe(true);

    const refused = await ssh(`touch ${path.join(f.root, 'ran')}`);
    expect(refused.exitCode).toBe(255);
    expect(refused.stderr).toContain('fakehost-session: edge is cut off');
    expect(existsSync(path.join(f.root, 'ran'))).toBe(false);
    const sudoUser = await execa('ssh', ['-F', f.sshConfig, `${f.sudo.user}@edge`, 'true'], { env: f.env, reject: false });
    expect(sudoUser.exitCode).toBe(255);

    await writeFile(release, '');
    const done = await supervisor;
    expect(done.exitCode, done.stderr).toBe(0);
    const back = await ssh(`hostname; readlink ${profile}; readlink /run/current-system`);
    expect(back.exitCode, back.stderr).toBe(0);
    const generation2 = await readlink(path.join(path.dirname(path.join(f.hostRoot('edge'), SYSTEM_PROFILE)), 'system-2-link'));
    expect(back.stdout).toBe(`edge\nsystem-2-link\n${generation2}`);

    // edge's flake configuration cuts off the same way; its other generations do not
    const flakeEdge = await execa('nix', ['eval', '--raw', `${f.flake}#nixosConfigurations.edge.config.system.build.toplevel.outPath`], { env: f.env });
    const flakeSwitch = await execa('nix', ['eval', '--raw', `${f.flake}#nixosConfigurations.edge.config.system.build.toplevel.switchScript`], { env: f.env });
    expect(flakeEdge.stdout).toMatch(/-nixos-system-edge-25\.05\.20251001\.e3e3e3e$/);
    expect(flakeSwitch.stdout).toContain('nixdeck-cut-off');
    expect(await readFile(path.join(generation2, 'bin/switch-to-configuration'), 'utf8')).not.toContain('nixdeck-cut-off');
    await execa('nix-env', ['-p', path.join(f.hostRoot('edge'), SYSTEM_PROFILE), '--delete-generations', '3'], { env: f.env });
  });

  it.skipIf(skip)('bad FAKE_NIXOS_CLONES and ports are refused with what to do, before anything starts', async () => {
    const f = fleet();
    const run = (env: Record<string, string>) =>
      execa('bash', [FLEET_SCRIPT], { env: { FAKE_NIXOS_ROOT: path.join(f.root, 'unused'), ...env }, reject: false });
    const clones = await run({ FAKE_NIXOS_CLONES: 'lots' });
    expect(clones.exitCode).toBe(1);
    expect(clones.stderr).toBe('test-fleet: FAKE_NIXOS_CLONES must be a number of clone hosts from 0 to 99 (hosts c01..c99): lots');
    const port = await run({ FAKE_NIXOS_SSH_PORT: '65500', FAKE_NIXOS_CLONES: '50' });
    expect(port.stderr).toBe(
      'test-fleet: FAKE_NIXOS_SSH_PORT must be a port number from 1 to 65480 (it uses that port and the next 55): 65500',
    );
    const hq = f.port('hq');
    const taken = await run({ FAKE_NIXOS_SSH_PORT: String(hq - 1) }); // hq..edge are in that block
    expect(taken.stderr).toBe(
      `test-fleet: ports ${hq} ${hq + 1} ${hq + 2} ${hq + 3} on 127.0.0.1 are already in use; choose other ports with FAKE_NIXOS_SSH_PORT=N (uses N..N+5)`,
    );
    expect(existsSync(path.join(f.root, 'unused'))).toBe(false);
  });

  // last: stops this file's fleet
  it.skipIf(skip)('teardown stops sshd and the black hole, removes the sudo rule and the folder', async () => {
    const f = fleet();
    const sudoers = f.env.FAKE_NIXOS_SUDOERS ?? '';
    const ports = [...FLEET_HOSTS.map((h) => f.port(h)), f.blackholePort];
    expect(sudoers).toMatch(/^\/etc\/sudoers\.d\/nixdeck-fleet-\d+$/);
    expect(existsSync(sudoers)).toBe(true);
    expect(await Promise.all(ports.map(canConnect))).toEqual(ports.map(() => true));
    await f.teardown();
    expect(await Promise.all(ports.map(canConnect))).toEqual(ports.map(() => false));
    expect(existsSync(sudoers)).toBe(false);
    // the probes above left sshd's per-connection children, which end on their own
    await until(async () => (await processesMentioning(f.root)).length === 0);
    expect(await processesMentioning(f.root)).toEqual([]);
    if (!process.env.NIXDECK_KEEP_FLEET) expect(existsSync(f.root)).toBe(false);
  });
});

describe('test fleet with clones (FAKE_NIXOS_CLONES=13: one sshd per 16 ports)', () => {
  it.skipIf(skipClones)('clones answer as their names, on the ports after the black hole, running pi\'s system', async () => {
    const f = cloneFleet();
    expect(f.clones).toEqual(Array.from({ length: 13 }, (_, i) => `c${String(i + 1).padStart(2, '0')}`));
    expect(f.port('c01')).toBe(f.blackholePort + 1);
    const piSystem = await readlink(path.join(f.hostRoot('pi'), 'run/current-system'));
    // c12 is served by the first sshd, c13 by the second
    for (const clone of ['c01', 'c12', 'c13']) {
      const r = await execa('ssh', ['-F', f.sshConfig, clone, 'hostname; cat /etc/hostname; readlink -f /nix/var/nix/profiles/system'], {
        env: f.env,
      });
      expect(r.stdout).toBe(`${clone}\n${clone}\n${piSystem}`);
    }
    const names = await execa('nix', ['eval', '--json', `${f.flake}#nixosConfigurations`, '--apply', 'builtins.attrNames'], { env: f.env });
    expect(JSON.parse(names.stdout)).toEqual(['c01', 'c02', 'c03', 'c04', 'c05', 'c06', 'c07', 'c08', 'c09', 'c10', 'c11', 'c12', 'c13', 'edge', 'hq', 'pi', 't460']);
    const flakeC07 = await execa('nix', ['eval', '--raw', `${f.flake}#nixosConfigurations.c07.config.system.build.toplevel.outPath`], { env: f.env });
    expect(flakeC07.stdout).toBe(piSystem); // up to date with the flake
  });

  it.skipIf(skipClones)('running the setup again resets the fleet on the same ports', async () => {
    const f = cloneFleet();
    const flag = path.join(f.hostRoot('c02'), 'run', 'extra');
    await writeFile(flag, '');
    const again = await execa('bash', [FLEET_SCRIPT], {
      env: { FAKE_NIXOS_ROOT: f.root, FAKE_NIXOS_SSH_PORT: f.env.FAKE_NIXOS_SSH_PORT ?? '', FAKE_NIXOS_CLONES: '13' },
      reject: false,
      all: true,
    });
    expect(again.exitCode, again.all).toBe(0);
    expect(existsSync(flag)).toBe(false);
    const r = await execa('ssh', ['-F', f.sshConfig, 'c13', 'hostname'], { env: f.env });
    expect(r.stdout).toBe('c13');
  });

  it.skipIf(skipClones)('stopping the first sshd stops the other sshd and the black hole too', async () => {
    const f = cloneFleet();
    const ports = [f.port('hq'), f.port('c13'), f.blackholePort];
    expect(await Promise.all(ports.map(canConnect))).toEqual([true, true, true]);
    process.kill(Number((await readFile(path.join(f.root, 'ssh', 'sshd.pid'), 'utf8')).trim()), 'SIGTERM');
    await until(async () => (await processesMentioning(f.root)).length === 0);
    expect(await processesMentioning(f.root)).toEqual([]);
    expect(await Promise.all(ports.map(canConnect))).toEqual([false, false, false]);
    const stop = await execa('bash', [FLEET_SCRIPT, 'stop'], { env: { FAKE_NIXOS_ROOT: f.root }, reject: false });
    expect(stop.exitCode, stop.stderr).toBe(0);
    expect(existsSync(f.env.FAKE_NIXOS_SUDOERS ?? '')).toBe(false);
  });
});

/** Polls `done` every 100 ms, at most 300 times (a wait, not a timing check). */
async function until(done: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 300 && !(await done()); i++) await new Promise((resolve) => setTimeout(resolve, 100));
}

/** The command lines of running (not zombie) processes that mention `text`. */
async function processesMentioning(text: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of (await readdir('/proc')).filter((e) => /^\d+$/.test(e))) {
    try {
      const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).replaceAll('\0', ' ');
      if (cmdline.includes(text)) found.push(cmdline);
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

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
