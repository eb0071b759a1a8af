// The demo flake's flake.lock (version 7) at any point of its history. The inputs age differently,
// as in a real fleet repository: nixpkgs follows the fleet's `nix flake update` timeline (fresh),
// the others were last updated weeks or months ago, the old release branch stopped moving at its
// end of life, and sops-nix brings its own nixpkgs.
import { createHash } from 'node:crypto';
import { hex40 } from './seeded.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** nixos-25.05's end of life: the branch gets no commits after it. */
export const NIXPKGS_2505_EOL = Date.parse('2025-12-31T00:00:00Z');

/** A nixpkgs input as the fleet's `nix flake update` timeline left it. */
export interface NixpkgsLock {
  /** the timeline index: part of the revision's seed, shared with the generations' nixpkgsRevision */
  index: number;
  release: string;
  /** ms */
  lastModified: number;
}

/** An input other than the nixpkgs ones: how many times it was updated, and when last. */
export interface InputLock {
  n: number;
  /** when it was added or last updated (ms) */
  at: number;
}

/** The inputs besides nixpkgs and nixpkgs-2505. */
export const OTHER_INPUTS = ['nixpkgs-unstable', 'home-manager', 'nixos-hardware', 'sops-nix', 'dotfiles'] as const;
export type OtherInput = (typeof OTHER_INPUTS)[number];

export interface LockState {
  nixpkgs: NixpkgsLock;
  /** the nixos-25.05 input */
  nixpkgs2505: NixpkgsLock;
  /** the other inputs the flake has at that point */
  inputs: Partial<Record<OtherInput, InputLock>>;
}

export const narHash = (seed: string): string => `sha256-${createHash('sha256').update(`nar ${seed}`).digest('base64')}`;
const seconds = (ms: number): number => Math.floor(ms / 1000);

// the history writes flake.lock for every commit: each node's hashes are worked out once
const nodes = new Map<string, Record<string, unknown>>();

function github(owner: string, repo: string, ref: string | null, seed: string, modified: number): Record<string, unknown> {
  const key = `${owner}/${repo}/${ref} ${seed} ${modified}`;
  let node = nodes.get(key);
  if (!node) {
    node = githubNode(owner, repo, ref, seed, modified);
    nodes.set(key, node);
  }
  return node;
}

function githubNode(owner: string, repo: string, ref: string | null, seed: string, modified: number): Record<string, unknown> {
  return {
    locked: { lastModified: seconds(modified), narHash: narHash(seed), owner, repo, rev: hex40(seed), type: 'github' },
    original: ref === null ? { owner, repo, type: 'github' } : { owner, ref, repo, type: 'github' },
  };
}

/** flake.lock's text at a state, as nix writes it (keys sorted, two-space indent, final newline). */
export function demoLockText(state: LockState): string {
  const release = state.nixpkgs.release;
  const nodes: Record<string, unknown> = {};
  const root: Record<string, string> = {};
  const add = (name: string, node: unknown): void => {
    nodes[name] = node;
    root[name] = name;
  };
  const { inputs } = state;
  const hm = inputs['home-manager'];
  if (hm) {
    add('home-manager', {
      inputs: { nixpkgs: ['nixpkgs'] },
      ...github('nix-community', 'home-manager', `release-${release}`, `home-manager ${release} ${hm.n}`, hm.at - 9 * HOUR),
    });
  }
  const dotfiles = inputs.dotfiles;
  if (dotfiles) {
    add('dotfiles', {
      flake: false,
      locked: { lastModified: seconds(dotfiles.at - 2 * HOUR), narHash: narHash(`dotfiles ${dotfiles.n}`), path: '/home/alice/src/dotfiles', type: 'path' },
      original: { path: '/home/alice/src/dotfiles', type: 'path' },
    });
  }
  const hardware = inputs['nixos-hardware'];
  if (hardware) add('nixos-hardware', github('NixOS', 'nixos-hardware', null, `nixos-hardware ${hardware.n}`, hardware.at - 14 * HOUR));
  add('nixpkgs', github('NixOS', 'nixpkgs', `nixos-${release}`, `nixpkgs ${release} ${state.nixpkgs.index}`, state.nixpkgs.lastModified));
  const old = state.nixpkgs2505;
  add('nixpkgs-2505', github('NixOS', 'nixpkgs', 'nixos-25.05', `nixpkgs 25.05 ${old.index}`, old.lastModified));
  const unstable = inputs['nixpkgs-unstable'];
  if (unstable) add('nixpkgs-unstable', github('NixOS', 'nixpkgs', 'nixos-unstable', `nixpkgs unstable ${unstable.n}`, unstable.at - 20 * HOUR));
  const sops = inputs['sops-nix'];
  if (sops) {
    // sops-nix keeps its own nixpkgs (no follows): a second nixpkgs node, named as nix names it
    nodes.nixpkgs_2 = github('NixOS', 'nixpkgs', 'nixpkgs-unstable', `sops-nix nixpkgs ${sops.n}`, sops.at - 2 * DAY);
    add('sops-nix', { inputs: { nixpkgs: 'nixpkgs_2' }, ...github('Mic92', 'sops-nix', null, `sops-nix ${sops.n}`, sops.at - 11 * HOUR) });
  }
  nodes.root = { inputs: sortKeys(root) };
  return `${JSON.stringify({ nodes: sortKeys(nodes), root: 'root', version: 7 }, null, 2)}\n`;
}

export function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
