// Which commit built a generation, on the test fleet: its toplevels carry
// configurationRevision = self.rev of the flake they were built from. hq's own history carries a
// revision the fleet's repository does not have; a switch of hq from a CLONE of the fleet's flake
// (with a commit of its own) makes a generation that names that commit, found in the clone and not
// in the fleet's repository. The shared fleet's flake is never changed.
import { execa } from 'execa';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtCli, type Fleet, isSkip, setupFleet, useFleet } from '../helpers/fleet.js';

const cli = builtCli();
const fleetResult = isSkip(cli) ? cli : await setupFleet();
const { skip, fleet } = useFleet('generation commits against the test fleet', fleetResult, cli);

interface Row {
  generation: number;
  configurationRevision: string;
  revision: string | null;
  commit: { hash: string; subject: string; date: string } | null;
  dirty: boolean;
}

async function nixdeck(f: Fleet, home: string, args: string[]) {
  return execa('node', [cli as string, ...args], {
    reject: false,
    stdin: 'ignore',
    timeout: 180_000,
    env: { ...f.env, NIX_SSHOPTS: `-F ${f.sshConfig}`, XDG_STATE_HOME: path.join(home, 'state'), XDG_CONFIG_HOME: path.join(home, 'config'), CI: '', NO_COLOR: '1' },
  });
}

async function generations(f: Fleet, home: string, host: string, flake: string): Promise<Row[]> {
  const r = await nixdeck(f, home, ['generations', host, '--json', '--flake', flake]);
  expect(r.exitCode, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Row[];
}

const gitIn = (dir: string, ...args: string[]) =>
  execa('git', ['-C', dir, '-c', 'user.name=nixdeck-test', '-c', 'user.email=test@nixdeck.invalid', '-c', 'commit.gpgsign=false', ...args], {
    env: { GIT_CONFIG_GLOBAL: '/dev/null', GIT_AUTHOR_DATE: '2026-11-29T09:00:00Z', GIT_COMMITTER_DATE: '2026-11-29T09:00:00Z' },
  });

describe('generations and the commits that built them', () => {
  it.skipIf(skip)('a revision the repository lacks says so; a switch from a clone names the clone\'s commit', async () => {
    const f = fleet();
    const home = await mkdtemp(path.join(tmpdir(), 'nixdeck-gencommits-'));

    // hq's history: generation 4 carries a revision, which is not a commit of the fleet's flake
    const before = await generations(f, home, 'hq', f.flake);
    const carried = before.filter((g) => g.revision !== null);
    expect(carried.map((g) => g.generation)).toEqual([4]);
    expect(carried[0]).toMatchObject({ revision: '4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e', commit: null, dirty: false });

    // a clone of the fleet's flake with one more commit: hq built from it carries that commit
    const clone = path.join(home, 'flake');
    await execa('git', ['clone', '-q', f.flake, clone]);
    await writeFile(path.join(clone, 'NOTES.md'), 'hq runs nginx now\n');
    await gitIn(clone, 'add', 'NOTES.md');
    await gitIn(clone, 'commit', '-q', '-m', 'hq: notes on nginx');
    const head = (await gitIn(clone, 'rev-parse', 'HEAD')).stdout.trim();
    const fleetHead = (await gitIn(f.flake, 'rev-parse', 'HEAD')).stdout.trim();
    expect(head).not.toBe(fleetHead);

    const r = await nixdeck(f, home, ['rebuild', 'hq', '--action', 'switch', '--flake', clone, '--confirm-timeout', '30']);
    expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);

    const after = await generations(f, home, 'hq', clone);
    const newest = after[0];
    expect(newest?.generation).toBe(before[0] ? before[0].generation + 1 : NaN);
    expect(newest).toMatchObject({ configurationRevision: head, revision: head, dirty: false });
    expect(newest?.commit).toMatchObject({ hash: head, subject: 'hq: notes on nginx' });
    expect(new Date(newest?.commit?.date ?? '').toISOString()).toBe('2026-11-29T09:00:00.000Z');

    // the fleet's own repository does not have the clone's commit
    const elsewhere = await generations(f, home, 'hq', f.flake);
    expect(elsewhere[0]).toMatchObject({ revision: head, commit: null });

    // the table says it in its COMMIT column
    const table = await nixdeck(f, home, ['generations', 'hq', '--flake', clone]);
    expect(table.stdout.split('\n')[1]).toContain(head.slice(0, 7));
  });
});
