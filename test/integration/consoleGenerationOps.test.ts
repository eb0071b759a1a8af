// The console's GenerationOps (src/services/generationOps.ts) against real profiles made by the real
// nix of the test fleet (scripts/test-fleet.sh): diff-closures and path-info for the diff view
// and the prune preview, a switch started as a detached supervised run and followed by the runs
// service through adopt(), and a delete with nix-env. Each test works on its own copy of hq's
// root; the fleet's fake switch-to-configuration moves FAKE_NIXOS_RUN/current-system and logs its
// calls to FAKE_NIXOS_LOG. The step runner and the supervisor run from source (tsx).
//
// hq: generations 1-4, current and running 4, booted 3 (3 → 4 changes the kernel 6.6.32 → 6.12.4).
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_PREFS } from '../../src/core/prefsSchema.js';
import { createGenerationOps } from '../../src/services/generationOps.js';
import { createRunsService } from '../../src/services/runs.js';
import type { GenerationOps } from '../../src/core/generationService.js';
import type { RunView } from '../../src/core/runsService.js';
import { type Environment, localEnvironment } from '../../src/system/context.js';
import { type Fleet, setupFleet, SYSTEM_PROFILE, useFleet } from '../helpers/fleet.js';

const fleetResult = await setupFleet();
const { skip, fleet } = useFleet("the console's generation operations against the test fleet (real nix)", fleetResult);

const self = (sub: string) => [process.execPath, '--import', 'tsx', path.resolve('src/cli.ts'), sub];
const HQ = { name: 'hq', sources: ['flake' as const], local: true };

interface Setup {
  root: string;
  log: string;
  env: Environment;
  ops: GenerationOps;
}

const saved = { ...process.env };
afterEach(() => {
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
});

let copies = 0;

/** A copy of hq's root; the processes the service starts see the fleet's PATH and logs. */
async function setup(): Promise<Setup> {
  const f: Fleet = fleet();
  const parent = path.join(f.root, 'console-ops');
  await mkdir(parent, { recursive: true });
  const root = await mkdtemp(path.join(parent, `hq-${++copies}-`));
  await execa('cp', ['-a', `${f.hostRoot('hq')}/.`, root]);
  const log = path.join(root, 'switch.log');
  await writeFile(log, '');
  Object.assign(process.env, f.env, { TZ: 'UTC', FAKE_NIXOS_LOG: log, FAKE_NIXOS_RUN: path.join(root, 'run'), XDG_STATE_HOME: path.join(root, '.xdg-state') });
  const local = localEnvironment({ root }, DEFAULT_PREFS);
  const env: Environment = { ...local, rebuild: { ...local.rebuild, stateDir: path.join(root, '.state'), supervisor: self('__supervise') } };
  return { root, log, env, ops: createGenerationOps(env, { stepRunner: self('__activate') }) };
}

async function storePath(s: Setup, n: number): Promise<string> {
  return (await execa('readlink', ['-f', path.join(s.root, `${SYSTEM_PROFILE}-${n}-link`)])).stdout;
}

async function generations(s: Setup): Promise<{ generation: number; current: boolean; running: boolean }[]> {
  const read = await s.env.readGenerations(HQ);
  if (!read.ok) throw new Error(read.error);
  return read.list.generations.map((g) => ({ generation: g.generation, current: g.current, running: g.running }));
}

describe('GenerationOps with the real nix', () => {
  it.skipIf(skip)('this machine only: another host gets the same words as the generations pane', async () => {
    const s = await setup();
    expect(s.env.hostname).toBe('hq');
    expect(s.ops.refusal({ name: 't460', sources: ['flake'], local: false })).toBe('t460 is not this machine (hq): its generations are not reachable yet');
    expect(s.ops.refusal(HQ)).toBeNull();
    expect(await s.ops.activate({ host: 't460', generation: 1, action: 'switch' })).toEqual({ ok: false, error: 't460 is not this machine (hq): its generations are not reachable yet' });
  });

  it.skipIf(skip)('the diff of the running system (4) and generation 3: the kernel goes back, closure sizes from one path-info', async () => {
    const s = await setup();
    const [four, three] = [await storePath(s, 4), await storePath(s, 3)];
    expect(await s.ops.runningSystem('hq')).toBe(four);
    const diff = await s.ops.diff('hq', four, three);
    expect(diff.ok, JSON.stringify(diff)).toBe(true);
    if (!diff.ok) return;
    expect(diff.value.kernel).toMatchObject({ name: 'linux', from: ['6.12.4'], to: ['6.6.32'], kind: 'downgraded' });
    const sizes = await s.ops.closureSizes('hq', [four, three]);
    expect(sizes.ok).toBe(true);
    if (sizes.ok) {
      expect(Object.keys(sizes.value).sort()).toEqual([four, three].sort());
      for (const size of Object.values(sizes.value)) expect(size).toBeGreaterThan(0);
    }
    const freed = await s.ops.estimateFreed('hq', [await storePath(s, 1)], [four, three]);
    expect(freed.ok).toBe(true);
    if (freed.ok) expect(freed.value.paths).toBeGreaterThan(0);
  });

  it.skipIf(skip)('a switch to generation 2 runs detached, is adopted by the runs service, and the markers move', async () => {
    const s = await setup();
    expect(await s.ops.needsPassword('hq', 'activate')).toBe(false);
    const started = await s.ops.activate({ host: 'hq', generation: 2, action: 'switch' });
    expect(started.ok, JSON.stringify(started)).toBe(true);
    if (!started.ok) return;
    const runs = createRunsService(s.env.rebuild);
    try {
      expect(await runs.adopt(started.id)).toBe(true);
      const final = await new Promise<RunView>((resolve) => {
        const stop = runs.watch(started.id, (v) => {
          if (v.phase !== 'running') {
            stop();
            resolve(v);
          }
        });
      });
      expect(final, final.progress.tail.join('\n')).toMatchObject({ host: 'hq', action: 'switch', phase: 'succeeded', generation: 2 });
      expect(final.progress.tail.join('\n')).toContain('nixdeck: generation 2 is active and the boot default now');
    } finally {
      runs.close();
    }
    const after = await generations(s);
    expect(after.find((g) => g.generation === 2)).toMatchObject({ current: true, running: true });
    expect(after.find((g) => g.generation === 4)).toMatchObject({ current: false, running: false });
    expect(await readFile(s.log, 'utf8')).toMatch(/action=switch toplevel=\S+/);
  });

  it.skipIf(skip)('deleting generation 1 with nix-env, then the boot menu is refreshed; the current one is refused', async () => {
    const s = await setup();
    const refused = await s.ops.deleteGenerations({ host: 'hq', generations: [4] });
    expect(refused.ok).toBe(false);
    expect((await generations(s)).map((g) => g.generation)).toEqual([4, 3, 2, 1]);
    const done = await s.ops.deleteGenerations({ host: 'hq', generations: [1] });
    expect(done.ok, JSON.stringify(done)).toBe(true);
    if (done.ok) expect(done.value.lines.join('\n')).toContain('nixdeck: deleted generation 1');
    expect((await generations(s)).map((g) => g.generation)).toEqual([4, 3, 2]);
    expect(existsSync(path.join(s.root, `${SYSTEM_PROFILE}-1-link`))).toBe(false);
    expect(await readFile(s.log, 'utf8')).toMatch(/action=boot/);
  });
});
