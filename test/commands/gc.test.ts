import { describe, expect, it } from 'vitest';
import { gcCommand } from '../../src/commands/gc.js';
import type { CommandRunner } from '../../src/system/exec.js';
import { fakeIo } from './fakeIo.js';

function recording(dead: string[]): { runner: CommandRunner; calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    runner: {
      run: async (file, args) => {
        calls.push([file, ...args]);
        return args.includes('--print-dead') ? { exitCode: 0, stdout: dead.join('\n'), stderr: '' } : { exitCode: 0, stdout: 'deleted 2 store paths', stderr: '' };
      },
    },
  };
}

describe('nixdeck gc', () => {
  it('counts through sudo -n when not root, and changes nothing with --dry-run', async () => {
    const { runner, calls } = recording(['/nix/store/a', '/nix/store/b']);
    const io = fakeIo({ runner });
    expect(await gcCommand(io, { dryRun: true, yes: false, isRoot: false })).toBe(0);
    expect(calls).toEqual([['sudo', '-n', '--', 'nix-store', '--gc', '--print-dead']]);
    expect(io.stdout).toEqual(['2 store paths no longer used by any generation or GC root']);
  });

  it('refuses without a terminal, asks on one (default No), collects with --yes', async () => {
    const refused = fakeIo({ runner: recording(['/nix/store/a']).runner });
    expect(await gcCommand(refused, { dryRun: false, yes: false, isRoot: true })).toBe(1);
    expect(refused.stderr.join('\n')).toContain('add --yes');

    const asked = fakeIo({ runner: recording(['/nix/store/a']).runner, interactive: true });
    expect(await gcCommand(asked, { dryRun: false, yes: false, isRoot: true })).toBe(1);
    expect(asked.asked).toEqual(['delete those 1 store paths?']);

    const { runner, calls } = recording(['/nix/store/a']);
    const yes = fakeIo({ runner });
    expect(await gcCommand(yes, { dryRun: false, yes: true, isRoot: true })).toBe(0);
    expect(calls.at(-1)).toEqual(['nix-store', '--gc']);
    expect(yes.stdout.at(-1)).toBe('deleted 2 store paths');
  });

  it('says when nix-store cannot be started', async () => {
    const io = fakeIo();
    expect(await gcCommand(io, { dryRun: true, yes: false, isRoot: true })).toBe(1);
    expect(io.stderr).toEqual(['error: nix-store is not installed (not found in PATH)']);
  });
});
