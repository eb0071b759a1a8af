// Deterministic stand-ins for hashes, revisions and randomness: a given seed always gives the
// same demo fleet.

import { createHash } from 'node:crypto';

const NIX_BASE32 = '0123456789abcdfghijklmnpqrsvwxyz';

/** arr[i] (negative counts from the end) for indices known to exist. */
export function at<T>(arr: readonly T[], i: number): T {
  const value = arr.at(i);
  if (value === undefined) throw new Error(`demo fleet: no element ${i}`);
  return value;
}

/** 32 characters of nix-base32 derived from `seed`, like a store path hash. */
export function nixHash(seed: string): string {
  const bytes = createHash('sha256').update(seed).digest();
  let out = '';
  for (let i = 0; i < 32; i++) {
    const bit = i * 5;
    const pair = (bytes[bit >> 3] ?? 0) | ((bytes[(bit >> 3) + 1] ?? 0) << 8);
    out += NIX_BASE32[(pair >> (bit & 7)) & 31];
  }
  return out;
}

/** 40 hex digits derived from `seed`, like a git commit. */
export function hex40(seed: string): string {
  return createHash('sha1').update(seed).digest('hex');
}

/** mulberry32, seeded from a string */
export function seededRandom(seed: string): () => number {
  let state = createHash('sha256').update(seed).digest().readUInt32LE(0);
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function yyyymmdd(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10).replaceAll('-', '');
}
