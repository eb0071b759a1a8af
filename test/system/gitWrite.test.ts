// Changing a real repository: the commit after a deploy (the user's identity and hooks, nothing
// lost when it fails, nothing pushed) and the deployed/<host> tags.
import { chmodSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { deployedTags, gitState } from '../../src/system/git/read.js';
import { commit, tagDeployed } from '../../src/system/git/write.js';
import { gitMissing, gitWorld, IDENTITY, makeRepo, type TestRepo } from './gitTestRepo.js';

const skip = gitMissing('git writes') !== null;

const USER = { name: 'Grace Deployer', email: 'grace@example.invalid' };
const USER_CONFIG = `[user]\n\tname = ${USER.name}\n\temail = ${USER.email}\n`;

/** A repository with a commit, a staged change, an unstaged change and an untracked file. */
async function repoWithChanges(): Promise<TestRepo> {
  const repo = await makeRepo(gitWorld());
  await repo.commitFile('hosts/hq.nix', 'one\n', 'hq');
  await repo.commitFile('hosts/pi.nix', 'one\n', 'pi');
  repo.write('hosts/hq.nix', 'staged\n');
  await repo.git('add', 'hosts/hq.nix');
  repo.write('hosts/pi.nix', 'not staged\n');
  repo.write('notes.md', 'untracked\n');
  return repo;
}

const BEFORE = [
  { path: 'hosts/hq.nix', code: 'M ' },
  { path: 'hosts/pi.nix', code: ' M' },
  { path: 'notes.md', code: '??' },
];

function hook(repo: TestRepo, name: string, body: string): void {
  const file = path.join(repo.dir, '.git', 'hooks', name);
  repo.write(path.join('.git', 'hooks', name), `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
}

describe.skipIf(skip)('commit', () => {
  it('commits everything changed with the user’s identity and hooks, and pushes nothing', async () => {
    const repo = await repoWithChanges();
    repo.world.setGlobalConfig(USER_CONFIG);
    const remote = path.join(repo.world.root, 'remote.git');
    await repo.git('clone', '-q', '--bare', repo.dir, remote);
    await repo.git('remote', 'add', 'origin', remote);
    const remoteBefore = await repo.git('--git-dir', remote, 'rev-parse', 'main');
    hook(repo, 'commit-msg', 'echo "commit-msg hook ran" >&2');
    const result = await commit(repo.dir, 'hq, pi: switch 42 — 3 files\n\nbody line', repo.world.options);
    expect(result).toMatchObject({ ok: true, value: { hash: await repo.git('rev-parse', 'HEAD') } });
    expect(result.ok && result.value.output).toContain('commit-msg hook ran');
    // the user's identity from their config, not the one the test setup commits with
    expect(USER.name).not.toBe(IDENTITY.name);
    expect(await repo.git('log', '-1', '--format=%an <%ae>|%cn|%s|%b')).toBe(`${USER.name} <${USER.email}>|${USER.name}|hq, pi: switch 42 — 3 files|body line`);
    expect(await repo.git('show', '--name-only', '--format=', 'HEAD')).toBe('hosts/hq.nix\nhosts/pi.nix\nnotes.md');
    expect((await gitState(repo.dir, repo.world.options))?.changed).toEqual([]);
    expect(await repo.git('--git-dir', remote, 'rev-parse', 'main')).toBe(remoteBefore);
  });

  it('a failing pre-commit hook: its whole output in the error, the tree and the index as they were', async () => {
    const repo = await repoWithChanges();
    repo.world.setGlobalConfig(USER_CONFIG);
    const head = await repo.git('rev-parse', 'HEAD');
    const lines = Array.from({ length: 60 }, (_, i) => `lint: problem ${i + 1} in hosts/pi.nix`);
    hook(repo, 'pre-commit', `${lines.map((l) => `echo '${l}'`).join('\n')}\necho 'statix: 1 warning' >&2\nexit 1`);
    const result = await commit(repo.dir, 'deploy', repo.world.options);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toContain('nothing was lost');
    for (const line of [...lines, 'statix: 1 warning']) expect(result.error).toContain(line);
    expect(await repo.git('rev-parse', 'HEAD')).toBe(head);
    expect((await gitState(repo.dir, repo.world.options))?.changed).toEqual(BEFORE);
    expect(readFileSync(path.join(repo.dir, 'hosts/pi.nix'), 'utf8')).toBe('not staged\n');
    expect(await repo.git('show', ':hosts/hq.nix')).toBe('staged');
  });

  it('without a user identity git refuses; its message is in the error and nothing is lost', async () => {
    const repo = await repoWithChanges();
    repo.world.setGlobalConfig('[user]\n\tuseConfigOnly = true\n');
    const result = await commit(repo.dir, 'deploy', repo.world.options);
    expect(result).toMatchObject({ ok: false, error: expect.stringMatching(/nothing was lost[\s\S]*(Please tell me who you are|no email was given|no name was given)/) });
    expect((await gitState(repo.dir, repo.world.options))?.changed).toEqual(BEFORE);
  });

  it('nothing to commit, an empty message, not a repository: clear failures, no commit', async () => {
    const repo = await makeRepo(gitWorld());
    repo.world.setGlobalConfig(USER_CONFIG);
    const head = await repo.commitFile('a', '1', 'one');
    expect(await commit(repo.dir, 'deploy', repo.world.options)).toEqual({ ok: false, error: 'nothing to commit: the working tree has no changes' });
    repo.write('a', '2');
    expect(await commit(repo.dir, '  \n', repo.world.options)).toMatchObject({ ok: false, error: expect.stringContaining('the commit message is empty') });
    expect(await repo.git('rev-parse', 'HEAD')).toBe(head);
    expect(await commit(repo.world.root, 'deploy', repo.world.options)).toMatchObject({ ok: false, error: expect.stringContaining('is not in a git repository') });
  });
});

describe.skipIf(skip)('deployed/<host> tags', () => {
  it('created, moved and read back with how far HEAD is past them', async () => {
    const repo = await makeRepo(gitWorld());
    const c1 = await repo.commitFile('a', '1', 'one');
    const c2 = await repo.commitFile('a', '2', 'two');
    const c3 = await repo.commitFile('a', '3', 'three');
    expect(await deployedTags(repo.dir, repo.world.options)).toEqual({ ok: true, value: [] });
    expect(await tagDeployed(repo.dir, 'hq', c1.slice(0, 7), repo.world.options)).toEqual({ ok: true, value: undefined });
    expect(await tagDeployed(repo.dir, 'pi', c3, repo.world.options)).toEqual({ ok: true, value: undefined });
    expect(await deployedTags(repo.dir, repo.world.options)).toEqual({
      ok: true,
      value: [
        { host: 'hq', hash: c1, behind: 2 },
        { host: 'pi', hash: c3, behind: 0 },
      ],
    });
    expect(await tagDeployed(repo.dir, 'hq', c2, repo.world.options)).toEqual({ ok: true, value: undefined });
    const moved = await deployedTags(repo.dir, repo.world.options);
    expect(moved.ok && moved.value[0]).toEqual({ host: 'hq', hash: c2, behind: 1 });
    // a lightweight tag: the ref names the commit itself
    expect(await repo.git('cat-file', '-t', 'refs/tags/deployed/hq')).toBe('commit');
  });

  it('stays a lightweight tag and asks for nothing when the user signs tags (tag.gpgSign)', async () => {
    const repo = await makeRepo(gitWorld());
    repo.world.setGlobalConfig('[tag]\n\tgpgSign = true\n[core]\n\teditor = false\n');
    const c1 = await repo.commitFile('a', '1', 'one');
    expect(await tagDeployed(repo.dir, 'hq', c1, repo.world.options)).toEqual({ ok: true, value: undefined });
    expect(await repo.git('cat-file', '-t', 'refs/tags/deployed/hq')).toBe('commit');
  });

  it('an annotated deployed/<host> made by hand reads as its commit', async () => {
    const repo = await makeRepo(gitWorld());
    const c1 = await repo.commitFile('a', '1', 'one');
    await repo.commitFile('a', '2', 'two');
    await repo.git('tag', '-a', '-m', 'by hand', 'deployed/t460', c1);
    expect(await deployedTags(repo.dir, repo.world.options)).toEqual({ ok: true, value: [{ host: 't460', hash: c1, behind: 1 }] });
  });

  it('refuses a bad host name, a non-hash, a -dirty revision and a commit the repository lacks', async () => {
    const repo = await makeRepo(gitWorld());
    const c1 = await repo.commitFile('a', '1', 'one');
    const cases: [string, string, string][] = [
      ['../main', c1, 'is not a valid host name'],
      ['hq', 'HEAD', 'is not a commit hash'],
      ['hq', '--all', 'is not a commit hash'],
      ['hq', `${c1}-dirty`, 'built from uncommitted changes'],
      ['hq', '0123456789abcdef', 'is not in this repository'],
    ];
    for (const [host, hash, message] of cases) {
      expect(await tagDeployed(repo.dir, host, hash, repo.world.options)).toMatchObject({ ok: false, error: expect.stringContaining(message) });
    }
    expect(await repo.git('for-each-ref', 'refs/tags/')).toBe('');
  });
});
