import { parsePins } from './pins.js';

/** Everything the console remembers, with its type, default and a line for `config list`. */
export interface Prefs {
  flake?: string;
  todoFile?: string;
  lastPane: PaneId;
  lastHost?: string;
  asciiBorders: boolean;
  hideDoneTodos: boolean;
  rebuildExecutable?: string;
  rebuildFlags?: string;
  bell: boolean;
  /** how often a run pane is redrawn while its log grows, per second */
  refreshRate: RefreshRate;
  /** pinned generations per host, `hq:12,40;t460:3` (see core/pins.ts); prune never deletes them */
  pins?: string;
}

export const PANES = ['hosts', 'generations', 'todos'] as const;
export type PaneId = (typeof PANES)[number];

export const REFRESH_RATES = ['5', '10', '15', '20', '30'] as const;
export type RefreshRate = (typeof REFRESH_RATES)[number];

type PrefSpec =
  | { type: 'string'; description: string; default?: undefined }
  | { type: 'boolean'; description: string; default: boolean }
  | { type: 'enum'; values: readonly string[]; description: string; default: string }
  /** a string in the pins format of core/pins.ts; '' means none */
  | { type: 'pins'; description: string; default?: undefined };

export const PREF_SPECS = {
  flake: { type: 'string', description: 'flake folder used when --flake is not given' },
  todoFile: { type: 'string', description: 'todo file (relative paths are taken from the flake folder); default PROJECT.md' },
  lastPane: { type: 'enum', values: PANES, default: 'hosts', description: 'pane focused when the console opens' },
  lastHost: { type: 'string', description: 'host selected when the console opens' },
  asciiBorders: { type: 'boolean', default: false, description: 'draw borders with +-| instead of box-drawing characters' },
  hideDoneTodos: { type: 'boolean', default: false, description: 'hide ticked todos in the todo pane' },
  rebuildExecutable: { type: 'string', description: 'the nixos-rebuild to run (a path or a name in PATH); default nixos-rebuild' },
  rebuildFlags: { type: 'string', description: 'extra flags for every rebuild, split at spaces (e.g. "--show-trace -L")' },
  bell: { type: 'boolean', default: true, description: 'ring the terminal bell when a rebuild ends' },
  refreshRate: { type: 'enum', values: REFRESH_RATES, default: '15', description: 'redraws per second of a run pane while its log grows (lower saves bandwidth over slow SSH)' },
  pins: { type: 'pins', description: 'generations prune never deletes, per host: "hq:12,40;t460:3" (P in the console)' },
} as const satisfies Record<keyof Prefs, PrefSpec>;

export type PrefKey = keyof typeof PREF_SPECS;
export const PREF_KEYS = Object.keys(PREF_SPECS) as PrefKey[];

export const DEFAULT_PREFS: Prefs = { lastPane: 'hosts', asciiBorders: false, hideDoneTodos: false, bell: true, refreshRate: '15' };

export function isPrefKey(key: string): key is PrefKey {
  return Object.hasOwn(PREF_SPECS, key);
}

/** Problems with a stored preferences object, in words; empty when it is valid. */
export function validatePrefs(value: unknown): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return ['the file does not hold a JSON object'];
  const problems: string[] = [];
  for (const [key, v] of Object.entries(value)) {
    if (!isPrefKey(key)) {
      problems.push(`unknown key "${key}"`);
      continue;
    }
    const problem = checkValue(key, v);
    if (problem) problems.push(problem);
  }
  return problems;
}

function checkValue(key: PrefKey, v: unknown): string | null {
  const spec: PrefSpec = PREF_SPECS[key];
  if (spec.type === 'string') return typeof v === 'string' && v !== '' ? null : `"${key}" must be a non-empty string`;
  if (spec.type === 'boolean') return typeof v === 'boolean' ? null : `"${key}" must be true or false`;
  if (spec.type === 'pins') {
    if (typeof v !== 'string') return `"${key}" must be a string like "hq:12,40;t460:3"`;
    const parsed = parsePins(v);
    return parsed.ok ? null : `"${key}" must look like "hq:12,40;t460:3": ${parsed.error}`;
  }
  return typeof v === 'string' && spec.values.includes(v) ? null : `"${key}" must be one of ${spec.values.join(', ')}`;
}

/** Parse a value typed on the command line for `config set`. */
export function parsePrefValue(key: PrefKey, raw: string): { ok: true; value: string | boolean } | { ok: false; error: string } {
  const spec: PrefSpec = PREF_SPECS[key];
  let value: string | boolean = raw;
  if (spec.type === 'boolean') {
    if (!['true', 'false', 'yes', 'no', 'on', 'off'].includes(raw)) return { ok: false, error: `"${key}" takes true or false, not "${raw}"` };
    value = ['true', 'yes', 'on'].includes(raw);
  }
  const problem = checkValue(key, value);
  return problem ? { ok: false, error: problem } : { ok: true, value };
}

/** Stored values over defaults; invalid single values are dropped (the caller warns). */
export function withDefaults(stored: Record<string, unknown>): Prefs {
  const prefs: Record<string, unknown> = { ...DEFAULT_PREFS };
  for (const key of PREF_KEYS) if (key in stored && checkValue(key, stored[key]) === null) prefs[key] = stored[key];
  return prefs as unknown as Prefs;
}
