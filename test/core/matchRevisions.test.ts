// matchRevisions: one lookup per generation list, dirty revisions by their base commit.
import { describe, expect, it } from 'vitest';
import type { CommitInfo } from '../../src/core/repo.js';
import { matchRevisions } from '../../src/core/generationRevision.js';
import { makeGeneration } from '../helpers/generation.js';

const A = 'aaaaaaa1111111111111111111111111111111aa';
const B = 'bbbbbbb2222222222222222222222222222222bb';
const commit = (hash: string, subject: string): CommitInfo => ({ hash, subject, date: '2026-11-01T00:00:00Z', author: 'Ada' });

/** A lookup that records each call and knows the commits given. */
function lookup(known: Record<string, CommitInfo>): { calls: string[][]; lookupCommits(revs: readonly string[]): Promise<Record<string, CommitInfo | null>> } {
  const calls: string[][] = [];
  return {
    calls,
    async lookupCommits(revs) {
      calls.push([...revs]);
      return Object.fromEntries(revs.map((r) => [r, known[r] ?? null]));
    },
  };
}

describe('matchRevisions', () => {
  it('asks once for the whole list, without "-dirty", and matches every generation', async () => {
    const repo = lookup({ [A]: commit(A, 'first') });
    const list = [
      makeGeneration(3, { configurationRevision: `${A}-dirty` }),
      makeGeneration(2, { configurationRevision: A }),
      makeGeneration(1, { configurationRevision: B }),
      makeGeneration(0),
    ];
    const matches = await matchRevisions(list, repo);
    expect(repo.calls).toEqual([[A, B]]);
    expect(matches[3]).toEqual({ revision: `${A}-dirty`, commit: commit(A, 'first'), dirty: true });
    expect(matches[2]).toEqual({ revision: A, commit: commit(A, 'first'), dirty: false });
    expect(matches[1]).toEqual({ revision: B, commit: null, dirty: false });
    expect(matches[0]).toEqual({ revision: null, commit: null, dirty: false });
  });

  it('does not run git when no generation carries a revision', async () => {
    const repo = lookup({});
    const matches = await matchRevisions([makeGeneration(1), makeGeneration(2)], repo);
    expect(repo.calls).toEqual([]);
    expect(matches[2]).toEqual({ revision: null, commit: null, dirty: false });
  });
});
