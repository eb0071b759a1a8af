import { describe, expect, it } from 'vitest';
import { isValidHostName, mergeHosts, summariseNixError } from '../../src/core/hosts.js';

describe('mergeHosts', () => {
  it('merges by name, sorts, names the sources flake first and marks the local host', () => {
    expect(mergeHosts(['pi', 'hq'], ['t460', 'hq'], 'hq.home.arpa')).toEqual([
      { name: 'hq', sources: ['flake', 'folder'], local: true },
      { name: 'pi', sources: ['folder'], local: false },
      { name: 't460', sources: ['flake'], local: false },
    ]);
  });
  it('drops names that are not safe host names', () => {
    expect(mergeHosts(['ok', '-rf', 'a b', '$(x)'], null, 'x').map((h) => h.name)).toEqual(['ok']);
    expect(isValidHostName('x1carbon')).toBe(true);
    expect(isValidHostName('../etc')).toBe(false);
  });
});

describe('summariseNixError', () => {
  it('picks the final error line without ANSI or the dirty-tree warning', () => {
    const stderr = "warning: Git tree '/x' is dirty\n\u001b[31;1merror:\u001b[0m\n       … while evaluating\n\n       error: syntax error, unexpected '}'\n";
    expect(summariseNixError(stderr)).toBe("syntax error, unexpected '}'");
    expect(summariseNixError("error: getting status of '/nix/store/x-source/flake.nix': No such file or directory")).toBe(
      "getting status of '/nix/store/x-source/flake.nix': No such file or directory",
    );
    expect(summariseNixError('')).toBe('nix failed without a message');
  });
});
