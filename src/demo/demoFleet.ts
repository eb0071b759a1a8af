// A sample fleet for `nixdeck --demo`: a flake repository plus one fake NixOS root per host,
// with a shared fake store, all in a fresh temporary folder. No Nix needed, nothing of the
// user's is touched. Everything is derived from seeded hashes, so a given `now` always
// produces the same fleet.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { demoData } from './demoData.js';
import { type DemoHistory, demoDay, planHistory } from './demoHistory.js';
import { NIXPKGS_2505_EOL, type NixpkgsLock } from './demoLock.js';
import { createDemoRepo, type DemoRepo } from './demoRepo.js';
import { writeOwner } from './demoOwner.js';
import {
  DEFAULT_KERNEL,
  HOSTS,
  type HostSpec,
  KERNEL_POINT_RELEASES_PER_MONTH,
  KERNEL_SERIES,
  type KernelTrack,
  LATEST_KERNEL,
  LOCAL_HOST,
  RELEASES,
  type Release,
} from './fleetSpec.js';
import { assignRevisions, flakeFiles, writeFlake } from './demoFlakeRepo.js';
import type { GenPlan, HostPlan } from './demoPlan.js';
import { at, hex40, nixHash, seededRandom, yyyymmdd } from './seeded.js';
import { fillTemplate } from './template.js';

export interface DemoFleet {
  /** the temporary folder holding everything */
  dir: string;
  /** `${dir}/fleet` */
  flakeDir: string;
  /** host name -> a folder laid out like a NixOS root */
  hostRoots: Record<string, string>;
  /** the host that plays "this machine" */
  localHost: string;
  /** sorted */
  hostNames: string[];
  /** resolves once this host's profile is on disk (the local host's is there at once) */
  hostReady(host: string): Promise<void>;
  /** resolves once every host is written */
  ready(): Promise<void>;
  /** the flake repository's history (its commits' hashes are what the generations carry) */
  history: DemoHistory;
  /** deployed/<host> tags: host → commit */
  tags: Record<string, string>;
  /** resolves once the flake folder is a git repository with that history; null without git */
  repoReady(): Promise<DemoRepo | null>;
  cleanup(): Promise<void>;
}

/** How long the other hosts wait before they are written, so the first frame comes first. */
const BACKGROUND_DELAY_MS = 150;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MONTH = 30.44 * DAY;
/** the flake.lock history starts here (earlier if `now` pushes generations before it) */
const LOCK_HISTORY_START = Date.parse('2024-05-20');

// ---------------------------------------------------------------------------------------------
// Public entry point

export async function createDemoFleet(
  opts: { parentDir?: string; now?: Date } = {},
): Promise<DemoFleet> {
  const dir = await fs.promises.mkdtemp(path.join(opts.parentDir ?? os.tmpdir(), 'nixdeck-demo-'));
  const cleanup = (): Promise<void> => fs.promises.rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
  try {
    writeOwner(dir); // for the reaper of folders whose demo died without cleaning up
    // About 2,300 tiny files, folders and links: synchronous calls write them about twice as fast as
    // fs.promises (no thread-pool round trip per call), and nothing else runs at start-up.
    const now = (opts.now ?? new Date()).getTime();
    const storeDir = path.join(dir, 'store');
    const flakeDir = path.join(dir, 'fleet');
    const { plans, updates } = planFleet(now, storeDir);
    const { files, template } = flakeFiles(plans);
    const history = planHistory({
      now,
      files,
      flakeTemplate: template,
      fillFlake: (text, date) => fillTemplate(text, { release: releaseFor(date).release }),
      nixpkgsUpdates: updates.map((u) => u.date),
      nixpkgsAt: (date) => nixpkgsAt(updates, date),
      events: RELEASES.slice(1).map((r) => ({
        date: Date.parse(r.fleetFrom) + 19 * HOUR,
        subject: r.release === '25.11' ? 'Move hq, t460, x1carbon and vm01 to NixOS 25.11' : `flake: move to NixOS ${r.release}`,
      })),
    });
    const tags = assignRevisions(plans, history);
    fs.mkdirSync(storeDir);
    const store = new StoreWriter(storeDir);
    const hostRoots: Record<string, string> = {};
    let stopped = false; // cleanup called: hosts not written yet are not needed any more
    const writeHost = (plan: HostPlan): void => {
      if (stopped) return;
      writeHostRoot(hostRoots[plan.spec.name] as string, plan);
      for (const gen of plan.gens) if (!gen.dangling) store.writeGeneration(plan.spec, gen);
    };
    for (const plan of plans) hostRoots[plan.spec.name] = path.join(dir, 'hosts', plan.spec.name);
    // The local host and the flake are what the first frame shows; the other hosts follow in
    // the background, one per turn of the event loop, so start-up does not wait for them.
    const local = plans.find((p) => p.spec.name === LOCAL_HOST);
    if (local) writeHost(local);
    writeFlake(flakeDir, history);
    // git runs once the first frame is on its way; the console reads the repository when it is ready
    const repo = new Promise<void>((resolve) => setTimeout(resolve, BACKGROUND_DELAY_MS))
      .then(() => (stopped ? null : createDemoRepo(dir, flakeDir, history, tags)))
      .catch(() => null);
    const pending = new Map<string, Promise<void>>();
    let chain: Promise<void> = new Promise((resolve) => setTimeout(resolve, BACKGROUND_DELAY_MS));
    for (const plan of plans) {
      if (plan === local) continue;
      chain = chain.then(() => new Promise<void>((resolve) => setImmediate(resolve))).then(() => writeHost(plan));
      pending.set(plan.spec.name, chain);
    }
    const all = chain;
    all.catch(() => {}); // a failure is reported to whoever waits for that host
    return {
      dir,
      flakeDir,
      hostRoots,
      localHost: LOCAL_HOST,
      hostNames: HOSTS.map((h) => h.name).sort(),
      hostReady: (host) => pending.get(host) ?? Promise.resolve(),
      ready: () => all,
      history,
      tags,
      repoReady: () => repo,
      cleanup: () => {
        stopped = true;
        return Promise.all([all.catch(() => {}), repo]).then(cleanup);
      },
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// Planning: what each generation is, computed before anything is written

/** One `nix flake update`: new nixpkgs revisions for every input, committed at `date`. */
interface LockUpdate {
  index: number;
  date: number;
  /** nixpkgs' lastModified, a little before the update */
  nixpkgsModified: number;
}

function planFleet(now: number, storeDir: string): { plans: HostPlan[]; updates: LockUpdate[] } {
  const datesByHost = new Map(HOSTS.map((spec) => [spec.name, generationDates(spec, now)]));
  const earliest = Math.min(...[...datesByHost.values()].map((d) => d[0]?.getTime() ?? now));
  const updates = lockTimeline(Math.min(LOCK_HISTORY_START, earliest - 3 * DAY), now);

  const plans = HOSTS.map((spec): HostPlan => {
    const dates = datesByHost.get(spec.name) ?? [];
    const numbers = generationNumbers(spec);
    const special = spec.specialisation;
    const gens = dates.map((date, i): GenPlan => {
      const number = numbers[i] ?? 0;
      const update = lockUpdateAt(updates, date.getTime());
      const release = releaseFor(update.date, spec.maxRelease);
      const nixpkgsRev = hex40(`nixpkgs ${release.release} ${update.index}`);
      const label = `${release.release}.${yyyymmdd(update.nixpkgsModified)}.${nixpkgsRev.slice(0, 7)}`;
      return {
        number,
        date,
        release,
        label,
        nixpkgsRev,
        kernel: kernelVersion(spec.kernelTrack, release.release, update.nixpkgsModified),
        configRev: hex40(`fleet commit ${spec.name} ${number}`),
        specialisations: special && i >= dates.length - special.generations ? [special.name] : [],
        storePath: path.join(storeDir, `${nixHash(`${spec.name} ${number}`)}-nixos-system-${spec.name}-${label}`),
        // The oldest nas generation lost its store path to a manual `nix-store --delete`.
        dangling: spec.name === 'nas' && i === 0,
      };
    });
    return { spec, gens, ...markers(spec.name, gens) };
  });
  return { plans, updates };
}

/**
 * Where /run/current-system and /run/booted-system point. The profile always points at the
 * newest generation.
 */
function markers(host: string, gens: GenPlan[]): { running: GenPlan; booted: GenPlan } {
  const newest = at(gens, -1);
  switch (host) {
    case 'hq': {
      // Rebooted right after the last kernel change and only switched since: booted is the
      // first generation with the running kernel (possibly the newest), no reboot needed.
      let first = gens.length - 1;
      while (first > 0 && at(gens, first - 1).kernel === newest.kernel) first--;
      return { running: newest, booted: at(gens, first) };
    }
    case 't460': {
      // Switched to a generation with a new kernel and not rebooted since: reboot needed.
      const booted = [...gens].reverse().find((g) => g.kernel !== newest.kernel);
      if (!booted) throw new Error('demo fleet: t460 has no older kernel to have booted');
      return { running: newest, booted };
    }
    case 'vm01': {
      // The newest generation was built with `nixos-rebuild boot`: the profile (and the boot
      // menu) moved on, but the VM still runs, and was booted into, the one before.
      const previous = at(gens, -2);
      return { running: previous, booted: previous };
    }
    default:
      return { running: newest, booted: newest };
  }
}

/** Increasing dates from `since` to shortly before `now`, with irregular gaps and bursts. */
function generationDates(spec: HostSpec, now: number): Date[] {
  const rng = seededRandom(`dates ${spec.name}`);
  const end = now - spec.lastBuiltHoursAgo * HOUR;
  const start = Math.min(Date.parse(spec.since), end - 150 * DAY);
  // Exponential gaps, and now and then a burst of rebuilds within the same evening.
  const gaps = Array.from({ length: spec.generations - 1 }, () =>
    rng() < 0.25 ? 0.002 + rng() * 0.01 : -Math.log(1 - rng()),
  );
  const total = gaps.reduce((a, b) => a + b, 0);
  const dates: number[] = [start];
  for (const gap of gaps) {
    const previous = at(dates, -1);
    const next = Math.round((previous + (gap / total) * (end - start)) / 1000) * 1000;
    dates.push(Math.max(next, previous + 60_000));
  }
  return dates.map((d) => new Date(d));
}

function generationNumbers(spec: HostSpec): number[] {
  const numbers: number[] = [];
  for (let n = spec.firstNumber; numbers.length < spec.generations; n++) {
    if (!spec.deleted.includes(n)) numbers.push(n);
  }
  return numbers;
}

/** Every `nix flake update` of nixpkgs: irregular, the newest one four days before the demo's day. */
function lockTimeline(from: number, to: number): LockUpdate[] {
  const rng = seededRandom('flake.lock');
  const updates: LockUpdate[] = [];
  const newest = demoDay(to) - 4 * DAY + 9.2 * HOUR;
  for (let date = from; date <= newest - 5 * DAY; date += (4 + rng() * 20) * DAY) {
    const nixpkgsModified = Math.round((date - (6 + rng() * 40) * HOUR) / 1000) * 1000;
    updates.push({ index: updates.length, date, nixpkgsModified });
  }
  updates.push({ index: updates.length, date: newest, nixpkgsModified: Math.round((newest - 20 * HOUR) / 1000) * 1000 });
  return updates;
}

/** nixpkgs and the 25.05 input (frozen at its end of life) in flake.lock at `date`. */
function nixpkgsAt(updates: LockUpdate[], date: number): { nixpkgs: NixpkgsLock; nixpkgs2505: NixpkgsLock } {
  const update = lockUpdateAt(updates, date);
  const old = lockUpdateAt(updates, Math.min(date, NIXPKGS_2505_EOL));
  return {
    nixpkgs: { index: update.index, release: releaseFor(date).release, lastModified: update.nixpkgsModified },
    nixpkgs2505: { index: old.index, release: '25.05', lastModified: old.nixpkgsModified - 3 * HOUR },
  };
}

function lockUpdateAt(updates: LockUpdate[], date: number): LockUpdate {
  let found = at(updates, 0);
  for (const update of updates) if (update.date <= date) found = update;
  return found;
}

function releaseFor(date: number, maxRelease = RELEASES.length - 1): Release {
  let index = 0;
  RELEASES.forEach((r, i) => {
    if (Date.parse(r.fleetFrom) <= date) index = i;
  });
  return at(RELEASES, Math.min(index, maxRelease));
}

function kernelVersion(track: KernelTrack, release: string, date: number): string {
  let series = track === 'lts-6.6' ? '6.6' : (DEFAULT_KERNEL[release] ?? '6.12');
  if (track === 'latest') {
    for (const entry of LATEST_KERNEL) if (Date.parse(entry.from) <= date) series = entry.series;
  }
  const seriesStart = Date.parse(KERNEL_SERIES[series] ?? '2024-01-01');
  const patch = Math.max(1, Math.floor(((date - seriesStart) / MONTH) * KERNEL_POINT_RELEASES_PER_MONTH));
  return `${series}.${patch}`;
}

// ---------------------------------------------------------------------------------------------
// Writing the fake store

interface KernelPaths {
  image: string;
  modules: string;
}

class StoreWriter {
  private readonly kernels = new Map<string, KernelPaths>();

  constructor(private readonly storeDir: string) {}

  writeGeneration(spec: HostSpec, gen: GenPlan): void {
    const params = ['loglevel=4', 'lsm=landlock,yama,bpf', ...spec.kernelParams];
    const children: Record<string, string> = {};
    const childDocs: Record<string, unknown> = {};
    for (const name of gen.specialisations) {
      const child = path.join(
        this.storeDir,
        `${nixHash(`${spec.name} ${gen.number} ${name}`)}-nixos-system-${spec.name}-${gen.label}`,
      );
      const extra = spec.specialisation?.name === name ? spec.specialisation.extraParams : [];
      childDocs[name] = this.writeToplevel(child, gen, [...params, ...extra], {}, {});
      children[name] = child;
    }
    this.writeToplevel(gen.storePath, gen, params, children, childDocs);
  }

  /** Writes one toplevel and returns its bootspec document. */
  private writeToplevel(
    top: string,
    gen: GenPlan,
    params: string[],
    children: Record<string, string>,
    childDocs: Record<string, unknown>,
  ): unknown {
    const kernel = this.kernel(gen.kernel);
    const doc = bootspec(top, gen, kernel, params, childDocs);
    const versionJson = JSON.stringify({
      configurationRevision: gen.configRev,
      nixosVersion: gen.label,
      nixpkgsRevision: gen.nixpkgsRev,
    });
    fs.mkdirSync(top);
    fs.mkdirSync(`${top}/specialisation`);
    fs.writeFileSync(`${top}/nixos-version`, gen.label);
    fs.writeFileSync(`${top}/nixos-version.json`, versionJson);
    fs.writeFileSync(`${top}/system`, 'x86_64-linux');
    fs.writeFileSync(`${top}/boot.json`, `${JSON.stringify(doc, null, 2)}\n`);
    fs.symlinkSync(kernel.image, `${top}/kernel`);
    fs.symlinkSync(kernel.modules, `${top}/kernel-modules`);
    for (const [name, child] of Object.entries(children)) {
      fs.symlinkSync(child, `${top}/specialisation/${name}`);
    }
    return doc;
  }

  /** Kernel and module trees are shared by every generation with that kernel version. */
  private kernel(version: string): KernelPaths {
    let paths = this.kernels.get(version);
    if (!paths) {
      paths = this.writeKernel(version);
      this.kernels.set(version, paths);
    }
    return paths;
  }

  private writeKernel(version: string): KernelPaths {
    const kernelDir = path.join(this.storeDir, `${nixHash(`linux ${version}`)}-linux-${version}`);
    const modules = path.join(
      this.storeDir,
      `${nixHash(`linux-modules ${version}`)}-linux-${version}-modules`,
    );
    fs.mkdirSync(kernelDir);
    fs.writeFileSync(path.join(kernelDir, 'bzImage'), '');
    fs.mkdirSync(path.join(modules, 'lib', 'modules', version), { recursive: true });
    return { image: path.join(kernelDir, 'bzImage'), modules };
  }
}

/** Keys are listed in sorted order, as `jq --sort-keys` writes them. */
function bootspec(
  top: string,
  gen: GenPlan,
  kernel: KernelPaths,
  params: string[],
  childDocs: Record<string, unknown>,
): Record<string, unknown> {
  const storeDir = path.dirname(top);
  return {
    'org.nixos.bootspec.v1': {
      init: `${top}/init`,
      initrd: `${storeDir}/${nixHash(`initrd ${path.basename(top)}`)}-initrd-linux-${gen.kernel}/initrd`,
      kernel: kernel.image,
      kernelParams: params,
      label: `NixOS ${gen.release.codename} ${gen.label} (Linux ${gen.kernel})`,
      system: 'x86_64-linux',
      toplevel: top,
    },
    'org.nixos.specialisation.v1': childDocs,
    'org.nixos.systemd-boot': { sortKey: 'nixos' },
  };
}

// ---------------------------------------------------------------------------------------------
// Writing a host's root: profiles, /run markers, /etc

function writeHostRoot(root: string, plan: HostPlan): void {
  const profiles = path.join(root, 'nix', 'var', 'nix', 'profiles');
  const run = path.join(root, 'run');
  const etc = path.join(root, 'etc');
  for (const d of [profiles, run, etc]) fs.mkdirSync(d, { recursive: true });
  for (const g of plan.gens) {
    datedLink(g.storePath, path.join(profiles, `system-${g.number}-link`), g.date);
  }
  const newest = at(plan.gens, -1);
  datedLink(`system-${newest.number}-link`, path.join(profiles, 'system'), newest.date);
  fs.symlinkSync(plan.running.storePath, path.join(run, 'current-system'));
  fs.symlinkSync(plan.booted.storePath, path.join(run, 'booted-system'));
  fs.writeFileSync(path.join(etc, 'hostname'), `${plan.spec.name}\n`);
  fs.writeFileSync(path.join(etc, 'os-release'), osRelease(plan.running));
}

/** Nix reads a generation's date from the link's own mtime. */
function datedLink(target: string, link: string, date: Date): void {
  fs.symlinkSync(target, link);
  fs.lutimesSync(link, date, date);
}

function osRelease(gen: GenPlan): string {
  const { release, codename, supportEnd } = gen.release;
  return fillTemplate(demoData('os-release.tpl'), {
    label: gen.label,
    release,
    codename,
    codenameLower: codename.toLowerCase(),
    supportEnd,
  });
}
