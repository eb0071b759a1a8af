// `nixdeck prune` when nix cannot tell sizes: one warning, not one per look-up.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pruneCommand } from '../../src/commands/generationOps.js';
import { fakeIo } from '../commands/fakeIo.js';
import { buildGenerationList } from '../../src/core/generations.js';
import type { GenerationLinkFacts } from '../../src/core/types.js';
import type { Environment } from '../../src/system/context.js';

const work = mkdtempSync(path.join(os.tmpdir(), 'nixdeck-prune-warn-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const store = (n: number): string => `/nix/store/${String(n).padStart(32, 'c')}-nixos-system-hq-${n}`;
const T0 = Date.parse('2025-06-01T10:00:00Z');

const link = (number: number): GenerationLinkFacts => ({
  number,
  mtimeMs: T0 + number * 3_600_000,
  target: store(number),
  state: 'ok',
  nixosVersion: '25.05.20250601.abcdef0',
  kernelVersion: '6.12.30',
  configurationRevision: null,
  specialisations: [],
});

const env: Environment = {
  flakeDir: work,
  todoFile: path.join(work, 'PROJECT.md'),
  root: work,
  hostname: 'hq',
  listFolderHosts: async () => [],
  evalFlakeHosts: async () => ({ ok: true, names: [] }),
  readGenerations: async () => ({
    ok: true,
    list: buildGenerationList({ currentNumber: 4, runningPath: store(4), bootedPath: store(4), runningKernel: '6.12.30', bootedKernel: '6.12.30', links: [1, 2, 3, 4].map(link) }),
  }),
  rebuild: { stateDir: work, flakeDir: work, hostname: 'hq', executable: ['false'], extraFlags: [], supervisor: ['false'], isRoot: false, needsRoot: true },
};

describe('prune without sizes', () => {
  it("says 'sizes unknown' once when nix path-info fails for both the sizes and the freed space", async () => {
    const err: string[] = [];
    const out: string[] = [];
    const code = await pruneCommand(env, fakeIo({ out: (t) => void out.push(t), err: (t) => void err.push(t) }), { keep: '1', pin: [], dryRun: true, yes: false, json: false }, {
      runner: { run: async () => ({ exitCode: 1, stdout: '', stderr: 'error: cannot connect to the daemon' }) },
      interactive: false,
      confirm: async () => false,
      now: () => T0 + 24 * 3_600_000,
    });
    expect(code).toBe(0);
    expect(err.filter((l) => l.includes('sizes unknown'))).toEqual(['warning: sizes unknown: nix path-info failed (exit 1): cannot connect to the daemon']);
    expect(out).toContain('Dry run: nothing was deleted.');
  });
});
