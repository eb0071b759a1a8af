// Update runs over the real run layer (a detached supervisor from source) with a stand-in for nix
// that rewrites flake.lock: the outcome, the revert and its refusal, the checks made before
// anything runs, and the runs service following an update like a rebuild. Nix itself: test/integration.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunView } from '../../src/core/runsService.js';
import { createRunsService } from '../../src/services/runs.js';
import { flakeUpdater, type FlakeUpdateSetup } from '../../src/system/flakeUpdate.js';
import { AFTER_FILE, BEFORE_FILE, REPLACED_FILE } from '../../src/system/flakeUpdateFiles.js';
import { cancelRun } from '../../src/system/runLauncher.js';
import { createRun, readRun, runsDir } from '../../src/system/runStore.js';

const work = mkdtempSync(path.join(os.tmpdir(), 'nixdeck-update-'));
// a detached supervisor may still be writing into its run folder when the tests end (ENOTEMPTY)
afterAll(() => rmSync(work, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }));

const self = (sub: string) => [process.execPath, '--import', 'tsx', path.resolve('src/cli.ts'), sub];

const DAY = 86_400;
const OLD = { rev: 'a'.repeat(40), lastModified: 1_790_000_000 };
const NEW = { rev: 'b'.repeat(40), lastModified: 1_790_000_000 + 12 * DAY };

function lockText(pin: { rev: string; lastModified: number }): string {
  const tools = { flake: false, locked: { lastModified: pin.lastModified, narHash: `sha256-${pin.rev.slice(0, 8)}`, rev: pin.rev, type: 'git', url: 'file:///tools' }, original: { type: 'git', url: 'file:///tools' } };
  return `${JSON.stringify({ nodes: { root: { inputs: { tools: 'tools' } }, tools }, root: 'root', version: 7 }, null, 2)}\n`;
}

// the stand-in for nix: waits for a file to exist (when given), then writes flake.lock
const FAKE = path.join(work, 'fake-update.mjs');
writeFileSync(
  FAKE,
  `import { existsSync, writeFileSync } from 'node:fs';
const [lock, text, gate] = process.argv.slice(2);
console.log('fake update started');
while (gate && !existsSync(gate)) await new Promise((r) => setTimeout(r, 20));
console.log('• Updated input tools');
writeFileSync(lock, text);
`,
);

let count = 0;
function flake(withLock = true): { setup: FlakeUpdateSetup; dir: string; lock: string; gate: string; calls: string[][] } {
  const dir = path.join(work, `flake-${++count}`);
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'flake.nix'), '{ outputs = { self, tools }: { }; }\n');
  const lock = path.join(dir, 'flake.lock');
  if (withLock) writeFileSync(lock, lockText(OLD));
  const gate = path.join(dir, 'go');
  const calls: string[][] = [];
  const setup: FlakeUpdateSetup = {
    stateDir: path.join(dir, 'state'),
    flakeDir: dir,
    supervisor: self('__supervise'),
    runner: self('__flake-update'),
    command: async (inputs) => {
      calls.push([...inputs]);
      return { ok: true, value: [process.execPath, FAKE, lock, lockText(NEW), gate] };
    },
  };
  return { setup, dir, lock, gate, calls };
}

async function ended(setup: FlakeUpdateSetup, id: string): Promise<void> {
  for (;;) {
    const info = await readRun(setup.stateDir, id);
    if (info.state !== 'running') return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function finishedUpdate(f: ReturnType<typeof flake>, inputs: string[] = ['tools']): Promise<string> {
  writeFileSync(f.gate, '');
  const started = await flakeUpdater(f.setup).start(inputs);
  if (!started.ok) throw new Error(started.error);
  await ended(f.setup, started.id);
  return started.id;
}

describe('flakeUpdater', () => {
  it('runs the update as a run of flake.lock, keeps the lock before and after, and tells what changed', async () => {
    const f = flake();
    const id = await finishedUpdate(f);
    expect(f.calls).toEqual([['tools']]);
    const info = await readRun(f.setup.stateDir, id);
    expect(info.meta).toMatchObject({ host: 'flake.lock', action: 'update', flakeDir: f.dir });
    expect(info.exit?.exitCode).toBe(0);
    expect(readFileSync(path.join(info.dir, BEFORE_FILE), 'utf8')).toBe(lockText(OLD));
    expect(readFileSync(path.join(info.dir, AFTER_FILE), 'utf8')).toBe(lockText(NEW));
    const log = readFileSync(path.join(info.dir, 'log'), 'utf8');
    expect(log).toContain('• Updated input tools');
    expect(log).toContain('nixdeck: flake.lock changed: tools aaaaaaa → bbbbbbb (+12 days)');

    const outcome = await flakeUpdater(f.setup).outcome(id);
    expect(outcome).toEqual({
      ok: true,
      value: {
        runId: id,
        revertible: true,
        changes: [{ name: 'tools', kind: 'changed', oldRev: OLD.rev, newRev: NEW.rev, oldLastModified: OLD.lastModified, newLastModified: NEW.lastModified, daysGained: 12 }],
      },
    });
  });

  it('reverts flake.lock byte for byte and keeps the file it replaced', async () => {
    const f = flake();
    const id = await finishedUpdate(f);
    const updater = flakeUpdater(f.setup);
    expect(await updater.revert(id)).toEqual({ ok: true, value: undefined });
    expect(readFileSync(f.lock, 'utf8')).toBe(lockText(OLD));
    const dir = (await readRun(f.setup.stateDir, id)).dir;
    expect(readFileSync(path.join(dir, REPLACED_FILE), 'utf8')).toBe(lockText(NEW));
    // done already: nothing to put back, and the outcome says so
    expect(await updater.revert(id)).toEqual({ ok: true, value: undefined });
    expect(await updater.outcome(id)).toMatchObject({ ok: true, value: { revertible: false } });
  });

  it('refuses to revert when flake.lock changed since the update ended, and leaves it as it is', async () => {
    const f = flake();
    const id = await finishedUpdate(f);
    const edited = lockText({ rev: 'c'.repeat(40), lastModified: NEW.lastModified + DAY });
    writeFileSync(f.lock, edited);
    const reverted = await flakeUpdater(f.setup).revert(id);
    expect(reverted).toMatchObject({ ok: false, error: expect.stringContaining('flake.lock changed since update') });
    expect(reverted.ok ? '' : reverted.hint).toContain(BEFORE_FILE);
    expect(readFileSync(f.lock, 'utf8')).toBe(edited);
  });

  it('says the update is still running until it has ended', async () => {
    const f = flake();
    const updater = flakeUpdater(f.setup);
    const started = await updater.start([]);
    if (!started.ok) throw new Error(started.error);
    expect(f.calls).toEqual([[]]);
    expect(await updater.outcome(started.id)).toMatchObject({ ok: false, error: `the update is still running (run ${started.id})` });
    expect(await updater.revert(started.id)).toMatchObject({ ok: false, error: expect.stringContaining('still running') });
    // a second update of the same flake waits for the first
    expect(await updater.start([])).toMatchObject({ ok: false, error: expect.stringContaining('already running') });
    writeFileSync(f.gate, '');
    await ended(f.setup, started.id);
    expect(await updater.outcome(started.id)).toMatchObject({ ok: true, value: { revertible: true } });
  });

  it('is cancelled like a rebuild; the lock it left is still kept and compared', async () => {
    const f = flake();
    const started = await flakeUpdater(f.setup).start(['tools']);
    if (!started.ok) throw new Error(started.error);
    const log = path.join((await readRun(f.setup.stateDir, started.id)).dir, 'log');
    // the update's command is going (a cancel before that stops it before it could change anything)
    while (!readFileSync(log, 'utf8').includes('fake update started')) await new Promise((r) => setTimeout(r, 20));
    const cancelled = await cancelRun(f.setup.stateDir, started.id, { graceMs: 2000 });
    expect(cancelled).toMatchObject({ alreadyFinished: false, ended: true, signals: ['SIGINT'] });
    expect(cancelled.exit?.cancelled).toBe(true);
    const dir = (await readRun(f.setup.stateDir, started.id)).dir;
    expect(readFileSync(path.join(dir, AFTER_FILE), 'utf8')).toBe(lockText(OLD));
    expect(await flakeUpdater(f.setup).outcome(started.id)).toEqual({ ok: true, value: { runId: started.id, changes: [], revertible: false } });
  });

  it('remembers that there was no flake.lock: the revert removes the new one (and keeps it)', async () => {
    const f = flake(false);
    const id = await finishedUpdate(f, []);
    const outcome = await flakeUpdater(f.setup).outcome(id);
    expect(outcome).toMatchObject({ ok: true, value: { revertible: true, changes: [{ name: 'tools', kind: 'added', oldRev: null, newRev: NEW.rev }] } });
    expect(await flakeUpdater(f.setup).revert(id)).toEqual({ ok: true, value: undefined });
    expect(existsSync(f.lock)).toBe(false);
    expect(readFileSync(path.join((await readRun(f.setup.stateDir, id)).dir, REPLACED_FILE), 'utf8')).toBe(lockText(NEW));
  });

  it('starts nothing for an unknown input, a malformed name, or a folder without flake.nix', async () => {
    const f = flake();
    const updater = flakeUpdater(f.setup);
    expect(await updater.start(['nixpkgs'])).toMatchObject({ ok: false, error: 'no input "nixpkgs" in flake.lock; the inputs of flake.lock are: tools (an input added to flake.nix since the last lock is locked by nixdeck update with no names)' });
    expect(await updater.start(['--commit-lock-file'])).toMatchObject({ ok: false, error: expect.stringContaining('is not an input name') });
    rmSync(path.join(f.dir, 'flake.nix'));
    expect(await updater.start([])).toMatchObject({ ok: false, error: expect.stringContaining('there is no flake.nix in') });
    expect(f.calls).toEqual([]);
    expect(existsSync(runsDir(f.setup.stateDir))).toBe(false);
  });

  it('says clearly that nix is missing, and starts nothing', async () => {
    const f = flake();
    const { command: _unused, ...withNix } = f.setup;
    const savedPath = process.env.PATH;
    process.env.PATH = path.join(work, 'empty-bin');
    try {
      expect(await flakeUpdater(withNix).start([])).toMatchObject({ ok: false, error: expect.stringContaining('nix is not installed (not found in PATH): nothing was started') });
    } finally {
      process.env.PATH = savedPath;
    }
    expect(existsSync(runsDir(f.setup.stateDir))).toBe(false);
  });

  it('refuses a run that is not an update, and one of another flake', async () => {
    const f = flake();
    const g = flake();
    const id = await finishedUpdate(f);
    const other = flakeUpdater({ ...g.setup, stateDir: f.setup.stateDir });
    expect(await other.outcome(id)).toMatchObject({ ok: false, error: expect.stringContaining('updated another flake') });
    expect(await other.revert(id)).toMatchObject({ ok: false, error: expect.stringContaining('updated another flake') });
    expect(readFileSync(f.lock, 'utf8')).toBe(lockText(NEW));
    const build = await createRun(f.setup.stateDir, { host: 'hq', action: 'build', argv: ['true'], flakeDir: f.dir });
    expect(await flakeUpdater(f.setup).revert(build.id)).toMatchObject({ ok: false, error: `run ${build.id} is not an update of flake.lock (it is a build of hq)` });
  });

  it('is followed by the runs service like a rebuild: adopted, watched to its end', async () => {
    const f = flake();
    const started = await flakeUpdater(f.setup).start(['tools']);
    if (!started.ok) throw new Error(started.error);
    const service = createRunsService({
      stateDir: f.setup.stateDir,
      flakeDir: f.dir,
      hostname: 'hq',
      executable: ['nixos-rebuild'],
      extraFlags: [],
      supervisor: self('__supervise'),
      isRoot: false,
      needsRoot: false,
    });
    try {
      expect(await service.adopt(started.id)).toBe(true);
      const final = new Promise<RunView>((resolve) => {
        const stop = service.watch(started.id, (view) => {
          if (view.phase !== 'running') {
            stop();
            resolve(view);
          }
        });
      });
      writeFileSync(f.gate, '');
      const view = await final;
      expect(view).toMatchObject({ host: 'flake.lock', action: 'update', phase: 'succeeded' });
      expect(view.progress.tail.join('\n')).toContain('nixdeck: flake.lock changed: tools');
      expect((await service.recent()).map((r) => r.id)).toContain(started.id);
    } finally {
      service.close();
    }
    expect(readdirSync(runsDir(f.setup.stateDir))).toEqual([started.id]);
  });
});
