// Real git repositories in temporary folders for the repository tests. The setup's own commits
// get a fixed identity and dates through -c / environment HERE only; the code under test sees
// the "user's" config: a global config file of the test's own (GIT_CONFIG_GLOBAL), no system one.
import { execa, execaSync } from 'execa';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import type { GitOptions } from '../../src/system/git/run.js';
import { commandAbsent } from '../helpers/commandAbsent.js';
import { inCI } from '../helpers/fleet.js';

/** Why these tests cannot run here, or null; in CI a missing git is an error, not a skip. */
export function gitMissing(suite: string): string | null {
  const reason = commandAbsent('git', '--version', 'apt-get install git');
  if (reason === null) return null;
  if (inCI()) throw new Error(`${suite}: ${reason}`);
  console.warn(`skipping ${suite}: ${reason}`);
  return reason;
}

const roots: string[] = [];
afterAll(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

export interface TestWorld {
  root: string;
  /** the environment every git here runs with: the world's global config, no system config */
  env: Record<string, string>;
  /** what the code under test is given */
  options: GitOptions;
  /** the "user's" ~/.gitconfig */
  setGlobalConfig(text: string): void;
}

export const IDENTITY = { name: 'Ada Tester', email: 'ada@example.invalid' };

/** A folder of its own with an empty global git config; nothing above it is a repository. */
export function gitWorld(): TestWorld {
  const root = mkdtempSync(path.join(tmpdir(), 'nixdeck-git-'));
  roots.push(root);
  const globalConfig = path.join(root, 'gitconfig');
  writeFileSync(globalConfig, '');
  const env = {
    GIT_CONFIG_GLOBAL: globalConfig,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CEILING_DIRECTORIES: root,
    HOME: root,
  };
  return {
    root,
    env,
    options: { env },
    setGlobalConfig: (text) => writeFileSync(globalConfig, text),
  };
}

let tick = 0;

export interface TestRepo {
  dir: string;
  world: TestWorld;
  /** git in the repository as the test setup runs it (fixed identity and dates); stdout trimmed */
  git(...args: string[]): Promise<string>;
  write(file: string, text: string): void;
  /** writes a file and commits it with a fixed identity and date; returns the new HEAD */
  commitFile(file: string, text: string, subject: string): Promise<string>;
}

export async function makeRepo(world: TestWorld, name = 'repo', options: { init?: boolean } = {}): Promise<TestRepo> {
  const dir = path.join(world.root, name);
  mkdirSync(dir, { recursive: true });
  const git = async (...args: string[]): Promise<string> => {
    tick++;
    const date = new Date(Date.UTC(2026, 0, 1) + tick * 3_600_000).toISOString();
    const r = await execa('git', ['-c', `user.name=${IDENTITY.name}`, '-c', `user.email=${IDENTITY.email}`, ...args], {
      cwd: dir,
      env: { ...world.env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
    });
    return r.stdout.trim();
  };
  if (options.init !== false) await git('init', '-q', '-b', 'main');
  const write = (file: string, text: string): void => {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  };
  return {
    dir,
    world,
    git,
    write,
    async commitFile(file, text, subject) {
      write(file, text);
      await git('add', '--', file);
      await git('commit', '-q', '--allow-empty-message', '-m', subject);
      return git('rev-parse', 'HEAD');
    },
  };
}

/** Options whose git records each of its runs (one line of arguments each) before running the real one. */
export function countingGit(world: TestWorld): { options: GitOptions; calls(): string[] } {
  const bin = mkdtempSync(path.join(world.root, 'bin-'));
  const logFile = path.join(bin, 'calls');
  const real = execaSync('sh', ['-c', 'command -v git']).stdout.trim();
  writeFileSync(path.join(bin, 'git'), `#!/bin/sh\necho "$*" >> '${logFile}'\nexec '${real}' "$@"\n`);
  chmodSync(path.join(bin, 'git'), 0o755);
  return {
    options: { env: { ...world.env, PATH: `${bin}:${process.env.PATH ?? ''}` } },
    calls: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').filter((line) => line !== '') : []),
  };
}
