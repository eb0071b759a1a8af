// The repository behind the fleet for the console and the commands: flake.lock's inputs, git's
// state and commits (system/git), and the input updates (delegated to the updater it is given).
import type { AgeThresholds } from '../core/inputAge.js';
import type { CommitInfo, RepoService, UpdateOutcome } from '../core/repo.js';
import type { Failure, Result } from '../core/result.js';
import { parseRevision } from '../core/revision.js';
import type { StartResult } from '../core/runsService.js';
import { readFlakeInputs } from '../system/flakeInputs.js';
import { changesText, deployedTags, type GitRead, log, lookupCommits, readGitState, showCommit } from '../system/git/read.js';
import type { GitOptions } from '../system/git/run.js';
import { commit, tagDeployed } from '../system/git/write.js';

export interface InputUpdater {
  start(inputs: readonly string[]): Promise<StartResult>;
  outcome(runId: string): Promise<Result<UpdateOutcome>>;
  revert(runId: string): Promise<Result<void>>;
}

export interface RepoServiceOptions {
  flakeDir: string;
  now(): number;
  ages(): AgeThresholds;
  update: InputUpdater;
  /** time limit and environment of the git processes (tests) */
  git?: GitOptions;
}

export function createRepoService(options: RepoServiceOptions): RepoService & Required<Pick<RepoService, 'gitProblem'>> {
  const dir = options.flakeDir;
  const git = options.git ?? {};
  // a commit never changes: each hash (full or abbreviated) is looked up once
  const commits = new Map<string, CommitInfo>();
  let lastRead: Promise<GitRead> | null = null;

  const readState = (): Promise<GitRead> => (lastRead = readGitState(dir, git));

  return {
    readInputs: () => readFlakeInputs(dir, options.now(), options.ages()),
    async gitState() {
      const read = await readState();
      return read.ok ? read.state : null;
    },
    async gitProblem(): Promise<Failure | null> {
      const read = await (lastRead ?? readState());
      if (read.ok || read.notRepository) return null;
      return { ok: false, error: read.error, ...(read.hint ? { hint: read.hint } : {}) };
    },
    changesText: () => changesText(dir, git),
    showCommit: (rev) => showCommit(dir, rev, git),
    log: (limit) => log(dir, limit, git),
    async lookupCommits(revisions) {
      const result: Record<string, CommitInfo | null> = {};
      const unknown: string[] = [];
      for (const rev of revisions) {
        const hash = parseRevision(rev)?.hash;
        const known = hash === undefined ? undefined : commits.get(hash);
        result[rev] = known ?? null;
        if (hash !== undefined && known === undefined) unknown.push(rev);
      }
      if (unknown.length === 0) return result;
      const found = await lookupCommits(dir, unknown, git);
      for (const [rev, info] of Object.entries(found)) {
        result[rev] = info;
        const hash = parseRevision(rev)?.hash;
        // a revision the repository lacks now may arrive with a fetch: only hits are kept
        if (info && hash !== undefined) {
          commits.set(hash, info);
          commits.set(info.hash, info);
        }
      }
      return result;
    },
    async deployedTags() {
      const tags = await deployedTags(dir, git);
      return tags.ok ? tags.value : [];
    },
    commit: (message) => commit(dir, message, git),
    tagDeployed: (host, hash) => tagDeployed(dir, host, hash, git),
    startUpdate: (inputs) => options.update.start(inputs),
    updateOutcome: (runId) => options.update.outcome(runId),
    revertUpdate: (runId) => options.update.revert(runId),
  };
}
