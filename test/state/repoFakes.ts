// A configurable in-memory RepoService for state and component tests: every answer is a field
// the test sets, every call is recorded, and gitState() can be held until the test releases it.
//
//   const repo = new FakeRepo({ git: gitState({ branch: 'main', changed: 3 }) });
//   const ui = await renderConsole({ repo, runs });

import type { CommitInfo, DeployedTag, FlakeInput, GitState, RepoService, UpdateOutcome } from '../../src/core/repo.js';
import type { Result } from '../../src/core/result.js';
import type { StartResult } from '../../src/core/runsService.js';

/** 2026-11-30, the day the tests are written against. */
export const REPO_NOW = Date.parse('2026-11-30T12:00:00Z');
const DAY_S = 86_400;
const nowS = Math.floor(REPO_NOW / 1000);

/** A git state: `changed` as a number makes that many modified files. */
export function gitState(partial: Partial<Omit<GitState, 'changed'>> & { changed?: number | GitState['changed'] } = {}): GitState {
  const { changed = 0, ...rest } = partial;
  const files = typeof changed === 'number' ? Array.from({ length: changed }, (_, i) => ({ path: `hosts/file${i + 1}.nix`, code: ' M' })) : changed;
  return { branch: 'main', head: 'a'.repeat(40), upstream: null, ahead: 0, behind: 0, changed: files, ...rest };
}

export function input(partial: Partial<FlakeInput> & { name: string }): FlakeInput {
  const ageDays = partial.ageDays ?? null;
  return {
    type: 'github',
    source: `owner/${partial.name}`,
    ref: null,
    rev: `${partial.name.replace(/[^a-f0-9]/g, '').padEnd(7, '1')}${'0'.repeat(33)}`,
    lastModified: ageDays === null ? null : nowS - ageDays * DAY_S,
    ageDays,
    follows: null,
    release: null,
    inputs: [],
    ...partial,
  };
}

/** nixpkgs on an end-of-life release (41 days), home-manager (with a follows and a nested input), flake-utils (3 days), a local path. */
export const SAMPLE_INPUTS: FlakeInput[] = [
  input({ name: 'nixpkgs', source: 'NixOS/nixpkgs', ref: 'nixos-24.05', rev: 'b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0', ageDays: 41, release: { branch: 'nixos-24.05', status: 'end-of-life', endOfLife: '2024-12-31' } }),
  input({
    name: 'home-manager',
    source: 'nix-community/home-manager',
    ref: 'release-24.05',
    rev: 'c0ffee0123456789abcdef0123456789abcdef01',
    ageDays: 120,
    inputs: [
      input({ name: 'nixpkgs', type: 'follows', source: '', rev: null, follows: 'nixpkgs' }),
      input({ name: 'systems', source: 'nix-systems/default', rev: 'da7a5e1234567890abcdef1234567890abcdef12', ageDays: 400 }),
    ],
  }),
  input({ name: 'flake-utils', source: 'numtide/flake-utils', rev: 'f1a4e00000000000000000000000000000000000', ageDays: 3 }),
  input({ name: 'secrets', type: 'path', source: './secrets', rev: null, ageDays: null }),
];

export function commit(n: number, subject: string, partial: Partial<CommitInfo> = {}): CommitInfo {
  const hash = n.toString(16).padStart(7, '0').repeat(6).slice(0, 40);
  return { hash, subject, date: new Date(REPO_NOW - n * DAY_S * 1000).toISOString().replace('.000Z', 'Z'), author: 'Ada <ada@example.org>', ...partial };
}

export interface FakeRepoOptions {
  inputs?: Result<FlakeInput[]>;
  git?: GitState | null;
  changes?: Result<string[]>;
  commits?: Result<CommitInfo[]>;
  tags?: DeployedTag[];
  /** per run id */
  outcomes?: Record<string, Result<UpdateOutcome>>;
  startResult?: StartResult;
  /** what `git show --stat` prints after its `commit <rev>` line */
  showText?: string[];
}

export class FakeRepo implements RepoService {
  inputs: Result<FlakeInput[]>;
  git: GitState | null;
  changes: Result<string[]>;
  commits: Result<CommitInfo[]>;
  tags: DeployedTag[];
  outcomes: Record<string, Result<UpdateOutcome>>;
  startResult: StartResult;
  showText: string[];
  revertResult: Result<void> = { ok: true, value: undefined };
  /** the hash a commit makes (the tree is clean and HEAD on it afterwards) */
  commitHash = 'c'.repeat(40);
  /** when true, gitState() waits until releaseGit() */
  holdGit = false;
  /** called when an update starts (e.g. to add its run to a FakeRuns) */
  onStartUpdate: ((id: string, inputs: readonly string[]) => void) | null = null;

  readonly calls = {
    readInputs: 0,
    gitState: 0,
    changesText: 0,
    log: [] as number[],
    showCommit: [] as string[],
    deployedTags: 0,
    startUpdate: [] as string[][],
    updateOutcome: [] as string[],
    revertUpdate: [] as string[],
    commit: [] as string[],
    tagDeployed: [] as { host: string; hash: string }[],
    lookupCommits: [] as string[][],
  };
  /** gitState() calls going on now, and the most at once */
  gitInFlight = 0;
  gitMaxInFlight = 0;
  private held: (() => void)[] = [];

  constructor(options: FakeRepoOptions = {}) {
    this.inputs = options.inputs ?? { ok: true, value: SAMPLE_INPUTS };
    this.git = options.git === undefined ? gitState() : options.git;
    this.changes = options.changes ?? { ok: true, value: [' M hosts/hq.nix', ' hosts/hq.nix | 2 +-', ' 1 file changed, 1 insertion(+), 1 deletion(-)'] };
    this.commits = options.commits ?? { ok: true, value: [commit(1, 'hq: switch 44'), commit(2, 'flake.lock: update nixpkgs'), commit(3, 't460: add printer')] };
    this.tags = options.tags ?? [];
    this.outcomes = options.outcomes ?? {};
    this.startResult = options.startResult ?? { ok: true, id: 'update1' };
    this.showText = options.showText ?? ['Author: Ada <ada@example.org>', '', ' flake.lock | 8 ++++----'];
  }

  /** Let every held gitState() answer. */
  releaseGit(): void {
    for (const release of this.held.splice(0)) release();
  }

  heldGitReads(): number {
    return this.held.length;
  }

  async readInputs(): Promise<Result<FlakeInput[]>> {
    this.calls.readInputs++;
    return this.inputs;
  }

  async gitState(): Promise<GitState | null> {
    this.calls.gitState++;
    this.gitInFlight++;
    this.gitMaxInFlight = Math.max(this.gitMaxInFlight, this.gitInFlight);
    try {
      if (this.holdGit) await new Promise<void>((resolve) => this.held.push(resolve));
      return this.git;
    } finally {
      this.gitInFlight--;
    }
  }

  async changesText(): Promise<Result<string[]>> {
    this.calls.changesText++;
    return this.changes;
  }

  async showCommit(rev: string): Promise<Result<string[]>> {
    this.calls.showCommit.push(rev);
    return { ok: true, value: [`commit ${rev}`, ...this.showText] };
  }

  async log(limit: number): Promise<Result<CommitInfo[]>> {
    this.calls.log.push(limit);
    return this.commits.ok ? { ok: true, value: this.commits.value.slice(0, limit) } : this.commits;
  }

  async lookupCommits(revisions: readonly string[]): Promise<Record<string, CommitInfo | null>> {
    this.calls.lookupCommits.push([...revisions]);
    const all = this.commits.ok ? this.commits.value : [];
    return Object.fromEntries(revisions.map((r) => [r, all.find((c) => c.hash.startsWith(r.replace(/-dirty$/, ''))) ?? null]));
  }

  async deployedTags(): Promise<DeployedTag[]> {
    this.calls.deployedTags++;
    return this.tags;
  }

  async commit(message: string): Promise<Result<{ hash: string; output: string }>> {
    this.calls.commit.push(message);
    if (this.git) this.git = { ...this.git, head: this.commitHash, changed: [] };
    return { ok: true, value: { hash: this.commitHash, output: '' } };
  }

  async tagDeployed(host: string, hash: string): Promise<Result<void>> {
    this.calls.tagDeployed.push({ host, hash });
    return { ok: true, value: undefined };
  }

  async startUpdate(inputs: readonly string[]): Promise<StartResult> {
    this.calls.startUpdate.push([...inputs]);
    if (this.startResult.ok) this.onStartUpdate?.(this.startResult.id, inputs);
    return this.startResult;
  }

  async updateOutcome(runId: string): Promise<Result<UpdateOutcome>> {
    this.calls.updateOutcome.push(runId);
    return this.outcomes[runId] ?? { ok: true, value: { runId, changes: [], revertible: true } };
  }

  async revertUpdate(runId: string): Promise<Result<void>> {
    this.calls.revertUpdate.push(runId);
    return this.revertResult;
  }
}
