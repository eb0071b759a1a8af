import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseInvocation, UsageError } from '../src/args.js';
import type { Io } from '../src/commands/io.js';
import { main } from '../src/main.js';
import { makeRoot } from './helpers/profileFixture.js';

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: Io = { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`) };
  const code = await main(argv, io);
  return { code, out, err };
}

let work: string;
let flake: string;
const fixture = makeRoot(
  [
    { number: 1, date: new Date('2025-05-01T12:00:00Z'), version: '25.05.20250501.aaaaaaa', kernel: '6.6.30' },
    { number: 2, date: new Date('2025-06-01T12:00:00Z'), version: '25.05.20250601.bbbbbbb', kernel: '6.6.32', specialisations: ['gaming'] },
  ],
  { current: 2 },
);

beforeAll(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'nixdeck-cli-'));
  process.env.XDG_CONFIG_HOME = path.join(work, 'config');
  process.env.XDG_CACHE_HOME = path.join(work, 'cache');
  flake = path.join(work, 'fleet');
  for (const [dir, file] of [['systems/hq', 'default.nix'], ['hosts/pi', 'configuration.nix'], ['systems/notes', 'README.md']] as const) {
    mkdirSync(path.join(flake, dir), { recursive: true });
    writeFileSync(path.join(flake, dir, file), '{ }\n');
  }
  writeFileSync(path.join(flake, 'PROJECT.md'), '# Fleet\n\n## Now\n\n- [ ] Update any outdated packages\n- [x] Rotate keys\n- [ ] Update the router\n');
  mkdirSync(path.join(fixture.root, 'etc'), { recursive: true });
  writeFileSync(path.join(fixture.root, 'etc/hostname'), 'hq\n');
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  fixture.cleanup();
});

describe('argument parsing', () => {
  it('reads commands and global options', () => {
    expect(parseInvocation(['generations', 'hq', '--json', '--root', '/r'])).toMatchObject({ kind: 'generations', host: 'hq', options: { json: true, root: '/r' } });
    expect(parseInvocation(['todo', 'done', 'update', 'any'])).toMatchObject({ kind: 'todo', done: true, query: 'update any' });
    expect(parseInvocation([])).toMatchObject({ kind: 'console' });
    expect(parseInvocation(['config', 'set', 'asciiBorders', 'true'])).toMatchObject({ kind: 'config', action: 'set', key: 'asciiBorders', value: 'true' });
    // a value that looks like an option is still the value
    expect(parseInvocation(['config', 'set', 'rebuildFlags', '--show-trace -L'])).toMatchObject({ key: 'rebuildFlags', value: '--show-trace -L' });
    expect(parseInvocation(['--root', '/r', 'config', 'set', 'rebuildFlags', '-L'])).toMatchObject({ value: '-L', options: { root: '/r' } });
    expect(parseInvocation(['config', 'set', 'rebuildFlags', '--', '--rebuild'])).toMatchObject({ value: '--rebuild' });
  });
  it.each([[['--nope']], [['bogus']], [['todo', 'maybe', 'x']], [['hosts', 'extra']], [['config', 'set', 'k']], [['--flake']]])('rejects %j', (argv) => {
    expect(() => parseInvocation(argv)).toThrow(UsageError);
  });
});

describe('nixdeck commands', () => {
  it('prints help and version, exits 2 on bad usage with a pointer to --help', async () => {
    expect((await run('--help')).out).toContain('nixdeck generations [HOST]');
    expect((await run('--version')).out.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const bad = await run('frobnicate');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('unknown command "frobnicate"');
    expect(bad.err).toContain('nixdeck --help');
  });

  it('hosts --json lists folder hosts even when the flake cannot be evaluated, with a warning', async () => {
    const r = await run('hosts', '--json', '--flake', flake, '--root', fixture.root);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual([
      { name: 'hq', sources: ['folder'], local: true },
      { name: 'pi', sources: ['folder'], local: false },
    ]);
    expect(r.err).toMatch(/^warning: flake (evaluation failed|not evaluated)/);
  });

  it('generations --json prints the contract keys newest first', async () => {
    const r = await run('generations', '--json', '--root', fixture.root);
    expect(r.code).toBe(0);
    const gens = JSON.parse(r.out) as Record<string, unknown>[];
    expect(gens.map((g) => g.generation)).toEqual([2, 1]);
    expect(Object.keys(gens[0] ?? {}).sort()).toEqual(
      ['booted', 'configurationRevision', 'current', 'date', 'generation', 'kernelVersion', 'nixosVersion', 'running', 'specialisations', 'status', 'storePath'].sort(),
    );
    expect(gens[0]).toMatchObject({ date: '2025-06-01T12:00:00.000Z', specialisations: ['gaming'], current: true, running: true, booted: true });
  });

  it('generations of another host says it is not reachable yet; a bad host name is bad usage', async () => {
    const other = await run('generations', 'pi', '--root', fixture.root);
    expect(other.code).toBe(1);
    expect(other.err).toContain('not reachable yet');
    expect((await run('generations', 'a;b', '--root', fixture.root)).code).toBe(2);
  });

  it('todos --json and todo done|undo change one checkbox', async () => {
    const file = path.join(flake, 'PROJECT.md');
    const before = readFileSync(file, 'utf8');
    const todos = JSON.parse((await run('todos', '--json', '--flake', flake)).out) as { id: string; text: string; done: boolean; section: string[]; line: number; file: string }[];
    expect(todos.map((t) => [t.text, t.done, t.line])).toEqual([
      ['Update any outdated packages', false, 5],
      ['Rotate keys', true, 6],
      ['Update the router', false, 7],
    ]);
    expect(todos[0]).toMatchObject({ section: ['Fleet', 'Now'], file });
    const ambiguous = await run('todo', 'done', 'update', '--flake', flake);
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.err).toContain('matches 2 todos');
    expect(readFileSync(file, 'utf8')).toBe(before);
    const done = await run('todo', 'done', 'outdated', '--flake', flake);
    expect(done).toMatchObject({ code: 0 });
    expect(readFileSync(file, 'utf8')).toBe(before.replace('- [ ] Update any', '- [x] Update any'));
    expect((await run('todo', 'undo', todos[0]?.id ?? '', '--flake', flake)).code).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect((await run('todo', 'done', 'no such todo', '--flake', flake)).code).toBe(1);
  });

  it('config set/get/list/unset/path with validation', async () => {
    expect((await run('config', 'set', 'asciiBorders', 'yes')).code).toBe(0);
    expect((await run('config', 'get', 'asciiBorders')).out.trim()).toBe('true');
    expect((await run('config', 'list')).out).toMatch(/asciiBorders\s+true/);
    const bad = await run('config', 'set', 'lastPane', 'nowhere');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('must be one of hosts, generations, todos');
    expect((await run('config', 'set', 'colour', 'red')).code).toBe(2);
    expect((await run('config', 'unset', 'asciiBorders')).code).toBe(0);
    expect((await run('config', 'get', 'asciiBorders')).out.trim()).toBe('false');
    expect((await run('config', 'path')).out.trim()).toBe(path.join(work, 'config/nixdeck/config.json'));
  });

  it('warns once about a corrupt preferences file and carries on', async () => {
    const file = path.join(work, 'config/nixdeck/config.json');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, '{oops');
    const r = await run('config', 'list');
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/^warning: preferences file .* was invalid \(not valid JSON/);
    expect((await run('config', 'list')).err).toBe('');
  });

  it('without a terminal, the console says so and points to the script commands', async () => {
    const { execa } = await import('execa');
    const r = await execa('node', ['--import', 'tsx', 'src/cli.ts', '--demo'], { reject: false, stdin: 'ignore', env: { ...process.env, XDG_CONFIG_HOME: path.join(work, 'config') } });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('the console needs a terminal');
    expect(r.stderr).toContain('nixdeck hosts --json');
  });

  it('fails clearly on a missing flake folder or root', async () => {
    const r = await run('todos', '--flake', path.join(work, 'nope'));
    expect(r.code).toBe(1);
    expect(r.err).toContain('does not exist');
    expect((await run('generations', '--root', path.join(work, 'nope'))).err).toContain('--root');
  });
});
