// A generation's revision: where it comes from (configurationRevision, else the label), what is
// looked up (the hash, without -dirty, once), and how the detail line says the match.
import { describe, expect, it } from 'vitest';
import { carriedRevision, matchGenerations, revisionsToLookUp, revisionWords } from '../../src/core/generationRevision.js';
import type { CommitInfo } from '../../src/core/repo.js';
import { makeGeneration } from '../helpers/generation.js';

const FULL = '1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d';
const OTHER = 'fedcba9876543210fedcba9876543210fedcba98';
const COMMIT: CommitInfo = { hash: FULL, subject: 'hq: enable nginx', date: '2026-11-20T10:00:00+00:00', author: 'Ada' };

describe('carriedRevision', () => {
  it('reads configurationRevision: a full or short hash, and a dirty one', () => {
    expect(carriedRevision(makeGeneration(1, { configurationRevision: FULL }))).toEqual({ revision: FULL, hash: FULL, dirty: false });
    expect(carriedRevision(makeGeneration(1, { configurationRevision: '1A2B3C4' }))).toEqual({ revision: '1A2B3C4', hash: '1a2b3c4', dirty: false });
    expect(carriedRevision(makeGeneration(1, { configurationRevision: `${FULL}-dirty` }))).toEqual({ revision: `${FULL}-dirty`, hash: FULL, dirty: true });
  });

  it('falls back to a revision in the label, and never takes the nixpkgs revision of a NixOS version', () => {
    expect(carriedRevision(makeGeneration(1, { nixosVersion: '25.11-git.1a2b3c4' }))).toEqual({ revision: '1a2b3c4', hash: '1a2b3c4', dirty: false });
    expect(carriedRevision(makeGeneration(1, { nixosVersion: 'git-1a2b3c4-dirty' }))).toEqual({ revision: '1a2b3c4-dirty', hash: '1a2b3c4', dirty: true });
    expect(carriedRevision(makeGeneration(1, { nixosVersion: '25.05.20250601.abcdef0' }))).toBeNull();
    // configurationRevision wins over the label
    expect(carriedRevision(makeGeneration(1, { configurationRevision: OTHER, nixosVersion: '25.11-git.1a2b3c4' }))?.hash).toBe(OTHER);
  });

  it('has none for "Unknown" or nothing; keeps a revision that is not a hash without giving it to git', () => {
    expect(carriedRevision(makeGeneration(1, { configurationRevision: 'Unknown' }))).toBeNull();
    expect(carriedRevision(makeGeneration(1, { configurationRevision: '' }))).toBeNull();
    expect(carriedRevision(makeGeneration(1, { configurationRevision: '--output=/etc/passwd' }))).toEqual({ revision: '--output=/etc/passwd', hash: null, dirty: false });
  });
});

describe('matching', () => {
  const list = [
    makeGeneration(4, { configurationRevision: FULL }),
    makeGeneration(3, { configurationRevision: `${FULL}-dirty` }),
    makeGeneration(2, { configurationRevision: OTHER }),
    makeGeneration(1),
  ];

  it('looks each hash up once, a dirty one by the commit it started from', () => {
    expect(revisionsToLookUp(list)).toEqual([FULL, OTHER]);
    expect(revisionsToLookUp([makeGeneration(1), makeGeneration(2, { configurationRevision: 'v1.2' })])).toEqual([]);
  });

  it('gives every generation its revision, commit (null when missing) and dirty flag', () => {
    expect(matchGenerations(list, { [FULL]: COMMIT, [OTHER]: null })).toEqual({
      4: { revision: FULL, commit: COMMIT, dirty: false },
      3: { revision: `${FULL}-dirty`, commit: COMMIT, dirty: true },
      2: { revision: OTHER, commit: null, dirty: false },
      1: { revision: null, commit: null, dirty: false },
    });
  });
});

describe('revisionWords', () => {
  const g = makeGeneration(12, { configurationRevision: FULL });

  it('says the subject, "not in this repository", dirty in words, or the bare revision before the lookup', () => {
    expect(revisionWords(g, { revision: FULL, commit: COMMIT, dirty: false })).toBe('rev 1a2b3c4 hq: enable nginx');
    expect(revisionWords(g, { revision: FULL, commit: null, dirty: false })).toBe('rev 1a2b3c4 (not in this repository)');
    const dirty = makeGeneration(12, { configurationRevision: `${FULL}-dirty` });
    expect(revisionWords(dirty, { revision: `${FULL}-dirty`, commit: COMMIT, dirty: true })).toBe('rev 1a2b3c4-dirty: built from uncommitted changes');
    expect(revisionWords(dirty, undefined)).toBe('rev 1a2b3c4-dirty: built from uncommitted changes');
    expect(revisionWords(g, undefined)).toBe('rev 1a2b3c4');
    expect(revisionWords(makeGeneration(1), undefined)).toBeNull();
    expect(revisionWords(makeGeneration(1, { configurationRevision: 'v1.2' }), undefined)).toBe('rev v1.2 (not a git revision)');
  });
});
