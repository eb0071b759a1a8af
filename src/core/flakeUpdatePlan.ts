// The nix command line that updates a flake's lock file, for the Nix version at hand. Pure.
import type { Result } from './result.js';

export interface NixVersion {
  major: number;
  minor: number;
  patch: number;
}

/**
 * `nix --version` → its version: "nix (Nix) 2.8.0", "nix (Nix) 2.19.2",
 * "nix (Determinate Nix 3.1.0) 2.26.3" (the version after the parenthesis is Nix's). Null when
 * the text holds no version.
 */
export function parseNixVersion(text: string): NixVersion | null {
  const line = text.trim().split('\n')[0] ?? '';
  const tail = line.includes(')') ? line.slice(line.lastIndexOf(')') + 1) : line;
  const m = /(?:^|[^\d.])(\d+)\.(\d+)(?:\.(\d+))?/.exec(tail);
  if (!m) return null;
  return { major: Number(m[1]), minor: Number(m[2]), patch: m[3] !== undefined ? Number(m[3]) : 0 };
}

export function formatNixVersion(v: NixVersion): string {
  return `${v.major}.${v.minor}.${v.patch}`;
}

/** Nix 2.19 moved input names to `nix flake update [INPUT...] --flake DIR` (older: `nix flake lock --update-input`). */
export function hasNamedFlakeUpdate(v: NixVersion): boolean {
  return v.major > 2 || (v.major === 2 && v.minor >= 19);
}

const INPUT_NAME = /^[A-Za-z0-9_][A-Za-z0-9_-]*$/;

export function isValidInputName(name: string): boolean {
  return name.length <= 100 && INPUT_NAME.test(name);
}

/** The words before every nix command of nixdeck's: flakes work without the user's nix.conf saying so. */
export const NIX_FLAKE_ARGS = ['--extra-experimental-features', 'nix-command flakes'] as const;

/**
 * The names to update are well-formed and locked in flake.lock (`locked`: its root inputs, null
 * when the flake has no flake.lock yet). Unknown names → an error listing the inputs there are.
 */
export function checkInputNames(inputs: readonly string[], locked: readonly string[] | null): Result<string[]> {
  const bad = inputs.filter((name) => !isValidInputName(name));
  if (bad.length > 0) {
    return {
      ok: false,
      error: `${bad.map((b) => JSON.stringify(b)).join(', ')} ${bad.length === 1 ? 'is not an input name' : 'are not input names'} (letters, digits, - and _)`,
      hint: 'nixdeck inputs lists the inputs of flake.lock',
    };
  }
  const unique = [...new Set(inputs)];
  if (unique.length === 0) return { ok: true, value: [] };
  if (locked === null) {
    return {
      ok: false,
      error: `the flake has no flake.lock yet, so it has no input ${unique.map((n) => `"${n}"`).join(', ')} to update`,
      hint: 'nixdeck update with no names locks every input of flake.nix',
    };
  }
  const unknown = unique.filter((name) => !locked.includes(name));
  if (unknown.length > 0) {
    const there = locked.length === 0 ? 'flake.lock has no inputs' : `the inputs of flake.lock are: ${[...locked].sort().join(', ')}`;
    return {
      ok: false,
      error: `no input ${unknown.map((n) => `"${n}"`).join(', ')} in flake.lock; ${there}`,
      hint: 'an input added to flake.nix since the last lock is locked by nixdeck update with no names',
    };
  }
  return { ok: true, value: unique };
}

export interface FlakeUpdatePlanInput {
  nixVersion: NixVersion;
  /** an absolute path */
  flakeDir: string;
  /** the inputs to update; none: all of them */
  inputs: readonly string[];
}

/**
 * Nix ≥ 2.19: `nix flake update [INPUT...] --flake DIR`. Older: every input with
 * `nix flake update DIR`, named ones with `nix flake lock DIR --update-input A --update-input B`.
 */
export function planFlakeUpdate(input: FlakeUpdatePlanInput): Result<string[]> {
  const { nixVersion, flakeDir, inputs } = input;
  if (!flakeDir.startsWith('/') || /[#?\0\n\r]/.test(flakeDir)) {
    return { ok: false, error: `the flake folder "${flakeDir}" cannot be passed to nix (it must be an absolute path without '#', '?' or control characters)` };
  }
  const bad = inputs.filter((name) => !isValidInputName(name));
  if (bad.length > 0) return { ok: false, error: `${bad.map((b) => JSON.stringify(b)).join(', ')} is not an input name (letters, digits, - and _)` };
  const names = [...new Set(inputs)];
  const nix = ['nix', ...NIX_FLAKE_ARGS];
  if (hasNamedFlakeUpdate(nixVersion)) return { ok: true, value: [...nix, 'flake', 'update', ...names, '--flake', flakeDir] };
  if (names.length === 0) return { ok: true, value: [...nix, 'flake', 'update', flakeDir] };
  return { ok: true, value: [...nix, 'flake', 'lock', flakeDir, ...names.flatMap((name) => ['--update-input', name])] };
}
