// `nixdeck config` for the SSH preferences: per-host targets and build hosts, ssh options,
// timeouts and the deploy concurrency; validated (exit 2 with what is wrong), shown by list/get,
// stored in the one preferences file.

import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Invocation } from '../../src/args.js';
import { configCommand } from '../../src/commands/config.js';
import { openPrefs } from '../../src/system/prefs.js';
import { fakeIo } from './fakeIo.js';

type Config = Extract<Invocation, { kind: 'config' }>;
const options = {} as Config['options'];

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup(): { dir: string; run: (...args: string[]) => Promise<{ code: number; out: string; err: string }> } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nixdeck-config-ssh-'));
  dirs.push(dir);
  const run = async (...args: string[]) => {
    const io = fakeIo();
    const [action, key = '', value = ''] = args;
    const inv = (action === 'list' || action === 'path' ? { kind: 'config', options, action } : action === 'set' ? { kind: 'config', options, action, key, value } : { kind: 'config', options, action, key }) as Config;
    const code = await configCommand(openPrefs(dir), io, inv);
    return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
  };
  return { dir, run };
}

describe('config: per-host targets and build hosts', () => {
  it('sets, gets, lists and unsets hosts.<name>.target, stored as one hosts object', async () => {
    const { dir, run } = setup();
    expect(await run('set', 'hosts.t460.target', 'root@10.0.0.5:2222')).toMatchObject({ code: 0, err: '' });
    expect(await run('set', 'hosts.nas.lan.target', 'admin@[fe80::1]:22')).toMatchObject({ code: 0 });
    expect(await run('set', 'hosts.t460.buildHost', 'builder')).toMatchObject({ code: 0 });
    expect((await run('get', 'hosts.t460.target')).out).toBe('root@10.0.0.5:2222');
    expect(JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8'))).toEqual({
      hosts: { t460: { target: 'root@10.0.0.5:2222', buildHost: 'builder' }, 'nas.lan': { target: 'admin@[fe80::1]:22' } },
    });
    const list = (await run('list')).out;
    expect(list).toMatch(/hosts\.t460\.target\s+root@10\.0\.0\.5:2222/);
    expect(list).toMatch(/hosts\.t460\.buildHost\s+builder/);
    expect(list).toMatch(/hosts\.nas\.lan\.target\s+admin@\[fe80::1\]:22/);
    expect(await run('unset', 'hosts.t460.target')).toMatchObject({ code: 0 });
    expect(await run('get', 'hosts.t460.target')).toMatchObject({ code: 1, err: 'hosts.t460.target is not set (ssh reaches the host as "t460")' });
    await run('unset', 'hosts.t460.buildHost');
    await run('unset', 'hosts.nas.lan.target');
    expect(JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8'))).toEqual({});
    expect((await run('list')).out).toMatch(/hosts\.<name>\.target\s+-\s+\(default\)/);
  });

  it.each([
    ['hosts.t460.target', '-oProxyCommand=id', 'starts with "-"'],
    ['hosts.t460.target', 'root@hq:99999', 'the port "99999" is not a number from 1 to 65535'],
    ['hosts.t460.target', 'root@h q', 'holds a space'],
    ['hosts.t460.buildHost', 'root@builder:2222', 'takes no port'],
    ['hosts.t460.address', 'x', 'is not a per-host preference'],
    ['hosts.-bad.target', 'x', 'is not a host name'],
    ['hosts', '{}', 'unknown preference "hosts"'],
  ])('refuses %s = %j with exit 2 and says why', async (key, value, why) => {
    const { dir, run } = setup();
    const r = await run('set', key, value);
    expect(r.code).toBe(2);
    expect(r.err).toContain(why);
    expect(() => readFileSync(path.join(dir, 'config.json'))).toThrow();
  });
});

describe('config: ssh options, timeouts, parallel', () => {
  it('has defaults and takes whole numbers in range', async () => {
    const { dir, run } = setup();
    expect((await run('get', 'connectTimeout')).out).toBe('10');
    expect((await run('get', 'parallel')).out).toBe('3');
    expect((await run('get', 'confirmTimeout')).out).toBe('30');
    expect(await run('set', 'connectTimeout', '2')).toMatchObject({ code: 0 });
    expect(await run('set', 'confirmTimeout', '0')).toMatchObject({ code: 0 });
    expect(await run('set', 'parallel', '16')).toMatchObject({ code: 0 });
    expect(JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8'))).toEqual({ connectTimeout: 2, confirmTimeout: 0, parallel: 16 });
    expect(openPrefs(dir).get()).toMatchObject({ connectTimeout: 2, confirmTimeout: 0, parallel: 16 });
    expect((await run('list')).out).toMatch(/connectTimeout\s+2\s/);
  });

  it.each([
    ['connectTimeout', '0', 'from 1 to 600'],
    ['connectTimeout', 'ten', 'whole number of seconds'],
    ['parallel', '1.5', 'whole number of hosts'],
    ['confirmTimeout', '-1', 'from 0 to 3600'],
    ['sshOptions', '-o "ProxyCommand=ssh jump', 'double quote is not closed'],
    ['sshOptions', 'jumphost', 'must hold ssh options'],
  ])('refuses %s = %j', async (key, value, why) => {
    const { run } = setup();
    const r = await run('set', key, value);
    expect(r.code).toBe(2);
    expect(r.err).toContain(why);
  });

  it('keeps sshOptions as typed (split when used, like NIX_SSHOPTS)', async () => {
    const { run } = setup();
    expect(await run('set', 'sshOptions', '-o "ProxyCommand=ssh -W %h:%p jump" -i ~/.ssh/fleet')).toMatchObject({ code: 0 });
    expect((await run('get', 'sshOptions')).out).toBe('-o "ProxyCommand=ssh -W %h:%p jump" -i ~/.ssh/fleet');
  });

  it('moves a file with a bad host target aside, like any invalid preferences file', () => {
    const { dir } = setup();
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ hosts: { t460: { target: 'root@hq:0' } } }));
    const prefs = openPrefs(dir);
    expect(prefs.warning).toContain('hosts.t460.target');
    expect(prefs.get().hosts).toBeUndefined();
  });
});
