/**
 * Screenshot a terminal program: run it in a private tmux server, send keys,
 * capture the screen with colours and write a PNG (via an SVG and rsvg-convert).
 *
 *   npx tsx scripts/shoot.ts --out screenshots/hosts.png --cols 80 --rows 24 --wait 1500 \
 *     --keys j --keys Down --keys /hq --keys Enter -- node dist/nixdeck.js
 *
 * Options:
 *   --out FILE.png     PNG to write (required)
 *   --cols N --rows N  terminal size (default 80x24)
 *   --wait MS          wait after starting, before the first key (default 1000)
 *   --wait-for TEXT    also wait (up to 15 s) until the screen contains TEXT
 *   --keys K           send K: a tmux key name (Down, Enter, Escape, Tab, Space,
 *                      BSpace, PageDown, C-d, M-x, F5, ...) or else literal text;
 *                      repeatable, sent in order
 *   --text T           send T as literal text, even if it looks like a key name
 *   --step-wait MS     wait after each --keys/--text (default 300)
 *   --font-size PX     font size (default 15 → 9×18 px cells)
 *   --scale F          zoom factor (default 1): multiplies the font size, so that
 *                      lines are snapped to the pixel grid at the final size
 *   --svg FILE.svg     also keep the SVG
 *   --ansi FILE.txt    also keep the raw escaped capture
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { ansiScreenToSvg, DEFAULT_FONT_SIZE } from './ansi-to-svg.js';
import { capture, paneStatus, sendKeys, startSession, stop, waitForText, type TmuxSession } from './tmux.js';

interface Args {
  out: string;
  cols: number;
  rows: number;
  wait: number;
  waitFor?: string;
  stepWait: number;
  fontSize?: number;
  scale: number;
  svg?: string;
  ansi?: string;
  actions: Array<{ keys: string; literal?: boolean }>;
  command: string[];
}

class UsageError extends Error {}

function parseArgs(argv: readonly string[]): Args {
  const args: Partial<Args> & { actions: Args['actions'] } = { actions: [] };
  const number = (flag: string, v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new UsageError(`${flag}: expected a non-negative number, got ${JSON.stringify(v)}`);
    return n;
  };
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') {
      i++;
      break;
    }
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      if (flag !== arg) return arg.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--out': args.out = value(); break;
      case '--cols': args.cols = number(flag, value()); break;
      case '--rows': args.rows = number(flag, value()); break;
      case '--wait': args.wait = number(flag, value()); break;
      case '--wait-for': args.waitFor = value(); break;
      case '--step-wait': args.stepWait = number(flag, value()); break;
      case '--font-size': args.fontSize = number(flag, value()); break;
      case '--scale': args.scale = number(flag, value()); break;
      case '--svg': args.svg = value(); break;
      case '--ansi': args.ansi = value(); break;
      case '--keys': args.actions.push({ keys: value() }); break;
      case '--text': args.actions.push({ keys: value(), literal: true }); break;
      case '-h':
      case '--help':
        throw new UsageError('');
      default:
        throw new UsageError(`unknown option ${arg}`);
    }
  }
  const command = argv.slice(i);
  if (!args.out) throw new UsageError('--out FILE.png is required');
  if (command.length === 0) throw new UsageError('missing command after --');
  return {
    out: args.out,
    cols: args.cols ?? 80,
    rows: args.rows ?? 24,
    wait: args.wait ?? 1000,
    stepWait: args.stepWait ?? 300,
    scale: args.scale ?? 1,
    actions: args.actions,
    command,
    ...(args.waitFor !== undefined && { waitFor: args.waitFor }),
    ...(args.fontSize !== undefined && { fontSize: args.fontSize }),
    ...(args.svg !== undefined && { svg: args.svg }),
    ...(args.ansi !== undefined && { ansi: args.ansi }),
  };
}

const USAGE = `usage: npx tsx scripts/shoot.ts --out FILE.png [--cols 80] [--rows 24] [--wait MS] [--wait-for TEXT]
       [--keys K]... [--text T]... [--step-wait MS] [--font-size PX] [--scale F] [--svg FILE] [--ansi FILE]
       -- command args...`;

async function haveRsvgConvert(): Promise<boolean> {
  try {
    await execa('rsvg-convert', ['--version']);
    return true;
  } catch {
    return false;
  }
}

async function main(): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) {
      if (error.message) console.error(`shoot: ${error.message}`);
      console.error(USAGE);
      return error.message ? 2 : 0;
    }
    throw error;
  }
  if (!(await haveRsvgConvert())) {
    console.error('shoot: rsvg-convert not found; install it with: apt-get install librsvg2-bin fonts-dejavu-core');
    return 1;
  }

  let session: TmuxSession | undefined;
  const onSignal = (): void => {
    const s = session;
    void (s ? stop(s) : Promise.resolve()).finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  let screen: string;
  try {
    session = await startSession({ command: args.command, cols: args.cols, rows: args.rows });
    await sleep(args.wait);
    if (args.waitFor !== undefined) await waitForText(session, args.waitFor, { timeoutMs: 15_000 });
    for (const action of args.actions) {
      await sendKeys(session, action.keys, action.literal ? { literal: true } : {});
      await sleep(args.stepWait);
    }
    screen = await capture(session, { escapes: true, trailingSpaces: true });
    const status = await paneStatus(session);
    if (status.dead) console.error(`shoot: warning: the command had already exited (status ${status.status ?? '?'}) when the screen was captured`);
  } finally {
    if (session) await stop(session);
  }

  const svg = ansiScreenToSvg(screen, {
    cols: args.cols,
    rows: args.rows,
    fontSize: (args.fontSize ?? DEFAULT_FONT_SIZE) * args.scale,
  });
  if (args.svg) await writeFile(args.svg, svg);
  if (args.ansi) await writeFile(args.ansi, `${screen}\n`);

  const dir = await mkdtemp(path.join(tmpdir(), 'nixdeck-shoot-'));
  try {
    const svgPath = path.join(dir, 'screen.svg');
    await writeFile(svgPath, svg);
    await execa('rsvg-convert', ['-o', args.out, svgPath]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  console.log(`shoot: wrote ${args.out}`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`shoot: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
