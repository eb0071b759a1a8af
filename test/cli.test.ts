import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseInvocation, UsageError } from '../src/args.js';
import { parseCommandLine } from '../src/commandLine.js';
import { runMain as run } from './commands/fakeIo.js';
import { closedPort } from './helpers/ports.js';
import { makeRoot } from './helpers/profileFixture.js';

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
  it('reads commands, their own options and the global options before or after the command', async () => {
    expect(await parseInvocation(['generations', 'hq', '--json', '--root', '/r'])).toMatchObject({ kind: 'generations', host: 'hq', json: true, options: { root: '/r' } });
    expect(await parseInvocation(['--root', '/r', 'generations', '--json'])).toMatchObject({ kind: 'generations', json: true, options: { root: '/r' } });
    expect(await parseInvocation(['todo', 'done', 'update', 'any'])).toMatchObject({ kind: 'todo', done: true, query: 'update any' });
    expect(await parseInvocation([])).toMatchObject({ kind: 'console', options: { demo: false, ascii: false } });
    expect(await parseInvocation(['--demo', '--ascii', '--flake=/f'])).toEqual({ kind: 'console', options: { demo: true, ascii: true, flake: '/f' } });
    expect(await parseInvocation(['log', 'last', '--summary', '--json'])).toMatchObject({ kind: 'log', run: 'last', summary: true, json: true });
    expect(await parseInvocation(['prune', 'hq', '--keep', '3', '--pin', '4', '--pin', '5,6', '--dry-run'])).toMatchObject({ kind: 'prune', host: 'hq', keep: '3', pin: ['4', '5,6'], dryRun: true, yes: false });
    expect(await parseInvocation(['diff', 'hq', '1', '2'])).toMatchObject({ kind: 'diff', host: 'hq', from: '1', to: '2' });
    expect(await parseInvocation(['diff', '1', '2', '--json'])).toMatchObject({ kind: 'diff', from: '1', to: '2', json: true });
    expect(await parseInvocation(['rollback', '--to', '3', '--action', 'boot', '--yes'])).toMatchObject({ kind: 'rollback', to: '3', action: 'boot', yes: true });
    expect(await parseInvocation(['config', 'set', 'asciiBorders', 'true'])).toMatchObject({ kind: 'config', action: 'set', key: 'asciiBorders', value: 'true' });
  });
  it('takes a config value as it is, even when it looks like an option', async () => {
    expect(await parseInvocation(['config', 'set', 'rebuildFlags', '--show-trace -L'])).toMatchObject({ key: 'rebuildFlags', value: '--show-trace -L' });
    expect(await parseInvocation(['--root', '/r', 'config', 'set', 'rebuildFlags', '-L'])).toMatchObject({ value: '-L', options: { root: '/r' } });
    expect(await parseInvocation(['config', 'set', 'rebuildFlags', '--', '--rebuild'])).toMatchObject({ value: '--rebuild' });
    expect(await parseInvocation(['config', 'set', 'flake', '--demo'])).toMatchObject({ value: '--demo', options: { demo: false } });
    expect(await parseInvocation(['config', 'set', 'rebuildFlags', '--help'])).toMatchObject({ value: '--help' });
  });
  // hosts, generations and todos are read without the full parser when their words are plain
  it.each([
    ['todos', '--json', '--file', '/t.md'],
    ['todos', '--file=/t.md', '--demo', '--ascii', '--json', '--json'],
    ['todos', '--file', 'a', '--file', 'b'],
    ['todos'],
    ['hosts', '--flake', '/f', '--root', '/r'],
    ['hosts', '--json', '--demo'],
    ['generations'],
    ['generations', 'hq', '--json', '--root', '/r'],
    ['generations', '--json', 'hq'],
    ['generations', '-'],
    ['generations', '--', 'hq'],
    ['generations', ''],
    ['todos', '--file', '--json'],
  ])('reads %j as the full parser does', async (...argv) => {
    expect(await parseInvocation(argv)).toEqual(parseCommandLine(argv));
  });
  it.each([
    [['--nope'], 'nixdeck'],
    [['bogus'], 'nixdeck'],
    [['todo', 'maybe', 'x'], 'nixdeck todo'],
    [['hosts', 'extra'], 'nixdeck hosts'],
    [['hosts', '--keep', '3'], 'nixdeck hosts'],
    [['rebuild'], 'nixdeck rebuild'],
    [['config'], 'nixdeck config'],
    [['config', 'set', 'k'], 'nixdeck config set'],
    [['config', 'set', 'k', 'a', 'b'], 'nixdeck config set'],
    [['--flake'], 'nixdeck'],
    [['hosts', '--flake', ''], 'nixdeck hosts'],
    [['--json'], 'nixdeck'],
    [['todos', '--json=1'], 'nixdeck todos'],
    [['todos', 'x'], 'nixdeck todos'],
    [['generations', 'a', 'b'], 'nixdeck generations'],
    [['generations', '-x'], 'nixdeck generations'],
    [['todos', '--file='], 'nixdeck todos'],
  ])('rejects %j, pointing to the help of %s', async (argv, command) => {
    const error = await parseInvocation(argv).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).command).toBe(command);
    expect((error as UsageError).message).not.toContain('\n');
  });
});

describe('nixdeck commands', () => {
  it('prints help and version, exits 2 on bad usage with a pointer to --help', async () => {
    const help = await run('--help');
    expect(help.code).toBe(0);
    expect(help.out).toContain('generations [options] [HOST]');
    expect(help.out).toContain('--flake <DIR>');
    expect((await run('--version')).out.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const bad = await run('frobnicate');
    expect(bad).toMatchObject({ code: 2, out: '' });
    expect(bad.err).toBe("nixdeck: unknown command 'frobnicate'\nsee: nixdeck --help\n");
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
      ['booted', 'configurationRevision', 'current', 'date', 'generation', 'kernelVersion', 'nixosVersion', 'running', 'specialisations', 'status', 'storePath', 'revision', 'commit', 'dirty'].sort(),
    );
    expect(gens[0]).toMatchObject({ date: '2025-06-01T12:00:00.000Z', specialisations: ['gaming'], current: true, running: true, booted: true });
  });

  it('generations of another host are read over ssh and say why not in one line; a bad host name is bad usage', async () => {
    // pi is sent to a port where nothing listens
    const saved = process.env.NIX_SSHOPTS;
    process.env.NIX_SSHOPTS = `-o HostName=127.0.0.1 -p ${await closedPort()}`;
    let other: Awaited<ReturnType<typeof run>>;
    try {
      other = await run('generations', 'pi', '--root', fixture.root);
    } finally {
      if (saved === undefined) delete process.env.NIX_SSHOPTS;
      else process.env.NIX_SSHOPTS = saved;
    }
    expect(other.code).toBe(1);
    expect(other.err).toBe('error: cannot read the generations of pi: connection refused\n  check the connection with: ssh pi\n');
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

describe('nixdeck rebuild of another host', () => {
  it('refuses dry-activate of a host that is not this machine: exit 1, a clear message, nothing started', async () => {
    const r = await run('rebuild', 'pi', '--action', 'dry-activate', '--flake', flake, '--root', fixture.root);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toBe('error: dry-activate activates the configuration, which only works on this machine (hq) for now; build pi instead, or run nixdeck on pi\n');
  });

  it('deploys switch/boot/test to another host over SSH: an unreachable one is exit 1 with why, nothing started', async () => {
    const r = await run('rebuild', 'nosuchhost.invalid', '--action', 'switch', '--flake', flake, '--root', fixture.root);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^error: nosuchhost\.invalid cannot be reached: .+\n$/);
  });

  it('in the demo, deploys go to its stand-in hosts by the same rules: the refusing one is exit 1 with why, nothing started', async () => {
    const r = await run('--demo', 'rebuild', 'nas', '--action', 'switch');
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toBe('error: nas cannot be reached: connection refused\n');
    const dry = await run('--demo', 'rebuild', 'vm01', '--action', 'dry-activate');
    expect(dry.code).toBe(1);
    expect(dry.err).toBe('error: dry-activate activates the configuration, which only works on this machine (hq) for now; build vm01 instead, or run nixdeck on vm01\n');
  });
});

describe('nixdeck todos and todo done on odd, hostile and read-only files', () => {
  const write = (name: string, content: string | Buffer, mode = 0o644): string => {
    const file = path.join(work, name);
    writeFileSync(file, content);
    chmodSync(file, mode);
    return file;
  };

  it('a file without todos says so and exits 0; --json prints []', async () => {
    const file = write('EMPTY.md', '# Notes\n\nNo tasks here, and `- [ ] in code` does not count.\n');
    expect(await run('todos', '--file', file)).toEqual({ code: 0, out: `no todos in ${file}: a todo is a line like '- [ ] text'\n`, err: '' });
    const json = await run('todos', '--json', '--file', file);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out)).toEqual([]);
  });

  it('a binary file is not a text file: exit 1', async () => {
    const file = write('IMAGE.md', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]));
    for (const argv of [['todos'], ['todos', '--json'], ['todo', 'done', 'x']]) {
      const r = await run(...argv, '--file', file);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(new RegExp(`^error: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not a text file`));
    }
  });

  it('control characters in todo text cannot drive the terminal; --json keeps the text', async () => {
    const file = write('HOSTILE.md', '# \u001b]0;pwned\u0007Ops\n\n- [ ] \u001b[31mred\u001b[0m\tand\rover\u009b2J\u202eevil\n');
    const plain = await run('todos', '--file', file);
    expect(plain.code).toBe(0);
    // no C0 control other than LF, no DEL, C1 or bidi override reaches the output
    expect(plain.out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(plain.out).toContain('^[[31mred^[[0m');
    expect(plain.out).toContain('^[]0;pwned^GOps');
    const json = JSON.parse((await run('todos', '--json', '--file', file)).out) as { text: string }[];
    // whitespace (TAB, and CR, a line ending in markdown) is folded to one space by the parser; the rest stays raw
    expect(json[0]?.text).toBe('\u001b[31mred\u001b[0m and over\u009b2J\u202eevil');
    const done = await run('todo', 'done', 'red', '--file', file);
    expect(done.code).toBe(0);
    expect(done.out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
    expect(done.out).toContain('done: ^[[31mred^[[0m');
  });

  it('todo done takes a unique id prefix of 4+ hex digits; an ambiguous one lists the candidates', async () => {
    const file = write('MANY.md', `# Many\n\n${Array.from({ length: 2000 }, (_, i) => `- [ ] task ${i}`).join('\n')}\n`);
    const todos = JSON.parse((await run('todos', '--json', '--file', file)).out) as { id: string; text: string }[];
    const byPrefix = new Map<string, string[]>();
    for (const t of todos) byPrefix.set(t.id.slice(0, 4), [...(byPrefix.get(t.id.slice(0, 4)) ?? []), t.id]);
    const [shared, ids] = [...byPrefix].find(([, list]) => list.length > 1) ?? ['', []];
    expect(ids.length).toBeGreaterThan(1);
    const ambiguous = await run('todo', 'done', shared, '--file', file);
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.err).toContain(`"${shared}" matches ${ids.length} todos`);
    for (const id of ids) expect(ambiguous.err).toContain(id);
    expect(readFileSync(file, 'utf8')).not.toContain('[x]');

    const unique = todos.find((t) => byPrefix.get(t.id.slice(0, 4))?.length === 1);
    const r = await run('todo', 'done', unique?.id.slice(0, 4) ?? '', '--file', file);
    expect(r).toMatchObject({ code: 0, out: `done: ${unique?.text} (${file}:${3 + Number(unique?.text.split(' ')[1])})\n` });
  });

  it('todo done on a read-only (0444) file writes nothing and says how to allow it: exit 1', async () => {
    const content = '- [ ] keep me\n';
    const file = write('LOCKED.md', content, 0o444);
    const r = await run('todo', 'done', 'keep', '--file', file);
    expect(r).toEqual({ code: 1, out: '', err: `error: LOCKED.md is read-only (mode 0444): nothing written; make it writable (chmod u+w ${file}) to tick todos\n` });
    expect(readFileSync(file, 'utf8')).toBe(content);
    expect(statSync(file).mode & 0o777).toBe(0o444);
  });

  it('config set flake warns (and still sets it) when the folder holds no flake.nix or does not exist', async () => {
    const noFlake = path.join(work, 'not-a-flake');
    mkdirSync(noFlake, { recursive: true });
    const r = await run('config', 'set', 'flake', noFlake);
    expect(r.code).toBe(0);
    expect(r.err).toBe(`warning: ${noFlake} holds no flake.nix (set anyway): hosts come from the flake's nixosConfigurations; point it at the folder with flake.nix (nixdeck config set flake DIR)\n`);
    expect((await run('config', 'get', 'flake')).out.trim()).toBe(noFlake);
    const missing = path.join(work, 'not-cloned-yet');
    const m = await run('config', 'set', 'flake', missing);
    expect(m.code).toBe(0);
    expect(m.err).toContain(`warning: ${missing} does not exist (set anyway)`);
    writeFileSync(path.join(noFlake, 'flake.nix'), '{ outputs = _: { }; }\n');
    expect(await run('config', 'set', 'flake', noFlake)).toEqual({ code: 0, out: '', err: '' });
    expect((await run('config', 'unset', 'flake')).code).toBe(0);
  });
});

describe('messages about folders and nix that are true', () => {
  it('says which is wrong with --flake: missing, a file, or a path through a file', async () => {
    const missing = path.join(work, 'no-such-fleet');
    expect((await run('hosts', '--flake', missing)).err).toBe(`error: flake folder ${missing} does not exist\n`);
    const file = path.join(work, 'fleet', 'PROJECT.md');
    expect((await run('hosts', '--flake', file)).err).toBe(`error: flake folder ${file} is not a folder\n`);
    expect((await run('hosts', '--flake', path.join(file, 'x'))).err).toBe(`error: flake folder ${path.join(file, 'x')} is not a folder (a part of its path is a file)\n`);
    expect((await run('generations', '--root', path.join(work, 'nope'))).err).toBe(`error: --root ${path.join(work, 'nope')} does not exist\n`);
  });

  it('says there is no flake.nix, not that nix is missing, when the folder holds none', async () => {
    const r = await run('hosts', '--json', '--flake', flake, '--root', fixture.root);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(new RegExp(`^warning: flake not evaluated: there is no flake.nix in ${flake} \\(`));
  });

  it('says that nix is not installed only when no nix is on PATH', async () => {
    const withFlake = path.join(work, 'fleet-with-flake');
    mkdirSync(withFlake, { recursive: true });
    writeFileSync(path.join(withFlake, 'flake.nix'), '{ outputs = _: { }; }\n');
    const saved = process.env.PATH;
    process.env.PATH = path.join(work, 'empty-bin');
    try {
      const r = await run('hosts', '--json', '--flake', withFlake, '--root', fixture.root);
      expect(r.err).toMatch(/^warning: flake not evaluated: nix is not installed \(not found in PATH\) \(/);
    } finally {
      process.env.PATH = saved;
    }
  });
});
