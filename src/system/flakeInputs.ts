// Reads a flake's flake.lock (no evaluation, no nix) and parses its inputs.
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { AgeThresholds } from '../core/inputAge.js';
import type { FlakeInput } from '../core/repo.js';
import type { Result } from '../core/result.js';
import { parseFlakeLock } from '../core/flakeLock.js';

/** flake.lock of `flakeDir` as its root inputs; a missing or broken file is a Failure saying so. */
export async function readFlakeInputs(
  flakeDir: string,
  nowMs: number,
  ages: AgeThresholds,
): Promise<Result<FlakeInput[]>> {
  const file = path.join(flakeDir, 'flake.lock');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      if (!(await isFolder(flakeDir))) return { ok: false, error: `the flake folder ${flakeDir} does not exist`, hint: 'give the flake folder with --flake DIR, or set the flake preference' };
      return { ok: false, error: `no flake.lock in ${flakeDir}: the flake has no locked inputs yet; \`nix flake lock\` writes one` };
    }
    return { ok: false, error: `cannot read ${file}: ${(err as Error).message}` };
  }
  return parseFlakeLock(text, nowMs, ages);
}

async function isFolder(dir: string): Promise<boolean> {
  try {
    return (await stat(dir)).isDirectory();
  } catch {
    return false;
  }
}
