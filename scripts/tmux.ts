/**
 * A tiny driver for running a command inside a private tmux server, for
 * screenshots and end-to-end tests.
 *
 *   const s = await startSession({ command: ['node', 'dist/nixdeck.js'], cols: 80, rows: 24 });
 *   await waitForText(s, 'hosts');
 *   await sendKeys(s, 'j');
 *   await sendKeys(s, 'Enter');
 *   const plain = await capture(s);                     // capture-pane -p
 *   const styled = await capture(s, { escapes: true }); // capture-pane -p -e
 *   await stop(s);
 *
 * Every tmux call uses its own socket (`tmux -L <unique>`) and no config file
 * (`-f /dev/null`), so nothing touches the user's tmux.
 */
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';

export interface TmuxSession {
  /** Socket name passed to `tmux -L`. */
  readonly socket: string;
  /** Session name, usable as a target. */
  readonly name: string;
  /** The socket file, removed by stop() (tmux leaves it behind). */
  readonly socketPath: string;
  readonly cols: number;
  readonly rows: number;
  /** The command is a full-screen console: waitForText waits for whole frames (see looksWhole). */
  readonly fullScreen: boolean;
}

export interface StartOptions {
  /** argv of the command to run: executed directly, never through a shell. */
  command: readonly string[];
  cols?: number;
  rows?: number;
  /** Working directory (default: process.cwd()). */
  cwd?: string;
  /** Extra environment variables for the command. */
  env?: Readonly<Record<string, string>>;
  /**
   * Keep the pane (and its last screen) after the command exits, so that it
   * can still be captured (default true). No "Pane is dead" line is added.
   */
  remainOnExit?: boolean;
  /** The command draws full-screen frames (default false): see looksWhole. */
  fullScreen?: boolean;
}

/** The environment tmux itself runs with: without TMUX so nesting checks never fire. */
function tmuxEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.TMUX;
  delete env.TMUX_PANE;
  return env;
}

/** Run `tmux -L socket -f /dev/null ...args`, returning stdout (final newline kept). */
export async function tmux(socket: string, args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await execa('tmux', ['-L', socket, '-f', '/dev/null', ...args], {
      env: tmuxEnv(),
      extendEnv: false,
      stripFinalNewline: false,
    });
    return stdout;
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') {
      throw new Error('tmux not found on PATH (apt-get install tmux)', { cause: error });
    }
    throw error;
  }
}

/**
 * tmux splits its argv into commands at arguments ending in ';' (even after
 * `--`); a trailing backslash-semicolon stands for a literal ';'.
 */
function escapeArg(arg: string): string {
  return arg.endsWith(';') ? `${arg.slice(0, -1)}\\;` : arg;
}

/** Start `command` in a fresh detached tmux server of the given size. */
export async function startSession(opts: StartOptions): Promise<TmuxSession> {
  const cols = opts.cols ?? 80;
  const rows = opts.rows ?? 24;
  if (opts.command.length === 0) throw new Error('startSession: empty command');
  const socket = `nixdeck-${process.pid}-${randomBytes(4).toString('hex')}`;
  const name = 'main';
  const env: Record<string, string> = { FORCE_COLOR: '3', TERM: 'xterm-256color', ...opts.env };
  const envFlags = Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
  // tmux overrides TERM with default-terminal, so also set variables in the
  // command's own argv via env(1), which additionally drops CI (CI makes
  // chalk/ink/is-in-ci change behaviour).
  const argv = ['env', '-u', 'CI', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), ...opts.command];
  const remain = opts.remainOnExit ?? true;
  await tmux(socket, [
    // Options are set in the same command queue that starts the server.
    'set-option', '-g', 'status', 'off', ';',
    'set-option', '-g', 'default-terminal', 'xterm-256color', ';',
    'set-option', '-g', 'escape-time', '0', ';',
    'set-option', '-wg', 'remain-on-exit', remain ? 'on' : 'off', ';',
    'set-option', '-wg', 'remain-on-exit-format', '', ';',
    'new-session', '-d', '-s', name, '-x', String(cols), '-y', String(rows),
    '-c', escapeArg(opts.cwd ?? process.cwd()), ...envFlags.map(escapeArg), '--', ...argv.map(escapeArg),
  ]);
  const fallbackPath = `${process.env.TMUX_TMPDIR ?? '/tmp'}/tmux-${process.getuid?.() ?? 0}/${socket}`;
  const socketPath = await tmux(socket, ['display-message', '-p', '-t', name, '#{socket_path}']).then(
    (out) => out.trim() || fallbackPath,
    () => fallbackPath, // the command already exited and took the server with it
  );
  return { socket, name, socketPath, cols, rows, fullScreen: opts.fullScreen ?? false };
}

/** tmux key names (optionally with C-/M-/S- modifiers) that send-keys understands. */
const KEY_NAMES = new Set(
  [
    'Up', 'Down', 'Left', 'Right', 'Enter', 'Escape', 'Tab', 'BTab', 'Space', 'BSpace',
    'Home', 'End', 'PageUp', 'PageDown', 'PgUp', 'PgDn', 'NPage', 'PPage', 'IC', 'DC', 'Insert', 'Delete',
    ...Array.from({ length: 12 }, (_, i) => `F${i + 1}`),
  ],
);

/**
 * Whether `key` is a tmux key name rather than literal text: `Down`, `Enter`,
 * `F5`, `C-d`, `M-x`, `C-S-Left`, ... Only the canonical spelling counts
 * (tmux itself is case-insensitive), so that typing a word such as "down" or
 * "end" into the app stays literal text.
 */
export function isTmuxKeyName(key: string): boolean {
  const m = /^((?:[CMS]-)*)(.+)$/.exec(key);
  if (!m) return false;
  const modifiers = m[1] ?? '';
  const base = m[2] ?? '';
  if (KEY_NAMES.has(base)) return true;
  // A modifier plus a single character, e.g. C-d, M-x, C-[.
  return modifiers !== '' && [...base].length === 1;
}

/**
 * Send keys to the session. By default a tmux key name (see isTmuxKeyName)
 * is sent as a key, anything else as literal text (`send-keys -l`).
 */
export async function sendKeys(s: TmuxSession, keys: string, opts: { literal?: boolean } = {}): Promise<void> {
  const literal = opts.literal ?? !isTmuxKeyName(keys);
  await tmux(s.socket, ['send-keys', '-t', s.name, ...(literal ? ['-l'] : []), '--', escapeArg(keys)]);
}

export interface CaptureOptions {
  /** Include SGR escapes (`-e`). */
  escapes?: boolean;
  /** Keep trailing spaces (`-N`), e.g. so background colours reach the line end. */
  trailingSpaces?: boolean;
}

/**
 * The visible screen via `capture-pane -p`: one line per row, joined by
 * '\n', without a final newline (so `split('\n')` yields `rows` lines).
 */
export async function capture(s: TmuxSession, opts: CaptureOptions = {}): Promise<string> {
  const flags = ['-p', ...(opts.escapes ? ['-e'] : []), ...(opts.trailingSpaces ? ['-N'] : [])];
  const out = await tmux(s.socket, ['capture-pane', ...flags, '-t', s.name]);
  return out.endsWith('\n') ? out.slice(0, -1) : out;
}

/** Format a tmux format string for the pane, e.g. '#{pane_dead}'. */
export async function display(s: TmuxSession, format: string): Promise<string> {
  return (await tmux(s.socket, ['display-message', '-p', '-t', s.name, format])).trimEnd();
}

/** Whether the command has exited, and its status if so. */
export async function paneStatus(s: TmuxSession): Promise<{ dead: boolean; status?: number }> {
  const [dead, status] = (await display(s, '#{pane_dead} #{pane_dead_status}')).split(' ');
  if (dead !== '1') return { dead: false };
  return status ? { dead: true, status: Number(status) } : { dead: true };
}

/**
 * Whether a capture looks like a whole frame of a full-screen console: one of
 * its last two rows has something on it (a frame of Ink ends with its status
 * bar on the row above the last, which it leaves empty so that a write never
 * scrolls). A terminal can be read while the console is half-way through
 * writing a frame (the pty hands it over in pieces); such a capture has blank
 * rows at the bottom.
 */
export function looksWhole(screen: string): boolean {
  return screen.split('\n').slice(-2).some((row) => /\S/.test(row));
}

/** How long a capture with a blank last row must stay unchanged before it counts (the command may have ended). */
const SETTLE_MS = 500;

/**
 * Poll the plain capture until it contains `needle` (or matches it / the
 * predicate holds). Returns that capture; throws with the last screen on timeout.
 * In a full-screen session, a matching capture that looks half-drawn (see
 * looksWhole) is returned only once it has stayed the same for SETTLE_MS, so
 * callers can assert on the rest of the screen.
 */
export async function waitForText(
  s: TmuxSession,
  needle: string | RegExp | ((screen: string) => boolean),
  opts: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<string> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const intervalMs = opts.intervalMs ?? 50;
  const test = typeof needle === 'function' ? needle : typeof needle === 'string' ? (t: string) => t.includes(needle) : (t: string) => needle.test(t);
  const deadline = Date.now() + timeoutMs;
  let screen = '';
  let unsettled = null as { screen: string; since: number } | null;
  for (;;) {
    screen = await capture(s);
    if (test(screen)) {
      if (!s.fullScreen || looksWhole(screen)) return screen;
      if (unsettled?.screen !== screen) unsettled = { screen, since: Date.now() };
      else if (Date.now() - unsettled.since >= SETTLE_MS) return screen;
    } else {
      unsettled = null;
    }
    if (Date.now() >= deadline) break;
    await sleep(intervalMs);
  }
  throw new Error(`waitForText: ${String(needle)} not seen within ${timeoutMs} ms; screen was:\n${screen}`);
}

/** Kill the private tmux server (and with it the command). Safe to call twice. */
export async function stop(s: TmuxSession): Promise<void> {
  try {
    await tmux(s.socket, ['kill-server']);
  } catch {
    // already gone
  }
  if (s.socketPath.includes(s.socket)) await rm(s.socketPath, { force: true });
}
