// The questions about generations: switch to one, delete some, choose a keep policy to prune by.
import { formatBytes } from '../core/closureDiff.js';
import type { ActivationAction } from '../core/generationOps.js';
import { shortDate } from '../core/generations.js';
import { numberRanges } from '../core/generationWords.js';
import type { AppState } from '../state/appState.js';
import { protection } from '../state/deployWords.js';
import type { Glyphs } from './glyphs.js';
import type { DialogContent, DialogLine, DialogOf } from './dialogLine.js';

/** The choices of the switch confirmation, in the order asked. */
const CHOICES: { key: string; action: ActivationAction; text: string }[] = [
  { key: 's', action: 'switch', text: 'switch now: activate it and make it the boot default' },
  { key: 'b', action: 'boot', text: 'boot it next time: make it the boot default, activate nothing now' },
  { key: 't', action: 'test', text: 'test: activate it now without making it the default (until reboot)' },
];

export function confirmActivateLines(d: DialogOf<'confirmActivate'>, state: AppState): DialogContent {
  const t = d.target;
  const back = d.running !== null && t.generation < d.running.generation;
  const lines: DialogLine[] = [
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

/** The space a delete frees, as far as the prune view's estimate has got. */
function freedText(state: AppState): string {
  const view = state.genView;
  const freed = view?.kind === 'prune' ? view.freed : null;
  if (freed?.status === 'ok') return `up to ${formatBytes(freed.value.bytes)} freed by the next garbage collection (not run now)`;
  if (freed?.status === 'error') return `space freed unknown: ${freed.error}`;
  return 'estimating the space freed…';
}

export function confirmDeleteLines(d: DialogOf<'confirmDelete'>, state: AppState): DialogContent {
  const n = d.generations.length;
  const listed = n <= 8 ? d.generations.join(' ') : `${d.generations.slice(0, 6).join(' ')} … (${n} numbers)`;
  return {
    title: 'delete generations',
    lines: [
      { text: `Delete ${n} generation${n === 1 ? '' : 's'} of ${d.host} (${numberRanges(d.generations)})? y/N`, bold: true, color: 'yellow', key: true },
      { text: 'y delete them · n, Esc or Enter: no', color: 'yellow', key: true },
      { text: freedText(state) },
      { text: `runs: nix-env -p ${d.profile} --delete-generations ${listed}, then refreshes the boot menu`, dim: true },
      { text: 'What goes and what stays is listed above (j/k scroll it).', dim: true },
    ],
  };
}

export function keepPolicyLines(d: DialogOf<'keepPolicy'>, g: Glyphs): DialogContent {
  const field = (name: 'last' | 'days', label: string): DialogLine => ({
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
