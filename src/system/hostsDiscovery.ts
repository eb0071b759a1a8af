import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { isValidHostName, summariseNixError } from '../core/hosts.js';
import type { CommandRunner } from './exec.js';

const HOST_FOLDERS = ['systems', 'hosts'];
const HOST_FILES = ['configuration.nix', 'default.nix'];

/** Folders under systems/ and hosts/ holding a configuration.nix or default.nix: instant, no nix. */
export async function listFolderHosts(flakeDir: string): Promise<string[]> {
  const names = new Set<string>();
  for (const folder of HOST_FOLDERS) {
    const entries = await readdir(path.join(flakeDir, folder), { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (!entry.isDirectory() || !isValidHostName(entry.name)) continue;
      for (const file of HOST_FILES) {
        const found = await stat(path.join(flakeDir, folder, entry.name, file)).then((s) => s.isFile(), () => false);
        if (found) {
          names.add(entry.name);
          break;
        }
      }
    }
  }
  return [...names].sort();
}

export type FlakeHostsResult =
  | { ok: true; names: string[] }
  | { ok: false; error: string; detail: string; hint: string };

const NIX_ARGS = ['--extra-experimental-features', 'nix-command flakes'];

/** `nix eval --json <flake>#nixosConfigurations --apply builtins.attrNames`, with a readable failure. */
export async function evalFlakeHosts(flakeDir: string, runner: CommandRunner): Promise<FlakeHostsResult> {
  const ref = `${path.resolve(flakeDir)}#nixosConfigurations`;
  const args = [...NIX_ARGS, 'eval', '--json', ref, '--apply', 'builtins.attrNames'];
  const hint = `run: nix eval --json '${ref}' --apply builtins.attrNames`;
  const result = await runner.run('nix', args, { cwd: flakeDir, timeoutMs: 120_000 });
  if (result.spawnError) {
    return { ok: false, error: `flake not evaluated: ${result.spawnError}`, detail: result.spawnError, hint: 'install Nix, or use the folder hosts' };
  }
  if (result.exitCode !== 0) {
    return { ok: false, error: `flake evaluation failed: ${summariseNixError(result.stderr)}`, detail: result.stderr, hint };
  }
  try {
    const parsed: unknown = JSON.parse(result.stdout);
    if (Array.isArray(parsed) && parsed.every((n): n is string => typeof n === 'string')) {
      return { ok: true, names: parsed.filter(isValidHostName) };
    }
  } catch {
    // fall through
  }
  return { ok: false, error: 'flake evaluation printed something other than a list of names', detail: result.stdout, hint };
}
