import { describe, expect, it } from 'vitest';
import {
  COMMIT_MESSAGE_MAX,
  commitTemplateProblem,
  DEFAULT_COMMIT_TEMPLATE,
  renderCommitMessage,
  unknownPlaceholders,
} from '../../src/core/commitMessage.js';
import { cleanRevision, decideDeployedTag, deployedWords } from '../../src/core/deployTag.js';
import { DEFAULT_PREFS, parsePrefValue, withDefaults } from '../../src/core/prefsSchema.js';

const facts = { hosts: ['hq'], action: 'switch', generation: 42, files: ['flake.lock'] };

describe('the commit message template', () => {
  it('fills the default template for one host', () => {
    expect(renderCommitMessage(DEFAULT_COMMIT_TEMPLATE, facts)).toBe('hq: switch generation 42 — flake.lock');
  });

  it('names up to three hosts and two files, and counts more', () => {
    expect(renderCommitMessage('<hosts>', { ...facts, hosts: ['hq', 't460'] })).toBe('hq, t460');
    expect(renderCommitMessage('<hosts>', { ...facts, hosts: ['a', 'b', 'c', 'd', 'e'] })).toBe('5 hosts');
    expect(renderCommitMessage('<changed files>', { ...facts, files: ['flake.lock', 'hosts/hq.nix'] })).toBe('flake.lock, hosts/hq.nix');
    expect(renderCommitMessage('<changed files>', { ...facts, files: ['a', 'b', 'c'] })).toBe('3 files');
  });

  it('leaves no double space where the generation is unknown', () => {
    expect(renderCommitMessage(DEFAULT_COMMIT_TEMPLATE, { ...facts, generation: null, action: 'deploy' })).toBe('hq: deploy — flake.lock');
  });

  it('keeps unknown placeholders literally and names them', () => {
    expect(renderCommitMessage('<host> <hosts> <when>', facts)).toBe('<host> hq <when>');
    expect(unknownPlaceholders('<host> <hosts> <host>')).toEqual(['<host>']);
    expect(commitTemplateProblem('<host>: <action>')).toMatch(/unknown placeholder <host>; known: <hosts>, <action>, <generation>, <changed files>/);
    expect(commitTemplateProblem(DEFAULT_COMMIT_TEMPLATE)).toBeNull();
  });

  it('is one line, cut at a sane length', () => {
    const long = renderCommitMessage('<hosts>\nline two <changed files>', { ...facts, files: ['x'.repeat(200)] });
    expect(long).not.toMatch(/\n/);
    expect([...long].length).toBe(COMMIT_MESSAGE_MAX);
    expect(long.endsWith('…')).toBe(true);
  });

  it('config set refuses an unknown placeholder; a stored one with it still loads', () => {
    const refused = parsePrefValue('commitTemplate', '<host>: <action>');
    expect(refused.ok).toBe(false);
    expect(refused.ok ? '' : refused.error).toMatch(/unknown placeholder <host>/);
    expect(parsePrefValue('commitTemplate', 'deploy <hosts>')).toEqual({ ok: true, value: 'deploy <hosts>' });
    expect(parsePrefValue('autoCommit', 'sometimes').ok).toBe(false);
    expect(parsePrefValue('autoCommit', 'always')).toEqual({ ok: true, value: 'always' });
    expect(DEFAULT_PREFS).toMatchObject({ autoCommit: 'ask', commitTemplate: DEFAULT_COMMIT_TEMPLATE });
    expect(withDefaults({ commitTemplate: '<x> <hosts>' }).commitTemplate).toBe('<x> <hosts>');
  });
});

describe('the deployed/<host> tag decision', () => {
  const HEAD = 'a'.repeat(40);
  const REV = 'b'.repeat(40);
  const NEW = 'c'.repeat(40);
  const base = { host: 'hq', revision: null, revisionCommit: null, atStart: null, committed: null };

  it('takes a clean revision the repository has', () => {
    expect(decideDeployedTag({ ...base, revision: REV, revisionCommit: REV, atStart: { head: HEAD, dirty: false } })).toEqual({ tag: true, hash: REV, from: 'revision' });
  });

  it('does not tag a clean revision the repository lacks', () => {
    const d = decideDeployedTag({ ...base, revision: REV, atStart: { head: HEAD, dirty: false } });
    expect(d).toEqual({ tag: false, reason: 'hq runs revision bbbbbbb, which is not in this repository' });
  });

  it('takes the head of a tree that was clean at the start when the system names no commit (or a dirty one)', () => {
    expect(decideDeployedTag({ ...base, atStart: { head: HEAD, dirty: false } })).toEqual({ tag: true, hash: HEAD, from: 'clean tree' });
    expect(decideDeployedTag({ ...base, revision: `${REV.slice(0, 12)}-dirty`, atStart: { head: HEAD, dirty: false } })).toMatchObject({ hash: HEAD });
  });

  it('takes the commit made right after a deploy from a dirty tree', () => {
    expect(decideDeployedTag({ ...base, atStart: { head: HEAD, dirty: true }, committed: NEW })).toEqual({ tag: true, hash: NEW, from: 'commit after deploy' });
  });

  it('says why there is no tag otherwise', () => {
    expect(decideDeployedTag({ ...base, atStart: { head: HEAD, dirty: true } })).toEqual({ tag: false, reason: 'hq was built from uncommitted changes that were not committed' });
    expect(decideDeployedTag(base)).toMatchObject({ tag: false, reason: expect.stringMatching(/not read when the run on hq started/) });
  });

  it('reads only hex ids as clean revisions', () => {
    expect(cleanRevision('Unknown')).toBeNull();
    expect(cleanRevision('abc1234-dirty')).toBeNull();
    expect(cleanRevision('abc1234')).toBe('abc1234');
  });

  it('says how far the branch has moved on', () => {
    expect(deployedWords({ host: 'hq', hash: HEAD, behind: 4 }, 'main')).toBe('runs deployed/hq, 4 commits behind main');
    expect(deployedWords({ host: 'hq', hash: HEAD, behind: 1 }, null)).toBe('runs deployed/hq, 1 commit behind HEAD');
    expect(deployedWords({ host: 'hq', hash: HEAD, behind: 0 }, 'main')).toBe('runs deployed/hq, nothing newer on main');
    expect(deployedWords({ host: 'hq', hash: HEAD, behind: null }, 'main')).toBe('runs deployed/hq (aaaaaaa)');
  });
});
