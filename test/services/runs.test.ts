// The console's runs service and the rebuild commands over real detached processes, with the
// demo's nixos-rebuild stand-in (no Nix needed; the real-Nix runs are in test/integration).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunView } from '../../src/core/runsService.js';
import { createRunsService } from '../../src/services/runs.js';
import { loadHistory } from '../../src/system/history.js';
import type { RebuildSetup } from '../../src/system/rebuilds.js';

const work = mkdtempSync(path.join(os.tmpdir(), 'nixdeck-runs-'));
// a detached supervisor may still be writing into its run folder when the tests end (ENOTEMPTY)
afterAll(() => rmSync(work, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }));

// the built-in stand-in, run from source, at 20x speed
const self = (sub: string) => [process.execPath, '--import', 'tsx', path.resolve('src/cli.ts'), sub];
process.env.NIXDECK_DEMO_SPEED = '20';

function setup(name: string): RebuildSetup {
  return {
    stateDir: path.join(work, name),
    flakeDir: '/demo/fleet',
    hostname: 'hq',
    executable: self('__demo-rebuild'),
    extraFlags: [],
    supervisor: self('__supervise'),
    isRoot: false,
    needsRoot: false,
  };
}

function until(service: ReturnType<typeof createRunsService>, id: string, done: (v: RunView) => boolean): Promise<RunView> {
  return new Promise((resolve) => {
    const stop = service.watch(id, (v) => {
      if (done(v)) {
        stop();
        resolve(v);
      }
    });
  });
}

describe('runs service', () => {
  it('starts a detached run, streams its progress, ends with a summary and records history', async () => {
    const s = setup('a');
    const service = createRunsService(s);
    try {
      const started = await service.start({ host: 'hq', action: 'switch' });
      expect(started.ok).toBe(true);
      if (!started.ok) return;
      const running = await until(service, started.id, (v) => v.progress.builds.done > 0);
      expect(running).toMatchObject({ host: 'hq', action: 'switch', phase: 'running' });
      const final = await until(service, started.id, (v) => v.phase !== 'running');
      expect(final.phase).toBe('succeeded');
      expect(final.summary?.headline).toMatch(/^succeeded in/);
      expect(final.progress.builds.done).toBe(6);
      expect(readFileSync(final.logPath, 'utf8')).toContain('activating the configuration...');
      await new Promise((r) => setTimeout(r, 300)); // the supervisor appends history after exit.json
      const history = await loadHistory(s.stateDir);
      expect([...history.buildTimes.keys()]).toContain('firmware-updater');
    } finally {
      service.close();
    }
  }, 60_000);

  it('reports a failed build with its headline and failed derivation', async () => {
    const service = createRunsService(setup('b'));
    try {
      const started = await service.start({ host: 'nas', action: 'build' });
      if (!started.ok) throw new Error(started.error);
      const final = await until(service, started.id, (v) => v.phase !== 'running');
      expect(final.phase).toBe('failed');
      expect(final.summary?.headline).toContain('firmware-updater-1.4.2');
      expect(final.summary?.failedDerivations[0]?.name).toBe('firmware-updater-1.4.2');
    } finally {
      service.close();
    }
  }, 60_000);

  it('a second console finds the run still going and follows it to the end', async () => {
    const s = setup('c');
    const first = createRunsService(s);
    const started = await first.start({ host: 'hq', action: 'build' });
    first.close(); // the first console quits; the run goes on
    if (!started.ok) throw new Error(started.error);
    const second = createRunsService(s);
    try {
      const recent = await second.recent();
      expect(recent.map((r) => [r.id, r.phase])).toContainEqual([started.id, 'running']);
      const final = await until(second, started.id, (v) => v.phase !== 'running');
      expect(final.phase).toBe('succeeded');
    } finally {
      second.close();
    }
  }, 60_000);

  it('cancels a run: the pane says cancelled', async () => {
    const service = createRunsService(setup('d'));
    try {
      const started = await service.start({ host: 'hq', action: 'build' });
      if (!started.ok) throw new Error(started.error);
      await until(service, started.id, (v) => v.progress.stage !== 'starting');
      await service.cancel(started.id);
      const final = await until(service, started.id, (v) => v.phase !== 'running');
      expect(final.phase).toBe('cancelled');
    } finally {
      service.close();
    }
  }, 60_000);

  it('refuses to activate another host than this machine with a real nixos-rebuild', async () => {
    const service = createRunsService({ ...setup('e'), needsRoot: true, executable: ['nixos-rebuild'] });
    const r = await service.start({ host: 'nas', action: 'switch' });
    expect(r).toMatchObject({ ok: false });
    if (!r.ok) expect(r.error).toContain('only works on this machine (hq)');
    service.close();
  });

  it("refuses it with the demo's stand-in too: the demo follows the same rules", async () => {
    const service = createRunsService(setup('f'));
    for (const action of ['switch', 'boot', 'test', 'dry-activate'] as const) {
      const r = await service.start({ host: 'nas', action });
      expect(r).toEqual({ ok: false, error: `${action} activates the configuration, which only works on this machine (hq) for now; build nas instead, or run nixdeck on nas` });
    }
    expect(existsSync(path.join(work, 'f', 'runs'))).toBe(false);
    service.close();
  });
});
