// The flake repository in the console, from the built binary in tmux at 80x24 on the demo: the
// git state in the header, the Inputs view, an update run and its old → new table, the revert,
// the history with the hosts on each commit and `git show --stat`, and `C` (git status).
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendKeys, startSession, stop, type TmuxSession, waitForText } from '../../scripts/tmux.js';
import { E2E_CLI, e2eMissing } from '../helpers/tmuxPresent.js';

const reason = e2eMissing();
if (reason && process.env.CI) throw new Error(`end-to-end tests must run in CI: ${reason}`);
if (reason) console.warn(`skipping end-to-end tests: ${reason}`);

/** The demo's flake folder (under the TMPDIR the test gives it). */
function demoFlake(tmp: string): string {
  const demo = readdirSync(tmp).find((name) => name.startsWith('nixdeck-demo-'));
  if (!demo) throw new Error(`no demo folder in ${tmp}`);
  return path.join(tmp, demo, 'fleet');
}

describe.skipIf(reason !== null)('the demo repository in the console, in tmux at 80x24', () => {
  let tmp: string;
  let s: TmuxSession;

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'nixdeck-e2e-'));
    s = await startSession({
      command: ['node', E2E_CLI, '--demo'],
      fullScreen: true,
      cols: 80,
      rows: 24,
      env: { FORCE_COLOR: '3', TMPDIR: tmp, XDG_CONFIG_HOME: path.join(tmp, 'config'), XDG_STATE_HOME: path.join(tmp, 'state') },
    });
  });

  afterAll(async () => {
    await stop(s);
    rmSync(tmp, { recursive: true, force: true });
  });

  it('shows the branch and the changed files in the header', async () => {
    const screen = await waitForText(s, /main · \d+ changed/, { timeoutMs: 30_000 });
    expect(screen.split('\n')[0]).toMatch(/nixdeck .* main · 2 changed/);
  });

  it('I lists the inputs with their age in words; u updates them in a run pane, then shows old → new; r y puts flake.lock back', async () => {
    const lock = path.join(demoFlake(tmp), 'flake.lock');
    const before = readFileSync(lock, 'utf8');
    await sendKeys(s, 'I');
    const inputs = await waitForText(s, 'flake inputs 7 inputs', { timeoutMs: 15_000 });
    expect(inputs).toMatch(/nixpkgs +nixos-25\.11 +[0-9a-f]{7} +\d+ days? fresh/);
    expect(inputs).toMatch(/nixos-hardware +[0-9a-f]{7} +\d+ days very old/);
    expect(inputs).toMatch(/nixpkgs-2505 .* 25\.05 EOL/);
    await sendKeys(s, 'u');
    await waitForText(s, /flake\.lock · update · running/, { timeoutMs: 15_000 });
    const table = await waitForText(s, /\d+ inputs? changed · nothing is committed/, { timeoutMs: 60_000 });
    expect(table).toMatch(/nixpkgs +[0-9a-f]{7} → [0-9a-f]{7} +\d{4}-\d\d-\d\d → \d{4}-\d\d-\d\d +\+\d+ days?/);
    expect(table).toContain('r revert flake.lock');
    expect(readFileSync(lock, 'utf8')).not.toBe(before);
    await waitForText(s, /main · 3 changed/, { timeoutMs: 15_000 });
    await sendKeys(s, 'r');
    await waitForText(s, 'put flake.lock back as it was before the update?');
    await sendKeys(s, 'y');
    await waitForText(s, 'flake.lock is back as it was before the update', { timeoutMs: 15_000 });
    expect(readFileSync(lock, 'utf8')).toBe(before);
    await waitForText(s, /main · 2 changed/, { timeoutMs: 15_000 });
    // one Esc at a time, each seen: two Esc bytes in a row can reach the console as one key
    await sendKeys(s, 'Escape');
    await waitForText(s, 'flake inputs 7 inputs');
    await sendKeys(s, 'Escape');
    await waitForText(s, /1 Hosts/);
  });

  it('l lists the commits with the hosts on them; Enter shows git show --stat; C shows git status', async () => {
    await sendKeys(s, 'l');
    const history = await waitForText(s, /history 38 commits/, { timeoutMs: 15_000 });
    expect(history).toMatch(/> [0-9a-f]{7} \d{4}-\d\d-\d\d \[hq\] /);
    expect(history).toMatch(/[0-9a-f]{7} \d{4}-\d\d-\d\d \[x1carbon\] /);
    await sendKeys(s, 'Enter');
    const shown = await waitForText(s, /\d+ files? changed/, { timeoutMs: 15_000 });
    expect(shown).toMatch(/commit [0-9a-f]{40}/);
    expect(shown).toContain('Author: Alice <alice@example.org>');
    await sendKeys(s, 'Escape');
    await waitForText(s, /history 38 commits/);
    await sendKeys(s, 'Escape');
    await waitForText(s, /1 Hosts/);
    await sendKeys(s, 'C');
    const changes = await waitForText(s, /changes \(git status, git diff --stat\)[\s\S]*file changed/, { timeoutMs: 15_000 });
    expect(changes).toContain(' M systems/t460/default.nix');
    expect(changes).toContain('?? notes/');
  });
});
