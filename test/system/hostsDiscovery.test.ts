// What the flake evaluation says when it cannot run: true messages, and a pasteable command.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CommandResult, CommandRunner } from '../../src/system/exec.js';
import { folderProblem } from '../../src/system/folderCheck.js';
import { evalFlakeHosts } from '../../src/system/hostsDiscovery.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'nixdeck-discovery-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A flake folder with a flake.nix, in a folder whose name needs quoting in a shell. */
function flakeDir(name = "my fleet's $HOME"): string {
  const dir = path.join(tmp, `${Math.random().toString(36).slice(2)}-${name}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'flake.nix'), '{ outputs = _: { }; }\n');
  return dir;
}

function runner(result: CommandResult): CommandRunner & { calls: { file: string; args: readonly string[]; cwd?: string }[] } {
  const calls: { file: string; args: readonly string[]; cwd?: string }[] = [];
  return {
    calls,
    async run(file, args, options = {}) {
      calls.push({ file, args, ...(options.cwd !== undefined ? { cwd: options.cwd } : {}) });
      return result;
    },
  };
}

/** Runs `body` with PATH set to `dirs` only. */
async function withPath<T>(dirs: string[], body: () => Promise<T>): Promise<T> {
  const saved = process.env.PATH;
  process.env.PATH = dirs.join(path.delimiter);
  try {
    return await body();
  } finally {
    process.env.PATH = saved;
  }
}

const notFound: CommandResult = { exitCode: 1, stdout: '', stderr: '', spawnError: 'nix is not installed (not found in PATH)', spawnCode: 'ENOENT' };

describe('evalFlakeHosts: messages that are true', () => {
  it('says "nix is not installed" when no nix is on PATH', async () => {
    const result = await withPath([path.join(tmp, 'empty')], () => evalFlakeHosts(flakeDir(), runner(notFound)));
    expect(result).toMatchObject({ ok: false, error: 'flake not evaluated: nix is not installed (not found in PATH)', hint: 'install Nix, or use the folder hosts' });
  });

  it('does not claim nix is missing when nix is on PATH but cannot be started', async () => {
    const bin = path.join(tmp, 'bin-broken');
    mkdirSync(bin, { recursive: true });
    // a script whose interpreter does not exist: spawning it fails with ENOENT too
    writeFileSync(path.join(bin, 'nix'), '#!/nonexistent/interpreter\n');
    chmodSync(path.join(bin, 'nix'), 0o755);
    const result = await withPath([bin], () => evalFlakeHosts(flakeDir(), runner(notFound)));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).not.toContain('not installed');
    expect(result.error).toBe(`flake not evaluated: ${path.join(bin, 'nix')} could not be run: it, or the interpreter it names, was not found`);
  });

  it('runs nix without a working folder, so a vanished folder is never taken for a missing nix', async () => {
    const fake = runner({ exitCode: 0, stdout: '["hq"]', stderr: '' });
    expect(await evalFlakeHosts(flakeDir(), fake)).toEqual({ ok: true, names: ['hq'] });
    expect(fake.calls[0]?.cwd).toBeUndefined();
  });

  it('says that the flake folder does not exist, or is not a folder, without running nix', async () => {
    const fake = runner({ exitCode: 0, stdout: '[]', stderr: '' });
    const missing = path.join(tmp, 'nope');
    expect(await evalFlakeHosts(missing, fake)).toMatchObject({ ok: false, error: `flake not evaluated: the flake folder ${missing} does not exist` });
    const file = path.join(tmp, 'a-file');
    writeFileSync(file, '');
    expect(await evalFlakeHosts(file, fake)).toMatchObject({ ok: false, error: `flake not evaluated: the flake folder ${file} is not a folder` });
    const empty = path.join(tmp, 'no-flake');
    mkdirSync(empty);
    expect(await evalFlakeHosts(empty, fake)).toMatchObject({ ok: false, error: `flake not evaluated: there is no flake.nix in ${empty}` });
    expect(fake.calls).toEqual([]);
  });

  it('names an untracked flake.nix instead of repeating nix’s store path error', async () => {
    const stderr = "warning: Git tree '/x' is dirty\nerror: getting status of '/nix/store/0ccnxa25whszw7mgbgyzdm4nqc0zwnm8-source/flake.nix': No such file or directory\n";
    const dir = flakeDir('fleet');
    const result = await evalFlakeHosts(dir, runner({ exitCode: 1, stdout: '', stderr }));
    expect(result).toMatchObject({ ok: false, error: `flake evaluation failed: flake.nix is not tracked by git in ${dir} (nix sees only the files git tracks: git add flake.nix)` });
  });

  it('passes nix’s own message on for other failures', async () => {
    const stderr = "error: experimental Nix feature 'flakes' is disabled; use '--extra-experimental-features flakes' to override\n";
    const result = await evalFlakeHosts(flakeDir(), runner({ exitCode: 1, stdout: '', stderr }));
    expect(result).toMatchObject({ ok: false, error: "flake evaluation failed: experimental Nix feature 'flakes' is disabled; use '--extra-experimental-features flakes' to override" });
  });

  it('suggests a command that works when pasted: experimental features on, the path quoted', async () => {
    const dir = flakeDir();
    const fake = runner({ exitCode: 1, stdout: '', stderr: 'error: boom\n' });
    const result = await evalFlakeHosts(dir, fake);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.hint).toMatch(/^run: nix --extra-experimental-features 'nix-command flakes' eval --json '/);
    // a POSIX shell turns the suggestion back into exactly the arguments nixdeck used
    const bin = path.join(tmp, 'bin-echo');
    mkdirSync(bin, { recursive: true });
    writeFileSync(path.join(bin, 'nix'), `#!${process.execPath}\nprocess.stdout.write(JSON.stringify(process.argv.slice(2)));\n`);
    chmodSync(path.join(bin, 'nix'), 0o755);
    const printed = execFileSync('/bin/sh', ['-c', result.hint.replace(/^run: /, '')], { env: { PATH: bin }, encoding: 'utf8' });
    expect(JSON.parse(printed)).toEqual(fake.calls[0]?.args);
    expect(fake.calls[0]?.args).toContain(`${dir}#nixosConfigurations`);
  });
});

describe('folderProblem: "does not exist" only when it does not', () => {
  it('tells a missing folder, a file, a path through a file and a readable folder apart', () => {
    const file = path.join(tmp, 'plain');
    writeFileSync(file, '');
    expect(folderProblem(path.join(tmp, 'missing'))).toBe('does not exist');
    expect(folderProblem(file)).toBe('is not a folder');
    expect(folderProblem(path.join(file, 'below'))).toBe('is not a folder (a part of its path is a file)');
    expect(folderProblem(tmp)).toBeNull();
  });

  it('says "permission denied" for a folder that cannot be read', () => {
    const locked = path.join(tmp, 'locked');
    mkdirSync(locked, { mode: 0o700 });
    chmodSync(tmp, 0o755);
    const check = `import(${JSON.stringify(path.resolve('src/system/folderCheck.ts'))}).then((m) => process.stdout.write(String(m.folderProblem(process.argv[1]))))`;
    const args = ['--import', 'tsx', '-e', check, locked];
    // root reads everything: check it as an unprivileged user
    const asRoot = process.getuid?.() === 0;
    const out = asRoot
      ? execFileSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, ...args], { encoding: 'utf8' })
      : (chmodSync(locked, 0o000), execFileSync(process.execPath, args, { encoding: 'utf8' }));
    chmodSync(locked, 0o700);
    expect(out).toBe('cannot be read (permission denied)');
  });
});
