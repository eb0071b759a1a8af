// The one per-flake cache file behind the flake host list and the flake toplevels.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { flakeCacheFile, MAX_FLAKES } from '../../src/system/flakeCacheFile.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'nixdeck-flake-cache-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Entry {
  n: number;
}
const isEntry = (v: unknown): v is Entry => typeof v === 'object' && v !== null && typeof (v as Partial<Entry>).n === 'number';

describe('flake cache file', () => {
  it('reads what was put, most recent last, in a folder it makes', async () => {
    const file = path.join(tmp, 'a', 'deeper', 'cache.json');
    const cache = flakeCacheFile(file, isEntry);
    expect(await cache.load()).toEqual(new Map());
    await cache.put('/f/one', { n: 1 });
    await cache.put('/f/two', { n: 2 });
    await cache.put('/f/one', { n: 3 });
    expect([...(await cache.load())]).toEqual([
      ['/f/two', { n: 2 }],
      ['/f/one', { n: 3 }],
    ]);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ version: 1 });
  });

  it(`keeps the ${MAX_FLAKES} most recently written flakes`, async () => {
    const cache = flakeCacheFile(path.join(tmp, 'b.json'), isEntry);
    for (let i = 0; i < MAX_FLAKES + 3; i++) await cache.put(`/f/${i}`, { n: i });
    const kept = [...(await cache.load()).keys()];
    expect(kept).toHaveLength(MAX_FLAKES);
    expect(kept[0]).toBe('/f/3');
    expect(kept.at(-1)).toBe(`/f/${MAX_FLAKES + 2}`);
  });

  it('a foreign file, another version or a bad entry reads as nothing of it', async () => {
    const file = path.join(tmp, 'c.json');
    const cache = flakeCacheFile(file, isEntry);
    writeFileSync(file, 'not json');
    expect((await cache.load()).size).toBe(0);
    writeFileSync(file, JSON.stringify({ version: 2, flakes: { '/f': { n: 1 } } }));
    expect((await cache.load()).size).toBe(0);
    writeFileSync(file, JSON.stringify({ version: 1, flakes: { '/f': { n: 1 }, '/g': { n: 'x' } } }));
    expect([...(await cache.load())]).toEqual([['/f', { n: 1 }]]);
  });

  it('a folder it cannot make: nothing kept, no error', async () => {
    // a file where the folder would go stops even root
    const blocked = path.join(tmp, 'blocked');
    writeFileSync(blocked, '');
    const cache = flakeCacheFile(path.join(blocked, 'sub', 'cache.json'), isEntry);
    await expect(cache.put('/f', { n: 1 })).resolves.toBeUndefined();
    expect((await cache.load()).size).toBe(0);
  });
});
