// The built binary in tmux at 80x24 on the demo: read the screen as a person would.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capture, paneStatus, sendKeys, startSession, stop, tmux, type TmuxSession, waitForText } from '../../scripts/tmux.js';
import { E2E_CLI, e2eMissing } from '../helpers/tmuxPresent.js';

async function tmuxResize(s: TmuxSession, cols: number, rows: number): Promise<void> {
  await tmux(s.socket, ['resize-window', '-t', s.name, '-x', String(cols), '-y', String(rows)]);
}

const CLI = E2E_CLI;

/** A fresh demo console in tmux at 80x24 with its own temporary folder, for one test. */
async function withDemo(env: Record<string, string>, body: (s: TmuxSession) => Promise<void>): Promise<void> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'nixdeck-e2e-'));
  const s = await startSession({ command: ['node', CLI, '--demo'], cols: 80, rows: 24, fullScreen: true, env: { TMPDIR: tmp, XDG_CONFIG_HOME: path.join(tmp, 'config'), ...env } });
  try {
    await body(s);
  } finally {
    await stop(s);
    // the demo removes its own folder as its terminal goes away: let it finish
    rmSync(tmp, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  }
}

const reason = e2eMissing();
if (reason && process.env.CI) throw new Error(`end-to-end tests must run in CI: ${reason}`);
if (reason) console.warn(`skipping end-to-end tests: ${reason}`);

describe.skipIf(reason !== null)('nixdeck --demo in tmux at 80x24', () => {
  let tmp: string;
  let s: TmuxSession;

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'nixdeck-e2e-'));
    s = await startSession({
      // tmux does not always record the exit status of a dead pane; the wrapper writes it down
      command: ['sh', '-c', '"$@"; echo $? > "$0"', path.join(tmp, 'status'), 'node', CLI, '--demo'],
      fullScreen: true,
      cols: 80,
      rows: 24,
      env: { FORCE_COLOR: '3', TMPDIR: tmp, XDG_CONFIG_HOME: path.join(tmp, 'config') },
    });
    await waitForText(s, (screen) => screen.includes('cur run') && screen.includes('flake: 5 configurations'), { timeoutMs: 20_000 });
  });

  afterAll(async () => {
    await stop(s);
    rmSync(tmp, { recursive: true, force: true });
  });

  it('draws the three panes in 80 columns, in colour, within 23 rows', async () => {
    const screen = await capture(s);
    const lines = screen.split('\n');
    expect(lines).toHaveLength(24);
    expect(lines[23]?.trim()).toBe(''); // the frame stays at rows - 1
    expect(screen).toContain('[1 Hosts]');
    expect(screen).toContain('2 Generations');
    expect(screen).toContain('3 Todos');
    expect(screen).toMatch(/> hq\s+both\s+local/);
    expect(Math.max(...lines.map((l) => [...l].length))).toBeLessThanOrEqual(80);
    expect(await capture(s, { escapes: true })).toMatch(/\x1b\[[0-9;]*m/);
  });

  it('moves between hosts and shows the selected host’s generations', async () => {
    await sendKeys(s, 'j');
    await sendKeys(s, 'j');
    const screen = await waitForText(s, (text) => /> t460/.test(text) && text.includes('reboot needed'));
    expect(screen).toMatch(/2 Generations.*t460/);
    await sendKeys(s, 'g');
    await waitForText(s, /> hq/);
  });

  it('filters the todos, ticks one, and the file changes by exactly that checkbox', async () => {
    const [demo] = readdirSync(tmp).filter((d) => d.startsWith('nixdeck-demo-'));
    expect(demo).toBeDefined();
    const file = path.join(tmp, demo ?? '', 'fleet/PROJECT.md');
    const before = readFileSync(file);

    await sendKeys(s, '3');
    await sendKeys(s, '/');
    await sendKeys(s, 'zram');
    await waitForText(s, '1 match');
    await sendKeys(s, 'Enter');
    const filtered = await waitForText(s, '/zram');
    expect(filtered).toMatch(/> \[ \] Enable zram on t460/);
    expect(filtered).not.toContain('Rotate Tailscale keys');

    await sendKeys(s, 'Space');
    await waitForText(s, 'done: Enable zram on t460');
    const after = readFileSync(file);
    expect(after.length).toBe(before.length);
    const changed = [...after].flatMap((b, i) => (b === before[i] ? [] : [i]));
    expect(changed).toHaveLength(1);
    const at = changed[0] ?? -1;
    expect(String.fromCharCode(before[at] ?? 0, after[at] ?? 0)).toBe(' x');
    const line = after.toString('utf8').slice(0, at + 40).split('\n').at(-1);
    expect(line).toMatch(/^[-*+] \[x\] Enable zram on t460/);
    await waitForText(s, /> \[x\] Enable zram on t460/);

    await sendKeys(s, 'Escape');
    const cleared = await waitForText(s, (screen) => !screen.includes('/zram'));
    expect(cleared).toMatch(/> \[x\] Enable zram on t460/);
    expect(cleared).toContain('Move nas to 25.11');
  });

  it('reflows when the terminal is resized, and says when it is too small', async () => {
    await tmuxResize(s, 100, 30);
    const wide = await waitForText(s, (screen) => screen.split('\n')[1]?.trimEnd().length === 100);
    expect(wide.split('\n')[28]?.trim()).not.toBe(''); // the frame grew to rows - 1
    await tmuxResize(s, 50, 12);
    await waitForText(s, 'terminal too small: 50x12');
    await tmuxResize(s, 80, 24);
    const back = await waitForText(s, (screen) => screen.includes('3 Todos') && screen.split('\n')[1]?.trimEnd().length === 80);
    expect(back.split('\n')[23]?.trim()).toBe('');
  });

  it('opens the help overlay and closes it again', async () => {
    await sendKeys(s, '?');
    const help = await waitForText(s, 'nixdeck keys');
    expect(help).toContain('fuzzy filter');
    await sendKeys(s, 'Escape');
    await waitForText(s, '3 Todos');
  });

  it('quits with q, exit status 0, and removes the demo folder', async () => {
    await sendKeys(s, 'q');
    const statusFile = path.join(tmp, 'status');
    for (let i = 0; i < 100 && !existsSync(statusFile); i++) await new Promise((r) => setTimeout(r, 50));
    expect(readFileSync(statusFile, 'utf8').trim()).toBe('0');
    expect((await paneStatus(s)).dead).toBe(true);
    expect(readdirSync(tmp).filter((d) => d.startsWith('nixdeck-demo-'))).toEqual([]);
  });
});

describe.skipIf(reason !== null)('NO_COLOR', () => {
  it('turns every colour and style off, and the selection is still marked', async () => {
    await withDemo({ NO_COLOR: '1' }, async (s) => {
      const screen = await waitForText(s, 'cur run', { timeoutMs: 20_000 });
      expect(screen).toMatch(/> hq/);
      expect(await capture(s, { escapes: true })).not.toMatch(/\x1b\[[0-9;]*m/);
    });
  });
});

describe.skipIf(reason !== null)('rebuild panes on the demo in tmux at 80x24', () => {
  it('runs two rebuilds at once, shows both progressing, and cancels one; another host cannot be switched', async () => {
    await withDemo({ FORCE_COLOR: '3' }, async (s) => {
      await waitForText(s, (screen) => screen.includes('cur run') && screen.includes('flake: 5 configurations'), { timeoutMs: 20_000 });
      // switch hq (this machine): asks first, and Enter means no
      await sendKeys(s, 's');
      await waitForText(s, 'y start it');
      await sendKeys(s, 'Enter');
      await waitForText(s, (screen) => !screen.includes('y start it'));
      expect(await capture(s)).not.toMatch(/hq\s+⟳/);
      await sendKeys(s, 's');
      await waitForText(s, 'y start it');
      await sendKeys(s, 'y');
      await waitForText(s, /⟳ hq · switch · running/);
      // nas cannot be reached: s says why at once, with no question, and starts nothing
      await sendKeys(s, '1');
      await sendKeys(s, 'j');
      await sendKeys(s, 's');
      const refused = await waitForText(s, /switch on nas not started: nas cannot be reached: connection/);
      expect(refused).not.toMatch(/y start it/);
      expect(refused).not.toMatch(/nas\s+⟳/);
      // t460 is another host: s asks about the deploy (build here, copy, activate, confirm); Enter is no
      await sendKeys(s, 'j');
      await sendKeys(s, 's');
      const question = await waitForText(s, /switch t460: build here, copy, activate; rolls back by itself/);
      expect(question).toMatch(/y start it/);
      await sendKeys(s, 'Enter');
      await waitForText(s, (screen) => !screen.includes('y start it'));
      expect(await capture(s)).not.toMatch(/t460\s+⟳/);
      // but it can be built here
      await sendKeys(s, 'b');
      const both = await waitForText(s, (screen) => /hq\s+⟳ switch/.test(screen) && /t460\s+⟳ build/.test(screen) && screen.includes('Runs 2/2'));
      expect(both).toMatch(/⟳ t460 · build · running/);
      // both panes progress
      await waitForText(s, /⟳ t460 · build[\s\S]*builds \d\/6/, { timeoutMs: 20_000 });
      await sendKeys(s, '4');
      await sendKeys(s, '[');
      await waitForText(s, /hq · switch · (running|succeeded)[\s\S]*builds \d\/6/, { timeoutMs: 20_000 });
      // cancel t460's build: c asks, y cancels
      await sendKeys(s, ']');
      await waitForText(s, /⟳ t460 · build · running/);
      await sendKeys(s, 'c');
      await waitForText(s, /cancel/i);
      await sendKeys(s, 'y');
      const cancelled = await waitForText(s, /t460 · build · cancelled/, { timeoutMs: 20_000 });
      expect(cancelled).toMatch(/t460\s+- build/);
      // hq's switch goes on to the end
      await sendKeys(s, '[');
      await waitForText(s, /✓ hq · switch · succeeded/, { timeoutMs: 30_000 });
    });
  }, 90_000);
});

describe.skipIf(reason !== null)('switching generations on the demo in tmux at 80x24', () => {
  it('picks a generation, reads the diff, confirms, watches the pane, and sees the markers move; prunes after a preview', async () => {
    await withDemo({ FORCE_COLOR: '3' }, async (s) => {
      await waitForText(s, (screen) => /> +291 .*cur run/.test(screen) && screen.includes('flake: 5 configurations'), { timeoutMs: 20_000 });
      await sendKeys(s, '2');
      await sendKeys(s, 'j');
      await sendKeys(s, 'Enter');
      const diff = await waitForText(s, /what changes[\s\S]*packages: /);
      expect(diff).toMatch(/to +290/);
      expect(diff).toMatch(/closure .* → /);
      // on to the question; Enter there means No and nothing happens
      await sendKeys(s, 'Enter');
      await waitForText(s, /generation 290 .*s\/b\/t or N/);
      await sendKeys(s, 'Enter');
      await waitForText(s, (screen) => !screen.includes('s/b/t or N') && /> +290/.test(screen));
      await waitForText(s, /291 .*cur run/);
      // again, and switch
      await sendKeys(s, 'Enter');
      await waitForText(s, 'what changes');
      await sendKeys(s, 'Enter');
      await waitForText(s, 's/b/t or N');
      await sendKeys(s, 's');
      await waitForText(s, /switch.*generation 290|generation 290.*switch/);
      const moved = await waitForText(s, (screen) => /290 .*cur run/.test(screen), { timeoutMs: 30_000 });
      expect(moved).not.toMatch(/291 .*cur/);
      // prune: mark the two oldest, preview, refuse with Enter, then delete with y
      await sendKeys(s, '2');
      await sendKeys(s, 'G');
      await sendKeys(s, 'Space');
      await sendKeys(s, 'k');
      await sendKeys(s, 'Space');
      await sendKeys(s, 'X');
      const preview = await waitForText(s, /Delete 2 generations of hq \(231, 232\)\? y\/N/);
      expect(preview).toMatch(/Keep \(56\)/);
      await sendKeys(s, 'y');
      await waitForText(s, (screen) => /Generations.*hq · 56/.test(screen), { timeoutMs: 20_000 });
    });
  }, 90_000);
});
