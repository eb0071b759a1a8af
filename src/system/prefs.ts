import { existsSync, readFileSync, renameSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Conf from 'conf';
import { confSchema, type PrefKey, type Prefs, validatePrefs, withDefaults } from '../core/prefsSchema.js';

export interface PrefsStore {
  readonly path: string;
  /** set when the stored file was unusable and moved aside */
  readonly warning: string | null;
  get(): Prefs;
  /** only what the user set, without defaults */
  stored(): Partial<Prefs>;
  set(key: PrefKey, value: string | boolean): void;
  unset(key: PrefKey): void;
}

export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(os.homedir(), '.config');
  return path.join(base, 'nixdeck');
}

/**
 * Preferences through conf, validated by our schema. A file that is not JSON or breaks the
 * schema is renamed aside (never deleted), defaults are used and one warning says where it went.
 */
export function openPrefs(dir: string = configDir(), now: Date = new Date()): PrefsStore {
  const file = path.join(dir, 'config.json');
  const warning = quarantineIfInvalid(file, now);
  const conf = new Conf<Record<string, unknown>>({
    cwd: dir,
    configName: 'config',
    projectName: 'nixdeck',
    projectSuffix: '',
    schema: confSchema(),
  });
  return {
    path: conf.path,
    warning,
    get: () => withDefaults(conf.store),
    stored: () => ({ ...conf.store }) as Partial<Prefs>,
    set: (key, value) => conf.set(key, value),
    unset: (key) => conf.delete(key),
  };
}

function quarantineIfInvalid(file: string, now: Date): string | null {
  if (!existsSync(file)) return null;
  let problem: string;
  try {
    const text = readFileSync(file, 'utf8');
    const problems = validatePrefs(JSON.parse(text));
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
