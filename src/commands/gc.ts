import { execa } from 'execa';
import type { GlobalOptions } from '../args.js';
import { askYesNo } from './generationOps.js';
import type { Io } from './io.js';

/**
 * `nixdeck gc`: garbage collection, offered on its own and never run by prune. `--dry-run`
 * lists what would go (`nix-store --gc --print-dead`); otherwise it asks, then `nix-store --gc`.
 */
export async function gcCommand(io: Io, options: Pick<GlobalOptions, 'dryRun' | 'yes'>): Promise<number> {
  const isRoot = process.getuid?.() === 0;
  const nixStore = (args: string[]) => (isRoot ? execa('nix-store', args, { reject: false, stdin: 'ignore' }) : execa('sudo', ['-n', '--', 'nix-store', ...args], { reject: false, stdin: 'ignore' }));
  const dead = await nixStore(['--gc', '--print-dead']);
  if (dead.failed && dead.exitCode === undefined) {
    io.err('error: nix-store is not installed (not found in PATH)');
    return 1;
  }
  if (dead.exitCode !== 0) {
    io.err(`error: nix-store --gc --print-dead failed: ${String(dead.stderr).trim().split('\n').at(-1) ?? ''}${isRoot ? '' : ' (not root: sudo -n was used; run as root or allow sudo)'}`);
    return 1;
  }
  const paths = String(dead.stdout).split('\n').filter((l) => l.startsWith('/nix/store/'));
  io.out(`${paths.length} store path${paths.length === 1 ? '' : 's'} no longer used by any generation or GC root`);
  if (options.dryRun || paths.length === 0) return 0;
  if (!options.yes) {
    if (!process.stdin.isTTY) {
      io.err('error: not on a terminal: add --yes to collect garbage, or --dry-run to see what would go');
      return 1;
    }
    if (!(await askYesNo(`delete those ${paths.length} store paths?`))) return 1;
  }
  const gc = await nixStore(['--gc']);
  io.out(String(gc.stdout).trim().split('\n').at(-1) ?? '');
  if (gc.exitCode !== 0) io.err(String(gc.stderr).trim());
  return gc.exitCode === 0 ? 0 : 1;
}
