import type { Generation } from '../../src/core/types.js';

/** A plain `ok` generation of hq, neither current, running nor booted, with the given changes. */
export function makeGeneration(generation: number, changes: Partial<Generation> = {}): Generation {
  return {
    generation,
    date: '2025-06-01T10:00:00.000Z',
    nixosVersion: '25.05',
    kernelVersion: '6.6.32',
    configurationRevision: 'Unknown',
    specialisations: [],
    current: false,
    running: false,
    booted: false,
    storePath: `/nix/store/${String(generation).padStart(32, '0')}-nixos-system-hq`,
    status: 'ok',
    ...changes,
  };
}
