// Commit after a deploy with real git: a CLONE of the test fleet's flake (the shared flake is never
// changed), the real repository service on it, and the real console state. A local switch cannot
// run here, so a fake runs service's run succeeds; everything about the repository is real: the
// question, the commit in `git log`, deployed/<host> moved, a failing pre-commit hook shown in
// full with the change still there, and `status --json`'s deployed field from the real tags.
import { execa } from 'execa';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { statusCommand } from '../../src/commands/status.js';
import type { HostStatus, StatusDeps } from '../../src/core/fleetStatus.js';
import { buildGenerationList } from '../../src/core/generations.js';
import { DEFAULT_AGES } from '../../src/core/inputAge.js';
import { DEFAULT_PREFS } from '../../src/core/prefsSchema.js';
import { createRepoService } from '../../src/services/repoService.js';
import { Controller, type Services } from '../../src/state/controller.js';
import type { Environment } from '../../src/system/context.js';
import { fakeIo } from '../commands/fakeIo.js';
import { setupFleet, useFleet } from '../helpers/fleet.js';
import { gitMissing, gitWorld, IDENTITY } from '../system/gitTestRepo.js';
import { FakeRuns, finished, T_NOW } from '../ui/fakeRuns.js';

const gitSkip = gitMissing('commit after a deploy');
const fleetResult = await setupFleet();
const { skip, fleet } = useFleet('commit after a deploy on a clone of the test fleet flake', fleetResult, ...(gitSkip ? [{ skip: gitSkip }] : []));

class DeployingRuns extends FakeRuns {
  readonly remoteDeploys = true;
}

const store = `/nix/store/${'a'.repeat(32)}-nixos-system-hq`;
const HQ_LIST = buildGenerationList({
  currentNumber: 7,
  runningPath: store,
  bootedPath: store,
  runningKernel: '6.12',
  bootedKernel: '6.12',
  // the fake run builds nothing: the system names no commit, the tree decides the tag
  links: [{ number: 7, mtimeMs: T_NOW, target: store, state: 'ok', nixosVersion: '25.05', kernelVersion: '6.12', configurationRevision: null, specialisations: [] }],
});

async function clonedFleetFlake() {
  const world = gitWorld();
  world.setGlobalConfig(`[user]\n\tname = ${IDENTITY.name}\n\temail = ${IDENTITY.email}\n[commit]\n\tgpgsign = false\n`);
  const dir = path.join(world.root, 'flake');
  await execa('git', ['clone', '-q', fleet().flake, dir], { env: world.env });
  const git = async (...args: string[]): Promise<string> => (await execa('git', ['-C', dir, ...args], { env: world.env })).stdout.trim();
  const repo = createRepoService({
    flakeDir: dir,
    now: () => T_NOW,
    ages: () => DEFAULT_AGES,
    update: { start: async () => ({ ok: false, error: 'no' }), outcome: async () => ({ ok: false, error: 'no' }), revert: async () => ({ ok: false, error: 'no' }) },
    git: world.options,
  });
  return { dir, git, repo };
}

function consoleOn(repo: Services['repo']): { c: Controller; runs: DeployingRuns } {
  const runs = new DeployingRuns();
  const services: Services = {
    hostname: 'hq',
    listFolderHosts: async () => ['hq'],
    evalFlakeHosts: async () => ({ ok: true, names: ['hq'] }),
    readGenerations: async () => ({ ok: true, list: HQ_LIST }),
    readTodos: async () => ({ ok: false, error: 'no todos here', missing: true }),
    setTodoDone: async () => ({ kind: 'error', message: 'not here' }),
    savePrefs: () => {},
    runs,
    ...(repo ? { repo } : {}),
  };
  return { c: new Controller(services, { flakeDir: '/flake', todoFile: '/flake/PROJECT.md', prefs: { ...DEFAULT_PREFS, lastPane: 'hosts' }, runRefreshMs: 0, now: () => T_NOW }), runs };
}

/** s, y on hq; the run succeeds; the commit question comes. */
async function switchSucceeds(c: Controller, runs: DeployingRuns, run: string): Promise<void> {
  c.runs.requestRun('switch');
  await vi.waitFor(() => expect(c.state.dialog?.kind).toBe('confirmRun'));
  c.dialogs.confirmDialog();
  await vi.waitFor(() => expect(c.state.runs.views[run]).toBeDefined());
  runs.push(run, (v) => finished(v, 0));
}

describe('commit after a deploy, real git on a clone of the fleet flake', () => {
  it.skipIf(skip)('the question commits into git log, deployed/hq follows; a failing hook shows its output and keeps the change', { timeout: 60_000 }, async () => {
    const { dir, git, repo } = await clonedFleetFlake();
    const { c, runs } = consoleOn(repo);
    try {
      await c.start();
      const before = await git('rev-parse', 'HEAD');

      // a change, deployed, committed from the question
      writeFileSync(path.join(dir, 'NOTES.md'), 'hq runs nginx now\n');
      await switchSucceeds(c, runs, 'run1');
      await vi.waitFor(() => expect(c.state.dialog).toMatchObject({ kind: 'commit', message: 'hq: switch generation 7 — NOTES.md' }), { timeout: 10_000 });
      c.commit.type(' (nginx)');
      c.commit.submit();
      await vi.waitFor(() => expect(c.state.notice?.text).toMatch(/deployed\/hq → /), { timeout: 10_000 });
      const head = await git('rev-parse', 'HEAD');
      expect(head).not.toBe(before);
      expect(await git('log', '-1', '--format=%s%x00%an')).toBe(`hq: switch generation 7 — NOTES.md (nginx)\u0000${IDENTITY.name}`);
      expect(await git('status', '--porcelain')).toBe('');
      expect(await git('rev-parse', 'deployed/hq^{commit}')).toBe(head);
      expect(c.state.notice?.text).toBe(`committed ${head.slice(0, 7)} "hq: switch generation 7 — NOTES.md (nginx)" · deployed/hq → ${head.slice(0, 7)}`);
      // nothing is pushed: the clone's origin does not have the commit
      expect((await execa('git', ['-C', fleet().flake, 'cat-file', '-t', head], { reject: false })).exitCode).not.toBe(0);

      // status --json: the tag, and how far main has moved on since
      writeFileSync(path.join(dir, 'MORE.md'), 'more\n');
      await git('add', 'MORE.md');
      await git('commit', '-q', '-m', 'more');
      const deps: StatusDeps = {
        limit: 1,
        now: () => T_NOW,
        readHost: async () => ({ ok: false, error: 'not read here' }),
        flakeToplevels: async () => new Map(),
        lastRuns: async () => new Map(),
        deployedTags: async () => (await repo.deployedTags()).map((t) => ({ tag: `deployed/${t.host}`, hash: t.hash, behind: t.behind })),
        close: async () => {},
      };
      const io = fakeIo();
      const env = { flakeDir: dir, hostname: 'hq', listFolderHosts: async () => ['hq'], evalFlakeHosts: async () => ({ ok: true, names: ['hq'] }) } as unknown as Environment;
      await statusCommand(env, io, { hosts: [], json: true }, deps);
      expect((JSON.parse(io.stdout.join('\n')) as HostStatus[])[0]?.deployed).toEqual({ tag: 'deployed/hq', hash: head, behind: 1 });

      // a pre-commit hook that refuses: its output in full, nothing lost, the tag stays
      const hook = path.join(dir, '.git', 'hooks', 'pre-commit');
      writeFileSync(hook, '#!/bin/sh\necho "nixfmt: hosts/hq.nix is not formatted" >&2\necho "run nixfmt and commit again" >&2\nexit 1\n');
      chmodSync(hook, 0o755);
      const tip = await git('rev-parse', 'HEAD');
      writeFileSync(path.join(dir, 'NOTES.md'), 'hq runs nginx and postgres now\n');
      await switchSucceeds(c, runs, 'run2');
      await vi.waitFor(() => expect(c.state.dialog?.kind).toBe('commit'), { timeout: 10_000 });
      c.commit.submit();
      await vi.waitFor(() => expect(c.state.notice?.kind).toBe('error'), { timeout: 10_000 });
      expect(c.state.notice?.text).toMatch(/^commit failed, nothing was lost: the changed file stays in the working tree/);
      const shown = c.state.textView?.lines;
      expect(shown?.status).toBe('ok');
      const text = shown?.status === 'ok' ? shown.value.join('\n') : '';
      expect(text).toContain('nixfmt: hosts/hq.nix is not formatted');
      expect(text).toContain('run nixfmt and commit again');
      expect(await git('rev-parse', 'HEAD')).toBe(tip);
      expect(readFileSync(path.join(dir, 'NOTES.md'), 'utf8')).toBe('hq runs nginx and postgres now\n');
      expect(await git('status', '--porcelain')).toMatch(/NOTES\.md/);
      expect(await git('rev-parse', 'deployed/hq^{commit}')).toBe(head);
      expect(c.state.notice?.text).toContain('no deployed/hq tag: hq was built from uncommitted changes that were not committed');
    } finally {
      c.dispose();
    }
  });
});
