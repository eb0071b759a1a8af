// Reads of the repository behind the flake: its state for the header, the changes, commits and
// the deployed/<host> tags. Every read has a time limit and resolves, whatever git does.
import { LOG_FORMAT, parseLog, parseStatusV2 } from '../../core/gitParse.js';
import { isValidHostName } from '../../core/hosts.js';
import type { CommitInfo, DeployedTag, GitState } from '../../core/repo.js';
import type { Failure, Result } from '../../core/result.js';
import { parseRevision } from '../../core/revision.js';
import { shellCommand } from '../../core/shellQuote.js';
import { firstLine, type GitOptions, type GitRun, runGit } from './run.js';

/** The longest `git show --stat` kept (a commit touching thousands of files) */
const SHOW_MAX_LINES = 2_000;
export const LOG_MAX = 200;
/** revisions per `git log --no-walk` process */
const LOOKUP_CHUNK = 1_000;
/** `git rev-list --count` processes at once for the tags' behind counts */
const BEHIND_CONCURRENCY = 4;
export const DEPLOYED_PREFIX = 'refs/tags/deployed/';

/** What reading the state found: the state, or why there is none (not a repository, or git is unusable). */
export type GitRead = { ok: true; state: GitState } | (Failure & { notRepository: boolean });

const NOT_A_REPOSITORY = /not a git repository/i;

/** A failed git run as a Failure: git missing, a time-out, not a repository, or git's own first line. */
export function gitFailure(dir: string, what: string, run: GitRun): Failure & { notRepository: boolean } {
  if (run.missing) return { ok: false, notRepository: false, error: run.problem ?? 'git is not installed', hint: 'install git to see the repository behind the flake' };
  if (run.problem) return { ok: false, notRepository: false, error: run.problem };
  if (NOT_A_REPOSITORY.test(run.stderr)) return { ok: false, notRepository: true, error: `${dir} is not in a git repository` };
  if (/dubious ownership/i.test(run.stderr)) {
    return {
      ok: false,
      notRepository: false,
      error: `git refuses to read ${dir}: the repository belongs to another user`,
      hint: `if you trust it: ${shellCommand(['git', 'config', '--global', '--add', 'safe.directory', dir])}`,
    };
  }
  return { ok: false, notRepository: false, error: `${what} failed in ${dir}: ${firstLine(run)}` };
}

export async function readGitState(dir: string, options: GitOptions = {}): Promise<GitRead> {
  const run = await runGit(dir, ['status', '--porcelain=v2', '-z', '--branch', '--untracked-files=normal'], options, { read: true });
  if (!run.ok) return gitFailure(dir, 'git status', run);
  return { ok: true, state: parseStatusV2(run.stdout) };
}

/** The state for the header; null when `dir` is not in a git repository or git cannot be used. */
export async function gitState(dir: string, options: GitOptions = {}): Promise<GitState | null> {
  const read = await readGitState(dir, options);
  return read.ok ? read.state : null;
}

function lines(text: string): string[] {
  const trimmed = text.trimEnd();
  return trimmed === '' ? [] : trimmed.split('\n');
}

/** `git status --short`, then `git diff --stat HEAD` (none before the first commit), as lines without colour. */
export async function changesText(dir: string, options: GitOptions = {}): Promise<Result<string[]>> {
  const [status, diff] = await Promise.all([
    runGit(dir, ['-c', 'color.status=false', 'status', '--short', '--untracked-files=normal'], options, { read: true }),
    runGit(dir, ['diff', '--stat', '--no-color', '--no-ext-diff', 'HEAD', '--'], options, { read: true }),
  ]);
  if (!status.ok) return gitFailure(dir, 'git status', status);
  const out = lines(status.stdout);
  if (diff.ok && diff.stdout.trim() !== '') out.push('', ...lines(diff.stdout));
  else if (!diff.ok && !/bad revision 'HEAD'|ambiguous argument 'HEAD'/.test(diff.stderr)) out.push('', `git diff --stat: ${firstLine(diff)}`);
  return { ok: true, value: out.length > 0 ? out : ['nothing changed: the working tree is clean'] };
}

function notARevision(rev: string): Failure {
  return { ok: false, error: `"${rev}" is not a commit hash (7 to 40 hex digits, optionally ending in -dirty)` };
}

/** `git show --stat` of a commit (a -dirty revision: the commit it was built on), as lines. */
export async function showCommit(dir: string, rev: string, options: GitOptions = {}): Promise<Result<string[]>> {
  const revision = parseRevision(rev);
  if (!revision) return notARevision(rev);
  const run = await runGit(
    dir,
    ['show', '--stat', '--no-color', '--no-ext-diff', '--no-show-signature', '--date=iso', '--format=medium', `${revision.hash}^{commit}`, '--'],
    options,
    { read: true },
  );
  if (!run.ok) {
    if (!run.problem && /bad revision|unknown revision|ambiguous argument|invalid object|bad object/i.test(run.stderr)) {
      return { ok: false, error: `commit ${revision.hash} is not in this repository`, hint: 'it may be on a branch or a clone that was not fetched here' };
    }
    return gitFailure(dir, 'git show', run);
  }
  const out = lines(run.stdout);
  if (out.length <= SHOW_MAX_LINES) return { ok: true, value: out };
  return { ok: true, value: [...out.slice(0, SHOW_MAX_LINES), `… ${out.length - SHOW_MAX_LINES} more lines`] };
}

/** The newest commits of HEAD, at most `limit` (1 to 200); none before the first commit. */
export async function log(dir: string, limit: number, options: GitOptions = {}): Promise<Result<CommitInfo[]>> {
  const count = Number.isFinite(limit) ? Math.min(LOG_MAX, Math.max(1, Math.floor(limit))) : LOG_MAX;
  const run = await runGit(dir, ['log', '-z', '--no-show-signature', `--format=${LOG_FORMAT}`, '-n', String(count), 'HEAD', '--'], options, { read: true });
  if (!run.ok) {
    if (!run.problem && /does not have any commits yet|bad revision 'HEAD'|ambiguous argument 'HEAD'/.test(run.stderr)) return { ok: true, value: [] };
    return gitFailure(dir, 'git log', run);
  }
  return { ok: true, value: parseLog(run.stdout) };
}

/**
 * Each revision (full or abbreviated hash, possibly -dirty) → its commit, or null when it is not
 * a hash or the repository does not have it. One git process for up to LOOKUP_CHUNK revisions.
 */
export async function lookupCommits(dir: string, revisions: readonly string[], options: GitOptions = {}): Promise<Record<string, CommitInfo | null>> {
  const result: Record<string, CommitInfo | null> = {};
  const wanted = new Map<string, string>(); // input → hash prefix
  for (const rev of revisions) {
    const revision = parseRevision(rev);
    result[rev] = null;
    if (revision) wanted.set(rev, revision.hash);
  }
  const prefixes = [...new Set(wanted.values())];
  const found: CommitInfo[] = [];
  for (let i = 0; i < prefixes.length; i += LOOKUP_CHUNK) {
    const chunk = prefixes.slice(i, i + LOOKUP_CHUNK);
    // --ignore-missing: a revision the repository does not have is left out instead of failing the lot
    const run = await runGit(
      dir,
      ['log', '--no-walk=unsorted', '--ignore-missing', '-z', '--no-show-signature', `--format=${LOG_FORMAT}`, ...chunk, '--'],
      options,
      { read: true },
    );
    if (run.ok) found.push(...parseLog(run.stdout));
  }
  for (const [rev, prefix] of wanted) {
    // a branch or tag named like the hex would resolve to another commit: it must start with the prefix
    result[rev] = found.find((commit) => commit.hash.startsWith(prefix)) ?? null;
  }
  return result;
}

async function behindCount(dir: string, hash: string, options: GitOptions): Promise<number | null> {
  const run = await runGit(dir, ['rev-list', '--count', `${hash}..HEAD`, '--'], options, { read: true });
  const count = Number(run.stdout.trim());
  return run.ok && run.stdout.trim() !== '' && Number.isInteger(count) ? count : null;
}

/** Every refs/tags/deployed/<host>: the commit it points at and how many commits HEAD has past it. */
export async function deployedTags(dir: string, options: GitOptions = {}): Promise<Result<DeployedTag[]>> {
  const run = await runGit(dir, ['for-each-ref', '--format=%(refname)%00%(objectname)%00%(*objectname)', DEPLOYED_PREFIX], options, { read: true });
  if (!run.ok) return gitFailure(dir, 'git for-each-ref', run);
  const tags: { host: string; hash: string }[] = [];
  for (const line of run.stdout.split('\n')) {
    const [ref, object, peeled] = line.split('\0');
    if (!ref?.startsWith(DEPLOYED_PREFIX) || !object) continue;
    const host = ref.slice(DEPLOYED_PREFIX.length);
    if (isValidHostName(host)) tags.push({ host, hash: peeled || object });
  }
  const out: DeployedTag[] = new Array<DeployedTag>(tags.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tags.length) {
      const i = next++;
      const tag = tags[i];
      if (tag) out[i] = { ...tag, behind: await behindCount(dir, tag.hash, options) };
    }
  };
  await Promise.all(Array.from({ length: Math.min(BEHIND_CONCURRENCY, tags.length) }, worker));
  return { ok: true, value: out };
}
