// The demo's repository service as the console gets it: git state, history, tags and revisions of
// the demo's repository, and an update run through the supervisor with the demo's stand-in for
// `nix flake update`, then its revert. Needs git.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RepoService, UpdateOutcome } from '../../src/core/repo.js';
import type { Result } from '../../src/core/result.js';
import { demoRepoService } from '../../src/demo/demoEnvironment.js';
import { createDemoFleet, type DemoFleet } from '../../src/demo/demoFleet.js';

// the run starts in the flake folder: tsx's loader by its full path
const self = (sub: string) => [process.execPath, '--import', pathToFileURL(path.resolve('node_modules/tsx/dist/loader.mjs')).href, path.resolve('src/cli.ts'), sub];

let parentDir: string;
let fleet: DemoFleet;
let repo: RepoService;
const savedSpeed = process.env.NIXDECK_DEMO_SPEED;

beforeAll(async () => {
  process.env.NIXDECK_DEMO_SPEED = '20';
  parentDir = await fs.mkdtemp(path.join(os.tmpdir(), 'nixdeck-demo-service-test-'));
  fleet = await createDemoFleet({ parentDir });
  repo = demoRepoService(fleet, path.join(fleet.dir, 'state'), self);
}, 60_000);

afterAll(async () => {
  if (savedSpeed === undefined) delete process.env.NIXDECK_DEMO_SPEED;
  else process.env.NIXDECK_DEMO_SPEED = savedSpeed;
  await fleet?.cleanup();
  await fs.rm(parentDir, { recursive: true, force: true });
});

async function revisionOf(host: string, fromNewest: number): Promise<string> {
  const profiles = path.join(fleet.hostRoots[host] ?? '', 'nix/var/nix/profiles');
  await fleet.hostReady(host);
  const numbers = (await fs.readdir(profiles)).map((n) => /^system-(\d+)-link$/.exec(n)?.[1]).filter(Boolean).map(Number).sort((a, b) => b - a);
  const json = await fs.readFile(path.join(profiles, `system-${numbers[fromNewest]}-link`, 'nixos-version.json'), 'utf8');
  return (JSON.parse(json) as { configurationRevision: string }).configurationRevision;
}

describe("the demo's repository service", () => {
  it('waits for the repository, then shows its branch, HEAD and changes', async () => {
    const state = await repo.gitState();
    expect(state).toMatchObject({ branch: 'main', head: fleet.history.commits.at(-1)?.hash, upstream: null, ahead: 0, behind: 0 });
    expect(state?.changed.map((c) => `${c.code} ${c.path}`).sort()).toEqual([' M systems/t460/default.nix', '?? notes/']);
  });

  it('lists the history, the deployed tags, and matches the generations to commits', async () => {
    const log = await repo.log(200);
    expect(log.ok && log.value.length).toBe(fleet.history.commits.length);
    const tags = Object.fromEntries((await repo.deployedTags()).map((t) => [t.host, t.behind]));
    expect(tags).toEqual({ hq: 0, x1carbon: 4, nas: expect.any(Number) });
    const running = await revisionOf('hq', 0);
    const dirty = await revisionOf('hq', 1);
    const amended = await revisionOf('x1carbon', 1);
    const found = await repo.lookupCommits([running, dirty, amended]);
    expect(found[running]?.subject).toBe('hq: bluetooth');
    expect(dirty).toMatch(/^[0-9a-f]{40}-dirty$/);
    expect(found[dirty]?.hash).toBe(dirty.replace(/-dirty$/, ''));
    expect(found[amended]).toBeNull();
  });

  it('reads the inputs with their ages', async () => {
    const inputs = await repo.readInputs();
    if (!inputs.ok) throw new Error(inputs.error);
    const byName = Object.fromEntries(inputs.value.map((i) => [i.name, i]));
    expect(byName.nixpkgs?.ageDays).toBeLessThan(14);
    expect(byName['nixos-hardware']?.ageDays).toBeGreaterThan(90);
    expect(byName['nixpkgs-2505']?.release?.status).toBe('end-of-life');
    expect(byName.dotfiles?.type).toBe('path');
  });

  it('updates nixpkgs in a run with the demo stand-in, says what changed, and reverts', async () => {
    const lockFile = path.join(fleet.flakeDir, 'flake.lock');
    const before = await fs.readFile(lockFile, 'utf8');
    const started = await repo.startUpdate(['nixpkgs']);
    if (!started.ok) throw new Error(started.error);
    let outcome: Result<UpdateOutcome> = { ok: false, error: 'not yet' };
    for (let i = 0; i < 300 && !outcome.ok; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      outcome = await repo.updateOutcome(started.id);
    }
    if (!outcome.ok) throw new Error(outcome.error);
    expect(outcome.value.changes.map((c) => [c.name, c.kind])).toEqual([['nixpkgs', 'changed']]);
    expect(outcome.value.changes[0]?.daysGained).toBeGreaterThanOrEqual(3);
    expect(await fs.readFile(lockFile, 'utf8')).not.toBe(before);
    const state = await repo.gitState();
    expect(state?.changed.map((c) => c.path)).toContain('flake.lock');
    const reverted = await repo.revertUpdate(started.id);
    expect(reverted.ok).toBe(true);
    expect(await fs.readFile(lockFile, 'utf8')).toBe(before);
  }, 60_000);
});
