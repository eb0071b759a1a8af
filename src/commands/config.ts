import { stat } from 'node:fs/promises';
import path from 'node:path';
import {
  DEFAULT_PREFS,
  HOST_PREF_FIELDS,
  hostPrefDescription,
  isPrefKey,
  PREF_KEYS,
  PREF_SPECS,
  parseHostPrefKey,
  parseHostPrefValue,
  parsePrefValue,
} from '../core/prefsSchema.js';
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
    const rows = PREF_KEYS.flatMap((key) => {
      if (key === 'hosts') return hostRows(prefs.get().hosts);
      const set = key in stored;
      const value = set ? stored[key] : (DEFAULT_PREFS as unknown as Record<string, unknown>)[key];
      return [[key, value === undefined ? '-' : String(value), set ? '' : '(default)', PREF_SPECS[key].description]];
    });
    for (const line of table([['KEY', 'VALUE', '', 'WHAT'], ...rows])) io.out(line);
    return 0;
  }
  const hostKey = parseHostPrefKey(inv.key);
  if (hostKey !== null) {
    if (!hostKey.ok) {
      io.err(`error: ${hostKey.error}`);
      return 2;
    }
    return hostConfig(prefs, io, inv, hostKey.host, hostKey.field);
  }
  if (!isPrefKey(inv.key) || inv.key === 'hosts') {
    io.err(`error: unknown preference "${inv.key}"; known: ${PREF_KEYS.map((k) => (k === 'hosts' ? 'hosts.<name>.target, hosts.<name>.buildHost' : k)).join(', ')}`);
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

type HostField = (typeof HOST_PREF_FIELDS)[number];

/** One row per host setting that is set; the two forms with "-" when none is. */
function hostRows(hosts: Record<string, Partial<Record<HostField, string>>> | undefined): string[][] {
  const rows: string[][] = [];
  for (const [host, fields] of Object.entries(hosts ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    for (const field of HOST_PREF_FIELDS) {
      const value = fields[field];
      if (value !== undefined) rows.push([`hosts.${host}.${field}`, value, '', hostPrefDescription(field)]);
    }
  }
  if (rows.length > 0) return rows;
  return HOST_PREF_FIELDS.map((field) => [`hosts.<name>.${field}`, '-', '(default)', hostPrefDescription(field)]);
}

async function hostConfig(prefs: PrefsStore, io: Io, inv: Exclude<ConfigInvocation, { action: 'list' | 'path' }>, host: string, field: HostField): Promise<number> {
  const key = `hosts.${host}.${field}`;
  if (inv.action === 'get') {
    const value = prefs.get().hosts?.[host]?.[field];
    if (value === undefined) {
      io.err(`${key} is not set${field === 'target' ? ` (ssh reaches the host as "${host}")` : ' (the host is built on this machine)'}`);
      return 1;
    }
    io.out(value);
    return 0;
  }
  if (inv.action === 'unset') {
    await prefs.unsetHost(host, field);
    return 0;
  }
  const parsed = parseHostPrefValue(host, field, inv.value);
  if (!parsed.ok) {
    io.err(`error: ${parsed.error}`);
    return 2;
  }
  await prefs.setHost(host, field, parsed.value);
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
