import { describe, expect, it } from 'vitest';
import { buildGenerationList, generationMarkers, generationNumberOf } from '../../src/core/generations.js';
import type { GenerationLinkFacts, ProfileFacts } from '../../src/core/types.js';

function link(number: number, extra: Partial<GenerationLinkFacts> = {}): GenerationLinkFacts {
  return {
    number,
    mtimeMs: Date.UTC(2025, 5, number, 10, 0, 0),
    target: `/nix/store/${String(number).padStart(32, 'a')}-nixos-system-hq-25.05`,
    state: 'ok',
    nixosVersion: '25.05.20250601.abc1234',
    kernelVersion: '6.12.30',
    configurationRevision: null,
    specialisations: [],
    ...extra,
  };
}

describe('buildGenerationList', () => {
  const facts: ProfileFacts = {
    currentNumber: 42,
    runningPath: link(41).target,
    bootedPath: link(40).target,
    runningKernel: '6.12.31',
    bootedKernel: '6.12.30',
    links: [link(40), link(42, { specialisations: ['gaming', 'battery'] }), link(41), link(7, { state: 'dangling', problem: 'gone', nixosVersion: null, kernelVersion: null })],
  };
  const list = buildGenerationList(facts);

  it('sorts newest first and keeps the three markers separate', () => {
    expect(list.generations.map((g) => g.generation)).toEqual([42, 41, 40, 7]);
    expect(list.generations.map((g) => [g.current, g.running, g.booted])).toEqual([
      [true, false, false],
      [false, true, false],
      [false, false, true],
      [false, false, false],
    ]);
  });

  it('uses ISO UTC dates, the ng "Unknown" fallbacks and sorted specialisations', () => {
    const [g42, , , g7] = list.generations;
    expect(g42?.date).toBe('2025-06-42T10:00:00.000Z'.replace('06-42', '07-12'));
    expect(g42?.specialisations).toEqual(['battery', 'gaming']);
    expect(g42?.configurationRevision).toBe('Unknown');
    expect(g7).toMatchObject({ status: 'dangling', problem: 'gone', nixosVersion: 'Unknown', kernelVersion: 'Unknown' });
    expect(generationMarkers(g7!)).toEqual(['dangling']);
  });

  it('says a reboot is needed only when running and booted kernels differ', () => {
    expect(list.rebootNeeded).toBe(true);
    expect(buildGenerationList({ ...facts, bootedKernel: '6.12.31' }).rebootNeeded).toBe(false);
    expect(buildGenerationList({ ...facts, bootedKernel: null }).rebootNeeded).toBe(false);
  });
});

describe('generationNumberOf', () => {
  it('accepts only <profile>-<digits>-link', () => {
    expect(generationNumberOf('system-42-link', 'system')).toBe(42);
    expect(generationNumberOf('system', 'system')).toBeNull();
    expect(generationNumberOf('system.lock', 'system')).toBeNull();
    expect(generationNumberOf('system-profiles', 'system')).toBeNull();
    expect(generationNumberOf('system-4a-link', 'system')).toBeNull();
    expect(generationNumberOf('other-3-link', 'system')).toBeNull();
  });
});
