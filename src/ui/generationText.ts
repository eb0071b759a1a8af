// Lines of the diff view and the prune preview; pure, no React. Each line has a tone so the
// view can colour it, but the words always say what it is (state is never colour alone).
import { CHANGE_HEADINGS, CHANGE_KINDS, type ChangeKind, type ClosureDiff, formatBytes, type PackageChange, showVersions } from '../core/closureDiff.js';
import { shortDate } from '../core/generations.js';
import type { Generation } from '../core/types.js';
import type { DiffSide, GenerationView } from '../state/appState.js';

export type LineTone = 'title' | 'heading' | 'up' | 'down' | 'add' | 'remove' | 'plain' | 'dim' | 'warn' | 'error';

export interface ViewLine {
  text: string;
  tone: LineTone;
}

export interface ViewText {
  title: string;
  /** shown above the rest when there is room (what is compared) */
  context: ViewLine[];
  /** always shown, above the scrolled lines */
  fixed: ViewLine[];
  /** scrolled with j/k */
  body: ViewLine[];
}


const TONES: Record<ChangeKind, LineTone> = {
  upgraded: 'up',
  downgraded: 'down',
  added: 'add',
  removed: 'remove',
  changed: 'plain',
  'size-only': 'dim',
};

function markers(g: Generation): string {
  return [g.current && 'current', g.running && 'running', g.booted && 'booted'].filter(Boolean).join(', ');
}

/** `44  2025-06-03 06:00  NixOS 25.11.20250901.1234567  kernel 6.12.31  current, running` */
export function sideLine(side: DiffSide, runningFallback: string): string {
  const g = side.generation;
  if (!g) return `${runningFallback} (${side.storePath || 'unknown'})`;
  const states = markers(g);
  return `${g.generation}  ${shortDate(g.date)}  NixOS ${g.nixosVersion}  kernel ${g.kernelVersion}${states ? `  ${states}` : ''}`;
}

function sideName(side: DiffSide): string {
  const g = side.generation;
  if (!g) return 'the running system';
  return g.running ? `the running system (${g.generation})` : `generation ${g.generation}`;
}

function packageLine(p: PackageChange, width: number): string {
  const versions =
    p.kind === 'added' ? showVersions(p.to) : p.kind === 'removed' ? showVersions(p.from) : p.kind === 'size-only' ? '' : `${showVersions(p.from)} → ${showVersions(p.to)}`;
  const size = p.sizeDeltaBytes === null ? '' : formatBytes(p.sizeDeltaBytes, true);
  return `  ${p.name.padEnd(width)}  ${[versions, size].filter(Boolean).join('  ')}`.trimEnd();
}

/** The summary of a diff: counts by kind, the kernel, the closure size. */
export function diffSummary(diff: ClosureDiff, sizes: { from: number; to: number } | null): ViewLine[] {
  const counts = CHANGE_KINDS.filter((k) => diff.counts[k] > 0).map((k) => `${diff.counts[k]} ${k === 'size-only' ? 'size only' : k}`);
  const kernel = diff.kernel
    ? `kernel ${showVersions(diff.kernel.from)} → ${showVersions(diff.kernel.to)} (${diff.kernel.kind}${diff.kernel.name !== 'linux' ? `, ${diff.kernel.name}` : ''})`
    : 'kernel unchanged';
  const size = sizes
    ? `closure ${formatBytes(sizes.from)} → ${formatBytes(sizes.to)} (${formatBytes(sizes.to - sizes.from, true)})`
    : `closure ${formatBytes(diff.sizeDeltaBytes, true)} (sum of the listed changes)`;
  return [
    { text: counts.length > 0 ? `packages: ${counts.join(' · ')}` : 'packages: no version changes', tone: 'heading' },
    { text: kernel, tone: diff.kernel ? 'warn' : 'plain' },
    { text: size, tone: 'plain' },
  ];
}

function diffText(view: Extract<GenerationView, { kind: 'diff' }>): ViewText {
  const title =
    view.purpose === 'switch'
      ? `${view.host}: switch from ${sideName(view.from)} to generation ${view.to.generation?.generation ?? '?'} — what changes`
      : `${view.host}: ${sideName(view.from)} → ${sideName(view.to)}`;
  const context: ViewLine[] = [
    { text: `from ${sideLine(view.from, 'the running system')}`, tone: 'dim' },
    { text: `to   ${sideLine(view.to, 'the running system')}`, tone: 'plain' },
  ];
  const fixed: ViewLine[] = [];
  const body: ViewLine[] = [];
  if (view.diff.status === 'loading') {
    fixed.push({ text: 'reading the closures (nix store diff-closures)…', tone: 'dim' });
  } else if (view.diff.status === 'error') {
    fixed.push({ text: `no diff: ${view.diff.error}`, tone: 'error' });
    if (view.purpose === 'switch') fixed.push({ text: 'Enter still goes on to the question; nothing happens without it.', tone: 'dim' });
  } else {
    const diff = view.diff.value;
    fixed.push(...diffSummary(diff, view.sizes));
    const width = Math.min(28, Math.max(0, ...diff.packages.map((p) => p.name.length)));
    for (const kind of CHANGE_KINDS) {
      const group = diff.packages.filter((p) => p.kind === kind);
      if (group.length === 0) continue;
      body.push({ text: `${CHANGE_HEADINGS[kind]} (${group.length})`, tone: 'heading' });
      for (const p of group) body.push({ text: packageLine(p, width), tone: TONES[kind] });
    }
    if (diff.packages.length === 0) body.push({ text: 'no package changes', tone: 'dim' });
  }
  return { title, context, fixed, body };
}

function pruneText(view: Extract<GenerationView, { kind: 'prune' }>): ViewText {
  const { plan, policy } = view;
  const byNumber = new Map(view.generations.map((g) => [g.generation, g]));
  const title = `${view.host}: prune — delete ${plan.delete.length}, keep ${plan.keep.length}`;
  const rules: string[] = [];
  if (policy.keepLast !== undefined) rules.push(`the newest ${policy.keepLast}`);
  if (policy.keepDays !== undefined) rules.push(`those newer than ${policy.keepDays} day${policy.keepDays === 1 ? '' : 's'}`);
  const pinned = policy.pinned.filter((n) => byNumber.has(n));
  const fixed: ViewLine[] = [
    {
      text:
        rules.length > 0
          ? `keep ${rules.join(' and ')}${pinned.length > 0 ? `, pinned ${pinned.join(', ')}` : ''}; never current, running or booted`
          : `delete the marked ones; never current, running, booted${pinned.length > 0 ? ` or pinned (${pinned.join(', ')})` : ' or pinned'}`,
      tone: 'plain',
    },
  ];
  if (plan.delete.length > 0) {
    const freed = view.freed;
    fixed.push(
      freed.status === 'loading'
        ? { text: 'space freed: estimating (nix path-info)…', tone: 'dim' }
        : freed.status === 'error'
          ? { text: `space freed: unknown (${freed.error})`, tone: 'warn' }
          : {
              text: `space freed by the next garbage collection: up to ${formatBytes(freed.value.bytes)} (${freed.value.paths} store path${freed.value.paths === 1 ? '' : 's'} no kept generation uses)`,
              tone: 'heading',
            },
    );
  }
  if (plan.missing.length > 0) fixed.push({ text: `not in the profile any more: ${plan.missing.join(', ')}`, tone: 'warn' });
  const row = (n: number): string => {
    const g = byNumber.get(n);
    const version = g ? g.nixosVersion.split('.').slice(0, 3).join('.') : '?';
    return `${String(n).padStart(5)}  ${g ? shortDate(g.date) : '?'.padEnd(16)}  ${version.padEnd(14)}`;
  };
  const body: ViewLine[] = [];
  if (plan.delete.length > 0) {
    body.push({ text: `Delete (${plan.delete.length})`, tone: 'heading' });
    for (const n of plan.delete) {
      const size = view.sizes.status === 'ok' ? view.sizes.value[n] : undefined;
      body.push({ text: `*${row(n)}  ${size === undefined ? (view.sizes.status === 'loading' ? 'closure …' : '') : `closure ${formatBytes(size)}`}`.trimEnd(), tone: 'remove' });
    }
  } else {
    body.push({ text: 'Nothing to delete.', tone: 'heading' });
  }
  body.push({ text: `Keep (${plan.keep.length})`, tone: 'heading' });
  for (const k of plan.keep) body.push({ text: ` ${row(k.generation)}  ${k.reasons.join(', ')}`, tone: 'plain' });
  return { title, context: [], fixed, body };
}

let lastText: { view: GenerationView; text: ViewText } | null = null;

/** The view's lines; the layout and the drawing ask for the same view, and scrolling changes no line. */
export function generationViewText(view: GenerationView): ViewText {
  if (lastText && sameButScroll(lastText.view, view)) return lastText.text;
  const text = view.kind === 'diff' ? diffText(view) : pruneText(view);
  lastText = { view, text };
  return text;
}

function sameButScroll(a: GenerationView, b: GenerationView): boolean {
  if (a === b) return true;
  const x = a as unknown as Record<string, unknown>;
  const y = b as unknown as Record<string, unknown>;
  const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
  return [...keys].every((k) => k === 'scroll' || x[k] === y[k]);
}
