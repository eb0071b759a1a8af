// `rebuild HOST` and `rebuild H1 H2 …` share their deploy options and requests: the same checks,
// the same messages, and in the demo the same rule that no preferences are read.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rebuildCommand } from '../../src/commands/rebuild.js';
import { manyDeps } from '../../src/commands/rebuildManyWiring.js';
import type { Environment } from '../../src/system/context.js';
import type { RebuildSetup } from '../../src/system/rebuilds.js';
import type { RemoteHost } from '../../src/system/remote/remoteHost.js';
import { fakeIo } from './fakeIo.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'nixdeck-rebuild-'));
const savedConfig = process.env.XDG_CONFIG_HOME;
beforeAll(() => {
  // the user's preferences: a confirm timeout the demo must not use
  mkdirSync(path.join(tmp, 'config', 'nixdeck'), { recursive: true });
  writeFileSync(path.join(tmp, 'config', 'nixdeck', 'config.json'), JSON.stringify({ confirmTimeout: 99 }));
  process.env.XDG_CONFIG_HOME = path.join(tmp, 'config');
});
afterAll(() => {
  if (savedConfig === undefined) delete process.env.XDG_CONFIG_HOME;
  else process.env.XDG_CONFIG_HOME = savedConfig;
  rmSync(tmp, { recursive: true, force: true });
});

function environment(extra: Partial<RebuildSetup> = {}): Environment {
  const rebuild: RebuildSetup = {
    stateDir: path.join(tmp, 'state'),
    flakeDir: path.join(tmp, 'flake'),
    hostname: 'hq',
    executable: ['nixos-rebuild'],
    extraFlags: [],
    supervisor: ['false'],
    isRoot: true,
    needsRoot: true,
    ...extra,
  };
  // a host whose login is root: the elevation probe's answer
  const remote = { executor: { run: async () => ({ code: 0, stdout: 'root\n', stderr: '' }) } } as unknown as RemoteHost;
  return { rebuild, remoteHost: async () => remote } as unknown as Environment;
}

describe('rebuild HOST deploy options', () => {
  it('a bad --confirm-timeout is bad usage, its terminal controls shown, not obeyed', async () => {
    const io = fakeIo();
    expect(await rebuildCommand(environment(), io, 'vm01', 'switch', { confirmTimeout: '\x1b[2J5' })).toBe(2);
    expect(io.stderr.join('\n')).toContain('not "^[[2J5"');
    expect(io.stderr.join('\n')).not.toContain('\x1b');
  });

  it('a bad --build-host likewise', async () => {
    const io = fakeIo();
    expect(await rebuildCommand(environment(), io, 'vm01', 'switch', { buildHost: 'x\x07' })).toBe(2);
    expect(io.stderr).toEqual(['error: --build-host takes an ssh destination (user@host or an ssh alias, no port), not "x^G"']);
  });
});

describe('rebuild H1 H2 … deploy requests', () => {
  it('in the demo the confirm timeout is the demo setup’s, not the user’s preference', async () => {
    const prepared = await manyDeps(environment({ confirmTimeout: 7 })).prepare('vm01', 'switch', {});
    if ('error' in prepared) throw new Error(prepared.error);
    expect(prepared.notes.join('\n')).toContain('within 7 s');
  });

  it('elsewhere the preference is used, and an option given wins over it', async () => {
    const fromPrefs = await manyDeps(environment()).prepare('vm01', 'switch', {});
    const given = await manyDeps(environment()).prepare('vm01', 'switch', { confirmTimeout: 12 });
    if ('error' in fromPrefs || 'error' in given) throw new Error('not prepared');
    expect(fromPrefs.notes.join('\n')).toContain('within 99 s');
    expect(given.notes.join('\n')).toContain('within 12 s');
  });
});
