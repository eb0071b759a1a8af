import { describe, expect, it } from 'vitest';
import { redact } from '../../src/core/redact.js';
import { isNormalAbsolutePath, isStorePath } from '../../src/core/storePath.js';

const HASH = '0123456789abcdfghijklmnpqrsvwxyz';

describe('isStorePath: the one store-path check', () => {
  it.each([
    [`/nix/store/${HASH}-nixos-system-hq-25.05`, undefined, true],
    [`/nix/store/${HASH}-nixos-system-hq-25.05`, '/nix/store', true],
    [`/tmp/demo/store/${HASH}-nixos-system-vm01`, undefined, true],
    [`/nix/store/${HASH}-a+b_c=d.e-1`, '/nix/store', true],
    // failing cases
    [`/tmp/demo/store/${HASH}-nixos-system-vm01`, '/nix/store', false],
    [`nix/store/${HASH}-hello`, undefined, false],
    [`/nix/store/${HASH}`, undefined, false],
    [`/nix/store/${HASH}-`, undefined, false],
    [`/nix/store/${HASH}-.hidden`, undefined, false],
    [`/nix/store/${HASH.slice(1)}-hello`, undefined, false],
    [`/nix/store/${HASH.slice(0, 31)}e-hello`, undefined, false],
    [`/nix/store/${HASH.toUpperCase()}-hello`, undefined, false],
    [`/nix/store/${HASH}-hello/bin`, '/nix/store', false],
    [`/nix/store/../store/${HASH}-hello`, undefined, false],
    [`/nix/./store/${HASH}-hello`, undefined, false],
    [`/nix//store/${HASH}-hello`, undefined, false],
    [`/nix/store/${HASH}-hello/`, undefined, false],
    [`/nix/store/${HASH}-hel\nlo`, undefined, false],
    [`/nix/store/${HASH}-hello\x7f`, undefined, false],
    [`/nix/store/${HASH}-hello?rev=1`, undefined, false],
    [`/nix/store/${HASH}-nixpkgs#hello`, undefined, false],
    [`/${HASH}-hello`, undefined, false],
    ['', undefined, false],
    [null, undefined, false],
    [42, undefined, false],
  ])('%j under %j → %s', (p, storeDir, expected) => {
    expect(isStorePath(p, storeDir)).toBe(expected);
  });

  it('rejects paths of 4096 characters and more', () => {
    expect(isStorePath(`/nix/store/${HASH}-${'a'.repeat(4096)}`)).toBe(false);
  });
});

describe('isNormalAbsolutePath', () => {
  it.each([
    ['/nix/var/nix/profiles/system', true],
    ['/', true],
    ['relative/path', false],
    ['/a/../b', false],
    ['/a/./b', false],
    ['/a//b', false],
    ['/a/b/', false],
    ['/a\0b', false],
  ])('%j → %s', (p, expected) => {
    expect(isNormalAbsolutePath(p)).toBe(expected);
  });
});

describe('redact: the one redaction', () => {
  it.each([
    ['sudo: wrong password hunter2', 'hunter2', 'sudo: wrong password ***'],
    ['hunter2 and hunter2 again', 'hunter2', '*** and *** again'],
    ['nothing secret here', 'hunter2', 'nothing secret here'],
    ['a.b*c', '.b*', 'a***c'],
    ['kept as it is', undefined, 'kept as it is'],
    ['kept as it is', '', 'kept as it is'],
  ])('%j without %j → %j', (text, secret, expected) => {
    expect(redact(text, secret)).toBe(expected);
  });
});
