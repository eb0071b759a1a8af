import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { isValidHostName, summariseNixError } from '../core/hosts.js';
import type { CommandRunner } from './exec.js';
import { folderProblem } from './folderCheck.js';
import { shellQuote } from '../core/shellQuote.js';

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

/** The first executable `name` on PATH, or null. */
function onPath(name: string, env: NodeJS.ProcessEnv = process.env): string | null {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const file = path.join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      if (statSync(file).isFile()) return file;
    } catch {
      // not here
    }
  }
  return null;
}

const CHOOSE_FLAKE = 'choose the flake folder with --flake DIR, or: nixdeck config set flake DIR';

/** `nix eval --json <flake>#nixosConfigurations --apply builtins.attrNames`, with a readable failure. */
export async function evalFlakeHosts(flakeDir: string, runner: CommandRunner): Promise<FlakeHostsResult> {
  const dir = path.resolve(flakeDir);
  const problem = folderProblem(dir);
  if (problem) return { ok: false, error: `flake not evaluated: the flake folder ${dir} ${problem}`, detail: problem, hint: CHOOSE_FLAKE };
  if (!existsSync(path.join(dir, 'flake.nix'))) {
    return { ok: false, error: `flake not evaluated: there is no flake.nix in ${dir}`, detail: 'no flake.nix', hint: CHOOSE_FLAKE };
  }
  const ref = `${dir}#nixosConfigurations`;
  const args = [...NIX_ARGS, 'eval', '--json', ref, '--apply', 'builtins.attrNames'];
  const hint = `run: nix ${args.map(shellQuote).join(' ')}`;
  // no cwd: a missing working folder would make the spawn fail with ENOENT, like a missing nix
  const result = await runner.run('nix', args, { timeoutMs: 120_000 });
  if (result.spawnError) {
    const nix = onPath('nix');
    if (nix === null) {
      return { ok: false, error: 'flake not evaluated: nix is not installed (not found in PATH)', detail: result.spawnError, hint: 'install Nix, or use the folder hosts' };
    }
    const why = result.spawnCode === 'ENOENT' ? 'it, or the interpreter it names, was not found' : result.spawnError;
    return { ok: false, error: `flake not evaluated: ${nix} could not be run: ${why}`, detail: result.spawnError, hint };
  }
  if (result.exitCode !== 0) {
    // nix copies a git flake's tracked files only, so an untracked flake.nix is "missing"
    if (/getting status of '[^']*-source\/flake\.nix': No such file or directory/.test(result.stderr)) {
      return { ok: false, error: `flake evaluation failed: flake.nix is not tracked by git in ${dir} (nix sees only the files git tracks: git add flake.nix)`, detail: result.stderr, hint };
    }
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
