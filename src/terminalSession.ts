// The terminal the console runs on: the alternate screen and focus reports while it is open,
// its size, and the ways it goes away.
import type { Instance } from 'ink';

const ENTER_ALT_SCREEN = '\x1b[?1049h';
const LEAVE_ALT_SCREEN = '\x1b[?1049l';
// focus reports (ESC[I) tell the console that the terminal has the focus again: the git state is read again
const FOCUS_REPORTING_ON = '\x1b[?1004h';
const FOCUS_REPORTING_OFF = '\x1b[?1004l';

export interface TerminalSession {
  /** the terminal went away (a signal, or the end of stdin) */
  readonly hungUp: boolean;
  /** until the user quits, or the terminal goes away (then Ink is unmounted) */
  showUntilExit(instance: Instance): Promise<void>;
  /** back to the normal screen (also on process exit); once */
  leave(): void;
  /** stop listening for the signals */
  close(): void;
}

/**
 * Enter the alternate screen. A closed SSH connection or terminal (SIGHUP) or a kill (SIGTERM)
 * ends the console the orderly way: preferences saved, the demo's folder removed; detached runs
 * are not touched. `onSignal` runs first, synchronously, ahead of every other listener: Ink's
 * signal-exit may re-raise the signal and end the process right after.
 */
export function openTerminalSession(onSignal: () => void): TerminalSession {
  let inAltScreen = true;
  const leave = (): void => {
    if (!inAltScreen) return;
    inAltScreen = false;
    process.stdout.write(FOCUS_REPORTING_OFF + LEAVE_ALT_SCREEN);
  };
  let instance: Instance | null = null;
  let hungUp = false;
  const hangUp = (): void => {
    if (hungUp) return;
    hungUp = true;
    // the terminal is gone: writing to it fails (EIO), which must not stop the clean-up
    inAltScreen = false;
    instance?.unmount();
  };
  const signalled = (): void => {
    onSignal();
    hangUp();
  };
  process.prependListener('SIGHUP', signalled);
  process.prependListener('SIGTERM', signalled);
  process.stdout.write(ENTER_ALT_SCREEN + FOCUS_REPORTING_ON);
  process.on('exit', leave);
  return {
    get hungUp() {
      return hungUp;
    },
    async showUntilExit(shown) {
      instance = shown;
      // the pty closing shows first as the end of stdin; with nothing else to wait for, Node
      // would exit right there and skip the clean-up after this
      process.stdin.once('end', hangUp);
      process.stdin.once('close', hangUp);
      process.stdin.on('error', hangUp);
      await shown.waitUntilExit();
      process.stdin.off('end', hangUp);
      process.stdin.off('close', hangUp);
      process.stdin.off('error', hangUp);
    },
    leave,
    close() {
      process.off('SIGHUP', signalled);
      process.off('SIGTERM', signalled);
    },
  };
}

/** The terminal's columns and rows (80x24 when it does not say). */
export function terminalSize(): [number, number] {
  return [process.stdout.columns || 80, process.stdout.rows || 24];
}

/** Calls `onSize` on every resize until the returned function is called. */
export function followResize(onSize: (columns: number, rows: number) => void): () => void {
  const onResize = (): void => onSize(...terminalSize());
  process.stdout.on('resize', onResize);
  return () => process.stdout.off('resize', onResize);
}
