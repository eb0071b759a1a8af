// The demo's other hosts are remote hosts through stand-ins: `status` rows like the real ones,
// a deploy that runs the real deploy steps and moves the demo folder's links, the host whose new
// system cuts it off rolling itself back, and generation switches through the same path.
import { readlinkSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statusReaders } from '../../src/services/statusReaders.js';
import { statusCommand } from '../../src/commands/status.js';
import type { HostStatus } from '../../src/core/fleetStatus.js';
import { DEFAULT_PROFILE, type DeployRequest, type GenerationRequest, phaseOf } from '../../src/core/deployPlan.js';
import { DEFAULT_PREFS } from '../../src/core/prefsSchema.js';
import { runDemoRequest } from '../../src/demo/demoDeploy.js';
import { demoEnvironment } from '../../src/demo/demoEnvironment.js';
import { newSystemPath } from '../../src/demo/demoHosts.js';
import { createDemoGenerationOps } from '../../src/services/generationOps.js';
import type { Environment } from '../../src/system/context.js';
import { readLocalGenerations } from '../../src/system/context.js';
import { isRemoteDeploy } from '../../src/system/rebuilds.js';
import { fakeIo } from '../commands/fakeIo.js';

let env: Environment;
const rootOf = (host: string): string => path.join(path.dirname(env.root), host);
const profileOf = (host: string): string => path.join(rootOf(host), 'nix/var/nix/profiles/system');

beforeAll(async () => {
  env = await demoEnvironment({});
  // every host written
  for (const host of ['t460', 'x1carbon', 'vm01', 'nas']) await env.remoteHost?.(host);
});
afterAll(async () => {
  await env.dispose?.();
});

async function generationsOf(host: string) {
  const read = await readLocalGenerations(rootOf(host));
  if (!read.ok) throw new Error(read.error);
  return read.list.generations;
}

function deployRequest(host: string, confirmTimeout = 2): DeployRequest {
  return {
    kind: 'deploy',
    host,
    action: 'switch',
    confirmTimeout,
    elevation: 'root',
    profile: DEFAULT_PROFILE,
    flakeDir: env.flakeDir,
    buildHost: null,
    executable: env.rebuild.executable,
    extraFlags: [],
  };
}

async function deploy(request: DeployRequest | GenerationRequest): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const code = await runDemoRequest(request, { say: (line) => lines.push(line), speed: 50, pollMs: 50 });
  return { code, lines };
}

describe('nixdeck --demo status', () => {
  it('a row per host like the real one: reachable with a round trip, reboot, drift, failed units, one refusing host (exit 1)', async () => {
    const io = fakeIo();
    const code = await statusCommand(env, io, { hosts: [], json: true }, statusReaders(env, DEFAULT_PREFS));
    expect(code).toBe(1);
    expect(io.stderr).toEqual(['nas: unreachable: connection refused']);
    const rows = JSON.parse(io.stdout.join('\n')) as HostStatus[];
    const byName = Object.fromEntries(rows.map((r) => [r.name, r]));
    expect(rows.map((r) => r.name)).toEqual(['hq', 'nas', 't460', 'vm01', 'x1carbon']);
    expect(Object.keys(rows[0] ?? {}).slice(0, 15)).toEqual([
      'name', 'local', 'reachable', 'error', 'current', 'running', 'booted', 'runningPath', 'bootedPath', 'flakePath', 'rebootNeeded', 'drift', 'failedUnits', 'uptimeSeconds', 'lastRun',
    ]);
    expect(byName.hq).toMatchObject({ local: true, reachable: true, drift: 'up-to-date', rebootNeeded: false, rttMs: null });
    expect(byName.nas).toMatchObject({ reachable: false, error: 'connection refused', drift: 'unknown', running: null });
    expect(byName.t460).toMatchObject({ reachable: true, rebootNeeded: true, drift: 'outdated', failedUnits: [] });
    expect(byName.vm01).toMatchObject({ reachable: true, rebootNeeded: false, drift: 'pending-reboot' });
    expect(byName.x1carbon).toMatchObject({ reachable: true, drift: 'outdated', failedUnits: ['fprintd.service'] });
    for (const name of ['t460', 'vm01', 'x1carbon']) {
      const row = byName[name];
      expect(row?.rttMs).toBeGreaterThan(0);
      expect(row?.uptimeSeconds).toBeGreaterThan(0);
      expect(row?.running).toBeTypeOf('number');
      // the running generation is the one /run/current-system is in the demo's folder
      expect(row?.runningPath).toBe(realpathSync(path.join(rootOf(name), 'run/current-system')));
    }
    // vm01 runs the generation before its profile's (staged with boot)
    expect(byName.vm01?.running).toBe((byName.vm01?.current ?? 0) - 1);
  });
});

describe('deploys to the demo stand-ins', () => {
  it('go to another host in the demo (switch, boot, test), not dry-activate', () => {
    expect(isRemoteDeploy(env.rebuild, 'x1carbon', 'switch')).toBe(true);
    expect(isRemoteDeploy(env.rebuild, 'x1carbon', 'dry-activate')).toBe(false);
    expect(isRemoteDeploy(env.rebuild, 'hq', 'switch')).toBe(false);
  });

  it('x1carbon: the real phases and countdown, then a new generation that is current and running', async () => {
    const before = await generationsOf('x1carbon');
    const { code, lines } = await deploy(deployRequest('x1carbon'));
    expect(code).toBe(0);
    expect(lines.map(phaseOf).filter((p) => p !== null)).toEqual(['build', 'copy', 'activate', 'confirm']);
    expect(lines).toContainEqual(expect.stringMatching(/^nixdeck: confirming: \d s left$/));
    expect(lines).toContainEqual(expect.stringMatching(/^nixdeck: x1carbon took a new SSH connection \(\d+ ms\): acknowledged$/));
    expect(lines.at(-1)).toBe('nixdeck: x1carbon: confirmed');
    const after = await generationsOf('x1carbon');
    expect(after.length).toBe(before.length + 1);
    const newest = after[0];
    expect(newest?.generation).toBe((before[0]?.generation ?? 0) + 1);
    expect(newest).toMatchObject({ current: true, running: true });
    expect(newest?.storePath).toBe(newSystemPath(rootOf('x1carbon'), 'x1carbon'));
    // and status says so
    const io = fakeIo();
    await statusCommand(env, io, { hosts: ['x1carbon'], json: true }, statusReaders(env, DEFAULT_PREFS));
    expect(JSON.parse(io.stdout.join('\n'))[0]).toMatchObject({ drift: 'up-to-date', running: newest?.generation });
  });

  it('t460 gets cut off by its new system and rolls back by itself: "rolled back", and what could not be reached', async () => {
    const before = await generationsOf('t460');
    const running = realpathSync(path.join(rootOf('t460'), 'run/current-system'));
    const { code, lines } = await deploy(deployRequest('t460'));
    expect(code).toBe(1);
    expect(lines).toContainEqual(expect.stringMatching(/^nixdeck: confirming: \d s left/));
    expect(lines).toContain('nixdeck-host: no acknowledgement within 2 s: rolling back');
    expect(lines.at(-1)).toMatch(new RegExp(`^error: t460 rolled back: no acknowledgement within 2 s: rolled back to generation ${before[0]?.generation}, .*; a new SSH connection to t460 failed: timed out after 1 s$`));
    // the new generation stays in the list; the profile and the running system are back
    const after = await generationsOf('t460');
    expect(after.length).toBe(before.length + 1);
    expect(after[0]).toMatchObject({ current: false, running: false });
    expect(after[1]).toMatchObject({ generation: before[0]?.generation, current: true, running: true });
    expect(realpathSync(path.join(rootOf('t460'), 'run/current-system'))).toBe(running);
  });

  it('nas refuses: nothing is built or changed', async () => {
    const ops = createDemoGenerationOps(env);
    expect(ops.refusal({ name: 'nas', local: false, sources: ['flake'] })).toBe('nas cannot be reached: connection refused');
    const before = readlinkSync(profileOf('nas'));
    const r = await ops.activate({ host: 'nas', generation: 112, action: 'switch' });
    expect(r).toEqual({ ok: false, error: 'nas cannot be reached: connection refused' });
    expect(readlinkSync(profileOf('nas'))).toBe(before);
  });

  it('a switch to generation N of a remote demo host: the same stand-in path, confirmed', async () => {
    const list = await generationsOf('vm01');
    const target = list[3]?.generation ?? 0;
    const request: GenerationRequest = {
      kind: 'generation', host: 'vm01', generation: target, action: 'switch', confirmTimeout: 2, elevation: 'root', profile: profileOf('vm01'),
    };
    const { code, lines } = await deploy(request);
    expect(code).toBe(0);
    expect(lines.map(phaseOf).filter((p) => p !== null)).toEqual(['activate', 'confirm']);
    expect(lines).toContain(`nixdeck-host: $ nix-env -p ${profileOf('vm01')} --switch-generation ${target}`);
    const after = await generationsOf('vm01');
    expect(after.find((g) => g.generation === target)).toMatchObject({ current: true, running: true });
    expect(after.length).toBe(list.length);
  });

  it('the generation operations of a remote demo host start that run (no refusal) and delete its links', async () => {
    const ops = createDemoGenerationOps(env);
    expect(ops.refusal({ name: 'vm01', local: false, sources: ['flake'] })).toBeNull();
    const list = await generationsOf('vm01');
    const oldest = list.at(-1)?.generation ?? 0;
    const r = await ops.deleteGenerations({ host: 'vm01', generations: [oldest] });
    expect(r.ok).toBe(true);
    expect((await generationsOf('vm01')).map((g) => g.generation)).not.toContain(oldest);
  });
});
