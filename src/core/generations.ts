import type { Generation, GenerationList, ProfileFacts } from './types.js';

const UNKNOWN = 'Unknown';

/** Turn what was read from a profile directory into the generation list, newest first. */
export function buildGenerationList(facts: ProfileFacts): GenerationList {
  const generations: Generation[] = [...facts.links]
    .sort((a, b) => b.number - a.number)
    .map((link) => {
      const generation: Generation = {
        generation: link.number,
        date: new Date(link.mtimeMs).toISOString(),
        nixosVersion: link.nixosVersion ?? UNKNOWN,
        kernelVersion: link.kernelVersion ?? UNKNOWN,
        configurationRevision: link.configurationRevision ?? UNKNOWN,
        specialisations: [...link.specialisations].sort(),
        current: facts.currentNumber === link.number,
        running: link.target !== null && link.target === facts.runningPath,
        booted: link.target !== null && link.target === facts.bootedPath,
        storePath: link.target,
        status: link.state,
      };
      if (link.problem) generation.problem = link.problem;
      return generation;
    });
  return {
    generations,
    rebootNeeded:
      facts.runningKernel !== null && facts.bootedKernel !== null && facts.runningKernel !== facts.bootedKernel,
    runningKernel: facts.runningKernel,
    bootedKernel: facts.bootedKernel,
  };
}

/** `system-42-link` -> 42 for the profile named `system`; null for anything else in the folder. */
export function generationNumberOf(entry: string, profileName: string): number | null {
  if (!entry.startsWith(`${profileName}-`) || !entry.endsWith('-link')) return null;
  const digits = entry.slice(profileName.length + 1, -'-link'.length);
  if (!/^\d{1,9}$/.test(digits)) return null;
  return Number(digits);
}

/** The markers of a generation in words, so state is never shown by colour alone. */
export function generationMarkers(g: Generation): string[] {
  const markers: string[] = [];
  if (g.current) markers.push('current');
  if (g.running) markers.push('running');
  if (g.booted) markers.push('booted');
  if (g.status === 'dangling') markers.push('dangling');
  if (g.status === 'unreadable') markers.push('unreadable');
  return markers;
}

/** `2025-06-01T10:00:00.000Z` -> `2025-06-01 10:00` (UTC, as stored). */
export function shortDate(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}
