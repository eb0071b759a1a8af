// The demo's flake repository: the files at HEAD, the working tree written out, and which commit
// of the history each planned generation was built from.
import fs from 'node:fs';
import path from 'node:path';
import { demoData } from './demoData.js';
import { commitAt, type DemoHistory } from './demoHistory.js';
import type { HostPlan } from './demoPlan.js';
import { HARDWARE } from './fleetSpec.js';
import { hardwareConfiguration } from './hardwareConfiguration.js';
import { at } from './seeded.js';
import { fillTemplate } from './template.js';

/** The flake's files at HEAD, flake.nix as its template (flake.lock comes with the history). */
export function flakeFiles(plans: HostPlan[]): { files: Record<string, string>; template: string } {
  const nas = plans.find((p) => p.spec.name === 'nas');
  const files: Record<string, string> = {
    'modules/common.nix': demoData('fleet/modules/common.nix.tpl'),
    'modules/home.nix': demoData('fleet/modules/home.nix.tpl'),
    'modules/restic.nix': demoData('fleet/modules/restic.nix.tpl'),
    'PROJECT.md': fillTemplate(demoData('fleet/PROJECT.md'), {
      danglingGeneration: nas?.gens.find((g) => g.dangling)?.number ?? 0,
    }),
  };
  for (const plan of plans) {
    const name = plan.spec.name;
    files[`systems/${name}/default.nix`] = demoData(`fleet/systems/${name}/default.nix.tpl`);
    const hardware = HARDWARE[name];
    if (hardware) files[`systems/${name}/hardware-configuration.nix`] = hardwareConfiguration(name, hardware);
  }
  return { files, template: demoData('fleet/flake.nix.tpl') };
}

/** The working tree: HEAD's files, one of them edited, and a file not added yet. */
export function writeFlake(flakeDir: string, history: DemoHistory): void {
  const files = history.workingTree;
  const dirs = new Set(Object.keys(files).map((f) => path.dirname(path.join(flakeDir, f))));
  for (const d of dirs) fs.mkdirSync(d, { recursive: true });
  for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(flakeDir, file), text);
}

/**
 * Each generation's configuration revision: the newest commit at or before it was built (never
 * newer than the next generation's), except for the demo's stories: x1carbon runs a system built
 * from a commit 4 behind HEAD (the one before it from a commit amended away, not in the
 * repository), and hq's generation before the newest was built from uncommitted changes.
 * Generations older than the history keep revisions the repository does not have. Returns the
 * deployed/<host> tags: hq, x1carbon and nas, at the commit each runs.
 */
export function assignRevisions(plans: HostPlan[], history: DemoHistory): Record<string, string> {
  const commits = history.commits;
  const indexOf = new Map(commits.map((c, i) => [c.hash, i]));
  for (const plan of plans) {
    let next = commits.length - 1;
    for (let i = plan.gens.length - 1; i >= 0; i--) {
      const gen = at(plan.gens, i);
      const commit = commitAt(history, gen.date.getTime());
      if (commit === null) break;
      const fromEnd = plan.gens.length - 1 - i;
      if (plan.spec.name === 'x1carbon' && fromEnd === 1) continue; // amended away
      let index = Math.min(indexOf.get(commit.hash) ?? 0, next);
      if (plan.spec.name === 'x1carbon' && fromEnd === 0) index = Math.min(index, commits.length - 5);
      gen.configRev = at(commits, index).hash;
      if (plan.spec.name === 'hq' && fromEnd === 1) gen.configRev += '-dirty';
      next = index;
    }
  }
  const tags: Record<string, string> = {};
  for (const host of ['hq', 'x1carbon', 'nas']) {
    const rev = plans.find((p) => p.spec.name === host)?.running.configRev;
    if (rev !== undefined && indexOf.has(rev)) tags[host] = rev;
  }
  return tags;
}
