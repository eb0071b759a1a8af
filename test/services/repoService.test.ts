// The repository service: flake.lock through the inputs reader, git through system/git, the
// updates through the updater it is given; commits looked up once each.
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_AGES } from '../../src/core/inputAge.js';
import { createRepoService, type InputUpdater } from '../../src/services/repoService.js';
import { countingGit, gitMissing, gitWorld, makeRepo } from '../system/gitTestRepo.js';

const skip = gitMissing('repository service') !== null;
const NOW = Date.UTC(2026, 10, 30);
const DAY = 86_400_000;

function updater(calls: string[]): InputUpdater {
  return {
    start: async (inputs) => (calls.push(`start ${inputs.join(',')}`), { ok: true, id: 'run-1' }),
    outcome: async (runId) => (calls.push(`outcome ${runId}`), { ok: true, value: { runId, changes: [], revertible: true } }),
    revert: async (runId) => (calls.push(`revert ${runId}`), { ok: true, value: undefined }),
  };
}

describe.skipIf(skip)('repository service', () => {
  it('reads flake.lock’s inputs with the clock and the age preferences it is given', async () => {
    const repo = await makeRepo(gitWorld());
    const service = createRepoService({ flakeDir: repo.dir, now: () => NOW, ages: () => DEFAULT_AGES, update: updater([]) });
    expect(await service.readInputs()).toMatchObject({ ok: false, error: expect.stringContaining('no flake.lock') });
    const lastModified = Math.floor((NOW - 41 * DAY) / 1000);
    const lock = {
      nodes: {
        root: { inputs: { nixpkgs: 'nixpkgs' } },
        nixpkgs: {
          locked: { type: 'github', owner: 'NixOS', repo: 'nixpkgs', rev: 'c'.repeat(40), lastModified, narHash: 'sha256-AAAA' },
          original: { type: 'github', owner: 'NixOS', repo: 'nixpkgs', ref: 'nixos-24.05' },
        },
      },
      root: 'root',
      version: 7,
    };
    writeFileSync(path.join(repo.dir, 'flake.lock'), JSON.stringify(lock));
    const inputs = await service.readInputs();
    expect(inputs.ok && inputs.value.map((i) => [i.name, i.ageDays])).toEqual([['nixpkgs', 41]]);
  });

  it('hands updates to the updater', async () => {
    const calls: string[] = [];
    const service = createRepoService({ flakeDir: '/nonexistent', now: () => NOW, ages: () => DEFAULT_AGES, update: updater(calls) });
    expect(await service.startUpdate(['nixpkgs', 'home-manager'])).toEqual({ ok: true, id: 'run-1' });
    expect(await service.updateOutcome('run-1')).toMatchObject({ ok: true, value: { runId: 'run-1' } });
    expect(await service.revertUpdate('run-1')).toEqual({ ok: true, value: undefined });
    expect(calls).toEqual(['start nixpkgs,home-manager', 'outcome run-1', 'revert run-1']);
  });

  it('looks each commit up once (a commit never changes), and a missing one again', async () => {
    const world = gitWorld();
    const upstream = await makeRepo(world, 'upstream');
    const c1 = await upstream.commitFile('a', '1', 'one');
    const clone = await makeRepo(world, 'clone', { init: false });
    await clone.git('clone', '-q', upstream.dir, '.');
    const c2 = await upstream.commitFile('a', '2', 'two');
    const counted = countingGit(world);
    const service = createRepoService({ flakeDir: clone.dir, now: () => NOW, ages: () => DEFAULT_AGES, update: updater([]), git: counted.options });
    const first = await service.lookupCommits([c1.slice(0, 8), c2, 'Unknown']);
    expect(first[c1.slice(0, 8)]?.subject).toBe('one');
    expect(first[c2]).toBeNull();
    expect(first.Unknown).toBeNull();
    expect(counted.calls()).toHaveLength(1);
    // known now: no git at all
    const again = await service.lookupCommits([c1, c1.slice(0, 8), `${c1}-dirty`, 'Unknown']);
    expect(again[c1]?.subject).toBe('one');
    expect(again[`${c1}-dirty`]?.subject).toBe('one');
    expect(counted.calls()).toHaveLength(1);
    // the missing one arrives with a fetch and is found then
    await clone.git('fetch', '-q', 'origin');
    const later = await service.lookupCommits([c2, c1]);
    expect(later[c2]?.subject).toBe('two');
    expect(counted.calls()).toHaveLength(2);
    expect(counted.calls()[1]).not.toContain(c1);
  });

  it('git state, and why there is none: nothing to say for a plain folder, the reason when git is missing', async () => {
    const world = gitWorld();
    const repo = await makeRepo(world);
    await repo.commitFile('a', '1', 'one');
    const options = (dir: string, git = world.options) => ({ flakeDir: dir, now: () => NOW, ages: () => DEFAULT_AGES, update: updater([]), git });
    const inRepo = createRepoService(options(repo.dir));
    expect(await inRepo.gitState()).toMatchObject({ branch: 'main' });
    expect(await inRepo.gitProblem?.()).toBeNull();
    const plain = createRepoService(options(world.root));
    expect(await plain.gitState()).toBeNull();
    expect(await plain.gitProblem?.()).toBeNull();
    const noGit = createRepoService(options(repo.dir, { env: { ...world.env, PATH: path.join(world.root, 'empty') } }));
    expect(await noGit.gitState()).toBeNull();
    expect(await noGit.gitProblem?.()).toMatchObject({ ok: false, error: 'git is not installed (not found in PATH)', hint: expect.stringContaining('install git') });
    expect(await noGit.deployedTags()).toEqual([]);
    expect(await noGit.commit('x')).toMatchObject({ ok: false, error: 'git is not installed (not found in PATH)' });
    expect(await noGit.lookupCommits(['abcdef1'])).toEqual({ abcdef1: null });
    // a repository that vanished: the service says it is not one any more
    rmSync(path.join(repo.dir, '.git'), { recursive: true });
    expect(await inRepo.gitState()).toBeNull();
  });

  it('commit, tag and read back through the service', async () => {
    const repo = await makeRepo(gitWorld());
    repo.world.setGlobalConfig('[user]\n\tname = U\n\temail = u@example.invalid\n');
    await repo.commitFile('a', '1', 'one');
    const service = createRepoService({ flakeDir: repo.dir, now: () => NOW, ages: () => DEFAULT_AGES, update: updater([]), git: repo.world.options });
    repo.write('a', '2');
    const made = await service.commit('hq: switch 7 — a');
    expect(made.ok).toBe(true);
    if (!made.ok) return;
    expect(await service.tagDeployed('hq', made.value.hash)).toEqual({ ok: true, value: undefined });
    expect(await service.deployedTags()).toEqual([{ host: 'hq', hash: made.value.hash, behind: 0 }]);
    const history = await service.log(10);
    expect(history.ok && history.value.map((c) => c.subject)).toEqual(['hq: switch 7 — a', 'one']);
    const shown = await service.showCommit(made.value.hash.slice(0, 7));
    expect(shown.ok && shown.value[0]).toBe(`commit ${made.value.hash}`);
    expect(await service.changesText()).toEqual({ ok: true, value: ['nothing changed: the working tree is clean'] });
  });
});
