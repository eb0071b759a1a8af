// The reaper of demo folders whose console died without removing them.
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDemoFleet } from '../../src/demo/demoFleet.js';
import { OWNER_FILE, reapStaleDemoFolders, writeOwner } from '../../src/demo/demoOwner.js';

const parent = mkdtempSync(path.join(os.tmpdir(), 'nixdeck-reaper-'));
afterAll(() => rmSync(parent, { recursive: true, force: true }));

/** A pid that has just ended (and was reaped). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

function demoFolder(name: string, owner: string | null): string {
  const dir = path.join(parent, `nixdeck-demo-${name}`);
  mkdirSync(path.join(dir, 'fleet'), { recursive: true });
  if (owner !== null) writeFileSync(path.join(dir, OWNER_FILE), owner);
  return dir;
}

describe('reapStaleDemoFolders', () => {
  it('removes the folders whose owner process is gone and keeps those of live demos', async () => {
    const fleet = await createDemoFleet({ parentDir: parent });
    await fleet.ready();
    // the fleet names this process as its owner
    expect(readFileSync(path.join(fleet.dir, OWNER_FILE), 'utf8')).toMatch(new RegExp(`^${process.pid} \\d+\\n$`));
    const stale = demoFolder('dead01', `${deadPid()} 12345\n`);
    const reused = demoFolder('reuse1', `${process.pid} 1\n`); // a live pid, but started at another time
    const live = demoFolder('alive1', '');
    writeOwner(live);
    const other = path.join(parent, 'not-a-demo');
    mkdirSync(other);
    writeFileSync(path.join(other, OWNER_FILE), `${deadPid()}\n`);

    const removed = reapStaleDemoFolders(parent);
    expect(removed.sort()).toEqual([stale, reused].sort());
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(reused)).toBe(false);
    expect(existsSync(live)).toBe(true);
    expect(existsSync(fleet.dir)).toBe(true);
    expect(existsSync(other)).toBe(true);
    await fleet.cleanup();
  });

  it('leaves a folder without an owner file alone while it is young, and removes an old one', () => {
    const young = demoFolder('young1', null);
    const old = demoFolder('oldone', null);
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    utimesSync(old, twoHoursAgo, twoHoursAgo);
    expect(reapStaleDemoFolders(parent)).toEqual([old]);
    expect(existsSync(young)).toBe(true);
  });

  it('never touches a symlink, nor another user’s folder', () => {
    const target = mkdtempSync(path.join(os.tmpdir(), 'nixdeck-reaper-target-'));
    writeFileSync(path.join(target, OWNER_FILE), `${deadPid()}\n`);
    const link = path.join(parent, 'nixdeck-demo-link01');
    symlinkSync(target, link);
    const others = demoFolder('other1', `${deadPid()}\n`);
    const asRoot = process.getuid?.() === 0;
    // only root can give a folder away; as another user, make this one look foreign by its owner instead
    if (asRoot) chownSync(others, 65534, 65534);
    const removed = reapStaleDemoFolders(parent);
    expect(removed).not.toContain(link);
    expect(existsSync(path.join(target, OWNER_FILE))).toBe(true);
    if (asRoot) expect(existsSync(others)).toBe(true);
    else expect(removed).toContain(others);
    rmSync(target, { recursive: true, force: true });
    rmSync(link);
    rmSync(others, { recursive: true, force: true });
  });
});
