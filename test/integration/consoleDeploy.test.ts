// The console's remote actions end to end: the built console in tmux at 80x24 on the test fleet
// (--root at hq's root, so hq is this machine; t460, pi and edge are reached over the fleet's
// sshd through NIX_SSHOPTS). The confirmation timeout is 5 s (a preferences file), so the
// automatic rollback of edge, whose flake configuration cuts it off, comes quickly.
//
// The tests run in order on one fleet: 1 switches t460 to its flake configuration (generation 3),
// 3 deploys t460 again with pi, 4 rolls t460 back to generation 2.
import { mkdir, mkdtemp, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { paneStatus, sendKeys, startSession, stop, type TmuxSession, waitForText } from '../../scripts/tmux.js';
import { builtCli, type Fleet, type FleetHost, isSkip, setupFleet, type Skip, SYSTEM_PROFILE, useFleet } from '../helpers/fleet.js';
import { tmuxMissing } from '../helpers/tmuxPresent.js';

const cli = builtCli();
const tmuxProblem = tmuxMissing('the console deploy test');
const fleetResult = isSkip(cli) || tmuxProblem ? (tmuxProblem ?? (cli as Skip)) : await setupFleet();
const { skip, fleet } = useFleet('remote deploys from the console over the test fleet (tmux)', fleetResult, cli, tmuxProblem);

const CONFIRM_TIMEOUT = 5;
let work = '';

beforeAll(async () => {
  if (skip) return;
  work = await mkdtemp(path.join(tmpdir(), 'nixdeck-consoledeploy-'));
  for (const dir of ['config/nixdeck', 'state', 'cache', 'tmp']) await mkdir(path.join(work, dir), { recursive: true });
  await writeFile(path.join(work, 'config/nixdeck/config.json'), JSON.stringify({ connectTimeout: 3, confirmTimeout: CONFIRM_TIMEOUT }));
}, 300_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

let session: TmuxSession | null = null;
afterEach(async () => {
  if (!session) return;
  // quit the console and let it close its ssh connections before the folder with their sockets goes
  for (const key of ['Escape', 'Escape', '1', 'q']) await sendKeys(session, key).catch(() => {});
  for (let i = 0; i < 100 && !(await paneStatus(session).catch(() => ({ dead: true }))).dead; i++) await new Promise((r) => setTimeout(r, 100));
  await stop(session);
  session = null;
});

/** The console on hq's root, its hosts list read. */
async function openConsole(f: Fleet): Promise<TmuxSession> {
  const env: Record<string, string> = {
    ...f.env,
    NIX_SSHOPTS: `-F ${f.sshConfig}`,
    XDG_CONFIG_HOME: path.join(work, 'config'),
    XDG_STATE_HOME: path.join(work, 'state'),
    XDG_CACHE_HOME: path.join(work, 'cache'),
    TMPDIR: path.join(work, 'tmp'),
    FORCE_COLOR: '3',
  };
  delete env.XDG_RUNTIME_DIR; // the ssh sockets go under TMPDIR: this test's folder
  session = await startSession({ command: ['node', cli as string, '--flake', f.flake, '--root', f.hostRoot('hq')], cols: 80, rows: 24, fullScreen: true, env });
  await waitForText(session, (screen) => /> hq\s+\S+\s+local/.test(screen) && screen.includes('cur run'), { timeoutMs: 30_000 });
  return session;
}

/** Selects `host` in the Hosts pane (through the filter, which stays until Escape) and waits for its generations. */
async function selectHost(s: TmuxSession, host: string): Promise<string> {
  await sendKeys(s, '1');
  await sendKeys(s, '/');
  await sendKeys(s, host);
  await sendKeys(s, 'Enter');
  return waitForText(s, (screen) => new RegExp(`> \\*?${host}\\s`).test(screen) && new RegExp(`2 Generations\\s+${host} · \\d`).test(screen), { timeoutMs: 30_000 });
}

/** The screen as one line of words: borders gone, wrapped sentences joined again. */
function flat(screen: string): string {
  return screen.replace(/[│╭╮╰╯─]/g, ' ').replace(/\s+/g, ' ');
}

/** The whole log of the run pane's run: zoomed, from the top, then from the bottom. */
async function runLog(s: TmuxSession): Promise<string> {
  await sendKeys(s, '4');
  await sendKeys(s, 'z');
  await sendKeys(s, 'g');
  const top = await waitForText(s, /\[4 Runs[^\]]*\] lines 1-/, { timeoutMs: 10_000 });
  await sendKeys(s, 'G');
  await new Promise((resolve) => setTimeout(resolve, 300));
  const bottom = await waitForText(s, /\[4 Runs/); // a whole frame
  await sendKeys(s, 'z');
  await sendKeys(s, '1');
  return `${top}\n${bottom}`;
}

async function links(f: Fleet, host: FleetHost): Promise<{ profile: string; running: string }> {
  const root = f.hostRoot(host);
  return { profile: await readlink(path.join(root, SYSTEM_PROFILE)), running: await readlink(path.join(root, 'run/current-system')) };
}

describe('remote actions from the console', () => {
  it.skipIf(skip)('1: s on t460 asks (build, copy, activate, the confirm timeout), y deploys it in a pane through confirm; its list shows the new generation current and running', async () => {
    const f = fleet();
    const before = await links(f, 't460');
    expect(before.profile).toBe('system-2-link');
    const s = await openConsole(f);
    await selectHost(s, 't460');

    await sendKeys(s, 's');
    const question = flat(await waitForText(s, /y\/N/, { timeoutMs: 30_000 }));
    expect(question).toContain(`switch t460: build here, copy, activate; rolls back by itself unless nixdeck can reach it again within ${CONFIRM_TIMEOUT} s? y/N`);
    expect(question).toContain('nix copy to t460');

    await sendKeys(s, 'y');
    const headers = new Set<string>();
    const end = await waitForText(
      s,
      (screen) => {
        for (const m of screen.matchAll(/[⟳✓✗] t460 · switch · ([a-z]+(?: \d+ s left)?)/g)) headers.add(m[1] ?? '');
        return /[✓✗] t460 · switch · /.test(screen);
      },
      { timeoutMs: 60_000 },
    );
    expect(end).toMatch(/✓ t460 · switch · succeeded/);
    expect(end).toMatch(/switch on t460 succeeded in \d+s/);
    expect([...headers].some((h) => ['build', 'copy', 'activate'].includes(h) || h.startsWith('confirm'))).toBe(true);

    // the pane's log: each phase in order, the countdown and the acknowledgement
    const log = await runLog(s);
    const steps = [
      'nixdeck: phase build: t460 here',
      'nixdeck: phase copy: ',
      'nixdeck: phase activate: switch t460 to ',
      `nixdeck-host: phase confirm ${CONFIRM_TIMEOUT}`,
      /nixdeck: confirming: \d s left/,
      /nixdeck: t460 took a new SSH connection \(\d+ ms\): acknowledged/,
      'nixdeck: t460: confirmed',
    ];
    const at = steps.map((step) => (typeof step === 'string' ? log.indexOf(step) : log.search(step)));
    expect(at.every((p) => p >= 0), log).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);

    // the list read again from t460: generation 3, current and running (booted stays 2)
    const list = await waitForText(s, (screen) => /2 Generations\s+t460 · 3/.test(screen) && /\s3 \d{4}-\d\d-\d\d .*cur run\s*│/.test(screen), { timeoutMs: 30_000 });
    expect(list).toMatch(/\s2 \d{4}-\d\d-\d\d .*boot\s*│/);
    const after = await links(f, 't460');
    expect(after.profile).toBe('system-3-link');
    expect(after.running).toMatch(/-nixos-system-t460-25\.05\.20250701\.1313131$/); // its flake configuration
  }, 120_000);

  it.skipIf(skip)('2: s on edge, whose new configuration cuts it off: the countdown runs out, the pane ends "rolled back", edge is as before', async () => {
    const f = fleet();
    const before = await links(f, 'edge');
    const s = await openConsole(f);
    await selectHost(s, 'edge');

    await sendKeys(s, 's');
    await waitForText(s, /switch edge: build here/, { timeoutMs: 30_000 });
    await sendKeys(s, 'y');
    const counting = await waitForText(s, /⟳ edge · switch · confirm \d s left/, { timeoutMs: 60_000 });
    expect(counting).toMatch(/nixdeck: confirming: \d s left/);
    const end = await waitForText(s, /[✓✗] edge · switch · /, { timeoutMs: 60_000 });
    expect(end).toMatch(/✗ edge · switch · rolled back/);
    const words = flat(end);
    // (the status bar's first line ends in its "? help" hint)
    expect(words).toContain('switch on edge failed: edge rolled back: no acknowledgement');
    expect(words).toContain(`within ${CONFIRM_TIMEOUT} s: rolled back to generation 2`);
    expect(words).toContain('a new SSH connection to edge failed');

    // the host is as it was, and its list says so
    expect(await links(f, 'edge')).toEqual(before);
    expect(end).toMatch(/\s2 \d{4}-\d\d-\d\d .*cur run boot/);
  }, 120_000);

  it.skipIf(skip)('3: Space marks t460 and pi, s asks once for both, L shows one row per host with its phase and result (pi does not build)', async () => {
    const f = fleet();
    const before = { t460: await links(f, 't460'), pi: await links(f, 'pi') };
    const s = await openConsole(f);
    for (const host of ['pi', 't460']) {
      await selectHost(s, host);
      await sendKeys(s, 'Space');
      await waitForText(s, new RegExp(`>\\*${host}\\s`), { timeoutMs: 10_000 });
      await sendKeys(s, 'Escape'); // the filter
    }
    const marked = await waitForText(s, /2\/4 marked/, { timeoutMs: 10_000 });
    expect(marked).toMatch(/ \*pi\s/);
    expect(marked).toMatch(/>\*t460\s/);

    await sendKeys(s, 's');
    const question = flat(await waitForText(s, /switch 2 hosts: .*y\/N/s, { timeoutMs: 30_000 }));
    expect(question).toContain('switch 2 hosts: pi, t460 — at most 2 at once (preference parallel)? y/N');
    expect(question).toContain(`rolls back by itself unless nixdeck can reach it again within ${CONFIRM_TIMEOUT} s`);
    await sendKeys(s, 'y');
    await waitForText(s, /4 Runs/, { timeoutMs: 30_000 });

    await sendKeys(s, 'L');
    const summary = await waitForText(s, /switch 2 hosts: 1 failed, 1 ok/, { timeoutMs: 60_000 });
    expect(summary).toMatch(/^\s*│\s+pi\s+1\/4 build\s+failed: build failed\s*│$/m);
    expect(summary).toMatch(/^\s*│\s+t460\s+4\/4 confirm\s+ok\s*│$/m);
    expect(summary).toMatch(/✓ t460\s+switch\s+succeeded/);
    expect(summary).toMatch(/✗ pi\s+switch\s+failed/);
    await sendKeys(s, 'Escape');
    // the marks are cleared; pi was not changed; t460 runs its flake configuration (generation 3 again)
    await waitForText(s, (screen) => /\[1 Hosts\] 4 /.test(screen), { timeoutMs: 10_000 });
    expect(await links(f, 'pi')).toEqual(before.pi);
    expect(await links(f, 't460')).toEqual(before.t460);
  }, 120_000);

  it.skipIf(skip)("4: Enter on t460's generation 2 shows the diff from t460's store, then s switches t460 back to it in a pane", async () => {
    const f = fleet();
    const s = await openConsole(f);
    await selectHost(s, 't460');
    await sendKeys(s, '2');
    await sendKeys(s, 'g');
    await sendKeys(s, 'j');
    await waitForText(s, /\[2 Generations\] t460 · 3[\s\S]*>\s+2 \d{4}-/, { timeoutMs: 10_000 });

    await sendKeys(s, 'Enter');
    const diff = await waitForText(s, /t460: switch from the running system \(3\) to generation 2[\s\S]*packages: /, { timeoutMs: 30_000 });
    expect(diff).toMatch(/packages: 3 downgraded/);
    expect(diff).toMatch(/firefox\s+120\.0 → 119\.0/);
    expect(diff).toMatch(/closure \S+ KiB → \S+ KiB/);

    await sendKeys(s, 'Enter');
    const question = flat(await waitForText(s, /Roll back t460 to generation 2 \(from 3\)\? s\/b\/t or N/, { timeoutMs: 10_000 }));
    expect(question).toContain(`switch and test roll back by itself unless nixdeck can reach it again within ${CONFIRM_TIMEOUT} s; boot is not protected`);
    await sendKeys(s, 's');
    const end = await waitForText(s, /[✓✗] t460 · switch · /, { timeoutMs: 60_000 });
    expect(end).toMatch(/✓ t460 · switch · succeeded/);
    expect(end).toMatch(/nixdeck: t460: confirmed/);

    const list = await waitForText(s, /\s2 \d{4}-\d\d-\d\d .*cur run boot/, { timeoutMs: 30_000 });
    expect(list).toMatch(/\s3 \d{4}-\d\d-\d\d [^│]*\d\s*│/); // no longer current nor running
    const after = await links(f, 't460');
    expect(after.profile).toBe('system-2-link');
    expect(after.running).toBe(await readlink(path.join(f.hostRoot('t460'), `${SYSTEM_PROFILE}-2-link`)));
  }, 120_000);
});
