// What nixdeck gives ssh, checked before ssh sees it: a host's target (`user@addr[:port]`,
// `[v6addr]:port`, an ssh alias), the words of NIX_SSHOPTS and of the sshOptions preference, and
// an ssh failure turned into one line.

import { visibleText } from './displayText.js';

/** shown on one line: control characters (LF too) made visible */
const visible = (text: string): string => visibleText(text).replace(/\n/g, '^J');

export interface SshTarget {
  /** what ssh is given as its destination: `user@addr`, `addr` or an alias (never with the port) */
  destination: string;
  port?: number;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const TARGET_FORMS = 'write user@host, user@host:port, [ipv6]:port or an ssh alias';
const USER = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,31}$/;
/** a host name, an IPv4 address or an ssh alias: letters, digits, `.` `_` `-`, not starting with `-` or `.` */
const HOST = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,252}$/;
/** an IPv6 address, optionally with a zone (`fe80::1%eth0`) */
const IPV6 = /^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(%[A-Za-z0-9._-]+)?$/;

/** Checks a target as typed in a preference: `[user@]host[:port]`, `[user@][v6]:port`, `[user@]v6` or an ssh alias. */
export function parseSshTarget(raw: string): Parsed<SshTarget> {
  const bad = (why: string): Parsed<SshTarget> => ({ ok: false, error: `"${visible(raw)}" is not an ssh target: ${why}; ${TARGET_FORMS}` });
  if (raw === '') return { ok: false, error: `the ssh target is empty; ${TARGET_FORMS}` };
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f-\x9f]/.test(raw)) return bad('it holds a control character');
  if (/\s/.test(raw)) return bad('it holds a space');
  if (raw.startsWith('-')) return bad('it starts with "-" (ssh would read it as an option)');
  const at = raw.lastIndexOf('@');
  const user = at >= 0 ? raw.slice(0, at) : undefined;
  const rest = at >= 0 ? raw.slice(at + 1) : raw;
  if (user !== undefined && !USER.test(user)) {
    return bad(user === '' ? 'the user before "@" is empty' : `the user "${user}" may hold only letters, digits, ".", "_" and "-"`);
  }
  let host = rest;
  let portText: string | undefined;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) return bad('"[" without "]"');
    host = rest.slice(1, close);
    const after = rest.slice(close + 1);
    if (after !== '') {
      if (!after.startsWith(':')) return bad(`"${after}" after "]" is not ":port"`);
      portText = after.slice(1);
    }
    if (!IPV6.test(host)) return bad(`"${host}" in brackets is not an IPv6 address`);
  } else if ((rest.match(/:/g) ?? []).length >= 2) {
    if (!IPV6.test(rest)) return bad(`"${rest}" is not an IPv6 address (write [addr]:port for a port)`);
  } else {
    const colon = rest.indexOf(':');
    if (colon >= 0) {
      host = rest.slice(0, colon);
      portText = rest.slice(colon + 1);
    }
    if (host === '') return bad('the host is empty');
    if (!HOST.test(host)) return bad(`the host "${host}" may hold only letters, digits, ".", "_" and "-", and must not start with "." or "-"`);
  }
  let port: number | undefined;
  if (portText !== undefined) {
    if (!/^[0-9]{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
      return bad(`the port "${portText}" is not a number from 1 to 65535`);
    }
    port = Number(portText);
  }
  const destination = user !== undefined ? `${user}@${host}` : host;
  return { ok: true, value: port !== undefined ? { destination, port } : { destination } };
}

/**
 * Splits options the way nixos-rebuild reads NIX_SSHOPTS (Python's `shlex.split`: POSIX rules,
 * no comments): whitespace separates words; '…' keeps everything; "…" keeps everything but
 * `\"` and `\\`; a backslash outside quotes keeps the next character; `''` is an empty word.
 */
export function splitShellWords(text: string): Parsed<string[]> {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quote === "'") {
      if (c === "'") quote = null;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) word += text[++i];
      else word += c;
    } else if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\') {
      if (i + 1 >= text.length) return { ok: false, error: 'it ends with a backslash that escapes nothing' };
      word += text[++i];
      inWord = true;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote !== null) return { ok: false, error: `a ${quote === "'" ? 'single' : 'double'} quote is not closed` };
  if (inWord) words.push(word);
  return { ok: true, value: words };
}

/** The ssh options of one setting (NIX_SSHOPTS, the sshOptions preference) as words, or what is wrong with them. */
export function parseSshOptions(text: string, source: string): Parsed<string[]> {
  const split = splitShellWords(text);
  if (!split.ok) return { ok: false, error: `${source} cannot be read: ${split.error} (it is split like a shell command line)` };
  const first = split.value[0];
  if (first !== undefined && !first.startsWith('-')) {
    return { ok: false, error: `${source} must hold ssh options (like "-i KEY -o Name=value"), but starts with "${visible(first)}"` };
  }
  return split;
}

/**
 * One line for a failed ssh connection (ssh exits 255 and says why on stderr): the known causes
 * in plain words, else the first line that says something.
 */
export function describeSshFailure(stderr: string, connectTimeoutS: number): string {
  const lines = stderr
    .split(/\r?\n|\r/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !NOISE.some((n) => n.test(l)));
  const text = lines.join('\n');
  if (/Connection refused/i.test(text)) return 'connection refused';
  if (/timed out|Operation timed out/i.test(text)) return `timed out after ${connectTimeoutS} s`;
  const denied = /Permission denied \(([^)]*)\)/.exec(text);
  if (denied) return `permission denied (${denied[1]})`;
  if (/Permission denied/i.test(text)) return 'permission denied';
  if (/Could not resolve hostname|Name or service not known|nodename nor servname|Temporary failure in name resolution/i.test(text)) {
    return 'could not resolve host name';
  }
  if (/Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED/i.test(text)) return 'host key verification failed';
  if (/No route to host/i.test(text)) return 'no route to host';
  if (/Network is unreachable/i.test(text)) return 'network is unreachable';
  const first = lines[0];
  if (first === undefined) return 'ssh failed without a message';
  return visible(first.replace(/^ssh:\s*/, ''));
}

const NOISE = [
  /^@+$/,
  /^Load key .*: /,
  /^Warning: Permanently added /,
  /^\*\* /,
  /^Pseudo-terminal will not be allocated/,
  /^Control socket connect\(/,
  /^mux_client_/,
];
