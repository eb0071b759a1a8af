// `nixdeck generations --json`: every generation, local or remote, carries `revision`, `commit`
// (null or { hash, subject, date }) and `dirty`, matched against the flake folder's git
// repository; a folder that is not a repository gives commit null. The table gains COMMIT.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generationsCommand } from '../../src/commands/generations.js';
import { DEFAULT_PREFS } from '../../src/core/prefsSchema.js';
import type { Host } from '../../src/core/types.js';
import { type Environment, localEnvironment, readRemoteGenerations } from '../../src/system/context.js';
import { type Executor, localExecutor } from '../../src/system/executor.js';
import type { RemoteHost } from '../../src/system/remote/remoteHost.js';
import { makeRoot } from '../helpers/profileFixture.js';
import { fakeIo } from './fakeIo.js';

// the flake: a git repository with two commits at fixed dates
const flake = mkdtempSync(path.join(tmpdir(), 'nixdeck-gencommits-'));
const notRepo = mkdtempSync(path.join(tmpdir(), 'nixdeck-gencommits-plain-'));
const git = (...args: string[]): string =>
  execFileSync('git', ['-C', flake, '-c', 'user.name=Ada', '-c', 'user.email=ada@example.invalid', '-c', 'commit.gpgsign=false', ...args], {
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_DATE: '2026-11-20T10:00:00Z', GIT_COMMITTER_DATE: '2026-11-20T10:00:00Z', GIT_CONFIG_GLOBAL: '/dev/null' },
  }).trim();
git('init', '-q', '-b', 'main');
writeFileSync(path.join(flake, 'flake.nix'), '{ outputs = { self }: { }; }\n');
git('add', '-A');
git('commit', '-q', '-m', 'first: the fleet');
const FIRST = git('rev-parse', 'HEAD');
writeFileSync(path.join(flake, 'hq.nix'), '{ }\n');
git('add', '-A');
git('commit', '-q', '-m', 'hq: enable nginx');
const SECOND = git('rev-parse', 'HEAD');
const MISSING = 'deadbeefdeadbeefdeadbeefdeadbeefdeadbeef';

// hq (this machine): 4 from SECOND, 3 dirty on FIRST, 2 from a commit the repository lacks, 1 with none
const here = makeRoot(
  [
    { number: 1, date: new Date('2026-11-01T12:00:00Z'), version: '25.11.20261101.aaaaaaa', kernel: '6.12.1' },
    { number: 2, date: new Date('2026-11-02T12:00:00Z'), version: '25.11.20261102.aaaaaaa', kernel: '6.12.1', revision: MISSING },
    { number: 3, date: new Date('2026-11-03T12:00:00Z'), version: '25.11.20261103.aaaaaaa', kernel: '6.12.1', revision: `${FIRST}-dirty` },
    { number: 4, date: new Date('2026-11-04T12:00:00Z'), version: '25.11.20261104.aaaaaaa', kernel: '6.12.1', swRevision: SECOND },
  ],
  { current: 4 },
);
mkdirSync(path.join(here.root, 'etc'));
writeFileSync(path.join(here.root, 'etc/hostname'), 'hq\n');
afterAll(() => {
  here.cleanup();
  rmSync(flake, { recursive: true, force: true });
  rmSync(notRepo, { recursive: true, force: true });
});

/** Another host answering over an executor: the host-facts script run here on hq's root. */
function remoteHost(name: string): RemoteHost {
  const executor: Executor = {
    run: (argv, opts) => {
      const [sh = 'sh', c = '-c', script = '', label = 'host-facts'] = argv;
      return localExecutor.run([sh, c, script, label, path.join(here.root, 'nix/var/nix/profiles/system'), here.root], opts);
    },
  };
  return {
    name,
    destination: name,
    executor,
    connect: async () => ({ ok: true }),
    reach: async () => ({ ok: true, rttMs: 1 }),
    freshReach: async () => ({ ok: true, rttMs: 1 }),
    nixSshOpts: () => '',
    storeUri: () => `ssh-ng://${name}`,
  };
}

function envFor(flakeDir: string): Environment {
  const base = localEnvironment({ root: here.root, flake: flakeDir }, DEFAULT_PREFS);
  return { ...base, readGenerations: (host: Host) => (host.local ? base.readGenerations(host) : readRemoteGenerations(remoteHost(host.name))) };
}

interface Row {
  generation: number;
  revision: string | null;
  commit: { hash: string; subject: string; date: string } | null;
  dirty: boolean;
}

async function rows(env: Environment, host?: string): Promise<Row[]> {
  const io = fakeIo();
  expect(await generationsCommand(env, io, true, host)).toBe(0);
  expect(io.stderr).toEqual([]);
  return JSON.parse(io.stdout.join('\n')) as Row[];
}

const pick = (r: Row): Row => ({ generation: r.generation, revision: r.revision, commit: r.commit, dirty: r.dirty });

describe('generations --json: revision, commit, dirty', () => {
  const expected: Row[] = [
    { generation: 4, revision: SECOND, commit: { hash: SECOND, subject: 'hq: enable nginx', date: '2026-11-20T10:00:00Z' }, dirty: false },
    { generation: 3, revision: `${FIRST}-dirty`, commit: { hash: FIRST, subject: 'first: the fleet', date: '2026-11-20T10:00:00Z' }, dirty: true },
    { generation: 2, revision: MISSING, commit: null, dirty: false },
    { generation: 1, revision: null, commit: null, dirty: false },
  ];

  it('this machine: matched against the flake repository', async () => {
    const out = await rows(envFor(flake));
    expect(out.map(pick).map((r) => ({ ...r, commit: r.commit && { ...r.commit, date: new Date(r.commit.date).toISOString().replace('.000', '') } }))).toEqual(expected);
    // exactly these keys in the commit
    expect(Object.keys(out[0]?.commit ?? {}).sort()).toEqual(['date', 'hash', 'subject']);
  });

  it('another host over ssh: the same', async () => {
    const remote = (await rows(envFor(flake), 't460')).map(pick);
    const local = (await rows(envFor(flake))).map(pick);
    expect(remote).toEqual(local);
    expect(remote[0]?.commit?.subject).toBe('hq: enable nginx');
  });

  it('a flake folder that is not a git repository: commit null, the revisions still there', async () => {
    const out = (await rows(envFor(notRepo))).map(pick);
    expect(out.map((r) => r.commit)).toEqual([null, null, null, null]);
    expect(out.map((r) => r.revision)).toEqual([SECOND, `${FIRST}-dirty`, MISSING, null]);
    expect(out.map((r) => r.dirty)).toEqual([false, true, false, false]);
  });

  it('the table has a COMMIT column and says what a ? means', async () => {
    const io = fakeIo();
    expect(await generationsCommand(envFor(flake), io, false)).toBe(0);
    expect(io.stdout[0]).toMatch(/ COMMIT +STATE$/);
    const cells = io.stdout.slice(1, 5).map((line) => line.split(/\s{2,}/)[5]);
    expect(cells).toEqual([SECOND.slice(0, 7), `${FIRST.slice(0, 7)}-dirty`, 'deadbee?', '-']);
    expect(io.stdout).toContain(`COMMIT ending in ?: not a commit of the repository in ${flake}`);
  });
});
