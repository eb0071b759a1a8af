import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/main.js';
import { fakeIo } from './fakeIo.js';

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = fakeIo();
  const code = await main(argv, io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

describe('each command has its own options', () => {
  it('an option of another command is bad usage, with one line and the command to ask for help', async () => {
    const r = await run('hosts', '--keep', '3');
    expect(r).toEqual({ code: 2, out: '', err: expect.stringMatching(/^nixdeck: unknown option '--keep'.*\nsee: nixdeck hosts --help$/) });
    expect((await run('gc', '--json')).err).toContain('see: nixdeck gc --help');
    expect((await run('log', 'last', '--keep-days', '2')).code).toBe(2);
  });

  it('a missing argument is bad usage', async () => {
    expect(await run('rebuild')).toEqual({ code: 2, out: '', err: "nixdeck: missing required argument 'HOST'\nsee: nixdeck rebuild --help" });
    expect(await run('config', 'get')).toMatchObject({ code: 2, err: expect.stringContaining('see: nixdeck config get --help') });
  });

  it('prune --keep 3 still works (the demo, a dry run)', async () => {
    const r = await run('prune', '--demo', '--keep', '3', '--dry-run', '--json');
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.out) as { keep: { generation: number }[] };
    expect(plan.keep).toHaveLength(3);
  }, 30_000);

  it.each([
    ['hosts', '--json'],
    ['generations', '[HOST]'],
    ['rebuild', '--action <A>'],
    ['runs', '--host <H>'],
    ['log', '--summary'],
    ['diff', '[HOST] A B'],
    ['rollback', '--to <N>'],
    ['prune', '--keep-days <D>'],
    ['gc', '--dry-run'],
    ['config', 'unset'],
  ])('nixdeck %s --help shows that command, with %s', async (command, shown) => {
    const r = await run(command, '--help');
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toContain(`Usage: nixdeck ${command}`);
    expect(r.out).toContain(shown);
  });

  it('the global options work before or after the command, and help lists them', async () => {
    expect((await run('--help')).out).toMatch(/--flake <DIR>[\s\S]*--demo[\s\S]*Commands:[\s\S]*prune \[options\] \[HOST\]/);
    expect((await run('prune', '--help')).out).toContain('--root <DIR>');
    expect((await run('config', 'set', '--help')).out).toContain('KEY [--] VALUE');
  });
});

describe('commands do no I/O of their own', () => {
  it('nothing under src/commands/ touches process or execa: it all comes through Io', () => {
    const dir = path.join(import.meta.dirname, '../../src/commands');
    for (const file of readdirSync(dir)) {
      const text = readFileSync(path.join(dir, file), 'utf8');
      expect({ file, process: /\bprocess\.\w/.test(text), execa: /from 'execa'/.test(text) }).toEqual({ file, process: false, execa: false });
    }
  });
});
