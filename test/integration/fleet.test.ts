// The CLI contract (DESIGN.md) against the real test fleet: real nix profiles, real store paths,
// a real flake. Runs the built binary, `node dist/nixdeck.js ...` (npm test builds it first).
//
// Contract assumed here:
// - `generations --root R --json` prints a JSON array, newest first, of
//   { generation, date (ISO 8601 UTC, "…Z", with or without millis), nixosVersion, kernelVersion,
//     configurationRevision, specialisations: string[], current, running, booted,
//     storePath: string | null, status: 'ok' | 'dangling' | 'unreadable' }, reading
//   R/nix/var/nix/profiles/system*, R/run/current-system and R/run/booted-system; exit 0, also
//   when a generation's store path is gone.
// - `hosts --flake F --root R --json` prints [{ name, sources, local }] sorted by name; sources
//   lists "flake" before "folder"; local = name equals the first line of R/etc/hostname. A flake
//   that does not evaluate still lists the folder hosts, exits 0, and stderr is one line starting
//   with "warning:".
import { execa } from 'execa';
import { mkdtemp, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  FLEET_HOSTS,
  SYSTEM_PROFILE,
  builtCli,
  isSkip,
  setupFleet,
  useFleet,
  type Fleet,
  type FleetHost,
} from '../helpers/fleet.js';

const cli = builtCli();
const fleetResult = isSkip(cli) ? cli : await setupFleet();
const { skip, fleet } = useFleet('CLI integration tests against the test fleet', fleetResult, cli);

/** What each host's profile holds (scripts/test-fleet.sh). */
const EXPECTED: Record<FleetHost, { generations: number; current: number; running: number; booted: number }> = {
  hq: { generations: 4, current: 4, running: 4, booted: 3 },
  t460: { generations: 2, current: 2, running: 2, booted: 2 },
  pi: { generations: 1, current: 1, running: 1, booted: 1 },
  edge: { generations: 2, current: 2, running: 2, booted: 2 },
};
const GONE = '/nix/store/00000000000000000000000000000000-nixos-system-gone-25.05';
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;

interface GenerationJson {
  generation: number;
  date: string;
  nixosVersion: string;
  kernelVersion: string;
  configurationRevision: string;
  specialisations: string[];
  current: boolean;
  running: boolean;
  booted: boolean;
  storePath: string | null;
  status: 'ok' | 'dangling' | 'unreadable';
}

interface HostJson {
  name: string;
  sources: string[];
  local: boolean;
}

describe('nixdeck generations --root DIR --json', () => {
  for (const host of FLEET_HOSTS) {
    it.skipIf(skip)(`${host}: agrees with nix-env --list-generations and the store paths`, async () => {
      const f = fleet();
      const root = f.hostRoot(host);
      const profile = path.join(root, SYSTEM_PROFILE);
      const generations = await generationsJson(f, root);
      const listed = await nixEnvGenerations(f, profile);

      // numbers, newest first, and dates, to the second
      expect(generations.map((g) => g.generation)).toEqual(listed.map((l) => l.generation).reverse());
      expect(generations.map((g) => Date.parse(g.date))).toEqual(listed.map((l) => l.epochMs).reverse());
      expect(generations.filter((g) => g.current).map((g) => g.generation)).toEqual(
        listed.filter((l) => l.current).map((l) => l.generation),
      );

      const running = await readlinkF(path.join(root, 'run/current-system'));
      const booted = await readlinkF(path.join(root, 'run/booted-system'));
      for (const g of generations) {
        const label = `${host} generation ${g.generation}`;
        const storePath = await readlinkF(`${profile}-${g.generation}-link`);
        expect(g.status, label).toBe('ok');
        expect(g.storePath, label).toBe(storePath);
        expect(g.nixosVersion, label).toBe((await readFile(path.join(storePath, 'nixos-version'), 'utf8')).trim());
        expect([g.kernelVersion], label).toEqual(await readdir(path.join(storePath, 'kernel-modules/lib/modules')));
        expect([...g.specialisations].sort(), label).toEqual((await readdir(path.join(storePath, 'specialisation'))).sort());
        expect(g.running, label).toBe(storePath === running);
        expect(g.booted, label).toBe(storePath === booted);
      }

      const expected = EXPECTED[host];
      expect(generations).toHaveLength(expected.generations);
      expect(numbersWhere(generations, (g) => g.current)).toEqual([expected.current]);
      expect(numbersWhere(generations, (g) => g.running)).toEqual([expected.running]);
      expect(numbersWhere(generations, (g) => g.booted)).toEqual([expected.booted]);
    });
  }

  it.skipIf(skip)('hq: generation 2 has the specialisation gaming, the others none', async () => {
    const generations = await generationsJson(fleet(), fleet().hostRoot('hq'));
    expect(generations.map((g) => [g.generation, g.specialisations])).toEqual([
      [4, []],
      [3, []],
      [2, ['gaming']],
      [1, []],
    ]);
  });

  it.skipIf(skip)('hq: the kernel differs between running (4) and booted (3)', async () => {
    const generations = await generationsJson(fleet(), fleet().hostRoot('hq'));
    const byNumber = new Map(generations.map((g) => [g.generation, g]));
    expect(byNumber.get(4)?.kernelVersion).toBe('6.12.4');
    expect(byNumber.get(3)?.kernelVersion).toBe('6.6.32');
  });

  it.skipIf(skip)('after nix-env --switch-generation 2 (on a copy of hq) generation 2 is current', async () => {
    const f = fleet();
    const root = await copyHostRoot(f, 'hq');
    await execa('nix-env', ['-p', path.join(root, SYSTEM_PROFILE), '--switch-generation', '2'], { env: f.env });
    const generations = await generationsJson(f, root);
    expect(numbersWhere(generations, (g) => g.current)).toEqual([2]);
    // nothing was activated: still running 4, booted 3
    expect(numbersWhere(generations, (g) => g.running)).toEqual([4]);
    expect(numbersWhere(generations, (g) => g.booted)).toEqual([3]);
  });

  it.skipIf(skip)('a generation whose store path is gone is listed as dangling (exit 0)', async () => {
    const f = fleet();
    const root = await copyHostRoot(f, 'hq');
    await symlink(GONE, `${path.join(root, SYSTEM_PROFILE)}-9-link`);
    const result = await runCli(f, ['generations', '--root', root, '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    const generations = parseGenerations(result.stdout);
    expect(generations.map((g) => [g.generation, g.status])).toEqual([
      [9, 'dangling'],
      [4, 'ok'],
      [3, 'ok'],
      [2, 'ok'],
      [1, 'ok'],
    ]);
    expect(generations[0]).toMatchObject({ current: false, running: false, booted: false });
    expect(numbersWhere(generations, (g) => g.current)).toEqual([4]);
  });
});

describe('nixdeck hosts --flake DIR --json', () => {
  it.skipIf(skip)('merges flake and folder hosts; local by <root>/etc/hostname', async () => {
    const f = fleet();
    const result = await runCli(f, ['hosts', '--flake', f.flake, '--root', f.hostRoot('hq'), '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(parseHosts(result.stdout)).toEqual([
      { name: 'edge', sources: ['flake'], local: false },
      { name: 'hq', sources: ['flake', 'folder'], local: true },
      { name: 'pi', sources: ['flake', 'folder'], local: false },
      { name: 't460', sources: ['flake'], local: false },
    ]);
  });

  it.skipIf(skip)('a flake with a syntax error: folder hosts, exit 0, a one-line warning', async () => {
    const f = fleet();
    const broken = await mkdtemp(path.join(f.root, 'broken-flake-'));
    await execa('cp', ['-a', `${f.flake}/.`, broken]);
    await writeFile(path.join(broken, 'flake.nix'), '{\n  outputs = { self }: { nixosConfigurations = ; };\n}\n');
    await execa('git', ['-C', broken, 'add', 'flake.nix'], { env: f.env });
    // the premise: nix itself cannot evaluate it
    const nixEval = await execa('nix', ['eval', '--json', `${broken}#nixosConfigurations`, '--apply', 'builtins.attrNames'], {
      env: f.env,
      reject: false,
    });
    expect(nixEval.exitCode).not.toBe(0);

    const result = await runCli(f, ['hosts', '--flake', broken, '--root', f.hostRoot('hq'), '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(parseHosts(result.stdout)).toEqual([
      { name: 'hq', sources: ['folder'], local: true },
      { name: 'pi', sources: ['folder'], local: false },
    ]);
    const stderrLines = result.stderr.split('\n').filter((line) => line.trim() !== '');
    expect(stderrLines).toHaveLength(1);
    expect(stderrLines[0]).toMatch(/^warning:/);
  });
});

// --- helpers ---------------------------------------------------------------------------------------

/** `node dist/nixdeck.js ...` with the fleet's env, UTC, no colour, private XDG folders. */
async function runCli(f: Fleet, args: string[]): Promise<{ exitCode: number | undefined; stdout: string; stderr: string }> {
  if (isSkip(cli)) throw new Error(cli.skip);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...f.env,
    TZ: 'UTC',
    NO_COLOR: '1',
    XDG_CONFIG_HOME: path.join(f.root, 'xdg-config'),
    XDG_STATE_HOME: path.join(f.root, 'xdg-state'),
    XDG_CACHE_HOME: path.join(f.root, 'xdg-cache'),
  };
  delete env.FORCE_COLOR;
  const result = await execa('node', [cli, ...args], {
    env,
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
    timeout: 60_000,
  });
  return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
}

async function generationsJson(f: Fleet, root: string): Promise<GenerationJson[]> {
  const result = await runCli(f, ['generations', '--root', root, '--json']);
  expect(result.exitCode, result.stderr).toBe(0);
  return parseGenerations(result.stdout);
}

function parseGenerations(stdout: string): GenerationJson[] {
  const data: unknown = JSON.parse(stdout);
  expect(Array.isArray(data)).toBe(true);
  const list = data as unknown[];
  for (const item of list) {
    expect(item).toEqual(
      expect.objectContaining({
        generation: expect.any(Number),
        date: expect.stringMatching(ISO_UTC),
        nixosVersion: expect.any(String),
        kernelVersion: expect.any(String),
        configurationRevision: expect.any(String),
        specialisations: expect.any(Array),
        current: expect.any(Boolean),
        running: expect.any(Boolean),
        booted: expect.any(Boolean),
        status: expect.stringMatching(/^(ok|dangling|unreadable)$/),
      }),
    );
    const { storePath, specialisations } = item as { storePath?: unknown; specialisations: unknown[] };
    expect(storePath === null || typeof storePath === 'string', 'storePath is a string or null').toBe(true);
    expect(specialisations.every((s) => typeof s === 'string')).toBe(true);
  }
  const generations = list as GenerationJson[];
  const numbers = generations.map((g) => g.generation);
  expect(numbers, 'newest first').toEqual([...numbers].sort((a, b) => b - a));
  return generations;
}

function parseHosts(stdout: string): HostJson[] {
  const data: unknown = JSON.parse(stdout);
  expect(Array.isArray(data)).toBe(true);
  // later issues may add keys (target, state): compare only the ones this contract names
  return (data as unknown[]).map((item) => {
    expect(item).toEqual(
      expect.objectContaining({ name: expect.any(String), sources: expect.any(Array), local: expect.any(Boolean) }),
    );
    const { name, sources, local } = item as HostJson;
    return { name, sources, local };
  });
}

/** `nix-env -p P --list-generations` under TZ=UTC: oldest first, as nix prints it. */
async function nixEnvGenerations(
  f: Fleet,
  profile: string,
): Promise<Array<{ generation: number; epochMs: number; current: boolean }>> {
  const { stdout } = await execa('nix-env', ['-p', profile, '--list-generations'], { env: { ...f.env, TZ: 'UTC' } });
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const match = /^\s*(\d+)\s+(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})\s*(\(current\))?\s*$/.exec(line);
      if (!match) throw new Error(`unexpected nix-env --list-generations line: ${JSON.stringify(line)}`);
      const [, number = '', day = '', time = '', current] = match;
      return { generation: Number(number), epochMs: Date.parse(`${day}T${time}Z`), current: current !== undefined };
    });
}

async function readlinkF(link: string): Promise<string> {
  const { stdout } = await execa('readlink', ['-f', link]);
  return stdout;
}

/** A copy of a host root (symlinks, their mtimes and all) in a fresh folder inside the fleet. */
async function copyHostRoot(f: Fleet, host: FleetHost): Promise<string> {
  const copy = await mkdtemp(path.join(f.root, `copy-${host}-`));
  await execa('cp', ['-a', `${f.hostRoot(host)}/.`, copy]);
  return copy;
}

function numbersWhere(generations: GenerationJson[], predicate: (g: GenerationJson) => boolean): number[] {
  return generations.filter(predicate).map((g) => g.generation);
}
