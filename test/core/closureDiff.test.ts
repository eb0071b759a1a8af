import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  classify,
  compareVersions,
  formatBytes,
  formatClosureDiff,
  isKernelPackage,
  parseDiffClosures,
  parseDiffLine,
  parseSize,
} from '../../src/core/closureDiff.js';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/nix/${name}`, import.meta.url), 'utf8');

describe('compareVersions (builtins.compareVersions rules)', () => {
  const cases: [string, string, -1 | 0 | 1][] = [
    ['1.0', '2.3', -1],
    ['2.1', '2.3', -1],
    ['2.3', '2.3', 0],
    ['2.5', '2.3', 1],
    ['3.1', '2.3', 1],
    ['2.3.1', '2.3', 1],
    ['2.3.1', '2.3a', 1],
    ['2.3pre1', '2.3', -1],
    ['2.3pre3', '2.3pre12', -1],
    ['2.3a', '2.3c', -1],
    ['2.3pre1', '2.3c', -1],
    ['2.3pre1', '2.3q', -1],
    ['119.0', '119.0.1', -1],
    ['6.6.32', '6.12.4', -1],
    ['1.0', '1.00', 0],
    ['1-0', '1.0', 0],
    ['20250601', '20250615', -1],
    ['99999999999999999999', '100000000000000000000', -1],
  ];
  for (const [a, b, expected] of cases) {
    it(`${a} vs ${b} → ${expected}`, () => {
      expect(compareVersions(a, b)).toBe(expected);
      expect(compareVersions(b, a)).toBe(expected === 0 ? 0 : -expected);
    });
  }
});

describe('parseSize', () => {
  it('reads both formats', () => {
    expect(parseSize('+1234.5 KiB')).toBe(Math.round(1234.5 * 1024));
    expect(parseSize('-6597.8 KiB')).toBe(-Math.round(6597.8 * 1024));
    expect(parseSize('12.1 MiB')).toBe(Math.round(12.1 * 1024 ** 2));
    expect(parseSize('-1.0 KiB')).toBe(-1024);
    expect(parseSize('1.5 GiB')).toBe(Math.round(1.5 * 1024 ** 3));
    expect(parseSize('119.0')).toBeNull();
    expect(parseSize('1.2MiB')).toBeNull();
  });
});

describe('parseDiffLine', () => {
  it('reads versions, ∅, ε, several versions and sizes with ANSI codes', () => {
    expect(parseDiffLine('firefox: 118.0 → 120.0, \x1b[31;1m+161.0 KiB\x1b[0m')).toEqual({
      name: 'firefox',
      kind: 'upgraded',
      from: ['118.0'],
      to: ['120.0'],
      sizeDeltaBytes: Math.round(161 * 1024),
    });
    expect(parseDiffLine('htop: 3.3.0 → ∅, \x1b[32;1m-28.7 KiB\x1b[0m')).toMatchObject({ kind: 'removed', from: ['3.3.0'], to: [] });
    expect(parseDiffLine('neovim: ∅ → 0.10.2, \x1b[31;1m+151.7 KiB\x1b[0m')).toMatchObject({ kind: 'added', from: [], to: ['0.10.2'] });
    expect(parseDiffLine('initrd-linux: 6.6.30 → 6.12.4')).toMatchObject({ kind: 'upgraded', sizeDeltaBytes: null });
    expect(parseDiffLine('bluez-qt: \x1b[31;1m+12.6 KiB\x1b[0m')).toMatchObject({ kind: 'size-only', from: [], to: [], sizeDeltaBytes: Math.round(12.6 * 1024) });
    expect(parseDiffLine('qemu: ε → 9.0.0')).toMatchObject({ kind: 'changed', from: [''], to: ['9.0.0'] });
    expect(parseDiffLine('python3: 3.11.8, 3.12.2 → 3.11.9, 3.13.0, 45.2 MiB')).toMatchObject({
      kind: 'changed',
      from: ['3.11.8', '3.12.2'],
      to: ['3.11.9', '3.13.0'],
    });
    expect(parseDiffLine('  firefox: 118.0 → 119.0')).toMatchObject({ name: 'firefox' });
  });

  it('rejects what is not a package line', () => {
    expect(parseDiffLine('Version 1 -> 2:')).toBeNull();
    expect(parseDiffLine('warning: something')).toBeNull();
    expect(parseDiffLine('firefox: 118.0')).toBeNull();
    expect(parseDiffLine('')).toBeNull();
  });
});

describe('classify', () => {
  it('compares every new version with every old one', () => {
    expect(classify(['12.3.0', '13.2.0'], ['14.1.0'])).toBe('upgraded');
    expect(classify(['14.1.0'], ['12.3.0', '13.2.0'])).toBe('downgraded');
    expect(classify(['1.0', '3.0'], ['2.0'])).toBe('changed');
    expect(classify(['1.0'], ['1.00'])).toBe('changed');
    expect(classify([], [])).toBe('size-only');
  });
});

describe('parseDiffClosures on real nix 2.8 output (test fleet, ANSI kept)', () => {
  it('hq 3 → 4: the kernel 6.6.32 → 6.12.4, upgrades, an addition, sizes', () => {
    const diff = parseDiffClosures(fixture('diff-hq-3-4.txt'));
    expect(diff.unparsed).toEqual([]);
    expect(diff.packages.map((p) => [p.name, p.kind])).toEqual([
      ['firefox', 'upgraded'],
      ['initrd-linux', 'upgraded'],
      ['linux', 'upgraded'],
      ['neovim', 'added'],
      ['nixos-system-hq', 'upgraded'],
      ['ripgrep', 'upgraded'],
    ]);
    expect(diff.kernel).toEqual({ name: 'linux', from: ['6.6.32'], to: ['6.12.4'], kind: 'upgraded' });
    expect(diff.counts).toMatchObject({ upgraded: 5, added: 1, removed: 0, downgraded: 0 });
    // -293.0 + 151.7 + 60.0 KiB
    expect(diff.sizeDeltaBytes).toBe(Math.round(-293 * 1024) + Math.round(151.7 * 1024) + Math.round(60 * 1024));
  });

  it('hq 2 → 3: a removal and a version change on the same line as its size', () => {
    const diff = parseDiffClosures(fixture('diff-hq-2-3.txt'));
    expect(diff.kernel).toBeNull();
    expect(diff.packages.find((p) => p.name === 'htop')).toEqual({ name: 'htop', kind: 'removed', from: ['3.3.0'], to: [], sizeDeltaBytes: -Math.round(28.7 * 1024) });
    expect(diff.packages.find((p) => p.name === 'steam')).toMatchObject({ kind: 'removed' });
    expect(diff.packages.find((p) => p.name === 'firefox')).toMatchObject({ kind: 'upgraded', from: ['119.0'], to: ['119.0.1'], sizeDeltaBytes: null });
  });

  it('hq 4 → 1: everything downgraded, removed or added', () => {
    const diff = parseDiffClosures(fixture('diff-hq-4-1.txt'));
    expect(diff.counts).toMatchObject({ downgraded: 5, added: 1, removed: 2, upgraded: 0 });
    expect(diff.kernel).toMatchObject({ from: ['6.12.4'], to: ['6.6.30'], kind: 'downgraded' });
  });

  it('hq 1 → 2 and t460 1 → 2', () => {
    expect(parseDiffClosures(fixture('diff-hq-1-2.txt')).counts).toMatchObject({ upgraded: 4, added: 2 });
    const t460 = parseDiffClosures(fixture('diff-t460-1-2.txt'));
    expect(t460.kernel).toBeNull();
    expect(t460.packages).toHaveLength(2);
  });

  it('empty output: no changes', () => {
    const diff = parseDiffClosures('');
    expect(diff).toMatchObject({ packages: [], kernel: null, sizeDeltaBytes: 0, unparsed: [] });
    expect(formatClosureDiff(diff)).toContain('No package changes.');
  });
});

describe('parseDiffClosures on Nix ≥ 2.33 output (hand-written: dynamic units, no + on growth)', () => {
  const diff = parseDiffClosures(fixture('diff-handwritten-2.33.txt'));

  it('reads every line', () => {
    expect(diff.unparsed).toEqual([]);
    expect(diff.packages).toHaveLength(12);
  });

  it('classifies', () => {
    const kind = Object.fromEntries(diff.packages.map((p) => [p.name, p.kind]));
    expect(kind).toEqual({
      'bluez-qt': 'size-only',
      firefox: 'upgraded',
      'gcc-lib': 'upgraded',
      kdeconnect: 'removed',
      'kdeconnect-kde': 'added',
      libfoo: 'downgraded',
      linux: 'upgraded',
      'linux-pam': 'upgraded',
      python3: 'changed',
      qemu: 'changed',
      texlive: 'upgraded',
      zstd: 'downgraded',
    });
  });

  it('sizes in bytes, unsigned growth included', () => {
    const size = Object.fromEntries(diff.packages.map((p) => [p.name, p.sizeDeltaBytes]));
    expect(size.firefox).toBe(Math.round(1.2 * 1024 ** 2));
    expect(size.kdeconnect).toBe(-Math.round(6.4 * 1024 ** 2));
    expect(size.texlive).toBe(Math.round(1.5 * 1024 ** 3));
    expect(size['linux-pam']).toBeNull();
    expect(diff.sizeDeltaBytes).toBe(diff.packages.reduce((sum, p) => sum + (p.sizeDeltaBytes ?? 0), 0));
  });

  it('the kernel is linux, not linux-pam', () => {
    expect(diff.kernel).toEqual({ name: 'linux', from: ['6.12.30'], to: ['6.12.31'], kind: 'upgraded' });
  });

  it('a linux-* kernel when there is no plain linux', () => {
    const d = parseDiffClosures('linux-pam: 1.6.0 → 1.6.1\nlinux-zen: 6.12.4 → 6.12.6\n');
    expect(d.kernel).toMatchObject({ name: 'linux-zen', to: ['6.12.6'] });
    expect(isKernelPackage('linux-firmware', ['20250101'])).toBe(false);
    expect(isKernelPackage('linux-lts', ['6.6.50'])).toBe(true);
  });
});

describe('nix profile diff-closures blocks', () => {
  it('skips the Version headers and reads the indented lines', () => {
    const d = parseDiffClosures('Version 1 -> 2:\n  firefox: 118.0 → 119.0, \x1b[31;1m+459.0 KiB\x1b[0m\n\nVersion 2 -> 3:\n  htop: 3.3.0 → ∅\n');
    expect(d.unparsed).toEqual([]);
    expect(d.packages.map((p) => p.name)).toEqual(['firefox', 'htop']);
  });
});

describe('formatClosureDiff', () => {
  it('groups by kind and ends with the kernel and the closure size', () => {
    const lines = formatClosureDiff(parseDiffClosures(fixture('diff-hq-3-4.txt')), { closureSizes: { from: 1224056, to: 1141104 } });
    expect(lines[0]).toBe('Upgraded (5):');
    expect(lines).toContain('Added (1):');
    expect(lines.some((l) => /^ {2}neovim +0\.10\.2 +\+151\.7 KiB$/.test(l))).toBe(true);
    expect(lines).toContain('Kernel: 6.6.32 → 6.12.4');
    expect(lines.at(-1)).toBe('Closure size: 1.2 MiB → 1.1 MiB (-81.0 KiB)');
  });

  it('says (none) and (no version) instead of ∅ and ε', () => {
    const lines = formatClosureDiff(parseDiffClosures('qemu: ε → 9.0.0\n'));
    expect(lines).toContain('  qemu  (no version) → 9.0.0');
    expect(lines).toContain('Kernel: unchanged');
  });

  it('formatBytes', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(512, true)).toBe('+512 B');
    expect(formatBytes(-1024 * 1024 * 3.5, true)).toBe('-3.5 MiB');
  });
});
