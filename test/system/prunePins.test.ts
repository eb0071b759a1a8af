// `nixdeck prune` keeps the generations pinned in the preferences (P in the console), besides
// --pin; the demo never reads them. No Nix: the generations come from a fake environment and nix
// path-info from a fake runner; --dry-run changes nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type OpsDeps, pruneCommand } from '../../src/commands/generationOps.js';
import { fakeIo } from '../commands/fakeIo.js';
import { buildGenerationList } from '../../src/core/generations.js';
import { pinsOf } from '../../src/core/pins.js';
import type { GenerationLinkFacts } from '../../src/core/types.js';
import type { Environment } from '../../src/system/context.js';
import { openPrefs } from '../../src/system/prefs.js';

const work = mkdtempSync(path.join(os.tmpdir(), 'nixdeck-prune-pins-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const store = (n: number): string => `/nix/store/${String(n).padStart(32, 'b')}-nixos-system-hq-${n}`;
const T0 = Date.parse('2025-06-01T10:00:00Z');

function link(number: number): GenerationLinkFacts {
  return {
    number,
    mtimeMs: T0 + number * 3_600_000,
    target: store(number),
    state: 'ok',
    nixosVersion: '25.05.20250601.abcdef0',
    kernelVersion: '6.12.30',
    configurationRevision: null,
    specialisations: [],
  };
}

function environment(label?: string): Environment {
  const list = buildGenerationList({
    currentNumber: 5,
    runningPath: store(5),
    bootedPath: store(5),
    runningKernel: '6.12.30',
    bootedKernel: '6.12.30',
    links: [1, 2, 3, 4, 5].map(link),
  });
  return {
    ...(label ? { label } : {}),
    flakeDir: work,
    todoFile: path.join(work, 'PROJECT.md'),
    root: work,
    hostname: 'hq',
    listFolderHosts: async () => [],
    evalFlakeHosts: async () => ({ ok: true, names: [] }),
    readGenerations: async () => ({ ok: true, list }),
    rebuild: { stateDir: work, flakeDir: work, hostname: 'hq', executable: ['false'], extraFlags: [], supervisor: ['false'], isRoot: false, needsRoot: true },
  };
}

function deps(storedPins?: (host: string) => number[]): OpsDeps {
  return {
    // nix path-info: sizes for what is asked, an empty graph
    runner: { run: async (_file, args) => ({ exitCode: 0, stderr: '', stdout: JSON.stringify(args.filter((a) => a.startsWith('/nix/store/')).map((p) => ({ path: p, narSize: 1024, closureSize: 4096, references: [] }))) }) },
    interactive: false,
    confirm: async () => false,
    now: () => T0 + 24 * 3_600_000,
    ...(storedPins ? { storedPins } : {}),
  };
}

async function dryRun(env: Environment, d: OpsDeps, pin: string[] = []): Promise<{ code: number; json: { delete: { generation: number }[]; policy: { pinned: number[] }; keep: { generation: number; reasons: string[] }[] } }> {
  const out: string[] = [];
  const code = await pruneCommand(env, fakeIo({ out: (t) => void out.push(t) }), { keep: '1', pin, dryRun: true, yes: false, json: true }, d);
  return { code, json: JSON.parse(out.join('\n')) };
}

describe('prune and the stored pins', () => {
  it('keeps the generations pinned in the preferences, together with --pin', async () => {
    const { code, json } = await dryRun(environment(), deps((host) => (host === 'hq' ? [2, 4] : [])), ['3']);
    expect(code).toBe(0);
    expect(json.policy.pinned).toEqual([2, 3, 4]);
    expect(json.delete.map((d) => d.generation)).toEqual([1]);
    expect(json.keep.find((k) => k.generation === 4)?.reasons).toEqual(['pinned']);
  });

  it('without stored pins only --pin counts', async () => {
    const { json } = await dryRun(environment(), deps(() => []));
    expect(json.policy.pinned).toEqual([]);
    expect(json.delete.map((d) => d.generation)).toEqual([1, 2, 3, 4]);
  });

  it('the demo does not ask for the preferences at all', async () => {
    let asked = false;
    const { json } = await dryRun(
      environment('demo'),
      deps(() => {
        asked = true;
        return [2];
      }),
    );
    expect(asked).toBe(false);
    expect(json.policy.pinned).toEqual([]);
  });

  it('the pins the console saves are what prune reads back (openPrefs round trip)', async () => {
    const dir = path.join(work, 'config');
    const prefs = openPrefs(dir);
    await prefs.set('pins', 'hq:2,4;t460:3');
    await expect(prefs.set('pins', 'hq:two')).rejects.toThrow('must look like');
    const { json } = await dryRun(environment(), deps((host) => pinsOf(openPrefs(dir).get().pins, host)));
    expect(json.policy.pinned).toEqual([2, 4]);
  });
});
