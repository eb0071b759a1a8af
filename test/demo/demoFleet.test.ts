import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoFleet, type DemoFleet } from '../../src/demo/demoFleet.js';

const NOW = new Date('2026-03-14T12:00:00Z');
const NIX_STORE_NAME = /^[0123456789abcdfghijklmnpqrsvwxyz]{32}-/;

let fleet: DemoFleet;
let parentDir: string;

beforeAll(async () => {
  parentDir = await fs.mkdtemp(path.join(os.tmpdir(), 'nixdeck-demo-test-'));
  fleet = await createDemoFleet({ parentDir, now: NOW });
  await fleet.ready();
});

afterAll(async () => {
  await fs.rm(parentDir, { recursive: true, force: true });
});

const profilesOf = (host: string, f = fleet) => path.join(f.hostRoots[host] ?? '', 'nix/var/nix/profiles');

async function generationLinks(host: string, f = fleet): Promise<{ number: number; link: string }[]> {
  const names = await fs.readdir(profilesOf(host, f));
  return names
    .map((name) => ({ name, m: /^system-(\d+)-link$/.exec(name) }))
    .filter((e) => e.m)
    .map((e) => ({ number: Number(e.m?.[1]), link: path.join(profilesOf(host, f), e.name) }))
    .sort((a, b) => a.number - b.number);
}

/** The modules directory name is the kernel version, as nixos-rebuild reads it. */
async function kernelOf(toplevel: string): Promise<string> {
  const [version] = await fs.readdir(path.join(toplevel, 'kernel-modules/lib/modules'));
  return version ?? '';
}

/** Every symlink below `dir`, without following links. */
async function symlinksUnder(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isSymbolicLink()) found.push(full);
    else if (entry.isDirectory()) found.push(...(await symlinksUnder(full)));
  }
  return found;
}

describe('createDemoFleet', () => {
  it('has the five hosts, hq as this machine, and a flake listing them', async () => {
    expect(fleet.hostNames).toEqual(['hq', 'nas', 't460', 'vm01', 'x1carbon']);
    expect(fleet.localHost).toBe('hq');
    expect(fleet.flakeDir).toBe(path.join(fleet.dir, 'fleet'));
    expect(path.dirname(fleet.dir)).toBe(parentDir);
    const flake = await fs.readFile(path.join(fleet.flakeDir, 'flake.nix'), 'utf8');
    const lock = JSON.parse(await fs.readFile(path.join(fleet.flakeDir, 'flake.lock'), 'utf8'));
    expect(lock.version).toBe(7);
    expect(Object.keys(lock.nodes.root.inputs)).toEqual(expect.arrayContaining(['nixpkgs', 'home-manager']));
    for (const host of fleet.hostNames) {
      expect(flake).toContain(`./systems/${host}`);
      const config = await fs.readFile(path.join(fleet.flakeDir, 'systems', host, 'default.nix'), 'utf8');
      expect(config).toContain(`networking.hostName = "${host}";`);
      await fs.access(path.join(fleet.flakeDir, 'systems', host, 'hardware-configuration.nix'));
      expect(await fs.readFile(path.join(fleet.hostRoots[host] ?? '', 'etc/hostname'), 'utf8')).toBe(`${host}\n`);
      expect(await fs.readFile(path.join(fleet.hostRoots[host] ?? '', 'etc/os-release'), 'utf8')).toMatch(/^ID=nixos$/m);
    }
  });

  it('keeps 10 to 60 generations per host, the profile pointing at the newest', async () => {
    for (const host of fleet.hostNames) {
      const links = await generationLinks(host);
      expect(links.length, host).toBeGreaterThanOrEqual(10);
      expect(links.length, host).toBeLessThanOrEqual(60);
      const newest = links.at(-1)?.number;
      expect(await fs.readlink(path.join(profilesOf(host), 'system'))).toBe(`system-${newest}-link`);
    }
    expect((await generationLinks('nas'))[0]?.number).toBe(112);
  });

  it('resolves every link except the one garbage-collected nas generation', async () => {
    const dangling: string[] = [];
    const links = [
      ...(await symlinksUnder(path.join(fleet.dir, 'hosts'))),
      ...(await symlinksUnder(path.join(fleet.dir, 'store'))),
    ];
    for (const link of links) {
      const target = await fs.readlink(link);
      if (link.endsWith('-link')) {
        expect(path.isAbsolute(target), link).toBe(true);
        expect(path.basename(target)).toMatch(NIX_STORE_NAME);
      }
      await fs.stat(link).catch(() => dangling.push(link));
    }
    expect(links.length).toBeGreaterThan(170);
    expect(dangling).toEqual([path.join(profilesOf('nas'), 'system-112-link')]);
  });

  it('fills each toplevel like nixos-rebuild expects', async () => {
    const top = await fs.realpath(path.join(fleet.hostRoots.hq ?? '', 'run/current-system'));
    const version = await fs.readFile(path.join(top, 'nixos-version'), 'utf8');
    expect(version).toMatch(/^\d\d\.\d\d\.\d{8}\.[0-9a-f]{7}$/);
    expect(path.basename(top)).toMatch(new RegExp(`^[0-9a-z]{32}-nixos-system-hq-${version.replaceAll('.', '\\.')}$`));
    const json = await fs.readFile(path.join(top, 'nixos-version.json'), 'utf8');
    expect(json).toMatch(/^\{"configurationRevision":"[0-9a-f]{40}","nixosVersion":"[^"]+","nixpkgsRevision":"[0-9a-f]{40}"\}$/);
    expect(JSON.parse(json).nixosVersion).toBe(version);
    expect(await fs.readFile(path.join(top, 'system'), 'utf8')).toBe('x86_64-linux');
    const boot = JSON.parse(await fs.readFile(path.join(top, 'boot.json'), 'utf8'));
    expect(boot['org.nixos.bootspec.v1'].toplevel).toBe(top);
    expect(boot['org.nixos.bootspec.v1'].label).toContain(`(Linux ${await kernelOf(top)})`);
  });

  it('dates generations by link mtime, increasing, over more than three months', async () => {
    for (const host of fleet.hostNames) {
      const mtimes = await Promise.all(
        (await generationLinks(host)).map(async ({ link }) => (await fs.lstat(link)).mtimeMs),
      );
      for (let i = 1; i < mtimes.length; i++) {
        expect(mtimes[i], `${host} #${i}`).toBeGreaterThan(mtimes[i - 1] ?? Infinity);
      }
      const first = mtimes[0] ?? 0;
      const last = mtimes.at(-1) ?? 0;
      expect(last - first, host).toBeGreaterThan(92 * 86_400_000);
      expect(last, host).toBeLessThan(NOW.getTime());
    }
  });

  it('needs a reboot on t460: booted kernel differs from the running one', async () => {
    const root = fleet.hostRoots.t460 ?? '';
    const running = await fs.realpath(path.join(root, 'run/current-system'));
    const booted = await fs.realpath(path.join(root, 'run/booted-system'));
    expect(booted).not.toBe(running);
    expect(await kernelOf(booted)).not.toBe(await kernelOf(running));
    expect(await fs.realpath(path.join(profilesOf('t460'), 'system'))).toBe(running);
  });

  it('runs the generation before the profile on vm01 (built with `nixos-rebuild boot`)', async () => {
    const links = await generationLinks('vm01');
    const running = await fs.realpath(path.join(fleet.hostRoots.vm01 ?? '', 'run/current-system'));
    expect(await fs.realpath(links.at(-2)?.link ?? '')).toBe(running);
    expect(await fs.realpath(path.join(profilesOf('vm01'), 'system'))).not.toBe(running);
  });

  it('gives the newest x1carbon generations a battery-saver specialisation', async () => {
    const current = path.join(profilesOf('x1carbon'), 'system');
    expect(await fs.readdir(path.join(current, 'specialisation'))).toEqual(['battery-saver']);
    const child = path.join(current, 'specialisation/battery-saver');
    expect(await fs.readFile(path.join(child, 'nixos-version'), 'utf8')).toBe(
      await fs.readFile(path.join(current, 'nixos-version'), 'utf8'),
    );
    const oldest = (await generationLinks('x1carbon'))[0]?.link ?? '';
    expect(await fs.readdir(path.join(oldest, 'specialisation'))).toEqual([]);
  });

  it('writes a PROJECT.md with todos, and checkboxes that are not todos', async () => {
    const md = await fs.readFile(path.join(fleet.flakeDir, 'PROJECT.md'), 'utf8');
    expect(md).toMatch(/^```[a-z]*\n(?:.*\n)*?- \[ \] this is not a todo\n(?:.*\n)*?```$/m);
    expect(md).toContain('<!-- - [ ] hidden -->');
    expect(md).toMatch(/`system-\d+-link` on nas/);
    expect(md).not.toContain('{{');
    for (const heading of ['## Todo List', '### Immediate (This Week)', '### Soon', '### Someday']) {
      expect(md).toContain(`${heading}\n`);
    }
    const visible = md.replace(/^```[\s\S]*?^```$/gm, '').replace(/<!--[\s\S]*?-->/g, '');
    const todos = visible.match(/^ *(?:[-*+]|\d+\.) \[[ xX]\] /gm) ?? [];
    const done = todos.filter((t) => /\[[xX]\]/.test(t));
    expect(todos.length).toBeGreaterThanOrEqual(25);
    expect(todos.length).toBeLessThanOrEqual(35);
    expect(done.length / todos.length).toBeGreaterThan(0.25);
    expect(done.length / todos.length).toBeLessThan(0.45);
  });

  it('is the same fleet every time for the same date', async () => {
    const again = await createDemoFleet({ parentDir, now: NOW });
    await again.ready();
    try {
      const targets = async (f: DemoFleet, host: string) =>
        Promise.all((await generationLinks(host, f)).map(async (l) => path.basename(await fs.readlink(l.link))));
      for (const host of fleet.hostNames) {
        expect(await targets(again, host)).toEqual(await targets(fleet, host));
      }
    } finally {
      await again.cleanup();
    }
  });

  it('writes the local host and the flake at once, and the other hosts in the background', async () => {
    const early = await createDemoFleet({ parentDir, now: NOW });
    try {
      await expect(fs.access(path.join(early.hostRoots.hq ?? '', 'nix/var/nix/profiles/system'))).resolves.toBeUndefined();
      await expect(fs.access(path.join(early.flakeDir, 'PROJECT.md'))).resolves.toBeUndefined();
      await expect(fs.access(path.join(early.hostRoots.nas ?? '', 'nix/var/nix/profiles/system'))).rejects.toThrow();
      await early.hostReady('nas');
      await expect(fs.access(path.join(early.hostRoots.nas ?? '', 'nix/var/nix/profiles/system'))).resolves.toBeUndefined();
    } finally {
      await early.cleanup();
    }
  });

  it('cleanup removes the whole folder', async () => {
    const other = await createDemoFleet({ parentDir });
    await other.cleanup();
    await expect(fs.access(other.dir)).rejects.toThrow();
  });
});
