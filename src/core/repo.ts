// The flake repository behind the fleet as the console and the commands see it: flake.lock's
// inputs, the git state, commits, and the service that reads and changes them. The shapes are
// shared by core (parsers), system (git, nix), services, state and the demo.
import type { Failure, Result } from './result.js';
import type { StartResult } from './runsService.js';

/** How old an input is, by its lastModified and the age preferences. */
export type InputAge = 'fresh' | 'aging' | 'old' | 'very-old' | 'unknown';

/** Where a nixpkgs-like input's branch stands: a supported release, one past its end of life, unstable, or not a known branch. */
export interface ReleaseSupport {
  /** e.g. "nixos-24.05", "nixos-unstable", "release-25.05" */
  branch: string;
  status: 'supported' | 'end-of-life' | 'unstable' | 'unknown';
  /** ISO date (YYYY-MM-DD) of the release's end of life, when known */
  endOfLife: string | null;
}

/** One input of flake.lock, with its own inputs under it (folded in the console). */
export interface FlakeInput {
  /** the input's name as its parent calls it */
  name: string;
  /** github, gitlab, sourcehut, git, path, tarball, file, mercurial, indirect; "follows" for a follows-only input */
  type: string;
  /** owner/repo, or the URL or path; '' for a follows */
  source: string;
  /** the branch or ref asked for (original.ref), else null */
  ref: string | null;
  /** the locked revision (full), else null (path, tarball, follows) */
  rev: string | null;
  /** locked.lastModified, seconds since the epoch, else null */
  lastModified: number | null;
  /** whole days from lastModified to now, else null */
  ageDays: number | null;
  /** ageDays in words by the age thresholds the reader was given (absent where no reader set it) */
  age?: InputAge;
  /** for an input that follows another: the path it follows, e.g. "nixpkgs" or "home-manager/nixpkgs"; else null */
  follows: string | null;
  /** for nixpkgs-like inputs: the release support of its branch; else null */
  release: ReleaseSupport | null;
  inputs: FlakeInput[];
}

/** One root input that an update changed. */
export interface InputChange {
  name: string;
  oldRev: string | null;
  newRev: string | null;
  oldLastModified: number | null;
  newLastModified: number | null;
  /** whole days between the two lastModified, when both are known */
  daysGained: number | null;
  /** added or removed by the update, else changed */
  kind: 'changed' | 'added' | 'removed';
}

/** A changed path in the working tree (git status --porcelain=v2). */
export interface ChangedFile {
  path: string;
  /** two-letter XY code as `git status --short` prints it, e.g. " M", "A ", "??" */
  code: string;
}

/** The repository's state for the header: null from a reader means "not a git repository". */
export interface GitState {
  /** the branch checked out; null when HEAD is detached */
  branch: string | null;
  /** full hash of HEAD; null in a repository with no commit yet */
  head: string | null;
  /** e.g. "origin/main", when the branch has an upstream */
  upstream: string | null;
  ahead: number;
  behind: number;
  changed: ChangedFile[];
}

export interface CommitInfo {
  hash: string;
  subject: string;
  /** committer date, ISO 8601 */
  date: string;
  author: string;
}

/** A generation's configuration revision as matched against the repository. */
export interface RevisionMatch {
  /** the revision as the generation carries it (may end in -dirty), or null when it has none */
  revision: string | null;
  /** the commit it names, when the repository has it */
  commit: CommitInfo | null;
  /** built from uncommitted changes */
  dirty: boolean;
}

/** A host's deployed/<host> tag: the commit, and how far it is behind the branch checked out. */
export interface DeployedTag {
  host: string;
  hash: string;
  /** commits on HEAD not in the tag; null when unknown */
  behind: number | null;
}

/** What an update did to flake.lock, once its run has ended. */
export interface UpdateOutcome {
  runId: string;
  changes: InputChange[];
  /** flake.lock as it was before the update can be put back */
  revertible: boolean;
}

/**
 * The repository behind the fleet: reads never block the console (each has a time limit) and a
 * folder that is not a git repository reads as `gitState() → null`, not as an error.
 */
export interface RepoService {
  /** flake.lock's root inputs; an error says what is wrong with the file */
  readInputs(): Promise<Result<FlakeInput[]>>;
  /** null when the flake folder is not in a git repository (or git is missing) */
  gitState(): Promise<GitState | null>;
  /** why the last gitState() was null, when that is more than "not a git repository" (git missing, a time-out, a repository of another user); else null */
  gitProblem?(): Promise<Failure | null>;
  /** `git status --short` then `git diff --stat`, as lines */
  changesText(): Promise<Result<string[]>>;
  /** `git show --stat` of a commit, as lines */
  showCommit(rev: string): Promise<Result<string[]>>;
  /** the newest commits of HEAD, at most `limit` */
  log(limit: number): Promise<Result<CommitInfo[]>>;
  /** each revision (full or abbreviated hash) → its commit, or null when the repository does not have it */
  lookupCommits(revisions: readonly string[]): Promise<Record<string, CommitInfo | null>>;
  /** every deployed/<host> tag */
  deployedTags(): Promise<DeployedTag[]>;
  /** commit everything changed (git add -A; git commit) with the user's identity and hooks; a failing hook's whole output is in the error */
  commit(message: string): Promise<Result<{ hash: string; output: string }>>;
  /** move the lightweight tag deployed/<host> to a commit */
  tagDeployed(host: string, hash: string): Promise<Result<void>>;
  /** start `nix flake update` (all inputs, or these) as a run; flake.lock is saved first so it can be reverted */
  startUpdate(inputs: readonly string[]): Promise<StartResult>;
  /** once an update run has ended: what changed in flake.lock */
  updateOutcome(runId: string): Promise<Result<UpdateOutcome>>;
  /** put back flake.lock as it was before that update run */
  revertUpdate(runId: string): Promise<Result<void>>;
}
