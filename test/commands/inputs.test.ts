import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseInvocation } from '../../src/args.js';
import { runMain as run } from './fakeIo.js';

const DAY = 86_400;
let work: string;

/** a flake folder whose flake.lock is `lock` (no file when undefined) */
function flake(name: string, lock?: string): string {
  const dir = path.join(work, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'flake.nix'), '{ outputs = _: { }; }\n');
  if (lock !== undefined) writeFileSync(path.join(dir, 'flake.lock'), lock);
  return dir;
}

/** the tests' now, read once: a lock written in one second and checked in the next must agree */
const NOW_S = Math.floor(Date.now() / 1000);
/** seconds since the epoch, `days` days and an hour before NOW_S (the command's clock is the real one) */
const daysAgo = (days: number): number => NOW_S - days * DAY - 3600;

function fleetLock(): string {
  return JSON.stringify({
    nodes: {
      root: { inputs: { nixpkgs: 'nixpkgs', 'home-manager': 'home-manager', secrets: 'secrets' } },
      nixpkgs: {
        locked: { type: 'github', owner: 'NixOS', repo: 'nixpkgs', rev: '49efda9011e8cdcd6c1aad30384cb1dc230c82fe', lastModified: daysAgo(41), narHash: 'sha256-a' },
        original: { type: 'github', owner: 'NixOS', repo: 'nixpkgs', ref: 'nixos-24.05' },
      },
      'home-manager': {
        inputs: { nixpkgs: ['nixpkgs'] },
        locked: { type: 'github', owner: 'nix-community', repo: 'home-manager', rev: '65c47ced082e3353113614f77b1bc18822dc731f', lastModified: daysAgo(3), narHash: 'sha256-b' },
        original: { type: 'github', owner: 'nix-community', repo: 'home-manager', ref: 'release-24.05' },
      },
      secrets: {
        locked: { type: 'git', url: 'file:///srv/secrets', rev: '17decb724fdbe236277eb102e873960f6cd8b583', lastModified: daysAgo(120), narHash: 'sha256-c' },
        original: { type: 'git', url: 'file:///srv/secrets' },
      },
    },
    root: 'root',
    version: 7,
  });
}

beforeAll(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'nixdeck-inputs-'));
  process.env.XDG_CONFIG_HOME = path.join(work, 'config');
  process.env.XDG_CACHE_HOME = path.join(work, 'cache');
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('nixdeck inputs', () => {
  it('is a command with --json and the global options', async () => {
    expect(await parseInvocation(['inputs', '--json', '--flake', '/f'])).toEqual({ kind: 'inputs', options: { demo: false, ascii: false, flake: '/f' }, json: true });
    const help = await parseInvocation(['--help']);
    expect(help.kind === 'print' && help.text).toContain('inputs');
  });

  it('prints a table: nested inputs indented, short revs, dates, ages in days and words, release support', async () => {
    const dir = flake('fleet', fleetLock());
    const { code, out, err } = await run('inputs', '--flake', dir);
    expect({ code, err }).toEqual({ code: 0, err: '' });
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^INPUT\s+TYPE\s+SOURCE\s+REF\s+REV\s+DATE \(UTC\)\s+AGE\s+RELEASE$/);
    const row = (start: string): string => lines.find((l) => l.startsWith(start)) ?? `(no row ${start})`;
    expect(row('nixpkgs ')).toMatch(/^nixpkgs\s+github\s+NixOS\/nixpkgs\s+nixos-24\.05\s+49efda9\s+\d{4}-\d{2}-\d{2}\s+41 days \(old\)\s+nixos-24\.05: end of life since 2024-12-31$/);
    expect(row('home-manager ')).toMatch(/\s+3 days \(fresh\)$/);
    // the follows sits under its parent, indented
    expect(lines[lines.indexOf(row('home-manager ')) + 1]).toMatch(/^ {2}nixpkgs\s+follows\s+→ nixpkgs(\s+-)+$/);
    expect(row('secrets ')).toMatch(/^secrets\s+git\s+file:\/\/\/srv\/secrets\s+-\s+17decb7\s+\S+\s+120 days \(very old\)$/);
  });

  it('--json: the documented fields, lastModified as an ISO 8601 UTC string', async () => {
    const dir = flake('fleet-json', fleetLock());
    const { code, out } = await run('inputs', '--json', '--flake', dir);
    expect(code).toBe(0);
    const inputs = JSON.parse(out) as Record<string, unknown>[];
    expect(inputs.map((i) => i['name'])).toEqual(['nixpkgs', 'home-manager', 'secrets']);
    expect(inputs[1]).toEqual({
      name: 'home-manager',
      type: 'github',
      source: 'nix-community/home-manager',
      ref: 'release-24.05',
      rev: '65c47ced082e3353113614f77b1bc18822dc731f',
      lastModified: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000Z$/),
      ageDays: 3,
      follows: null,
      release: null,
      inputs: [{ name: 'nixpkgs', type: 'follows', source: '', ref: null, rev: null, lastModified: null, ageDays: null, follows: 'nixpkgs', release: null, inputs: [] }],
    });
    expect(new Date(String(inputs[1]?.['lastModified'])).getTime() / 1000).toBe(daysAgo(3));
    expect(inputs[0]?.['release']).toEqual({ branch: 'nixos-24.05', status: 'end-of-life', endOfLife: '2024-12-31' });
  });

  it('the age words follow the preferences', async () => {
    const dir = flake('fleet-prefs', fleetLock());
    expect((await run('config', 'set', 'inputOldDays', '60')).code).toBe(0);
    const { out } = await run('inputs', '--flake', dir);
    expect(out).toContain('41 days (aging)');
    expect((await run('config', 'unset', 'inputOldDays')).code).toBe(0);
    expect((await run('config', 'set', 'inputFreshDays', 'soon')).code).not.toBe(0);
  });

  it('a flake with no inputs says so', async () => {
    const dir = flake('bare', JSON.stringify({ nodes: { root: {} }, root: 'root', version: 7 }));
    expect(await run('inputs', '--flake', dir)).toEqual({ code: 0, out: 'no inputs\n', err: '' });
    expect((await run('inputs', '--json', '--flake', dir)).out).toBe('[]\n');
  });

  it('no flake.lock, a missing folder, a broken file: exit 1 saying what is wrong', async () => {
    const none = flake('unlocked');
    expect(await run('inputs', '--flake', none)).toEqual({
      code: 1,
      out: '',
      err: `error: no flake.lock in ${none}: the flake has no locked inputs yet; \`nix flake lock\` writes one\n`,
    });
    const gone = path.join(work, 'nowhere');
    expect(await run('inputs', '--flake', gone)).toMatchObject({ code: 1, err: expect.stringContaining(`flake folder ${gone} does not exist`) });
    const broken = flake('broken', '{"nodes": {"root": {"inputs": {"x": "y"}}}, "root": "root", "version": 7}');
    expect(await run('inputs', '--flake', broken)).toEqual({
      code: 1,
      out: '',
      err: 'error: flake.lock: input "x" of root points at node "y", which the file does not have\n  restore flake.lock from git (`git checkout -- flake.lock`), or delete it and run `nix flake lock` to regenerate it\n',
    });
    const old = flake('old', '{"version": 4, "inputs": {}}');
    expect(await run('inputs', '--json', '--flake', old)).toMatchObject({ code: 1, out: '', err: expect.stringContaining('flake.lock version 4 is not supported (nixdeck reads versions 5–7)\n  run `nix flake lock` with a newer Nix') });
  });
});
