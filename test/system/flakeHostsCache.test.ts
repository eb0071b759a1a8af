// The last evaluated host list of a flake: shown at once while the flake looks the same.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileFlakeHostsCache, flakeFingerprint } from '../../src/system/flakeHostsCache.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'nixdeck-hosts-cache-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const git = (dir: string, ...args: string[]) =>
  execFileSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@localhost', ...args], { stdio: 'ignore' });

function gitFlake(): string {
  const dir = path.join(tmp, `flake-${Math.random().toString(36).slice(2)}`);
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'flake.nix'), '{ outputs = _: { }; }\n');
  git(dir, 'init', '-q');
  git(dir, 'add', 'flake.nix');
  git(dir, 'commit', '-qm', 'one');
  return dir;
}

describe('flake hosts cache', () => {
  it('answers with the names written for the same fingerprint, for that flake only', async () => {
    const cache = fileFlakeHostsCache(path.join(tmp, 'cache-a'));
    const flake = gitFlake();
    expect(await cache.read(flake)).toBeNull();
    await cache.write(flake, await flakeFingerprint(flake), ['hq', 't460']);
    expect(await cache.read(flake)).toEqual(['hq', 't460']);
    expect(await fileFlakeHostsCache(path.join(tmp, 'cache-a')).read(flake)).toEqual(['hq', 't460']);
    expect(await cache.read(gitFlake())).toBeNull();
  });

  it('forgets the list when the flake changes: a commit, a staged file, an edited flake.nix', async () => {
    const cache = fileFlakeHostsCache(path.join(tmp, 'cache-b'));
    const flake = gitFlake();
    const remember = async () => cache.write(flake, await flakeFingerprint(flake), ['hq']);

    await remember();
    writeFileSync(path.join(flake, 'hosts.nix'), '{ }\n');
    git(flake, 'add', 'hosts.nix');
    expect(await cache.read(flake)).toBeNull(); // staged

    await remember();
    git(flake, 'commit', '-qm', 'two');
    expect(await cache.read(flake)).toBeNull(); // committed

    await remember();
    writeFileSync(path.join(flake, 'flake.nix'), '{ outputs = _: { x = 1; }; }\n');
    utimesSync(path.join(flake, 'flake.nix'), new Date(), new Date(Date.now() + 5000));
    expect(await cache.read(flake)).toBeNull(); // flake.nix edited
  });

  it('keeps a fingerprint taken before the evaluation: an edit made meanwhile is not hidden', async () => {
    const cache = fileFlakeHostsCache(path.join(tmp, 'cache-c'));
    const flake = gitFlake();
    const before = await flakeFingerprint(flake);
    git(flake, 'commit', '-q', '--allow-empty', '-m', 'during the evaluation');
    await cache.write(flake, before, ['hq']);
    expect(await cache.read(flake)).toBeNull();
  });

  it('ignores a file that is not its own, and drops the entry of a failed evaluation', async () => {
    const dir = path.join(tmp, 'cache-d');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'flake-hosts.json'), 'not json');
    const cache = fileFlakeHostsCache(dir);
    const flake = gitFlake();
    expect(await cache.read(flake)).toBeNull();
    await cache.write(flake, await flakeFingerprint(flake), ['hq']);
    expect(await cache.read(flake)).toEqual(['hq']);
    await cache.forget(flake);
    expect(await cache.read(flake)).toBeNull();
  });

  it('works for a flake outside git, by flake.nix and flake.lock', async () => {
    const cache = fileFlakeHostsCache(path.join(tmp, 'cache-e'));
    const flake = path.join(tmp, 'plain-flake');
    mkdirSync(flake);
    writeFileSync(path.join(flake, 'flake.nix'), '{ }\n');
    await cache.write(flake, await flakeFingerprint(flake), ['nas']);
    expect(await cache.read(flake)).toEqual(['nas']);
    writeFileSync(path.join(flake, 'flake.lock'), '{}\n');
    expect(await cache.read(flake)).toBeNull();
  });
});
