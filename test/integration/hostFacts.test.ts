// The host-facts script against the local reader: over real ssh to each fleet host, and run here
// by dash (/bin/sh) and busybox sh on roots made to be hostile. The same core function turns
// both into generation lists, and they must be equal. Plus `nixdeck generations HOST --json`
// over ssh against the same command with --root.
import { execa } from 'execa';
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync, lutimesSync, unlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildGenerationList } from '../../src/core/generations.js';
import type { HostStatusFacts } from '../../src/core/hostFacts.js';
import { shellCommand } from '../../src/core/shellQuote.js';
import type { ProfileFacts } from '../../src/core/types.js';
import { localRunner } from '../../src/system/exec.js';
import { executorOf, localExecutor, type Executor } from '../../src/system/executor.js';
import { readProfileFacts } from '../../src/system/profileReader.js';
import { type HostFactsOptions, readHostFacts } from '../../src/system/remote/hostFacts.js';
import { FLEET_HOSTS, SYSTEM_PROFILE, builtCli, inCI, setupFleet, useFleet, warnSkip, type Fleet } from '../helpers/fleet.js';
import { makeRoot } from '../helpers/profileFixture.js';
import { closedPort } from '../helpers/ports.js';

const cli = builtCli();
const fleetResult = await setupFleet();
const { skip, fleet } = useFleet('host facts over ssh against the test fleet', fleetResult);
const skipCli = skip || warnSkip('generations HOST --json over ssh', cli);

/** `ssh -F <fleet config> HOST <argv quoted for its shell>`, as a plain executor. */
function sshExecutor(f: Fleet, host: string): Executor {
  return executorOf({
    run: (file, args, options) => localRunner.run('ssh', ['-F', f.sshConfig, '-o', 'BatchMode=yes', host, shellCommand([file, ...args])], options),
  });
}

async function factsOver(executor: Executor, profile?: string, options?: HostFactsOptions): Promise<HostStatusFacts> {
  const read = await readHostFacts(executor, profile, options);
  if (!read.ok) throw new Error(read.error);
  return read.facts;
}

const resolved = (p: string): string | null => (existsSync(p) ? realpathSync(p) : null);

describe('host facts over ssh = the local reader over the host root', () => {
  for (const host of FLEET_HOSTS) {
    it.skipIf(skip)(`${host}: generations, current/running/booted, boot paths`, async () => {
      const f = fleet();
      const root = f.hostRoot(host);
      const facts = await factsOver(sshExecutor(f, host));
      const local = readProfileFacts({ root });
      expect(local.links.length).toBeGreaterThan(0);
      expect(byNumber(facts.profile)).toEqual(byNumber(local));
      expect(buildGenerationList(facts.profile)).toEqual(buildGenerationList(local));
      expect(facts.hostname).toBe(host);
      expect(facts.isRoot).toBe(true);
      expect(facts.uptimeSeconds).toBeGreaterThan(0);
      for (const [which, link] of [['running', 'run/current-system'], ['booted', 'run/booted-system']] as const) {
        const top = path.join(root, link);
        expect(facts[which]).toEqual({
          toplevel: resolved(top),
          kernel: resolved(path.join(top, 'kernel')),
          initrd: resolved(path.join(top, 'initrd')),
          kernelModules: resolved(path.join(top, 'kernel-modules')),
        });
      }
    });
  }

  it.skipIf(skip)('hq with a dangling link, a link to a file and a relative link', async () => {
    const f = fleet();
    const profiles = path.join(f.hostRoot('hq'), 'nix/var/nix/profiles');
    const file = path.join(f.root, 'not-a-system');
    writeFileSync(file, 'x');
    const added = {
      'system-90-link': '/nix/store/00000000000000000000000000000000-nixos-system-gone-25.05',
      'system-91-link': file,
      'system-92-link': 'system-1-link',
    };
    try {
      for (const [name, target] of Object.entries(added)) {
        symlinkSync(target, path.join(profiles, name));
        lutimesSync(path.join(profiles, name), new Date('2025-12-24T18:00:00.125Z'), new Date('2025-12-24T18:00:00.125Z'));
      }
      const facts = await factsOver(sshExecutor(f, 'hq'));
      const local = readProfileFacts({ root: f.hostRoot('hq') });
      // a relative target resolves inside the host; with --root, inside the root folder
      for (const link of local.links) if (link.number === 92) link.target = link.target?.slice(f.hostRoot('hq').length) ?? null;
      const list = buildGenerationList(facts.profile);
      expect(list).toEqual(buildGenerationList(local));
      const byNumber = new Map(list.generations.map((g) => [g.generation, g]));
      expect(byNumber.get(90)).toMatchObject({ status: 'dangling', date: '2025-12-24T18:00:00.125Z', problem: expect.stringContaining('no longer exists') });
      expect(byNumber.get(91)).toMatchObject({ status: 'unreadable', problem: `${file}: not a system folder` });
      expect(byNumber.get(92)).toMatchObject({ status: 'ok', storePath: '/nix/var/nix/profiles/system-1-link', nixosVersion: byNumber.get(1)?.nixosVersion });
    } finally {
      for (const name of Object.keys(added)) unlinkSync(path.join(profiles, name));
    }
  });

  it.skipIf(skipCli)('nixdeck generations hq --json over ssh = nixdeck --root <hq> generations --json', async () => {
    const f = fleet();
    const env = { ...process.env, ...f.env, NIX_SSHOPTS: `-F ${f.sshConfig}`, TZ: 'UTC', NO_COLOR: '1' };
    const overSsh = await execa('node', [cli as string, 'generations', 'hq', '--json'], { env, reject: false, stdin: 'ignore' });
    const byRoot = await execa('node', [cli as string, '--root', f.hostRoot('hq'), 'generations', '--json'], { env, reject: false, stdin: 'ignore' });
    expect(os.hostname()).not.toBe('hq');
    expect(overSsh.stderr).toBe('');
    expect(overSsh.exitCode).toBe(0);
    expect(byRoot.exitCode).toBe(0);
    expect(JSON.parse(overSsh.stdout)).toEqual(JSON.parse(byRoot.stdout));
    expect(JSON.parse(overSsh.stdout).length).toBeGreaterThan(0);
  });

  it.skipIf(skipCli)('an unreachable host: exit 1, one line saying why (and what to check)', async () => {
    const f = fleet();
    const port = await closedPort();
    const env = { ...process.env, ...f.env, NIX_SSHOPTS: `-F ${f.sshConfig} -p ${port}` };
    const r = await execa('node', [cli as string, 'generations', 'hq', '--json'], { env, reject: false, stdin: 'ignore' });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('error: cannot read the generations of hq: connection refused\n  check the connection with: ssh hq');
  });
});

describe('the same script run here, by dash and by busybox sh', () => {
  const roots: string[] = [];
  afterAll(() => {
    for (const r of roots) rmSync(r, { recursive: true, force: true });
  });

  const busybox = ['/usr/bin/busybox', '/bin/busybox'].find((p) => existsSync(p));
  const shells: { name: string; shell: string[]; wholeSeconds: boolean; skip: boolean }[] = [
    { name: 'dash (/bin/sh)', shell: ['/bin/sh'], wholeSeconds: false, skip: false },
    // busybox readlink takes one link at a time: the one-by-one path
    { name: 'busybox sh', shell: busybox ? ['env', `PATH=${busyboxPath(busybox)}`, 'busybox', 'sh'] : [], wholeSeconds: true, skip: busybox === undefined && !inCI() },
    // no awk: the files are read by the shell itself
    { name: 'dash without awk', shell: ['env', `PATH=${toolsPath(['stat', 'readlink', 'id', 'uname'])}`, '/bin/sh'], wholeSeconds: false, skip: false },
  ];
  if (busybox === undefined && inCI()) throw new Error('busybox must be installed in CI (.ci/run installs it): host-facts.sh is proved under busybox sh there');
  if (busybox === undefined) console.warn('skipping the busybox sh run of host-facts.sh: busybox is not installed (apt-get install busybox)');

  for (const { name, shell, wholeSeconds, skip: noShell } of shells) {
    it.skipIf(noShell)(`${name}: hostile names, dangling and unreadable links`, async () => {
      const { root } = hostileRoot();
      roots.push(root);
      const facts = await factsOver(localExecutor, path.join(root, SYSTEM_PROFILE), { root, shell });
      const local = readProfileFacts({ root });
      // busybox stat has no sub-second dates
      if (wholeSeconds) for (const link of local.links) link.mtimeMs = Math.floor(link.mtimeMs / 1000) * 1000;
      expect(buildGenerationList(facts.profile)).toEqual(buildGenerationList(local));
      const specs = buildGenerationList(facts.profile).generations.find((g) => g.generation === 2)?.specialisations;
      expect(specs).toEqual(['.hidden', 'gaming', 'tab\there', 'we\nird', '\x1b[31mred'].sort());
      expect(facts.booted.kernelModules).toBe(path.join(root, 'store/modules-6.6.32'));
    });

    it.skipIf(noShell)(`${name}: 300 generations`, async () => {
      const fixture = makeRoot(
        Array.from({ length: 300 }, (_, i) => ({
          number: i + 1,
          date: new Date(Date.UTC(2024, 0, 1) + i * 3_600_000),
          version: `25.05.2025${String(i).padStart(4, '0')}.abcdef0`,
          kernel: i % 3 === 0 ? '6.6.32' : '6.12.4',
          swRevision: `rev${i}`,
          ...(i % 50 === 7 ? { dangling: true } : {}),
        })),
        { current: 300, booted: 299 },
      );
      roots.push(fixture.root);
      const facts = await factsOver(localExecutor, path.join(fixture.root, SYSTEM_PROFILE), { root: fixture.root, shell });
      const list = buildGenerationList(facts.profile);
      expect(list).toEqual(buildGenerationList(readProfileFacts({ root: fixture.root })));
      expect(list.generations).toHaveLength(300);
      expect(list.generations.filter((g) => g.status === 'dangling')).toHaveLength(6);
    });
  }

  it('a profile that is not there gives no generations, not an error', async () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'nixdeck-nofacts-'));
    roots.push(empty);
    const facts = await factsOver(localExecutor, path.join(empty, SYSTEM_PROFILE), { root: empty });
    expect(facts.profile).toEqual({ currentNumber: null, runningPath: null, bootedPath: null, runningKernel: null, bootedKernel: null, links: [] });
  });

  it('a shell that is not there is one clear line', async () => {
    const read = await readHostFacts(localExecutor, '/nix/var/nix/profiles/system', { shell: ['/nonexistent/sh'] });
    expect(read).toEqual({ ok: false, error: '/nonexistent/sh is not installed (not found in PATH)' });
  });
});

/** Profile facts with their links by number (readdir order and a glob's order differ). */
function byNumber(facts: ProfileFacts): ProfileFacts {
  return { ...facts, links: [...facts.links].sort((x, y) => x.number - y.number) };
}

/** A folder of busybox applets, so the script's stat, readlink, id and awk are busybox's too. */
function busyboxPath(busybox: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nixdeck-busybox-'));
  for (const applet of ['busybox', 'sh', 'stat', 'readlink', 'id', 'uname', 'awk']) symlinkSync(busybox, path.join(dir, applet));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A PATH folder with only these tools of this machine. */
function toolsPath(tools: string[]): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nixdeck-tools-'));
  for (const tool of tools) {
    const found = (process.env.PATH ?? '').split(':').map((d) => path.join(d, tool)).find((p) => existsSync(p));
    if (found) symlinkSync(found, path.join(dir, tool));
  }
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A root whose names and files try to break the answer's framing. */
function hostileRoot(): { root: string } {
  const root = mkdtempSync(path.join(os.tmpdir(), 'nixdeck-hostile-'));
  const store = path.join(root, 'store');
  const profiles = path.join(root, 'nix/var/nix/profiles');
  mkdirSync(profiles, { recursive: true });
  mkdirSync(path.join(root, 'run'));
  const mods = path.join(store, 'modules-6.6.32');
  mkdirSync(path.join(mods, 'lib/modules/6.6.32'), { recursive: true });
  mkdirSync(path.join(mods, 'lib/modules/6.12.4'), { recursive: true });
  const one = path.join(store, 'aaa-nixos-system-hq-25.05');
  for (const s of ['gaming', 'we\nird', 'tab\there', '\x1b[31mred', '.hidden']) mkdirSync(path.join(one, 'specialisation', s), { recursive: true });
  writeFileSync(path.join(one, 'nixos-version'), '25.05\x07\n\nsecond\tline\r\n');
  symlinkSync(mods, path.join(one, 'kernel-modules'));
  writeFileSync(path.join(one, 'nixos-version.json'), '{\n  "configurationRevision": "\x1bjson\ttab",\n  "nixosVersion": "25.05"\n}\n');
  const two = path.join(store, 'bbb-nixos-system-hq-25.11');
  mkdirSync(path.join(two, 'sw/bin'), { recursive: true });
  writeFileSync(path.join(two, 'nixos-version'), '25.11.20251201.ddddddd');
  writeFileSync(
    path.join(two, 'sw/bin/nixos-version'),
    '#! /bin/sh\ncase "$1" in\n  --configuration-revision)\n    echo "abc1234-dirty"\n    ;;\n  --json)\n    cat <<EOF\n{"nixosVersion":"25.11"}\nEOF\n    ;;\nesac\n',
  );
  writeFileSync(path.join(store, 'a-file'), 'not a system');
  const links: [number, string, string][] = [
    [1, two, '2025-06-01T10:00:00.000Z'],
    [2, one, '2025-06-15T11:30:00.250Z'],
    [3, '../../../../store/bbb-nixos-system-hq-25.11', '2025-07-01T09:15:00.999Z'],
    [4, path.join(store, 'gone'), '2025-08-01T00:00:00.000Z'],
    [5, path.join(store, 'a-file'), '2025-09-01T00:00:00.000Z'],
  ];
  for (const [n, target, date] of links) {
    const link = path.join(profiles, `system-${n}-link`);
    symlinkSync(target, link);
    lutimesSync(link, new Date(date), new Date(date));
  }
  // names that are not generation links
  symlinkSync(one, path.join(profiles, 'system-x-link'));
  symlinkSync(one, path.join(profiles, 'system-\n7-link'));
  symlinkSync('system-3-link', path.join(profiles, 'system'));
  symlinkSync(two, path.join(root, 'run/current-system'));
  symlinkSync(one, path.join(root, 'run/booted-system'));
  return { root };
}

