// The built console in tmux at 80x24 over the test fleet: this machine is hq (--root), t460 and
// pi are reached over the fleet's sshd through NIX_SSHOPTS, `refuser` refuses connections. Moving
// to t460 shows its generations read over ssh; F shows every host's row; quitting closes the
// ssh connections.
import { execa } from 'execa';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capture, paneStatus, sendKeys, startSession, stop, type TmuxSession, waitForText } from '../../scripts/tmux.js';
import { builtCli, type Fleet, isSkip, setupFleet, type Skip, useFleet } from '../helpers/fleet.js';
import { tmuxMissing } from '../helpers/tmuxPresent.js';
import { closedPort } from '../helpers/ports.js';

const cli = builtCli();
const tmuxProblem = tmuxMissing('the fleet console test');
const fleetResult = isSkip(cli) || tmuxProblem ? (tmuxProblem ?? (cli as Skip)) : await setupFleet();
const { skip, fleet } = useFleet('the console over the test fleet (tmux)', fleetResult, cli, tmuxProblem);

let work = '';
let flake = '';
let sshConfig = '';

/** A port with no listener: the fleet's refusing port when it has one. */
async function refusedPort(f: Fleet): Promise<number> {
  const fromFleet = Number(f.refusedPort ?? f.env.FAKE_NIXOS_REFUSED_PORT);
  return Number.isInteger(fromFleet) && fromFleet > 0 ? fromFleet : closedPort();
}

/** ssh processes whose command line names this test's folder (the pool's masters live there). */
function sshProcessesOf(folder: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (path.basename(args[0] ?? '') === 'ssh' && args.some((a) => a.includes(folder))) found.push(`${pid}: ${args.join(' ')}`);
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

beforeAll(async () => {
  if (skip) return;
  const f = fleet();
  work = await mkdtemp(path.join(tmpdir(), 'nixdeck-fleetconsole-'));
  flake = path.join(work, 'flake');
  await execa('git', ['clone', '-q', f.flake, flake]);
  await mkdir(path.join(flake, 'systems', 'refuser'), { recursive: true });
  await writeFile(path.join(flake, 'systems', 'refuser', 'default.nix'), '{ ... }: { }\n');
  sshConfig = path.join(work, 'ssh_config');
  // the fleet's first (the first value ssh finds wins), then refuser where it has none
  await writeFile(sshConfig, `Include ${f.sshConfig}\nHost refuser\n  HostName 127.0.0.1\n  Port ${await refusedPort(f)}\n`);
  for (const dir of ['config/nixdeck', 'state', 'cache', 'tmp']) await mkdir(path.join(work, dir), { recursive: true });
  await writeFile(path.join(work, 'config/nixdeck/config.json'), JSON.stringify({ connectTimeout: 3 }));
}, 300_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the console over the test fleet', () => {
  let s: TmuxSession | null = null;
  afterAll(async () => {
    if (s) await stop(s);
  });

  it.skipIf(skip)('moves to t460 and shows its generations read over ssh, then the Fleet view shows every host; quitting closes the connections', async () => {
    const f = fleet();
    const env: Record<string, string> = {
      ...f.env,
      NIX_SSHOPTS: `-F ${sshConfig}`,
      XDG_CONFIG_HOME: path.join(work, 'config'),
      XDG_STATE_HOME: path.join(work, 'state'),
      XDG_CACHE_HOME: path.join(work, 'cache'),
      TMPDIR: path.join(work, 'tmp'),
      FORCE_COLOR: '3',
    };
    delete env.XDG_RUNTIME_DIR; // the pool's sockets go under TMPDIR: this test's folder
    s = await startSession({ command: ['node', cli as string, '--flake', flake, '--root', f.hostRoot('hq')], cols: 80, rows: 24, fullScreen: true, env });
    const session = s;
    await waitForText(session, (screen) => /> hq\s+\S+\s+local/.test(screen) && screen.includes('cur run'), { timeoutMs: 30_000 });

    // t460 over ssh: two generations, the newest current, running and booted
    await sendKeys(session, '/');
    await sendKeys(session, 't460');
    await sendKeys(session, 'Enter');
    const t460 = await waitForText(session, (screen) => /2 Generations\s+t460 · 2/.test(screen), { timeoutMs: 30_000 });
    expect(t460).toMatch(/> t460/);
    expect(t460).toMatch(/>\s+2 \d{4}-\d\d-\d\d .*cur run boot/);
    expect(t460).toMatch(/\s1 \d{4}-\d\d-\d\d /);
    // the list was kept for the next start
    expect(existsSync(path.join(work, 'state/nixdeck/generations/t460.json'))).toBe(true);
    await sendKeys(session, 'Escape');

    // the Fleet view: every host, the refusing one with its reason
    await sendKeys(session, '1');
    await sendKeys(session, 'F');
    const view = await waitForText(
      session,
      (screen) => /t460\s+\d+ ms/.test(screen) && /pi\s+\d+ ms/.test(screen) && /refuser\s+unreachable/.test(screen) && /t460\s.*outdated/.test(screen),
      { timeoutMs: 120_000 },
    );
    expect(view).toMatch(/HOST\s+REACH\s+RUNNING\s+REBOOT\s+DRIFT/);
    expect(view).toMatch(/hq\s+local\s+4 \(\S+\)\s+needed/);
    expect(view).toMatch(/t460\s+\d+ ms\s+2 \(\S+\)\s+no\s+outdated/);
    expect(view).toMatch(/refuser\s+unreachable\s+.*refused/i);
    expect(Math.max(...view.split('\n').map((l) => [...l].length))).toBeLessThanOrEqual(80);
    expect(await capture(session, { escapes: true })).toMatch(/\x1b\[[0-9;]*m/);

    // Enter on a row selects that host in the Hosts pane: the first row (the view opened on t460)
    const first = /HOST\s+REACH.*\n\S\s+[> ] (\S+)/.exec(view)?.[1] ?? '';
    expect(first).not.toBe('t460');
    await sendKeys(session, 'g');
    await sendKeys(session, 'Enter');
    const chosen = await waitForText(session, (screen) => /\[1 Hosts\]/.test(screen) && new RegExp(`> ${first}\\s`).test(screen), { timeoutMs: 30_000 });
    expect(chosen).toMatch(new RegExp(`2 Generations\\s+${first}`));

    // the ssh masters were opened in this test's folder, and end with the console
    expect(sshProcessesOf(work).length).toBeGreaterThan(0);
    await sendKeys(session, 'q');
    for (let i = 0; i < 100 && !(await paneStatus(session)).dead; i++) await new Promise((r) => setTimeout(r, 100));
    expect((await paneStatus(session)).dead).toBe(true);
    for (let i = 0; i < 50 && sshProcessesOf(work).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(sshProcessesOf(work)).toEqual([]);
  }, 300_000);
});
