import type { Io } from './io.js';

export interface GcOptions {
  dryRun: boolean;
  yes: boolean;
  /** nix-store runs as it is; otherwise through `sudo -n` */
  isRoot: boolean;
}

/**
 * `nixdeck gc`: garbage collection, offered on its own and never run by prune. `--dry-run`
 * lists what would go (`nix-store --gc --print-dead`); otherwise it asks, then `nix-store --gc`.
 */
export async function gcCommand(io: Io, options: GcOptions): Promise<number> {
  const nixStore = (args: string[]) => (options.isRoot ? io.runner.run('nix-store', args) : io.runner.run('sudo', ['-n', '--', 'nix-store', ...args]));
  const dead = await nixStore(['--gc', '--print-dead']);
  if (dead.spawnError !== undefined) {
    io.err(`error: ${dead.spawnError}`);
    return 1;
  }
  if (dead.exitCode !== 0) {
    io.err(`error: nix-store --gc --print-dead failed: ${dead.stderr.trim().split('\n').at(-1) ?? ''}${options.isRoot ? '' : ' (not root: sudo -n was used; run as root or allow sudo)'}`);
    return 1;
  }
  const paths = dead.stdout.split('\n').filter((l) => l.startsWith('/nix/store/'));
  io.out(`${paths.length} store path${paths.length === 1 ? '' : 's'} no longer used by any generation or GC root`);
  if (options.dryRun || paths.length === 0) return 0;
  if (!options.yes) {
    if (!io.interactive) {
      io.err('error: not on a terminal: add --yes to collect garbage, or --dry-run to see what would go');
      return 1;
    }
    if (!(await io.confirm(`delete those ${paths.length} store paths?`))) return 1;
  }
  const gc = await nixStore(['--gc']);
  io.out(gc.stdout.trim().split('\n').at(-1) ?? '');
  if (gc.exitCode !== 0) io.err(gc.stderr.trim());
  return gc.exitCode === 0 ? 0 : 1;
}
