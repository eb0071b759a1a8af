// npm run screenshots: the console on the demo at 80x24 in tmux, rendered to PNG in screenshots/.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { ansiScreenToSvg } from './ansi-to-svg.js';
import { capture, sendKeys, startSession, stop, type TmuxSession, waitForText } from './tmux.js';

interface Scene {
  file: string;
  what: string;
  /** keys sent one after another, each a tmux key name or literal text */
  keys: string[];
  /** what the screen shows once the scene is ready */
  ready: string | RegExp;
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
    what: 'two rebuilds at once: hq builds, t460 switches (this pane), both marked in the hosts list',
    keys: ['b', '1', 'j', 'j', 's', 'y'],
    ready: /t460 · switch · running[\s\S]*builds [1-5]\/6/,
  },
  {
    file: 'runs-wide.png',
    what: 'the same two runs side by side at 120x30',
    keys: ['b', '1', 'j', 'j', 's', 'y'],
    ready: /hq · build · running[\s\S]*builds [1-5]\/6/,
    cols: 120,
    rows: 30,
  },
  { file: 'diff.png', what: 'Enter on a generation: what changes from the running system', keys: ['2', 'j', 'Enter'], ready: /what changes[\s\S]*packages: / },
  { file: 'confirm.png', what: 'then the question: switch, boot or test, default No', keys: ['2', 'j', 'Enter', 'Enter'], ready: 's/b/t or N' },
  { file: 'prune.png', what: 'Space marks generations, X shows what goes and stays before asking', keys: ['2', 'G', 'Space', 'k', 'Space', 'X'], ready: /y\/N/ },
  { file: 'failed.png', what: "a failed run leads with what went wrong: nas's build", keys: ['1', 'j', 'b'], ready: /nas · build · failed/ },
];

const COLS = 80;
const ROWS = 24;

async function shoot(scene: Scene, work: string): Promise<void> {
  const cols = scene.cols ?? COLS;
  const rows = scene.rows ?? ROWS;
  const session: TmuxSession = await startSession({
    command: ['node', path.resolve('dist/nixdeck.js'), '--demo'],
    cols,
    rows,
    env: { FORCE_COLOR: '3', XDG_CONFIG_HOME: path.join(work, 'config'), TMPDIR: work },
  });
  try {
    await waitForText(session, (s) => s.includes('cur run') && s.includes('flake: 5 configurations'), { timeoutMs: 20_000 });
    for (const key of scene.keys) {
      await sendKeys(session, key);
      await sleep(150);
    }
    await waitForText(session, scene.ready, { timeoutMs: 30_000 });
    await sleep(200);
    const screen = await capture(session, { escapes: true, trailingSpaces: true });
    const svgPath = path.join(work, `${scene.file}.svg`);
    await writeFile(svgPath, ansiScreenToSvg(screen, { cols, rows }));
    await execa('rsvg-convert', ['-o', path.join('screenshots', scene.file), svgPath]);
    console.log(`screenshots/${scene.file}: ${scene.what}`);
  } finally {
    await stop(session);
  }
}

try {
  await execa('rsvg-convert', ['--version']);
} catch {
  console.error('screenshots: rsvg-convert not found; apt-get install librsvg2-bin fonts-dejavu-core');
  process.exit(1);
}
const work = await mkdtemp(path.join(tmpdir(), 'nixdeck-shots-'));
try {
  for (const scene of SCENES) await shoot(scene, work);
} finally {
  await rm(work, { recursive: true, force: true });
}
