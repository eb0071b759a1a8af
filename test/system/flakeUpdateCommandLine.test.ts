// How `nixdeck update` is read: input names, --revert with or without a run, and the mix that makes no sense.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/args.js';
import { parseCommandLine } from '../../src/commandLine.js';

describe('nixdeck update on the command line', () => {
  it('reads input names, --flake, and --revert with or without a run', () => {
    expect(parseCommandLine(['update'])).toMatchObject({ kind: 'update', inputs: [] });
    expect(parseCommandLine(['update', 'nixpkgs', 'tools', '--flake', '/f'])).toMatchObject({ kind: 'update', inputs: ['nixpkgs', 'tools'], options: { flake: '/f' } });
    expect(parseCommandLine(['update', '--revert'])).toMatchObject({ kind: 'update', inputs: [], revert: 'last' });
    expect(parseCommandLine(['update', '--revert', '20261130T101010-flake.lock-update-ab12'])).toMatchObject({ kind: 'update', revert: '20261130T101010-flake.lock-update-ab12' });
  });

  it('refuses input names with --revert: it puts back the whole file', () => {
    expect(() => parseCommandLine(['update', 'tools', '--revert', 'last'])).toThrow(UsageError);
    expect(() => parseCommandLine(['update', 'tools', '--revert', 'last'])).toThrow(/takes no input names/);
  });
});
