// The demo's data files (src/demo/data/): Markdown and Nix templates. Run from source (tsx,
// vitest) they are read from disk; the bundle carries them as strings instead (scripts/build.ts
// replaces this module), so dist/ needs no data folder.

import { readFileSync } from 'node:fs';

/** The text of `src/demo/data/<name>`. */
export function demoData(name: string): string {
  return readFileSync(new URL(`./data/${name}`, import.meta.url), 'utf8');
}
