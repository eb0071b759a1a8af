import { describe, expect, it } from 'vitest';
import { checkInputNames, parseNixVersion, planFlakeUpdate } from '../../src/core/flakeUpdatePlan.js';

const FEATURES = ['--extra-experimental-features', 'nix-command flakes'];
const v = (text: string) => {
  const parsed = parseNixVersion(text);
  if (!parsed) throw new Error(`no version in ${text}`);
  return parsed;
};

describe('parseNixVersion', () => {
  it('reads the versions nix prints', () => {
    expect(parseNixVersion('nix (Nix) 2.8.0')).toEqual({ major: 2, minor: 8, patch: 0 });
    expect(parseNixVersion('nix (Nix) 2.19.2\n')).toEqual({ major: 2, minor: 19, patch: 2 });
    expect(parseNixVersion('nix (Nix) 2.24')).toEqual({ major: 2, minor: 24, patch: 0 });
    // the version after the parenthesis is Nix's, not the distribution's
    expect(parseNixVersion('nix (Determinate Nix 3.1.0) 2.26.3')).toEqual({ major: 2, minor: 26, patch: 3 });
    expect(parseNixVersion('nix (Nix) 2.18.1pre20231012_dirty')).toEqual({ major: 2, minor: 18, patch: 1 });
  });

  it('is null for text without a version', () => {
    expect(parseNixVersion('')).toBeNull();
    expect(parseNixVersion('command not found')).toBeNull();
  });
});

describe('planFlakeUpdate', () => {
  it('on Nix 2.8: every input with `nix flake update DIR`', () => {
    expect(planFlakeUpdate({ nixVersion: v('nix (Nix) 2.8.0'), flakeDir: '/srv/fleet', inputs: [] })).toEqual({
      ok: true,
      value: ['nix', ...FEATURES, 'flake', 'update', '/srv/fleet'],
    });
  });

  it('on Nix 2.8: named inputs with `nix flake lock DIR --update-input`', () => {
    expect(planFlakeUpdate({ nixVersion: v('nix (Nix) 2.8.0'), flakeDir: '/srv/fleet', inputs: ['nixpkgs', 'home-manager', 'nixpkgs'] })).toEqual({
      ok: true,
      value: ['nix', ...FEATURES, 'flake', 'lock', '/srv/fleet', '--update-input', 'nixpkgs', '--update-input', 'home-manager'],
    });
    // the last version before the change
    expect(planFlakeUpdate({ nixVersion: v('nix (Nix) 2.18.9'), flakeDir: '/f', inputs: ['a'] })).toMatchObject({ value: ['nix', ...FEATURES, 'flake', 'lock', '/f', '--update-input', 'a'] });
  });

  it('on Nix 2.19 and later: `nix flake update [INPUT...] --flake DIR`', () => {
    expect(planFlakeUpdate({ nixVersion: v('nix (Nix) 2.19.0'), flakeDir: '/srv/fleet', inputs: [] })).toEqual({
      ok: true,
      value: ['nix', ...FEATURES, 'flake', 'update', '--flake', '/srv/fleet'],
    });
    expect(planFlakeUpdate({ nixVersion: v('nix (Nix) 2.24.10'), flakeDir: '/srv/fleet', inputs: ['nixpkgs', 'sops-nix'] })).toEqual({
      ok: true,
      value: ['nix', ...FEATURES, 'flake', 'update', 'nixpkgs', 'sops-nix', '--flake', '/srv/fleet'],
    });
    expect(planFlakeUpdate({ nixVersion: { major: 3, minor: 0, patch: 0 }, flakeDir: '/f', inputs: ['a'] })).toMatchObject({ value: ['nix', ...FEATURES, 'flake', 'update', 'a', '--flake', '/f'] });
  });

  it('refuses a flake folder nix would misread and input names that are not names', () => {
    const nixVersion = v('nix (Nix) 2.8.0');
    for (const flakeDir of ['relative/dir', '', '-f', '/a#b', '/a?dir=x', '/a\nb']) {
      expect(planFlakeUpdate({ nixVersion, flakeDir, inputs: [] }).ok).toBe(false);
    }
    for (const name of ['--commit-lock-file', 'a b', 'a/b', '', 'x;rm']) {
      const plan = planFlakeUpdate({ nixVersion, flakeDir: '/f', inputs: [name] });
      expect(plan).toMatchObject({ ok: false, error: expect.stringContaining('is not an input name') });
    }
  });
});

describe('checkInputNames', () => {
  const locked = ['nixpkgs', 'home-manager', 'tools'];

  it('keeps known names once each; none means all', () => {
    expect(checkInputNames(['tools', 'nixpkgs', 'tools'], locked)).toEqual({ ok: true, value: ['tools', 'nixpkgs'] });
    expect(checkInputNames([], locked)).toEqual({ ok: true, value: [] });
    expect(checkInputNames([], null)).toEqual({ ok: true, value: [] });
  });

  it('names the inputs there are when a name is unknown', () => {
    const checked = checkInputNames(['nixpkgs', 'nixpkgz'], locked);
    expect(checked).toMatchObject({ ok: false, error: 'no input "nixpkgz" in flake.lock; the inputs of flake.lock are: home-manager, nixpkgs, tools' });
    expect(checkInputNames(['a'], [])).toMatchObject({ ok: false, error: 'no input "a" in flake.lock; flake.lock has no inputs' });
  });

  it('says so when there is no flake.lock to name inputs of', () => {
    expect(checkInputNames(['nixpkgs'], null)).toMatchObject({ ok: false, error: expect.stringContaining('no flake.lock yet'), hint: expect.stringContaining('no names') });
  });

  it('refuses malformed names before looking them up', () => {
    expect(checkInputNames(['--update-input'], locked)).toMatchObject({ ok: false, error: '"--update-input" is not an input name (letters, digits, - and _)' });
  });
});
