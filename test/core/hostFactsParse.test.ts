import { describe, expect, it } from 'vitest';
import { buildGenerationList } from '../../src/core/generations.js';
import { HOST_FACTS_FORMAT, parseHostFacts } from '../../src/core/hostFactsParse.js';
import type { HostStatusFacts } from '../../src/core/hostFacts.js';

const A = '/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-nixos-system-hq-25.05';
const B = '/nix/store/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-nixos-system-hq-25.11';
const GONE = '/nix/store/gggggggggggggggggggggggggggggggg-nixos-system-hq-25.05';
const FILE = '/nix/store/ffffffffffffffffffffffffffffffff-not-a-system';
const MODULES = '/nix/store/mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm-kernel-modules';

/** Lines as host-facts.sh prints them (captured from dash on a root with hostile names), TAB-joined. */
const rec = (...fields: string[]): string => fields.join('\t');
const answer = (...records: string[]): string => `${records.join('\n')}\n`;

// captured from `sh host-facts.sh` (dash, no awk on PATH: the files read by the shell) on a root
// made to be hostile; store paths renamed
const CAPTURED = answer(
  rec('nixdeck-host-facts', '1'),
  rec('hostname', 'hq'),
  rec('uid', '0'),
  rec('uptime', '9618.66'),
  rec('dir', '/nix/var/nix/profiles'),
  rec('name', 'system'),
  rec('current', 'system-2-link'),
  rec('link', 'system-1-link'),
  rec('target', A),
  rec('state', 'ok'),
  rec('version', '25.05\x07'),
  rec('+', ''),
  rec('+', 'second', 'line'),
  rec('kernels', ''),
  rec('kernel', '6.6.32'),
  rec('kernel', '6.12.4'),
  rec('spec', '\x1b[31mred'),
  rec('spec', 'gaming'),
  rec('spec', 'tab', 'here'),
  rec('spec', 'we'),
  rec('+', 'ird'),
  rec('spec', '.hidden'),
  rec('link', 'system-2-link'),
  rec('target', '../../../../nix/store/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-nixos-system-hq-25.11'),
  rec('state', 'ok'),
  rec('version', '25.11.20251201.ddddddd'),
  rec('revsw', '  --configuration-revision)'),
  rec('revsw', '    echo "abc1234-dirty"'),
  rec('revsw', '{"configurationRevision":"4d5e6f7","nixosVersion":"25.11"}'),
  rec('revsw', 'EOF'),
  rec('link', 'system-3-link'),
  rec('target', GONE),
  rec('state', 'dangling'),
  rec('link', 'system-4-link'),
  rec('target', FILE),
  rec('state', 'unreadable', 'not a system folder'),
  rec('mtime', '1748772000.250', 'system-1-link'),
  rec('mtime', '1764614700.000', 'system-2-link'),
  rec('mtime', '1764614700.000', 'system-3-link'),
  rec('mtime', '1764614700.000', 'system-4-link'),
  rec('running', B),
  rec('running-kernel', '/nix/store/kkkk-linux-6.12.4/bzImage'),
  rec('running-initrd', '/nix/store/iiii-initrd-linux-6.12.4/initrd'),
  rec('running-kernel-modules', '/nix/store/nnnn-kernel-modules'),
  rec('running-kver', '6.12.4'),
  rec('booted', A),
  rec('booted-kernel-modules', MODULES),
  rec('booted-kver', '6.6.32'),
  rec('booted-kver', '6.12.4'),
  rec('units', 'listed'),
  rec('unit', 'nginx.service'),
  rec('unit', 'we\tird.service'),
  rec('end', ''),
);

function facts(text: string): HostStatusFacts {
  const parsed = parseHostFacts(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.facts;
}

function errorOf(text: string): string {
  const parsed = parseHostFacts(text);
  if (parsed.ok) throw new Error('parsed, but should not have');
  return parsed.error;
}

describe('parseHostFacts', () => {
  it('reads a captured answer into the facts of the local reader', () => {
    const f = facts(CAPTURED);
    expect(f.hostname).toBe('hq');
    expect(f.isRoot).toBe(true);
    expect(f.uptimeSeconds).toBe(9618);
    expect(f.failedUnits).toEqual(['nginx.service', 'we\tird.service']);
    expect(f.running).toEqual({
      toplevel: B,
      kernel: '/nix/store/kkkk-linux-6.12.4/bzImage',
      initrd: '/nix/store/iiii-initrd-linux-6.12.4/initrd',
      kernelModules: '/nix/store/nnnn-kernel-modules',
    });
    expect(f.booted).toEqual({ toplevel: A, kernel: null, initrd: null, kernelModules: MODULES });
    expect(f.profile).toMatchObject({ currentNumber: 2, runningPath: B, bootedPath: A, runningKernel: '6.12.4', bootedKernel: '6.12.4' });
    const [one, two, three, four] = f.profile.links;
    expect(one).toEqual({
      number: 1,
      mtimeMs: 1748772000250,
      target: A,
      state: 'ok',
      // the whole file, trimmed, control characters kept (the screen makes them visible)
      nixosVersion: '25.05\x07\n\nsecond\tline',
      // the first in sort order, like the local reader
      kernelVersion: '6.12.4',
      configurationRevision: null,
      specialisations: ['\x1b[31mred', 'gaming', 'tab\there', 'we\nird', '.hidden'],
    });
    // a relative link target is resolved against the profile's folder
    expect(two).toMatchObject({ number: 2, target: B, nixosVersion: '25.11.20251201.ddddddd', kernelVersion: null, configurationRevision: '4d5e6f7' });
    expect(three).toEqual({
      number: 3,
      mtimeMs: 1764614700000,
      target: GONE,
      state: 'dangling',
      problem: `${GONE} no longer exists (garbage-collected?)`,
      nixosVersion: null,
      kernelVersion: null,
      configurationRevision: null,
      specialisations: [],
    });
    expect(four).toMatchObject({ number: 4, target: FILE, state: 'unreadable', problem: `${FILE}: not a system folder` });
  });

  it('gives the same generation list as the local reader would (one core function)', () => {
    const list = buildGenerationList(facts(CAPTURED).profile);
    expect(list.generations.map((g) => [g.generation, g.date, g.current, g.running, g.booted, g.status])).toEqual([
      [4, '2025-12-01T18:45:00.000Z', false, false, false, 'unreadable'],
      [3, '2025-12-01T18:45:00.000Z', false, false, false, 'dangling'],
      [2, '2025-12-01T18:45:00.000Z', true, true, false, 'ok'],
      [1, '2025-06-01T10:00:00.250Z', false, false, true, 'ok'],
    ]);
    expect(list.generations[3]?.specialisations).toEqual(['.hidden', 'gaming', 'tab\there', 'we\nird', '\x1b[31mred'].sort());
    expect(list.rebootNeeded).toBe(false);
  });

  it('takes nixos-version.json before sw/bin/nixos-version, and the older echo branch', () => {
    const withRev = (...lines: string[]): string | null =>
      facts(
        answer(rec('nixdeck-host-facts', '1'), rec('name', 'system'), rec('link', 'system-7-link'), rec('target', A), rec('state', 'ok'), ...lines, rec('mtime', '1', 'system-7-link'), rec('end', '')),
      ).profile.links[0]?.configurationRevision ?? null;
    expect(withRev(rec('revjson', '{"configurationRevision": "fromjson"}'), rec('revsw', '{"configurationRevision":"fromsw"}'))).toBe('fromjson');
    expect(withRev(rec('revjson', '{"nixosVersion":"25.05"}'), rec('revsw', '{"configurationRevision":"fromsw"}'))).toBe('fromsw');
    expect(withRev(rec('revsw', '  --configuration-revision)'), rec('revsw', '    echo "abc1234-dirty"'))).toBe('abc1234-dirty');
    expect(withRev(rec('revsw', '{"configurationRevision":"@configurationRevision@"}'))).toBeNull();
  });

  it('reads the files\' lines that one awk printed after the links, by the link\'s place', () => {
    const f = facts(
      answer(
        rec('nixdeck-host-facts', '1'),
        rec('name', 'system'),
        rec('link', 'system-1-link'),
        rec('target', A),
        rec('state', 'ok'),
        rec('link', 'system-2-link'),
        rec('target', B),
        rec('state', 'ok'),
        rec('mtime', '1', 'system-1-link'),
        rec('mtime', '2', 'system-2-link'),
        rec('file', '2', 'version', '25.11\x1b[2J'),
        rec('file', '2', 'version', 'more\tlines '),
        rec('file', '2', 'revsw', '{"configurationRevision":"sw\trev"}'),
        rec('file', '1', 'revjson', '{"configurationRevision": "json"}'),
        rec('end', ''),
      ),
    );
    expect(f.profile.links.map((l) => [l.number, l.nixosVersion, l.configurationRevision])).toEqual([
      [1, null, 'json'],
      [2, '25.11\x1b[2J\nmore\tlines', 'sw\trev'],
    ]);
    const wrong = (index: string, kind: string): string =>
      errorOf(answer(rec('nixdeck-host-facts', '1'), rec('link', 'system-1-link'), rec('file', index, kind, 'x'), rec('end', '')));
    expect(wrong('2', 'version')).toBe('line 3 of the host facts: a file of generation link "2", which was not listed');
    expect(wrong('0', 'version')).toBe('line 3 of the host facts: a file of generation link "0", which was not listed');
    expect(wrong('1', 'passwd')).toBe('line 3 of the host facts: unknown kind of file "passwd"');
  });

  it('skips what a login script prints before the answer; busybox dates in whole seconds', () => {
    const f = facts(
      'Welcome to NixOS!\n\x1b[1mmotd\x1b[0m\n' +
        answer(rec('nixdeck-host-facts', '1'), rec('name', 'system'), rec('link', 'system-1-link'), rec('target', A), rec('state', 'ok'), rec('mtime', '1748772000', 'system-1-link'), rec('units', 'none'), rec('end', '')),
    );
    expect(f.profile.links[0]?.mtimeMs).toBe(1748772000000);
    expect(f.failedUnits).toBeNull();
    expect(f.hostname).toBeNull();
    expect(f.isRoot).toBe(false);
    expect(f.profile.currentNumber).toBeNull();
  });

  it('running = booted is said once; a dangling /run link keeps its target', () => {
    const f = facts(
      answer(
        rec('nixdeck-host-facts', '1'),
        rec('running', B),
        rec('running-kernel', '/nix/store/k/bzImage'),
        rec('running-kver', '6.12.4'),
        rec('booted', B),
        rec('booted-same', ''),
        rec('end', ''),
      ),
    );
    expect(f.booted).toEqual(f.running);
    expect(f.profile.bootedKernel).toBe('6.12.4');
    const dangling = facts(answer(rec('nixdeck-host-facts', '1'), rec('running-raw', '/run/../nix/store/x-gone'), rec('end', '')));
    expect(dangling.profile.runningPath).toBe('/nix/store/x-gone');
    expect(dangling.running.kernel).toBeNull();
  });

  it('a link whose date is missing is unreadable, not dated 1970 silently', () => {
    const f = facts(answer(rec('nixdeck-host-facts', '1'), rec('dir', '/p'), rec('name', 'system'), rec('link', 'system-5-link'), rec('target', A), rec('state', 'ok'), rec('end', '')));
    expect(f.profile.links[0]).toMatchObject({ number: 5, state: 'unreadable', problem: '/p/system-5-link: its date could not be read' });
  });

  it('says in one line what is wrong with an answer', () => {
    const errors = [
      errorOf(''),
      errorOf('bash: sh: command not found\n'),
      errorOf('\x1b]0;pwned\x07\n'),
      errorOf(answer(rec('nixdeck-host-facts', '2'), rec('end', ''))),
      errorOf(answer(rec('nixdeck-host-facts', '1'), rec('hostname', 'hq'))),
      errorOf(answer(rec('nixdeck-host-facts', '1'), rec('+', 'x'), rec('end', ''))),
      errorOf(answer(rec('nixdeck-host-facts', '1'), 'no tab here', rec('end', ''))),
      errorOf(answer(rec('nixdeck-host-facts', '1'), rec('colour', 'red'), rec('end', ''))),
      errorOf(answer(rec('nixdeck-host-facts', '1'), rec('target', A), rec('end', ''))),
      errorOf(answer(rec('nixdeck-host-facts', '1'), rec('link', 'system-1-link'), rec('mtime', 'soon', 'system-1-link'), rec('end', ''))),
      errorOf(answer(rec('nixdeck-host-facts', '1'), rec('link', 'system-1-link'), rec('state', 'weird'), rec('end', ''))),
      errorOf(answer(rec('nixdeck-host-facts', '1'), rec('error', 'the profile name has a line break in it'), rec('end', ''))),
      errorOf(answer(rec('nixdeck-host-facts', '1'), rec('end', ''), rec('hostname', 'late'))),
    ];
    expect(errors).toEqual([
      'the host printed nothing (expected the answer of the host-facts script)',
      `the host's answer is not from the host-facts script: it starts with "bash: sh: command not found"`,
      `the host's answer is not from the host-facts script: it starts with "\\u001b]0;pwned\\u0007"`,
      `the host-facts script printed format "2", this nixdeck reads format ${HOST_FACTS_FORMAT}: the script and the parser come from different versions`,
      'the host facts were cut off (no end marker): the connection or the script ended early',
      'line 2 of the host facts continues nothing',
      'line 2 of the host facts is not KEY<TAB>VALUE: "no tab here"',
      'line 2 of the host facts has an unknown key "colour": the script and the parser come from different versions',
      'line 2 of the host facts: "target" before any generation link',
      'line 3 of the host facts: the date of "system-1-link" is not a number: "soon"',
      'line 3 of the host facts: unknown generation state "weird"',
      'the host-facts script stopped: the profile name has a line break in it',
      'line 3 of the host facts comes after its end marker',
    ]);
    for (const e of errors) expect(e).not.toMatch(/[\x00-\x1f\x7f]/);
  });
});
