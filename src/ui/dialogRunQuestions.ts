// The questions about runs: start one (local or remote), deploy a group, cancel one, quit while runs go.
import type { RebuildAction } from '../core/rebuildCommand.js';
import { formatDuration } from '../core/runSummary.js';
import type { AppState } from '../state/appState.js';
import { groupQuestion, protection, remoteRunQuestion } from '../state/deployWords.js';
import { elapsedMs } from './runText.js';
import { tildePath } from './text.js';
import type { DialogContent, DialogLine, DialogOf } from './dialogLine.js';

/** What an activating action does, said before it is confirmed. */
const WHAT: Partial<Record<RebuildAction, string>> = {
  test: 'builds it and activates it now; the boot default stays as it is',
  switch: 'builds it, activates it now and makes it the boot default',
  boot: 'builds it and makes it the boot default, activated at the next boot',
  'dry-activate': 'builds it and shows what activating it would change (as root)',
};

/** The command an activating run is, as the user would type it (our own log flags left out). */
function commandLine(state: AppState, action: RebuildAction, host: string): string {
  const words = [state.prefs.rebuildExecutable || 'nixos-rebuild', action, '--flake', `${tildePath(state.flakeDir, state.home)}#${host}`];
  const flags = state.prefs.rebuildFlags?.trim();
  return `command: ${[...words, ...(flags ? [flags] : [])].join(' ')}`;
}

/** Whether a started run outlives the console. */
function lifetimeLine(state: AppState): DialogLine {
  return state.runs.endWithConsole
    ? { text: "The demo's runs stop, and their logs go, when nixdeck quits.", dim: true }
    : { text: 'The run is detached: it goes on if nixdeck quits or the connection drops.', dim: true };
}

export function confirmRunLines(d: DialogOf<'confirmRun'>, state: AppState): DialogContent {
  if (d.remote) {
    return {
      title: 'deploy',
      lines: [
        { text: remoteRunQuestion(d.host, d.action, d.remote), bold: true, color: 'yellow', key: true },
        { text: 'y start it · n, Esc or Enter: no', color: 'yellow', key: true },
        { text: `nixos-rebuild build --flake ${tildePath(state.flakeDir, state.home)}#${d.host}, nix copy to ${d.host}, then nixdeck's activation on ${d.host}`, dim: true },
        lifetimeLine(state),
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
      lifetimeLine(state),
    ],
  };
}

export function confirmGroupLines(d: DialogOf<'confirmGroup'>): DialogContent {
  const rollback = protection(d.action, d.confirmTimeout);
  return {
    title: d.title ?? 'deploy marked hosts',
    lines: [
      { text: groupQuestion(d.action, d.hosts, d.parallel), bold: true, color: 'yellow', key: true },
      { text: 'y start them · n, Esc or Enter: no', color: 'yellow', key: true },
      ...d.skipped.map((s): DialogLine => ({ text: `not deployed: ${s.host}: ${s.error}`, color: 'red', key: true })),
      ...(rollback ? [{ text: `other hosts: build, copy, activate; ${rollback}` }] : []),
      { text: 'One run and pane per host; L lists each host: phase, countdown, result.', dim: true },
    ],
  };
}

export function confirmCancelLines(d: DialogOf<'confirmCancel'>, state: AppState): DialogContent {
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

export function confirmQuitLines(d: DialogOf<'confirmQuit'>, state: AppState): DialogContent {
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
