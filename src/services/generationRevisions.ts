// The commits that built a host's generations, looked up in the flake's repository in one go.
import { matchGenerations, revisionsToLookUp } from '../core/generationRevision.js';
import type { RepoService, RevisionMatch } from '../core/repo.js';
import type { Generation } from '../core/types.js';

/**
 * Per generation number: its revision, the commit it names and whether it was dirty. One
 * `lookupCommits` call for the whole list (none when no generation carries a revision); a dirty
 * revision is looked up by the commit its changes started from.
 */
export async function matchRevisions(list: readonly Generation[], repo: Pick<RepoService, 'lookupCommits'>): Promise<Record<number, RevisionMatch>> {
  const hashes = revisionsToLookUp(list);
  const found = hashes.length > 0 ? await repo.lookupCommits(hashes) : {};
  return matchGenerations(list, found);
}
