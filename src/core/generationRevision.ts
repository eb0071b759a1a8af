// Which commit of the flake's repository built a generation: the revision the generation carries
// (system.configurationRevision, else one in its label), matched against the commits the
// repository has, and how the console and the commands say it.
import type { CommitInfo, RepoService, RevisionMatch } from './repo.js';
import { parseRevision, revisionFromLabel } from './revision.js';
import type { Generation } from './types.js';

/** A revision as a generation carries it, and what git is asked about (the hash, never the raw text). */
export interface CarriedRevision {
  /** as the generation carries it, e.g. "1a2b3c4…" or "1a2b3c4…-dirty" */
  revision: string;
  /** 7 to 40 hex digits, lower case, without "-dirty"; null when the revision is not a git hash */
  hash: string | null;
  /** built from uncommitted changes: the hash is the commit they started from */
  dirty: boolean;
}

/** What a generation carries that is not a revision: nixos-version's word for "none" among others. */
const NONE = new Set(['', 'unknown']);

/**
 * The generation's configuration revision: configurationRevision when it is one, else a revision
 * in its label (nixosVersion); null when it carries none. A configurationRevision that is set but
 * is not a git hash is kept as `revision` with a null hash: it is shown, never given to git.
 */
export function carriedRevision(g: Pick<Generation, 'configurationRevision' | 'nixosVersion'>): CarriedRevision | null {
  const raw = g.configurationRevision.trim();
  const parsed = parseRevision(raw);
  if (parsed) return { revision: raw, ...parsed };
  const label = revisionFromLabel(g.nixosVersion);
  if (label) return { revision: label.dirty ? `${label.hash}-dirty` : label.hash, ...label };
  if (!NONE.has(raw.toLowerCase())) return { revision: raw, hash: null, dirty: false };
  return null;
}

/** The hashes to look up for these generations, each once. */
export function revisionsToLookUp(list: readonly Generation[]): string[] {
  const hashes = new Set<string>();
  for (const g of list) {
    const carried = carriedRevision(g);
    if (carried?.hash) hashes.add(carried.hash);
  }
  return [...hashes];
}

/** Per generation number: its revision and the commit the repository has for it (`found`, by hash). */
export function matchGenerations(list: readonly Generation[], found: Readonly<Record<string, CommitInfo | null>>): Record<number, RevisionMatch> {
  const out: Record<number, RevisionMatch> = {};
  for (const g of list) {
    const carried = carriedRevision(g);
    out[g.generation] = carried
      ? { revision: carried.revision, commit: carried.hash ? (found[carried.hash] ?? null) : null, dirty: carried.dirty }
      : { revision: null, commit: null, dirty: false };
  }
  return out;
}

/** 7 characters of a hash, as git abbreviates it. */
export function shortHash(hash: string): string {
  return hash.slice(0, 7);
}

/**
 * A generation's revision in words for its detail line: `rev 1a2b3c4 <subject>`, `rev 1a2b3c4
 * (not in this repository)`, `rev 1a2b3c4-dirty: built from uncommitted changes`; just `rev
 * 1a2b3c4` while it is not matched (no repository, or not looked up yet). Null without a revision.
 */
export function revisionWords(g: Pick<Generation, 'configurationRevision' | 'nixosVersion'>, match: RevisionMatch | undefined): string | null {
  const carried = carriedRevision(g);
  if (!carried) return null;
  if (!carried.hash) return `rev ${carried.revision} (not a git revision)`;
  const short = shortHash(carried.hash);
  if (carried.dirty) return `rev ${short}-dirty: built from uncommitted changes`;
  if (!match) return `rev ${short}`;
  return match.commit ? `rev ${short} ${match.commit.subject}` : `rev ${short} (not in this repository)`;
}

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
