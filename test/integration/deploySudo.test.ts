// Elevation end to end: another host reached as a user who is not root (the test fleet's
// `nddeploy`, whose sudo wants a password). `nixdeck rollback` asks for the password once, at a
// prompt that does not echo, and the switch runs on the host through `sudo -S` with the password on
// standard input: the host's profile moves, and the password is on no command line and in no log.
// The CLI runs in tmux so that it has a terminal to ask on.
import { readFileSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { capture, paneStatus, sendKeys, startSession, stop, waitForText } from '../../scripts/tmux.js';
import { builtCli, isSkip, setupFleet, type Skip, SYSTEM_PROFILE, useFleet } from '../helpers/fleet.js';
import { tmuxMissing } from '../helpers/tmuxPresent.js';

const cli = builtCli();
const tmuxProblem = tmuxMissing('the sudo deploy test');
const fleetResult = isSkip(cli) || tmuxProblem ? (tmuxProblem ?? (cli as Skip)) : await setupFleet();
const { skip, fleet } = useFleet('elevation with a sudo password over the test fleet (tmux)', fleetResult, cli, tmuxProblem);

let work = '';
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

/** Every file under `dir` that holds `needle` (the run store must not keep the password). */
function filesHolding(dir: string, needle: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    if (readFileSync(file, 'utf8').includes(needle)) found.push(file);
  }
  return found;
}

describe('a host whose login is not root', () => {
  it.skipIf(skip)('rollback asks for the sudo password once and switches the host through sudo', async () => {
    const f = fleet();
    const { user, password } = f.sudo;
    work = await mkdtemp(path.join(tmpdir(), 'nixdeck-sudo-'));
    await mkdir(path.join(work, 'config/nixdeck'), { recursive: true });
    await writeFile(path.join(work, 'config/nixdeck/config.json'), JSON.stringify({ hosts: { hq: { target: `${user}@hq` } }, confirmTimeout: 10 }));
    const profile = path.join(f.hostRoot('hq'), SYSTEM_PROFILE);
    expect(await readlink(profile)).toBe('system-4-link');
    const s = await startSession({
      command: ['node', cli as string, 'rollback', 'hq', '--to', '3', '--action', 'switch', '--yes', '--flake', f.flake],
      cols: 120,
      rows: 40,
      env: {
        ...f.env,
        NIX_SSHOPTS: `-F ${f.sshConfig}`,
        XDG_CONFIG_HOME: path.join(work, 'config'),
        XDG_STATE_HOME: path.join(work, 'state'),
        XDG_CACHE_HOME: path.join(work, 'cache'),
        CI: '',
      },
    });
    try {
      await waitForText(s, '[sudo] password for switch on hq', { timeoutMs: 60_000 }).catch(async (e: unknown) => {
        throw new Error(`${String(e)}\n${await capture(s)}`);
      });
      await sendKeys(s, password, { literal: true });
      await sendKeys(s, 'Enter');
      // the pane is dead once the command ended; tmux may know its exit status a moment later
      let status = await paneStatus(s);
      for (let i = 0; i < 600 && (!status.dead || status.status === undefined); i++) {
        await new Promise((r) => setTimeout(r, 100));
        status = await paneStatus(s);
      }
      const screen = await capture(s);
      expect(status.dead, screen).toBe(true);
      expect(screen).toMatch(/hq switch: succeeded/);
      if (status.status !== undefined) expect(status.status, screen).toBe(0);
      expect(screen).not.toContain(password);
      expect(screen).toMatch(/acknowledged/);
    } finally {
      await stop(s);
    }
    // the activation ran on hq through sudo (nddeploy is not root), and the password is in no file of nixdeck's
    expect(readFileSync(f.env.FAKE_NIXOS_LOG ?? '', 'utf8')).toMatch(/host=hq action=switch toplevel=\S+-nixos-system-hq-25\.05\.20250701\.ccccccc/);
    expect(await readlink(profile)).toBe('system-3-link');
    expect(filesHolding(path.join(work, 'state'), password)).toEqual([]);
  }, 180_000);
});
