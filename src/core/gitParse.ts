// Git's machine-readable output parsed: `git status --porcelain=v2 -z --branch` and
// `git log -z --format=LOG_FORMAT`. Records are NUL-separated, so any path or subject is safe.
import type { ChangedFile, CommitInfo, GitState } from './repo.js';

/**
 * The format parseLog reads, for `git log -z` / `git show -s -z`: hash, committer date (ISO 8601),
 * author, subject, separated by the unit separator (0x1f). The subject comes last, so that a 0x1f
 * in it cannot shift the other fields.
 */
export const LOG_FORMAT = '%H%x1f%cI%x1f%an%x1f%s';

const FIELD = '\x1f';
const HASH = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/** `git status --short` prints an unchanged side as a space, porcelain v2 as a dot. */
function shortCode(xy: string): string {
  return xy.replace(/\./g, ' ');
}

/** The text after the first `count` space-separated fields (a path may contain spaces), else null. */
function afterFields(record: string, count: number): { fields: string[]; rest: string } | null {
  const fields: string[] = [];
  let start = 0;
  for (let i = 0; i < count; i++) {
    const space = record.indexOf(' ', start);
    if (space < 0) return null;
    fields.push(record.slice(start, space));
    start = space + 1;
  }
  return { fields, rest: record.slice(start) };
}

/** `git status --porcelain=v2 -z --branch --untracked-files=normal` → the state for the header. */
export function parseStatusV2(z: string): GitState {
  const state: GitState = { branch: null, head: null, upstream: null, ahead: 0, behind: 0, changed: [] };
  const records = z.split('\0');
  for (let i = 0; i < records.length; i++) {
    const record = records[i] ?? '';
    if (record === '') continue;
    const kind = record[0];
    if (kind === '#') {
      const header = afterFields(record, 2);
      if (!header) continue;
      const [, key] = header.fields;
      const value = header.rest;
      if (key === 'branch.oid') state.head = value === '(initial)' ? null : value;
      else if (key === 'branch.head') state.branch = value === '(detached)' ? null : value;
      else if (key === 'branch.upstream') state.upstream = value;
      else if (key === 'branch.ab') {
        const ab = /^\+(\d+) -(\d+)$/.exec(value);
        if (ab) {
          state.ahead = Number(ab[1]);
          state.behind = Number(ab[2]);
        }
      }
      continue;
    }
    let entry: ChangedFile | null = null;
    if (kind === '1') {
      // 1 XY sub mH mI mW hH hI path
      const parsed = afterFields(record, 8);
      if (parsed) entry = { path: parsed.rest, code: shortCode(parsed.fields[1] ?? '') };
    } else if (kind === '2') {
      // 2 XY sub mH mI mW hH hI Xscore path, then the original path as a record of its own
      const parsed = afterFields(record, 9);
      if (parsed) entry = { path: parsed.rest, code: shortCode(parsed.fields[1] ?? '') };
      i++;
    } else if (kind === 'u') {
      // u XY sub m1 m2 m3 mW h1 h2 h3 path
      const parsed = afterFields(record, 10);
      if (parsed) entry = { path: parsed.rest, code: parsed.fields[1] ?? '' };
    } else if (kind === '?' && record[1] === ' ') {
      entry = { path: record.slice(2), code: '??' };
    }
    if (entry && entry.code.length === 2) state.changed.push(entry);
  }
  return state;
}

/** `git log -z --format=LOG_FORMAT` → the commits, newest first as git printed them; malformed records are left out. */
export function parseLog(z: string): CommitInfo[] {
  const commits: CommitInfo[] = [];
  for (const record of z.split('\0')) {
    const [hash, date, author, ...subject] = record.split(FIELD);
    if (hash === undefined || !HASH.test(hash) || date === undefined || author === undefined) continue;
    commits.push({ hash, date, author, subject: subject.join(FIELD) });
  }
  return commits;
}
