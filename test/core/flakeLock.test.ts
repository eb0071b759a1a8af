import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFlakeLock, readLock } from '../../src/core/flakeLock.js';
import type { FlakeInput } from '../../src/core/repo.js';

const dir = path.join(import.meta.dirname, '../fixtures/flake-locks');
const fixture = (name: string): string => readFileSync(path.join(dir, name), 'utf8');
const NOW = Date.parse('2026-11-30T12:00:00Z');
const DAY = 86_400;

function parsed(name: string): FlakeInput[] {
  const result = parseFlakeLock(fixture(name), NOW);
  if (!result.ok) throw new Error(`${name}: ${result.error}`);
  return result.value;
}

function child(inputs: readonly FlakeInput[], ...names: string[]): FlakeInput {
  let list = inputs;
  let found: FlakeInput | undefined;
  for (const name of names) {
    found = list.find((i) => i.name === name);
    if (!found) throw new Error(`no input ${names.join('/')}`);
    list = found.inputs;
  }
  if (!found) throw new Error('no names');
  return found;
}

/** A version-7 lock file from a nodes object (root inputs under "root"). */
function lock(nodes: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ nodes, root: 'root', version: 7, ...extra });
}

describe('parseFlakeLock on real lock files', () => {
  it("home-manager's own: one nixpkgs on nixos-unstable, its age in whole days", () => {
    const [nixpkgs, ...rest] = parsed('home-manager.lock');
    expect(rest).toEqual([]);
    expect(nixpkgs).toEqual({
      name: 'nixpkgs',
      type: 'github',
      source: 'nixos/nixpkgs',
      ref: 'nixos-unstable',
      rev: '7409480d5c8584a1a83c422530419efe4afb0d19',
      lastModified: 1685931219,
      ageDays: Math.floor((NOW / 1000 - 1685931219) / DAY),
      age: 'very-old',
      follows: null,
      release: { branch: 'nixos-unstable', status: 'unstable', endOfLife: null },
      inputs: [],
    });
  });

  it('a NixOS configuration with home-manager: root inputs in order, follows under their parent, nested follows paths', () => {
    const inputs = parsed('mitchellh-nixos-config.lock');
    expect(inputs.map((i) => i.name)).toEqual(['darwin', 'home-manager', 'neovim-nightly-overlay', 'nixpkgs', 'nixpkgs-unstable', 'zig']);
    const hm = child(inputs, 'home-manager');
    expect(hm).toMatchObject({ type: 'github', source: 'nix-community/home-manager', ref: 'release-22.11', rev: '65c47ced082e3353113614f77b1bc18822dc731f', release: null });
    expect(hm.inputs.map((i) => [i.name, i.type, i.follows])).toEqual([
      ['nixpkgs', 'follows', 'nixpkgs'],
      ['utils', 'github', null],
    ]);
    expect(child(inputs, 'home-manager', 'nixpkgs')).toMatchObject({ source: '', ref: null, rev: null, lastModified: null, ageDays: null, release: null, inputs: [] });
    // two levels down, following a path of two names
    expect(child(inputs, 'neovim-nightly-overlay', 'neovim-flake', 'nixpkgs').follows).toBe('neovim-nightly-overlay/nixpkgs');
    expect(child(inputs, 'nixpkgs').release).toEqual({ branch: 'nixos-22.11', status: 'end-of-life', endOfLife: '2023-06-30' });
    expect(child(inputs, 'nixpkgs-unstable').release).toMatchObject({ status: 'unstable' });
    // a nested nixpkgs of another flake is nixpkgs-like too
    expect(child(inputs, 'zig', 'nixpkgs')).toMatchObject({ source: 'NixOS/nixpkgs', ref: 'nixpkgs-unstable', release: { status: 'unstable' } });
  });

  it('git, path and tarball inputs: URL, path, ref and rev from the file', () => {
    const inputs = parsed('emergentmind-nix-config.lock');
    expect(inputs).toHaveLength(15);
    expect(child(inputs, 'nix-secrets')).toMatchObject({
      type: 'git',
      source: 'ssh://git@gitlab.com/emergentmind/nix-secrets.git',
      ref: 'main',
      rev: '17decb724fdbe236277eb102e873960f6cd8b583',
      lastModified: 1739899765,
      release: null,
    });
    // locked from the registry (original: indirect "nixpkgs") to a store path
    expect(child(inputs, 'nix-secrets', 'nixpkgs')).toMatchObject({
      type: 'path',
      source: '/nix/store/awsvw44jla0idziiks2zwgzslfd2dczn-source',
      ref: null,
      rev: 'e24b4c09e963677b1beea49d411cd315a024ad3a',
      release: { branch: '(default)', status: 'unknown', endOfLife: null },
    });
    expect(child(inputs, 'nixvirt')).toMatchObject({ type: 'tarball', source: expect.stringMatching(/^https:\/\/api\.flakehub\.com\/f\/pinned\/AshleyYakeley\/NixVirt\//) });
    expect(child(inputs, 'nixpkgs-darwin').release).toEqual({ branch: 'nixpkgs-24.11-darwin', status: 'end-of-life', endOfLife: '2025-06-30' });
    expect(child(inputs, 'nixvim', 'nuschtosSearch', 'ixx', 'flake-utils').follows).toBe('nixvim/nuschtosSearch/flake-utils');
    expect(child(inputs, 'stylix', 'gnome-shell').ref).toBe('47.2');
  });

  it('every age is whole days from lastModified, never negative', () => {
    const all = (xs: readonly FlakeInput[]): FlakeInput[] => xs.flatMap((x) => [x, ...all(x.inputs)]);
    for (const input of all(parsed('emergentmind-nix-config.lock'))) {
      if (input.lastModified === null) expect(input.ageDays).toBeNull();
      else expect(input.ageDays).toBe(Math.floor((NOW / 1000 - input.lastModified) / DAY));
    }
    const future = parseFlakeLock(lock({ root: { inputs: { a: 'a' } }, a: { locked: { type: 'github', owner: 'o', repo: 'r', lastModified: NOW / 1000 + 3 * DAY } } }), NOW);
    expect(future.ok && future.value[0]?.ageDays).toBe(0);
  });

  it('takes the age words from the thresholds it is given', () => {
    const text = lock({ root: { inputs: { a: 'a' } }, a: { locked: { type: 'github', owner: 'o', repo: 'r', lastModified: NOW / 1000 - 20 * DAY } } });
    const word = (ages: { fresh: number; old: number; veryOld: number }) => {
      const r = parseFlakeLock(text, NOW, ages);
      return r.ok ? r.value[0]?.age : r.error;
    };
    expect(word({ fresh: 14, old: 30, veryOld: 90 })).toBe('aging');
    expect(word({ fresh: 30, old: 60, veryOld: 90 })).toBe('fresh');
    expect(word({ fresh: 5, old: 10, veryOld: 90 })).toBe('old');
    expect(word({ fresh: 5, old: 10, veryOld: 15 })).toBe('very-old');
  });
});

describe('parseFlakeLock: versions and shapes', () => {
  const minimal = { root: { inputs: { n: 'n' } }, n: { locked: { type: 'sourcehut', owner: '~sircmpwn', repo: 'hare', rev: 'abc' }, original: { type: 'sourcehut', owner: '~sircmpwn', repo: 'hare' } } };

  it('reads versions 5, 6 and 7 alike', () => {
    for (const version of [5, 6, 7]) {
      const result = parseFlakeLock(lock(minimal, { version }), NOW);
      expect(result.ok && result.value[0]).toMatchObject({ name: 'n', type: 'sourcehut', source: '~sircmpwn/hare', rev: 'abc', lastModified: null, ageDays: null });
    }
  });

  it('refuses other versions, saying which it reads and what to do', () => {
    expect(parseFlakeLock(fixture('broken-version-4.lock'), NOW)).toEqual({
      ok: false,
      error: 'flake.lock version 4 is not supported (nixdeck reads versions 5–7)',
      hint: 'run `nix flake lock` with a newer Nix',
    });
    const newer = parseFlakeLock(lock(minimal, { version: 8 }), NOW);
    expect(newer).toMatchObject({ ok: false, error: 'flake.lock version 8 is not supported (nixdeck reads versions 5–7)', hint: expect.stringContaining('update nixdeck') });
  });

  it('names the source of each kind of input', () => {
    const text = lock({
      root: { inputs: { gl: 'gl', file: 'file', hg: 'hg', local: 'local', reg: 'reg', gitref: 'gitref' } },
      gl: { locked: { type: 'gitlab', owner: 'o', repo: 'r', rev: '1' }, original: { type: 'gitlab', owner: 'o', repo: 'r', ref: 'v1' } },
      file: { locked: { type: 'file', url: 'https://example.org/x.nix' }, original: { type: 'file', url: 'https://example.org/x.nix' } },
      hg: { locked: { type: 'mercurial', url: 'https://hg.example.org/r', rev: '2' }, original: { type: 'mercurial', url: 'https://hg.example.org/r' } },
      local: { locked: { type: 'path', path: './modules', lastModified: 1 }, original: { type: 'path', path: './modules' } },
      reg: { original: { type: 'indirect', id: 'flake-utils' } },
      gitref: { locked: { type: 'github', owner: 'o', repo: 'r', ref: 'v2', rev: '3' }, original: { type: 'github', owner: 'o', repo: 'r' } },
    });
    const result = parseFlakeLock(text, NOW);
    expect(result.ok && result.value.map((i) => [i.name, i.type, i.source, i.ref])).toEqual([
      ['gl', 'gitlab', 'o/r', 'v1'],
      ['file', 'file', 'https://example.org/x.nix', null],
      ['hg', 'mercurial', 'https://hg.example.org/r', null],
      ['local', 'path', './modules', null],
      ['reg', 'indirect', 'flake-utils', null],
      // a github ref pinned only in locked
      ['gitref', 'github', 'o/r', 'v2'],
    ]);
  });

  it('a flake with no inputs has none; a follows of the flake itself has an empty path', () => {
    expect(parseFlakeLock(lock({ root: {} }), NOW)).toEqual({ ok: true, value: [] });
    const self = parseFlakeLock(lock({ root: { inputs: { me: [] } } }), NOW);
    expect(self.ok && self.value[0]).toMatchObject({ name: 'me', type: 'follows', follows: '' });
  });

  it('shows a node that leads back to itself once, without going round', () => {
    const text = lock({
      root: { inputs: { a: 'a' } },
      a: { inputs: { b: 'b' }, locked: { type: 'github', owner: 'o', repo: 'a' } },
      b: { inputs: { a: 'a' }, locked: { type: 'github', owner: 'o', repo: 'b' } },
    });
    const result = parseFlakeLock(text, NOW);
    expect(result.ok).toBe(true);
    if (result.ok) expect(child(result.value, 'a', 'b', 'a').inputs).toEqual([]);
  });
});

describe('parseFlakeLock on broken files', () => {
  const hint = expect.stringContaining('nix flake lock');

  it.each([
    ['broken-not-json.lock', /^flake\.lock: not valid JSON \(/],
    ['broken-missing-node.lock', /^flake\.lock: input "home-manager" of root points at node "home-manager_2", which the file does not have$/],
    ['broken-wrong-types.lock', /^flake\.lock: "locked\.lastModified" of node "nixpkgs" is not a number$/],
  ])('%s: says what and where', (name, error) => {
    const result = parseFlakeLock(fixture(name), NOW);
    expect(result).toEqual({ ok: false, error: expect.stringMatching(error), hint });
  });

  it.each<[string, string, RegExp]>([
    ['an array', '[]', /not a JSON object/],
    ['no version', JSON.stringify({ nodes: {}, root: 'root' }), /has no "version"/],
    ['a version in words', JSON.stringify({ nodes: {}, root: 'root', version: '7' }), /"version" is "7", not a whole number/],
    ['no root', JSON.stringify({ nodes: { root: {} }, version: 7 }), /has no "root"/],
    ['a root that is not a node', lock({ top: {} }), /root node "root" is not among its nodes/],
    ['no nodes', JSON.stringify({ root: 'root', version: 7 }), /has no "nodes"/],
    ['a node that is a string', lock({ root: { inputs: { a: 'a' } }, a: 'github:o/r' }), /node "a" is not an object/],
    ['inputs as a list', lock({ root: { inputs: ['a'] } }), /"inputs" of node "root" is not an object/],
    ['a follows path of numbers', lock({ root: { inputs: { a: [1] } } }), /input "a" of node "root" is \[1\]: neither a node name nor a follows path/],
    ['a nested input pointing nowhere', lock({ root: { inputs: { a: 'a' } }, a: { inputs: { b: 'gone' }, locked: { type: 'github' } } }), /input "b" of node "a" points at node "gone"/],
    ['locked as a string', lock({ root: { inputs: { a: 'a' } }, a: { locked: 'x' } }), /"locked" of node "a" is not an object/],
    ['a rev as a number', lock({ root: { inputs: { a: 'a' } }, a: { locked: { type: 'github', rev: 12 } } }), /"locked\.rev" of node "a" is not a string/],
    ['a node with nothing locked', lock({ root: { inputs: { a: 'a' } }, a: {} }), /node "a" has neither "locked" nor "original"/],
  ])('%s: a Failure saying so', (_what, text, error) => {
    const result = parseFlakeLock(text, NOW);
    expect(result).toEqual({ ok: false, error: expect.stringMatching(error), hint: expect.any(String) });
  });

  it('never throws: every cut-off prefix of a real file, and JSON of every type', () => {
    const text = fixture('mitchellh-nixos-config.lock');
    for (let end = 0; end < text.length; end += 7) expect(() => parseFlakeLock(text.slice(0, end), NOW)).not.toThrow();
    const json = JSON.parse(text) as { nodes: Record<string, Record<string, unknown>> };
    for (const value of [null, 0, 'x', [], {}, true]) {
      for (const key of Object.keys(json.nodes)) {
        for (const field of ['inputs', 'locked', 'original']) {
          const broken = structuredClone(json);
          const node = broken.nodes[key];
          if (node) node[field] = value;
          expect(() => parseFlakeLock(JSON.stringify(broken), NOW)).not.toThrow();
        }
      }
    }
  });

  it('readLock keeps the checked structure for other readers', () => {
    const result = readLock(fixture('mitchellh-nixos-config.lock'));
    expect(result.ok && [result.value.version, result.value.root, result.value.nodes.size]).toEqual([7, 'root', 14]);
  });
});
