// `nixdeck diff|rollback|prune --root R` against real profiles made by the real nix of the test
// fleet (scripts/test-fleet.sh), through the built CLI (dist/nixdeck.js). Every test works on its
// own copy of a host root (`cp -a`: profile links with their dates, run/current-system and
// run/booted-system pointing at real store paths), with its own FAKE_NIXOS_LOG, where the fleet's
// fake switch-to-configuration writes one line per call, and FAKE_NIXOS_RUN=R/run, so an
// activation moves R/run/current-system as a real one moves /run/current-system.
//
// The fleet: hq has generations 1-4, current and running 4, booted 3 (3 → 4 changes the kernel
// 6.6.32 → 6.12.4); t460 has 1-2, and activating its generation 1 exits 4 (nginx.service failed).
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, writeFile, chmod } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtCli, isSkip, setupFleet, SYSTEM_PROFILE, useFleet, type Fleet, type FleetHost } from '../helpers/fleet.js';

const cli = builtCli();
const fleetResult = isSkip(cli) ? cli : await setupFleet();
const { skip, fleet } = useFleet('diff, rollback and prune against the test fleet (real nix)', fleetResult, cli);

interface Root {
  root: string;
  profile: string;
  log: string;
}

interface Listed {
  generation: number;
  current: boolean;
}

describe('nixdeck rollback --root R (real nix-env profiles)', () => {
  it.skipIf(skip)('--to 2 switches the profile to 2 and runs its switch-to-configuration; --to 4 goes back', async () => {
    const r = await copyRoot('hq');
    const gen2 = await storePath(r, 2);
    const gen4 = await storePath(r, 4);

    const there = await runCli(r, ['rollback', '--to', '2', '--yes', '--root', r.root]);
    expect(there.exitCode, there.stderr).toBe(0);
    expect(await currentOf(r)).toBe(2);
    expect(await switchLog(r)).toEqual([`switch ${gen2}`]);
    expect(await readlinkF(path.join(r.root, 'run/current-system'))).toBe(gen2);
    // the diff against the running system and the confirmation text came first
    expect(there.stdout).toContain('Changes from the running system (generation 4) to generation 2:');
    expect(there.stdout).toContain('Kernel: 6.12.4 → 6.6.32');
    expect(there.stdout).toMatch(/Roll back hq to generation 2 \(2025-06-15 11:30 UTC, NixOS 25\.05\.20250615\.bbbbbbb, kernel 6\.6\.32\)/);
    expect(there.stdout).toContain('switching profile from version 4 to 2');
    expect(there.stdout).toContain('hq switch: succeeded');

    const back = await runCli(r, ['rollback', '--to', '4', '--yes', '--root', r.root]);
    expect(back.exitCode, back.stderr).toBe(0);
    expect(await currentOf(r)).toBe(4);
    expect(await switchLog(r)).toEqual([`switch ${gen2}`, `switch ${gen4}`]);
    expect(back.stdout).toContain('Switch hq to generation 4');
  });

  it.skipIf(skip)('without --to: the previous generation (highest below the current one)', async () => {
    const r = await copyRoot('hq');
    const result = await runCli(r, ['rollback', '--yes', '--root', r.root]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(await currentOf(r)).toBe(3);
    expect(await switchLog(r)).toEqual([`switch ${await storePath(r, 3)}`]);
  });

  it.skipIf(skip)("t460's generation 1 exits 4 on activation: a partial success naming the unit, the profile stays switched", async () => {
    const r = await copyRoot('t460');
    const result = await runCli(r, ['rollback', '--yes', '--root', r.root]);
    expect(result.exitCode, result.stderr).toBe(4);
    expect(result.stdout).toContain('t460 switch: switched, but 1 unit failed: nginx.service');
    expect(result.stdout).toContain('switched to generation 1, but some units failed');
    expect(await currentOf(r)).toBe(1);
    expect(await switchLog(r)).toEqual([`switch ${await storePath(r, 1)}`]);
  });

  it.skipIf(skip)('an activation that exits 2: the profile is switched back to where it was, and the output says so', async () => {
    const r = await copyRoot('hq');
    const broken = await brokenToplevel(r, 2);
    await nixEnv(r, ['--set', broken]); // generation 5, current
    await nixEnv(r, ['--switch-generation', '4']);
    expect(await currentOf(r)).toBe(4);

    const result = await runCli(r, ['rollback', '--to', '5', '--yes', '--root', r.root]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('switching profile from version 4 to 5');
    expect(result.stdout).toContain('activating generation 5 failed (switch-to-configuration exit 2); the profile was switched back to generation 4');
    expect(result.stdout).toMatch(/hq switch: failed: activating generation 5 failed/);
    expect(await currentOf(r)).toBe(4);
    expect((await listGenerations(r)).map((g) => g.generation)).toEqual([1, 2, 3, 4, 5]);
    // the broken toplevel ran (it logs nothing itself); the running system did not move
    expect(await readlinkF(path.join(r.root, 'run/current-system'))).toBe(await storePath(r, 4));
  });

  it.skipIf(skip)('boot: the profile moves, nothing is activated now', async () => {
    const r = await copyRoot('hq');
    const running = await readlinkF(path.join(r.root, 'run/current-system'));
    const result = await runCli(r, ['rollback', '--to', '3', '--action', 'boot', '--yes', '--root', r.root]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(await currentOf(r)).toBe(3);
    expect(await switchLog(r)).toEqual([`boot ${await storePath(r, 3)}`]);
    expect(await readlinkF(path.join(r.root, 'run/current-system'))).toBe(running);
    expect(result.stdout).toContain('is the boot default now');
  });

  it.skipIf(skip)('test: activates system-N-link without touching the profile', async () => {
    const r = await copyRoot('hq');
    const gen2 = await storePath(r, 2);
    const result = await runCli(r, ['rollback', '--to', '2', '--action', 'test', '--yes', '--root', r.root]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(await currentOf(r)).toBe(4);
    expect(await switchLog(r)).toEqual([`test ${gen2}`]);
    expect(await readlinkF(path.join(r.root, 'run/current-system'))).toBe(gen2);
    expect(result.stdout).toContain(`${path.join(r.root, SYSTEM_PROFILE)}-2-link/bin/switch-to-configuration test`);

    // the generations now show 4 current, 2 running
    const gens = await runCli(r, ['generations', '--json', '--root', r.root]);
    const list = JSON.parse(gens.stdout) as Array<{ generation: number; current: boolean; running: boolean }>;
    expect(list.filter((g) => g.current).map((g) => g.generation)).toEqual([4]);
    expect(list.filter((g) => g.running).map((g) => g.generation)).toEqual([2]);
  });

  it.skipIf(skip)('refuses without --yes when standard input is not a terminal, and changes nothing', async () => {
    const r = await copyRoot('hq');
    const result = await runCli(r, ['rollback', '--to', '2', '--root', r.root]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('refusing to switch generations without --yes');
    expect(result.stdout).toContain('Roll back hq to generation 2');
    expect(await currentOf(r)).toBe(4);
    expect(await switchLog(r)).toEqual([]);
  });

  it.skipIf(skip)('bad usage exits 2; a generation that does not exist or another host exits 1', async () => {
    const r = await copyRoot('hq');
    for (const args of [['--to', 'two'], ['--to', '0'], ['--action', 'build'], ['--to', '-1']]) {
      const result = await runCli(r, ['rollback', ...args, '--yes', '--root', r.root]);
      expect(result.exitCode, `${args.join(' ')}: ${result.stderr}`).toBe(2);
    }
    const missing = await runCli(r, ['rollback', '--to', '9', '--yes', '--root', r.root]);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain('generation 9 does not exist (this profile has 1, 2, 3, 4)');
    // another host is reached over SSH: one that refuses the connection fails with the reason in one line
    const f = fleet();
    const refused = await runCli(r, ['rollback', 't460', '--yes', '--root', r.root], { NIX_SSHOPTS: `-F ${f.sshConfig} -p ${f.refusedPort}` });
    expect(refused.exitCode, refused.stderr).toBe(1);
    expect(refused.stderr).toMatch(/^error: .*t460.*connection refused/im);
    expect(refused.stderr).not.toContain('not reachable yet');
    expect((await execa('ssh', ['-F', f.sshConfig, 't460', 'readlink /nix/var/nix/profiles/system'])).stdout.trim()).toBe('system-2-link');
    const invalid = await runCli(r, ['rollback', 'bad/host', '--yes', '--root', r.root]);
    expect(invalid.exitCode).toBe(2);
    expect(await currentOf(r)).toBe(4);
    expect(await switchLog(r)).toEqual([]);
  });
});

describe('nixdeck diff --root R', () => {
  it.skipIf(skip)('hq 3 → 4 --json: the kernel change linux 6.6.32 → 6.12.4, packages and closure sizes', async () => {
    const r = await copyRoot('hq');
    const result = await runCli(r, ['diff', '3', '4', '--json', '--root', r.root]);
    expect(result.exitCode, result.stderr).toBe(0);
    const diff = JSON.parse(result.stdout) as {
      host: string;
      from: { generation: number; closureSize: number };
      to: { generation: number; closureSize: number };
      kernel: unknown;
      packages: Array<{ name: string; kind: string }>;
      closureSizeDeltaBytes: number;
    };
    expect(diff.host).toBe('hq');
    expect(diff.kernel).toEqual({ name: 'linux', from: ['6.6.32'], to: ['6.12.4'], kind: 'upgraded' });
    expect(diff.packages.find((p) => p.name === 'neovim')?.kind).toBe('added');
    expect(diff.packages.find((p) => p.name === 'firefox')?.kind).toBe('upgraded');
    expect(diff.from.generation).toBe(3);
    expect(diff.from.closureSize).toBeGreaterThan(0);
    expect(diff.closureSizeDeltaBytes).toBe(diff.to.closureSize - diff.from.closureSize);

    // the same as HOST A B, and as text
    const text = await runCli(r, ['diff', 'hq', '3', '4', '--root', r.root]);
    expect(text.exitCode, text.stderr).toBe(0);
    expect(text.stdout).toContain('Kernel: 6.6.32 → 6.12.4');
    expect(text.stdout).toMatch(/^ {2}neovim +0\.10\.2 +\+151\.7 KiB$/m);
  });

  it.skipIf(skip)('errors: not a number (2), not a generation (1), another host (1)', async () => {
    const r = await copyRoot('hq');
    expect((await runCli(r, ['diff', '3', 'x', '--root', r.root])).exitCode).toBe(2);
    expect((await runCli(r, ['diff', '3', '--root', r.root])).exitCode).toBe(2);
    const missing = await runCli(r, ['diff', '3', '7', '--root', r.root]);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain('generation 7 does not exist');
    // another host's generations are read over SSH: pi's profile has generation 1 only
    const remote = await runCli(r, ['diff', 'pi', '1', '2', '--root', r.root]);
    expect(remote.exitCode).toBe(1);
    expect(remote.stderr).toContain('generation 2 does not exist');
    expect(remote.stderr).toContain('(see: nixdeck generations pi)');
    expect(remote.stderr).not.toContain('not reachable yet');
    // and t460's 1 → 2 is that host's own diff
    const t460 = await runCli(r, ['diff', 't460', '1', '2', '--json', '--root', r.root]);
    expect(t460.exitCode, t460.stderr).toBe(0);
    const diff = JSON.parse(t460.stdout) as { host: string; from: { generation: number }; to: { generation: number } };
    expect(diff).toMatchObject({ host: 't460', from: { generation: 1 }, to: { generation: 2 } });
  });
});

describe('nixdeck prune --root R', () => {
  it.skipIf(skip)('--keep 1 --dry-run lists what would go and stay and changes nothing', async () => {
    const r = await copyRoot('hq');
    const before = await profileState(r);
    const result = await runCli(r, ['prune', '--keep', '1', '--dry-run', '--root', r.root]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Delete \(2\):\n {2}1 .*closure .*\n {2}2 /m);
    expect(result.stdout).toMatch(/^ {2}4 .*current, running, newest 1 generation$/m);
    expect(result.stdout).toMatch(/^ {2}3 .*booted$/m);
    expect(result.stdout).toMatch(/Space freed by the next garbage collection: up to \d/);
    expect(result.stdout).toContain('Dry run: nothing was deleted.');
    expect(await profileState(r)).toEqual(before);
    expect(await switchLog(r)).toEqual([]);

    const json = await runCli(r, ['prune', '--keep', '1', '--dry-run', '--json', '--root', r.root]);
    expect(json.exitCode, json.stderr).toBe(0);
    const plan = JSON.parse(json.stdout) as { delete: Array<{ generation: number; closureSize: number }>; freedBytes: number; outcome: string };
    expect(plan.delete.map((d) => d.generation)).toEqual([1, 2]);
    expect(plan.delete.every((d) => d.closureSize > 0)).toBe(true);
    expect(plan.freedBytes).toBeGreaterThan(0);
    expect(plan.outcome).toBe('dry-run');
    expect(await profileState(r)).toEqual(before);
  });

  it.skipIf(skip)('--keep 2 --yes leaves exactly what it said, never current, running or booted, and refreshes the boot menu', async () => {
    const r = await copyRoot('hq');
    const result = await runCli(r, ['prune', '--keep', '2', '--yes', '--json', '--root', r.root]);
    expect(result.exitCode, result.stderr).toBe(0);
    const plan = JSON.parse(result.stdout) as { keep: Array<{ generation: number; reasons: string[] }>; deleted: number[]; outcome: string };
    expect(plan.outcome).toBe('deleted');
    expect(plan.deleted).toEqual([1, 2]);
    const left = await listGenerations(r);
    expect(left.map((g) => g.generation)).toEqual(plan.keep.map((k) => k.generation).sort((a, b) => a - b));
    expect(left).toEqual([
      { generation: 3, current: false },
      { generation: 4, current: true },
    ]);
    expect(await switchLog(r)).toEqual([`boot ${await storePath(r, 4)}`]);
    expect(result.stderr).toContain('removing profile version 1');
    expect(result.stderr).toMatch(/Garbage collection was not run/);
  });

  it.skipIf(skip)('current, running and booted on three generations all stay with --keep 1', async () => {
    const r = await copyRoot('hq');
    await nixEnv(r, ['--switch-generation', '2']); // current 2, running 4, booted 3
    const result = await runCli(r, ['prune', '--keep', '1', '--yes', '--json', '--root', r.root]);
    expect(result.exitCode, result.stderr).toBe(0);
    const plan = JSON.parse(result.stdout) as { keep: Array<{ generation: number; reasons: string[] }>; deleted: number[] };
    expect(plan.deleted).toEqual([1]);
    expect(plan.keep).toEqual([
      { generation: 4, reasons: ['running', 'newest 1 generation'] },
      { generation: 3, reasons: ['booted'] },
      { generation: 2, reasons: ['current'] },
    ]);
    expect(await listGenerations(r)).toEqual([
      { generation: 2, current: true },
      { generation: 3, current: false },
      { generation: 4, current: false },
    ]);
  });

  it.skipIf(skip)('refuses without --yes when standard input is not a terminal, and changes nothing', async () => {
    const r = await copyRoot('hq');
    const before = await profileState(r);
    const result = await runCli(r, ['prune', '--keep', '1', '--root', r.root]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('refusing to delete generations without --yes');
    expect(await profileState(r)).toEqual(before);
  });

  it.skipIf(skip)('bad usage: no policy, a bad number, a bad pin', async () => {
    const r = await copyRoot('hq');
    for (const args of [[], ['--keep', 'x'], ['--keep', '-1'], ['--keep-days', '0'], ['--keep', '1', '--pin', 'x']]) {
      const result = await runCli(r, ['prune', ...args, '--dry-run', '--root', r.root]);
      expect(result.exitCode, `${args.join(' ')}: ${result.stderr}`).toBe(2);
    }
  });

  it.skipIf(skip)('--pin keeps a generation; nothing to delete is fine', async () => {
    const r = await copyRoot('hq');
    const result = await runCli(r, ['prune', '--keep', '1', '--pin', '1,2', '--yes', '--root', r.root]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('Nothing to delete.');
    expect((await listGenerations(r)).map((g) => g.generation)).toEqual([1, 2, 3, 4]);
  });
});

// --- helpers -------------------------------------------------------------------------------------

let copies = 0;

/** A copy of the host's root in a fresh folder inside the fleet, with its own switch log. */
async function copyRoot(host: FleetHost): Promise<Root> {
  const f = fleet();
  const parent = path.join(f.root, 'generation-ops');
  await mkdir(parent, { recursive: true });
  const root = await mkdtemp(path.join(parent, `${host}-${++copies}-`));
  await execa('cp', ['-a', `${f.hostRoot(host)}/.`, root]);
  const log = path.join(root, 'switch.log');
  await writeFile(log, '');
  return { root, profile: path.join(root, SYSTEM_PROFILE), log };
}

function cliEnv(f: Fleet, r: Root): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...f.env,
    TZ: 'UTC',
    NO_COLOR: '1',
    XDG_CONFIG_HOME: path.join(r.root, '.xdg-config'),
    XDG_STATE_HOME: path.join(r.root, '.xdg-state'),
    XDG_CACHE_HOME: path.join(r.root, '.xdg-cache'),
    FAKE_NIXOS_LOG: r.log,
    FAKE_NIXOS_RUN: path.join(r.root, 'run'),
  };
  delete env.FORCE_COLOR;
  return env;
}

async function runCli(r: Root, args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<{ exitCode: number | undefined; stdout: string; stderr: string }> {
  const f = fleet();
  const result = await execa('node', [cli as string, ...args], { env: { ...cliEnv(f, r), ...extraEnv }, extendEnv: false, reject: false, stdin: 'ignore', timeout: 60_000 });
  return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
}

async function nixEnv(r: Root, args: string[]): Promise<string> {
  const { stdout, stderr } = await execa('nix-env', ['-p', r.profile, ...args], { env: { ...fleet().env, TZ: 'UTC' } });
  return `${stdout}${stderr}`;
}

/** `nix-env --list-generations`, oldest first. */
async function listGenerations(r: Root): Promise<Listed[]> {
  const { stdout } = await execa('nix-env', ['-p', r.profile, '--list-generations'], { env: { ...fleet().env, TZ: 'UTC' } });
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const match = /^\s*(\d+)\s+\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\s*(\(current\))?\s*$/.exec(line);
      if (!match) throw new Error(`unexpected nix-env --list-generations line: ${JSON.stringify(line)}`);
      return { generation: Number(match[1]), current: match[2] !== undefined };
    });
}

async function currentOf(r: Root): Promise<number | undefined> {
  return (await listGenerations(r)).find((g) => g.current)?.generation;
}

async function readlinkF(link: string): Promise<string> {
  return (await execa('readlink', ['-f', link])).stdout;
}

async function storePath(r: Root, generation: number): Promise<string> {
  return readlinkF(`${r.profile}-${generation}-link`);
}

/** `action toplevel` per call of a fake switch-to-configuration, in order. */
async function switchLog(r: Root): Promise<string[]> {
  if (!existsSync(r.log)) return [];
  return (await readFile(r.log, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const m = / action=(\S+) toplevel=(\S+)$/.exec(line);
      return m ? `${m[1]} ${m[2]}` : line;
    });
}

/** The profile folder's links and where they point, plus nix-env's view. */
async function profileState(r: Root): Promise<{ links: string[]; listed: Listed[] }> {
  const dir = path.dirname(r.profile);
  const links: string[] = [];
  for (const entry of (await readdir(dir)).sort()) {
    if (entry !== 'system' && !/^system-\d+-link$/.test(entry)) continue;
    links.push(`${entry} -> ${(await execa('readlink', [path.join(dir, entry)])).stdout}`);
  }
  return { links, listed: await listGenerations(r) };
}

/** A store path shaped like a toplevel whose switch-to-configuration exits `code`. */
async function brokenToplevel(r: Root, code: number): Promise<string> {
  const dir = path.join(r.root, '.broken', `nixos-system-hq-broken-exit${code}`);
  await mkdir(path.join(dir, 'bin'), { recursive: true });
  await writeFile(path.join(dir, 'nixos-version'), `25.11.broken${code}`);
  const script = path.join(dir, 'bin', 'switch-to-configuration');
  await writeFile(script, `#!/bin/sh\necho "Failed to run activate script" >&2\nexit ${code}\n`);
  await chmod(script, 0o755);
  const { stdout } = await execa('nix-store', ['--add', dir], { env: fleet().env });
  return stdout.trim();
}
