import { describe, expect, it } from 'vitest';
import type { ExecOptions, ExecResult, Executor } from '../../src/system/executor.js';
import { type ElevationState, elevatedExecutor, passwordProblem } from '../../src/system/ssh/elevation.js';

interface Call {
  argv: readonly string[];
  opts: ExecOptions | undefined;
}

/** A host whose login user has uid `uid`, whose sudo wants `password` (null: NOPASSWD). */
function fakeHost(uid: number, password: string | null): Executor & { calls: Call[] } {
  const calls: Call[] = [];
  return {
    calls,
    async run(argv, opts): Promise<ExecResult> {
      calls.push({ argv: [...argv], opts });
      if (argv[0] === 'id') return { code: 0, stdout: `${uid}`, stderr: '' };
      if (argv[0] !== 'sudo') return { code: 0, stdout: `ran ${argv.join(' ')}`, stderr: '' };
      if (argv[1] === '-n') {
        return password === null ? { code: 0, stdout: 'as root', stderr: '' } : { code: 1, stdout: '', stderr: 'sudo: a password is required\n' };
      }
      const given = (opts?.input ?? '').split('\n')[0];
      if (given === password) return { code: 0, stdout: 'as root', stderr: '' };
      return { code: 1, stdout: '', stderr: 'Sorry, try again.\nsudo: no password was provided\nsudo: 1 incorrect password attempt\n' };
    },
  };
}

const SECRET = 'pa ss$(word)';

describe('elevatedExecutor', () => {
  it('runs as it is for root (asked once)', async () => {
    const host = fakeHost(0, null);
    const elevated = elevatedExecutor(host, {}, 'hq');
    await elevated.run(['nix-env', '-p', '/nix/var/nix/profiles/system', '--set', '/nix/store/x']);
    await elevated.run(['true']);
    expect(host.calls.map((c) => c.argv)).toEqual([['id', '-u'], ['nix-env', '-p', '/nix/var/nix/profiles/system', '--set', '/nix/store/x'], ['true']]);
  });

  it('uses sudo -n first, and it is enough where sudo needs no password', async () => {
    const host = fakeHost(1000, null);
    const r = await elevatedExecutor(host, {}, 'hq').run(['switch-to-configuration', 'test'], { input: 'data' });
    expect(r).toMatchObject({ code: 0, stdout: 'as root' });
    expect(r.needsPassword).toBeUndefined();
    expect(host.calls[1]).toEqual({ argv: ['sudo', '-n', '--', 'switch-to-configuration', 'test'], opts: { input: 'data' } });
  });

  it('says when a password is needed, then pipes it on stdin: never on the command line', async () => {
    const host = fakeHost(1000, SECRET);
    const state: ElevationState = {};
    const elevated = elevatedExecutor(host, state, 'hq');
    const first = await elevated.run(['nix-env', '--rollback']);
    expect(first).toMatchObject({ code: 1, needsPassword: true });
    state.password = SECRET;
    const second = await elevated.run(['nix-env', '--rollback'], { input: 'more\n' });
    expect(second).toMatchObject({ code: 0, stdout: 'as root' });
    expect(second.needsPassword).toBeUndefined();
    const last = host.calls.at(-1);
    expect(last?.argv).toEqual(['sudo', '-S', '-p', '', '--', 'nix-env', '--rollback']);
    expect(last?.opts?.input).toBe(`${SECRET}\nmore\n`);
    for (const call of host.calls) expect(call.argv.join(' ')).not.toContain('word');
  });

  it('forgets a refused password and asks again', async () => {
    const host = fakeHost(1000, SECRET);
    const state: ElevationState = { password: 'wrong' };
    const r = await elevatedExecutor(host, state, 'hq').run(['true']);
    expect(r).toMatchObject({ needsPassword: true, wrongPassword: true });
    expect(state.password).toBeUndefined();
  });

  it('reports a host it cannot ask who it is', async () => {
    const host: Executor = { run: async () => ({ code: 255, stdout: '', stderr: '', spawnError: 'connection refused' }) };
    expect(await elevatedExecutor(host, {}, 'hq').run(['true'])).toMatchObject({ spawnError: 'connection refused' });
  });
});

describe('passwordProblem', () => {
  it('refuses what sudo -S cannot read as one line', () => {
    expect(passwordProblem('')).toBe('the password is empty');
    expect(passwordProblem('a\nb')).toContain('line break');
    expect(passwordProblem(SECRET)).toBeNull();
  });
});
