// Words and lines a run pane and the hosts list show for a run; pure, no React.

import type { FailedDerivation, ProgressSnapshot, RunningBuild } from '../core/progressSnapshot.js';
import { visibleText } from '../core/displayText.js';
import { stripAnsi } from '../core/nixLog.js';
import type { RunAction } from '../core/rebuildCommand.js';
import { formatDuration } from '../core/runSummary.js';
import type { RunPhase, RunView } from '../core/runsService.js';
import { runPhase } from '../state/group.js';
import { glyphsFor } from './glyphs.js';

/** A one-cell sign for a run's state; always shown next to a word, never alone. */
export function phaseGlyph(phase: RunPhase, ascii: boolean): string {
  return glyphsFor(ascii).phase[phase];
}

/** What the hosts list shows next to a host with a run: `⟳ switch`, `✗ build`. */
export function hostRunLabel(run: { phase: RunPhase; action: RunAction }, ascii: boolean): string {
  return `${phaseGlyph(run.phase, ascii)} ${run.action}`;
}

export function elapsedMs(view: RunView, nowMs: number): number {
  return Math.max(0, (view.endedAtMs ?? nowMs) - view.startedAtMs);
}

/** `⟳ hq · switch · running · 1m20s · ETA 3m10s`; a switch to a generation: `⟳ hq · switch generation 42 · …` */
export function runHeader(view: RunView, nowMs: number, ascii: boolean): string {
  const what = view.generation !== undefined ? `${view.action} generation ${view.generation}` : view.action;
  const parts = [`${phaseGlyph(view.phase, ascii)} ${view.host}`, what, view.phase, formatDuration(elapsedMs(view, nowMs))];
  // a deploy says its phase while it goes, and the seconds left before the host rolls itself back
  const deploy = view.phase === 'running' && view.deploy ? runPhase(view) : null;
  if (deploy) parts.splice(2, 1, view.deploy?.countdown !== undefined && deploy === 'confirm' ? `confirm ${view.deploy.countdown} s left` : deploy);
  else if (view.phase !== 'running' && view.deploy?.result?.kind === 'rolled-back') parts.splice(2, 1, 'rolled back');
  if (view.phase === 'running' && view.etaMs !== null) parts.push(`ETA ${formatDuration(view.etaMs)}`);
  return parts.join(' · ');
}

const MIB = 1024 * 1024;

/** `12.3/40.0 MiB`, or GiB when the total is a gibibyte or more. */
export function bytesPair(done: number, expected: number): string {
  const total = Math.max(done, expected);
  const [unit, size] = total >= 1024 * MIB ? ['GiB', 1024 * MIB] : ['MiB', MIB];
  return `${(done / size).toFixed(1)}/${(total / size).toFixed(1)} ${unit}`;
}

const STAGE_WORDS: Record<ProgressSnapshot['stage'], string> = {
  starting: 'starting…',
  evaluating: 'evaluating…',
  building: 'building',
  copying: 'copying',
  activating: 'activating',
};

/**
 * nix-output-monitor style: `builds 3/7 (1 running, 0 failed) · downloads 12.3/40.0 MiB`. Once the
 * run has `ended`, no stage (`activating`) and nothing running is claimed: the header says how it ended.
 */
export function progressLine(p: ProgressSnapshot, ended = false): string {
  const parts: string[] = [];
  const b = p.builds;
  const s = p.substitutions;
  const d = p.downloads;
  if (!ended && (p.stage === 'activating' || p.stage === 'copying')) parts.push(STAGE_WORDS[p.stage]);
  if (b.expected > 0 || b.done > 0 || b.running > 0 || b.failed > 0) {
    const running = ended ? 0 : b.running;
    const total = Math.max(b.expected, b.done + running + b.failed);
    parts.push(`builds ${b.done}/${total} (${running} running, ${b.failed} failed)`);
  }
  if (s.expected > 0 || s.done > 0) parts.push(`fetched ${s.done}/${Math.max(s.expected, s.done)}`);
  if (d.expectedBytes > 0 || d.doneBytes > 0) parts.push(`downloads ${bytesPair(d.doneBytes, d.expectedBytes)}`);
  if (parts.length === 0) parts.push(ended ? 'nothing was built or downloaded' : STAGE_WORDS[p.stage]);
  return parts.join(' · ');
}

/** `  hello-1.0 · buildPhase · 12s` */
export function runningBuildLine(r: RunningBuild): string {
  const where = r.machine ? ` on ${r.machine}` : '';
  return `  ${r.name}${where} · ${r.phase ?? 'building'} · ${formatDuration(r.elapsedMs)}`;
}

export interface FailureLead {
  /** `✗ failed: builder for hello-1.0 failed with exit code 2` */
  headline: string;
  /** failed derivations, their last log lines, the error messages, failed units */
  details: string[];
  /** where the whole log is: `full log: /…/runs/….log` */
  logLine: string;
  logPath: string;
}

function failedLine(f: FailedDerivation): string {
  return `  failed: ${f.name}${f.reason ? ` (${f.reason})` : ''}`;
}

/** What went wrong, for a run that ended other than well; null while running or after success. */
export function failureLead(view: RunView, ascii: boolean, lastLines = 3): FailureLead | null {
  if (view.phase === 'running' || view.phase === 'succeeded') return null;
  const summary = view.summary;
  const headline = `${phaseGlyph(view.phase, ascii)} ${summary?.headline ?? (view.phase === 'lost' ? 'lost: the run stopped reporting' : view.phase)}`;
  const details: string[] = [];
  const failed = summary?.failedDerivations ?? view.progress.failedDerivations;
  failed.forEach((f, i) => {
    details.push(failedLine(f));
    if (i === 0) for (const line of f.lastLines.slice(-lastLines)) details.push(`    > ${line}`);
  });
  const errors = summary?.errors ?? view.progress.errors.map((e) => e.summary);
  for (const e of errors) if (!headline.includes(e)) details.push(`  ${e}`);
  const units = summary?.failedUnits ?? view.progress.activation.unitsFailed;
  if (units.length > 0) details.push(`  units failed: ${units.join(', ')}`);
  return { headline, details, logLine: `${view.temporary ? 'full log (removed on quit)' : 'full log'}: ${view.logPath}`, logPath: view.logPath };
}

/**
 * A log line as one row, never huge: colours and other escape sequences out, a CR line ending
 * out, tabs expanded and any other control character made visible (`^G`).
 */
export function cleanLine(line: string, width: number): string {
  let text = line.length > width * 4 + 16 ? line.slice(0, width * 4 + 16) : line;
  if (text.includes('\x1b')) text = stripAnsi(text);
  if (text.endsWith('\r')) text = text.slice(0, -1);
  return visibleText(text);
}
