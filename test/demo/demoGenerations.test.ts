// The demo's stand-ins for switch, diff and prune (no Nix): believable, deterministic diffs from
// the demo toplevels, sizes and freed space from the same package set, an activation that moves
// the demo's profile and /run/current-system links (through the real supervisor and the runs
// service's adopt), and deletion of demo generation links. Nothing outside a demo folder moves.
import { existsSync, readlinkSync, realpathSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Generation, Host } from '../../src/core/types.js';
import { createDemoGenerationOps } from '../../src/services/generationOps.js';
import { activationGeneration, createRunsService } from '../../src/services/runs.js';
import type { GenerationOps } from '../../src/core/generationService.js';
import type { RunView } from '../../src/core/runsService.js';
import type { Environment } from '../../src/system/context.js';
import { activationLines, demoDelete, demoDiffText, demoRootOf, readDemoToplevel, runDemoActivation } from '../../src/demo/demoGenerations.js';
import { demoEnvironment } from '../../src/demo/demoEnvironment.js';

// the app's hidden subcommands, run from source
const self = (sub: string) => [process.execPath, '--import', 'tsx', path.resolve('src/cli.ts'), sub];
process.env.NIXDECK_DEMO_SPEED = '50';

let env: Environment;
let ops: GenerationOps;
const host = (name: string): Host => ({ name, sources: ['flake', 'folder'], local: name === 'hq' });

beforeAll(async () => {
  const demo = await demoEnvironment({});
  env = { ...demo, rebuild: { ...demo.rebuild, supervisor: self('__supervise') } };
  ops = createDemoGenerationOps(env, self('__demo-activate'));
});
afterAll(async () => {
  await env.dispose?.();
});

async function generations(name: string): Promise<Generation[]> {
  const read = await env.readGenerations(host(name));
  if (read.ok) return read.list.generations;
  // nas refuses connections in the demo: its list is the one kept from its last read
  const kept = await env.cachedGenerations?.(host(name));
  if (!kept) throw new Error(read.error);
  return kept.list.generations;
}

const byNumber = (list: Generation[], n: number): Generation => {
  const g = list.find((x) => x.generation === n);
  if (!g) throw new Error(`no generation ${n}`);
  return g;
};

describe('demo diffs and sizes', () => {
  it('reads a demo toplevel: host, nixpkgs, kernel, configuration revision', async () => {
    const running = (await generations('hq')).find((g) => g.running);
    const t = readDemoToplevel(running?.storePath ?? '');
    expect(t).toMatchObject({ host: 'hq', label: running?.nixosVersion, kernel: running?.kernelVersion });
    expect(t?.configRev).toMatch(/^[0-9a-f]{40}$/);
    expect(readDemoToplevel('/nix/store/not-a-demo-path')).toBeNull();
  });

  it('the running system → an older generation: downgrades, the kernel change, the closure sizes', async () => {
    const list = await generations('hq');
    const running = list.find((g) => g.running);
    const old = list.at(-15);
    if (!running?.storePath || !old?.storePath) throw new Error('fixture');
    const diff = await ops.diff('hq', running.storePath, old.storePath);
    expect(diff.ok).toBe(true);
    if (!diff.ok) return;
    expect(diff.value.unparsed).toEqual([]);
    expect(diff.value.counts.downgraded).toBeGreaterThan(5);
    expect(diff.value.packages.find((p) => p.name === 'nixos-system-hq')).toMatchObject({ from: [running.nixosVersion], to: [old.nixosVersion] });
    if (running.kernelVersion !== old.kernelVersion) expect(diff.value.kernel).toMatchObject({ name: 'linux', from: [running.kernelVersion], to: [old.kernelVersion] });
    // deterministic
    const again = await ops.diff('hq', running.storePath, old.storePath);
    expect(again).toEqual(diff);
    const sizes = await ops.closureSizes('hq', [running.storePath, old.storePath, '/nowhere']);
    expect(sizes.ok).toBe(true);
    if (!sizes.ok) return;
    expect(Object.keys(sizes.value).sort()).toEqual([running.storePath, old.storePath].sort());
    for (const size of Object.values(sizes.value)) expect(size).toBeGreaterThan(4 * 1024 ** 3);
  });

  it('the same generation twice has no changes; a host-specific package shows only on its host', async () => {
    const nas = await generations('nas');
    const t = readDemoToplevel(nas[0]?.storePath ?? '');
    if (!t) throw new Error('fixture');
    expect(demoDiffText(t, t)).toBe('');
    const hq = readDemoToplevel((await generations('hq'))[0]?.storePath ?? '');
    if (!hq) throw new Error('fixture');
    expect(demoDiffText(t, hq)).toMatch(/^samba: [\d.]+ → ∅/m);
  });

  it('the space a prune frees is what only the deleted generations hold', async () => {
    const list = (await generations('t460')).filter((g) => g.status === 'ok');
    const paths = (gs: Generation[]): string[] => gs.map((g) => g.storePath ?? '');
    const none = await ops.estimateFreed('t460', [], paths(list));
    expect(none).toEqual({ ok: true, value: { bytes: 0, paths: 0 } });
    const few = await ops.estimateFreed('t460', paths(list.slice(-3)), paths(list.slice(0, -3)));
    const more = await ops.estimateFreed('t460', paths(list.slice(-10)), paths(list.slice(0, -10)));
    if (!few.ok || !more.ok) throw new Error('estimate failed');
    expect(few.value.bytes).toBeGreaterThan(0);
    expect(more.value.bytes).toBeGreaterThan(few.value.bytes);
    expect(more.value.paths).toBeGreaterThan(few.value.paths);
  });
});

describe('demo activation and deletion', () => {
  it('only ever touches profiles inside a nixdeck demo folder', () => {
    expect(demoRootOf('/nix/var/nix/profiles/system')).toBeNull();
    expect(demoRootOf(path.join(os.tmpdir(), 'elsewhere/hosts/hq/nix/var/nix/profiles/system'))).toBeNull();
    expect(demoRootOf(path.join(env.root, 'nix/var/nix/profiles/system'))).toBe(env.root);
    const lines: string[] = [];
    expect(demoDelete({ kind: 'delete', profile: '/nix/var/nix/profiles/system', generations: [1], bootRefresh: null }, (l) => lines.push(l))).toBe(1);
    expect(lines[0]).toMatch(/is not a demo profile/);
  });

  it('test activates without touching the profile; boot moves only the profile', async () => {
    const list = await generations('x1carbon');
    const current = list.find((g) => g.current);
    const older = list[3];
    if (!current || !older?.storePath) throw new Error('fixture');
    const root = path.join(path.dirname(env.root), 'x1carbon');
    const profile = path.join(root, 'nix/var/nix/profiles/system');
    const lines: string[] = [];
    expect(await runDemoActivation({ kind: 'activate', profile, generation: older.generation, action: 'test' }, { say: (l) => lines.push(l), speed: 1000 })).toBe(0);
    expect(readlinkSync(profile)).toBe(`system-${current.generation}-link`);
    expect(realpathSync(path.join(root, 'run/current-system'))).toBe(older.storePath);
    // switch-to-configuration's lines, the same the remote stand-in prints
    const stc = (ls: string[]) => ls.slice(ls.findIndex((l) => l.includes('/bin/switch-to-configuration ')) + 1, -1);
    expect(stc(lines)).toEqual(activationLines('test'));
    expect(lines.at(-1)).toBe(`nixdeck: generation ${older.generation} is active until the next boot (the profile was not changed)`);
    let after = await generations('x1carbon');
    expect(byNumber(after, older.generation)).toMatchObject({ running: true, current: false });
    expect(byNumber(after, current.generation)).toMatchObject({ current: true, running: false });

    const bootLines: string[] = [];
    expect(await runDemoActivation({ kind: 'activate', profile, generation: current.generation, action: 'boot' }, { say: (l) => bootLines.push(l), speed: 1000 })).toBe(0);
    expect(stc(bootLines)).toEqual([...activationLines('boot'), `installing ${path.basename(current.storePath ?? '')} as the default boot entry`]);
    after = await generations('x1carbon');
    expect(byNumber(after, current.generation)).toMatchObject({ current: true, running: false });
    expect(byNumber(after, older.generation).running).toBe(true);
  });

  it('refuses to switch or delete the generations of the stand-in that refuses connections (nas), as for a real unreachable host', async () => {
    const nas = (await generations('nas'))[5];
    if (!nas) throw new Error('fixture');
    const because = 'nas cannot be reached: connection refused';
    expect(await ops.activate({ host: 'nas', generation: nas.generation, action: 'switch' })).toEqual({ ok: false, error: because });
    expect(await ops.deleteGenerations({ host: 'nas', generations: [nas.generation] })).toEqual({ ok: false, error: because });
    expect((await generations('nas')).map((g) => g.generation)).toContain(nas.generation);
  });

  it('a switch runs detached under the supervisor, is adopted and followed by the runs service, and moves the markers', async () => {
    const list = await generations('hq');
    const target = list[5];
    if (!target) throw new Error('fixture');
    expect(target.current || target.running).toBe(false);
    const started = await ops.activate({ host: 'hq', generation: target.generation, action: 'switch' });
    expect(started.ok).toBe(true);
    if (!started.ok) return;
    const runs = createRunsService(env.rebuild);
    try {
      expect(await runs.adopt('no-such-run')).toBe(false);
      expect(await runs.adopt(started.id)).toBe(true);
      const final = await new Promise<RunView>((resolve) => {
        const stop = runs.watch(started.id, (v) => {
          if (v.phase !== 'running') {
            stop();
            resolve(v);
          }
        });
      });
      expect(final).toMatchObject({ host: 'hq', action: 'switch', phase: 'succeeded', generation: target.generation });
      expect(final.progress.tail.join('\n')).toContain(`switching profile from version ${list.find((g) => g.current)?.generation} to ${target.generation}`);
    } finally {
      runs.close();
    }
    const after = await generations('hq');
    expect(byNumber(after, target.generation)).toMatchObject({ current: true, running: true });
  });

  it('deletes generation links, never the current one, and the list shows them gone', async () => {
    const list = await generations('hq');
    const current = list.find((g) => g.current);
    const gone = list.filter((g) => !g.current && !g.running && !g.booted).slice(-2).map((g) => g.generation);
    expect(gone).toHaveLength(2);
    const refused = await ops.deleteGenerations({ host: 'hq', generations: [current?.generation ?? 0] });
    expect(refused).toMatchObject({ ok: false, error: expect.stringMatching(/cannot delete current version/) });
    const result = await ops.deleteGenerations({ host: 'hq', generations: gone });
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.value.lines).toContain(`removing profile version ${gone[0]}`);
    const after = await generations('hq');
    expect(after.map((g) => g.generation)).toEqual(list.map((g) => g.generation).filter((n) => !gone.includes(n)));
    expect(existsSync(path.join(path.dirname(env.root), 'hq/nix/var/nix/profiles', `system-${gone[0]}-link`))).toBe(false);
  });
});

describe('activationGeneration', () => {
  it('reads the generation from a step runner argv, nothing from a rebuild', () => {
    expect(activationGeneration(['node', 'nixdeck', '__activate', '{"kind":"activate","generation":42}'])).toBe(42);
    expect(activationGeneration(['node', 'nixdeck', '__demo-activate', '{"kind":"activate","generation":7}'])).toBe(7);
    expect(activationGeneration(['sudo', '--', 'node', 'nixdeck', '__activate', '{"kind":"delete","generations":[1]}'])).toBeUndefined();
    expect(activationGeneration(['nixos-rebuild', 'switch', '--flake', '.#hq'])).toBeUndefined();
    expect(activationGeneration(['nixdeck', '__activate', 'not json'])).toBeUndefined();
  });
});
