import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HQ_GENERATIONS, T460_GENERATIONS } from '../helpers/ui.js';
import { fileGenerationsCache } from '../../src/system/generationsCache.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) {
    chmodSync(d, 0o755);
    rmSync(d, { recursive: true, force: true });
  }
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'nixdeck-gencache-'));
  dirs.push(dir);
  return dir;
}

describe('the kept generation lists of remote hosts', () => {
  it('keeps the last list of each host with when it was read, and nothing else in the folder', async () => {
    const dir = path.join(tempDir(), 'generations');
    const cache = fileGenerationsCache(dir);
    expect(await cache.read('t460')).toBeNull();
    await cache.write('t460', T460_GENERATIONS, 1000);
    await cache.write('hq', HQ_GENERATIONS, 2000);
    await cache.write('t460', HQ_GENERATIONS, 3000);
    expect(await cache.read('t460')).toEqual({ list: JSON.parse(JSON.stringify(HQ_GENERATIONS)), savedAtMs: 3000 });
    expect((await cache.read('hq'))?.savedAtMs).toBe(2000);
    // written whole under a temporary name and renamed: no temporary file stays behind
    expect(readdirSync(dir).sort()).toEqual(['hq.json', 't460.json']);
  });

  it('a list read through another target is not shown as this host’s', async () => {
    const cache = fileGenerationsCache(tempDir());
    await cache.write('t460', T460_GENERATIONS, 1000, 'root@10.0.0.5');
    expect(await cache.read('t460', 'root@10.0.0.5')).not.toBeNull();
    expect(await cache.read('t460', 'admin@t460.lan')).toBeNull();
  });

  it('ignores a file that is not one of ours, and names that are not host names', async () => {
    const dir = tempDir();
    const cache = fileGenerationsCache(dir);
    writeFileSync(path.join(dir, 't460.json'), '{"version":1,"host":"t460","savedAtMs":1,"list":{"generations":[{"generation":"x"}],"rebootNeeded":false}}');
    expect(await cache.read('t460')).toBeNull();
    writeFileSync(path.join(dir, 'pi.json'), 'not json');
    expect(await cache.read('pi')).toBeNull();
    await cache.write('../escape', T460_GENERATIONS);
    expect(await cache.read('../escape')).toBeNull();
    expect(readdirSync(path.dirname(dir)).filter((f) => f.startsWith('escape'))).toEqual([]);
  });

  it('a folder that cannot be written keeps no list and says nothing', async () => {
    if (process.getuid?.() === 0) {
      // root writes anywhere: a file where the folder should be stands in for it
      const parent = tempDir();
      writeFileSync(path.join(parent, 'generations'), '');
      await expect(fileGenerationsCache(path.join(parent, 'generations')).write('t460', T460_GENERATIONS)).resolves.toBeUndefined();
      return;
    }
    const dir = tempDir();
    mkdirSync(path.join(dir, 'generations'));
    chmodSync(path.join(dir, 'generations'), 0o555);
    const cache = fileGenerationsCache(path.join(dir, 'generations'));
    await expect(cache.write('t460', T460_GENERATIONS)).resolves.toBeUndefined();
    expect(await cache.read('t460')).toBeNull();
  });
});
