// The demo cleans up after a hang-up: its terminal goes away (tmux killed) while a rebuild
// runs, and the demo's folder and the run's processes are gone soon after. A stale folder of a
// demo that died earlier is removed when the next demo starts.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sendKeys, startSession, stop, tmux, waitForText } from '../../scripts/tmux.js';
import { E2E_CLI, e2eMissing } from '../helpers/tmuxPresent.js';

const CLI = E2E_CLI;

const reason = e2eMissing();
if (reason && process.env.CI) throw new Error(`end-to-end tests must run in CI: ${reason}`);
if (reason) console.warn(`skipping the hang-up end-to-end tests: ${reason}`);

const demoFolders = (dir: string) => readdirSync(dir).filter((d) => d.startsWith('nixdeck-demo-'));

function alive(id: number): boolean {
  try {
    process.kill(id, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}

/** Polls `test` every 100 ms for up to `ms`; returns whether it held. */
async function eventually(test: () => boolean, ms = 10_000): Promise<boolean> {
  for (const until = Date.now() + ms; Date.now() < until; await new Promise((r) => setTimeout(r, 100))) if (test()) return true;
  return test();
}

describe.skipIf(reason !== null)('nixdeck --demo whose terminal goes away', () => {
  it.each([
    ['the tmux server is killed', ['kill-server']],
    ['its tmux session is killed', ['kill-session', '-t', 'main']],
  ])('removes its folder and stops its run when %s', async (_what, command) => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'nixdeck-e2e-hup-'));
    // a demo that died without cleaning up: its owner pid is gone
    const ended = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
    const stale = path.join(tmp, 'nixdeck-demo-stale1');
    mkdirSync(stale);
    writeFileSync(path.join(stale, 'owner'), `${ended} 1\n`);
    // keep another session on the server, so killing the console's session leaves the server up
    const s = await startSession({ command: ['node', CLI, '--demo'], cols: 80, rows: 24, fullScreen: true, env: { TMPDIR: tmp, XDG_CONFIG_HOME: path.join(tmp, 'config') } });
    await tmux(s.socket, ['new-session', '-d', '-s', 'other', 'sleep', '600']);
    try {
      await waitForText(s, (screen) => screen.includes('cur run') && screen.includes('flake: 5 configurations'), { timeoutMs: 20_000 });
      expect(existsSync(stale)).toBe(false);
      const [demo] = demoFolders(tmp);
      expect(demo).toBeDefined();
      const dir = path.join(tmp, demo as string);

      await sendKeys(s, 'b');
      await waitForText(s, /hq · build · running/);
      const runs = path.join(dir, 'state', 'runs');
      let pids: number[] = [];
      expect(
        await eventually(() => {
          const [run] = existsSync(runs) ? readdirSync(runs) : [];
          if (!run) return false;
          const meta = JSON.parse(readFileSync(path.join(runs, run, 'meta.json'), 'utf8')) as { childPid: number | null; supervisorPid: number | null };
          pids = meta.childPid && meta.supervisorPid ? [meta.supervisorPid, -meta.childPid] : [];
          return pids.length === 2;
        }),
      ).toBe(true);
      expect(pids.every(alive)).toBe(true);

      await tmux(s.socket, command);
      expect(await eventually(() => demoFolders(tmp).length === 0)).toBe(true);
      expect(await eventually(() => !pids.some(alive))).toBe(true);
      // nothing comes back: no late write recreates the folder
      await new Promise((r) => setTimeout(r, 500));
      expect(demoFolders(tmp)).toEqual([]);
    } finally {
      await stop(s);
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
