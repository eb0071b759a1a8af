import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { configDir, openPrefs } from '../../src/system/prefs.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nixdeck-prefs-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('openPrefs', () => {
  it('uses defaults, stores what is set, and persists across opens', async () => {
    const dir = tempDir();
    const prefs = openPrefs(dir);
    expect(prefs.warning).toBeNull();
    expect(prefs.get()).toEqual({ lastPane: 'hosts', asciiBorders: false, hideDoneTodos: false, bell: true, refreshRate: '15', connectTimeout: 10, parallel: 3, confirmTimeout: 30, inputFreshDays: 14, inputOldDays: 30, inputVeryOldDays: 90, autoCommit: 'ask', commitTemplate: '<hosts>: <action> <generation> — <changed files>' });
    await prefs.set('lastPane', 'todos');
    await prefs.set('asciiBorders', true);
    expect(openPrefs(dir).get()).toMatchObject({ lastPane: 'todos', asciiBorders: true });
    expect(JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8'))).toEqual({ lastPane: 'todos', asciiBorders: true });
    await openPrefs(dir).unset('asciiBorders');
    expect(openPrefs(dir).stored()).toEqual({ lastPane: 'todos' });
  });

  it.each([
    ['not JSON', '{"lastPane": "todos",'],
    ['empty', ''],
    ['wrong type', '{"asciiBorders": "yes"}'],
    ['unknown pane', '{"lastPane": "nowhere"}'],
    ['not an object', '[1,2]'],
  ])('moves a %s file aside, keeps it byte for byte, and warns once', (_name, content) => {
    const dir = tempDir();
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'config.json'), content);
    const prefs = openPrefs(dir, new Date('2026-01-02T03:04:05Z'));
    expect(prefs.get()).toEqual({ lastPane: 'hosts', asciiBorders: false, hideDoneTodos: false, bell: true, refreshRate: '15', connectTimeout: 10, parallel: 3, confirmTimeout: 30, inputFreshDays: 14, inputOldDays: 30, inputVeryOldDays: 90, autoCommit: 'ask', commitTemplate: '<hosts>: <action> <generation> — <changed files>' });
    const aside = path.join(dir, 'config.json.invalid-2026-01-02T03-04-05-000Z');
    expect(prefs.warning).toContain(aside);
    expect(readFileSync(aside, 'utf8')).toBe(content);
    expect(existsSync(path.join(dir, 'config.json'))).toBe(false);
    expect(openPrefs(dir).warning).toBeNull();
    expect(readdirSync(dir)).toContain('config.json.invalid-2026-01-02T03-04-05-000Z');
  });

  it('refuses invalid values on set and keeps the file as it was', async () => {
    const dir = tempDir();
    const prefs = openPrefs(dir);
    await prefs.set('lastPane', 'todos');
    await expect(prefs.set('lastPane', 'nowhere')).rejects.toThrow('must be one of');
    expect(openPrefs(dir).get().lastPane).toBe('todos');
  });

  it('lives under $XDG_CONFIG_HOME/nixdeck', () => {
    expect(configDir({ XDG_CONFIG_HOME: '/x/cfg' })).toBe('/x/cfg/nixdeck');
    expect(configDir({ XDG_CONFIG_HOME: 'relative' })).toBe(path.join(os.homedir(), '.config/nixdeck'));
  });
});
