import { describe, expect, it } from 'vitest';
import { derivationName, parseDrvName, pnameOf } from '../../src/core/derivationName.js';

const T460 = '/nix/store/zx7f1w7n7y2vaxx9mwipwghp215pq3cx-nixos-system-t460-25.05.20250701.1313131.drv';

describe('derivation names', () => {
  it('drops the store directory, the hash and .drv', () => {
    expect(derivationName('/nix/store/rr6yr3c4dwa7m36096p14dq9hnpy77zx-hello-custom-1.0.drv')).toBe('hello-custom-1.0');
    expect(derivationName('/nix/store/yyk596mhya1dp91k5hpanfmfcgrfczn1-hello-custom-1.0')).toBe('hello-custom-1.0');
    expect(derivationName('hello-1.0.drv')).toBe('hello-1.0');
  });

  it('splits off the version like builtins.parseDrvName', () => {
    expect(parseDrvName('hello-1.0')).toEqual({ pname: 'hello', version: '1.0' });
    expect(parseDrvName('nixos-system-t460-25.05.20250701.1313131')).toEqual({
      pname: 'nixos-system-t460',
      version: '25.05.20250701.1313131',
    });
    expect(parseDrvName('python3.12-requests-2.32.3')).toEqual({ pname: 'python3.12-requests', version: '2.32.3' });
    expect(parseDrvName('unit-nginx.service')).toEqual({ pname: 'unit-nginx.service', version: '' });
    expect(parseDrvName('etc')).toEqual({ pname: 'etc', version: '' });
    expect(pnameOf(T460)).toBe('nixos-system-t460');
    expect(pnameOf('/nix/store/awri8visnqf95b9ff0zbhj09spl83xrr-etc-motd.drv')).toBe('etc-motd');
  });
});
