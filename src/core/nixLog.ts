// One line of `nixos-rebuild … --log-format internal-json -v` output -> one event.
//
// The stream is a mix of `@nix {json}` records (from nix) and plain lines (nixos-rebuild's own,
// switch-to-configuration's, ssh's, "warning: Git tree … is dirty" from a plain nix, …).
// See ../shared/reference/nix-formats.md §5. Facts this parser relies on:
// - nix serialises with sorted keys: `{"action":…,"fields":…,"id":…,"level":…,"parent":…,"text":…,"type":…}`;
//   `fields` is omitted when empty; Nix 2.8 also omits `parent`.
// - activity ids are `counter + (pid << 32)` and exceed 2^53 when the pid does: they are kept as
//   decimal strings, never JS numbers.
// - `msg` strings carry ANSI colour codes; build log lines may too.
// Pure: no I/O. Never throws.

/** ActivityType, the `type` of a `start` record. */
export const ActivityType = {
  Unknown: 0,
  CopyPath: 100,
  FileTransfer: 101,
  Realise: 102,
  CopyPaths: 103,
  Builds: 104,
  Build: 105,
  OptimiseStore: 106,
  VerifyPaths: 107,
  Substitute: 108,
  QueryPathInfo: 109,
  PostBuildHook: 110,
  BuildWaiting: 111,
  FetchTree: 112,
  FetchToStore: 113,
} as const;

/** ResultType, the `type` of a `result` record. */
export const ResultType = {
  FileLinked: 100,
  BuildLogLine: 101,
  UntrustedPath: 102,
  CorruptedPath: 103,
  SetPhase: 104,
  Progress: 105,
  SetExpected: 106,
  PostBuildLogLine: 107,
  FetchStatus: 108,
  FetchToStore: 109,
} as const;

/** Field values of start/result records: unsigned integers or strings. */
export type NixField = string | number;

export interface NixStartEvent {
  kind: 'start';
  /** decimal string (ids exceed 2^53) */
  id: string;
  /** decimal string, "0" for a root activity (and when nix omits it, as 2.8 does) */
  parent: string;
  type: number;
  level: number;
  text: string;
  fields: NixField[];
}

export interface NixStopEvent {
  kind: 'stop';
  id: string;
}

export interface NixResultEvent {
  kind: 'result';
  id: string;
  type: number;
  /** as nix sent them; build log lines (type 101) keep their ANSI codes here */
  fields: NixField[];
}

export interface NixMsgEvent {
  kind: 'msg';
  /** 0 error, 1 warn, 2 notice, 3 info, 4 talkative, 5 chatty, 6 debug, 7 vomit */
  level: number;
  /** the message, ANSI codes removed; may span several lines */
  text: string;
  /** `raw_msg` of error records (the bare message without "error:"), ANSI codes removed */
  rawMsg?: string;
  file?: string;
  line?: number;
  column?: number;
}

export interface NixTextEvent {
  kind: 'text';
  /** a line that is not a (valid) `@nix` record, ANSI codes removed, carriage returns collapsed */
  line: string;
}

export type NixLogEvent = NixStartEvent | NixStopEvent | NixResultEvent | NixMsgEvent | NixTextEvent;

const ESC = 0x1b;
const BEL = 0x07;

/**
 * Remove ANSI escape sequences: CSI (`ESC [ … final`, colours and cursor moves), OSC
 * (`ESC ] … BEL` or `ESC ] … ESC \`, e.g. hyperlinks) and short escapes (`ESC x`, `ESC ( B`).
 * A single pass without regular expressions; strings without ESC are returned as they are.
 */
export function stripAnsi(s: string): string {
  let i = s.indexOf('\x1b');
  if (i === -1) return s;
  let out = '';
  let from = 0;
  const n = s.length;
  while (i !== -1) {
    out += s.slice(from, i);
    let j = i + 1;
    const c = j < n ? s.charCodeAt(j) : -1;
    if (c === 0x5b /* [ */) {
      j++;
      // parameter bytes 0x30–0x3f, intermediate bytes 0x20–0x2f, one final byte 0x40–0x7e
      while (j < n) {
        const d = s.charCodeAt(j);
        if (d >= 0x20 && d <= 0x3f) j++;
        else break;
      }
      if (j < n) {
        const d = s.charCodeAt(j);
        if (d >= 0x40 && d <= 0x7e) j++;
      }
    } else if (c === 0x5d /* ] */) {
      j++;
      while (j < n) {
        const d = s.charCodeAt(j);
        if (d === BEL) {
          j++;
          break;
        }
        if (d === ESC && j + 1 < n && s.charCodeAt(j + 1) === 0x5c /* \ */) {
          j += 2;
          break;
        }
        j++;
      }
    } else if (c !== -1) {
      // `ESC x`, or `ESC ( B` style: intermediate bytes 0x20–0x2f, then one final byte
      while (j < n) {
        const d = s.charCodeAt(j);
        if (d >= 0x20 && d <= 0x2f) j++;
        else break;
      }
      if (j < n) j++;
    }
    from = j;
    i = s.indexOf('\x1b', j);
  }
  return out + s.slice(from);
}

/**
 * What a terminal would show of a line written with carriage returns: the text after the last
 * `\r` (a trailing `\r`, as in CRLF line ends, is dropped first). Also drops a trailing `\n`.
 */
export function collapseCarriageReturns(line: string): string {
  let end = line.length;
  if (end > 0 && line.charCodeAt(end - 1) === 0x0a) end--;
  while (end > 0 && line.charCodeAt(end - 1) === 0x0d) end--;
  const cr = line.lastIndexOf('\r', end - 1);
  if (cr === -1) return end === line.length ? line : line.slice(0, end);
  return line.slice(cr + 1, end);
}

function isDigits(s: string, from: number, to: number): boolean {
  if (to <= from) return false;
  for (let k = from; k < to; k++) {
    const c = s.charCodeAt(k);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/** Put quotes around the number after `"key":` (first occurrence), so JSON.parse keeps it exact. */
function quoteNumber(body: string, key: string): string {
  const at = body.indexOf(key);
  if (at === -1) return body;
  const from = at + key.length;
  let to = from;
  while (to < body.length) {
    const c = body.charCodeAt(to);
    if (c < 0x30 || c > 0x39) break;
    to++;
  }
  if (to === from) return body;
  return `${body.slice(0, from)}"${body.slice(from, to)}"${body.slice(to)}`;
}

function text(line: string): NixTextEvent {
  return { kind: 'text', line: stripAnsi(line) };
}

const RESULT_PREFIX = '{"action":"result","fields":[';
const STOP_PREFIX = '{"action":"stop","id":';
const ID_KEY = '],"id":';
const TYPE_KEY = ',"type":';

/** `{"action":"result","fields":[…],"id":N,"type":T}` without JSON.parse; null when unsure. */
function fastResult(body: string): NixResultEvent | null {
  if (!body.startsWith(RESULT_PREFIX) || body.charCodeAt(body.length - 1) !== 0x7d /* } */) return null;
  const idAt = body.lastIndexOf(ID_KEY);
  if (idAt < RESULT_PREFIX.length) return null;
  const idFrom = idAt + ID_KEY.length;
  const typeAt = body.indexOf(TYPE_KEY, idFrom);
  if (typeAt === -1 || !isDigits(body, idFrom, typeAt)) return null;
  const typeFrom = typeAt + TYPE_KEY.length;
  const typeTo = body.length - 1;
  if (!isDigits(body, typeFrom, typeTo)) return null;
  const id = body.slice(idFrom, typeAt);
  const type = Number(body.slice(typeFrom, typeTo));
  const content = body.slice(RESULT_PREFIX.length, idAt);
  let fields: NixField[];
  if (content.length === 0) {
    fields = [];
  } else if (content.charCodeAt(0) === 0x22 /* " */) {
    // one string field (log line, phase): `"…"`. Inside a JSON string every quote is escaped, so
    // `"],"id":` cannot occur in it and lastIndexOf above found the real end.
    if (content.length < 2 || content.charCodeAt(content.length - 1) !== 0x22) return null;
    const inner = content.slice(1, -1);
    if (inner.indexOf('\\') === -1) {
      if (inner.indexOf('"') !== -1) return null; // several fields
      fields = [inner];
    } else {
      try {
        const value: unknown = JSON.parse(content);
        if (typeof value !== 'string') return null;
        fields = [value];
      } catch {
        return null; // several string fields, or broken: the general path decides
      }
    }
  } else {
    // numbers only: `1,3,0,0`
    fields = [];
    let from = 0;
    for (;;) {
      let to = content.indexOf(',', from);
      if (to === -1) to = content.length;
      if (!isDigits(content, from, to)) return null;
      fields.push(Number(content.slice(from, to)));
      if (to === content.length) break;
      from = to + 1;
    }
  }
  return { kind: 'result', id, type, fields };
}

function fieldsOf(value: unknown): NixField[] | null {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return null;
  const out: NixField[] = [];
  for (const f of value as unknown[]) {
    if (typeof f === 'string' || typeof f === 'number') out.push(f);
    else return null;
  }
  return out;
}

function idOf(value: unknown): string | null {
  if (typeof value === 'string' && isDigits(value, 0, value.length)) return value;
  // only reachable if the quoting missed (numbers below 2^53 are exact anyway)
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  return null;
}

function general(line: string, body: string): NixLogEvent {
  let record: unknown;
  try {
    record = JSON.parse(quoteNumber(quoteNumber(body, '"id":'), '"parent":'));
  } catch {
    return text(line);
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return text(line);
  const r = record as Record<string, unknown>;
  switch (r.action) {
    case 'msg': {
      if (typeof r.msg !== 'string') break;
      const level = typeof r.level === 'number' ? r.level : 3;
      const ev: NixMsgEvent = { kind: 'msg', level, text: stripAnsi(r.msg) };
      if (typeof r.raw_msg === 'string') ev.rawMsg = stripAnsi(r.raw_msg);
      if (typeof r.file === 'string') ev.file = r.file;
      if (typeof r.line === 'number') ev.line = r.line;
      if (typeof r.column === 'number') ev.column = r.column;
      return ev;
    }
    case 'start': {
      const id = idOf(r.id);
      const fields = fieldsOf(r.fields);
      if (id === null || fields === null || typeof r.type !== 'number') break;
      const parent = r.parent === undefined ? '0' : idOf(r.parent);
      if (parent === null) break;
      return {
        kind: 'start',
        id,
        parent,
        type: r.type,
        level: typeof r.level === 'number' ? r.level : 0,
        text: typeof r.text === 'string' ? r.text : '',
        fields,
      };
    }
    case 'stop': {
      const id = idOf(r.id);
      if (id === null) break;
      return { kind: 'stop', id };
    }
    case 'result': {
      const id = idOf(r.id);
      const fields = fieldsOf(r.fields);
      if (id === null || fields === null || typeof r.type !== 'number') break;
      return { kind: 'result', id, type: r.type, fields };
    }
    default:
      break;
  }
  return text(line);
}

/**
 * Parse one line of stderr (without or with its trailing newline). `@nix` records become
 * start/stop/result/msg events; anything else, including `@nix` lines whose JSON is broken or of
 * an unknown shape, becomes a `text` event. Never throws.
 */
export function parseLogLine(input: string): NixLogEvent {
  const line = collapseCarriageReturns(input);
  if (!line.startsWith('@nix ')) return text(line);
  const body = line.charCodeAt(5) === 0x7b /* { */ ? line.slice(5) : line.slice(5).trim();
  const fast = fastResult(body);
  if (fast !== null) return fast;
  if (body.startsWith(STOP_PREFIX) && body.charCodeAt(body.length - 1) === 0x7d) {
    const from = STOP_PREFIX.length;
    if (isDigits(body, from, body.length - 1)) return { kind: 'stop', id: body.slice(from, body.length - 1) };
  }
  return general(line, body);
}
