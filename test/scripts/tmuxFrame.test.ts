// waitForText must not hand back a frame the console is still writing (CI once read one half-drawn).
import { describe, expect, it } from 'vitest';
import { looksWhole, startSession, stop, waitForText } from '../../scripts/tmux.js';
import { tmuxMissing } from '../helpers/tmuxPresent.js';

describe('looksWhole', () => {
  it('is false while the bottom rows are still blank, true once the status bar is drawn', () => {
    expect(looksWhole('╭─ 4 Runs 2/2 ───\n\n\n')).toBe(false);
    expect(looksWhole('╭─ 4 Runs 2/2 ───\n│ x │\n  ? help')).toBe(true);
    // Ink leaves the terminal's last row empty
    expect(looksWhole('╭─ 4 Runs 2/2 ───\n╰───╯\nbuild started    ? help\n')).toBe(true);
  });
});

const missing = tmuxMissing('the tmux frame tests');
if (missing) console.warn(`skipping the tmux frame tests: ${missing.skip}`);

describe.skipIf(missing !== null)('waitForText on a frame written in two parts', () => {
  it('waits for the rest of the frame before returning the screen', async () => {
    // the top row first, the status bar 300 ms later: a frame cut in two by the pty
    const script = 'printf "top row\\n"; sleep 0.3; printf "\\033[5;1Hstatus bar"; sleep 5';
    const s = await startSession({ command: ['sh', '-c', script], cols: 40, rows: 6, fullScreen: true });
    try {
      const screen = await waitForText(s, 'top row');
      expect(screen.split('\n').at(-2)).toMatch(/status bar/);
    } finally {
      await stop(s);
    }
  });

  it('still returns a screen whose last row stays blank (a command that printed and stopped)', async () => {
    const s = await startSession({ command: ['sh', '-c', 'printf "done\\n"; sleep 5'], cols: 40, rows: 6, fullScreen: true });
    try {
      expect(await waitForText(s, 'done')).toMatch(/^done/);
    } finally {
      await stop(s);
    }
  });
});
