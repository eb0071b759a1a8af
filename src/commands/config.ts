import { stat } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_PREFS, isPrefKey, PREF_KEYS, PREF_SPECS, parsePrefValue } from '../core/prefsSchema.js';
import type { PrefsStore } from '../system/prefs.js';
import type { Invocation } from '../args.js';
import type { Io } from './io.js';
import { table } from './table.js';

type ConfigInvocation = Extract<Invocation, { kind: 'config' }>;

export async function configCommand(prefs: PrefsStore, io: Io, inv: ConfigInvocation): Promise<number> {
  if (inv.action === 'path') {
    io.out(prefs.path);
    return 0;
  }
  if (inv.action === 'list') {
    const stored = prefs.stored() as Record<string, unknown>;
    const rows = PREF_KEYS.map((key) => {
      const set = key in stored;
      const value = set ? stored[key] : (DEFAULT_PREFS as unknown as Record<string, unknown>)[key];
      return [key, value === undefined ? '-' : String(value), set ? '' : '(default)', PREF_SPECS[key].description];
    });
    for (const line of table([['KEY', 'VALUE', '', 'WHAT'], ...rows])) io.out(line);
    return 0;
  }
  if (!isPrefKey(inv.key)) {
    io.err(`error: unknown preference "${inv.key}"; known: ${PREF_KEYS.join(', ')}`);
    return 2;
  }
  if (inv.action === 'get') {
    const value = (prefs.get() as unknown as Record<string, unknown>)[inv.key];
    if (value === undefined) {
      io.err(`${inv.key} is not set`);
      return 1;
    }
    io.out(String(value));
    return 0;
  }
  if (inv.action === 'unset') {
    await prefs.unset(inv.key);
    return 0;
  }
  const parsed = parsePrefValue(inv.key, inv.value);
  if (!parsed.ok) {
    io.err(`error: ${parsed.error}`);
    return 2;
  }
  await prefs.set(inv.key, parsed.value);
  if (inv.key === 'flake' && typeof parsed.value === 'string') {
    const warning = await flakeFolderWarning(parsed.value);
    if (warning) io.err(`warning: ${warning}`);
  }
  return 0;
}

/** A flake folder that cannot be used yet is still stored (it may be mounted or cloned later); say so. */
async function flakeFolderWarning(dir: string): Promise<string | null> {
  const full = path.resolve(dir);
  try {
    if (!(await stat(full)).isDirectory()) return `${full} is not a folder: set the folder that holds flake.nix (nixdeck config set flake DIR)`;
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return `${full} does not exist (set anyway): create or clone the flake there, or set another folder (nixdeck config set flake DIR)`;
    return `${full} cannot be read (${(error as Error).message}) (set anyway)`;
  }
  try {
    await stat(path.join(full, 'flake.nix'));
    return null;
  } catch {
    return `${full} holds no flake.nix (set anyway): hosts come from the flake's nixosConfigurations; point it at the folder with flake.nix (nixdeck config set flake DIR)`;
  }
}
