// Reading a real repository: the state for the header, the changes, the log, commits by revision.
import { execa } from 'execa';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { changesText, gitState, log, lookupCommits, readGitState, showCommit } from '../../src/system/git/read.js';
import { countingGit, gitMissing, gitWorld, IDENTITY, makeRepo } from './gitTestRepo.js';

const skip = gitMissing('git reads') !== null;

describe.skipIf(skip)('git state', () => {
  it('a clean repository: branch, HEAD, no upstream, nothing changed', async () => {
    const repo = await makeRepo(gitWorld());
    const head = await repo.commitFile('flake.nix', '{}\n', 'first');
    expect(await gitState(repo.dir, repo.world.options)).toEqual({ branch: 'main', head, upstream: null, ahead: 0, behind: 0, changed: [] });
  });

  it('changed, staged, untracked and renamed files, each once, with the codes of git status --short', async () => {
    const repo = await makeRepo(gitWorld());
    await repo.commitFile('a.nix', 'a\n', 'a');
    // the original path of a rename looks like an entry of its own ("? <path>") if miscounted
    await repo.commitFile('? old name.nix', 'same content\n', 'b');
    await repo.commitFile('c.nix', 'c\n', 'c');
    repo.write('a.nix', 'changed\n');
    await repo.git('mv', '? old name.nix', 'new name.nix');
    repo.write('staged.nix', 's\n');
    await repo.git('add', 'staged.nix');
    repo.write('untracked file.nix', 'u\n');
    repo.write('line\nbreak.nix', 'n\n');
    await repo.git('rm', '-q', 'c.nix');
    const state = await gitState(repo.dir, repo.world.options);
    expect(state?.changed).toEqual(
      expect.arrayContaining([
        { path: 'a.nix', code: ' M' },
        { path: 'new name.nix', code: 'R ' },
        { path: 'staged.nix', code: 'A ' },
        { path: 'c.nix', code: 'D ' },
        { path: 'untracked file.nix', code: '??' },
        { path: 'line\nbreak.nix', code: '??' },
      ]),
    );
    // the rename's original path is a record of its own and no entry
    expect(state?.changed).toHaveLength(6);
    const short = await execa('git', ['status', '--short'], { cwd: repo.dir, env: repo.world.env });
    expect(short.stdout.split('\n').filter((l) => l !== '')).toHaveLength(6);
  });

  it('a detached HEAD has no branch', async () => {
    const repo = await makeRepo(gitWorld());
    const first = await repo.commitFile('a', '1', 'one');
    await repo.commitFile('a', '2', 'two');
    await repo.git('checkout', '-q', '--detach', first);
    expect(await gitState(repo.dir, repo.world.options)).toMatchObject({ branch: null, head: first, upstream: null });
  });

  it('a repository with no commit yet: no HEAD, an empty log, its files in the changes', async () => {
    const repo = await makeRepo(gitWorld());
    repo.write('flake.nix', '{}\n');
    expect(await gitState(repo.dir, repo.world.options)).toEqual({ branch: 'main', head: null, upstream: null, ahead: 0, behind: 0, changed: [{ path: 'flake.nix', code: '??' }] });
    expect(await log(repo.dir, 20, repo.world.options)).toEqual({ ok: true, value: [] });
    expect(await changesText(repo.dir, repo.world.options)).toEqual({ ok: true, value: ['?? flake.nix'] });
  });

  it('ahead of and behind its upstream (a bare clone as the remote)', async () => {
    const world = gitWorld();
    const repo = await makeRepo(world);
    await repo.commitFile('a', '1', 'one');
    const remote = path.join(world.root, 'remote.git');
    await repo.git('clone', '-q', '--bare', repo.dir, remote);
    await repo.git('remote', 'add', 'origin', remote);
    await repo.git('fetch', '-q', 'origin');
    await repo.git('branch', '-q', '-u', 'origin/main');
    // someone else pushes one commit
    const other = await makeRepo(world, 'other', { init: false });
    await other.git('clone', '-q', remote, '.');
    await other.commitFile('b', 'theirs', 'theirs');
    await other.git('push', '-q', 'origin', 'main');
    // and two here
    await repo.commitFile('c', 'mine', 'mine 1');
    await repo.commitFile('d', 'mine', 'mine 2');
    await repo.git('fetch', '-q', 'origin');
    expect(await gitState(repo.dir, repo.world.options)).toMatchObject({ branch: 'main', upstream: 'origin/main', ahead: 2, behind: 1 });
  });

  it('a folder that is not a repository reads as null, and says so', async () => {
    const world = gitWorld();
    const dir = path.join(world.root, 'plain');
    mkdirSync(dir);
    expect(await gitState(dir, world.options)).toBeNull();
    expect(await readGitState(dir, world.options)).toEqual({ ok: false, notRepository: true, error: `${dir} is not in a git repository` });
    const changes = await changesText(dir, world.options);
    expect(changes.ok).toBe(false);
  });

  it('git missing from PATH: null state, and a clear message rather than an exception', async () => {
    const repo = await makeRepo(gitWorld());
    await repo.commitFile('a', '1', 'one');
    const options = { env: { ...repo.world.env, PATH: path.join(repo.world.root, 'no-such-bin') } };
    expect(await gitState(repo.dir, options)).toBeNull();
    const read = await readGitState(repo.dir, options);
    expect(read).toMatchObject({ ok: false, notRepository: false, error: 'git is not installed (not found in PATH)' });
    expect(await log(repo.dir, 5, options)).toMatchObject({ ok: false, error: 'git is not installed (not found in PATH)' });
    expect(await lookupCommits(repo.dir, ['abcdef1'], options)).toEqual({ abcdef1: null });
  });

  it('reads the repository of its folder even when GIT_DIR points elsewhere (as inside a git hook)', async () => {
    const world = gitWorld();
    const repo = await makeRepo(world);
    const head = await repo.commitFile('a', '1', 'one');
    const other = await makeRepo(world, 'other');
    await other.git('checkout', '-q', '-b', 'elsewhere');
    await other.commitFile('b', '2', 'two');
    const saved = process.env.GIT_DIR;
    process.env.GIT_DIR = path.join(other.dir, '.git');
    try {
      expect(await gitState(repo.dir, world.options)).toMatchObject({ branch: 'main', head });
    } finally {
      if (saved === undefined) delete process.env.GIT_DIR;
      else process.env.GIT_DIR = saved;
    }
  });

  it('a git that does not answer is given up after the time limit: null, with the reason', async () => {
    const world = gitWorld();
    const bin = path.join(world.root, 'slow-bin');
    mkdirSync(bin);
    writeFileSync(path.join(bin, 'git'), '#!/bin/sh\nexec sleep 60\n');
    chmodSync(path.join(bin, 'git'), 0o755);
    const options = { timeoutMs: 300, env: { ...world.env, PATH: `${bin}:${process.env.PATH ?? ''}` } };
    expect(await gitState(world.root, options)).toBeNull();
    expect(await readGitState(world.root, options)).toMatchObject({ ok: false, notRepository: false, error: expect.stringContaining('git did not finish within 0.3 s') });
  });
});

describe.skipIf(skip)('git changes, log and commits', () => {
  it('changesText: git status --short, then git diff --stat HEAD, without colour', async () => {
    const repo = await makeRepo(gitWorld());
    repo.world.setGlobalConfig('[color]\n\tui = always\n');
    await repo.commitFile('a.nix', 'one\n', 'one');
    repo.write('a.nix', 'one\ntwo\n');
    repo.write('new.nix', 'x\n');
    const changes = await changesText(repo.dir, repo.world.options);
    expect(changes).toEqual({
      ok: true,
      value: [' M a.nix', '?? new.nix', '', ' a.nix | 1 +', ' 1 file changed, 1 insertion(+)'],
    });
  });

  it('a clean tree says so', async () => {
    const repo = await makeRepo(gitWorld());
    await repo.commitFile('a.nix', 'one\n', 'one');
    expect(await changesText(repo.dir, repo.world.options)).toEqual({ ok: true, value: ['nothing changed: the working tree is clean'] });
  });

  it('log: awkward subjects come back whole, newest first, at most the limit (and never over 200)', async () => {
    const repo = await makeRepo(gitWorld());
    const subjects = ['plain', 'tab\there and %s %x00 literal', 'unit\x1fseparator inside', 'ünïcödé ✓ — "quoted" \'single\'', ''];
    const hashes: string[] = [];
    for (const [i, subject] of subjects.entries()) hashes.push(await repo.commitFile(`f${i}`, String(i), subject));
    await repo.git('commit', '-q', '--allow-empty', '-m', 'first line', '-m', 'body\nwith lines');
    const all = await log(repo.dir, 50, repo.world.options);
    expect(all.ok).toBe(true);
    if (!all.ok) return;
    expect(all.value.map((c) => c.subject)).toEqual(['first line', ...[...subjects].reverse()]);
    expect(all.value[1]?.hash).toBe(hashes[4]);
    expect(all.value[0]).toMatchObject({ author: IDENTITY.name, date: expect.stringMatching(/^2026-\d\d-\d\dT\d\d:00:00\+00:00$/) });
    const two = await log(repo.dir, 2, repo.world.options);
    expect(two.ok && two.value.length).toBe(2);
  });

  it('log is capped at 200 commits', async () => {
    const repo = await makeRepo(gitWorld());
    // 205 commits in one fast-import
    let stream = '';
    for (let i = 1; i <= 205; i++) {
      stream += `commit refs/heads/main\nmark :${i}\ncommitter T <t@x> ${1_780_000_000 + i} +0000\ndata ${String(i).length}\n${i}\n`;
      if (i > 1) stream += `from :${i - 1}\n`;
      stream += '\n';
    }
    await execa('git', ['fast-import', '--quiet'], { cwd: repo.dir, env: repo.world.env, input: stream });
    const capped = await log(repo.dir, 10_000, repo.world.options);
    expect(capped.ok && capped.value.length).toBe(200);
    expect(capped.ok && capped.value[0]?.subject).toBe('205');
  });

  it('lookupCommits: full, abbreviated, upper-case and -dirty revisions; missing and invalid ones are null; one git process', async () => {
    const repo = await makeRepo(gitWorld());
    const first = await repo.commitFile('a', '1', 'first commit');
    const second = await repo.commitFile('a', '2', 'second commit');
    // a branch named like a hash must not pass for a commit starting with those digits
    const lookalike = first.startsWith('deadbee') ? 'facefee' : 'deadbee';
    await repo.git('branch', lookalike, second);
    const missing = '0123456789abcdef0123456789abcdef01234567';
    const revisions = [first, second.slice(0, 7), `${first.slice(0, 10)}-dirty`, second.slice(0, 12).toUpperCase(), missing, lookalike, 'Unknown', '', '--all', 'HEAD'];
    const counted = countingGit(repo.world);
    const found = await lookupCommits(repo.dir, revisions, counted.options);
    expect(counted.calls()).toHaveLength(1);
    expect(Object.keys(found).sort()).toEqual([...revisions].sort());
    expect(found[first]).toEqual({ hash: first, subject: 'first commit', author: IDENTITY.name, date: expect.any(String) });
    expect(found[second.slice(0, 7)]?.hash).toBe(second);
    expect(found[`${first.slice(0, 10)}-dirty`]?.hash).toBe(first);
    expect(found[second.slice(0, 12).toUpperCase()]?.hash).toBe(second);
    for (const absent of [missing, lookalike, 'Unknown', '', '--all', 'HEAD']) expect(found[absent]).toBeNull();
  });

  it('showCommit: git show --stat of a full, short or -dirty revision; a missing or invalid one is a clear failure', async () => {
    const repo = await makeRepo(gitWorld());
    await repo.commitFile('a.nix', '1\n', 'first');
    const second = await repo.commitFile('b.nix', '2\n', 'add b');
    for (const rev of [second, second.slice(0, 7), `${second.slice(0, 7)}-dirty`]) {
      const shown = await showCommit(repo.dir, rev, repo.world.options);
      expect(shown.ok).toBe(true);
      if (!shown.ok) continue;
      expect(shown.value[0]).toBe(`commit ${second}`);
      expect(shown.value).toContain('    add b');
      expect(shown.value).toContain(' b.nix | 1 +');
    }
    expect(await showCommit(repo.dir, '0123456789abcdef', repo.world.options)).toMatchObject({ ok: false, error: 'commit 0123456789abcdef is not in this repository' });
    for (const bad of ['HEAD', '--output=/tmp/x', 'main', 'Unknown', '']) {
      expect(await showCommit(repo.dir, bad, repo.world.options)).toMatchObject({ ok: false, error: expect.stringContaining('is not a commit hash') });
    }
  });
});
