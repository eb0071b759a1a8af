// Which commit a host runs after a deploy, for its deployed/<host> tag: the configuration
// revision its new system carries when that is a clean commit of this repository; else the HEAD
// of a working tree that was clean when the run started; else, when it was dirty, the commit made
// right after the deploy. Otherwise no tag, and why in one line. Pure.

/** The working tree as read when a run was started. */
export interface TreeAtStart {
  head: string | null;
  /** files were changed, staged or untracked */
  dirty: boolean;
}

export interface TagFacts {
  host: string;
  /** configurationRevision of the system the host runs now; null when it carries none or was not read */
  revision: string | null;
  /** the full hash of `revision` in this repository; null when the repository does not have it */
  revisionCommit: string | null;
  /** the tree when the run started; null when it was not read */
  atStart: TreeAtStart | null;
  /** the commit made right after the deploy, else null */
  committed: string | null;
}

export type TagDecision =
  | { tag: true; hash: string; from: 'revision' | 'clean tree' | 'commit after deploy' }
  | { tag: false; reason: string };

const CLEAN_REVISION = /^[0-9a-f]{7,64}$/i;

/** The revision as a clean commit id, or null for none, "Unknown" or a `-dirty` one. */
export function cleanRevision(revision: string | null): string | null {
  const rev = revision?.trim() ?? '';
  return CLEAN_REVISION.test(rev) ? rev : null;
}

export function decideDeployedTag(facts: TagFacts): TagDecision {
  const clean = cleanRevision(facts.revision);
  if (clean !== null) {
    if (facts.revisionCommit !== null) return { tag: true, hash: facts.revisionCommit, from: 'revision' };
    return { tag: false, reason: `${facts.host} runs revision ${clean.slice(0, 7)}, which is not in this repository` };
  }
  const start = facts.atStart;
  if (start === null) return { tag: false, reason: `the working tree was not read when the run on ${facts.host} started, and its system names no commit` };
  if (!start.dirty) {
    if (start.head !== null) return { tag: true, hash: start.head, from: 'clean tree' };
    return { tag: false, reason: 'the repository had no commit when the run started' };
  }
  if (facts.committed !== null) return { tag: true, hash: facts.committed, from: 'commit after deploy' };
  return { tag: false, reason: `${facts.host} was built from uncommitted changes that were not committed` };
}

/** The tag's name for a host. */
export function deployedTagName(host: string): string {
  return `deployed/${host}`;
}

/**
 * What a host's deployed/<host> tag says against the branch checked out: "runs deployed/hq, 4
 * commits behind main", "runs deployed/hq, nothing newer on main", "runs deployed/hq (3f2a1b0)".
 */
export function deployedWords(tag: { host: string; hash: string; behind: number | null }, branch: string | null): string {
  const name = deployedTagName(tag.host);
  const where = branch ?? 'HEAD';
  if (tag.behind === null) return `runs ${name} (${tag.hash.slice(0, 7)})`;
  if (tag.behind === 0) return `runs ${name}, nothing newer on ${where}`;
  return `runs ${name}, ${tag.behind} commit${tag.behind === 1 ? '' : 's'} behind ${where}`;
}
