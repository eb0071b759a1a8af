// A sample fleet for `nixdeck --demo`: a flake repository plus one fake NixOS root per host,
// with a shared fake store, all in a fresh temporary folder. No Nix needed, nothing of the
// user's is touched. Everything is derived from seeded hashes, so a given `now` always
// produces the same fleet.

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeOwner } from './demoOwner.js';

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
  cleanup(): Promise<void>;
}

/** How long the other hosts wait before they are written, so the first frame comes first. */
const BACKGROUND_DELAY_MS = 150;

// ---------------------------------------------------------------------------------------------
// Data tables

type KernelTrack = 'latest' | 'default' | 'lts-6.6';

interface HostSpec {
  name: string;
  generations: number;
  firstNumber: number;
  /** numbers removed mid-history with `nix-env --delete-generations` */
  deleted: number[];
  /** date of the first generation still on disk */
  since: string;
  /** the newest generation is this many hours before `now` */
  lastBuiltHoursAgo: number;
  kernelTrack: KernelTrack;
  /** index into RELEASES of the newest release this host follows (nas is pinned) */
  maxRelease?: number;
  kernelParams: string[];
  /** a specialisation present on the host's newest `generations` generations */
  specialisation?: { name: string; generations: number; extraParams: string[] };
}

const LOCAL_HOST = 'hq';

const HOSTS: HostSpec[] = [
  {
    name: 'hq', generations: 58, firstNumber: 231, deleted: [244, 245, 268],
    since: '2024-06-03T19:12:40Z', lastBuiltHoursAgo: 2, kernelTrack: 'latest',
    kernelParams: ['amd_pstate=active'],
    specialisation: { name: 'gaming', generations: 14, extraParams: [] },
  },
  {
    name: 't460', generations: 34, firstNumber: 61, deleted: [70],
    since: '2024-06-09T08:40:11Z', lastBuiltHoursAgo: 70, kernelTrack: 'default',
    kernelParams: [],
  },
  {
    name: 'x1carbon', generations: 21, firstNumber: 1, deleted: [],
    since: '2024-09-21T14:03:52Z', lastBuiltHoursAgo: 26, kernelTrack: 'latest',
    kernelParams: ['i915.enable_psr=1'],
    specialisation: {
      name: 'battery-saver', generations: 4, extraParams: ['pcie_aspm.policy=powersupersave'],
    },
  },
  {
    name: 'vm01', generations: 12, firstNumber: 3, deleted: [9],
    since: '2025-02-15T10:27:05Z', lastBuiltHoursAgo: 5, kernelTrack: 'default',
    kernelParams: ['console=ttyS0'],
  },
  {
    name: 'nas', generations: 45, firstNumber: 112, deleted: [130, 131, 132],
    since: '2024-06-05T21:55:30Z', lastBuiltHoursAgo: 215, kernelTrack: 'lts-6.6',
    maxRelease: 2, kernelParams: ['zfs.zfs_arc_max=8589934592'],
  },
];

/** NixOS releases and when the fleet's flake moved to each (the `nixpkgs` input's ref). */
const RELEASES = [
  { release: '24.05', codename: 'Uakari', fleetFrom: '2024-01-01', supportEnd: '2024-12-31' },
  { release: '24.11', codename: 'Vicuña', fleetFrom: '2024-12-14', supportEnd: '2025-06-30' },
  { release: '25.05', codename: 'Warbler', fleetFrom: '2025-06-07', supportEnd: '2025-12-31' },
  { release: '25.11', codename: 'Xantusia', fleetFrom: '2025-12-13', supportEnd: '2026-06-30' },
] as const;

type Release = (typeof RELEASES)[number];

/** Release date of each kernel series' x.y.0, for estimating the point release at a date. */
const KERNEL_SERIES: Record<string, string> = {
  '6.6': '2023-10-30', '6.9': '2024-05-12', '6.10': '2024-07-14', '6.11': '2024-09-15',
  '6.12': '2024-11-17', '6.15': '2025-05-25', '6.17': '2025-09-28', '6.18': '2025-11-30',
};
const KERNEL_POINT_RELEASES_PER_MONTH = 4.5;

/** `linuxPackages_latest` as nixpkgs shipped it over time. */
const LATEST_KERNEL = [
  { from: '2024-01-01', series: '6.9' },
  { from: '2024-07-25', series: '6.10' },
  { from: '2024-09-28', series: '6.11' },
  { from: '2024-12-05', series: '6.12' },
  { from: '2025-06-05', series: '6.15' },
  { from: '2025-10-10', series: '6.17' },
  { from: '2026-01-05', series: '6.18' },
];

/** the default `linuxPackages` per release */
const DEFAULT_KERNEL: Record<string, string> = {
  '24.05': '6.6', '24.11': '6.6', '25.05': '6.12', '25.11': '6.12',
};

interface HardwareSpec {
  vm?: boolean;
  cpu?: 'amd' | 'intel';
  initrdModules: string[];
  kernelModules: string[];
  /** [mount point, fsType, ZFS dataset] */
  fileSystems: [string, string, string?][];
  luksRoot?: boolean;
  interfaces: string[];
}

const HARDWARE: Record<string, HardwareSpec> = {
  hq: {
    cpu: 'amd',
    initrdModules: ['nvme', 'xhci_pci', 'ahci', 'usbhid', 'usb_storage', 'sd_mod'],
    kernelModules: ['kvm-amd'],
    fileSystems: [['/', 'ext4'], ['/boot', 'vfat'], ['/home', 'ext4']],
    interfaces: ['enp5s0', 'wlp4s0'],
  },
  t460: {
    cpu: 'intel',
    initrdModules: ['xhci_pci', 'ahci', 'usb_storage', 'sd_mod', 'rtsx_pci_sdmmc'],
    kernelModules: ['kvm-intel'],
    fileSystems: [['/', 'ext4'], ['/boot', 'vfat']],
    interfaces: ['enp0s31f6', 'wlp4s0'],
  },
  x1carbon: {
    cpu: 'intel',
    initrdModules: ['xhci_pci', 'thunderbolt', 'nvme', 'usb_storage', 'sd_mod'],
    kernelModules: ['kvm-intel'],
    fileSystems: [['/', 'ext4'], ['/boot', 'vfat']],
    luksRoot: true,
    interfaces: ['wlp0s20f3'],
  },
  vm01: {
    vm: true,
    initrdModules: ['ahci', 'xhci_pci', 'virtio_pci', 'sr_mod', 'virtio_blk'],
    kernelModules: [],
    fileSystems: [['/', 'ext4']],
    interfaces: ['enp1s0'],
  },
  nas: {
    cpu: 'intel',
    initrdModules: ['xhci_pci', 'ahci', 'usbhid', 'usb_storage', 'sd_mod'],
    kernelModules: ['kvm-intel'],
    fileSystems: [
      ['/', 'zfs', 'rpool/root'], ['/nix', 'zfs', 'rpool/nix'], ['/home', 'zfs', 'rpool/home'],
      ['/srv', 'zfs', 'tank/srv'], ['/boot', 'vfat'],
    ],
    interfaces: ['enp2s0'],
  },
};

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MONTH = 30.44 * DAY;
const NIX_BASE32 = '0123456789abcdfghijklmnpqrsvwxyz';
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
    writeFlake(flakeDir, plans, updates);
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
      cleanup: () => {
        stopped = true;
        return all.catch(() => {}).then(cleanup);
      },
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// Planning: what each generation is, computed before anything is written

interface GenPlan {
  number: number;
  date: Date;
  release: Release;
  /** nixos-version, e.g. 25.11.20251214.1a2b3c4 */
  label: string;
  nixpkgsRev: string;
  kernel: string;
  configRev: string;
  specialisations: string[];
  storePath: string;
  /** the store path was deleted, so the link dangles */
  dangling: boolean;
}

interface HostPlan {
  spec: HostSpec;
  gens: GenPlan[];
  /** /run/current-system */
  running: GenPlan;
  /** /run/booted-system */
  booted: GenPlan;
}

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

function lockTimeline(from: number, to: number): LockUpdate[] {
  const rng = seededRandom('flake.lock');
  const updates: LockUpdate[] = [];
  for (let date = from; date <= to; date += (4 + rng() * 20) * DAY) {
    const nixpkgsModified = Math.round((date - (6 + rng() * 40) * HOUR) / 1000) * 1000;
    updates.push({ index: updates.length, date, nixpkgsModified });
  }
  return updates;
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
  return `ANSI_COLOR="0;38;2;126;186;228"
BUG_REPORT_URL="https://github.com/NixOS/nixpkgs/issues"
BUILD_ID="${gen.label}"
CPE_NAME="cpe:/o:nixos:nixos:${release}"
DEFAULT_HOSTNAME=nixos
DOCUMENTATION_URL="https://nixos.org/learn.html"
HOME_URL="https://nixos.org/"
ID=nixos
ID_LIKE=""
IMAGE_ID=""
IMAGE_VERSION=""
LOGO="nix-snowflake"
NAME=NixOS
PRETTY_NAME="NixOS ${release} (${codename})"
SUPPORT_END="${supportEnd}"
SUPPORT_URL="https://nixos.org/community.html"
VARIANT=""
VARIANT_ID=""
VENDOR_NAME=NixOS
VENDOR_URL="https://nixos.org/"
VERSION="${release} (${codename})"
VERSION_CODENAME=${codename.toLowerCase()}
VERSION_ID="${release}"
`;
}

// ---------------------------------------------------------------------------------------------
// Writing the flake repository

function writeFlake(flakeDir: string, plans: HostPlan[], updates: LockUpdate[]): void {
  const last = at(updates, -1);
  const release = releaseFor(last.date).release;
  const files: Record<string, string> = {
    'flake.nix': flakeNix(release),
    'flake.lock': flakeLock(last, release),
    'modules/common.nix': COMMON_NIX,
    'modules/home.nix': HOME_NIX,
    'modules/restic.nix': RESTIC_NIX,
    'PROJECT.md': projectMd(plans),
  };
  for (const plan of plans) {
    const name = plan.spec.name;
    files[`systems/${name}/default.nix`] = SYSTEMS[name] ?? '';
    const hardware = HARDWARE[name];
    if (hardware) files[`systems/${name}/hardware-configuration.nix`] = hardwareConfiguration(name, hardware);
  }
  const dirs = new Set(Object.keys(files).map((f) => path.dirname(path.join(flakeDir, f))));
  for (const d of dirs) fs.mkdirSync(d, { recursive: true });
  for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(flakeDir, file), text);
}

/** flake.lock as of the newest `nix flake update`; its revisions match the newest generations. */
function flakeLock(last: LockUpdate, release: string): string {
  const github = (owner: string, repo: string, ref: string, key: string, modified: number) => ({
    locked: {
      lastModified: Math.floor(modified / 1000),
      narHash: `sha256-${createHash('sha256').update(`nar ${key}`).digest('base64')}`,
      owner,
      repo,
      rev: hex40(key),
      type: 'github',
    },
    original: { owner, ref, repo, type: 'github' },
  });
  const lock = {
    nodes: {
      'home-manager': {
        inputs: { nixpkgs: ['nixpkgs'] },
        ...github('nix-community', 'home-manager', `release-${release}`,
          `home-manager ${release} ${last.index}`, last.nixpkgsModified - 9 * HOUR),
      },
      nixpkgs: github('NixOS', 'nixpkgs', `nixos-${release}`,
        `nixpkgs ${release} ${last.index}`, last.nixpkgsModified),
      'nixpkgs-2505': github('NixOS', 'nixpkgs', 'nixos-25.05',
        `nixpkgs 25.05 ${last.index}`, last.nixpkgsModified - 3 * HOUR),
      root: {
        inputs: { 'home-manager': 'home-manager', nixpkgs: 'nixpkgs', 'nixpkgs-2505': 'nixpkgs-2505' },
      },
    },
    root: 'root',
    version: 7,
  };
  return `${JSON.stringify(lock, null, 2)}\n`;
}

/** What `nixos-generate-config` writes. */
function hardwareConfiguration(host: string, hw: HardwareSpec): string {
  const list = (items: string[]) => (items.length ? `[ ${items.map((i) => `"${i}"`).join(' ')} ]` : '[ ]');
  // random (version 4) UUIDs, as mkfs.ext4 makes them
  const uuid = (what: string) => {
    const h = hex40(`${host} ${what}`);
    const variant = '89ab'.charAt(parseInt(h.charAt(16), 16) & 3);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  };
  // FAT volume ids look like 1A2B-3C4D
  const fatId = () => {
    const h = hex40(`${host} esp`).toUpperCase();
    return `${h.slice(0, 4)}-${h.slice(4, 8)}`;
  };
  const fileSystems = hw.fileSystems.map(([mount, fsType, dataset]) => {
    const device = dataset ?? `/dev/disk/by-uuid/${fsType === 'vfat' ? fatId() : uuid(mount)}`;
    const options = fsType === 'vfat' ? '\n      options = [ "fmask=0077" "dmask=0077" ];' : '';
    let text = `  fileSystems."${mount}" =\n    { device = "${device}";\n      fsType = "${fsType}";${options}\n    };\n`;
    if (mount === '/' && hw.luksRoot) {
      const luks = uuid('luks');
      text += `\n  boot.initrd.luks.devices."luks-${luks}".device = "/dev/disk/by-uuid/${luks}";\n`;
    }
    return text;
  });
  const microcode = hw.cpu
    ? `\n  hardware.cpu.${hw.cpu}.updateMicrocode = lib.mkDefault config.hardware.enableRedistributableFirmware;`
    : '';
  return `# Do not modify this file!  It was generated by ‘nixos-generate-config’
# and may be overwritten by future invocations.  Please make changes
# to /etc/nixos/configuration.nix instead.
{ config, lib, pkgs, modulesPath, ... }:

{
  imports =
    [ (modulesPath + "/${hw.vm ? 'profiles/qemu-guest.nix' : 'installer/scan/not-detected.nix'}")
    ];

  boot.initrd.availableKernelModules = ${list(hw.initrdModules)};
  boot.initrd.kernelModules = [ ];
  boot.kernelModules = ${list(hw.kernelModules)};
  boot.extraModulePackages = [ ];

${fileSystems.join('\n')}
  swapDevices = [ ];

  # Enables DHCP on each ethernet and wireless interface. In case of scripted networking
  # (the default) this is the recommended approach. When using systemd-networkd it's
  # still possible to use this option, but it's recommended to use it in conjunction
  # with explicit per-interface declarations with \`networking.interfaces.<interface>.useDHCP\`.
  networking.useDHCP = lib.mkDefault true;
${hw.interfaces.map((i) => `  # networking.interfaces.${i}.useDHCP = lib.mkDefault true;\n`).join('')}
  nixpkgs.hostPlatform = lib.mkDefault "x86_64-linux";${microcode}
}
`;
}

function flakeNix(release: string): string {
  return `{
  description = "Home fleet: hq, t460, x1carbon, vm01 and nas";

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-${release}";
    # nas stays on 25.05 until ZFS is tested on the 6.12 kernel (see PROJECT.md).
    nixpkgs-2505.url = "github:NixOS/nixpkgs/nixos-25.05";
    home-manager = {
      url = "github:nix-community/home-manager/release-${release}";
      inputs.nixpkgs.follows = "nixpkgs";
    };
  };

  outputs = { self, nixpkgs, nixpkgs-2505, home-manager, ... }@inputs:
    let
      mkHost = pkgs: modules: pkgs.lib.nixosSystem {
        system = "x86_64-linux";
        specialArgs = { inherit inputs; };
        modules = [
          ./modules/common.nix
          { system.configurationRevision = self.rev or self.dirtyRev or null; }
        ] ++ modules;
      };
      desktop = [
        home-manager.nixosModules.home-manager
        ./modules/home.nix
        ./modules/restic.nix
      ];
    in
    {
      nixosConfigurations = {
        hq = mkHost nixpkgs ([ ./systems/hq ] ++ desktop);
        t460 = mkHost nixpkgs ([ ./systems/t460 ] ++ desktop);
        x1carbon = mkHost nixpkgs ([ ./systems/x1carbon ] ++ desktop);
        vm01 = mkHost nixpkgs [ ./systems/vm01 ];
        nas = mkHost nixpkgs-2505 [ ./systems/nas ];
      };

      formatter.x86_64-linux = nixpkgs.legacyPackages.x86_64-linux.nixfmt-rfc-style;
    };
}
`;
}

const COMMON_NIX = `# Settings every machine in the fleet shares.
{ config, lib, pkgs, ... }:

{
  nix.settings = {
    experimental-features = [ "nix-command" "flakes" ];
    trusted-users = [ "root" "@wheel" ];
  };
  nix.optimise.automatic = true;

  time.timeZone = "Europe/Berlin";
  i18n.defaultLocale = "en_US.UTF-8";

  users.users.alice = {
    isNormalUser = true;
    description = "Alice";
    extraGroups = [ "wheel" "networkmanager" ];
    shell = pkgs.zsh;
    openssh.authorizedKeys.keys = [
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHx1kV0ZmxlZXQtZGVtby1rZXktbm90LXJlYWwAAAAA alice@hq"
    ];
  };
  # Deploys run as root from hq: nixos-rebuild --target-host root@<host>
  users.users.root.openssh.authorizedKeys.keys = config.users.users.alice.openssh.authorizedKeys.keys;
  programs.zsh.enable = true;

  services.openssh = {
    enable = true;
    settings.PasswordAuthentication = false;
    settings.PermitRootLogin = "prohibit-password";
  };
  services.tailscale.enable = true;

  environment.systemPackages = with pkgs; [ git vim htop curl rsync ];
}
`;

const HOME_NIX = `# home-manager for alice on the machines with a screen.
{ ... }:

{
  home-manager.useGlobalPkgs = true;
  home-manager.useUserPackages = true;
  home-manager.users.alice = { pkgs, ... }: {
    home.stateVersion = "24.05";
    home.packages = with pkgs; [ ripgrep fd jq btop nixd ];
    programs.git = {
      enable = true;
      userName = "Alice";
      userEmail = "alice@example.org";
    };
    programs.direnv = {
      enable = true;
      nix-direnv.enable = true;
    };
  };
}
`;

const RESTIC_NIX = `# Nightly backup of /home to the restic REST server on nas (reached over Tailscale).
{ config, ... }:

{
  services.restic.backups.home = {
    repository = "rest:http://nas:8000/\${config.networking.hostName}";
    passwordFile = "/etc/nixos/secrets/restic-password";
    paths = [ "/home" ];
    exclude = [ "/home/*/.cache" "/home/*/Downloads" ];
    timerConfig = {
      OnCalendar = "daily";
      Persistent = true;
    };
    pruneOpts = [ "--keep-daily 7" "--keep-weekly 5" "--keep-monthly 12" ];
  };
}
`;

const SYSTEMS: Record<string, string> = {
  hq: `# hq: the desktop under the desk. Builds for the others and hosts vm01 under libvirt.
{ config, lib, pkgs, ... }:

{
  imports = [ ./hardware-configuration.nix ];

  networking.hostName = "hq";
  networking.networkmanager.enable = true;

  boot.loader.systemd-boot.enable = true;
  boot.loader.efi.canTouchEfiVariables = true;
  boot.kernelPackages = pkgs.linuxPackages_latest;
  boot.kernelParams = [ "amd_pstate=active" ];

  services.xserver.videoDrivers = [ "amdgpu" ];
  services.displayManager.sddm.enable = true;
  services.desktopManager.plasma6.enable = true;
  services.pipewire = {
    enable = true;
    alsa.enable = true;
    pulse.enable = true;
  };
  hardware.bluetooth.enable = true;
  services.fwupd.enable = true;

  virtualisation.libvirtd.enable = true;
  virtualisation.podman.enable = true;
  users.users.alice.extraGroups = [ "libvirtd" ];

  services.syncthing = {
    enable = true;
    user = "alice";
    dataDir = "/home/alice";
  };

  # Chosen from the systemd-boot menu.
  specialisation.gaming.configuration = {
    programs.steam.enable = true;
    programs.gamemode.enable = true;
    hardware.graphics.enable32Bit = true;
    powerManagement.cpuFreqGovernor = "performance";
  };

  system.stateVersion = "23.11";
}
`,
  t460: `# t460: the old ThinkPad. Sway, long battery life, goes to conferences.
{ config, lib, pkgs, ... }:

{
  imports = [ ./hardware-configuration.nix ];

  networking.hostName = "t460";
  networking.networkmanager.enable = true;

  boot.loader.systemd-boot.enable = true;
  boot.loader.efi.canTouchEfiVariables = true;

  programs.sway.enable = true;
  services.greetd = {
    enable = true;
    settings.default_session.command = "\${pkgs.greetd.tuigreet}/bin/tuigreet --cmd sway";
  };
  services.pipewire = {
    enable = true;
    pulse.enable = true;
  };

  services.tlp.enable = true;
  services.thermald.enable = true;
  services.fprintd.enable = true;
  services.fwupd.enable = true;
  hardware.bluetooth.enable = true;

  system.stateVersion = "22.11";
}
`,
  x1carbon: `# x1carbon: the daily laptop. GNOME, fingerprint reader, a battery-saver boot entry.
{ config, lib, pkgs, ... }:

{
  imports = [ ./hardware-configuration.nix ];

  networking.hostName = "x1carbon";
  networking.networkmanager.enable = true;

  boot.loader.systemd-boot.enable = true;
  boot.loader.efi.canTouchEfiVariables = true;
  boot.kernelPackages = pkgs.linuxPackages_latest;
  boot.kernelParams = [ "i915.enable_psr=1" ];

  services.displayManager.gdm.enable = true;
  services.desktopManager.gnome.enable = true;
  services.power-profiles-daemon.enable = true;
  services.fprintd.enable = true;
  services.fwupd.enable = true;
  hardware.bluetooth.enable = true;
  zramSwap.enable = true;

  # Picked in the boot menu before a long train ride.
  specialisation.battery-saver.configuration = {
    services.power-profiles-daemon.enable = lib.mkForce false;
    services.tlp = {
      enable = true;
      settings = {
        CPU_ENERGY_PERF_POLICY_ON_BAT = "power";
        START_CHARGE_THRESH_BAT0 = 40;
        STOP_CHARGE_THRESH_BAT0 = 80;
      };
    };
    boot.kernelParams = [ "pcie_aspm.policy=powersupersave" ];
  };

  system.stateVersion = "24.05";
}
`,
  vm01: `# vm01: scratch VM on hq's libvirt, for restore drills and trying services before nas.
{ config, lib, pkgs, ... }:

{
  imports = [ ./hardware-configuration.nix ];

  networking.hostName = "vm01";

  boot.loader.grub.enable = true;
  boot.loader.grub.device = "/dev/vda";
  boot.kernelParams = [ "console=ttyS0" ];

  services.qemuGuest.enable = true;

  services.nginx = {
    enable = true;
    virtualHosts."vm01.home.arpa".root = "/srv/www";
  };
  services.postgresql = {
    enable = true;
    ensureDatabases = [ "immich" ];
  };
  environment.systemPackages = [ pkgs.restic ];

  networking.firewall.allowedTCPPorts = [ 80 ];

  system.stateVersion = "24.11";
}
`,
  nas: `# nas: the box in the closet. ZFS pool "tank", backups for everyone, media.
{ config, lib, pkgs, ... }:

{
  imports = [ ./hardware-configuration.nix ];

  networking.hostName = "nas";
  networking.hostId = "8425e349"; # required by ZFS

  boot.loader.systemd-boot.enable = true;
  boot.loader.efi.canTouchEfiVariables = true;
  # ZFS lags behind mainline: stay on the 6.6 LTS until the 25.11 move.
  boot.kernelPackages = pkgs.linuxPackages_6_6;
  boot.kernelParams = [ "zfs.zfs_arc_max=8589934592" ];
  boot.supportedFilesystems = [ "zfs" ];
  boot.zfs.extraPools = [ "tank" ];
  services.zfs.autoScrub.enable = true;
  services.zfs.autoSnapshot.enable = true;
  services.smartd.enable = true;

  services.restic.server = {
    enable = true;
    dataDir = "/srv/restic";
    extraFlags = [ "--no-auth" ];
  };
  networking.firewall.interfaces.tailscale0.allowedTCPPorts = [ 8000 ];

  services.samba = {
    enable = true;
    openFirewall = true;
    settings.media = {
      path = "/srv/media";
      "read only" = "yes";
      "guest ok" = "yes";
    };
  };
  services.jellyfin = {
    enable = true;
    openFirewall = true;
  };
  services.syncthing = {
    enable = true;
    dataDir = "/srv/sync";
  };
  services.prometheus.exporters.node.enable = true;

  system.stateVersion = "23.05";
}
`,
};

function projectMd(plans: HostPlan[]): string {
  const nas = plans.find((p) => p.spec.name === 'nas');
  const dangling = nas?.gens.find((g) => g.dangling)?.number ?? 0;
  return `# Home fleet

One flake for the five machines at home: \`hq\` (desktop, also the build box), the laptops
\`t460\` and \`x1carbon\`, \`vm01\` (scratch VM on hq's libvirt) and \`nas\` (ZFS, backups, media).
Deploy from hq with \`nixos-rebuild switch --flake .#<host> --target-host root@<host>\`;
the [NixOS manual](https://nixos.org/manual/nixos/stable/) has the rest.

## Todo List

### Immediate (This Week)

- [ ] Update any outdated packages
  - [ ] \`nix flake update\`, then rebuild hq first
  - [ ] Roll out to the laptops once hq has run for a day
- [ ] Reboot t460 (the new kernel is installed but not running)
- [ ] Test restic restore on vm01
  - [x] Restore the latest \`/home\` snapshot of x1carbon into \`/tmp/restore\`
  - [ ] Compare with \`diff -r\` and note how long it took
- [x] Rotate Tailscale keys
  - [x] hq, t460, x1carbon
  - [x] nas (needed the local console)
- [X] Renew the \`nas.home.arpa\` certificate

### Soon

* [ ] Move nas to 25.11
  * [ ] Read the [25.11 release notes](https://nixos.org/manual/nixos/stable/release-notes)
  * [ ] Check that ZFS builds against \`linuxPackages_6_12\`
  * [ ] Drop the \`nixpkgs-2505\` input from \`flake.nix\`
* [ ] Enable zram on t460 (\`zramSwap.enable = true;\`)
* [ ] Reboot vm01 into the generation staged with \`nixos-rebuild boot\`
* [x] Add the \`battery-saver\` specialisation to x1carbon
* [ ] Split \`modules/common.nix\` into a base and a desktop module

Adding a host, in order:

1. [x] Boot the installer and run \`nixos-generate-config\`
2. [ ] Copy \`hardware-configuration.nix\` into \`systems/<host>/\`
3. [ ] Add the host to \`nixosConfigurations\` in \`flake.nix\`

### Someday

+ [ ] Try [disko](https://github.com/nix-community/disko) for the next reinstall
+ [ ] Serve hq's store to the laptops as a binary cache
  + [ ] Generate a signing key with \`nix key generate-secret\`
  + [ ] Add hq to \`nix.settings.substituters\` on every host
+ [ ] Set up \`nix.gc\` on the laptops
+ [X] Replace the nas case fan
+ [ ] Encrypt t460's disk with LUKS

## Done

- [x] Move hq, t460, x1carbon and vm01 to 25.11
- [x] Enable \`services.fwupd\` on the laptops and hq
- [x] Nightly restic backups from every desktop to nas
- [x] Put the \`gaming\` specialisation on hq

## Notes

- nas stays on the 6.6 LTS kernel until ZFS is tested on 6.12.
- vm01 runs the previous generation until its next reboot.
- \`system-${dangling}-link\` on nas points at a store path deleted with
  \`nix-store --delete --ignore-liveness\` when the disk filled up.
- Keys for the restic repositories live in the password manager, not here.

Freeing space on a host (keeps two weeks of generations):

\`\`\`sh
sudo nix-collect-garbage --delete-older-than 14d
# pasted from an old checklist:
- [ ] this is not a todo
\`\`\`

<!-- - [ ] hidden -->
`;
}

// ---------------------------------------------------------------------------------------------
// Small helpers

/** arr[i] (negative counts from the end) for indices known to exist. */
function at<T>(arr: readonly T[], i: number): T {
  const value = arr.at(i);
  if (value === undefined) throw new Error(`demo fleet: no element ${i}`);
  return value;
}

/** 32 characters of nix-base32 derived from `seed`, like a store path hash. */
function nixHash(seed: string): string {
  const bytes = createHash('sha256').update(seed).digest();
  let out = '';
  for (let i = 0; i < 32; i++) {
    const bit = i * 5;
    const pair = (bytes[bit >> 3] ?? 0) | ((bytes[(bit >> 3) + 1] ?? 0) << 8);
    out += NIX_BASE32[(pair >> (bit & 7)) & 31];
  }
  return out;
}

/** 40 hex digits derived from `seed`, like a git commit. */
function hex40(seed: string): string {
  return createHash('sha1').update(seed).digest('hex');
}

/** mulberry32, seeded from a string */
function seededRandom(seed: string): () => number {
  let state = createHash('sha256').update(seed).digest().readUInt32LE(0);
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function yyyymmdd(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10).replaceAll('-', '');
}
