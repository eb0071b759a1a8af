// The demo's flake repository: its history, tags, working tree, flake.lock, and the revisions its
// generations carry. Needs git (installed wherever the tests run).
import { execa } from 'execa';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFlakeLock } from '../../src/core/flakeLock.js';
import { createDemoFleet, type DemoFleet } from '../../src/demo/demoFleet.js';

const NOW = new Date('2026-11-30T12:00:00Z');
const DAY = 86_400_000;

let parentDir: string;
let fakeHome: string;
let fleet: DemoFleet;
const savedHome = process.env.HOME;

const git = async (args: string[], input?: string): Promise<string> =>
  (await execa('git', ['-C', fleet.flakeDir, ...args], { input, env: { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' } })).stdout;

beforeAll(async () => {
  parentDir = await fs.mkdtemp(path.join(os.tmpdir(), 'nixdeck-demo-repo-test-'));
  // a user with a git identity and global hooks: the demo must use and change none of it
  fakeHome = path.join(parentDir, 'home');
  await fs.mkdir(path.join(fakeHome, 'hooks'), { recursive: true });
  await fs.writeFile(path.join(fakeHome, '.gitconfig'), `[user]\n\tname = Someone Else\n\temail = someone@example.com\n[core]\n\thooksPath = ${fakeHome}/hooks\n`);
  process.env.HOME = fakeHome;
  fleet = await createDemoFleet({ parentDir, now: NOW });
  expect(await fleet.repoReady()).not.toBeNull();
  await fleet.ready();
}, 60_000);

afterAll(async () => {
  process.env.HOME = savedHome;
  await fleet?.cleanup();
  await fs.rm(parentDir, { recursive: true, force: true });
});

interface Logged {
  hash: string;
  date: number;
  author: string;
  subject: string;
}

async function gitLog(): Promise<Logged[]> {
  const out = await git(['log', '-z', '--format=%H%x1f%ct%x1f%an <%ae>%x1f%s']);
  return out.split('\0').filter(Boolean).map((record) => {
    const [hash = '', date = '', author = '', subject = ''] = record.split('\x1f');
    return { hash, date: Number(date) * 1000, author, subject };
  });
}

/** Every generation's nixos-version.json configurationRevision, newest first, by host. */
async function revisions(host: string): Promise<{ number: number; revision: string }[]> {
  const profiles = path.join(fleet.hostRoots[host] ?? '', 'nix/var/nix/profiles');
  const found: { number: number; revision: string }[] = [];
  for (const name of await fs.readdir(profiles)) {
    const m = /^system-(\d+)-link$/.exec(name);
    if (!m) continue;
    const json = await fs.readFile(path.join(profiles, name, 'nixos-version.json'), 'utf8').catch(() => null);
    if (json === null) continue; // the one garbage-collected nas generation
    found.push({ number: Number(m[1]), revision: (JSON.parse(json) as { configurationRevision: string }).configurationRevision });
  }
  return found.sort((a, b) => b.number - a.number);
}

describe('the demo repository', () => {
  it('has a history of a few dozen commits over half a year, by one fixed author, as planned', async () => {
    const log = await gitLog();
    expect(log.length).toBeGreaterThanOrEqual(30);
    expect(log.length).toBeLessThanOrEqual(45);
    expect(log.map((c) => c.hash)).toEqual(fleet.history.commits.map((c) => c.hash).reverse());
    expect(await git(['rev-parse', 'HEAD'])).toBe(fleet.history.commits.at(-1)?.hash);
    expect(await git(['symbolic-ref', '--short', 'HEAD'])).toBe('main');
    const oldest = log.at(-1) as Logged;
    const newest = log[0] as Logged;
    expect(new Date(oldest.date).toISOString().slice(0, 7)).toBe('2026-05');
    expect(new Date(newest.date).toISOString().slice(0, 10)).toBe('2026-11-28');
    for (let i = 1; i < log.length; i++) expect((log[i] as Logged).date).toBeLessThanOrEqual((log[i - 1] as Logged).date);
    expect(new Set(log.map((c) => c.author))).toEqual(new Set(['Alice <alice@example.org>']));
    const subjects = log.map((c) => c.subject);
    expect(subjects).toContain('t460: enable fwupd');
    expect(subjects).toContain('flake.lock: update nixpkgs');
    expect(subjects.some((s) => s.startsWith('hq: add restic backups'))).toBe(true);
    // the files the commits touch are the demo's
    const touched = await git(['log', '--format=', '--name-only']);
    for (const file of ['flake.nix', 'flake.lock', 'PROJECT.md', 'systems/t460/default.nix', 'systems/nas/default.nix']) expect(touched).toContain(file);
  });

  it('is a sound repository (git fsck --strict)', async () => {
    const fsck = await execa('git', ['-C', fleet.flakeDir, 'fsck', '--strict', '--no-dangling'], { reject: false });
    expect(fsck.exitCode).toBe(0);
    expect(fsck.stdout + fsck.stderr).toBe('');
  });

  it('tags deployed/<host>: hq on HEAD, x1carbon 4 commits behind, nas further back', async () => {
    const tags = Object.fromEntries(
      (await git(['for-each-ref', '--format=%(refname:short) %(objecttype) %(objectname)', 'refs/tags/deployed/']))
        .split('\n')
        .map((line) => line.split(' '))
        .map(([name = '', type = '', hash = '']) => [name, { type, hash }]),
    );
    expect(Object.keys(tags).sort()).toEqual(['deployed/hq', 'deployed/nas', 'deployed/x1carbon']);
    for (const tag of Object.values(tags)) expect(tag.type).toBe('commit'); // lightweight
    const head = await git(['rev-parse', 'HEAD']);
    expect(tags['deployed/hq']?.hash).toBe(head);
    expect(await git(['rev-list', '--count', 'deployed/x1carbon..HEAD'])).toBe('4');
    expect(Number(await git(['rev-list', '--count', 'deployed/nas..HEAD']))).toBeGreaterThan(4);
  });

  it('has one uncommitted edit (zram on t460) and one untracked file', async () => {
    const status = (await git(['status', '--porcelain=v1', '-z', '--untracked-files=all'])).split('\0').filter(Boolean);
    expect(status).toEqual([' M systems/t460/default.nix', '?? notes/restore-drill.md']);
    const diff = await git(['diff', '--unified=0', '--', 'systems/t460/default.nix']);
    expect(diff).toMatch(/^\+ {2}zramSwap\.enable = true;$/m);
    expect(diff.match(/^[+-][^+-]/gm)).toHaveLength(1);
  });

  it("uses none of the user's git configuration and leaves it as it was", async () => {
    expect(await fs.readdir(fakeHome)).toEqual(['.gitconfig', 'hooks']);
    expect(await fs.readdir(path.join(fakeHome, 'hooks'))).toEqual([]);
    expect(await fs.readFile(path.join(fakeHome, '.gitconfig'), 'utf8')).toContain('Someone Else');
    // no hooks, no templates in the demo's repository
    await expect(fs.access(path.join(fleet.flakeDir, '.git/hooks'))).rejects.toThrow();
    expect(await fs.readFile(path.join(fleet.flakeDir, '.git/config'), 'utf8')).not.toMatch(/user|hooksPath|Someone/);
  });

  it('holds a version 7 flake.lock with inputs of every age', async () => {
    const text = await fs.readFile(path.join(fleet.flakeDir, 'flake.lock'), 'utf8');
    expect(await git(['show', 'HEAD:flake.lock'])).toBe(text.trimEnd());
    const lock = JSON.parse(text);
    expect(lock.version).toBe(7);
    expect(Object.keys(lock.nodes.root.inputs)).toEqual(['dotfiles', 'home-manager', 'nixos-hardware', 'nixpkgs', 'nixpkgs-2505', 'nixpkgs-unstable', 'sops-nix']);
    expect(lock.nodes['home-manager'].inputs).toEqual({ nixpkgs: ['nixpkgs'] });
    expect(lock.nodes['sops-nix'].inputs).toEqual({ nixpkgs: 'nixpkgs_2' });
    expect(lock.nodes.dotfiles.locked.type).toBe('path');
    for (const node of Object.values(lock.nodes) as { locked?: { type: string; rev?: string; narHash: string } }[]) {
      if (!node.locked) continue;
      expect(node.locked.narHash).toMatch(/^sha256-[A-Za-z0-9+/]{43}=$/);
      if (node.locked.type === 'github') expect(node.locked.rev).toMatch(/^[0-9a-f]{40}$/);
    }
    const parsed = parseFlakeLock(text, NOW.getTime());
    if (!parsed.ok) throw new Error(parsed.error);
    const age = Object.fromEntries(parsed.value.map((i) => [i.name, i.ageDays]));
    expect(age.nixpkgs).toBeGreaterThanOrEqual(3);
    expect(age.nixpkgs).toBeLessThan(7); // fresh
    expect(age['nixpkgs-unstable']).toBeGreaterThan(14);
    expect(age['nixpkgs-unstable']).toBeLessThanOrEqual(30); // aging
    expect(age['home-manager']).toBeGreaterThan(40);
    expect(age['home-manager']).toBeLessThan(50); // old
    expect(age['nixos-hardware']).toBeGreaterThan(110); // very old
    expect(age['nixpkgs-2505']).toBeGreaterThan(300); // its branch ended 2025-12-31
    expect(parsed.value.find((i) => i.name === 'nixpkgs-2505')?.ref).toBe('nixos-25.05');
  });

  it('builds the same repository (same hashes) for the same day', async () => {
    const again = await createDemoFleet({ parentDir, now: new Date(NOW.getTime() + 3_600_000) });
    try {
      expect(await again.repoReady()).not.toBeNull();
      expect(again.history.commits.map((c) => c.hash)).toEqual(fleet.history.commits.map((c) => c.hash));
      const head = await execa('git', ['-C', again.flakeDir, 'rev-parse', 'HEAD', 'deployed/x1carbon']);
      expect(head.stdout).toBe(await git(['rev-parse', 'HEAD', 'deployed/x1carbon']));
    } finally {
      await again.cleanup();
    }
  }, 60_000);

  it('gives the generations the revisions of the commits they were built from', async () => {
    const log = await gitLog();
    const order = new Map(log.map((c, i) => [c.hash, i])); // 0 = HEAD
    const exists = async (revs: string[]): Promise<boolean[]> =>
      (await git(['cat-file', '--batch-check'], revs.map((r) => `${r}^{commit}`).join('\n'))).split('\n').map((l) => !l.endsWith('missing'));
    const dirty: string[] = [];
    for (const host of fleet.hostNames) {
      const revs = await revisions(host);
      const known = await exists(revs.map((r) => r.revision.replace(/-dirty$/, '')));
      let previous = -1;
      revs.forEach((r, i) => {
        if (r.revision.endsWith('-dirty')) dirty.push(`${host} ${r.number}`);
        if (!known[i]) return;
        const at = order.get(r.revision.replace(/-dirty$/, '')) ?? -1;
        expect(at, `${host} ${r.number}: newer generations, newer commits`).toBeGreaterThanOrEqual(previous);
        previous = at;
      });
      expect(known[0], `${host}: the newest generation comes from the history`).toBe(true);
    }
    const hq = await revisions('hq');
    expect(hq[0]?.revision).toBe(log[0]?.hash);
    expect(dirty).toEqual([`hq ${hq[1]?.number}`]);
    expect(order.has((hq[1]?.revision ?? '').replace(/-dirty$/, ''))).toBe(true);
    const x1 = await revisions('x1carbon');
    expect(x1[0]?.revision).toBe(log[4]?.hash); // built from 4 commits behind HEAD
    const [notInRepo] = await exists([x1[1]?.revision ?? '']);
    expect(notInRepo).toBe(false); // built from a commit amended away
    // generations older than the history carry revisions this repository never had
    const nas = await revisions('nas');
    const oldest = nas.at(-1);
    expect(oldest && (await exists([oldest.revision]))[0]).toBe(false);
    expect(NOW.getTime() - (log.at(-1)?.date ?? 0)).toBeLessThan(200 * DAY);
  });
});

describe('the demo without git', () => {
  it('still opens: no repository, everything else written', async () => {
    const savedPath = process.env.PATH;
    const emptyBin = await fs.mkdtemp(path.join(parentDir, 'bin-'));
    process.env.PATH = emptyBin;
    let bare: DemoFleet | null = null;
    try {
      bare = await createDemoFleet({ parentDir, now: NOW });
      expect(await bare.repoReady()).toBeNull();
    } finally {
      process.env.PATH = savedPath;
    }
    try {
      await bare.ready();
      await expect(fs.access(path.join(bare.flakeDir, '.git/HEAD'))).rejects.toThrow();
      expect(await fs.readFile(path.join(bare.flakeDir, 'flake.nix'), 'utf8')).toContain('nixosConfigurations');
      const hq = await fs.readlink(path.join(bare.hostRoots.hq ?? '', 'run/current-system'));
      // the generations carry the revisions all the same
      expect(JSON.parse(await fs.readFile(path.join(hq, 'nixos-version.json'), 'utf8')).configurationRevision).toBe(bare.history.commits.at(-1)?.hash);
    } finally {
      await bare.cleanup();
    }
  }, 60_000);
});
