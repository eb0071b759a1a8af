import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffLocks } from '../../src/core/lockDiff.js';

const before = readFileSync(path.join(import.meta.dirname, '../fixtures/flake-locks/mitchellh-nixos-config.lock'), 'utf8');
type Lock = { nodes: Record<string, { inputs?: Record<string, string | string[]>; locked?: Record<string, unknown>; original?: Record<string, unknown> }> };
const DAY = 86_400;

/** the fixture changed by `edit`, as nix would write it */
function after(edit: (lock: Lock) => void): string {
  const lock = JSON.parse(before) as Lock;
  edit(lock);
  return JSON.stringify(lock, null, 2);
}

function locked(lock: Lock, node: string): Record<string, unknown> {
  const value = lock.nodes[node]?.locked;
  if (!value) throw new Error(`no node ${node}`);
  return value;
}

describe('diffLocks', () => {
  it('nothing changed: no changes', () => {
    expect(diffLocks(before, before)).toEqual({ ok: true, value: [] });
    // the same pins written differently are the same
    expect(diffLocks(before, JSON.stringify(JSON.parse(before)))).toEqual({ ok: true, value: [] });
  });

  it('a root input moved to a newer rev: old and new rev and date, whole days gained', () => {
    const updated = after((lock) => {
      const n = locked(lock, 'nixpkgs');
      n['rev'] = 'f'.repeat(40);
      n['lastModified'] = 1675918889 + 41 * DAY + 3600;
      n['narHash'] = 'sha256-new';
    });
    expect(diffLocks(before, updated)).toEqual({
      ok: true,
      value: [{ name: 'nixpkgs', oldRev: '49efda9011e8cdcd6c1aad30384cb1dc230c82fe', newRev: 'f'.repeat(40), oldLastModified: 1675918889, newLastModified: 1675918889 + 41 * DAY + 3600, daysGained: 41, kind: 'changed' }],
    });
  });

  it('a change only in narHash (a path input) or only in lastModified is a change', () => {
    const hash = after((lock) => void (locked(lock, 'zig')['narHash'] = 'sha256-other'));
    expect(diffLocks(before, hash)).toMatchObject({ ok: true, value: [{ name: 'zig', kind: 'changed', daysGained: 0, oldRev: '128492d8bc5c171bc4b21196a40ff80858f1ac66', newRev: '128492d8bc5c171bc4b21196a40ff80858f1ac66' }] });
    const date = after((lock) => void (locked(lock, 'darwin')['lastModified'] = 1673295039 - 2 * DAY));
    expect(diffLocks(before, date)).toMatchObject({ ok: true, value: [{ name: 'darwin', daysGained: -2 }] });
  });

  it('only root inputs: a nested input changing alone is not listed', () => {
    const nested = after((lock) => void (locked(lock, 'utils')['rev'] = 'e'.repeat(40)));
    expect(diffLocks(before, nested)).toEqual({ ok: true, value: [] });
  });

  it('added and removed inputs, by name', () => {
    const changed = after((lock) => {
      const root = lock.nodes['root']?.inputs ?? {};
      delete root['zig'];
      root['agenix'] = 'agenix';
      lock.nodes['agenix'] = { locked: { type: 'github', owner: 'ryantm', repo: 'agenix', rev: 'a'.repeat(40), lastModified: 1700000000, narHash: 'sha256-a' }, original: { type: 'github', owner: 'ryantm', repo: 'agenix' } };
    });
    const result = diffLocks(before, changed);
    expect(result.ok && result.value).toEqual([
      { name: 'agenix', oldRev: null, newRev: 'a'.repeat(40), oldLastModified: null, newLastModified: 1700000000, daysGained: null, kind: 'added' },
      { name: 'zig', oldRev: '128492d8bc5c171bc4b21196a40ff80858f1ac66', newRev: null, oldLastModified: 1677808960, newLastModified: null, daysGained: null, kind: 'removed' },
    ]);
  });

  it('a root input that follows another changes with what it follows', () => {
    const base = after((lock) => {
      const root = lock.nodes['root']?.inputs ?? {};
      root['pkgs'] = ['home-manager', 'utils'];
    });
    const moved = JSON.parse(base) as Lock;
    locked(moved, 'utils')['rev'] = 'd'.repeat(40);
    const result = diffLocks(base, JSON.stringify(moved));
    expect(result.ok && result.value.map((c) => [c.name, c.newRev])).toEqual([['pkgs', 'd'.repeat(40)]]);
  });

  it('a broken file on either side is a Failure saying which', () => {
    expect(diffLocks('{', before)).toMatchObject({ ok: false, error: expect.stringMatching(/^before the update: flake\.lock: not valid JSON/) });
    expect(diffLocks(before, JSON.stringify({ version: 4 }))).toMatchObject({ ok: false, error: expect.stringMatching(/^after the update: flake\.lock version 4 is not supported/) });
  });
});
