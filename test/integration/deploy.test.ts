// Remote deploys, generation switches and prune over the test fleet's real sshd and nix: the
// host-side activation supervisor, the confirmation over a new SSH connection, and the automatic
// rollback of a host that cuts itself off (edge: its flake configuration refuses new SSH sessions
// once active). Runs the built CLI from a machine that is none of the fleet's hosts.
import { execa } from 'execa';
import { mkdtemp, readlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtCli, isSkip, setupFleet, SYSTEM_PROFILE, useFleet, type Fleet, type FleetHost } from '../helpers/fleet.js';

const cli = builtCli();
const fleetResult = isSkip(cli) ? cli : await setupFleet();
const { skip, fleet } = useFleet('remote deploy tests against the test fleet', fleetResult, cli);

async function nixdeck(f: Fleet, args: string[], input?: string) {
  const home = await mkdtemp(path.join(tmpdir(), 'nixdeck-deploy-test-'));
  return execa('node', [cli as string, ...args, '--flake', f.flake], {
    reject: false,
    ...(input !== undefined ? { input } : { stdin: 'ignore' }),
    timeout: 180_000,
    env: { ...f.env, NIX_SSHOPTS: `-F ${f.sshConfig}`, XDG_STATE_HOME: path.join(home, 'state'), XDG_CONFIG_HOME: path.join(home, 'config'), CI: '' },
  });
}

async function links(f: Fleet, host: FleetHost): Promise<{ profile: string; running: string }> {
  const root = f.hostRoot(host);
  return { profile: await readlink(path.join(root, SYSTEM_PROFILE)), running: await readlink(path.join(root, 'run/current-system')) };
}

describe('remote deploy', () => {
  it.skipIf(skip)('edge: an activation that cuts the host off is rolled back by the host itself', async () => {
    const f = fleet();
    const before = await links(f, 'edge');
    const r = await nixdeck(f, ['rebuild', 'edge', '--action', 'switch', '--confirm-timeout', '3']);
    const all = `${r.stdout}\n${r.stderr}`;
    expect(r.exitCode, all).toBe(1);
    expect(all).toContain('nixdeck: phase build');
    expect(all).toContain('nixdeck: phase copy');
    expect(all).toContain('nixdeck: phase activate');
    expect(all).toContain('nixdeck: phase confirm');
    expect(all).toMatch(/confirming: \d+ s left/);
    // the new connection fails either way: refused by the cut-off host, or (on a busy machine) the
    // last short probe before the deadline times out first
    expect(all).toMatch(/error: edge rolled back: .*a new SSH connection to edge failed: .*(cut off|timed out)/);
    expect(await links(f, 'edge')).toEqual(before);
    // and it takes new sessions again
    const again = await execa('ssh', ['-F', f.sshConfig, 'edge', 'readlink /run/current-system'], { reject: false });
    expect(again.stdout.trim()).toBe(before.running);
  });

  it.skipIf(skip)('t460: switch builds, copies, activates, is confirmed; the profile and the running system move', async () => {
    const f = fleet();
    const before = await links(f, 't460');
    const r = await nixdeck(f, ['rebuild', 't460', '--action', 'switch', '--confirm-timeout', '20']);
    const all = `${r.stdout}\n${r.stderr}`;
    expect(r.exitCode, all).toBe(0);
    const phases = [...all.matchAll(/^nixdeck: phase (\w+)/gm)].map((m) => m[1]);
    expect(phases).toEqual(['build', 'copy', 'activate', 'confirm']);
    expect(all).toContain('acknowledged');
    const after = await links(f, 't460');
    expect(after.profile).toBe('system-3-link');
    expect(after.profile).not.toBe(before.profile);
    expect(after.running).toMatch(/-nixos-system-t460-25\.05\.20250701\.1313131$/);
  });

  it.skipIf(skip)('t460: rollback --to N runs under the same supervisor and is confirmed', async () => {
    const f = fleet();
    const r = await nixdeck(f, ['rollback', 't460', '--to', '2', '--yes', '--confirm-timeout', '20']);
    const all = `${r.stdout}\n${r.stderr}`;
    expect(r.exitCode, all).toBe(0);
    expect(all).toContain('Changes from the running system');
    expect(all).toContain('nixdeck-host: phase confirm 20');
    expect(all).toContain('acknowledged');
    const after = await links(f, 't460');
    expect(after.profile).toBe('system-2-link');
    expect(after.running).toMatch(/-nixos-system-t460-25\.05\.20250610\.1212121$/);
  });

  it.skipIf(skip)('edge: switching to a generation also confirms (boot is not protected, and says so)', async () => {
    const f = fleet();
    const r = await nixdeck(f, ['rollback', 'edge', '--to', '1', '--action', 'boot', '--yes']);
    const all = `${r.stdout}\n${r.stderr}`;
    expect(r.exitCode, all).toBe(0);
    expect(all).toContain('a boot deploy is not protected by the automatic rollback');
    expect((await links(f, 'edge')).profile).toBe('system-1-link');
  });

  it.skipIf(skip)('edge after a boot deploy: the rollback puts back the profile AND what was running (they differ)', async () => {
    const f = fleet();
    const before = await links(f, 'edge'); // profile generation 1 (boot), running generation 2's system
    expect(before.profile).toBe('system-1-link');
    const profileSystem = await readlink(path.join(f.hostRoot('edge'), 'nix/var/nix/profiles/system-1-link'));
    expect(before.running).not.toBe(profileSystem);
    const r = await nixdeck(f, ['rebuild', 'edge', '--action', 'switch', '--confirm-timeout', '3']);
    const all = `${r.stdout}\n${r.stderr}`;
    expect(r.exitCode, all).toBe(1);
    expect(all).toMatch(/error: edge rolled back/);
    expect(all).toContain(`${profileSystem}/bin/switch-to-configuration boot`);
    expect(all).toContain(`${before.running}/bin/switch-to-configuration test`);
    expect(await links(f, 'edge')).toEqual(before);
  });

  it.skipIf(skip)('hq: prune previews with the host profile and deletes there', async () => {
    const f = fleet();
    const dry = await nixdeck(f, ['prune', 'hq', '--keep', '1', '--dry-run']);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('hq: keep the newest 1');
    expect(dry.stdout).toMatch(/Delete \(2\):/); // 1 and 2; 3 is booted, 4 current
    const done = await nixdeck(f, ['prune', 'hq', '--keep', '1', '--yes']);
    expect(done.exitCode, done.stderr).toBe(0);
    expect(done.stderr).toContain('deleted generations 1, 2 of hq');
    const left = await execa('ssh', ['-F', f.sshConfig, 'hq', 'ls /nix/var/nix/profiles']);
    expect(left.stdout.split('\n').filter((l) => /^system-\d+-link$/.test(l)).sort()).toEqual(['system-3-link', 'system-4-link']);
  });

  it.skipIf(skip)('a bad --confirm-timeout is bad usage', async () => {
    const f = fleet();
    const r = await nixdeck(f, ['rebuild', 't460', '--action', 'switch', '--confirm-timeout', 'soon']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('--confirm-timeout takes whole seconds');
  });
});
