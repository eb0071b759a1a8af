// A deploy to one of the demo's "remote" hosts, from the built binary in tmux at 80x24: the
// phases, the confirmation countdown and the acknowledgement as a person would see them, with
// no ssh and no nix (the demo's stand-ins). Driven through `nixdeck --demo rebuild HOST --action
// switch`: the console's `s` on another host is wired separately.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSession, stop, tmux, type TmuxSession, waitForText } from '../../scripts/tmux.js';
import { E2E_CLI, e2eMissing } from '../helpers/tmuxPresent.js';

const CLI = E2E_CLI;

const reason = e2eMissing();
if (reason && process.env.CI) throw new Error(`end-to-end tests must run in CI: ${reason}`);
if (reason) console.warn(`skipping end-to-end tests: ${reason}`);

/** Everything the pane printed, scrollback included. */
async function history(s: TmuxSession): Promise<string> {
  return tmux(s.socket, ['capture-pane', '-p', '-J', '-S', '-', '-t', s.name]);
}

describe.skipIf(reason !== null)('nixdeck --demo rebuild to a stand-in host, in tmux at 80x24', () => {
  let tmp: string;
  let s: TmuxSession;

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'nixdeck-e2e-'));
    s = await startSession({
      command: ['sh', '-c', '"$@"; echo $? > "$0"', path.join(tmp, 'status'), 'node', CLI, '--demo', 'rebuild', 'x1carbon', '--action', 'switch'],
      cols: 80,
      rows: 24,
      env: { FORCE_COLOR: '3', TMPDIR: tmp, XDG_CONFIG_HOME: path.join(tmp, 'config'), XDG_STATE_HOME: path.join(tmp, 'state'), NIXDECK_DEMO_SPEED: '4' },
    });
  });

  afterAll(async () => {
    await stop(s);
    rmSync(tmp, { recursive: true, force: true });
  });

  it('shows the build, copy, activate and confirm phases, the countdown and the acknowledgement, and succeeds', async () => {
    await waitForText(s, 'nixdeck: phase build: x1carbon here', { timeoutMs: 30_000 });
    const end = await waitForText(s, /x1carbon switch: succeeded in \d+s/, { timeoutMs: 60_000 });
    expect(end).toContain('nixdeck: x1carbon: confirmed');
    const all = await history(s);
    const at = (text: string | RegExp): number => (typeof text === 'string' ? all.indexOf(text) : all.search(text));
    const steps = [
      // (a long line wraps at 80 columns; the history joins it again)
      'note: x1carbon goes back to its previous generation by itself unless nixdeck reaches it over a new SSH connection within 5 s',
      'nixdeck: phase build: x1carbon here',
      'nixdeck: phase copy: ',
      /nixdeck: phase activate: switch x1carbon to \S+-nixos-system-x1carbon-/,
      /nixdeck-host: \$ nix-env -p \S+\/hosts\/x1carbon\/nix\/var\/nix\/profiles\/system --set /,
      'activating the configuration...',
      'nixdeck: phase confirm: x1carbon waits 5 s for proof that it still takes new SSH connections',
      /nixdeck: confirming: \d s left/,
      /nixdeck: x1carbon took a new SSH connection \(\d+ ms\): acknowledged/,
      'nixdeck-host: result: succeeded (confirmed)',
      'nixdeck: x1carbon: confirmed',
    ];
    const positions = steps.map(at);
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    await waitForText(s, () => existsSync(path.join(tmp, 'status')), { timeoutMs: 10_000 });
    expect(readFileSync(path.join(tmp, 'status'), 'utf8').trim()).toBe('0');
  });
});
