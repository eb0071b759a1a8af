import { describe, expect, it } from 'vitest';
import { parseNixError } from '../../src/core/nixError.js';

const HELLO = '/nix/store/rr6yr3c4dwa7m36096p14dq9hnpy77zx-hello-custom-1.0.drv';

describe('parseNixError', () => {
  it('reads both build failure wordings the same way', () => {
    const old = parseNixError(`error: builder for '${HELLO}' failed with exit code 2;\n       last 1 log lines:\n       > boom`);
    const modern = parseNixError(`error: Cannot build '${HELLO}'.\n       Reason: builder failed with exit code 2.\n       Last 1 log lines:\n       > boom`);
    for (const e of [old, modern]) {
      expect(e).toMatchObject({ kind: 'build', drvPath: HELLO, reason: 'builder failed with exit code 2', exitCode: 2, logLines: ['boom'] });
    }
  });

  it('reads other failure reasons and evaluation errors', () => {
    expect(parseNixError(`error: Cannot build '${HELLO}'.\n       Reason: builder failed due to signal 9 (Killed).`)).toMatchObject({
      kind: 'build',
      reason: 'builder failed due to signal 9 (Killed)',
      exitCode: null,
    });
    expect(parseNixError("error: hash mismatch in fixed-output derivation '/nix/store/x-src.drv':\n  specified: sha256-A\n  got: sha256-B")).toMatchObject({
      kind: 'build',
      drvPath: '/nix/store/x-src.drv',
    });
    const modernEval = parseNixError(
      "error:\n       … while calling the 'head' builtin\n         at /nix/store/x-source/lib/attrsets.nix:1571:13:\n\n       error: attribute 'hello-wrld' missing\n       at /nix/store/y-source/hosts/laptop/configuration.nix:42:5:",
      { rawMsg: "attribute 'hello-wrld' missing", file: '/nix/store/y-source/hosts/laptop/configuration.nix', line: 42, column: 5 },
    );
    expect(modernEval).toMatchObject({ kind: 'eval', summary: "error: attribute 'hello-wrld' missing", line: 42, column: 5 });
    const plainEval = parseNixError("error:\n       … while evaluating\n\n       error: undefined variable 'foo'");
    expect(plainEval.summary).toBe("error: undefined variable 'foo'");
  });
});
