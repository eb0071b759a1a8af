import { Box, Text } from 'ink';
import type { RebuildAction } from '../core/rebuildCommand.js';
import { formatBytes } from '../core/closureDiff.js';
import type { ActivationAction } from '../core/generationOps.js';
import { shortDate } from '../core/generations.js';
import { formatDuration } from '../core/runSummary.js';
import type { AppState, PendingGenerationOp } from '../state/appState.js';
import { numberRanges } from '../core/generationWords.js';
import { groupQuestion, protection, remoteRunQuestion } from '../state/deployWords.js';
import { type Glyphs, glyphsFor, screenText } from './glyphs.js';
import { Overlay } from './Overlay.js';
import { commitQuestionLines } from './commitQuestion.js';
import { elapsedMs } from './runText.js';
import { fit, tildePath, wrappedRows } from './text.js';

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

function opText(op: PendingGenerationOp, host: string): string {
  if (op.kind === 'delete') return `delete generation${op.generations.length === 1 ? '' : 's'} ${numberRanges(op.generations)} of ${host}`;
  return `${op.action} ${host} to generation ${op.generation}`;
}

interface Line {
  text: string;
  bold?: boolean;
  dim?: boolean;
  color?: string;
  /** the question, the answer keys or the field typed into: shown first, never cut for the rest */
  key?: boolean;
}

/** The command an activating run is, as the user would type it (our own log flags left out). */
function commandLine(state: AppState, action: RebuildAction, host: string): string {
  const words = [state.prefs.rebuildExecutable || 'nixos-rebuild', action, '--flake', `${tildePath(state.flakeDir, state.home)}#${host}`];
  const flags = state.prefs.rebuildFlags?.trim();
  return `command: ${[...words, ...(flags ? [flags] : [])].join(' ')}`;
}

/** A sudo password dialog's field: why it is asked again, what for, and the typed length masked. */
function passwordField(d: { host: string; error?: string; length: number }, what: string, g: Glyphs): Line[] {
  return [
    ...(d.error ? [{ text: `${d.host}: ${d.error}: type it again`, color: 'red', bold: true, key: true }] : []),
    { text: `sudo needs your password to ${what}`, bold: true, key: true },
    { text: `password: ${'*'.repeat(d.length)}${g.cursor}`, color: 'yellow', key: true },
  ];
}

function dialogLines(state: AppState, g: Glyphs): { title: string; lines: Line[] } | null {
  const d = state.dialog;
  if (!d) return null;
  switch (d.kind) {
    case 'confirmRun':
      if (d.remote) {
        return {
          title: 'deploy',
          lines: [
            { text: remoteRunQuestion(d.host, d.action, d.remote), bold: true, color: 'yellow', key: true },
            { text: 'y start it · n, Esc or Enter: no', color: 'yellow', key: true },
            { text: `nixos-rebuild build --flake ${tildePath(state.flakeDir, state.home)}#${d.host}, nix copy to ${d.host}, then nixdeck's activation on ${d.host}`, dim: true },
            state.runs.endWithConsole
              ? { text: "The demo's runs stop, and their logs go, when nixdeck quits.", dim: true }
              : { text: 'The run is detached: it goes on if nixdeck quits or the connection drops.', dim: true },
          ],
        };
      }
      return {
        title: 'confirm',
        lines: [
          { text: `${d.action} ${d.host}${d.local ? ' (this machine)' : ''}? y/N`, bold: true, color: 'yellow', key: true },
          { text: 'y start it · n, Esc or Enter: no', color: 'yellow', key: true },
          { text: WHAT[d.action] ?? '' },
          { text: commandLine(state, d.action, d.host), dim: true },
          state.runs.endWithConsole
            ? { text: "The demo's runs stop, and their logs go, when nixdeck quits.", dim: true }
            : { text: 'The run is detached: it goes on if nixdeck quits or the connection drops.', dim: true },
        ],
      };
    case 'confirmGroup': {
      const rollback = protection(d.action, d.confirmTimeout);
      return {
        title: d.title ?? 'deploy marked hosts',
        lines: [
          { text: groupQuestion(d.action, d.hosts, d.parallel), bold: true, color: 'yellow', key: true },
          { text: 'y start them · n, Esc or Enter: no', color: 'yellow', key: true },
          ...d.skipped.map((s): Line => ({ text: `not deployed: ${s.host}: ${s.error}`, color: 'red', key: true })),
          ...(rollback ? [{ text: `other hosts: build, copy, activate; ${rollback}` }] : []),
          { text: 'One run and pane per host; L lists each host: phase, countdown, result.', dim: true },
        ],
      };
    }
    case 'password':
      return {
        title: 'sudo password',
        lines: [
          ...passwordField(d, `${d.action} ${d.host}${d.local ? ' (this machine)' : ''}`, g),
          { text: `Enter ${d.group ? 'go on' : 'start'} · Backspace edit · Esc cancel${d.group ? ' (this host only)' : ''}`, color: 'yellow', key: true },
          d.local
            ? { text: 'It goes to sudo on standard input and is not kept, logged or shown.', dim: true }
            : { text: `It goes to sudo on ${d.host} on standard input; kept in memory for ${d.host} until nixdeck quits, never logged or shown.`, dim: true },
        ],
      };
    case 'confirmCancel': {
      const view = state.runs.views[d.runId];
      const running = view ? `, running for ${formatDuration(elapsedMs(view, state.runs.nowMs))}` : '';
      return {
        title: 'cancel',
        lines: [
          { text: `cancel the run on ${d.host}? y/N`, bold: true, color: 'yellow', key: true },
          { text: 'y cancel it · n, Esc or Enter: let it run', color: 'yellow', key: true },
          { text: `${d.action}${running}: ${d.action === 'update' ? 'nix' : 'nixos-rebuild'} is interrupted, then stopped if it does not end.` },
        ],
      };
    }
    case 'confirmActivate': {
      const t = d.target;
      const back = d.running !== null && t.generation < d.running.generation;
      const lines: Line[] = [
        {
          text: `${back ? 'Roll back' : 'Switch'} ${d.host} to generation ${t.generation}${d.running ? ` (from ${d.running.generation})` : ''}? s/b/t or N`,
          bold: true,
          color: 'yellow',
          key: true,
        },
      ];
      for (const c of CHOICES) {
        const already = d.choices.find((x) => x.action === c.action)?.already ?? null;
        lines.push(already ? { text: `${c.key}  ${c.action}: ${already}, nothing to do`, dim: true, key: true } : { text: `${c.key}  ${c.text}`, key: true });
      }
      lines.push({ text: 'n  no, change nothing (also Esc or Enter)', color: 'yellow', key: true });
      lines.push({ text: `${shortDate(t.date)} UTC · NixOS ${t.nixosVersion} · kernel ${t.kernelVersion}` });
      const host = state.hosts.find((h) => h.name === d.host);
      if (host && !host.local) {
        const rollback = protection('switch', state.prefs.confirmTimeout ?? 30);
        lines.push({ text: `detached run on ${d.host} through nixdeck's activation; switch and test ${rollback.replace(/^rolls/, 'roll')}; boot is not protected`, dim: true });
      } else lines.push({ text: `detached run: nix-env --switch-generation ${t.generation}, then switch-to-configuration`, dim: true });
      return { title: 'switch generation', lines };
    }
    case 'confirmDelete': {
      const view = state.genView;
      const freed = view?.kind === 'prune' ? view.freed : null;
      const space =
        freed?.status === 'ok'
          ? `up to ${formatBytes(freed.value.bytes)} freed by the next garbage collection (not run now)`
          : freed?.status === 'error'
            ? `space freed unknown: ${freed.error}`
            : 'estimating the space freed…';
      const n = d.generations.length;
      const listed = n <= 8 ? d.generations.join(' ') : `${d.generations.slice(0, 6).join(' ')} … (${n} numbers)`;
      return {
        title: 'delete generations',
        lines: [
          { text: `Delete ${n} generation${n === 1 ? '' : 's'} of ${d.host} (${numberRanges(d.generations)})? y/N`, bold: true, color: 'yellow', key: true },
          { text: 'y delete them · n, Esc or Enter: no', color: 'yellow', key: true },
          { text: space },
          { text: `runs: nix-env -p ${d.profile} --delete-generations ${listed}, then refreshes the boot menu`, dim: true },
          { text: 'What goes and what stays is listed above (j/k scroll it).', dim: true },
        ],
      };
    }
    case 'keepPolicy': {
      const field = (name: 'last' | 'days', label: string): Line => ({
        text: `${d.field === name ? '>' : ' '} ${label}${d[name]}${d.field === name ? g.cursor : ''}`,
        key: true,
        ...(d.field === name ? { color: 'yellow', bold: true } : {}),
      });
      return {
        title: 'keep policy',
        lines: [
          { text: `Prune ${d.host}: which generations to keep?`, bold: true, color: 'yellow', key: true },
          field('last', 'keep the newest N generations: '),
          field('days', 'keep those newer than D days:  '),
          { text: 'Tab next field · Enter shows what goes (asks before deleting) · Esc cancel', color: 'yellow', key: true },
          ...(d.error ? [{ text: d.error, color: 'red', key: true }] : []),
          { text: 'Pinned, current, running and booted generations always stay.', dim: true },
        ],
      };
    }
    case 'opPassword':
      return {
        title: 'sudo password',
        lines: [
          ...passwordField(d, opText(d.op, d.host), g),
          { text: 'Enter go on · Backspace edit · Esc cancel (nothing changes)', color: 'yellow', key: true },
          { text: 'It goes to sudo on standard input and is not kept, logged or shown.', dim: true },
        ],
      };
    case 'commit':
      return commitQuestionLines(d, g);
    case 'confirmQuit':
      return {
        title: 'quit',
        lines: [
          state.runs.endWithConsole
            ? { text: "quit? the demo's runs stop and its folder is removed. y/N", bold: true, color: 'yellow', key: true }
            : { text: 'runs are going: leave them running and quit? y/N', bold: true, color: 'yellow', key: true },
          { text: 'y quit · n, Esc or Enter: stay', color: 'yellow', key: true },
          { text: `going: ${d.running.map((r) => `${r.action} on ${r.host}`).join(', ')}` },
          state.runs.endWithConsole
            ? { text: "Its runs and logs live in its temporary folder, removed on quit.", dim: true }
            : { text: 'They are detached and keep going; nixdeck shows them again when it starts.', dim: true },
        ],
      };
  }
}

/** The lines of the dialog as shown: screen-safe, questions and keys first. */
function shownLines(state: AppState): Line[] | null {
  const g = glyphsFor(state.prefs.asciiBorders);
  const content = dialogLines(state, g);
  if (!content) return null;
  const lines = content.lines.map((line) => ({ ...line, text: screenText(line.text, g) }));
  return [...lines.filter((l) => l.key), ...lines.filter((l) => !l.key)];
}

/** The rows a dialog needs at this width (its lines, wrapped, and its border). */
export function dialogRows(state: AppState, width: number): number {
  const lines = shownLines(state);
  if (!lines) return 0;
  const inner = Math.max(1, width - 4);
  return 2 + lines.reduce((n, line) => n + wrappedRows(line.text, inner), 0);
}

/**
 * A question in place of the bottom area; it has the keyboard until answered. The question
 * and its answer keys come first, wrapped when there is room and one row each when not; the
 * explanation lines follow in the rows left, each whole or left out.
 */
export function DialogBox({ state, width, height }: { state: AppState; width: number; height: number }) {
  const lines = shownLines(state);
  if (!lines) return null;
  const g = glyphsFor(state.prefs.asciiBorders);
  const inner = Math.max(1, width - 4);
  const rows = Math.max(0, height - 2);
  const keyRows = lines.filter((l) => l.key).reduce((n, l) => n + wrappedRows(l.text, inner), 0);
  const wrapKeys = keyRows <= rows;
  // an explanation is shown whole or not at all, so that a command is never cut in the middle
  let left = rows - (wrapKeys ? keyRows : lines.filter((l) => l.key).length);
  const shown = lines.filter((line) => {
    if (line.key) return true;
    const need = wrappedRows(line.text, inner);
    if (need > left) return false;
    left -= need;
    return true;
  });
  return (
    <Overlay width={width} height={height} ascii={g.ascii} tone="warn">
      {shown.map((line, i) => (
        // no shrinking: a row that does not fit is cut at the bottom, never squeezed into another
        <Box key={i} flexShrink={0}>
          <Text wrap={line.key && !wrapKeys ? 'truncate-end' : 'wrap'} bold={line.bold} dimColor={line.dim} color={line.color}>
            {line.key && !wrapKeys ? fit(line.text, inner, g).trimEnd() : line.text}
          </Text>
        </Box>
      ))}
    </Overlay>
  );
}
