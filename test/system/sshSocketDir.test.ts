import { rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_CONTROL_PATH, makeSocketDir, socketBaseProblem, socketDirCandidates, socketName } from '../../src/system/ssh/socketDir.js';

describe('socket folder', () => {
  it('fits the 104-byte sun_path with the 17 characters ssh adds while creating the socket', () => {
    expect(MAX_CONTROL_PATH).toBe(86);
  });

  it('tries XDG_RUNTIME_DIR, TMPDIR, then /tmp', () => {
    expect(socketDirCandidates({ XDG_RUNTIME_DIR: '/run/user/1000', TMPDIR: '/var/tmp/' })).toEqual(['/run/user/1000', '/var/tmp', '/tmp']);
    expect(socketDirCandidates({})).toEqual(['/tmp']);
  });

  it('refuses a base that is too long or that ssh would expand', () => {
    expect(socketBaseProblem(`/tmp/${'x'.repeat(80)}`)).toContain('too long');
    expect(socketBaseProblem('/tmp/a%hb')).toContain('plain characters');
    expect(socketBaseProblem('/tmp/with space')).toContain('plain characters');
    expect(socketBaseProblem('relative')).toContain('absolute');
    expect(socketBaseProblem('/tmp')).toBeNull();
  });

  it('falls back to /tmp when TMPDIR is long, and makes a private folder whose sockets fit', () => {
    const longTmp = `/tmp/${'very-long-temporary-folder-'.repeat(4)}`;
    const dir = makeSocketDir({ TMPDIR: longTmp });
    try {
      expect(path.dirname(dir)).toBe('/tmp');
      expect(statSync(dir).mode & 0o777).toBe(0o700);
      expect(path.join(dir, socketName(36 ** 4 - 1)).length).toBeLessThanOrEqual(MAX_CONTROL_PATH);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
