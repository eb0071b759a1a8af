// The repository's state for the header: read at start, after every run, when the terminal
// regains focus, and on R. Reads are one at a time: one asked while another goes runs once more
// after it; a read that fails or is slow leaves the state shown before.
import type { GitState } from '../core/repo.js';
import { setState, type SliceContext } from './slice.js';

/** What a repository key says when the console was given no repository service. */
export const NO_REPOSITORY = "the flake's repository is not available in this console";

export interface GitHeaderState {
  /** a repository service was given */
  available: boolean;
  /** undefined before the first answer; null: the flake folder is not in a git repository */
  value: GitState | null | undefined;
}

export function emptyGitHeader(available: boolean): GitHeaderState {
  return { available, value: undefined };
}

export class GitStateSlice {
  private reading: Promise<void> | null = null;
  private again = false;
  /** the last read failed (timed out, git went away): what the header shows is older than that read */
  private lastFailed = false;

  constructor(private readonly ctx: SliceContext) {}

  /** Read the git state again; resolves when the reads asked so far are done. */
  refresh(): Promise<void> {
    if (!this.ctx.services.repo || this.ctx.disposed()) return Promise.resolve();
    if (this.reading) {
      this.again = true;
      return this.reading;
    }
    this.reading = this.readLoop();
    return this.reading;
  }

  /**
   * The git state as of now: read again (shared with a read going on, which then runs once more)
   * and shown in the header; null when it could not be read or the folder is not a repository.
   */
  async current(): Promise<GitState | null> {
    await this.refresh();
    if (this.lastFailed) return null;
    return this.ctx.store.get().git.value ?? null;
  }

  private async readLoop(): Promise<void> {
    const repo = this.ctx.services.repo;
    try {
      do {
        this.again = false;
        let value: GitState | null;
        try {
          value = await (repo ? repo.gitState() : null);
        } catch {
          // the reader has its own time limit; whatever went wrong, the header keeps what it showed
          this.lastFailed = true;
          continue;
        }
        this.lastFailed = false;
        if (this.ctx.disposed()) return;
        setState(this.ctx.store, { git: { available: true, value } });
      } while (this.again && !this.ctx.disposed());
    } finally {
      // cleared in the same step as the last check of `again`: a read asked after it starts anew
      this.reading = null;
    }
  }
}
