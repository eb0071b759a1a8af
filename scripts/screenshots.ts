// npm run screenshots: the console on the demo at 80x24 in tmux, rendered to PNG in screenshots/.
// Also shoots only some scenes, or one ad-hoc screen of the demo or any command: see --help.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { ansiScreenToSvg, DEFAULT_FONT_SIZE } from './ansi-to-svg.js';
import { type KeyAction, parseScreenshotArgs, type ScreenshotRequest, SCREENSHOTS_USAGE, ScreenshotUsageError } from './screenshot-args.js';
import { capture, paneStatus, sendKeys, startSession, stop, type TmuxSession, waitForText } from './tmux.js';

type ScreenTest = string | RegExp | ((screen: string) => boolean);

/** Before the next key, wait until the screen shows this (a question that needs a moment to appear). */
interface WaitStep {
  waitFor: ScreenTest;
}

interface Scene {
  file: string;
  what: string;
  /** keys sent one after another, each a tmux key name or literal text, or a wait for the screen */
  keys: (string | WaitStep)[];
  /** what the screen shows once the scene is ready */
  ready: ScreenTest;
  cols?: number;
  rows?: number;
}

const SCENES: Scene[] = [
  { file: 'main.png', what: 'the main screen', keys: [], ready: 'cur run' },
  { file: 'generations.png', what: 't460 selected: reboot needed, generations focused', keys: ['j', 'j', '2', 'j'], ready: 'reboot needed' },
  { file: 'filter.png', what: 'fuzzy filter on the todos while typing', keys: ['3', '/', 'nas'], ready: 'matches' },
  { file: 'help.png', what: 'the help overlay', keys: ['?'], ready: 'nixdeck keys' },
  {
    file: 'runs.png',
    what: 'two rebuilds at once: hq switches, t460 builds (this pane), both marked in the hosts list',
    keys: ['s', { waitFor: 'switch hq (this machine)? y/N' }, 'y', { waitFor: /hq · switch · running/ }, '1', 'j', 'j', 'b'],
    ready: /t460 · build · running[\s\S]*builds [1-5]\/6/,
  },
  {
    file: 'runs-wide.png',
    what: 'the same two runs side by side at 120x30',
    keys: ['s', { waitFor: 'switch hq (this machine)? y/N' }, 'y', { waitFor: /hq · switch · running/ }, '1', 'j', 'j', 'b'],
    ready: /hq · switch · running[\s\S]*builds [1-5]\/6/,
    cols: 120,
    rows: 30,
  },
  { file: 'diff.png', what: 'Enter on a generation: what changes from the running system', keys: ['2', 'j', 'Enter'], ready: /what changes[\s\S]*packages: / },
  {
    file: 'confirm.png',
    what: 'then the question: switch, boot or test, default No',
    keys: ['2', 'j', 'Enter', { waitFor: /what changes[\s\S]*packages: / }, 'Enter'],
    ready: /packages: [\s\S]*s\/b\/t or N/,
  },
  {
    file: 'prune.png',
    what: 'Space marks generations, X shows what goes and stays before asking',
    keys: ['2', 'G', 'Space', 'k', 'Space', 'X'],
    ready: /y\/N[\s\S]*up to [\d.]+ [KMG]iB freed/,
  },
  { file: 'failed.png', what: "a failed run leads with what went wrong: nas's build", keys: ['1', 'j', 'b'], ready: /nas · build · failed/ },
  {
    file: 'fleet.png',
    what: 'F: the Fleet view, every host read and its drift known; x1carbon selected (its failed unit below)',
    keys: ['F', 'j', 'j', 'j', 'j'],
    ready: (screen) => screen.includes('x1carbon · failed: fprintd.service') && !/reading…|evaluating…/.test(screen),
  },
  { file: 'remote.png', what: "vm01's generations, read from the host: the flake's system staged for the next boot", keys: ['j', 'j', 'j', '2'], ready: /\[2 Generations\] vm01 · \d+ · demo: simulated/ },
  {
    file: 'group.png',
    what: 't460 and x1carbon marked (Space) and switched together: L shows each host, x1carbon ok, t460 counting down',
    keys: ['j', 'j', 'Space', 'j', 'j', 'Space', 's', { waitFor: 'y start them' }, 'y', { waitFor: 'L shows every host of the group' }, 'L'],
    ready: /switch 2 hosts: 1 running, 1 ok[\s\S]*t460 +4\/4 confirm +confirming: \d s left/,
  },
  {
    file: 'countdown.png',
    what: 'a switch of t460 waits for the proof that t460 still takes new SSH connections: the countdown',
    keys: ['j', 'j', 's', { waitFor: 'y/N' }, 'y'],
    ready: /t460 · switch · confirm \d s left[\s\S]*confirming: \d s left/,
  },
  {
    file: 'inputs.png',
    what: 'I then u: the flake inputs updated, old → new per input, and what to do next (nothing committed)',
    keys: ['I', { waitFor: 'flake inputs 7 inputs' }, 'u'],
    ready: /\d+ inputs? changed · nothing is committed[\s\S]*r revert flake\.lock/,
  },
  {
    file: 'generation-commit.png',
    what: "hq's running generation and the commit it was built from (its subject on the detail line)",
    keys: ['2'],
    ready: /rev [0-9a-f]{7} hq: bluetooth/,
  },
  { file: 'history.png', what: 'l: the history, with the hosts on each commit', keys: ['l'], ready: /history 38 commits[\s\S]*\[x1carbon\]/ },
];

const COLS = 80;
const ROWS = 24;
const DEMO_LOADED = (screen: string): boolean => screen.includes('cur run') && screen.includes('flake: 5 configurations');

interface Shot {
  command: string[];
  env?: Record<string, string>;
  /** the command is the full-screen console (waits read whole frames only) */
  fullScreen?: boolean;
  cols: number;
  rows: number;
  /** what the screen shows before the first key; undefined: wait a second */
  started?: ScreenTest;
  actions: readonly (KeyAction | WaitStep)[];
  ready?: ScreenTest;
  fontSize: number;
  png: string;
  svg?: string;
  ansi?: string;
}

async function shoot(shot: Shot, work: string): Promise<void> {
  const session: TmuxSession = await startSession({ command: shot.command, cols: shot.cols, rows: shot.rows, fullScreen: shot.fullScreen ?? false, ...(shot.env && { env: shot.env }) });
  let screen: string;
  try {
    if (shot.started === undefined) await sleep(1000);
    else await waitForText(session, shot.started, { timeoutMs: 20_000 });
    for (const action of shot.actions) {
      if ('waitFor' in action) {
        await waitForText(session, action.waitFor, { timeoutMs: 30_000 });
        continue;
      }
      await sendKeys(session, action.keys, action.literal ? { literal: true } : {});
      await sleep(150);
    }
    if (shot.ready !== undefined) await waitForText(session, shot.ready, { timeoutMs: 30_000 });
    await sleep(200);
    screen = await capture(session, { escapes: true, trailingSpaces: true });
    const status = await paneStatus(session);
    if (status.dead) console.error(`screenshots: warning: the command had exited (status ${status.status ?? '?'}) before ${shot.png} was taken`);
  } finally {
    await stop(session);
  }
  const svg = await ansiScreenToSvg(screen, { cols: shot.cols, rows: shot.rows, fontSize: shot.fontSize });
  const svgPath = shot.svg ?? path.join(work, `${path.basename(shot.png)}.svg`);
  await writeFile(svgPath, svg);
  if (shot.ansi) await writeFile(shot.ansi, `${screen}\n`);
  await execa('rsvg-convert', ['-o', shot.png, svgPath]);
}

function demoCommand(work: string): Pick<Shot, 'command' | 'env' | 'fullScreen'> {
  return {
    command: ['node', path.resolve('dist/nixdeck.js'), '--demo'],
    fullScreen: true,
    env: { FORCE_COLOR: '3', XDG_CONFIG_HOME: path.join(work, 'config'), TMPDIR: work },
  };
}

function sceneShot(scene: Scene, work: string): Shot {
  return {
    ...demoCommand(work),
    cols: scene.cols ?? COLS,
    rows: scene.rows ?? ROWS,
    started: DEMO_LOADED,
    actions: scene.keys.map((keys) => (typeof keys === 'string' ? { keys, literal: false } : keys)),
    ready: scene.ready,
    fontSize: DEFAULT_FONT_SIZE,
    png: path.join('screenshots', scene.file),
  };
}

async function main(argv: readonly string[]): Promise<number> {
  let request: ScreenshotRequest;
  try {
    request = parseScreenshotArgs(argv, SCENES.map((s) => s.file));
  } catch (error) {
    if (!(error instanceof ScreenshotUsageError)) throw error;
    console.error(`screenshots: ${error.message}\n${SCREENSHOTS_USAGE}`);
    return 2;
  }
  if (request.kind === 'help') {
    console.log(SCREENSHOTS_USAGE);
    return 0;
  }
  try {
    await execa('rsvg-convert', ['--version']);
  } catch {
    console.error('screenshots: rsvg-convert not found; apt-get install librsvg2-bin fonts-dejavu-core');
    return 1;
  }
  const work = await mkdtemp(path.join(tmpdir(), 'nixdeck-shots-'));
  try {
    if (request.kind === 'adhoc') {
      const { shot } = request;
      const demo = shot.command.length === 0;
      const waitFor = shot.waitFor ?? (demo ? DEMO_LOADED : undefined);
      await shoot(
        {
          ...(demo ? demoCommand(work) : { command: shot.command }),
          cols: shot.cols,
          rows: shot.rows,
          ...(waitFor !== undefined && { started: waitFor }),
          actions: shot.actions,
          ...(shot.ready !== undefined && { ready: shot.ready }),
          fontSize: DEFAULT_FONT_SIZE * shot.scale,
          png: shot.out,
          ...(shot.svg !== undefined && { svg: shot.svg }),
          ...(shot.ansi !== undefined && { ansi: shot.ansi }),
        },
        work,
      );
      console.log(`screenshots: wrote ${shot.out}`);
      return 0;
    }
    const scenes = request.names.length === 0 ? SCENES : SCENES.filter((s) => request.names.includes(s.file));
    for (const scene of scenes) {
      await shoot(sceneShot(scene, work), work);
      console.log(`screenshots/${scene.file}: ${scene.what}`);
    }
    return 0;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

process.exitCode = await main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`screenshots: ${error instanceof Error ? error.message : String(error)}`);
  return 1;
});
