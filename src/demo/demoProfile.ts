// A demo host's system profile on disk, read and set as nix-env does on a real host: the
// stand-in of activate.sh (demoSupervisor.ts) works on these links.
import { readdirSync, readlinkSync, realpathSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { relink } from './demoGenerations.js';

/** What a deploy finds on the host before it changes anything: where a rollback goes back to. */
export interface ProfileBefore {
  generation: number | null;
  system: string | null;
  running: string | null;
}

export function resolved(p: string): string | null {
  try {
    return realpathSync(p);
  } catch {
    return null;
  }
}

export function profileBefore(root: string, profile: string): ProfileBefore {
  return {
    generation: currentNumber(profile),
    system: resolved(profile),
    running: resolved(path.join(root, 'run/current-system')),
  };
}

function generationNumbers(profile: string): number[] {
  const name = path.basename(profile);
  const pattern = new RegExp(`^${name}-(\\d+)-link$`);
  return readdirSync(path.dirname(profile))
    .map((e) => pattern.exec(e)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

function currentNumber(profile: string): number | null {
  try {
    const m = /-(\d+)-link$/.exec(readlinkSync(profile));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** `nix-env -p PROFILE --switch-generation N` */
export function switchGeneration(profile: string, generation: number): void {
  relink(profile, path.basename(`${profile}-${generation}-link`));
}

/** `nix-env -p PROFILE --set SYSTEM`: a new generation, unless the newest already is that system. */
export function setProfile(profile: string, system: string): void {
  const numbers = generationNumbers(profile);
  const newest = numbers.at(-1);
  const link = (n: number) => `${profile}-${n}-link`;
  if (newest !== undefined && resolved(link(newest)) === system) {
    relink(profile, path.basename(link(newest)));
    return;
  }
  const next = (newest ?? 0) + 1;
  symlinkSync(system, link(next));
  relink(profile, path.basename(link(next)));
}
