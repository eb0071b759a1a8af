// The flake's toplevels: evaluated with real nix over the test fleet's flake, cached per git
// revision + dirty state (a second read evaluates nothing), not cached outside git or on failure.
import { execa } from 'execa';
import { cp, mkdtemp, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { driftOf } from '../../src/core/fleetStatus.js';
import { type CommandRunner, localRunner } from '../../src/system/exec.js';
import { flakeRevisionKey, flakeToplevels, toplevelEvalArgs } from '../../src/system/flakeToplevels.js';
import { setupFleet, useFleet } from '../helpers/fleet.js';

const fleetResult = await setupFleet();
const { skip, fleet } = useFleet('flake toplevels against the test fleet', fleetResult);

const temps: string[] = [];
afterAll(async () => {
  await Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true })));
});
async function temp(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'nixdeck-toplevels-'));
  temps.push(dir);
  return dir;
}

/** The real runner with the fleet's environment, counting the `nix` processes it starts. */
function countingRunner(env: Record<string, string> = {}): CommandRunner & { nixCalls: string[][] } {
  const nixCalls: string[][] = [];
  return {
    nixCalls,
    run(file, args, options = {}) {
      if (file === 'nix') nixCalls.push([...args]);
      return localRunner.run(file, args, { ...options, env: { ...env, ...options.env } });
    },
  };
}

async function cloneFlake(): Promise<string> {
  const dir = path.join(await temp(), 'flake');
  await execa('git', ['clone', '-q', fleet().flake, dir]);
  return dir;
}

describe('toplevelEvalArgs', () => {
  it('is the command of the issue, with the flags the repo uses and the host quoted as an attribute', () => {
    expect(toplevelEvalArgs('/f', 'web.01')).toEqual([
      '--extra-experimental-features',
      'nix-command flakes',
      'eval',
      '--raw',
      '/f#nixosConfigurations."web.01".config.system.build.toplevel.outPath',
    ]);
  });
});

describe('flakeToplevels with fakes', () => {
  const STORE = (tag: string): string => `/nix/store/${tag.padEnd(32, '0')}-nixos-system`;
  function fake(key: { head: string; diff: string }, paths: Record<string, string | null>): CommandRunner & { evals: string[] } {
    const evals: string[] = [];
    return {
      evals,
      async run(file, args) {
        if (file === 'git' && args.includes('rev-parse')) return { exitCode: 0, stdout: `${key.head}\n`, stderr: '' };
        if (file === 'git') return { exitCode: 0, stdout: key.diff, stderr: '' };
        const host = /nixosConfigurations\."([^"]+)"/.exec(args.join(' '))?.[1] ?? '';
        evals.push(host);
        const p = paths[host];
        return p ? { exitCode: 0, stdout: p, stderr: '' } : { exitCode: 1, stdout: '', stderr: `error: flake does not provide attribute '${host}'` };
      },
    };
  }

  it('caches successes under HEAD + the hash of the dirty diff; failures are evaluated again', async () => {
    const cache = await temp();
    const key = { head: 'a'.repeat(40), diff: '' };
    const runner = fake(key, { hq: STORE('hq'), pi: null });
    const first = await flakeToplevels('/flake', ['hq', 'pi'], { runner, cacheDir: cache });
    expect(first.toplevels.get('hq')).toEqual({ ok: true, path: STORE('hq') });
    expect(first.toplevels.get('pi')).toEqual({ ok: false, error: "flake does not provide attribute 'pi'" });
    const second = await flakeToplevels('/flake', ['hq', 'pi'], { runner, cacheDir: cache });
    expect(second.evaluated).toEqual(['pi']);
    expect(second.toplevels.get('hq')).toEqual({ ok: true, path: STORE('hq') });
    key.diff = 'diff --git a/flake.nix b/flake.nix\n+x\n';
    expect((await flakeToplevels('/flake', ['hq'], { runner, cacheDir: cache })).evaluated).toEqual(['hq']);
    key.diff = 'diff --git a/flake.nix b/flake.nix\n+y\n';
    expect((await flakeToplevels('/flake', ['hq'], { runner, cacheDir: cache })).evaluated).toEqual(['hq']);
    key.head = 'b'.repeat(40);
    key.diff = '';
    expect((await flakeToplevels('/flake', ['hq'], { runner, cacheDir: cache })).evaluated).toEqual(['hq']);
    expect((await flakeToplevels('/flake', ['hq'], { runner, cacheDir: cache })).evaluated).toEqual([]);
  });

  it('runs at most `limit` evaluations at once', async () => {
    let running = 0;
    let most = 0;
    const runner: CommandRunner = {
      async run(file, args) {
        if (file === 'git') return { exitCode: 128, stdout: '', stderr: 'not a git repository' };
        running++;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running--;
        const host = /nixosConfigurations\."([^"]+)"/.exec(args.join(' '))?.[1] ?? '';
        return { exitCode: 0, stdout: STORE(host), stderr: '' };
      },
    };
    const hosts = Array.from({ length: 9 }, (_, i) => `h${i}`);
    const result = await flakeToplevels('/flake', hosts, { runner, cacheDir: await temp(), limit: 2 });
    expect(most).toBe(2);
    expect(result.evaluated).toEqual(hosts);
  });

  it('says so when nix cannot be run or prints no store path', async () => {
    const cache = await temp();
    const noNix: CommandRunner = { run: async (file) => (file === 'git' ? { exitCode: 128, stdout: '', stderr: '' } : { exitCode: 127, stdout: '', stderr: '', spawnError: 'nix is not installed (not found in PATH)' }) };
    expect((await flakeToplevels('/f', ['hq'], { runner: noNix, cacheDir: cache })).toplevels.get('hq')).toEqual({ ok: false, error: 'nix could not be run: nix is not installed (not found in PATH)' });
    const odd: CommandRunner = { run: async (file) => (file === 'git' ? { exitCode: 128, stdout: '', stderr: '' } : { exitCode: 0, stdout: 'hello', stderr: '' }) };
    expect((await flakeToplevels('/f', ['hq'], { runner: odd, cacheDir: cache })).toplevels.get('hq')).toEqual({ ok: false, error: 'nix eval printed something other than a store path: hello' });
  });
});

describe('flakeToplevels over the test fleet (real nix)', () => {
  it.skipIf(skip)("hq's flake toplevel is not what hq runs: outdated; a second read evaluates nothing", async () => {
    const f = fleet();
    const cache = await temp();
    const runner = countingRunner(f.env);
    const first = await flakeToplevels(f.flake, ['hq', 't460', 'pi'], { runner, cacheDir: cache });
    expect(runner.nixCalls).toHaveLength(3);
    const hq = first.toplevels.get('hq');
    expect(hq?.ok).toBe(true);
    if (!hq?.ok) return;
    expect(hq.path).toMatch(/^\/nix\/store\/[0-9a-z]{32}-nixos-system-hq-25\.11\.20251215\.eeeeeee$/);
    const running = await readlink(path.join(f.hostRoot('hq'), 'run/current-system'));
    expect(hq.path).not.toBe(running);
    expect(driftOf(running, running, hq).drift).toBe('outdated');
    // pi's build fails, but its toplevel's path evaluates
    expect(first.toplevels.get('pi')?.ok).toBe(true);

    const second = await flakeToplevels(f.flake, ['hq', 't460', 'pi'], { runner, cacheDir: cache });
    expect(runner.nixCalls).toHaveLength(3);
    expect(second.evaluated).toEqual([]);
    expect(second.toplevels).toEqual(first.toplevels);
  });

  it.skipIf(skip)('an edit to a tracked file (not committed) is a new key: evaluated again, another toplevel', async () => {
    const f = fleet();
    const dir = await cloneFlake();
    const cache = await temp();
    const runner = countingRunner(f.env);
    const before = await flakeToplevels(dir, ['hq'], { runner, cacheDir: cache });
    const cleanKey = await flakeRevisionKey(dir, localRunner);
    expect(cleanKey).toMatch(/^[0-9a-f]{40}\+clean$/);
    const flakeNix = path.join(dir, 'flake.nix');
    await writeFile(flakeNix, (await readFile(flakeNix, 'utf8')).replace('rev = "eeeeeee"', 'rev = "fffffff"'));
    const dirtyKey = await flakeRevisionKey(dir, localRunner);
    expect(dirtyKey).not.toBe(cleanKey);
    const after = await flakeToplevels(dir, ['hq'], { runner, cacheDir: cache });
    expect(after.evaluated).toEqual(['hq']);
    const [b, a] = [before.toplevels.get('hq'), after.toplevels.get('hq')];
    expect(a?.ok && a.path.endsWith('fffffff')).toBe(true);
    expect(a).not.toEqual(b);
    expect((await flakeToplevels(dir, ['hq'], { runner, cacheDir: cache })).evaluated).toEqual([]);
  });

  it.skipIf(skip)('a flake outside git is evaluated every time (no cache key)', async () => {
    const f = fleet();
    const dir = path.join(await temp(), 'plain');
    await cp(f.flake, dir, { recursive: true, filter: (src) => path.basename(src) !== '.git' });
    expect(await flakeRevisionKey(dir, localRunner)).toBeNull();
    const cache = await temp();
    const runner = countingRunner(f.env);
    expect((await flakeToplevels(dir, ['pi'], { runner, cacheDir: cache })).toplevels.get('pi')?.ok).toBe(true);
    expect((await flakeToplevels(dir, ['pi'], { runner, cacheDir: cache })).evaluated).toEqual(['pi']);
  });

  it.skipIf(skip)('a host the flake does not have: the first line of nix error, not cached', async () => {
    const f = fleet();
    const result = await flakeToplevels(f.flake, ['nosuch'], { runner: countingRunner(f.env), cacheDir: await temp() });
    const entry = result.toplevels.get('nosuch');
    expect(entry?.ok).toBe(false);
    if (entry && !entry.ok) {
      expect(entry.error).toContain('nosuch');
      expect(entry.error).not.toContain('\n');
    }
  });
});
