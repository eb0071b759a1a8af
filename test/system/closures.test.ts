import { describe, expect, it } from 'vitest';
import { closureSizes, diffClosures, estimateFreed, freedFromGraph, parsePathInfoJson, storeBaseName } from '../../src/system/closures.js';
import type { CommandResult, CommandRunner } from '../../src/system/exec.js';

const S = '/nix/store';
const A = `${S}/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-nixos-system-hq-1`;
const B = `${S}/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-nixos-system-hq-2`;
const LIB = `${S}/llllllllllllllllllllllllllllllll-glibc-2.40`;
const FF1 = `${S}/ffffffffffffffffffffffffffffffff-firefox-119.0`;
const FF2 = `${S}/gggggggggggggggggggggggggggggggg-firefox-120.0`;

function fakeRunner(answer: Partial<CommandResult>): CommandRunner & { calls: { file: string; args: readonly string[] }[] } {
  const calls: { file: string; args: readonly string[] }[] = [];
  return {
    calls,
    async run(file, args) {
      calls.push({ file, args });
      return { exitCode: 0, stdout: '', stderr: '', ...answer };
    },
  };
}

describe('parsePathInfoJson', () => {
  it('nix 2.8: an array, invalid paths as valid: false', () => {
    const infos = parsePathInfoJson(JSON.stringify([{ path: A, narSize: 10, closureSize: 30, references: [LIB] }, { path: `${S}/x-gone`, valid: false }]));
    expect(infos).toEqual([{ path: A, narSize: 10, closureSize: 30, references: [LIB] }]);
  });

  it('newer nix: an object keyed by path, null for invalid; 2.33+ base names', () => {
    const infos = parsePathInfoJson(JSON.stringify({ [A]: { narSize: 10, closureSize: 30, references: [LIB] }, [`${S}/x-gone`]: null, [storeBaseName(B)]: { narSize: 5, closureSize: 20, references: [] } }));
    expect(infos.map((i) => [i.path, i.closureSize])).toEqual([
      [A, 30],
      [storeBaseName(B), 20],
    ]);
  });
});

describe('closureSizes', () => {
  it('one nix path-info -S --json call, sizes keyed by the paths given, whatever the output shape', async () => {
    const runner = fakeRunner({ stdout: JSON.stringify({ [storeBaseName(B)]: { narSize: 1, closureSize: 222 }, [A]: { narSize: 1, closureSize: 111 } }) });
    const result = await closureSizes(runner, [A, B, A]);
    expect(runner.calls).toEqual([{ file: 'nix', args: ['--extra-experimental-features', 'nix-command', 'path-info', '-S', '--json', A, B] }]);
    expect(result).toEqual({ ok: true, value: new Map([[A, 111], [B, 222]]) });
  });

  it('no paths, no call; a failing nix is an error in words; unusable paths are refused', async () => {
    const none = fakeRunner({});
    expect(await closureSizes(none, [])).toEqual({ ok: true, value: new Map() });
    expect(none.calls).toEqual([]);
    const failing = fakeRunner({ exitCode: 1, stderr: "\x1b[31;1merror:\x1b[0m opening lock file '/nix/var/nix/db/big-lock'" });
    expect(await closureSizes(failing, [A])).toEqual({ ok: false, error: "nix path-info failed (exit 1): opening lock file '/nix/var/nix/db/big-lock'" });
    expect((await closureSizes(none, ['relative'])).ok).toBe(false);
    expect((await closureSizes(none, ['nixpkgs#hello'])).ok).toBe(false);
  });
});

describe('diffClosures', () => {
  it('argument array, parsed output', async () => {
    const runner = fakeRunner({ stdout: 'linux: 6.6.32 → 6.12.4\n' });
    const result = await diffClosures(runner, A, B);
    expect(runner.calls[0]?.args).toEqual(['--extra-experimental-features', 'nix-command', 'store', 'diff-closures', A, B]);
    expect(result.ok && result.value.diff.kernel?.to).toEqual(['6.12.4']);
  });
});

describe('estimateFreed / freedFromGraph', () => {
  // A: glibc + firefox 119; B: glibc + firefox 120
  const graph = [
    { path: A, narSize: 5, closureSize: null, references: [LIB, FF1, A] },
    { path: B, narSize: 6, closureSize: null, references: [LIB, FF2] },
    { path: LIB, narSize: 1000, closureSize: null, references: [LIB] },
    { path: FF1, narSize: 300, closureSize: null, references: [LIB] },
    { path: FF2, narSize: 400, closureSize: null, references: [LIB] },
  ];

  it('counts only what no kept root reaches', () => {
    expect(freedFromGraph(graph, [A], [B])).toEqual({ bytes: 305, paths: 2 });
    expect(freedFromGraph(graph, [A, B], [])).toEqual({ bytes: 1711, paths: 5 });
    expect(freedFromGraph(graph, [A], [A])).toEqual({ bytes: 0, paths: 0 });
  });

  it('matches 2.33+ base names against full paths', () => {
    const short = graph.map((g) => ({ ...g, path: storeBaseName(g.path), references: g.references.map(storeBaseName) }));
    expect(freedFromGraph(short, [A], [B])).toEqual({ bytes: 305, paths: 2 });
  });

  it('one nix path-info -r --json call over deleted and kept', async () => {
    const runner = fakeRunner({ stdout: JSON.stringify(graph) });
    expect(await estimateFreed(runner, [A], [B])).toEqual({ ok: true, value: { bytes: 305, paths: 2 } });
    expect(runner.calls[0]?.args).toEqual(['--extra-experimental-features', 'nix-command', 'path-info', '-r', '--json', A, B]);
    expect(await estimateFreed(fakeRunner({}), [], [B])).toEqual({ ok: true, value: { bytes: 0, paths: 0 } });
  });
});
