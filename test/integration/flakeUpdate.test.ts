// `nixdeck update` with the real nix (2.8 here: `nix flake lock --update-input` and `nix flake
// update DIR`) on a clone of the test fleet's flake given a local git input `tools`: the update
// changes flake.lock, the run is listed, the revert puts the bytes back; an unknown input and a
// missing nix start nothing. Everything lives in a private folder of the fleet.
import { execa } from 'execa';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { builtCli, CLI_PATH, isSkip, setupFleet, useFleet } from '../helpers/fleet.js';

const cli = builtCli();
const fleetResult = isSkip(cli) ? cli : await setupFleet();
const { skip, fleet } = useFleet('nixdeck update against a clone of the test fleet flake (real nix)', fleetResult, cli);

let work = '';
let clone = '';
let tools = '';
/** flake.lock as committed in the clone, byte for byte */
let committedLock = '';
const GIT_ID = ['-c', 'user.name=nixdeck-test', '-c', 'user.email=test@nixdeck.invalid', '-c', 'commit.gpgsign=false', '-c', 'init.defaultBranch=main'];

function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = {
    ...process.env,
    ...fleet().env,
    TZ: 'UTC',
    NO_COLOR: '1',
    XDG_CONFIG_HOME: path.join(work, 'xdg-config'),
    XDG_STATE_HOME: path.join(work, 'xdg-state'),
    XDG_CACHE_HOME: path.join(work, 'xdg-cache'),
    GIT_CONFIG_NOSYSTEM: '1',
    ...extra,
  };
  delete e.FORCE_COLOR;
  return e;
}

async function git(dir: string, ...args: string[]): Promise<string> {
  const result = await execa('git', ['-C', dir, ...GIT_ID, ...args], { env: env(), stdin: 'ignore' });
  return String(result.stdout).trim();
}

async function nixdeck(args: string[], extra: NodeJS.ProcessEnv = {}): Promise<{ exitCode: number | undefined; stdout: string; stderr: string }> {
  const result = await execa(process.execPath, [CLI_PATH, ...args], { env: env(extra), extendEnv: false, cwd: work, reject: false, stdin: 'ignore', timeout: 120_000 });
  return { exitCode: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr) };
}

function lockedToolsRev(): string {
  const lock = JSON.parse(readFileSync(path.join(clone, 'flake.lock'), 'utf8')) as { nodes: Record<string, { locked?: { rev?: string } }> };
  return lock.nodes.tools?.locked?.rev ?? '';
}

async function runsJson(): Promise<Array<{ id: string; host: string; action: string; result: string }>> {
  const result = await nixdeck(['runs', '--json']);
  expect(result.exitCode, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Array<{ id: string; host: string; action: string; result: string }>;
}

beforeAll(async () => {
  if (skip) return;
  const f = fleet();
  work = path.join(f.root, 'update-test');
  tools = path.join(work, 'tools');
  clone = path.join(work, 'fleet');
  await mkdir(tools, { recursive: true });
  await git(tools, 'init', '-q');
  writeFileSync(path.join(tools, 'tool.sh'), 'echo one\n');
  await git(tools, 'add', '-A');
  await git(tools, 'commit', '-q', '-m', 'tools: one');
  await execa('git', ['clone', '-q', f.flake, clone], { env: env(), stdin: 'ignore' });
  const flakeNix = path.join(clone, 'flake.nix');
  const text = readFileSync(flakeNix, 'utf8');
  expect(text).toContain('outputs = { self }:');
  writeFileSync(flakeNix, text.replace('outputs = { self }:', `inputs.tools = { url = "git+file://${tools}"; flake = false; };\n  outputs = { self, tools }:`));
  await execa('nix', ['--extra-experimental-features', 'nix-command flakes', 'flake', 'lock', clone], { env: env(), stdin: 'ignore', timeout: 120_000 });
  await git(clone, 'add', '-A');
  await git(clone, 'commit', '-q', '-m', 'tools input');
  committedLock = readFileSync(path.join(clone, 'flake.lock'), 'utf8');
  writeFileSync(path.join(tools, 'tool.sh'), 'echo two\n');
  await git(tools, 'commit', '-q', '-a', '-m', 'tools: two');
}, 180_000);

describe('nixdeck update with the real nix', () => {
  it.skipIf(skip)('update tools: a run of flake.lock that locks the new commit, an old → new table, nothing committed', async () => {
    const first = await git(tools, 'rev-parse', 'HEAD~1');
    const second = await git(tools, 'rev-parse', 'HEAD');
    expect(lockedToolsRev()).toBe(first);
    const head = await git(clone, 'rev-parse', 'HEAD');

    const result = await nixdeck(['update', 'tools', '--flake', clone]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(lockedToolsRev()).toBe(second);
    const id = /^run (\S+): update tools in flake\.lock/m.exec(result.stderr)?.[1] ?? '';
    expect(id).toMatch(/-flake\.lock-update-/);
    // nix's own report, echoed from the run's log, then the table
    expect(result.stdout).toContain("• Updated input 'tools':");
    const out = result.stdout.split('\n');
    expect(out).toContainEqual(expect.stringMatching(/^INPUT +OLD +NEW +GAINED$/));
    expect(out).toContainEqual(expect.stringMatching(new RegExp(`^tools +${first.slice(0, 7)} \\d{4}-\\d\\d-\\d\\d +${second.slice(0, 7)} \\d{4}-\\d\\d-\\d\\d +\\+\\d+ days?$`)));
    expect(out).toContain(`put it back: nixdeck update --revert ${id}`);
    expect(out.at(-1)).toBe('Nothing committed: review with `git diff flake.lock`; build the hosts before you commit.');
    expect(await git(clone, 'rev-parse', 'HEAD')).toBe(head);
    expect(await git(clone, 'status', '--short')).toBe('M flake.lock');

    expect((await runsJson()).find((r) => r.id === id)).toMatchObject({ host: 'flake.lock', action: 'update', result: 'succeeded' });
  }, 120_000);

  it.skipIf(skip)('update --revert puts the bytes of flake.lock back and keeps the file it replaced', async () => {
    const updated = readFileSync(path.join(clone, 'flake.lock'), 'utf8');
    const result = await nixdeck(['update', '--revert', '--flake', clone]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(readFileSync(path.join(clone, 'flake.lock'), 'utf8')).toBe(committedLock);
    expect(await git(clone, 'status', '--short')).toBe('');
    const kept = /^the flake\.lock it replaced is kept in (.+)$/m.exec(result.stdout)?.[1] ?? '';
    expect(existsSync(kept)).toBe(true);
    expect(readFileSync(kept, 'utf8')).toBe(updated);
  }, 60_000);

  it.skipIf(skip)('update with no names updates every input (`nix flake update DIR` on 2.8); again: flake.lock unchanged', async () => {
    const second = await git(tools, 'rev-parse', 'HEAD');
    const all = await nixdeck(['update', '--flake', clone]);
    expect(all.exitCode, all.stderr).toBe(0);
    expect(all.stderr).toMatch(/^run \S+: update every input of flake\.lock/m);
    expect(lockedToolsRev()).toBe(second);
    const again = await nixdeck(['update', '--flake', clone]);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stdout.split('\n')).toContain('flake.lock unchanged');
    expect(again.stdout).not.toContain('put it back');
  }, 120_000);

  it.skipIf(skip)('an unknown input: exit 2, the inputs there are, nothing run', async () => {
    const before = (await runsJson()).length;
    const result = await nixdeck(['update', 'nixpkgs', '--flake', clone]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('error: no input "nixpkgs" in flake.lock; the inputs of flake.lock are: tools');
    expect((await runsJson()).length).toBe(before);
  }, 60_000);

  it.skipIf(skip)('no nix on PATH: a clear message, nothing run', async () => {
    const before = (await runsJson()).length;
    const empty = path.join(work, 'empty-bin');
    await mkdir(empty, { recursive: true });
    const result = await nixdeck(['update', 'tools', '--flake', clone], { PATH: empty });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('error: nix is not installed (not found in PATH): nothing was started');
    expect((await runsJson()).length).toBe(before);
  }, 60_000);
});
