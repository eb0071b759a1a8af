import os from 'node:os';
import { Box, Text } from 'ink';
import type { RebuildAction } from '../core/rebuildCommand.js';
import { formatBytes } from '../core/closureDiff.js';
import type { ActivationAction } from '../core/generationOps.js';
import { shortDate } from '../core/generations.js';
import { formatDuration } from '../core/runSummary.js';
import type { AppState, PendingGenerationOp } from '../state/appState.js';
import { numberRanges } from '../state/generationActions.js';
import { elapsedMs } from './runText.js';
import { cellWidth } from './text.js';

/** What an activating action does, said before it is confirmed. */
const WHAT: Partial<Record<RebuildAction, string>> = {
  test: 'builds it and activates it now; the boot default stays as it is',
  switch: 'builds it, activates it now and makes it the boot default',
  boot: 'builds it and makes it the boot default, activated at the next boot',
  'dry-activate': 'builds it and shows what activating it would change (as root)',
};

/** The choices of the switch confirmation, in the order asked. */
const CHOICES: { key: string; action: ActivationAction; text: string }[] = [
  { key: 's', action: 'switch', text: 'switch now: activate it and make it the boot default' },
  { key: 'b', action: 'boot', text: 'boot it next time: make it the boot default, activate nothing now' },
  { key: 't', action: 'test', text: 'test: activate it now without making it the default (until reboot)' },
];

const PROFILE = '/nix/var/nix/profiles/system';

function opText(op: PendingGenerationOp, host: string): string {
  if (op.kind === 'delete') return `delete generation${op.generations.length === 1 ? '' : 's'} ${numberRanges(op.generations)} of ${host}`;
  return `${op.action} ${host} to generation ${op.generation}`;
}

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
    case 'confirmActivate': {
      const t = d.target;
      const back = d.running !== null && t.generation < d.running.generation;
      const lines: Line[] = [
        { text: `${back ? 'Roll back' : 'Switch'} ${d.host} to generation ${t.generation}${d.running ? ` (from ${d.running.generation})` : ''}? s/b/t or N`, bold: true, color: 'yellow' },
        { text: `${shortDate(t.date)} UTC · NixOS ${t.nixosVersion} · kernel ${t.kernelVersion}` },
      ];
      for (const c of CHOICES) {
        const already = d.choices.find((x) => x.action === c.action)?.already ?? null;
        lines.push(already ? { text: `${c.key}  ${c.action}: ${already}, nothing to do`, dim: true } : { text: `${c.key}  ${c.text}` });
      }
      lines.push({ text: 'n  no, change nothing (also Esc or Enter)', color: 'yellow' });
      lines.push({ text: `detached run: nix-env --switch-generation ${t.generation}, then switch-to-configuration`, dim: true });
      return { title: 'switch generation', lines };
    }
    case 'confirmDelete': {
      const view = state.genView;
      const freed = view?.kind === 'prune' ? view.freed : null;
      const space =
        freed?.status === 'ok'
          ? `up to ${formatBytes(freed.value.bytes)} freed by the next garbage collection (not run now)`
          : freed?.status === 'error'
            ? `space freed unknown: ${freed.message}`
            : 'estimating the space freed…';
      const n = d.generations.length;
      const listed = n <= 8 ? d.generations.join(' ') : `${d.generations.slice(0, 6).join(' ')} … (${n} numbers)`;
      return {
        title: 'delete generations',
        lines: [
          { text: `Delete ${n} generation${n === 1 ? '' : 's'} of ${d.host} (${numberRanges(d.generations)})? y/N`, bold: true, color: 'yellow' },
          { text: space },
          { text: `runs: nix-env -p ${PROFILE} --delete-generations ${listed}, then refreshes the boot menu`, dim: true },
          { text: 'What goes and what stays is listed above (j/k scroll it).', dim: true },
          { text: 'y delete them · n, Esc or Enter: no', color: 'yellow' },
        ],
      };
    }
    case 'keepPolicy': {
      const field = (name: 'last' | 'days', label: string): Line => ({
        text: `${d.field === name ? '>' : ' '} ${label}${d[name]}${d.field === name ? '▏' : ''}`,
        ...(d.field === name ? { color: 'yellow', bold: true } : {}),
      });
      return {
        title: 'keep policy',
        lines: [
          { text: `Prune ${d.host}: which generations to keep?`, bold: true, color: 'yellow' },
          field('last', 'keep the newest N generations: '),
          field('days', 'keep those newer than D days:  '),
          { text: 'Pinned, current, running and booted generations always stay.', dim: true },
          ...(d.error ? [{ text: d.error, color: 'red' }] : []),
          { text: 'Tab next field · Enter shows what goes (asks before deleting) · Esc cancel', color: 'yellow' },
        ],
      };
    }
    case 'opPassword':
      return {
        title: 'sudo password',
        lines: [
          { text: `sudo needs your password to ${opText(d.op, d.host)}`, bold: true },
          { text: `password: ${'*'.repeat(d.length)}▏`, color: 'yellow' },
          { text: 'It goes to sudo on standard input and is not kept, logged or shown.', dim: true },
          { text: 'Enter go on · Backspace edit · Esc cancel (nothing changes)', color: 'yellow' },
        ],
      };
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

/** The rows a dialog needs at this width (its lines, wrapped, and its border). */
export function dialogRows(state: AppState, width: number): number {
  const content = dialogLines(state);
  if (!content) return 0;
  const inner = Math.max(1, width - 4);
  return 2 + content.lines.reduce((n, line) => n + wrappedRows(line.text, inner), 0);
}

/** How many rows `text` takes when wrapped at spaces to `width` cells (long words are cut). */
function wrappedRows(text: string, width: number): number {
  let rows = 1;
  let used = 0;
  for (const word of text.split(' ')) {
    const w = cellWidth(word);
    const needed = used === 0 ? w : used + 1 + w;
    if (needed <= width) {
      used = needed;
      continue;
    }
    rows += used === 0 ? 0 : 1;
    used = w;
    while (used > width) {
      rows += 1;
      used -= width;
    }
  }
  return rows;
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
