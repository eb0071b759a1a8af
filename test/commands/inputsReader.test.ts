import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_AGES } from '../../src/core/inputAge.js';
import { readFlakeInputs } from '../../src/system/flakeInputs.js';

const work = mkdtempSync(path.join(os.tmpdir(), 'nixdeck-inputs-reader-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const NOW = Date.parse('2026-11-30T12:00:00Z');

describe('readFlakeInputs', () => {
  it('reads flake.lock of the folder with the thresholds given', async () => {
    const dir = path.join(work, 'ok');
    mkdirSync(dir);
    const lastModified = NOW / 1000 - 20 * 86_400;
    writeFileSync(path.join(dir, 'flake.lock'), JSON.stringify({ nodes: { root: { inputs: { a: 'a' } }, a: { locked: { type: 'github', owner: 'o', repo: 'r', lastModified } } }, root: 'root', version: 7 }));
    const result = await readFlakeInputs(dir, NOW, { fresh: 30, old: 60, veryOld: 90 });
    expect(result.ok && result.value.map((i) => [i.name, i.ageDays, i.age])).toEqual([['a', 20, 'fresh']]);
  });

  it('a folder without flake.lock, a folder that is not there, a flake.lock that cannot be read', async () => {
    const bare = path.join(work, 'bare');
    mkdirSync(bare);
    expect(await readFlakeInputs(bare, NOW, DEFAULT_AGES)).toEqual({ ok: false, error: `no flake.lock in ${bare}: the flake has no locked inputs yet; \`nix flake lock\` writes one` });
    const gone = path.join(work, 'gone');
    expect(await readFlakeInputs(gone, NOW, DEFAULT_AGES)).toEqual({ ok: false, error: `the flake folder ${gone} does not exist`, hint: expect.stringContaining('--flake') });
    const odd = path.join(work, 'odd');
    mkdirSync(path.join(odd, 'flake.lock'), { recursive: true });
    expect(await readFlakeInputs(odd, NOW, DEFAULT_AGES)).toMatchObject({ ok: false, error: expect.stringContaining(`cannot read ${path.join(odd, 'flake.lock')}`) });
  });
});
