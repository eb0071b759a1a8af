// The POSIX sh scripts nixdeck runs on remote hosts (src/system/remote/scripts/). Run from source
// (tsx, vitest) they are read from disk; the bundle carries them as strings instead
// (scripts/build.ts replaces this module).

import { readFileSync } from 'node:fs';

/** The text of `src/system/remote/scripts/<name>`. */
export function remoteScript(name: string): string {
  return readFileSync(new URL(`./scripts/${name}`, import.meta.url), 'utf8');
}
