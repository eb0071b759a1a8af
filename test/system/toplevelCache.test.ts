import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildGenerationList } from '../../src/core/generations.js';
import { readProfileFacts } from '../../src/system/profileReader.js';
import { cacheDir, fileToplevelCache } from '../../src/system/toplevelCache.js';
import { makeRoot } from '../helpers/profileFixture.js';

describe('toplevel cache', () => {
  const fixture = makeRoot(
    [
      { number: 1, date: new Date('2025-05-01T12:00:00Z'), version: '25.05.20250501.aaaaaaa', kernel: '6.6.30', specialisations: ['gaming'] },
      { number: 2, date: new Date('2025-06-01T12:00:00Z'), version: '25.05.20250601.bbbbbbb', kernel: '6.6.32' },
    ],
    { current: 2 },
  );
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nixdeck-cache-'));
  afterAll(() => {
    fixture.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });
  const read = () => buildGenerationList(readProfileFacts({ root: fixture.root }, fileToplevelCache(dir))).generations;
  const top = (n: number, v: string) => path.join(fixture.store, `${String(n).padStart(32, '0')}-nixos-system-hq-${v}`);

  it('stores what it read and answers from the file next time, still noticing a vanished store path', () => {
    const cache = fileToplevelCache(dir);
    const first = buildGenerationList(readProfileFacts({ root: fixture.root }, cache)).generations;
    cache.save();
    expect(Object.keys(JSON.parse(readFileSync(path.join(dir, 'toplevels.json'), 'utf8')).entries)).toHaveLength(2);
    // a store path never changes; a changed file proves the second read came from the cache
    writeFileSync(path.join(top(2, '25.05.20250601.bbbbbbb'), 'nixos-version'), 'changed');
    expect(read()).toEqual(first);
    rmSync(top(1, '25.05.20250501.aaaaaaa'), { recursive: true });
    expect(read().find((g) => g.generation === 1)).toMatchObject({ status: 'dangling' });
  });

  it('ignores a corrupt cache file and replaces it', () => {
    writeFileSync(path.join(dir, 'toplevels.json'), '{not json');
    const cache = fileToplevelCache(dir);
    expect(cache.get('/nix/store/x')).toBeUndefined();
    cache.set('/nix/store/x', { nixosVersion: '1', kernelVersion: null, configurationRevision: null, specialisations: [] });
    cache.save();
    expect(fileToplevelCache(dir).get('/nix/store/x')).toMatchObject({ nixosVersion: '1' });
  });

  it('lives under $XDG_CACHE_HOME/nixdeck', () => {
    expect(cacheDir({ XDG_CACHE_HOME: '/c' })).toBe('/c/nixdeck');
  });
});
