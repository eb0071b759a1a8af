// Commit after a REAL switch: the console's own services (as src/console.tsx wires them: the runs
// service over SSH, the generation reads, the fleet status, the repository service) and its state,
// on a git clone of the test fleet's flake (the shared flake is never changed). A tracked file
// that t460's configuration does not use is changed, t460 is switched from the clone (built here,
// copied, activated, confirmed over a new SSH connection), and the commit question is answered
// with Enter through the console's key dispatcher. The clone has its own user.name/user.email:
// the user's repository config, which nixdeck's commit uses as it is.
//
// t460 is built from a dirty tree, so its system names no commit (the flake's self.rev is unset):
// deployed/t460 goes to the commit made right after (src/core/deployTag.ts).
import { execa } from 'execa';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Key } from 'ink';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { consoleServices } from '../../src/console.js';
import { DEFAULT_PREFS, type Prefs } from '../../src/core/prefsSchema.js';
import type { RunView } from '../../src/core/runsService.js';
import { lazyFleetStatus } from '../../src/services/fleetStatusLazy.js';
import { consoleRemote, lazyGenerations, lazyRuns } from '../../src/services/lazyServices.js';
import { lazyFlakeUpdater, lazyRepoService } from '../../src/services/repoServiceLazy.js';
import { Controller } from '../../src/state/controller.js';
import { type Environment, localEnvironment } from '../../src/system/context.js';
import { handleKey } from '../../src/ui/keys/dispatch.js';
import { type Fleet, setupFleet, useFleet } from '../helpers/fleet.js';

const fleetResult = await setupFleet();
const { skip, fleet } = useFleet('commit after a real switch of t460 from a clone of the test fleet flake', fleetResult);

/** the identity in the clone's own .git/config */
const USER = { name: 'Fleet Keeper', email: 'keeper@fleet.invalid' };
/** tracked, read by folder discovery only: t460's toplevel does not depend on it */
const UNUSED_FILE = 'hosts/pi/configuration.nix';
/** the supervisor and the deploy runner from source: this process is vitest, not the CLI */
const self = (sub: string): string[] => [process.execPath, '--import', 'tsx', path.resolve('src/cli.ts'), sub];

const saved = { ...process.env };
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const clean of cleanups.splice(0).reverse()) await clean().catch(() => {});
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
});

interface Clone {
  dir: string;
  git(...args: string[]): Promise<string>;
}

/** `git clone` of the fleet's flake into a temporary folder, with the user's identity in its config. */
async function cloneFleetFlake(f: Fleet, work: string): Promise<Clone> {
  const dir = path.join(work, 'flake');
  await execa('git', ['clone', '-q', f.flake, dir]);
  const git = async (...args: string[]): Promise<string> => (await execa('git', ['-C', dir, ...args])).stdout.trimEnd();
  await git('config', 'user.name', USER.name);
  await git('config', 'user.email', USER.email);
  await git('config', 'commit.gpgsign', 'false');
  return { dir, git };
}

/**
 * The console's controller and services on the clone, as src/console.tsx makes them, with hq's
 * root as this machine's (so t460 is reached over the fleet's sshd, NIX_SSHOPTS from its env.sh).
 */
async function openConsole(f: Fleet, flake: string, work: string): Promise<Controller> {
  Object.assign(process.env, f.env, { XDG_STATE_HOME: path.join(work, 'state'), XDG_CACHE_HOME: path.join(work, 'cache'), XDG_CONFIG_HOME: path.join(work, 'config') });
  const prefs: Prefs = { ...DEFAULT_PREFS, lastPane: 'hosts' };
  const local = localEnvironment({ flake, root: f.hostRoot('hq') }, prefs);
  const env: Environment = { ...local, rebuild: { ...local.rebuild, supervisor: self('__supervise'), deployRunner: self('__deploy') } };
  const remote = consoleRemote(env, prefs);
  const runs = lazyRuns(env, remote);
  const fleetStatus = lazyFleetStatus(env, prefs);
  const services = consoleServices(env, () => {}, runs, lazyGenerations(env, false, remote), fleetStatus);
  services.repo = lazyRepoService({
    flakeDir: env.flakeDir,
    now: Date.now,
    ages: () => ({ fresh: prefs.inputFreshDays, old: prefs.inputOldDays, veryOld: prefs.inputVeryOldDays }),
    update: lazyFlakeUpdater({ stateDir: env.rebuild.stateDir, flakeDir: env.flakeDir, supervisor: env.rebuild.supervisor }),
  });
  const c = new Controller(services, { flakeDir: env.flakeDir, home: os.homedir(), todoFile: env.todoFile, prefs, color: false });
  cleanups.push(async () => {
    c.dispose();
    runs.close();
    remote?.passwords.clear();
    await fleetStatus.close().catch(() => {});
    await env.dispose?.();
  });
  await c.start();
  await vi.waitFor(() => expect(c.state.panes.hosts.hits.map((h) => h.item.name)).toContain('t460'), { timeout: 60_000 });
  return c;
}

const NO_KEY: Key = {
  upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false,
  return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false,
  super: false, hyper: false, capsLock: false, numLock: false,
};

/** Enter, through the console's one key dispatcher. */
function pressEnter(c: Controller): void {
  handleKey(c, '\r', { ...NO_KEY, return: true }, () => {});
}

/** t460 selected, s, the question confirmed; resolves with the run once it has ended. */
async function switchT460(c: Controller): Promise<RunView> {
  c.lists.moveTo(c.state.panes.hosts.hits.findIndex((h) => h.item.name === 't460'));
  expect(c.state.panes.hosts.hits[c.state.panes.hosts.cursor]?.item.name).toBe('t460');
  c.runs.requestRun('switch');
  await vi.waitFor(() => expect(c.state.dialog?.kind, c.state.notice?.text).toBe('confirmRun'), { timeout: 30_000 });
  c.dialogs.confirmDialog();
  const ended = (): RunView | undefined => Object.values(c.state.runs.views).find((v) => v.host === 't460' && v.action === 'switch' && v.phase !== 'running');
  await vi.waitFor(() => expect(ended()).toBeDefined(), { timeout: 150_000, interval: 200 });
  return ended() as RunView;
}

describe('commit after a real switch of t460 (test fleet, a clone of its flake)', () => {
  it.skipIf(skip)('the switch is confirmed, Enter commits with the template message, the tree is clean, deployed/t460 is that commit', { timeout: 240_000 }, async () => {
    const f = fleet();
    const work = await mkdtemp(path.join(os.tmpdir(), 'nixdeck-commitswitch-'));
    cleanups.push(() => rm(work, { recursive: true, force: true }));
    const clone = await cloneFleetFlake(f, work);
    const before = await clone.git('rev-parse', 'HEAD');
    writeFileSync(path.join(clone.dir, UNUSED_FILE), `${readFileSync(path.join(clone.dir, UNUSED_FILE), 'utf8')}# pi keeps its swap off\n`);

    const c = await openConsole(f, clone.dir, work);
    const run = await switchT460(c);
    expect(run.phase, run.progress.tail.join('\n')).toBe('succeeded');
    expect(run.progress.tail.join('\n')).toContain('nixdeck: t460: confirmed');

    // the question: t460 is remote, so its action is "deploy"; the generation read again from t460
    await vi.waitFor(() => expect(c.state.dialog?.kind, c.state.notice?.text).toBe('commit'), { timeout: 60_000 });
    const dialog = c.state.dialog;
    expect(dialog).toMatchObject({ kind: 'commit', hosts: ['t460'], action: 'switch', files: [UNUSED_FILE] });
    const message = dialog?.kind === 'commit' ? dialog.message : '';
    expect(message).toMatch(new RegExp(`^t460: deploy generation \\d+ — ${UNUSED_FILE.replace(/\./g, '\\.')}$`));
    const t460 = c.state.generations.t460;
    const current = t460?.status === 'ok' ? t460.value.generations.find((g) => g.current) : undefined;
    expect(current?.running).toBe(true);
    expect(message).toBe(`t460: deploy generation ${current?.generation} — ${UNUSED_FILE}`);
    // built from the dirty tree: the system it runs names no commit
    expect(current?.configurationRevision ?? '').not.toMatch(/^[0-9a-f]{7,}$/);

    pressEnter(c);
    await vi.waitFor(() => expect(c.state.notice?.text).toMatch(/deployed\/t460/), { timeout: 30_000 });
    const head = await clone.git('rev-parse', 'HEAD');
    expect(head).not.toBe(before);
    expect(await clone.git('rev-parse', 'HEAD^')).toBe(before);
    expect(await clone.git('log', '-1', '--format=%s%x00%an%x00%ae')).toBe(`${message}\u0000${USER.name}\u0000${USER.email}`);
    expect(await clone.git('show', '--name-only', '--format=', 'HEAD')).toBe(UNUSED_FILE);
    expect(await clone.git('status', '--porcelain')).toBe('');
    expect(await clone.git('rev-parse', 'deployed/t460^{commit}')).toBe(head);
    expect(c.state.notice).toEqual({ kind: 'info', text: `committed ${head.slice(0, 7)} "${message}" · deployed/t460 → ${head.slice(0, 7)}` });
    // nothing is pushed: the fleet's flake does not have the commit
    expect((await execa('git', ['-C', f.flake, 'cat-file', '-t', head], { reject: false })).exitCode).not.toBe(0);
  });

  it.skipIf(skip)('a pre-commit hook that refuses: its output in the text view, "nothing was lost", the change still there, no tag moved', { timeout: 240_000 }, async () => {
    const f = fleet();
    const work = await mkdtemp(path.join(os.tmpdir(), 'nixdeck-commitswitch-'));
    cleanups.push(() => rm(work, { recursive: true, force: true }));
    const clone = await cloneFleetFlake(f, work);
    const before = await clone.git('rev-parse', 'HEAD');
    // t460 was deployed from this commit before: its tag must stay there
    await clone.git('update-ref', 'refs/tags/deployed/t460', before);
    const hook = path.join(clone.dir, '.git', 'hooks', 'pre-commit');
    writeFileSync(hook, '#!/bin/sh\necho "nixfmt: hosts/pi/configuration.nix is not formatted" >&2\necho "run nixfmt and commit again" >&2\nexit 1\n');
    chmodSync(hook, 0o755);
    const changed = `${readFileSync(path.join(clone.dir, UNUSED_FILE), 'utf8')}# pi gets zram swap\n`;
    writeFileSync(path.join(clone.dir, UNUSED_FILE), changed);

    const c = await openConsole(f, clone.dir, work);
    const run = await switchT460(c);
    expect(run.phase, run.progress.tail.join('\n')).toBe('succeeded');
    await vi.waitFor(() => expect(c.state.dialog?.kind, c.state.notice?.text).toBe('commit'), { timeout: 60_000 });

    pressEnter(c);
    await vi.waitFor(() => expect(c.state.notice?.kind).toBe('error'), { timeout: 30_000 });
    const notice = c.state.notice?.text ?? '';
    expect(notice).toMatch(/^commit failed, nothing was lost: the changed file stays in the working tree/);
    expect(notice).toContain('no deployed/t460 tag: t460 was built from uncommitted changes that were not committed');
    expect(c.state.textView?.title).toBe('git commit failed');
    const shown = c.state.textView?.lines;
    const text = shown?.status === 'ok' ? shown.value.join('\n') : '';
    expect(text).toContain('nixfmt: hosts/pi/configuration.nix is not formatted');
    expect(text).toContain('run nixfmt and commit again');
    expect(text).toContain('nothing was lost');

    expect(await clone.git('rev-parse', 'HEAD')).toBe(before);
    expect(readFileSync(path.join(clone.dir, UNUSED_FILE), 'utf8')).toBe(changed);
    // unstaged as it was before the commit was tried
    expect(await clone.git('status', '--porcelain')).toBe(` M ${UNUSED_FILE}`);
    expect(await clone.git('rev-parse', 'deployed/t460^{commit}')).toBe(before);
    expect(await clone.git('tag', '--list', 'deployed/*')).toBe('deployed/t460');
  });
});
