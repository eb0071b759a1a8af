// Whether a nixpkgs-like input follows a supported NixOS release branch, from a table kept here.
import type { FlakeInput, ReleaseSupport } from './repo.js';

/**
 * NixOS releases and the last day each is supported (YY.05 ends on Dec 31 of YY, YY.11 on
 * June 30 of YY+1). UPDATE THIS TABLE WITH EACH NIXOS RELEASE, and RELEASES_TABLE_UPDATED with it:
 * a branch newer than the newest row reads as "unknown".
 */
export const NIXOS_RELEASES: readonly { version: string; endOfLife: string }[] = [
  { version: '20.09', endOfLife: '2021-06-30' },
  { version: '21.05', endOfLife: '2021-12-31' },
  { version: '21.11', endOfLife: '2022-06-30' },
  { version: '22.05', endOfLife: '2022-12-31' },
  { version: '22.11', endOfLife: '2023-06-30' },
  { version: '23.05', endOfLife: '2023-12-31' },
  { version: '23.11', endOfLife: '2024-06-30' },
  { version: '24.05', endOfLife: '2024-12-31' },
  { version: '24.11', endOfLife: '2025-06-30' },
  { version: '25.05', endOfLife: '2025-12-31' },
  { version: '25.11', endOfLife: '2026-06-30' },
  { version: '26.05', endOfLife: '2026-12-31' },
  { version: '26.11', endOfLife: '2027-06-30' },
];

/** The day NIXOS_RELEASES was last checked against the NixOS release schedule. */
export const RELEASES_TABLE_UPDATED = '2026-11-30';

const UNSTABLE_BRANCHES = new Set(['nixos-unstable', 'nixos-unstable-small', 'nixpkgs-unstable', 'master']);
const RELEASE_BRANCH = /^(?:nixos-(\d{2}\.\d{2})(?:-small)?|nixpkgs-(\d{2}\.\d{2})-darwin|release-(\d{2}\.\d{2}))$/;
const DAY_MS = 86_400_000;

/** nixpkgs itself (github NixOS/nixpkgs, or a git URL of it), or an input whose name starts with "nixpkgs". */
export function isNixpkgsLike(input: Pick<FlakeInput, 'name' | 'type' | 'source'>): boolean {
  if (input.type === 'follows') return false;
  if (input.name.toLowerCase().startsWith('nixpkgs')) return true;
  const source = input.source.toLowerCase();
  if (input.type === 'github') return source === 'nixos/nixpkgs';
  if (input.type === 'git') return /^(?:git\+)?(?:https?|ssh|git):\/\/(?:[^/]*@)?github\.com\/nixos\/nixpkgs(?:\.git)?\/?$/.test(source);
  return false;
}

/** The release support of a nixpkgs-like input's branch at `nowMs`; null for any other input. */
export function releaseSupport(input: Pick<FlakeInput, 'name' | 'type' | 'source' | 'ref'>, nowMs: number): ReleaseSupport | null {
  if (!isNixpkgsLike(input)) return null;
  if (input.ref === null || input.ref === '') return { branch: '(default)', status: 'unknown', endOfLife: null };
  const branch = input.ref.replace(/^refs\/heads\//, '');
  if (UNSTABLE_BRANCHES.has(branch)) return { branch, status: 'unstable', endOfLife: null };
  const match = RELEASE_BRANCH.exec(branch);
  const version = match ? (match[1] ?? match[2] ?? match[3]) : undefined;
  if (version === undefined) return { branch, status: 'unknown', endOfLife: null };
  const row = NIXOS_RELEASES.find((r) => r.version === version);
  if (row === undefined) {
    // older than the table's first row: long past its end of life; newer than its last: the table is out of date
    const oldest = NIXOS_RELEASES[0];
    const older = oldest !== undefined && version < oldest.version;
    return { branch, status: older ? 'end-of-life' : 'unknown', endOfLife: null };
  }
  const lastDayEnds = Date.parse(`${row.endOfLife}T00:00:00Z`) + DAY_MS;
  return { branch, status: nowMs < lastDayEnds ? 'supported' : 'end-of-life', endOfLife: row.endOfLife };
}

/** "nixos-24.05: end of life since 2024-12-31", "nixos-26.05: supported until 2026-12-31", "nixos-unstable: unstable". */
export function releaseText(release: ReleaseSupport): string {
  if (release.status === 'supported') return `${release.branch}: supported${release.endOfLife ? ` until ${release.endOfLife}` : ''}`;
  if (release.status === 'end-of-life') return `${release.branch}: end of life${release.endOfLife ? ` since ${release.endOfLife}` : ''}`;
  if (release.status === 'unstable') return `${release.branch}: unstable`;
  if (release.branch === '(default)') return 'no branch given: the repository\'s default branch';
  return `${release.branch}: not a known release branch`;
}
