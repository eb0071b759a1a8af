// The answer of the host-facts script (src/system/remote/scripts/host-facts.sh) turned into
// HostStatusFacts: the same facts the local profile reader gathers, so that one core function
// (buildGenerationList) makes every host's generation list.
//
// The answer is one record a line, KEY<TAB>VALUE; a "+" record continues the value before it on
// a new line. A generation's facts follow its "link" record, except its files' lines, which
// come later as "file" records naming the link by its place (1 = the first link record). Only the last field of a record is free text, so a tab or a control character in a
// specialisation name or a nixos-version file cannot shift a field.
import { revisionIn } from './configurationRevision.js';
import { generationNumberOf } from './generations.js';
import type { BootPaths, HostStatusFacts } from './hostFacts.js';
import type { GenerationLinkFacts } from './types.js';

/** The first line of the answer, and the format this parser reads (bump with the script). */
export const HOST_FACTS_MARKER = 'nixdeck-host-facts';
export const HOST_FACTS_FORMAT = 1;

export type HostFactsParse = { ok: true; facts: HostStatusFacts } | { ok: false; error: string };

interface RecordLine {
  key: string;
  value: string;
  line: number;
}

interface LinkDraft {
  entry: string;
  line: number;
  raw: string | null;
  state: 'ok' | 'dangling' | 'unreadable' | null;
  why: string;
  version: string[] | null;
  hasKernelModules: boolean;
  kernels: string[];
  specs: string[];
  revJson: string[];
  revSw: string[];
  mtimeMs: number | null;
}

interface SystemDraft {
  toplevel: string | null;
  kernel: string | null;
  initrd: string | null;
  kernelModules: string | null;
  kernelVersions: string[];
  same: boolean;
}

class ParseError extends Error {}

/** Text printed by host-facts.sh -> the host's facts, or one line saying what is wrong. */
export function parseHostFacts(text: string): HostFactsParse {
  try {
    return { ok: true, facts: interpret(recordsOf(text)) };
  } catch (error) {
    if (error instanceof ParseError) return { ok: false, error: error.message };
    throw error;
  }
}

/** The records after the marker line, with "+" continuations joined to the value before them. */
function recordsOf(text: string): RecordLine[] {
  const lines = text.split('\n');
  // a login script may print something before the marker: skip it
  const start = lines.findIndex((l) => l === HOST_FACTS_MARKER || l.startsWith(`${HOST_FACTS_MARKER}\t`));
  if (start < 0) {
    const first = lines.find((l) => l.trim() !== '');
    throw new ParseError(
      first === undefined
        ? 'the host printed nothing (expected the answer of the host-facts script)'
        : `the host's answer is not from the host-facts script: it starts with ${quote(first)}`,
    );
  }
  const format = (lines[start] ?? '').slice(HOST_FACTS_MARKER.length + 1);
  if (format !== String(HOST_FACTS_FORMAT)) {
    throw new ParseError(
      `the host-facts script printed format ${quote(format)}, this nixdeck reads format ${HOST_FACTS_FORMAT}: the script and the parser come from different versions`,
    );
  }
  const records: RecordLine[] = [];
  for (let i = start + 1; i < lines.length; i++) {
    const raw = lines[i] ?? '';
    if (raw === '' && i === lines.length - 1) break; // the final newline
    const tab = raw.indexOf('\t');
    if (tab < 0) throw new ParseError(`line ${i + 1} of the host facts is not KEY<TAB>VALUE: ${quote(raw)}`);
    const key = raw.slice(0, tab);
    const value = raw.slice(tab + 1);
    if (key === '+') {
      const previous = records.at(-1);
      if (!previous) throw new ParseError(`line ${i + 1} of the host facts continues nothing`);
      previous.value += `\n${value}`;
      continue;
    }
    records.push({ key, value, line: i + 1 });
  }
  return records;
}

/** What the records have said so far; the handlers below fill it in. */
interface HostDraft {
  hostname: string | null;
  uid: string | null;
  uptime: number | null;
  dir: string;
  name: string;
  current: string | null;
  failedUnits: string[] | null;
  ended: boolean;
  links: LinkDraft[];
  byEntry: Map<string, LinkDraft>;
  systems: Record<'running' | 'booted', SystemDraft>;
}

type RecordHandler = (draft: HostDraft, r: RecordLine) => void;

function interpret(records: RecordLine[]): HostStatusFacts {
  const draft = emptyHost();
  for (const r of records) {
    if (draft.ended) throw new ParseError(`line ${r.line} of the host facts comes after its end marker`);
    const system = systemKey(r.key);
    if (system) {
      applySystem(draft.systems[system.which], system.part, r);
      continue;
    }
    if (!isRecordKind(r.key)) {
      throw new ParseError(`line ${r.line} of the host facts has an unknown key ${quote(r.key)}: the script and the parser come from different versions`);
    }
    RECORD_HANDLERS[r.key](draft, r);
  }
  if (!draft.ended) throw new ParseError('the host facts were cut off (no end marker): the connection or the script ended early');
  return hostFacts(draft);
}

const RECORD_HANDLERS = {
  error: (_, r) => {
    throw new ParseError(`the host-facts script stopped: ${r.value}`);
  },
  hostname: (d, r) => {
    d.hostname = r.value.trim() || null;
  },
  uid: (d, r) => {
    d.uid = r.value.trim();
  },
  uptime: (d, r) => {
    const seconds = Number.parseFloat(r.value);
    d.uptime = Number.isFinite(seconds) && seconds >= 0 ? Math.floor(seconds) : null;
  },
  dir: (d, r) => {
    d.dir = r.value;
  },
  name: (d, r) => {
    d.name = r.value;
  },
  current: (d, r) => {
    d.current = r.value;
  },
  link: addLink,
  target: (d, r) => {
    lastLink(d, r).raw = r.value;
  },
  state: setLinkState,
  version: (d, r) => {
    lastLink(d, r).version = [r.value];
  },
  kernels: (d, r) => {
    lastLink(d, r).hasKernelModules = true;
  },
  kernel: (d, r) => {
    lastLink(d, r).kernels.push(r.value);
  },
  spec: (d, r) => {
    lastLink(d, r).specs.push(r.value);
  },
  revjson: (d, r) => {
    lastLink(d, r).revJson.push(r.value);
  },
  revsw: (d, r) => {
    lastLink(d, r).revSw.push(r.value);
  },
  file: addFileLine,
  mtime: setLinkDate,
  units: (d, r) => {
    d.failedUnits = r.value === 'listed' ? [] : null;
  },
  unit: (d, r) => {
    if (d.failedUnits === null) throw new ParseError(`line ${r.line} of the host facts: a failed unit without "units listed"`);
    d.failedUnits.push(r.value);
  },
  end: (d) => {
    d.ended = true;
  },
} satisfies Record<string, RecordHandler>;

type RecordKind = keyof typeof RECORD_HANDLERS;

function isRecordKind(key: string): key is RecordKind {
  return Object.hasOwn(RECORD_HANDLERS, key);
}

function emptyHost(): HostDraft {
  return {
    hostname: null,
    uid: null,
    uptime: null,
    dir: '/',
    name: 'system',
    current: null,
    failedUnits: null,
    ended: false,
    links: [],
    byEntry: new Map(),
    systems: { running: emptySystem(), booted: emptySystem() },
  };
}

/** The generation link that a link's own record (target, state, version, ...) belongs to: the last one listed. */
function lastLink(d: HostDraft, r: RecordLine): LinkDraft {
  const last = d.links.at(-1);
  if (!last) throw new ParseError(`line ${r.line} of the host facts: "${r.key}" before any generation link`);
  return last;
}

function addLink(d: HostDraft, r: RecordLine): void {
  const link: LinkDraft = {
    entry: r.value,
    line: r.line,
    raw: null,
    state: null,
    why: '',
    version: null,
    hasKernelModules: false,
    kernels: [],
    specs: [],
    revJson: [],
    revSw: [],
    mtimeMs: null,
  };
  d.links.push(link);
  d.byEntry.set(r.value, link);
}

function setLinkState(d: HostDraft, r: RecordLine): void {
  const [state = '', why = ''] = splitOnce(r.value);
  if (state !== 'ok' && state !== 'dangling' && state !== 'unreadable') {
    throw new ParseError(`line ${r.line} of the host facts: unknown generation state ${quote(state)}`);
  }
  Object.assign(lastLink(d, r), { state, why });
}

/** A file's line, read by the one awk after the links: file<TAB>INDEX<TAB>KIND<TAB>line */
function addFileLine(d: HostDraft, r: RecordLine): void {
  const [index = '', rest = ''] = splitOnce(r.value);
  const [kind = '', line = ''] = splitOnce(rest);
  const link = /^[1-9]\d{0,8}$/.test(index) ? d.links[Number(index) - 1] : undefined;
  if (!link) throw new ParseError(`line ${r.line} of the host facts: a file of generation link ${quote(index)}, which was not listed`);
  if (kind === 'version') (link.version ??= []).push(line);
  else if (kind === 'revjson') link.revJson.push(line);
  else if (kind === 'revsw') link.revSw.push(line);
  else throw new ParseError(`line ${r.line} of the host facts: unknown kind of file ${quote(kind)}`);
}

function setLinkDate(d: HostDraft, r: RecordLine): void {
  const [stamp = '', entry = ''] = splitOnce(r.value);
  const link = d.byEntry.get(entry.startsWith('./') ? entry.slice(2) : entry);
  const ms = millisecondsOf(stamp);
  if (ms === null) throw new ParseError(`line ${r.line} of the host facts: the date of ${quote(entry)} is not a number: ${quote(stamp)}`);
  if (link) link.mtimeMs = ms;
}

function hostFacts(d: HostDraft): HostStatusFacts {
  const { systems } = d;
  if (systems.booted.same) systems.booted = { ...systems.running, kernelVersions: [...systems.running.kernelVersions], same: false };
  const running = bootPaths(systems.running);
  const booted = bootPaths(systems.booted);
  return {
    hostname: d.hostname,
    profile: {
      currentNumber: d.current === null ? null : generationNumberOf(baseName(d.current), d.name),
      runningPath: running.toplevel,
      bootedPath: booted.toplevel,
      runningKernel: firstSorted(systems.running.kernelVersions),
      bootedKernel: firstSorted(systems.booted.kernelVersions),
      links: d.links.flatMap((link) => linkFacts(link, d.dir, d.name)),
    },
    running,
    booted,
    failedUnits: d.failedUnits,
    uptimeSeconds: d.uptime,
    isRoot: d.uid === '0',
  };
}

function linkFacts(draft: LinkDraft, dir: string, name: string): GenerationLinkFacts[] {
  const number = generationNumberOf(draft.entry, name);
  if (number === null) return [];
  const facts: GenerationLinkFacts = {
    number,
    mtimeMs: draft.mtimeMs ?? 0,
    target: draft.raw === null ? null : resolveLink(dir, draft.raw),
    state: 'ok',
    nixosVersion: null,
    kernelVersion: null,
    configurationRevision: null,
    specialisations: [],
  };
  const where = facts.target ?? joinPath(dir, draft.entry);
  if (draft.mtimeMs === null) return [{ ...facts, state: 'unreadable', problem: `${joinPath(dir, draft.entry)}: its date could not be read` }];
  if (draft.state === 'dangling') return [{ ...facts, state: 'dangling', problem: `${where} no longer exists (garbage-collected?)` }];
  if (draft.state !== 'ok') return [{ ...facts, state: 'unreadable', problem: `${where}: ${draft.why || 'could not be read'}` }];
  facts.nixosVersion = draft.version?.join('\n').trim() || null;
  facts.kernelVersion = draft.hasKernelModules ? firstSorted(draft.kernels) : null;
  facts.specialisations = [...draft.specs];
  facts.configurationRevision = revisionIn(draft.revJson.join('\n')) ?? revisionIn(draft.revSw.join('\n'));
  return [facts];
}

type SystemPart = 'path' | 'kernel' | 'initrd' | 'kernel-modules' | 'kver' | 'raw' | 'same';
const SYSTEM_PARTS: readonly SystemPart[] = ['kernel', 'initrd', 'kernel-modules', 'kver', 'raw', 'same'];

function systemKey(key: string): { which: 'running' | 'booted'; part: SystemPart } | null {
  for (const which of ['running', 'booted'] as const) {
    if (key === which) return { which, part: 'path' };
    const part = SYSTEM_PARTS.find((p) => key === `${which}-${p}`);
    if (part) return { which, part };
  }
  return null;
}

function applySystem(system: SystemDraft, part: SystemPart, r: RecordLine): void {
  switch (part) {
    case 'path':
      system.toplevel = r.value;
      break;
    case 'raw':
      // a dangling /run link: its target (made absolute by the script), as the local reader resolves it
      system.toplevel = normalisePath(r.value);
      break;
    case 'kernel':
      system.kernel = r.value || null;
      break;
    case 'initrd':
      system.initrd = r.value || null;
      break;
    case 'kernel-modules':
      system.kernelModules = r.value || null;
      break;
    case 'kver':
      system.kernelVersions.push(r.value);
      break;
    case 'same':
      system.same = true;
      break;
  }
}

function emptySystem(): SystemDraft {
  return { toplevel: null, kernel: null, initrd: null, kernelModules: null, kernelVersions: [], same: false };
}

function bootPaths(system: SystemDraft): BootPaths {
  return { toplevel: system.toplevel, kernel: system.kernel, initrd: system.initrd, kernelModules: system.kernelModules };
}

/** The one kernel directory the local reader picks: the first in sort order. */
function firstSorted(names: readonly string[]): string | null {
  return [...names].sort()[0] ?? null;
}

/** `1748772000.123` (GNU stat) or `1748772000` (busybox) -> milliseconds, without float rounding. */
function millisecondsOf(stamp: string): number | null {
  const match = /^(\d{1,15})(?:\.(\d+))?$/.exec(stamp);
  if (!match) return null;
  const [, seconds = '0', fraction = ''] = match;
  return Number(seconds) * 1000 + Number((fraction + '000').slice(0, 3));
}

/** A link's target as the local reader gives it: absolute as written, relative resolved against the link's folder. */
function resolveLink(dir: string, raw: string): string {
  return raw.startsWith('/') ? raw : normalisePath(joinPath(dir, raw));
}

function joinPath(dir: string, entry: string): string {
  return dir.endsWith('/') ? `${dir}${entry}` : `${dir}/${entry}`;
}

/** `/a/./b/../c` -> `/a/c` (POSIX, no file system). */
function normalisePath(p: string): string {
  const absolute = p.startsWith('/');
  const parts: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length > 0 && parts.at(-1) !== '..') parts.pop();
      else if (!absolute) parts.push('..');
      continue;
    }
    parts.push(part);
  }
  const joined = parts.join('/');
  return absolute ? `/${joined}` : joined || '.';
}

function baseName(p: string): string {
  const trimmed = p.replace(/\/+$/, '');
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

function splitOnce(value: string): [string, string] {
  const tab = value.indexOf('\t');
  return tab < 0 ? [value, ''] : [value.slice(0, tab), value.slice(tab + 1)];
}

/** A value for a one-line message: cut, and with its control characters written as escapes. */
function quote(value: string): string {
  const cut = value.length > 80 ? `${value.slice(0, 80)}…` : value;
  return JSON.stringify(cut).replace(/[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
