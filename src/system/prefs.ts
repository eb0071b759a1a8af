import { existsSync, readFileSync, renameSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  type HostPrefField,
  isPrefKey,
  type PrefKey,
  type Prefs,
  type PrefValue,
  parseHostPrefValue,
  parsePrefValue,
  validatePrefs,
  withDefaults,
  withHostPref,
} from '../core/prefsSchema.js';

export interface PrefsStore {
  readonly path: string;
  /** set when the stored file was unusable and moved aside */
  readonly warning: string | null;
  get(): Prefs;
  /** only what the user set, without defaults */
  stored(): Partial<Prefs>;
  /** validated against the schema; throws with the reason when the value does not fit */
  set(key: PrefKey, value: PrefValue): Promise<void>;
  unset(key: PrefKey): Promise<void>;
  /** `hosts.<host>.<field>`, validated like set */
  setHost(host: string, field: HostPrefField, value: string): Promise<void>;
  unsetHost(host: string, field: HostPrefField): Promise<void>;
}

export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(os.homedir(), '.config');
  return path.join(base, 'nixdeck');
}

/**
 * Preferences in conf's file, validated by our schema (core/prefsSchema.ts). A file that is
 * not JSON or breaks the schema is renamed aside (never deleted), defaults are used and one
 * warning says where it went. Reading is a plain JSON read so that start-up does not load
 * conf; conf itself is loaded on the first change and does the (atomic) writing.
 */
export function openPrefs(dir: string = configDir(), now: Date = new Date()): PrefsStore {
  const file = path.join(dir, 'config.json');
  const warning = quarantineIfInvalid(file, now);
  let stored: Record<string, unknown> = readStored(file);
  let conf: Promise<import('conf').default<Record<string, unknown>>> | undefined;
  const writer = () =>
    (conf ??= import('conf').then(({ default: Conf }) => new Conf<Record<string, unknown>>({ cwd: dir, configName: 'config', projectName: 'nixdeck', projectSuffix: '' })));
  // the hosts object is written whole: conf would read the dots of a host name as a path
  const writeHosts = async (hosts: Record<string, unknown>): Promise<void> => {
    const store = await writer();
    if (Object.keys(hosts).length === 0) store.delete('hosts');
    else store.set('hosts', hosts);
    stored = { ...store.store };
  };
  return {
    path: file,
    warning,
    get: () => withDefaults(stored),
    stored: () => ({ ...stored }) as Partial<Prefs>,
    async set(key, value) {
      if (!isPrefKey(key)) throw new Error(`unknown preference "${key}"`);
      const checked = parsePrefValue(key, String(value));
      if (!checked.ok) throw new Error(checked.error);
      const store = await writer();
      store.set(key, checked.value);
      stored = { ...store.store };
    },
    async unset(key) {
      const store = await writer();
      store.delete(key);
      stored = { ...store.store };
    },
    async setHost(host, field, value) {
      const checked = parseHostPrefValue(host, field, value);
      if (!checked.ok) throw new Error(checked.error);
      await writeHosts(withHostPref(withDefaults(stored).hosts, host, field, checked.value));
    },
    async unsetHost(host, field) {
      await writeHosts(withHostPref(withDefaults(stored).hosts, host, field, undefined));
    },
  };
}

function readStored(file: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function quarantineIfInvalid(file: string, now: Date): string | null {
  if (!existsSync(file)) return null;
  let problem: string;
  try {
    const problems = validatePrefs(JSON.parse(readFileSync(file, 'utf8')));
    if (problems.length === 0) return null;
    problem = problems.join('; ');
  } catch (error) {
    problem = error instanceof SyntaxError ? `not valid JSON (${error.message})` : `unreadable (${(error as Error).message})`;
  }
  const aside = `${file}.invalid-${now.toISOString().replace(/[:.]/g, '-')}`;
  try {
    renameSync(file, aside);
  } catch (error) {
    throw new Error(`preferences file ${file} is invalid (${problem}) and could not be moved aside: ${(error as Error).message}`);
  }
  return `preferences file ${file} was invalid (${problem}); it was kept as ${aside} and defaults are used`;
}
