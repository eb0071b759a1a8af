// The demo's stand-ins for what nix does to generations, so the console's switch, diff and prune
// can be seen on any machine. There is no Nix and no real closure: a demo toplevel says its host
// (in its name), its nixpkgs (nixos-version), its kernel (the kernel link) and its configuration
// revision (nixos-version.json), and a made-up but deterministic package set is derived from
// those. Diffs are written as `nix store diff-closures` would print them and read by the real
// parser; sizes and the space a prune frees come from the same package set.
//
// `nixdeck __demo-activate <json>` is the demo's `__activate`: it prints what nix-env and
// switch-to-configuration would, and moves the demo host's profile link and run/current-system
// (only inside a nixdeck demo folder) so that the markers really move.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readlinkSync, renameSync, symlinkSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type ActivateRequest, type DeleteRequest, generationLink, parseStepRequest, StepRequestError } from '../core/generationOps.js';
import { currentGenerationOf } from '../system/activate.js';
import { stepRunnerRequest } from '../system/stepRunnerRequest.js';

const MIB = 1024 * 1024;
const KIB = 1024;
const DAY = 86_400_000;
const EPOCH = Date.UTC(2024, 0, 1);

/** When the demo fleet moved to each release (demoFleet.ts RELEASES), as days since 2024-01-01. */
const RELEASE_START: Record<string, number> = {
  '24.05': 0,
  '24.11': (Date.UTC(2024, 11, 14) - EPOCH) / DAY,
  '25.05': (Date.UTC(2025, 5, 7) - EPOCH) / DAY,
  '25.11': (Date.UTC(2025, 11, 13) - EPOCH) / DAY,
};
const RELEASES = Object.keys(RELEASE_START);

/** What a demo toplevel says about itself. */
export interface DemoToplevel {
  storePath: string;
  host: string;
  /** nixos-version, e.g. 25.11.20251120.1a2b3c4 */
  label: string;
  release: string;
  /** days since 2024-01-01 of the nixpkgs snapshot */
  day: number;
  kernel: string;
  configRev: string;
}

const TOPLEVEL_NAME = /^[0-9a-z]{32}-nixos-system-(.+)-(\d\d\.\d\d)\.(\d{4})(\d\d)(\d\d)\.[0-9a-f]{7}$/;

/** Read a demo toplevel; null when the path is not one. */
export function readDemoToplevel(storePath: string): DemoToplevel | null {
  const m = TOPLEVEL_NAME.exec(path.basename(storePath));
  if (!m) return null;
  const [, host = '', release = '', y = '', mo = '', d = ''] = m;
  try {
    const label = readFileSync(path.join(storePath, 'nixos-version'), 'utf8').trim();
    const kernelDir = path.basename(path.dirname(readlinkSync(path.join(storePath, 'kernel'))));
    const kernel = /-linux-([\w.-]+)$/.exec(kernelDir)?.[1] ?? 'unknown';
    let configRev = 'unknown';
    try {
      const json = JSON.parse(readFileSync(path.join(storePath, 'nixos-version.json'), 'utf8')) as { configurationRevision?: unknown };
      if (typeof json.configurationRevision === 'string') configRev = json.configurationRevision;
    } catch {
      // an older toplevel without the JSON file: the revision stays unknown
    }
    const day = Math.max(0, Math.floor((Date.UTC(Number(y), Number(mo) - 1, Number(d)) - EPOCH) / DAY));
    return { storePath, host, label, release, day, kernel, configRev };
  } catch {
    return null;
  }
}

// ---- the package set -----------------------------------------------------------------------------

type Version = (release: string, day: number) => string | null;

const releaseIndex = (release: string): number => Math.max(0, RELEASES.indexOf(release));

/** `prefix.N` per release, N counting up every `every` days of that release. */
function series(values: readonly (readonly [string, number])[], every: number, sep = '.'): Version {
  return (release, day) => {
    const [prefix, start] = values[releaseIndex(release)] ?? values[values.length - 1] ?? ['0', 0];
    const inRelease = Math.max(0, day - (RELEASE_START[release] ?? 0));
    return `${prefix}${sep}${start + Math.floor(inRelease / every)}`;
  };
}

function perRelease(values: readonly (string | null)[]): Version {
  return (release) => values[releaseIndex(release)] ?? null;
}

interface PackageSpec {
  name: string;
  mib: number;
  version: Version;
  /** only on these hosts; everywhere when absent */
  hosts?: readonly string[];
}

const DESKTOPS = ['hq', 't460', 'x1carbon'];
const LAPTOPS = ['t460', 'x1carbon'];

const PACKAGES: readonly PackageSpec[] = [
  { name: 'bash', mib: 9, version: series([['5.2p', 26], ['5.2p', 32], ['5.2p', 37], ['5.3p', 3]], 90, '') },
  { name: 'coreutils', mib: 17, version: perRelease(['9.5', '9.5', '9.7', '9.8']) },
  { name: 'curl', mib: 5, version: (_r, d) => `8.${7 + Math.floor(d / 60)}.${Math.floor((d % 60) / 30)}` },
  { name: 'docker', mib: 212, hosts: ['hq', 'vm01'], version: series([['24.0', 9], ['27.3', 1], ['27.5', 1], ['28.3', 3]], 60) },
  { name: 'fastfetch', mib: 3, version: (r, d) => (releaseIndex(r) >= 2 ? `2.${40 + Math.floor(d / 20) - 25}.0` : null) },
  { name: 'firefox', mib: 248, hosts: DESKTOPS, version: (_r, d) => `${121 + Math.floor(d / 28)}.0${d % 28 >= 14 ? '.1' : ''}` },
  { name: 'ghostty', mib: 41, hosts: LAPTOPS, version: (r, d) => (releaseIndex(r) >= 2 ? `1.1.${Math.floor(d / 45) - 11}` : null) },
  { name: 'git', mib: 58, version: (_r, d) => `2.${44 + Math.floor(d / 75)}.${Math.floor((d % 75) / 25)}` },
  { name: 'glibc', mib: 31, version: series([['2.39', 52], ['2.40', 36], ['2.40', 66], ['2.42', 8]], 40, '-') },
  { name: 'htop', mib: 1, version: perRelease(['3.3.0', '3.3.0', '3.4.1', '3.4.1']) },
  { name: 'linux-firmware', mib: 540, hosts: DESKTOPS, version: (_r, d) => monthOf(d) },
  { name: 'mesa', mib: 96, hosts: DESKTOPS, version: series([['24.0', 5], ['24.2', 6], ['25.0', 4], ['25.2', 3]], 21) },
  { name: 'neofetch', mib: 1, version: perRelease(['7.1.0', '7.1.0', null, null]) },
  { name: 'nginx', mib: 6, hosts: ['hq', 'vm01'], version: series([['1.26', 0], ['1.26', 2], ['1.28', 0], ['1.28', 0]], 90) },
  { name: 'nix', mib: 36, version: series([['2.18', 5], ['2.24', 10], ['2.28', 3], ['2.31', 2]], 50) },
  { name: 'openssh', mib: 7, version: perRelease(['9.7p1', '9.9p1', '10.0p2', '10.2p1']) },
  { name: 'openssl', mib: 9, version: series([['3.0', 13], ['3.3', 2], ['3.4', 1], ['3.5', 1]], 60) },
  { name: 'postgresql', mib: 64, hosts: ['hq'], version: series([['15', 7], ['16', 6], ['16', 9], ['17', 6]], 90) },
  { name: 'python3', mib: 112, version: series([['3.11', 9], ['3.12', 7], ['3.12', 10], ['3.13', 7]], 60) },
  { name: 'restic', mib: 28, version: series([['0.16', 4], ['0.17', 3], ['0.18', 0], ['0.18', 1]], 90) },
  { name: 'samba', mib: 83, hosts: ['nas'], version: series([['4.19', 6], ['4.20', 5], ['4.21', 4], ['4.22', 3]], 60) },
  { name: 'systemd', mib: 48, version: series([['255', 6], ['256', 8], ['257', 5], ['258', 2]], 45) },
  { name: 'tailscale', mib: 34, version: (_r, d) => `1.${62 + 2 * Math.floor(d / 30)}.${Math.floor((d % 30) / 10)}` },
  { name: 'thunderbird', mib: 212, hosts: LAPTOPS, version: (_r, d) => `128.${Math.floor(d / 30)}.0esr` },
  { name: 'vim', mib: 38, version: (_r, d) => `9.1.${String(300 + Math.floor(d * 1.2)).padStart(4, '0')}` },
  { name: 'zfs-kernel', mib: 14, hosts: ['nas'], version: series([['2.2', 4], ['2.2', 7], ['2.3', 2], ['2.3', 4]], 60) },
  { name: 'zfs-user', mib: 11, hosts: ['nas'], version: series([['2.2', 4], ['2.2', 7], ['2.3', 2], ['2.3', 4]], 60) },
];

/** Parts of every system that change with its configuration, not its packages. */
const CONFIG_PARTS = [
  { name: 'etc', kib: 2_900 },
  { name: 'system-path', kib: 1_200 },
  { name: 'system-units', kib: 640 },
];

/** Everything else in a closure (fonts, icons, libraries nobody looks at), per host, MiB. */
const BASE_MIB: Record<string, number> = { hq: 5_610, t460: 4_870, x1carbon: 5_020, vm01: 1_310, nas: 1_780 };

function monthOf(day: number): string {
  const date = new Date(EPOCH + day * DAY);
  return `${date.getUTCFullYear()}${String(date.getUTCMonth() + 1).padStart(2, '0')}10`;
}

function hashNumber(seed: string): number {
  return createHash('sha256').update(seed).digest().readUInt32LE(0);
}

interface Item {
  version: string;
  bytes: number;
  /** what makes it one store path: same name and key, same path */
  key: string;
}

/** The demo closure of a toplevel: package name → version, size and identity. */
export function demoClosure(t: DemoToplevel): Map<string, Item> {
  const items = new Map<string, Item>();
  const add = (name: string, version: string, mib: number): void => {
    const factor = 1 + ((hashNumber(`${name} ${version}`) % 200) - 100) / 2000;
    items.set(name, { version, bytes: Math.round(mib * MIB * factor), key: `${name}-${version}` });
  };
  for (const p of PACKAGES) {
    if (p.hosts && !p.hosts.includes(t.host)) continue;
    const version = p.version(t.release, t.day);
    if (version !== null) add(p.name, version, p.mib);
  }
  add('linux', t.kernel, 138);
  add('initrd-linux', t.kernel, 42);
  add(`nixos-system-${t.host}`, t.label, 0.05);
  for (const part of CONFIG_PARTS) {
    const bytes = part.kib * KIB + (hashNumber(`${part.name} ${t.host} ${t.configRev}`) % 900) * KIB;
    items.set(part.name, { version: '', bytes, key: `${part.name}-${t.host}-${t.configRev}` });
  }
  return items;
}

/** The closure size in bytes. */
export function demoClosureSize(t: DemoToplevel): number {
  let bytes = (BASE_MIB[t.host] ?? 2_000) * MIB;
  for (const item of demoClosure(t).values()) bytes += item.bytes;
  return bytes;
}

/** `+1234.5 KiB`, as Nix up to 2.32 prints a size change. */
function kib(delta: number): string {
  return `${delta < 0 ? '-' : '+'}${(Math.abs(delta) / KIB).toFixed(1)} KiB`;
}

/** What `nix store diff-closures A B` would print for two demo toplevels. */
export function demoDiffText(a: DemoToplevel, b: DemoToplevel): string {
  const from = demoClosure(a);
  const to = demoClosure(b);
  const names = [...new Set([...from.keys(), ...to.keys()])].sort();
  const lines: string[] = [];
  for (const name of names) {
    const x = from.get(name);
    const y = to.get(name);
    const delta = (y?.bytes ?? 0) - (x?.bytes ?? 0);
    const size = Math.abs(delta) >= 8 * KIB ? kib(delta) : '';
    const versions = x?.version !== y?.version ? `${x ? x.version || 'ε' : '∅'} → ${y ? y.version || 'ε' : '∅'}` : '';
    const parts = [versions, size].filter(Boolean);
    if (parts.length > 0) lines.push(`${name}: ${parts.join(', ')}`);
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

/**
 * What deleting `deleted` lets garbage collection free while `kept` stay: the store paths only the
 * deleted closures hold (each package counted as a few paths, as its libraries would be).
 */
export function demoFreed(deleted: readonly DemoToplevel[], kept: readonly DemoToplevel[]): { bytes: number; paths: number } {
  const held = new Set<string>();
  for (const t of kept) {
    held.add(t.storePath);
    for (const item of demoClosure(t).values()) held.add(item.key);
  }
  const gone = new Map<string, number>();
  for (const t of deleted) {
    if (!held.has(t.storePath)) gone.set(t.storePath, 64 * KIB);
    for (const item of demoClosure(t).values()) if (!held.has(item.key)) gone.set(item.key, item.bytes);
  }
  let bytes = 0;
  let paths = 0;
  for (const [key, size] of gone) {
    bytes += size;
    paths += key.startsWith('/') ? 1 : 1 + (hashNumber(key) % 5);
  }
  return { bytes, paths };
}

// ---- changing a demo profile ------------------------------------------------------------------------

/** The demo host root a profile belongs to, or null unless it is inside a nixdeck demo folder. */
export function demoRootOf(profile: string): string | null {
  const suffix = '/nix/var/nix/profiles/system';
  if (!profile.endsWith(suffix)) return null;
  const root = profile.slice(0, -suffix.length);
  // <tmp>/nixdeck-demo-XXXX/hosts/<host>: never anything else
  const hosts = path.dirname(root);
  if (path.basename(hosts) !== 'hosts' || !path.basename(path.dirname(hosts)).startsWith('nixdeck-demo-')) return null;
  return existsSync(path.join(root, 'etc/hostname')) ? root : null;
}

/** Point `link` at `target`, replacing it in one rename. */
export function relink(link: string, target: string): void {
  const temp = `${link}.nixdeck-${process.pid}`;
  try {
    unlinkSync(temp);
  } catch {
    // no leftover
  }
  symlinkSync(target, temp);
  renameSync(temp, link);
}

export interface DemoStepOptions {
  say?: (line: string) => void;
  /** 1 = the demo's pace; NIXDECK_DEMO_SPEED by default */
  speed?: number;
}

const UNITS = {
  stop: 'restic-backups-home.timer',
  restart: 'nginx.service, tailscaled.service',
  start: 'restic-backups-home.timer',
};

/** What switch-to-configuration prints for an action (the demo's stand-in). */
export function activationLines(action: string): string[] {
  if (action === 'boot') return ['updating systemd-boot entries...'];
  return [
    ...(action === 'switch' ? ['updating systemd-boot entries...'] : []),
    `stopping the following units: ${UNITS.stop}`,
    'activating the configuration...',
    'setting up /etc...',
    'reloading user units for alice...',
    'restarting sysinit-reactivation.target',
    `restarting the following units: ${UNITS.restart}`,
    `starting the following units: ${UNITS.start}`,
  ];
}

async function demoActivate(request: ActivateRequest, options: Required<DemoStepOptions>): Promise<number> {
  const { say, speed } = options;
  const pace = (ms: number) => sleep(Math.max(1, ms / (speed > 0 ? speed : 1)));
  const { profile, generation, action } = request;
  const root = demoRootOf(profile);
  if (root === null) {
    say(`error: ${profile} is not a demo profile; the demo's stand-in changes nothing else`);
    return 1;
  }
  const link = generationLink(profile, generation);
  let target: string;
  try {
    target = readlinkSync(link);
  } catch {
    say(`error: generation ${generation} does not exist in ${profile}`);
    return 1;
  }
  const before = currentGenerationOf(profile);
  if (action !== 'test') {
    say(`nixdeck: $ nix-env -p ${profile} --switch-generation ${generation}`);
    await pace(250);
    say(`switching profile from version ${before ?? '?'} to ${generation}`);
    relink(profile, path.basename(link));
  }
  const stc = action === 'test' ? `${link}/bin/switch-to-configuration` : `${profile}/bin/switch-to-configuration`;
  say(`nixdeck: $ ${stc} ${action}`);
  await pace(300);
  const steps = [...activationLines(action), ...(action === 'boot' ? [`installing ${path.basename(target)} as the default boot entry`] : [])];
  for (const line of steps) {
    await pace(300);
    say(line);
    if (line === 'activating the configuration...') relink(path.join(root, 'run/current-system'), target);
  }
  say(
    `nixdeck: generation ${generation} ${action === 'test' ? 'is active until the next boot (the profile was not changed)' : action === 'boot' ? 'is the boot default now' : 'is active and the boot default now'}`,
  );
  return 0;
}

/** Delete demo generation links (never the current one, as nix-env refuses), then "refresh the boot menu". */
export function demoDelete(request: DeleteRequest, say: (line: string) => void): number {
  const root = demoRootOf(request.profile);
  if (root === null) {
    say(`error: ${request.profile} is not a demo profile; the demo's stand-in changes nothing else`);
    return 1;
  }
  say(`nixdeck: $ nix-env -p ${request.profile} --delete-generations ${request.generations.join(' ')}`);
  const current = currentGenerationOf(request.profile);
  if (current !== null && request.generations.includes(current)) {
    say(`error: cannot delete current version of profile '${request.profile}'`);
    return 1;
  }
  for (const n of request.generations) {
    const link = generationLink(request.profile, n);
    if (!existsSync(link) && !isLink(link)) continue;
    say(`removing profile version ${n}`);
    unlinkSync(link);
  }
  say(`nixdeck: deleted generation${request.generations.length === 1 ? '' : 's'} ${request.generations.join(', ')}`);
  if (request.bootRefresh) {
    say(`nixdeck: $ ${request.bootRefresh} boot`);
    say('updating systemd-boot entries...');
    say('nixdeck: boot menu refreshed');
  }
  return 0;
}

function isLink(p: string): boolean {
  try {
    readlinkSync(p);
    return true;
  } catch {
    return false;
  }
}

/** `nixdeck __demo-activate <json>`: the demo's step runner, its lines on standard error. */
export async function demoActivateMain(args: readonly string[]): Promise<number> {
  const start = stepRunnerRequest('__demo-activate', args, parseStepRequest, StepRequestError);
  if (!start.ok) return start.exitCode;
  const options: Required<DemoStepOptions> = {
    say: (line) => process.stderr.write(`${line}\n`),
    speed: Number(process.env.NIXDECK_DEMO_SPEED ?? 1),
  };
  const { request } = start;
  return request.kind === 'activate' ? demoActivate(request, options) : demoDelete(request, options.say);
}

/** For tests: carry out an activation in this process. */
export function runDemoActivation(request: ActivateRequest, options: DemoStepOptions = {}): Promise<number> {
  return demoActivate(request, { say: options.say ?? (() => {}), speed: options.speed ?? 1 });
}
