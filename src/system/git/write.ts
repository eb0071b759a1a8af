// The two changes nixdeck makes to the repository: a commit of everything changed (the user's
// identity, config and hooks; never pushed) and the lightweight tag deployed/<host>.
import { isValidHostName } from '../../core/hosts.js';
import type { Result } from '../../core/result.js';
import { parseRevision } from '../../core/revision.js';
import { DEPLOYED_PREFIX, gitFailure, readGitState } from './read.js';
import { firstLine, type GitOptions, runGit } from './run.js';

/** Hooks (tests, formatters) may take a while; a commit is given this long. */
export const COMMIT_TIMEOUT_MS = 120_000;

const NOTHING_LOST = 'nothing was lost: your changes are still in the working tree, and what was staged is still staged';

/**
 * `git add -A` then `git commit -F -` with `message` on stdin. When the commit fails (a hook, no
 * identity), the index is put back as it was before the add, and the error holds git's whole
 * output (stdout and stderr as written).
 */
export async function commit(dir: string, message: string, options: GitOptions = {}): Promise<Result<{ hash: string; output: string }>> {
  if (message.trim() === '') return { ok: false, error: 'the commit message is empty: write one' };
  const state = await readGitState(dir, options);
  if (!state.ok) return { ok: false, error: state.error, ...(state.hint ? { hint: state.hint } : {}) };
  if (state.state.changed.length === 0) return { ok: false, error: 'nothing to commit: the working tree has no changes' };
  // the index as the user left it, put back if the commit fails
  const saved = await runGit(dir, ['write-tree'], options);
  if (!saved.ok) {
    const why = gitFailure(dir, 'git write-tree', saved);
    return { ok: false, error: `${why.error} (nothing was changed)`, hint: 'resolve any merge conflicts first (git status lists them)' };
  }
  const tree = saved.stdout.trim();
  const restore = async (): Promise<string> => {
    const back = await runGit(dir, ['read-tree', tree], options);
    return back.ok ? NOTHING_LOST : `your changes are still in the working tree; they stay staged (git read-tree ${tree} failed: ${firstLine(back)})`;
  };
  const add = await runGit(dir, ['add', '-A'], options);
  if (!add.ok) {
    const kept = await restore();
    return { ok: false, error: `git add -A failed: ${kept}\n${add.problem ?? add.all.trimEnd()}` };
  }
  const run = await runGit(dir, ['commit', '-F', '-'], options, { input: message, timeoutMs: options.timeoutMs ?? COMMIT_TIMEOUT_MS, detached: true });
  if (!run.ok) {
    const kept = await restore();
    const output = [run.all.trimEnd(), run.problem ?? ''].filter((part) => part !== '').join('\n');
    return {
      ok: false,
      error: `git commit failed (${run.problem ? 'stopped' : `exit code ${run.code}`}): ${kept}\n${output}`,
      hint: 'fix what git or the hook reports, then commit again (nixdeck never skips hooks)',
    };
  }
  const head = await runGit(dir, ['rev-parse', '--verify', 'HEAD'], options, { read: true });
  if (!head.ok) return gitFailure(dir, 'git rev-parse HEAD', head);
  return { ok: true, value: { hash: head.stdout.trim(), output: run.all.trimEnd() } };
}

/** Point the lightweight tag deployed/<host> at a commit of the repository (created or moved). */
export async function tagDeployed(dir: string, host: string, hash: string, options: GitOptions = {}): Promise<Result<void>> {
  if (!isValidHostName(host)) return { ok: false, error: `"${host}" is not a valid host name (letters, digits, ".", "_", "-")` };
  const revision = parseRevision(hash);
  if (!revision) return { ok: false, error: `"${hash}" is not a commit hash (7 to 40 hex digits)` };
  if (revision.dirty) return { ok: false, error: `${hash} was built from uncommitted changes: there is no commit to tag` };
  const resolved = await runGit(dir, ['rev-parse', '--verify', '--quiet', `${revision.hash}^{commit}`], options, { read: true });
  const full = resolved.stdout.trim();
  if (!resolved.ok || !full.startsWith(revision.hash)) {
    if (resolved.problem || resolved.code === 128) return gitFailure(dir, 'git rev-parse', resolved);
    return { ok: false, error: `commit ${revision.hash} is not in this repository: deployed/${host} was not moved` };
  }
  // update-ref, not `git tag -f`: with tag.gpgSign set, git tag would make a signed annotated tag
  // (and ask for a message); deployed/<host> stays a plain ref to the commit
  const run = await runGit(dir, ['update-ref', '-m', `nixdeck: deployed to ${host}`, `${DEPLOYED_PREFIX}${host}`, full], options);
  if (!run.ok) return gitFailure(dir, `moving deployed/${host}`, run);
  return { ok: true, value: undefined };
}
