import { describe, expect, it } from 'vitest';
import { parseRevision, revisionFromLabel } from '../../src/core/revision.js';

const FULL = '3f1c2a9e8b7d6c5b4a39281706f5e4d3c2b1a098';

describe('parseRevision', () => {
  it('takes 7 to 40 hex digits, lower-cased, with nix’s -dirty suffix', () => {
    expect(parseRevision(FULL)).toEqual({ hash: FULL, dirty: false });
    expect(parseRevision('3f1c2a9')).toEqual({ hash: '3f1c2a9', dirty: false });
    expect(parseRevision(`${FULL}-dirty`)).toEqual({ hash: FULL, dirty: true });
    expect(parseRevision('3F1C2A9E-dirty')).toEqual({ hash: '3f1c2a9e', dirty: true });
    expect(parseRevision(` ${FULL}\n`)).toEqual({ hash: FULL, dirty: false });
  });

  it('refuses everything else, so nothing unvalidated reaches git', () => {
    for (const raw of [null, undefined, '', 'Unknown', 'unknown', '3f1c2a', `${FULL}0`, 'HEAD', 'main', '--all', '-3f1c2a9', '3f1c2a9^{commit}', '3f1c2a9-DIRTY', '3f1c2a9-dirty-dirty', '3f1c 2a9e', 'g3f1c2a9', '3f1c2a9\n--all']) {
      expect(parseRevision(raw)).toBeNull();
    }
  });
});

describe('revisionFromLabel', () => {
  it('finds a configuration revision in "…-git.<hex>" and "git-<hex>" labels', () => {
    expect(revisionFromLabel('24.05.20240501.abcdef1-git.1234abcd')).toEqual({ hash: '1234abcd', dirty: false });
    expect(revisionFromLabel('git-1234abcd')).toEqual({ hash: '1234abcd', dirty: false });
    expect(revisionFromLabel(`hq-git.${FULL}`)).toEqual({ hash: FULL, dirty: false });
    expect(revisionFromLabel('nixos-git.1234abcd-dirty')).toEqual({ hash: '1234abcd', dirty: true });
    expect(revisionFromLabel('git-1234abcd_kernel-6.6')).toEqual({ hash: '1234abcd', dirty: false });
  });

  it('leaves NixOS’s own versions alone: their hex is a nixpkgs commit', () => {
    for (const label of [
      '24.05.20240501.abcdef1',
      '24.11pre-git',
      '24.05.git.abcdef12', // a system built from a nixpkgs checkout
      'nixos-24.05',
      'git-abc', // too short
      `git-${FULL}ff`, // too long
      'legit-1234abcd', // "git" inside a word
      'git-1234abcdz',
      '',
      null,
    ]) {
      expect(revisionFromLabel(label)).toBeNull();
    }
  });
});
