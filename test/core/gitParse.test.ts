import { describe, expect, it } from 'vitest';
import { parseLog, parseStatusV2 } from '../../src/core/gitParse.js';

const H1 = 'a'.repeat(40);
const H2 = 'b'.repeat(40);
const z = (...records: string[]): string => records.map((r) => `${r}\0`).join('');

describe('parseStatusV2', () => {
  it('reads the branch headers: oid, head, upstream, ahead/behind', () => {
    expect(parseStatusV2(z(`# branch.oid ${H1}`, '# branch.head main', '# branch.upstream origin/main', '# branch.ab +3 -12'))).toEqual({
      branch: 'main',
      head: H1,
      upstream: 'origin/main',
      ahead: 3,
      behind: 12,
      changed: [],
    });
  });

  it('no commit yet, detached HEAD', () => {
    expect(parseStatusV2(z('# branch.oid (initial)', '# branch.head main'))).toMatchObject({ head: null, branch: 'main' });
    expect(parseStatusV2(z(`# branch.oid ${H1}`, '# branch.head (detached)'))).toMatchObject({ head: H1, branch: null });
  });

  it('ordinary, renamed, unmerged and untracked entries with the codes of git status --short', () => {
    const state = parseStatusV2(
      z(
        `# branch.oid ${H1}`,
        '# branch.head feature/x y',
        `1 .M N... 100644 100644 100644 ${H1} ${H1} hosts/hq.nix`,
        `1 A. N... 000000 100644 100644 ${'0'.repeat(40)} ${H2} with space.nix`,
        `2 R. N... 100644 100644 100644 ${H1} ${H1} R100 new name.nix`,
        '? looks like an entry', // the rename's original path: not an entry
        `2 RM N... 100644 100644 100644 ${H1} ${H1} R087 b.nix`,
        `1 ${H2.slice(0, 2)}`, // malformed: left out
        'a.nix',
        `u UU N... 100644 100644 100644 100644 ${H1} ${H2} ${H1} conflict.nix`,
        '? new\nline.nix',
        '! ignored.nix',
      ),
    );
    expect(state.branch).toBe('feature/x y');
    expect(state.changed).toEqual([
      { path: 'hosts/hq.nix', code: ' M' },
      { path: 'with space.nix', code: 'A ' },
      { path: 'new name.nix', code: 'R ' },
      { path: 'b.nix', code: 'RM' },
      { path: 'conflict.nix', code: 'UU' },
      { path: 'new\nline.nix', code: '??' },
    ]);
  });

  it('empty output is an empty state', () => {
    expect(parseStatusV2('')).toEqual({ branch: null, head: null, upstream: null, ahead: 0, behind: 0, changed: [] });
  });
});

describe('parseLog', () => {
  it('reads hash, date, author and subject; a 0x1f or anything else in the subject stays in it', () => {
    const out = z(`${H1}\x1f2026-11-30T10:00:00+01:00\x1fAda\x1fhq: switch 42 — ünï \x1f "x" %s`, `${H2}\x1f2026-11-01T00:00:00Z\x1fBob Jr.\x1f`);
    expect(parseLog(out)).toEqual([
      { hash: H1, date: '2026-11-30T10:00:00+01:00', author: 'Ada', subject: 'hq: switch 42 — ünï \x1f "x" %s' },
      { hash: H2, date: '2026-11-01T00:00:00Z', author: 'Bob Jr.', subject: '' },
    ]);
  });

  it('leaves out malformed records', () => {
    expect(parseLog(z('not a hash\x1fx\x1fy\x1fz', `${H1}`, `${H1}\x1fdate-only`, ''))).toEqual([]);
  });
});
