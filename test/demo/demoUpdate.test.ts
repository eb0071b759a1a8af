// The demo's stand-in for `nix flake update`: which inputs it changes, and that flake.lock stays valid.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseFlakeLock } from '../../src/core/flakeLock.js';
import { demoLockText } from '../../src/demo/demoLock.js';
import { demoUpdateCommand, runDemoUpdate } from '../../src/demo/demoUpdate.js';
import { main } from '../../src/main.js';

const NOW = Date.parse('2026-11-30T12:00:00Z');
const DAY = 86_400_000;

let dir: string;
let before: string;

interface Node {
  inputs?: Record<string, unknown>;
  locked?: { rev?: string; lastModified: number; narHash: string };
}
const nodesOf = (text: string): Record<string, Node> => (JSON.parse(text) as { nodes: Record<string, Node> }).nodes;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'nixdeck-demo-update-test-'));
  before = demoLockText({
    nixpkgs: { index: 40, release: '25.11', lastModified: NOW - 5 * DAY },
    nixpkgs2505: { index: 30, release: '25.05', lastModified: Date.parse('2025-12-28T10:00:00Z') },
    inputs: {
      'home-manager': { n: 3, at: NOW - 45 * DAY },
      'nixpkgs-unstable': { n: 2, at: NOW - 22 * DAY },
      'nixos-hardware': { n: 1, at: NOW - 120 * DAY },
      'sops-nix': { n: 2, at: NOW - 33 * DAY },
      dotfiles: { n: 1, at: NOW - 81 * DAY },
    },
  });
  await fs.writeFile(path.join(dir, 'flake.nix'), '{ outputs = { ... }: { }; }\n');
  await fs.writeFile(path.join(dir, 'flake.lock'), before);
});

afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function update(names: string[]): Promise<{ code: number; lines: string[]; after: string }> {
  const lines: string[] = [];
  const code = await runDemoUpdate(dir, names, { say: (l) => lines.push(l), speed: 1000, now: NOW });
  return { code, lines, after: await fs.readFile(path.join(dir, 'flake.lock'), 'utf8') };
}

function changedNodes(a: string, b: string): string[] {
  const x = nodesOf(a);
  const y = nodesOf(b);
  return Object.keys(y).filter((k) => JSON.stringify(x[k]) !== JSON.stringify(y[k])).sort();
}

describe('the demo update', () => {
  it('updates only the named input, to a newer revision, and keeps flake.lock valid', async () => {
    const { code, lines, after } = await update(['nixpkgs']);
    expect(code).toBe(0);
    expect(changedNodes(before, after)).toEqual(['nixpkgs']);
    const [old, now] = [nodesOf(before).nixpkgs?.locked, nodesOf(after).nixpkgs?.locked];
    expect(now?.rev).toMatch(/^[0-9a-f]{40}$/);
    expect(now?.rev).not.toBe(old?.rev);
    expect(now?.narHash).not.toBe(old?.narHash);
    expect(now?.lastModified).toBeGreaterThan(old?.lastModified ?? Infinity);
    expect(now?.lastModified).toBeLessThanOrEqual(NOW / 1000);
    expect(lines).toContain("• Updated input 'nixpkgs':");
    expect(lines).toContain(`    'github:NixOS/nixpkgs/${old?.rev}' (2026-11-25)`);
    expect(lines.some((l) => l.startsWith(`  → 'github:NixOS/nixpkgs/${now?.rev}' (2026-11-`))).toBe(true);
    const parsed = parseFlakeLock(after, NOW);
    expect(parsed.ok && parsed.value.find((i) => i.name === 'nixpkgs')?.ageDays).toBeLessThanOrEqual(1);
    expect(after.endsWith('}\n')).toBe(true);
    expect(await fs.readdir(dir)).toEqual(['flake.lock', 'flake.nix']); // renamed into place, nothing left over
  });

  it("updates an input's own inputs with it, never a follows", async () => {
    const { after } = await update(['sops-nix', 'home-manager']);
    expect(changedNodes(before, after)).toEqual(['home-manager', 'nixpkgs_2', 'sops-nix']);
    expect(nodesOf(after)['home-manager']?.inputs).toEqual({ nixpkgs: ['nixpkgs'] });
  });

  it('updates every input when none is named, except a branch past its end of life and a path', async () => {
    const { code, lines, after } = await update([]);
    expect(code).toBe(0);
    expect(changedNodes(before, after)).toEqual(['home-manager', 'nixos-hardware', 'nixpkgs', 'nixpkgs-unstable', 'nixpkgs_2', 'sops-nix']);
    expect(lines.filter((l) => l.startsWith('• Updated input'))).toEqual([
      "• Updated input 'home-manager':",
      "• Updated input 'nixos-hardware':",
      "• Updated input 'nixpkgs':",
      "• Updated input 'nixpkgs-unstable':",
      "• Updated input 'sops-nix':",
      "• Updated input 'sops-nix/nixpkgs':",
    ]);
    const parsed = parseFlakeLock(after, NOW);
    expect(parsed.ok).toBe(true);
    expect(JSON.parse(after).version).toBe(7);
  });

  it('refuses an input flake.lock does not have, and leaves the file alone', async () => {
    const { code, lines, after } = await update(['nixpkgs', 'nixpkgs-stable']);
    expect(code).toBe(1);
    expect(lines.join('\n')).toContain("flake.lock has no input 'nixpkgs-stable'");
    expect(lines.join('\n')).toContain('its inputs are: dotfiles, home-manager');
    expect(after).toBe(before);
  });

  it('says what is wrong with a broken flake.lock', async () => {
    await fs.writeFile(path.join(dir, 'flake.lock'), '{ "nodes": ');
    const { code, lines } = await update([]);
    expect(code).toBe(1);
    expect(lines[0]).toMatch(/flake\.lock is not valid JSON/);
  });

  it('demoUpdateCommand: the hidden subcommand with the flake and the names; unknown names before anything starts', async () => {
    const command = demoUpdateCommand(dir);
    const argv = await command(['nixpkgs']);
    expect(argv.ok && argv.value.slice(-3)).toEqual(['__demo-update', dir, 'nixpkgs']);
    const all = await command([]);
    expect(all.ok && all.value.at(-1)).toBe(dir);
    const bad = await command(['nope']);
    expect(bad).toMatchObject({ ok: false, error: "flake.lock has no input 'nope'" });
    expect(bad.ok === false && bad.hint).toContain('nixpkgs-unstable');
  });

  it('nixdeck __demo-update runs it', async () => {
    const saved = process.env.NIXDECK_DEMO_SPEED;
    process.env.NIXDECK_DEMO_SPEED = '1000';
    try {
      expect(await main(['__demo-update', dir, 'nixos-hardware'])).toBe(0);
    } finally {
      if (saved === undefined) delete process.env.NIXDECK_DEMO_SPEED;
      else process.env.NIXDECK_DEMO_SPEED = saved;
    }
    expect(changedNodes(before, await fs.readFile(path.join(dir, 'flake.lock'), 'utf8'))).toEqual(['nixos-hardware']);
  });
});
