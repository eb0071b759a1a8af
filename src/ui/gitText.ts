// The git state in words for the header: "main ↑2 ↓1 · 3 changed", "detached 1a2b3c4 · clean".
import type { GitState } from '../core/repo.js';
import type { Glyphs } from './glyphs.js';

/** The branch, or "detached <short hash>", or "no commits yet". */
export function branchText(git: GitState): string {
  if (git.branch !== null) return git.branch;
  return git.head ? `detached ${git.head.slice(0, 7)}` : 'no commits yet';
}

/** ↑ahead ↓behind ("+2 -1" in ASCII) when there is an upstream and the branch differs from it; '' otherwise. */
export function aheadBehindText(git: GitState, g: Glyphs): string {
  if (git.upstream === null) return '';
  const parts: string[] = [];
  if (git.ahead > 0) parts.push(`${g.ascii ? '+' : '↑'}${git.ahead}`);
  if (git.behind > 0) parts.push(`${g.ascii ? '-' : '↓'}${git.behind}`);
  return parts.join(' ');
}

/** "3 changed", or "clean". */
export function changedText(git: GitState): string {
  return git.changed.length === 0 ? 'clean' : `${git.changed.length} changed`;
}

/** The header's git part, longest form first: every form the header may show, or [] for none. */
export function gitHeaderForms(git: GitState | null | undefined, g: Glyphs): string[] {
  if (!git) return [];
  const branch = branchText(git);
  const sync = aheadBehindText(git, g);
  const sep = g.ascii ? ' | ' : ' · ';
  const full = `git: ${branch}${sync ? ` ${sync}` : ''}${sep}${changedText(git)}`;
  const short = `${branch}${sync ? ` ${sync}` : ''}${sep}${changedText(git)}`;
  const compact = `${branch}${sync ? ` ${sync.replace(' ', '')}` : ''} ${changedText(git)}`;
  return [full, short, compact];
}
