// --confirm-timeout and --build-host, and the deploy request built from them: one home for
// `rebuild HOST` and `rebuild H1 H2 …`.
import { describe, expect, it } from 'vitest';
import { deployOptionsOf, deployRequestOf, MAX_CONFIRM_TIMEOUT } from '../../src/core/deployPlan.js';

describe('deploy options', () => {
  it('none given: nothing to check, remote or not', () => {
    expect(deployOptionsOf({}, false, 'build on hq')).toEqual({ ok: true, value: {} });
    expect(deployOptionsOf({}, true, 'switch on vm01')).toEqual({ ok: true, value: {} });
  });

  it('checked and converted for a deploy to another host', () => {
    expect(deployOptionsOf({ confirmTimeout: '0', buildHost: 'builder@big' }, true, 'switch on vm01')).toEqual({ ok: true, value: { confirmTimeout: 0, buildHost: 'builder@big' } });
  });

  it('for anything but a deploy to another host: says what was asked instead', () => {
    expect(deployOptionsOf({ buildHost: 'big' }, false, 'build on hq')).toEqual({
      ok: false,
      error: '--confirm-timeout and --build-host are for deploying switch, boot or test to another host, not build on hq',
    });
  });

  it('a bad value is named, with terminal controls in it shown, not obeyed', () => {
    const timeout = deployOptionsOf({ confirmTimeout: '\x1b[2Jsoon' }, true, 'switch on vm01');
    expect(timeout).toEqual({ ok: false, error: `--confirm-timeout takes whole seconds from 0 (off) to ${MAX_CONFIRM_TIMEOUT}, not "^[[2Jsoon"` });
    const build = deployOptionsOf({ buildHost: 'big:22\x07' }, true, 'switch on vm01');
    expect(build).toEqual({ ok: false, error: '--build-host takes an ssh destination (user@host or an ssh alias, no port), not "big:22^G"' });
  });

  it('the request: the options given win over the preferences', () => {
    const setup = { flakeDir: '/fleet', executable: ['nixos-rebuild'], extraFlags: ['--show-trace'] };
    const target = { host: 'vm01', action: 'switch', elevation: 'sudo' } as const;
    const fromPrefs = deployRequestOf(target, setup, {}, { confirmTimeout: 30, buildHost: 'big' });
    expect(fromPrefs).toEqual({
      kind: 'deploy',
      host: 'vm01',
      action: 'switch',
      confirmTimeout: 30,
      elevation: 'sudo',
      profile: '/nix/var/nix/profiles/system',
      flakeDir: '/fleet',
      buildHost: 'big',
      executable: ['nixos-rebuild'],
      extraFlags: ['--show-trace'],
    });
    expect(deployRequestOf(target, setup, { confirmTimeout: 5, buildHost: 'other' }, { confirmTimeout: 30, buildHost: 'big' })).toMatchObject({ confirmTimeout: 5, buildHost: 'other' });
  });
});
