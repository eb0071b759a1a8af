import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync, lutimesSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface FixtureGeneration {
  number: number;
  date: Date;
  version: string;
  kernel: string;
  specialisations?: string[];
  revision?: string;
  /** write sw/bin/nixos-version the way NixOS does, with this configuration revision baked in */
  swRevision?: string;
  /** leave the store path out, as after garbage collection */
  dangling?: boolean;
}

/** A system root laid out like NixOS, with toplevels in a fake store inside the same folder. */
export function makeRoot(gens: FixtureGeneration[], opts: { current: number; running?: number; booted?: number }): { root: string; store: string; cleanup(): void } {
  const root = mkdtempSync(path.join(os.tmpdir(), 'nixdeck-root-'));
  const store = path.join(root, 'store');
  const profiles = path.join(root, 'nix/var/nix/profiles');
  mkdirSync(profiles, { recursive: true });
  mkdirSync(path.join(root, 'run'), { recursive: true });
  const pathOf = (g: FixtureGeneration) => path.join(store, `${String(g.number).padStart(32, '0')}-nixos-system-hq-${g.version}`);
  for (const g of gens) {
    const top = pathOf(g);
    if (!g.dangling) {
      mkdirSync(path.join(top, 'specialisation'), { recursive: true });
      writeFileSync(path.join(top, 'nixos-version'), g.version);
      const modules = path.join(store, `modules-${g.kernel}`);
      mkdirSync(path.join(modules, 'lib/modules', g.kernel), { recursive: true });
      try {
        symlinkSync(modules, path.join(top, 'kernel-modules'));
      } catch {
        // shared modules
      }
      for (const s of g.specialisations ?? []) mkdirSync(path.join(top, 'specialisation', s));
      if (g.swRevision) {
        mkdirSync(path.join(top, 'sw/bin'), { recursive: true });
        const json = JSON.stringify({ configurationRevision: g.swRevision, nixosVersion: g.version, nixpkgsRevision: '0'.repeat(40) });
        writeFileSync(path.join(top, 'sw/bin/nixos-version'), `#! /bin/sh\ncase "$1" in\n  --json)\n    cat <<'EOF'\n${json}\nEOF\n    ;;\nesac\n`);
      }
      if (g.revision) writeFileSync(path.join(top, 'nixos-version.json'), JSON.stringify({ configurationRevision: g.revision, nixosVersion: g.version }));
    }
    const link = path.join(profiles, `system-${g.number}-link`);
    symlinkSync(top, link);
    lutimesSync(link, g.date, g.date);
  }
  symlinkSync(`system-${opts.current}-link`, path.join(profiles, 'system'));
  const find = (n: number | undefined) => gens.find((g) => g.number === n);
  const running = find(opts.running ?? opts.current);
  const booted = find(opts.booted ?? opts.current);
  if (running) symlinkSync(pathOf(running), path.join(root, 'run/current-system'));
  if (booted) symlinkSync(pathOf(booted), path.join(root, 'run/booted-system'));
  return { root, store, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
