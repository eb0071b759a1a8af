// The command line of scripts/screenshots.ts: which scenes to shoot, or one ad-hoc shot.
import { parseArgs } from 'node:util';

export const SCREENSHOTS_USAGE = `usage: npx tsx scripts/screenshots.ts [SCENE...]
       npx tsx scripts/screenshots.ts --out FILE.png [--cols 80] [--rows 24] [--keys K]... [--text T]...
           [--wait-for TEXT] [--ready TEXT] [--scale F] [--svg FILE.svg] [--ansi FILE.txt] [-- COMMAND...]

  SCENE...        shoot only these scenes (a file name in screenshots/, with or without .png);
                  none: every scene
  --out FILE.png  shoot one ad-hoc screen instead; COMMAND defaults to the console on the demo
  --keys K        send K: a tmux key name (Down, Enter, Escape, Tab, Space, BSpace, C-d, ...)
                  or else literal text; repeatable, sent in order with --text
  --text T        send T as literal text, even if it looks like a key name
  --wait-for TEXT wait until the screen shows TEXT before the first key
                  (default for the demo: its hosts and generations have loaded)
  --ready TEXT    wait until the screen shows TEXT before capturing
  --scale F       zoom factor (default 1); lines stay snapped to the pixel grid
  --svg, --ansi   also keep the SVG, and the raw capture with its escape sequences`;

export class ScreenshotUsageError extends Error {}

export interface KeyAction {
  keys: string;
  literal: boolean;
}

export interface AdHocShot {
  out: string;
  cols: number;
  rows: number;
  actions: KeyAction[];
  waitFor?: string;
  ready?: string;
  scale: number;
  svg?: string;
  ansi?: string;
  /** Empty: the console on the demo. */
  command: string[];
}

export type ScreenshotRequest =
  | { kind: 'help' }
  | { kind: 'scenes'; names: string[] }
  | { kind: 'adhoc'; shot: AdHocShot };

function positive(flag: string, value: string | undefined, fallback: number, integer: boolean): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new ScreenshotUsageError(`--${flag}: expected a positive ${integer ? 'whole ' : ''}number, got ${JSON.stringify(value)}`);
  }
  return n;
}

function parseOwn(args: string[]) {
  try {
    return parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      tokens: true,
      options: {
        out: { type: 'string' },
        cols: { type: 'string' },
        rows: { type: 'string' },
        keys: { type: 'string', multiple: true },
        text: { type: 'string', multiple: true },
        'wait-for': { type: 'string' },
        ready: { type: 'string' },
        scale: { type: 'string' },
        svg: { type: 'string' },
        ansi: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new ScreenshotUsageError(error instanceof Error ? error.message : String(error));
  }
}

/** Parse the arguments after the script name; `knownScenes` are the scene file names (x.png). */
export function parseScreenshotArgs(argv: readonly string[], knownScenes: readonly string[]): ScreenshotRequest {
  const dashes = argv.indexOf('--');
  const own = dashes < 0 ? [...argv] : argv.slice(0, dashes);
  const command = dashes < 0 ? [] : argv.slice(dashes + 1);
  const { values, positionals, tokens } = parseOwn(own);
  if (values.help) return { kind: 'help' };

  if (values.out === undefined) {
    const adHocOnly = Object.keys(values).filter((k) => k !== 'help');
    if (adHocOnly.length > 0) {
      throw new ScreenshotUsageError(`--${adHocOnly[0]} only applies to an ad-hoc shot: add --out FILE.png`);
    }
    if (dashes >= 0) throw new ScreenshotUsageError('a command after -- only applies to an ad-hoc shot: add --out FILE.png');
    const names = positionals.map((p) => (p.endsWith('.png') ? p : `${p}.png`));
    const unknown = names.filter((n) => !knownScenes.includes(n));
    if (unknown.length > 0) {
      throw new ScreenshotUsageError(`no scene ${unknown.join(', ')}; the scenes are ${knownScenes.map((n) => n.replace(/\.png$/, '')).join(', ')}`);
    }
    return { kind: 'scenes', names };
  }

  if (positionals.length > 0) {
    throw new ScreenshotUsageError(`unexpected ${JSON.stringify(positionals[0])}: with --out, put the command after --`);
  }
  if (dashes >= 0 && command.length === 0) throw new ScreenshotUsageError('missing command after --');
  if (!values.out.endsWith('.png')) throw new ScreenshotUsageError(`--out: expected a .png file, got ${JSON.stringify(values.out)}`);
  const actions: KeyAction[] = tokens.flatMap((t) =>
    t.kind === 'option' && (t.name === 'keys' || t.name === 'text') && t.value !== undefined ? [{ keys: t.value, literal: t.name === 'text' }] : [],
  );
  return {
    kind: 'adhoc',
    shot: {
      out: values.out,
      cols: positive('cols', values.cols, 80, true),
      rows: positive('rows', values.rows, 24, true),
      actions,
      scale: positive('scale', values.scale, 1, false),
      command,
      ...(values['wait-for'] !== undefined && { waitFor: values['wait-for'] }),
      ...(values.ready !== undefined && { ready: values.ready }),
      ...(values.svg !== undefined && { svg: values.svg }),
      ...(values.ansi !== undefined && { ansi: values.ansi }),
    },
  };
}
