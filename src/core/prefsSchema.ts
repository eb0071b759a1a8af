import { COMMIT_PLACEHOLDERS, commitTemplateProblem, DEFAULT_COMMIT_TEMPLATE } from './commitMessage.js';
import { parsePins } from './pins.js';
import { isValidHostName } from './hosts.js';
import { parseSshOptions, parseSshTarget } from './sshTarget.js';

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
  /** extra ssh options for every host, split like NIX_SSHOPTS (after it) */
  sshOptions?: string;
  /** seconds ssh waits for a host to answer */
  connectTimeout: number;
  /** hosts deployed at once */
  parallel: number;
  /** seconds a remote switch/test waits for nixdeck's confirmation before the host rolls back; 0 = off */
  confirmTimeout: number;
  /** a flake input younger than this many days is fresh */
  inputFreshDays: number;
  /** a flake input older than this many days is old */
  inputOldDays: number;
  /** a flake input older than this many days is very old */
  inputVeryOldDays: number;
  /** after a deploy that succeeded with the repository changed: commit never, ask, or at once */
  autoCommit: AutoCommit;
  /** the message of that commit, with placeholders (core/commitMessage.ts) */
  commitTemplate: string;
  /** per host: `hosts.<name>.target`, `hosts.<name>.buildHost` */
  hosts?: Record<string, HostPrefs>;
}

export const AUTO_COMMIT = ['off', 'ask', 'always'] as const;
export type AutoCommit = (typeof AUTO_COMMIT)[number];

export const HOST_PREF_FIELDS = ['target', 'buildHost'] as const;
export type HostPrefField = (typeof HOST_PREF_FIELDS)[number];
export type HostPrefs = Partial<Record<HostPrefField, string>>;

const HOST_PREF_DESCRIPTIONS: Record<HostPrefField, string> = {
  target: 'how ssh reaches the host: user@addr[:port], [ipv6]:port or an ssh alias; default the host name',
  buildHost: 'where the host is built (nixos-rebuild --build-host): user@addr or an ssh alias; default this machine',
};

export const PANES = ['hosts', 'generations', 'todos'] as const;
export type PaneId = (typeof PANES)[number];

export const REFRESH_RATES = ['5', '10', '15', '20', '30'] as const;
export type RefreshRate = (typeof REFRESH_RATES)[number];

type PrefSpec =
  | { type: 'string'; description: string; default?: undefined }
  | { type: 'boolean'; description: string; default: boolean }
  | { type: 'enum'; values: readonly string[]; description: string; default: string }
  /** a string in the pins format of core/pins.ts; '' means none */
  | { type: 'pins'; description: string; default?: undefined }
  | { type: 'integer'; min: number; max: number; unit: string; description: string; default: number }
  /** ssh options, split like NIX_SSHOPTS */
  | { type: 'sshOptions'; description: string; default?: undefined }
  /** per-host settings, set one at a time as hosts.<name>.<field> */
  | { type: 'hosts'; description: string; default?: undefined }
  /** a commit message template: a non-empty string; `config set` refuses unknown placeholders */
  | { type: 'commitTemplate'; description: string; default: string };

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
  sshOptions: { type: 'sshOptions', description: 'extra ssh options for every host, after NIX_SSHOPTS (e.g. "-i ~/.ssh/fleet -o ProxyJump=bastion")' },
  connectTimeout: { type: 'integer', min: 1, max: 600, unit: 'seconds', default: 10, description: 'seconds to wait for a host to answer before it is shown as unreachable' },
  parallel: { type: 'integer', min: 1, max: 64, unit: 'hosts', default: 3, description: 'hosts deployed at once (rebuild H1 H2 …, marked hosts)' },
  confirmTimeout: { type: 'integer', min: 0, max: 3600, unit: 'seconds', default: 30, description: 'seconds a remote switch/test waits for nixdeck to reach the host again before it rolls back; 0 = off' },
  inputFreshDays: { type: 'integer', min: 1, max: 3650, unit: 'days', default: 14, description: 'a flake input locked fewer days ago than this is shown as fresh' },
  inputOldDays: { type: 'integer', min: 1, max: 3650, unit: 'days', default: 30, description: 'a flake input locked more days ago than this is shown as old' },
  inputVeryOldDays: { type: 'integer', min: 1, max: 3650, unit: 'days', default: 90, description: 'a flake input locked more days ago than this is shown as very old' },
  autoCommit: { type: 'enum', values: AUTO_COMMIT, default: 'ask', description: 'after a deploy or switch that succeeded with the repository changed: ask to commit (ask), commit at once (always) or not (off); never pushes' },
  commitTemplate: {
    type: 'commitTemplate',
    default: DEFAULT_COMMIT_TEMPLATE,
    description: `message of that commit; placeholders: ${Object.entries(COMMIT_PLACEHOLDERS).map(([p, what]) => `${p} ${what}`).join('; ')}`,
  },
  hosts: { type: 'hosts', description: 'per host: hosts.<name>.target, hosts.<name>.buildHost' },
} as const satisfies Record<keyof Prefs, PrefSpec>;

export type PrefKey = keyof typeof PREF_SPECS;
/** what a preference holds in the file */
export type PrefValue = string | boolean | number;
export const PREF_KEYS = Object.keys(PREF_SPECS) as PrefKey[];

export const DEFAULT_PREFS: Prefs = {
  lastPane: 'hosts',
  asciiBorders: false,
  hideDoneTodos: false,
  bell: true,
  refreshRate: '15',
  connectTimeout: 10,
  parallel: 3,
  confirmTimeout: 30,
  inputFreshDays: 14,
  inputOldDays: 30,
  inputVeryOldDays: 90,
  autoCommit: 'ask',
  commitTemplate: DEFAULT_COMMIT_TEMPLATE,
};

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
  if (spec.type === 'integer') {
    return typeof v === 'number' && Number.isInteger(v) && v >= spec.min && v <= spec.max
      ? null
      : `"${key}" must be a whole number from ${spec.min} to ${spec.max} (${spec.unit})`;
  }
  if (spec.type === 'sshOptions') {
    if (typeof v !== 'string') return `"${key}" must be a string of ssh options`;
    const parsed = parseSshOptions(v, `"${key}"`);
    return parsed.ok ? null : parsed.error;
  }
  if (spec.type === 'hosts') return hostsProblem(v);
  if (spec.type === 'commitTemplate') return typeof v === 'string' && v.trim() !== '' ? null : `"${key}" must be a non-empty string`;
  return typeof v === 'string' && spec.values.includes(v) ? null : `"${key}" must be one of ${spec.values.join(', ')}`;
}

function hostsProblem(v: unknown): string | null {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return '"hosts" must be an object of host names';
  for (const [host, fields] of Object.entries(v)) {
    if (!isValidHostName(host)) return `"hosts" holds "${host}", which is not a host name`;
    if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) return `"hosts.${host}" must be an object`;
    for (const [field, value] of Object.entries(fields)) {
      if (!(HOST_PREF_FIELDS as readonly string[]).includes(field)) return `unknown key "hosts.${host}.${field}" (known: ${HOST_PREF_FIELDS.join(', ')})`;
      const problem = typeof value === 'string' ? hostFieldProblem(host, field as HostPrefField, value) : `"hosts.${host}.${field}" must be a string`;
      if (problem) return problem;
    }
  }
  return null;
}

function hostFieldProblem(host: string, field: HostPrefField, value: string): string | null {
  const parsed = parseSshTarget(value);
  if (!parsed.ok) return `hosts.${host}.${field}: ${parsed.error}`;
  if (field === 'buildHost' && parsed.value.port !== undefined) {
    return `hosts.${host}.buildHost: nixos-rebuild --build-host takes no port; name an ssh alias with that Port in ~/.ssh/config`;
  }
  return null;
}

/** `hosts.<name>.<field>` taken apart (a host name may itself hold dots), or null when the key is not of that form. */
export function parseHostPrefKey(key: string): { ok: true; host: string; field: HostPrefField } | { ok: false; error: string } | null {
  if (!key.startsWith('hosts.')) return null;
  const dot = key.lastIndexOf('.');
  const host = key.slice('hosts.'.length, dot);
  const field = key.slice(dot + 1);
  if (dot < 'hosts.'.length || host === '' || !(HOST_PREF_FIELDS as readonly string[]).includes(field)) {
    return { ok: false, error: `"${key}" is not a per-host preference; write hosts.<name>.${HOST_PREF_FIELDS.join(' or hosts.<name>.')}` };
  }
  if (!isValidHostName(host)) return { ok: false, error: `"${host}" in "${key}" is not a host name (letters, digits, ".", "_", "-")` };
  return { ok: true, host, field: field as HostPrefField };
}

/** Checks a value typed for `hosts.<name>.<field>`. */
export function parseHostPrefValue(host: string, field: HostPrefField, raw: string): { ok: true; value: string } | { ok: false; error: string } {
  const problem = hostFieldProblem(host, field, raw);
  return problem ? { ok: false, error: problem } : { ok: true, value: raw };
}

export function hostPrefDescription(field: HostPrefField): string {
  return HOST_PREF_DESCRIPTIONS[field];
}

/** The stored hosts object with one field set (value) or removed (undefined); hosts left empty are dropped. */
export function withHostPref(hosts: Prefs['hosts'], host: string, field: HostPrefField, value: string | undefined): Record<string, HostPrefs> {
  const next: Record<string, HostPrefs> = {};
  for (const [name, fields] of Object.entries(hosts ?? {})) next[name] = { ...fields };
  const fields = { ...(next[host] ?? {}) };
  if (value === undefined) delete fields[field];
  else fields[field] = value;
  if (Object.keys(fields).length === 0) delete next[host];
  else next[host] = fields;
  return next;
}

/** Parse a value typed on the command line for `config set`. */
export function parsePrefValue(key: PrefKey, raw: string): { ok: true; value: PrefValue } | { ok: false; error: string } {
  const spec: PrefSpec = PREF_SPECS[key];
  let value: PrefValue = raw;
  if (spec.type === 'boolean') {
    if (!['true', 'false', 'yes', 'no', 'on', 'off'].includes(raw)) return { ok: false, error: `"${key}" takes true or false, not "${raw}"` };
    value = ['true', 'yes', 'on'].includes(raw);
  }
  if (spec.type === 'integer') {
    if (!/^[0-9]{1,9}$/.test(raw.trim())) return { ok: false, error: `"${key}" takes a whole number of ${spec.unit} from ${spec.min} to ${spec.max}, not "${raw}"` };
    value = Number(raw.trim());
  }
  if (spec.type === 'hosts') return { ok: false, error: `set one host's setting at a time: hosts.<name>.${HOST_PREF_FIELDS.join(' or hosts.<name>.')}` };
  const problem = checkValue(key, value) ?? (spec.type === 'commitTemplate' ? commitTemplateProblem(raw) : null);
  return problem ? { ok: false, error: problem } : { ok: true, value };
}

/** Stored values over defaults; invalid single values are dropped (the caller warns). */
export function withDefaults(stored: Record<string, unknown>): Prefs {
  const prefs: Record<string, unknown> = { ...DEFAULT_PREFS };
  for (const key of PREF_KEYS) if (key in stored && checkValue(key, stored[key]) === null) prefs[key] = stored[key];
  return prefs as unknown as Prefs;
}
