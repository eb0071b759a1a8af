// Pinned generations per host, kept in one preference string: `hq:12,40;t460:3` (hosts in name
// order, numbers ascending; '' = nothing pinned). Pinned generations are never deleted by a prune.
// Pure: no I/O.

import { parseGenerationNumber } from './generationOps.js';
import { isValidHostName } from './hosts.js';

/** host name → pinned generation numbers, ascending, no duplicates */
export type Pins = Readonly<Record<string, readonly number[]>>;

export type PinsParse = { ok: true; pins: Pins } | { ok: false; error: string };

/** Read the preference; whitespace around the parts is allowed, anything else malformed is an error. */
export function parsePins(text: string): PinsParse {
  const pins: Record<string, number[]> = {};
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, pins };
  for (const part of trimmed.split(';')) {
    const entry = part.trim();
    if (entry === '') continue;
    const colon = entry.indexOf(':');
    if (colon <= 0) return { ok: false, error: `"${entry}" is not HOST:N,N…` };
    const host = entry.slice(0, colon).trim();
    if (!isValidHostName(host)) return { ok: false, error: `"${host}" is not a host name` };
    if (Object.hasOwn(pins, host)) return { ok: false, error: `${host} is listed twice` };
    const numbers: number[] = [];
    for (const word of entry.slice(colon + 1).split(',')) {
      const n = parseGenerationNumber(word.trim());
      if (n === null) return { ok: false, error: `"${word.trim()}" (for ${host}) is not a generation number` };
      numbers.push(n);
    }
    pins[host] = [...new Set(numbers)].sort((a, b) => a - b);
  }
  return { ok: true, pins };
}

/** The preference string for these pins: hosts sorted, numbers ascending, hosts without pins left out. */
export function formatPins(pins: Pins): string {
  return Object.keys(pins)
    .filter((host) => (pins[host]?.length ?? 0) > 0)
    .sort()
    .map((host) => `${host}:${[...new Set(pins[host])].sort((a, b) => a - b).join(',')}`)
    .join(';');
}

/** The pinned numbers of one host from the stored preference (nothing when unset or malformed). */
export function pinsOf(text: string | undefined, host: string): number[] {
  if (text === undefined) return [];
  const parsed = parsePins(text);
  return parsed.ok ? [...(parsed.pins[host] ?? [])] : [];
}

/** Pin `generation` of `host`, or unpin it when it is pinned. */
export function togglePin(pins: Pins, host: string, generation: number): { pins: Pins; pinned: boolean } {
  const current = pins[host] ?? [];
  const pinned = !current.includes(generation);
  const next = pinned ? [...current, generation].sort((a, b) => a - b) : current.filter((n) => n !== generation);
  const out: Record<string, readonly number[]> = { ...pins };
  if (next.length > 0) out[host] = next;
  else delete out[host];
  return { pins: out, pinned };
}
