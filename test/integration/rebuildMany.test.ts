// `nixdeck rebuild H1 H2 … --parallel N` over the test fleet's real sshd and nix: t460 deploys and
// is confirmed, pi's build fails, edge cuts itself off and rolls itself back; each host its own run.
import { execa } from 'execa';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtCli, isSkip, setupFleet, useFleet, type Fleet } from '../helpers/fleet.js';

const cli = builtCli();
const fleetResult = isSkip(cli) ? cli : await setupFleet();
const { skip, fleet } = useFleet('rebuild of several hosts against the test fleet', fleetResult, cli);

async function nixdeck(f: Fleet, home: string, args: string[]) {
  return execa('node', [cli as string, ...args, '--flake', f.flake], {
    reject: false,
    stdin: 'ignore',
    timeout: 300_000,
    env: { ...f.env, NIX_SSHOPTS: `-F ${f.sshConfig}`, XDG_STATE_HOME: path.join(home, 'state'), XDG_CONFIG_HOME: path.join(home, 'config'), CI: '', NO_COLOR: '1' },
  });
}

interface RunRow {
  id: string;
  host: string;
  action: string;
  result: string;
}

describe('rebuild H1 H2 … --parallel N', () => {
  it.skipIf(skip)('t460 ok, pi build failed, edge rolled back: exit 1 naming pi and edge, each host its own run', async () => {
    const f = fleet();
    const home = await mkdtemp(path.join(tmpdir(), 'nixdeck-many-test-'));
    const r = await nixdeck(f, home, ['rebuild', 't460', 'edge', 'pi', '--action', 'switch', '--parallel', '2', '--confirm-timeout', '3']);
    const all = `${r.stdout}\n${r.stderr}`;
    expect(r.exitCode, all).toBe(1);
    // a line per host as its phase changes, and its result
    for (const phase of ['build', 'copy', 'activate', 'confirm']) expect(r.stdout, all).toContain(`t460: ${phase}`);
    expect(r.stdout).toContain('t460: ok');
    expect(r.stdout).toContain('pi: failed: build failed');
    expect(r.stdout).toMatch(/^edge: rolled back: .*a new SSH connection to edge failed: .*(cut off|timed out)/m);
    // the table
    const table = r.stdout.split('\n').slice(r.stdout.split('\n').findIndex((l) => l.startsWith('HOST')));
    expect(table[0]).toMatch(/^HOST +RESULT +PHASE REACHED +RUN ID +DURATION$/);
    const rows = Object.fromEntries(table.slice(1, 4).map((l) => [l.split(/ {2,}/)[0], l.split(/ {2,}/).slice(1, 4)]));
    expect(rows.t460?.slice(0, 2)).toEqual(['ok', 'confirm']);
    expect(rows.pi?.slice(0, 2)).toEqual(['failed', 'build']);
    expect(rows.edge?.slice(0, 2)).toEqual(['rolled back', 'confirm']);
    expect(r.stderr).toMatch(/^failed: edge \(rolled back: .*\), pi \(build failed\)$/m);

    // each host its own run, as `runs --json` lists them
    const runs = await nixdeck(f, home, ['runs', '--json']);
    expect(runs.exitCode, runs.stderr).toBe(0);
    const listed = (JSON.parse(runs.stdout) as RunRow[]).filter((run) => run.action === 'switch');
    expect(listed.map((run) => run.host).sort()).toEqual(['edge', 'pi', 't460']);
    expect(new Set(listed.map((run) => run.id)).size).toBe(3);
    expect(Object.fromEntries(listed.map((run) => [run.host, run.result]))).toEqual({ t460: 'succeeded', pi: 'failed', edge: 'failed' });
    for (const run of listed) expect(rows[run.host]?.[2]).toBe(run.id);
  });

  it.skipIf(skip)('--parallel 0 and junk are bad usage (exit 2), before anything starts', async () => {
    const f = fleet();
    const home = await mkdtemp(path.join(tmpdir(), 'nixdeck-many-test-'));
    for (const value of ['0', 'lots', '-3']) {
      const r = await nixdeck(f, home, ['rebuild', 't460', 'pi', '--action', 'switch', `--parallel=${value}`]);
      expect(r.exitCode, r.stderr).toBe(2);
      expect(r.stderr).toContain(`--parallel takes a whole number of hosts from 1 to 64, not "${value}"`);
    }
    const unknown = await nixdeck(f, home, ['rebuild', 't460', 'nosuch', '--action', 'switch']);
    expect(unknown.exitCode, unknown.stderr).toBe(2);
    expect(unknown.stderr).toContain('no host named "nosuch"');
    const runs = await nixdeck(f, home, ['runs', '--json']);
    expect(JSON.parse(runs.stdout)).toEqual([]);
  });
});
