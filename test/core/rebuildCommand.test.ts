import { describe, expect, it } from 'vitest';
import { ACTIONS, isActivating, isRebuildAction, planRebuild, RebuildPlanError } from '../../src/core/rebuildCommand.js';

const base = { host: 'hq', flakeDir: '/etc/nixos', isRoot: false, sudo: 'password' as const };
const TAIL = ['--log-format', 'internal-json', '-v'];

describe('actions', () => {
  it('lists the six actions and knows which activate', () => {
    expect(ACTIONS).toEqual(['build', 'dry-build', 'test', 'switch', 'boot', 'dry-activate']);
    expect(ACTIONS.filter(isActivating)).toEqual(['test', 'switch', 'boot', 'dry-activate']);
    expect(isRebuildAction('switch')).toBe(true);
    expect(isRebuildAction('list-generations')).toBe(false);
    expect(isRebuildAction('')).toBe(false);
  });
});

describe('planRebuild', () => {
  it('builds without sudo, whatever the sudo mode', () => {
    for (const sudo of ['none', 'nopasswd', 'password'] as const) {
      expect(planRebuild({ ...base, action: 'build', sudo })).toEqual({
        argv: ['nixos-rebuild', 'build', '--flake', '/etc/nixos#hq', ...TAIL],
        needsPassword: false,
      });
    }
    expect(planRebuild({ ...base, action: 'dry-build' }).argv[0]).toBe('nixos-rebuild');
  });

  it('puts the extra flags last and honours a custom executable', () => {
    const plan = planRebuild({
      ...base,
      action: 'build',
      executable: ['/run/current-system/sw/bin/nixos-rebuild-ng'],
      extraFlags: ['--show-trace', '--option', 'cores', '4'],
    });
    expect(plan.argv).toEqual(['/run/current-system/sw/bin/nixos-rebuild-ng', 'build', '--flake', '/etc/nixos#hq', '--show-trace', '--option', 'cores', '4', ...TAIL]);
    expect(planRebuild({ ...base, action: 'build', executable: ['nix', 'run', 'nixpkgs#nixos-rebuild', '--'] }).argv.slice(0, 5)).toEqual([
      'nix',
      'run',
      'nixpkgs#nixos-rebuild',
      '--',
      'build',
    ]);
  });

  it('activates through sudo -S with an empty prompt when a password is needed', () => {
    for (const action of ['test', 'switch', 'boot', 'dry-activate'] as const) {
      expect(planRebuild({ ...base, action })).toEqual({
        argv: ['sudo', '-k', '-S', '-p', '', '--', 'nixos-rebuild', action, '--flake', '/etc/nixos#hq', ...TAIL],
        needsPassword: true,
      });
    }
  });

  it('activates through sudo -n when sudo needs no password', () => {
    expect(planRebuild({ ...base, action: 'switch', sudo: 'nopasswd', extraFlags: ['--fast'] })).toEqual({
      argv: ['sudo', '-n', '--', 'nixos-rebuild', 'switch', '--flake', '/etc/nixos#hq', '--fast', ...TAIL],
      needsPassword: false,
    });
  });

  it('runs directly as root, or when sudo is turned off', () => {
    expect(planRebuild({ ...base, action: 'switch', isRoot: true })).toEqual({
      argv: ['nixos-rebuild', 'switch', '--flake', '/etc/nixos#hq', ...TAIL],
      needsPassword: false,
    });
    expect(planRebuild({ ...base, action: 'boot', sudo: 'none' }).argv[0]).toBe('nixos-rebuild');
  });

  it('keeps a flake folder with spaces as one word', () => {
    expect(planRebuild({ ...base, action: 'build', flakeDir: '/home/me/my fleet' }).argv).toContain('/home/me/my fleet#hq');
  });

  it('refuses unsafe hosts, unknown actions and unusable flake folders', () => {
    expect(() => planRebuild({ ...base, host: '-rf', action: 'build' })).toThrow(RebuildPlanError);
    expect(() => planRebuild({ ...base, host: 'a b', action: 'build' })).toThrow(/not a valid host name/);
    expect(() => planRebuild({ ...base, host: '$(reboot)', action: 'build' })).toThrow(RebuildPlanError);
    expect(() => planRebuild({ ...base, action: 'list-generations' })).toThrow(/not a rebuild action/);
    expect(() => planRebuild({ ...base, action: 'switch; reboot' })).toThrow(RebuildPlanError);
    expect(() => planRebuild({ ...base, action: 'build', flakeDir: '/x#other' })).toThrow(/flake folder/);
    expect(() => planRebuild({ ...base, action: 'build', flakeDir: '' })).toThrow(RebuildPlanError);
    expect(() => planRebuild({ ...base, action: 'build', executable: [] })).toThrow(/executable/);
  });
});
