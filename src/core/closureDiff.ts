// `nix store diff-closures A B` output, read into package changes. Pure: no I/O.
//
// One line per package name, sorted by name: `name: <items>`, items joined by ", ":
//   - a version change `<old versions> → <new versions>`: only the versions that differ, sorted,
//     ", "-joined; `∅` = none, `ε` = the empty version;
//   - a size change when |Δ| ≥ 8 KiB, always wrapped in ANSI colour (even when piped):
//     Nix ≤ 2.32 `+1234.5 KiB` / `-6597.8 KiB` (always KiB, always signed);
//     Nix ≥ 2.33 a dynamic unit and no `+` on growth: `12.1 MiB`, `-1.0 KiB`.
// `nix profile diff-closures` prints the same lines indented under `Version 1 -> 2:` headers.

import { stripAnsi } from './nixLog.js';

export type ChangeKind = 'upgraded' | 'downgraded' | 'added' | 'removed' | 'changed' | 'size-only';

export const CHANGE_KINDS: readonly ChangeKind[] = ['upgraded', 'downgraded', 'added', 'removed', 'changed', 'size-only'];

export interface PackageChange {
  name: string;
  kind: ChangeKind;
  /** versions only in the old closure, as printed (`∅` → [], `ε` → '') */
  from: string[];
  /** versions only in the new closure */
  to: string[];
  /** the size change in bytes; null when none was printed (|Δ| < 8 KiB) */
  sizeDeltaBytes: number | null;
}

export interface KernelChange {
  /** `linux`, or e.g. `linux-zen` */
  name: string;
  from: string[];
  to: string[];
  kind: ChangeKind;
}

export interface ClosureDiff {
  /** in the order printed (by name) */
  packages: PackageChange[];
  counts: Record<ChangeKind, number>;
  /** the kernel package's version change, if the kernel changed */
  kernel: KernelChange | null;
  /**
   * The sum of the printed size changes, in bytes. diff-closures leaves out changes under 8 KiB,
   * so this is close to, not exactly, the change of the closure's size.
   */
  sizeDeltaBytes: number;
  /** non-empty lines that are not package lines (`Version 1 -> 2:` headers are skipped silently) */
  unparsed: string[];
}

const ARROW = ' → ';
const ABSENT = '∅';
const EMPTY_VERSION = 'ε';
const UNITS = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'] as const;
const SIZE = /^([+-]?)(\d+(?:\.\d+)?) (B|bytes|[KMGTPEZY]iB)$/;
const HEADER = /^Version \d+ -> \d+:$/;

/** `+1234.5 KiB`, `-6597.8 KiB`, `12.1 MiB`, `-1.0 KiB` → bytes (rounded); null if not a size. */
export function parseSize(text: string): number | null {
  const m = SIZE.exec(text.trim());
  if (!m) return null;
  const [, sign = '', number = '0', unit = 'B'] = m;
  const power = unit === 'B' || unit === 'bytes' ? 0 : UNITS.indexOf(unit as (typeof UNITS)[number]) + 1;
  const bytes = Math.round(Number(number) * 1024 ** power);
  return sign === '-' ? -bytes : bytes;
}

function splitVersions(text: string): string[] {
  const t = text.trim();
  if (t === ABSENT || t === '') return [];
  return t.split(', ').map((v) => (v === EMPTY_VERSION ? '' : v));
}

/**
 * One line: `firefox: 118.0 → 119.0, +1234.5 KiB`, `htop: 3.3.0 → ∅, -28.7 KiB`,
 * `bluez-qt: 12.6 KiB`. ANSI codes are removed first. Null for anything else.
 */
export function parseDiffLine(rawLine: string): PackageChange | null {
  const line = stripAnsi(rawLine).trim();
  const colon = line.indexOf(': ');
  if (colon <= 0) return null;
  const name = line.slice(0, colon);
  if (/\s/.test(name)) return null;
  let rest = line.slice(colon + 2);

  // the size, if any, is the last item; sizes hold a space, versions never do
  let sizeDeltaBytes: number | null = null;
  const lastComma = rest.lastIndexOf(', ');
  const lastItem = lastComma === -1 ? rest : rest.slice(lastComma + 2);
  const size = parseSize(lastItem);
  if (size !== null) {
    sizeDeltaBytes = size;
    rest = lastComma === -1 ? '' : rest.slice(0, lastComma);
  }

  if (rest === '') {
    if (sizeDeltaBytes === null) return null;
    return { name, kind: 'size-only', from: [], to: [], sizeDeltaBytes };
  }
  const arrow = rest.indexOf(ARROW);
  if (arrow === -1 || rest.indexOf(ARROW, arrow + 1) !== -1) return null;
  const from = splitVersions(rest.slice(0, arrow));
  const to = splitVersions(rest.slice(arrow + ARROW.length));
  if (from.some((v) => /\s/.test(v)) || to.some((v) => /\s/.test(v))) return null;
  return { name, kind: classify(from, to), from, to, sizeDeltaBytes };
}

/** Upgraded/downgraded when every new version compares above/below every old one (Nix's rules). */
export function classify(from: readonly string[], to: readonly string[]): ChangeKind {
  if (from.length === 0 && to.length === 0) return 'size-only';
  if (from.length === 0) return 'added';
  if (to.length === 0) return 'removed';
  // ε (no version at all) is not comparable with a version in any useful sense
  if (from.includes('') || to.includes('')) return 'changed';
  let allHigher = true;
  let allLower = true;
  for (const a of from) {
    for (const b of to) {
      const c = compareVersions(b, a);
      if (c <= 0) allHigher = false;
      if (c >= 0) allLower = false;
    }
  }
  if (allHigher) return 'upgraded';
  if (allLower) return 'downgraded';
  return 'changed';
}

/** The next component: a run of digits, or a run of other characters; `.` and `-` separate. */
function nextComponent(v: string, start: number): { component: string; next: number } {
  let p = start;
  while (p < v.length && (v[p] === '.' || v[p] === '-')) p++;
  if (p >= v.length) return { component: '', next: p };
  const s = p;
  if (isDigit(v.charCodeAt(p))) {
    while (p < v.length && isDigit(v.charCodeAt(p))) p++;
  } else {
    while (p < v.length && !isDigit(v.charCodeAt(p)) && v[p] !== '.' && v[p] !== '-') p++;
  }
  return { component: v.slice(s, p), next: p };
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isNumber(c: string): boolean {
  return c !== '' && isDigit(c.charCodeAt(0));
}

/** Digit strings compared as numbers of any length. */
function compareDigits(a: string, b: string): number {
  const x = a.replace(/^0+(?=\d)/, '');
  const y = b.replace(/^0+(?=\d)/, '');
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

function componentLess(c1: string, c2: string): boolean {
  const n1 = isNumber(c1);
  const n2 = isNumber(c2);
  if (n1 && n2) return compareDigits(c1, c2) < 0;
  if (c1 === '' && n2) return true;
  if (c1 === 'pre' && c2 !== 'pre') return true;
  if (c2 === 'pre') return false;
  // `2.3a` < `2.3.1`: a number beats a word
  if (n2) return true;
  if (n1) return false;
  return c1 < c2;
}

/**
 * `builtins.compareVersions`: -1, 0 or 1. Components are compared in turn; numbers numerically,
 * `pre` below anything else, a missing component below a number, words below numbers, words by
 * byte order (so `1.0` < `1.0.1`, `1.0pre1` < `1.0`, `2.3a` < `2.3.1`).
 */
export function compareVersions(v1: string, v2: string): -1 | 0 | 1 {
  let p1 = 0;
  let p2 = 0;
  while (p1 < v1.length || p2 < v2.length) {
    const a = nextComponent(v1, p1);
    const b = nextComponent(v2, p2);
    p1 = a.next;
    p2 = b.next;
    if (componentLess(a.component, b.component)) return -1;
    if (componentLess(b.component, a.component)) return 1;
  }
  return 0;
}

const NOT_KERNELS = new Set(['linux-pam', 'linux-firmware', 'linux-headers', 'linux-manual']);

/** `linux`, or a `linux-*` package whose versions look like a kernel's (`6.12.4`), not linux-pam & co. */
export function isKernelPackage(name: string, versions: readonly string[] = []): boolean {
  if (name === 'linux') return true;
  if (!name.startsWith('linux-') || NOT_KERNELS.has(name)) return false;
  return versions.length === 0 || versions.some((v) => /^\d+\.\d+/.test(v));
}

/** Read all of `nix store diff-closures` output (ANSI kept or not). */
export function parseDiffClosures(text: string): ClosureDiff {
  const packages: PackageChange[] = [];
  const unparsed: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = stripAnsi(raw).trim();
    if (line === '') continue;
    const change = parseDiffLine(line);
    if (change) packages.push(change);
    else if (!HEADER.test(line)) unparsed.push(line);
  }
  const counts = Object.fromEntries(CHANGE_KINDS.map((k) => [k, 0])) as Record<ChangeKind, number>;
  let sizeDeltaBytes = 0;
  for (const p of packages) {
    counts[p.kind] += 1;
    sizeDeltaBytes += p.sizeDeltaBytes ?? 0;
  }
  const versionChanges = packages.filter((p) => p.kind !== 'size-only');
  const kernelPackage =
    versionChanges.find((p) => p.name === 'linux') ??
    versionChanges.find((p) => isKernelPackage(p.name, [...p.from, ...p.to]) && p.name !== 'linux');
  const kernel: KernelChange | null = kernelPackage
    ? { name: kernelPackage.name, from: [...kernelPackage.from], to: [...kernelPackage.to], kind: kernelPackage.kind }
    : null;
  return { packages, counts, kernel, sizeDeltaBytes, unparsed };
}

// --- plain-text output ---------------------------------------------------------------------------

/** Bytes in binary units with one decimal: `512 B`, `12.6 KiB`, `1.2 GiB`; `signed` adds `+`. */
export function formatBytes(bytes: number, signed = false): string {
  const sign = bytes < 0 ? '-' : signed && bytes > 0 ? '+' : '';
  let value = Math.abs(bytes);
  if (value < 1024) return `${sign}${value} B`;
  let unit = -1;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${sign}${value.toFixed(1)} ${UNITS[unit] ?? 'KiB'}`;
}

/** Versions for people: `∅` → `(none)`, `ε` → `(no version)`. */
export function showVersions(versions: readonly string[]): string {
  if (versions.length === 0) return '(none)';
  return versions.map((v) => (v === '' ? '(no version)' : v)).join(', ');
}

/** How each kind of change is headed in a listing. */
export const CHANGE_HEADINGS: Record<ChangeKind, string> = {
  upgraded: 'Upgraded',
  downgraded: 'Downgraded',
  added: 'Added',
  removed: 'Removed',
  changed: 'Changed',
  'size-only': 'Size only',
};

export interface FormatOptions {
  /** the exact closure sizes (bytes) of the two sides, when known */
  closureSizes?: { from: number; to: number } | null;
  /** leave out packages whose only change is their size (default false) */
  hideSizeOnly?: boolean;
}

/** The diff as plain lines: packages grouped by kind, then the kernel and the size change. */
export function formatClosureDiff(diff: ClosureDiff, options: FormatOptions = {}): string[] {
  const lines: string[] = [];
  const width = Math.min(32, Math.max(0, ...diff.packages.map((p) => p.name.length)));
  for (const kind of CHANGE_KINDS) {
    if (kind === 'size-only' && options.hideSizeOnly) continue;
    const group = diff.packages.filter((p) => p.kind === kind);
    if (group.length === 0) continue;
    lines.push(`${CHANGE_HEADINGS[kind]} (${group.length}):`);
    for (const p of group) {
      const versions =
        kind === 'added' ? showVersions(p.to) : kind === 'removed' ? showVersions(p.from) : kind === 'size-only' ? '' : `${showVersions(p.from)} → ${showVersions(p.to)}`;
      const size = p.sizeDeltaBytes === null ? '' : formatBytes(p.sizeDeltaBytes, true);
      lines.push(`  ${p.name.padEnd(width)}  ${[versions, size].filter(Boolean).join('  ')}`.trimEnd());
    }
  }
  if (diff.packages.length === 0) lines.push('No package changes.');
  if (diff.kernel) lines.push(`Kernel: ${showVersions(diff.kernel.from)} → ${showVersions(diff.kernel.to)}${diff.kernel.name !== 'linux' ? ` (${diff.kernel.name})` : ''}`);
  else lines.push('Kernel: unchanged');
  const sizes = options.closureSizes;
  if (sizes) {
    lines.push(`Closure size: ${formatBytes(sizes.from)} → ${formatBytes(sizes.to)} (${formatBytes(sizes.to - sizes.from, true)})`);
  } else {
    lines.push(`Closure size: ${formatBytes(diff.sizeDeltaBytes, true)} (sum of the listed changes)`);
  }
  return lines;
}
