import { describe, expect, it } from 'vitest';
import { isNixpkgsLike, NIXOS_RELEASES, releaseSupport, releaseText, RELEASES_TABLE_UPDATED } from '../../src/core/nixpkgsReleases.js';

const NOW = Date.parse('2026-11-30T12:00:00Z');
const nixpkgs = (ref: string | null, over: Partial<{ name: string; type: string; source: string }> = {}) => ({
  name: 'nixpkgs',
  type: 'github',
  source: 'NixOS/nixpkgs',
  ref,
  ...over,
});

describe('the release table', () => {
  it('runs from 20.09 to 26.11 in order, YY.05 ending on Dec 31 of YY and YY.11 on June 30 of YY+1', () => {
    expect(NIXOS_RELEASES[0]).toEqual({ version: '20.09', endOfLife: '2021-06-30' });
    expect(NIXOS_RELEASES.at(-1)).toEqual({ version: '26.11', endOfLife: '2027-06-30' });
    const versions = NIXOS_RELEASES.map((r) => r.version);
    expect(versions).toEqual([...versions].sort());
    for (const { version, endOfLife } of NIXOS_RELEASES.slice(1)) {
      const [yy = '', mm] = version.split('.');
      const year = 2000 + Number(yy);
      expect(endOfLife, version).toBe(mm === '05' ? `${year}-12-31` : `${year + 1}-06-30`);
    }
    expect(NIXOS_RELEASES.find((r) => r.version === '26.05')?.endOfLife).toBe('2026-12-31');
    expect(NIXOS_RELEASES.find((r) => r.version === '25.11')?.endOfLife).toBe('2026-06-30');
    expect(NIXOS_RELEASES.find((r) => r.version === '25.05')?.endOfLife).toBe('2025-12-31');
    expect(RELEASES_TABLE_UPDATED).toBe('2026-11-30');
  });
});

describe('releaseSupport', () => {
  it('reads every form of a release branch', () => {
    for (const ref of ['nixos-26.05', 'nixos-26.05-small', 'nixpkgs-26.05-darwin', 'release-26.05', 'refs/heads/nixos-26.05']) {
      expect(releaseSupport(nixpkgs(ref), NOW), ref).toEqual({ branch: ref.replace('refs/heads/', ''), status: 'supported', endOfLife: '2026-12-31' });
    }
  });

  it('a release past its last day is end of life; its last day is still supported', () => {
    expect(releaseSupport(nixpkgs('nixos-25.11'), NOW)).toEqual({ branch: 'nixos-25.11', status: 'end-of-life', endOfLife: '2026-06-30' });
    expect(releaseSupport(nixpkgs('nixos-24.05'), NOW)).toMatchObject({ status: 'end-of-life', endOfLife: '2024-12-31' });
    expect(releaseSupport(nixpkgs('nixos-26.05'), Date.parse('2026-12-31T23:59:59Z'))?.status).toBe('supported');
    expect(releaseSupport(nixpkgs('nixos-26.05'), Date.parse('2027-01-01T00:00:00Z'))?.status).toBe('end-of-life');
    expect(releaseSupport(nixpkgs('nixos-26.11'), NOW)).toMatchObject({ status: 'supported', endOfLife: '2027-06-30' });
  });

  it('older than the table: end of life, date unknown; newer: unknown (the table is out of date)', () => {
    expect(releaseSupport(nixpkgs('nixos-19.09'), NOW)).toEqual({ branch: 'nixos-19.09', status: 'end-of-life', endOfLife: null });
    expect(releaseSupport(nixpkgs('nixos-27.05'), NOW)).toEqual({ branch: 'nixos-27.05', status: 'unknown', endOfLife: null });
  });

  it('unstable branches, unknown branches, and no branch', () => {
    for (const ref of ['nixos-unstable', 'nixpkgs-unstable', 'master', 'nixos-unstable-small']) expect(releaseSupport(nixpkgs(ref), NOW)).toEqual({ branch: ref, status: 'unstable', endOfLife: null });
    expect(releaseSupport(nixpkgs('staging-next'), NOW)).toEqual({ branch: 'staging-next', status: 'unknown', endOfLife: null });
    expect(releaseSupport(nixpkgs('nixos-2405'), NOW)?.status).toBe('unknown');
    expect(releaseSupport(nixpkgs(null), NOW)).toEqual({ branch: '(default)', status: 'unknown', endOfLife: null });
  });

  it('nixpkgs-like: NixOS/nixpkgs on github or as a git URL, or a name starting with nixpkgs', () => {
    expect(isNixpkgsLike({ name: 'pkgs', type: 'github', source: 'nixos/nixpkgs' })).toBe(true);
    expect(isNixpkgsLike({ name: 'pkgs', type: 'git', source: 'https://github.com/NixOS/nixpkgs.git' })).toBe(true);
    expect(isNixpkgsLike({ name: 'pkgs', type: 'git', source: 'https://github.com/NixOS/nixpkgs' })).toBe(true);
    expect(isNixpkgsLike({ name: 'nixpkgs-stable', type: 'github', source: 'someone/fork' })).toBe(true);
    expect(isNixpkgsLike({ name: 'home-manager', type: 'github', source: 'nix-community/home-manager' })).toBe(false);
    expect(isNixpkgsLike({ name: 'pkgs', type: 'github', source: 'nix-community/nixpkgs.lib' })).toBe(false);
    expect(isNixpkgsLike({ name: 'pkgs', type: 'git', source: 'https://github.com/NixOS/nixpkgs-fork.git' })).toBe(false);
    expect(isNixpkgsLike({ name: 'nixpkgs', type: 'follows', source: '' })).toBe(false);
    expect(releaseSupport({ name: 'home-manager', type: 'github', source: 'nix-community/home-manager', ref: 'release-24.05' }, NOW)).toBeNull();
  });

  it('says it in words', () => {
    expect(releaseText({ branch: 'nixos-24.05', status: 'end-of-life', endOfLife: '2024-12-31' })).toBe('nixos-24.05: end of life since 2024-12-31');
    expect(releaseText({ branch: 'nixos-26.05', status: 'supported', endOfLife: '2026-12-31' })).toBe('nixos-26.05: supported until 2026-12-31');
    expect(releaseText({ branch: 'nixos-unstable', status: 'unstable', endOfLife: null })).toBe('nixos-unstable: unstable');
    expect(releaseText({ branch: 'staging', status: 'unknown', endOfLife: null })).toBe('staging: not a known release branch');
    expect(releaseText({ branch: '(default)', status: 'unknown', endOfLife: null })).toContain('no branch given');
  });
});
