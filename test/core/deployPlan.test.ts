import { describe, expect, it } from 'vitest';
import {
  buildArgv,
  copyArgv,
  type DeployRequest,
  hostPhaseOf,
  outcomeOf,
  parseConfirmTimeout,
  parseHostState,
  parseRemoteRequest,
  phaseOf,
  RemoteRequestError,
  supervisorArgs,
  validateRemoteRequest,
} from '../../src/core/deployPlan.js';

const deploy: DeployRequest = {
  kind: 'deploy',
  host: 'edge',
  action: 'switch',
  confirmTimeout: 30,
  elevation: 'root',
  profile: '/nix/var/nix/profiles/system',
  flakeDir: '/home/me/fleet',
  buildHost: null,
  executable: ['nixos-rebuild'],
  extraFlags: ['--show-trace'],
};

describe('remote requests', () => {
  it('accepts a deploy and a generation switch as JSON round-trips', () => {
    expect(parseRemoteRequest(JSON.stringify(deploy))).toEqual(deploy);
    const gen = { kind: 'generation', host: 't460', action: 'test', confirmTimeout: 0, elevation: 'password', profile: '/nix/var/nix/profiles/system', generation: 2 };
    expect(parseRemoteRequest(JSON.stringify(gen))).toEqual(gen);
  });

  it.each([
    [{ host: 'bad host' }, '"host"'],
    [{ action: 'dry-activate' }, '"action"'],
    [{ confirmTimeout: -1 }, '"confirmTimeout"'],
    [{ confirmTimeout: 1.5 }, '"confirmTimeout"'],
    [{ elevation: 'su' }, '"elevation"'],
    [{ profile: '/nix/../etc' }, '"profile"'],
    [{ profile: "/nix/var/it's" }, '"profile"'],
    [{ buildHost: '-oProxyCommand=x' }, '"buildHost"'],
    [{ flakeDir: '/a#b' }, '"flakeDir"'],
    [{ executable: [] }, '"executable"'],
    [{ kind: 'other' }, '"kind"'],
  ])('refuses %j', (change, word) => {
    expect(() => validateRemoteRequest({ ...deploy, ...change })).toThrow(RemoteRequestError);
    expect(() => validateRemoteRequest({ ...deploy, ...change })).toThrow(word);
  });

  it('says when the request is not JSON', () => {
    expect(() => parseRemoteRequest('{')).toThrow('not valid JSON');
  });
});

describe('commands', () => {
  it('builds with nixos-rebuild build (the user flags before the JSON log format)', () => {
    expect(buildArgv(deploy)).toEqual(['nixos-rebuild', 'build', '--flake', '/home/me/fleet#edge', '--show-trace', '--log-format', 'internal-json', '-v']);
    expect(buildArgv({ ...deploy, buildHost: 'builder@big' })).toContain('--build-host');
  });
  it('copies with nix copy --to the store URI', () => {
    expect(copyArgv('ssh-ng://edge', '/nix/store/x')).toEqual(['nix', '--extra-experimental-features', 'nix-command', 'copy', '--to', 'ssh-ng://edge', '/nix/store/x']);
  });
  it('hands the supervisor TARGET PROFILE ACTION TIMEOUT TOKEN ELEVATION', () => {
    expect(supervisorArgs(3, deploy, 'abcdef123456')).toEqual(['3', '/nix/var/nix/profiles/system', 'switch', '30', 'abcdef123456', 'root']);
  });
  it('reads confirm timeouts', () => {
    expect(parseConfirmTimeout('0')).toBe(0);
    expect(parseConfirmTimeout('30')).toBe(30);
    expect(parseConfirmTimeout('-1')).toBeNull();
    expect(parseConfirmTimeout('3s')).toBeNull();
    expect(parseConfirmTimeout('99999')).toBeNull();
  });
});

describe('the host supervisor state', () => {
  const header = 'nixdeck-deploy-state 1\nsize 42\nalive 1\n--\n';
  it('parses the log after the end marker, also when the transport trimmed the last newline', () => {
    const full = `${header}nixdeck-host: phase activate\n.\n`;
    expect(parseHostState(full)).toEqual({ kind: 'state', size: 42, alive: true, result: null, log: 'nixdeck-host: phase activate\n' });
    // the ssh executor may strip the final newline: the log keeps its own
    expect(parseHostState(full.slice(0, -1))).toEqual(parseHostState(full));
    expect(parseHostState(`${header}.`)).toMatchObject({ kind: 'state', log: '' });
  });
  it('reads the result lines', () => {
    const text = 'nixdeck-deploy-state 1\nsize 9\nalive 0\nresult status=rolled-back\nresult code=1\nresult message=no acknowledgement within 3 s\n--\n.\n';
    expect(parseHostState(text)).toMatchObject({ kind: 'state', alive: false, result: { status: 'rolled-back', code: 1, message: 'no acknowledgement within 3 s' } });
  });
  it('knows a missing run and a garbled answer', () => {
    expect(parseHostState('nixdeck-deploy-state 1\nmissing')).toEqual({ kind: 'missing' });
    expect(parseHostState('hello\n')).toMatchObject({ kind: 'bad' });
    expect(parseHostState(`${header}cut off in the midd`)).toMatchObject({ kind: 'bad' });
  });
  it('names phases', () => {
    expect(hostPhaseOf('nixdeck-host: phase confirm 30')).toEqual({ phase: 'confirm', timeout: 30 });
    expect(hostPhaseOf('nixdeck-host: phase activate')).toEqual({ phase: 'activate' });
    expect(phaseOf('nixdeck: phase copy: /nix/store/x to edge')).toBe('copy');
    expect(phaseOf('nixdeck: phases')).toBeNull();
  });
});

describe('outcomes', () => {
  it('reports a rollback as a failure that says "rolled back" and what could not be reached', () => {
    const o = outcomeOf('edge', { status: 'rolled-back', code: 1, message: 'no acknowledgement within 3 s: rolled back to generation 2' }, 'connection refused');
    expect(o.exitCode).toBe(1);
    expect(o.line).toBe('error: edge rolled back: no acknowledgement within 3 s: rolled back to generation 2; a new SSH connection to edge failed: connection refused');
  });
  it('reports exit 4 as partial and a failed activation with its code', () => {
    expect(outcomeOf('t460', { status: 'partial', code: 4, message: '' }, null).exitCode).toBe(4);
    expect(outcomeOf('t460', { status: 'failed', code: 3, message: 'activation failed' }, null)).toEqual({ exitCode: 3, line: 'error: t460: activation failed' });
    expect(outcomeOf('t460', { status: 'succeeded', code: 0, message: 'confirmed' }, null).exitCode).toBe(0);
  });
});
