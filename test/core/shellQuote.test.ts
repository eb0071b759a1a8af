import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { shellCommand, shellQuote } from '../../src/core/shellQuote.js';

/** What a real POSIX shell makes of the quoted words: one argument each, NUL-separated. */
function throughSh(argv: readonly string[]): string[] {
  const out = execFileSync('/bin/sh', ['-c', `printf '%s\\0' ${shellCommand(argv)}`], { encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

describe('shellQuote', () => {
  const words = [
    'plain',
    '',
    ' ',
    "it's",
    "''",
    '$(touch /tmp/nixdeck-pwned)',
    '`id`',
    'a;b|c&d',
    'new\nline',
    'tab\there',
    '*',
    '~root',
    '\\',
    '"double"',
    'ünïcode ✓',
    '-n',
    '#comment',
    '!history',
  ];
  it('every word reaches the shell as exactly itself', () => {
    expect(throughSh(words)).toEqual(words);
  });
  it('leaves plainly safe words alone and quotes the rest', () => {
    expect(shellQuote('/nix/var/nix/profiles/system')).toBe('/nix/var/nix/profiles/system');
    expect(shellQuote('a b')).toBe("'a b'");
    expect(shellQuote('')).toBe("''");
  });
  it('refuses what a shell word cannot hold', () => {
    expect(() => shellQuote('a\0b')).toThrow(/NUL/);
    expect(() => shellCommand([])).toThrow(/empty/);
  });
});
