import os from 'node:os';
import { Box, Text } from 'ink';
import type { RebuildAction } from '../core/rebuildCommand.js';
import { formatDuration } from '../core/runSummary.js';
import type { AppState } from '../state/appState.js';
import { elapsedMs } from './runText.js';

/** What an activating action does, said before it is confirmed. */
const WHAT: Partial<Record<RebuildAction, string>> = {
  test: 'builds it and activates it now; the boot default stays as it is',
  switch: 'builds it, activates it now and makes it the boot default',
  boot: 'builds it and makes it the boot default, activated at the next boot',
  'dry-activate': 'builds it and shows what activating it would change (as root)',
};

function tildify(dir: string): string {
  const home = os.homedir();
  return home && home !== '/' && dir.startsWith(`${home}/`) ? `~${dir.slice(home.length)}` : dir;
}

interface Line {
  text: string;
  bold?: boolean;
  dim?: boolean;
  color?: string;
}

function dialogLines(state: AppState): { title: string; lines: Line[] } | null {
  const d = state.dialog;
  if (!d) return null;
  switch (d.kind) {
    case 'confirmRun':
      return {
        title: 'confirm',
        lines: [
          { text: `${d.action} ${d.host}${d.local ? ' (this machine)' : ''}? y/N`, bold: true, color: 'yellow' },
          { text: WHAT[d.action] ?? '' },
          { text: `command: nixos-rebuild ${d.action} --flake ${tildify(state.flakeDir)}#${d.host} …`, dim: true },
          { text: 'The run is detached: it goes on if nixdeck quits or the connection drops.', dim: true },
          { text: 'y start it · n, Esc or Enter: no', color: 'yellow' },
        ],
      };
    case 'password':
      return {
        title: 'sudo password',
        lines: [
          { text: `sudo needs your password to ${d.action} ${d.host}${d.local ? ' (this machine)' : ''}`, bold: true },
          { text: `password: ${'*'.repeat(d.length)}▏`, color: 'yellow' },
          { text: 'It goes to sudo on standard input and is not kept, logged or shown.', dim: true },
          { text: 'Enter start · Backspace edit · Esc cancel', color: 'yellow' },
        ],
      };
    case 'confirmCancel': {
      const view = state.runs.views[d.runId];
      const running = view ? `, running for ${formatDuration(elapsedMs(view, state.runs.nowMs))}` : '';
      return {
        title: 'cancel',
        lines: [
          { text: `cancel the run on ${d.host}? y/N`, bold: true, color: 'yellow' },
          { text: `${d.action}${running}: nixos-rebuild is interrupted, then stopped if it does not end.` },
          { text: 'y cancel it · n, Esc or Enter: let it run', color: 'yellow' },
        ],
      };
    }
    case 'confirmQuit':
      return {
        title: 'quit',
        lines: [
          { text: 'runs are going: leave them running and quit? y/N', bold: true, color: 'yellow' },
          { text: `going: ${d.running.map((r) => `${r.action} on ${r.host}`).join(', ')}` },
          { text: 'They are detached and keep going; nixdeck shows them again when it starts.', dim: true },
          { text: 'y quit · n, Esc or Enter: stay', color: 'yellow' },
        ],
      };
  }
}

/** A question in place of the bottom area; it has the keyboard until answered. */
export function DialogBox({ state, width, height }: { state: AppState; width: number; height: number }) {
  const content = dialogLines(state);
  if (!content) return null;
  return (
    <Box
      flexDirection="column"
      width={width}
      height={height}
      borderStyle={state.prefs.asciiBorders ? 'classic' : 'round'}
      borderColor="yellow"
      paddingX={1}
      overflow="hidden"
    >
      {content.lines.map((line, i) => (
        <Text key={i} wrap="wrap" bold={line.bold} dimColor={line.dim} color={line.color}>
          {line.text}
        </Text>
      ))}
    </Box>
  );
}
