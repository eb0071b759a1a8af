import { describe, expect, it } from 'vitest';
import { ActivationReader } from '../../src/core/activationOutput.js';

describe('ActivationReader', () => {
  it('reads the start, failed units, switch errors and the new configuration', () => {
    const reader = new ActivationReader();
    expect(reader.read('copying 3 paths...')).toBeNull();
    expect(reader.snapshot().started).toBe(false);
    expect(reader.read('activating the configuration...')).toBe('activating');
    expect(reader.read('warning: the following units failed: nginx.service, postgresql.service')).toBe('activating');
    expect(reader.read('warning: the following units failed: nginx.service')).toBe('activating');
    expect(reader.read('warning: error(s) occurred while switching to the new configuration')).toBe('activating');
    expect(reader.read('Done. The new configuration is /nix/store/s891wb09b9y73ly63gci26w14wlciwyg-nixos-system-laptop-25.05')).toBe('done');
    expect(reader.snapshot()).toEqual({
      started: true,
      unitsFailed: ['nginx.service', 'postgresql.service'],
      switchErrors: true,
      newConfiguration: '/nix/store/s891wb09b9y73ly63gci26w14wlciwyg-nixos-system-laptop-25.05',
    });
  });

  it('leaves other warnings and lines alone, and its snapshot is a copy', () => {
    const reader = new ActivationReader();
    expect(reader.read("warning: Git tree '/x' is dirty")).toBeNull();
    expect(reader.read('error: boom')).toBeNull();
    expect(reader.read('')).toBeNull();
    const snap = reader.snapshot();
    snap.unitsFailed.push('x.service');
    expect(reader.snapshot().unitsFailed).toEqual([]);
  });
});
