// The console as a whole: the real Controller and <App> at 80x24 over fake hosts and
// generations and a real PROJECT.md in a temporary folder (see test/helpers/ui.tsx).

import { writeFileSync } from 'node:fs';
import stringWidth from 'string-width';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';

// Ink colours through chalk, which decides on colour support when it is first imported; the
// highlight tests read the SGR codes of the raw frame, so force colours before any import runs.
const previousForceColor = vi.hoisted(() => {
  const previous = process.env.FORCE_COLOR;
  process.env.FORCE_COLOR = '1';
  return previous;
});
afterAll(() => {
  if (previousForceColor === undefined) delete process.env.FORCE_COLOR;
  else process.env.FORCE_COLOR = previousForceColor;
});

import { KEYMAP, keyLabel } from '../../src/ui/keymap.js';
import { wholeHelp } from './screen.js';
import { type ConsoleHarness, type ConsoleOptions, DEFAULT_TODOS, KEY, renderConsole, statusBarText } from '../helpers/ui.js';

const ROWS = 24;
const COLUMNS = 80;

let harness: ConsoleHarness | null = null;

async function open(opts: ConsoleOptions = {}): Promise<ConsoleHarness> {
  harness = await renderConsole(opts);
  return harness;
}

afterEach(() => {
  harness?.cleanup();
  harness = null;
});

// ---- reading the screen -----------------------------------------------------------------------

const lines = (frame: string): string[] => frame.split('\n');

/**
 * The inside of the pane whose top border carries `title`: one string per row, between the
 * side borders, down to the bottom border.
 */
function pane(frame: string, title: string): string[] {
  const all = lines(frame);
  const top = all.findIndex((l) => l.includes(title));
  const border = all[top];
  if (top < 0 || border === undefined) throw new Error(`no pane titled "${title}" in:\n${frame}`);
  const at = border.indexOf(title);
  const left = border.lastIndexOf('╭', at);
  const right = border.indexOf('╮', at);
  const rows: string[] = [];
  for (const line of all.slice(top + 1)) {
    if (line[left] === '╰') break;
    rows.push(line.slice(left + 1, right));
  }
  return rows;
}

const hostsPane = (frame: string): string[] => pane(frame, '1 Hosts');
const generationsPane = (frame: string): string[] => pane(frame, '2 Generations');
const todosPane = (frame: string): string[] => pane(frame, '3 Todos');

/** The row carrying the `>` selection marker, without the marker. */
function selected(rows: string[]): string {
  const row = rows.find((r) => r.startsWith('>'));
  if (row === undefined) throw new Error(`no selected row in:\n${rows.join('\n')}`);
  return row.slice(1).trim();
}

const selectedHost = (ui: ConsoleHarness): string => selected(hostsPane(ui.lastFrame())).split(/\s+/)[0] ?? '';

/** Host names listed in the hosts pane, top to bottom. */
const listedHosts = (frame: string): string[] =>
  hostsPane(frame)
    .map((r) => r.slice(2).trim().split(/\s+/)[0] ?? '')
    .filter((name) => name !== '');

/** The host row for `name`: its name, source and local columns. */
const hostRow = (frame: string, name: string): string[] =>
  hostsPane(frame)
    .map((r) => r.slice(2).trim().split(/\s+/))
    .find((cells) => cells[0] === name) ?? [];

const statusBar = statusBarText;
const header = (frame: string): string => lines(frame)[0] ?? '';

/** Text inside a bordered overlay, borders removed, lines joined with single spaces. */
const flat = (rows: string[]): string =>
  rows
    .map((r) => r.replace(/^[│╭╰]/, '').replace(/[│╮╯]$/, '').trim())
    .join(' ')
    .replace(/\s+/g, ' ');

const HINTS = 'j/k move · Tab pane · / filter · F fleet · ? help · q quit';
const TODO_HINTS = 'j/k move · Tab pane · / filter · Space tick · H hide done · ? help · q quit';

// ---- first frame ------------------------------------------------------------------------------

describe('first frame', () => {
  it('shows the three panes, the status bar hints, and stays within rows-1 lines of 80 cells', async () => {
    const ui = await open();
    const frame = ui.lastFrame();
    expect(frame).toContain('[1 Hosts]');
    expect(frame).toContain(' 2 Generations ');
    expect(frame).toContain(' 3 Todos ');
    expect(statusBar(frame)).toBe(HINTS);
    expect(header(frame)).toContain('nixdeck');
    expect(header(frame)).toContain('this machine: hq');
    expect(lines(frame).length).toBeLessThanOrEqual(ROWS - 1);
    for (const line of lines(frame)) expect(stringWidth(line)).toBeLessThanOrEqual(COLUMNS);
    // the local host is selected at start and its generations are shown
    expect(selectedHost(ui)).toBe('hq');
    expect(generationsPane(frame).join('\n')).toContain('44 2025-06-03');
  });

  it('draws ASCII borders when asked, and no box-drawing character at all', async () => {
    const ui = await open({ prefs: { asciiBorders: true } });
    const frame = ui.lastFrame();
    expect(frame).toContain('+-[1 Hosts]');
    expect(frame).toMatch(/^\|/m);
    expect(frame).not.toMatch(/[╭╮╰╯─│]/);
  });

  it('never draws more than rows-1 lines, whatever is on screen', async () => {
    const ui = await open({ flake: { error: 'flake evaluation failed: boom', hint: 'run: nix eval' } });
    const seen: string[] = [ui.lastFrame()];
    for (const keys of ['G', '2', 'G', '3', 'G', 'H', '?', KEY.esc, 'e', KEY.esc, '/', 'x', KEY.enter, KEY.tab]) {
      await ui.press(keys);
      seen.push(ui.lastFrame());
    }
    for (const frame of seen) {
      expect(lines(frame).length).toBeLessThanOrEqual(ROWS - 1);
      for (const line of lines(frame)) expect(stringWidth(line)).toBeLessThanOrEqual(COLUMNS);
    }
  });
});

// ---- hosts: folder first, flake later -----------------------------------------------------------

describe('hosts: folder hosts first, the flake evaluation later', () => {
  it('lists the folder hosts before the evaluation answers, then merges the flake hosts', async () => {
    const ui = await open({ flake: 'pending' });
    let frame = ui.lastFrame();
    expect(header(frame)).toContain('flake: evaluating…');
    expect(listedHosts(frame)).toEqual(['backup', 'dns', 'hq', 'mail', 'nas', 'pi', 't460', 'web1']);
    expect(hostRow(frame, 'hq')).toEqual(['hq', 'folder', 'local']);
    expect(hostRow(frame, 't460')).toEqual(['t460', 'folder']);
    expect(frame).not.toContain('vm01');
    // usable already: generations of the local host, and moving works
    expect(generationsPane(frame).join('\n')).toContain('cur run');
    await ui.press('j');
    expect(selectedHost(ui)).toBe('mail');

    await ui.flake.resolve(['hq', 't460', 'nas', 'vm01', 'vm02']);
    frame = ui.lastFrame();
    expect(header(frame)).toContain('flake: 5 configurations');
    expect(hostRow(frame, 'hq')).toEqual(['hq', 'both', 'local']);
    expect(hostRow(frame, 't460')).toEqual(['t460', 'both']);
    expect(hostRow(frame, 'nas')).toEqual(['nas', 'both']);
    expect(hostRow(frame, 'pi')).toEqual(['pi', 'folder']);
    expect(hostRow(frame, 'vm01')).toEqual(['vm01', 'flake']);
    // the selection stays on the host it was on
    expect(selectedHost(ui)).toBe('mail');
    await ui.press('G');
    expect(listedHosts(ui.lastFrame())).toContain('web2');
    expect(hostRow(ui.lastFrame(), 'vm02')).toEqual(['vm02', 'flake']);
  });

  it('says when the evaluation failed, shows the message on e, and keeps the folder hosts usable', async () => {
    const ui = await open({ flake: 'pending' });
    await ui.flake.fail("flake evaluation failed: attribute 'vm03' missing", "run: nix eval --json '.#nixosConfigurations'");
    let frame = ui.lastFrame();
    expect(header(frame)).toContain('flake: evaluation failed (e)');
    expect(statusBar(frame)).toContain('e flake error');
    expect(listedHosts(frame)).toEqual(['backup', 'dns', 'hq', 'mail', 'nas', 'pi', 't460', 'web1']);
    expect(hostRow(frame, 'hq')).toEqual(['hq', 'folder', 'local']);

    await ui.press('e');
    frame = ui.lastFrame();
    expect(frame).not.toContain('1 Hosts');
    const overlay = flat(lines(frame).slice(1, -1));
    expect(overlay).toContain('flake evaluation');
    expect(overlay).toContain("flake evaluation failed: attribute 'vm03' missing");
    expect(overlay).toContain("to see all of it, run: nix eval --json '.#nixosConfigurations'");
    expect(overlay).toContain('The folder hosts (systems/, hosts/) stay usable.');
    expect(statusBar(frame)).toBe('Esc close');
    expect(lines(frame).length).toBeLessThanOrEqual(ROWS - 1);

    await ui.press(KEY.esc);
    frame = ui.lastFrame();
    expect(frame).toContain('[1 Hosts]');
    expect(frame).not.toContain('attribute');
    // the folder hosts stay usable: move to t460 and see its generations
    await ui.press('G', 'k', 'k');
    expect(selectedHost(ui)).toBe('t460');
    expect(generationsPane(ui.lastFrame())[0]).toContain('62 2025-06-04');
  });

  it('fails at once: the error line is there from the first settled frame', async () => {
    const ui = await open({ flake: { error: 'flake not evaluated: spawn nix ENOENT', hint: 'install Nix, or use the folder hosts' } });
    expect(header(ui.lastFrame())).toContain('flake: evaluation failed (e)');
    await ui.press('e');
    const overlay = flat(lines(ui.lastFrame()).slice(1, -1));
    expect(overlay).toContain('flake not evaluated: spawn nix ENOENT');
    expect(overlay).toContain('to see all of it, install Nix, or use the folder hosts');
    await ui.press('q');
    expect(ui.exited()).toBe(false);
    expect(ui.lastFrame()).toContain('[1 Hosts]');
  });
});

// ---- moving ---------------------------------------------------------------------------------

describe('moving the selection', () => {
  it('j/k and the arrows move one row, and the generations pane follows the host', async () => {
    const ui = await open();
    expect(selectedHost(ui)).toBe('hq');
    await ui.press('j');
    expect(selectedHost(ui)).toBe('mail');
    // mail has no generations fixture: it is "not reachable"
    let gens = generationsPane(ui.lastFrame()).join(' ');
    expect(gens).toContain('mail is not reachable');
    expect(gens).toContain('is the host up?');
    expect(ui.lastFrame()).toContain('2 Generations  mail');
    await ui.press(KEY.down);
    expect(selectedHost(ui)).toBe('nas');
    await ui.press(KEY.down, KEY.down);
    expect(selectedHost(ui)).toBe('t460');
    gens = generationsPane(ui.lastFrame()).join('\n');
    expect(gens).toContain('62 2025-06-04');
    expect(gens).toContain('61 2025-06-03');
    expect(gens).not.toContain('mail is not reachable');
    expect(gens).not.toContain('reboot needed');
    expect(ui.lastFrame()).toContain('2 Generations  t460 · 2');
    await ui.press('k');
    expect(selectedHost(ui)).toBe('pi');
    expect(generationsPane(ui.lastFrame()).join(' ')).toContain('pi is not reachable');
    await ui.press(KEY.up, KEY.up, KEY.up);
    expect(selectedHost(ui)).toBe('hq');
    expect(generationsPane(ui.lastFrame()).join('\n')).toContain('reboot needed');
    expect(ui.savePrefs).toHaveBeenLastCalledWith({ lastHost: 'hq' });
  });

  it('moves two rows on coalesced "jj" and back on "kk"', async () => {
    const ui = await open();
    await ui.press('jj');
    expect(selectedHost(ui)).toBe('nas');
    await ui.press('kk');
    expect(selectedHost(ui)).toBe('hq');
    await ui.press('jjj');
    expect(selectedHost(ui)).toBe('pi');
  });

  it('g and G go to the top and the bottom, scrolling the list', async () => {
    const ui = await open();
    await ui.press('G');
    expect(selectedHost(ui)).toBe('web2');
    const listed = listedHosts(ui.lastFrame());
    expect(listed.at(-1)).toBe('web2');
    expect(listed).not.toContain('backup');
    await ui.press('g');
    expect(selectedHost(ui)).toBe('backup');
    expect(listedHosts(ui.lastFrame())[0]).toBe('backup');
    // j at the bottom and k at the top stay put
    await ui.press('k');
    expect(selectedHost(ui)).toBe('backup');
    await ui.press('G', 'j');
    expect(selectedHost(ui)).toBe('web2');
  });

  it('Ctrl-d and Ctrl-u move half a page (4 of the 8 visible host rows)', async () => {
    const ui = await open();
    await ui.press('g');
    await ui.press(KEY.ctrlD);
    expect(selectedHost(ui)).toBe('nas');
    await ui.press(KEY.ctrlD);
    expect(selectedHost(ui)).toBe('vm02');
    await ui.press(KEY.ctrlD);
    expect(selectedHost(ui)).toBe('web2');
    await ui.press(KEY.ctrlU);
    expect(selectedHost(ui)).toBe('t460');
    await ui.press(KEY.ctrlU, KEY.ctrlU);
    expect(selectedHost(ui)).toBe('backup');
  });

  it('moves inside the generations pane and shows the selected generation below the list', async () => {
    const ui = await open();
    await ui.press('2');
    let gens = generationsPane(ui.lastFrame());
    // the detail of the selected generation takes the last two rows
    const detail = (rows: string[]): string => rows.slice(-2).join(' ');
    expect(selected(gens)).toMatch(/^44 /);
    expect(detail(gens)).toContain('#44 · 2025-06-03 06:00 UTC');
    await ui.press('j');
    gens = generationsPane(ui.lastFrame());
    expect(selected(gens)).toMatch(/^43 /);
    expect(detail(gens)).toContain('#43');
    await ui.press('G');
    gens = generationsPane(ui.lastFrame());
    expect(selected(gens)).toMatch(/^39 /);
    expect(detail(gens)).toContain('#39');
    // the host selection did not move
    expect(selectedHost(ui)).toBe('hq');
  });
});

// ---- panes -----------------------------------------------------------------------------------

describe('switching panes', () => {
  const focused = (frame: string): string[] =>
    ['1 Hosts', '2 Generations', '3 Todos'].filter((t) => frame.includes(`[${t}]`));

  it('Tab and Shift-Tab cycle the panes, the focused title is bracketed', async () => {
    const ui = await open();
    expect(focused(ui.lastFrame())).toEqual(['1 Hosts']);
    await ui.press(KEY.tab);
    expect(focused(ui.lastFrame())).toEqual(['2 Generations']);
    expect(ui.lastFrame()).toContain(' 1 Hosts ');
    await ui.press(KEY.tab);
    expect(focused(ui.lastFrame())).toEqual(['3 Todos']);
    expect(statusBar(ui.lastFrame())).toBe(TODO_HINTS);
    await ui.press(KEY.tab);
    expect(focused(ui.lastFrame())).toEqual(['1 Hosts']);
    await ui.press(KEY.shiftTab);
    expect(focused(ui.lastFrame())).toEqual(['3 Todos']);
    await ui.press(KEY.shiftTab);
    expect(focused(ui.lastFrame())).toEqual(['2 Generations']);
    expect(ui.savePrefs).toHaveBeenLastCalledWith({ lastPane: 'generations' });
  });

  it('1, 2 and 3 focus a pane directly; j then moves in that pane only', async () => {
    const ui = await open();
    await ui.press('3');
    expect(focused(ui.lastFrame())).toEqual(['3 Todos']);
    await ui.press('j');
    expect(selected(todosPane(ui.lastFrame()))).toContain('Rebuild hq');
    expect(selectedHost(ui)).toBe('hq');
    await ui.press('2');
    expect(focused(ui.lastFrame())).toEqual(['2 Generations']);
    await ui.press('1');
    expect(focused(ui.lastFrame())).toEqual(['1 Hosts']);
    await ui.press('j');
    expect(selectedHost(ui)).toBe('mail');
    expect(selected(todosPane(ui.lastFrame()))).toContain('Rebuild hq');
  });

  it('opens on the pane remembered in the preferences', async () => {
    const ui = await open({ prefs: { lastPane: 'todos' } });
    expect(focused(ui.lastFrame())).toEqual(['3 Todos']);
  });
});

// ---- filter ------------------------------------------------------------------------------------

describe('/ fuzzy filter', () => {
  it('filters while typing, Backspace edits, Enter keeps it, Esc clears it', async () => {
    const ui = await open();
    await ui.press('/');
    expect(statusBar(ui.lastFrame())).toBe('/   11 matches · Enter keep · Esc clear');
    await ui.press('t', '4');
    let frame = ui.lastFrame();
    expect(listedHosts(frame)).toEqual(['t460']);
    expect(statusBar(frame)).toBe('/t4   1 match · Enter keep · Esc clear');
    expect(frame).toContain('[1 Hosts] /t4');
    // the generations pane follows the filtered selection
    expect(frame).toContain('2 Generations  t460');

    await ui.press(KEY.backspace, KEY.backspace);
    expect(statusBar(ui.lastFrame())).toBe('/   11 matches · Enter keep · Esc clear');
    expect(listedHosts(ui.lastFrame())).toHaveLength(8);
    await ui.press('zzz');
    frame = ui.lastFrame();
    expect(statusBar(frame)).toBe('/zzz   0 matches · Enter keep · Esc clear');
    expect(hostsPane(frame)[0]?.trim()).toBe('no host matches');
    expect(generationsPane(frame)[0]?.trim()).toBe('no host selected');
    await ui.press(KEY.backspace, KEY.backspace, KEY.backspace);
    expect(listedHosts(ui.lastFrame())).toHaveLength(8);
    await ui.press('t4');
    expect(listedHosts(ui.lastFrame())).toEqual(['t460']);

    await ui.press(KEY.enter);
    frame = ui.lastFrame();
    expect(statusBar(frame)).toBe(HINTS);
    expect(listedHosts(frame)).toEqual(['t460']);
    expect(frame).toContain('[1 Hosts] /t4');
    expect(selectedHost(ui)).toBe('t460');
    // keys belong to the list again: 2 switches panes instead of typing
    await ui.press('2');
    expect(ui.lastFrame()).toContain('[2 Generations]');
    expect(ui.lastFrame()).toContain(' 1 Hosts  /t4');
    await ui.press('1');

    await ui.press(KEY.esc);
    frame = ui.lastFrame();
    expect(frame).toContain('[1 Hosts] 11');
    expect(listedHosts(frame)).toContain('backup');
    expect(listedHosts(frame)).toContain('t460');
    // Esc keeps the selected host selected
    expect(selectedHost(ui)).toBe('t460');
    expect(statusBar(frame)).toBe(HINTS);
  });

  it('Esc while typing clears the filter too', async () => {
    const ui = await open();
    await ui.press('/', 'web');
    expect(listedHosts(ui.lastFrame())).toEqual(['web1', 'web2']);
    await ui.press(KEY.esc);
    expect(statusBar(ui.lastFrame())).toBe(HINTS);
    expect(listedHosts(ui.lastFrame())).toHaveLength(8);
    expect(ui.lastFrame()).toContain('[1 Hosts] 11');
  });

  it('while typing, j, k, g, G and q go into the filter instead of moving or quitting', async () => {
    const ui = await open();
    await ui.press('/');
    await ui.press('j', 'q', 'k', 'g', 'G', '?', '2');
    expect(ui.exited()).toBe(false);
    const frame = ui.lastFrame();
    expect(statusBar(frame)).toMatch(/^\/jqkgG\?2 {3}\d+ match(es)? · /);
    expect(frame).toContain('[1 Hosts] /jqkgG?2');
    expect(frame).not.toContain('nixdeck keys');
    // Backspace (0x7f) removes them one by one
    for (let i = 0; i < 7; i++) await ui.press(KEY.backspace);
    expect(statusBar(ui.lastFrame())).toBe('/   11 matches · Enter keep · Esc clear');
    expect(selectedHost(ui)).toBe('backup');
    // coalesced typing keeps all the characters
    await ui.press('jq');
    expect(statusBar(ui.lastFrame())).toMatch(/^\/jq {3}/);
    expect(ui.exited()).toBe(false);
  });

  it('filters the todos pane by text', async () => {
    const ui = await open();
    await ui.press('3', '/', 'disk', KEY.enter);
    const rows = todosPane(ui.lastFrame()).map((r) => r.trim()).filter(Boolean);
    expect(rows).toEqual([expect.stringMatching(/^Project › Hardware\s+2\/3$/), '> [ ] Add a disk to nas']);
    expect(ui.lastFrame()).toContain('/disk');
  });

  it('highlights the matched characters', async () => {
    const ui = await open();
    const sgr = '(?:\\u001B\\[[0-9;]*m)+';
    const t460Row = (): string => lines(ui.rawFrame()).find((l) => l.includes('t4') && l.includes('both')) ?? '';
    // unfiltered: the name is plain text
    expect(t460Row()).toContain('t460');
    await ui.press('/', 't4');
    const row = t460Row();
    // "t4" is wrapped in SGR codes that include underline (4) and bold (1), "60" is outside them
    expect(row).toMatch(new RegExp(`${sgr}t4${sgr}60`));
    const before = row.slice(0, row.indexOf('t460') === -1 ? row.indexOf('t4') : row.indexOf('t460'));
    expect(before).toMatch(/\u001B\[4m/);
    expect(row).not.toContain('t460');
    expect(ui.lastFrame()).toContain('t460');
  });
});

// ---- help ------------------------------------------------------------------------------------

describe('? help overlay', () => {
  const helpText = (ui: ConsoleHarness): string => lines(ui.lastFrame()).slice(1, -1).join('\n');
  /** The help at 80x24 is two columns that scroll: every page of it. */
  it('lists every binding of the keymap with the start of its description', async () => {
    const ui = await open();
    await ui.press('?');
    const text = (await wholeHelp(ui)).join('\n');
    expect(text).toContain('nixdeck keys');
    for (const b of KEYMAP) {
      // keys padded to 10 cells, then the description
      expect(text, `binding ${b.command}`).toContain(`${keyLabel(b).padEnd(10)}${b.description}`);
    }
    expect(statusBar(ui.lastFrame())).toBe('Esc close');
    expect(lines(ui.lastFrame()).length).toBeLessThanOrEqual(ROWS - 1);
  });

  it('shows every description in full and every group heading at 80x24', async () => {
    const ui = await open();
    await ui.press('?');
    const text = flat(await wholeHelp(ui));
    for (const b of KEYMAP) expect(text, `binding ${b.command}`).toContain(b.description);
    for (const group of ['Move', 'Panes', 'Filter', 'Todos', 'General', 'Markers']) expect(text).toMatch(new RegExp(`(^| )${group}( |$)`));
  });

  it.each([
    ['Esc', KEY.esc],
    ['q', 'q'],
    ['?', '?'],
  ])('%s closes it (and q does not quit)', async (_name, key) => {
    const ui = await open();
    await ui.press('?');
    expect(ui.lastFrame()).toContain('nixdeck keys');
    expect(ui.lastFrame()).not.toContain('1 Hosts');
    await ui.press(key);
    expect(ui.lastFrame()).not.toContain('nixdeck keys');
    expect(ui.lastFrame()).toContain('[1 Hosts]');
    expect(ui.exited()).toBe(false);
    // and keys go to the list again
    await ui.press('j');
    expect(selectedHost(ui)).toBe('mail');
  });
});

// ---- todos -----------------------------------------------------------------------------------

/** Indexes at which two buffers differ; they must have the same length. */
function differingBytes(a: Buffer, b: Buffer): number[] {
  expect(b.length).toBe(a.length);
  const out: number[] = [];
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) out.push(i);
  return out;
}

/** Reading and writing PROJECT.md (with fsync) is real I/O: give it more than vi.waitFor's 1 s. */
const FILE_IO = { timeout: 10_000, interval: 10 };

describe('todos', () => {
  it('Space ticks the selected todo by changing exactly one byte, and Space again restores the file', async () => {
    const ui = await open();
    const original = ui.readFile();
    expect(original.toString('utf8')).toBe(DEFAULT_TODOS);
    await ui.press('3');
    expect(selected(todosPane(ui.lastFrame()))).toBe('[ ] Update any outdated packages');

    await ui.press(KEY.space);
    await vi.waitFor(() => expect(statusBar(ui.lastFrame())).toBe('done: Update any outdated packages (line 7)'), FILE_IO);
    const ticked = ui.readFile();
    const diff = differingBytes(original, ticked);
    expect(diff).toHaveLength(1);
    const at = diff[0] ?? -1;
    expect(original.subarray(at - 1, at + 2).toString()).toBe('[ ]');
    expect(ticked.subarray(at - 1, at + 2).toString()).toBe('[x]');
    expect(original.indexOf(Buffer.from('- [ ] Update any outdated packages'))).toBe(at - 3);
    let frame = ui.lastFrame();
    expect(selected(todosPane(frame))).toBe('[x] Update any outdated packages');
    expect(frame).toContain('PROJECT.md · 4/7 done');
    expect(todosPane(frame)[0]).toMatch(/^Project › Upgrades\s+2\/4$/);

    await ui.press(KEY.space);
    await vi.waitFor(() => expect(statusBar(ui.lastFrame())).toBe('not done: Update any outdated packages (line 7)'), FILE_IO);
    expect(ui.readFile().equals(original)).toBe(true);
    frame = ui.lastFrame();
    expect(selected(todosPane(frame))).toBe('[ ] Update any outdated packages');
    expect(frame).toContain('PROJECT.md · 3/7 done');
    expect(ui.setTodoDone).toHaveBeenCalledTimes(2);
  });

  it('ticks a nested todo after non-ASCII text at the right byte', async () => {
    const ui = await open();
    const original = ui.readFile();
    await ui.press('3', 'jjj');
    expect(selected(todosPane(ui.lastFrame()))).toBe('[ ] on t460 (ünïcode)');
    await ui.press(KEY.space);
    await vi.waitFor(() => expect(statusBar(ui.lastFrame())).toBe('done: on t460 (ünïcode) (line 10)'), FILE_IO);
    const diff = differingBytes(original, ui.readFile());
    expect(diff).toHaveLength(1);
    const at = diff[0] ?? -1;
    expect(ui.readFile().subarray(at - 3, at + 2).toString()).toBe('- [x]');
    expect(original.indexOf(Buffer.from('  - [ ] on t460'))).toBe(at - 5);
  });

  it('does not write over a file changed behind its back: it reloads and says so', async () => {
    const ui = await open();
    await ui.press('3');
    const theirs = DEFAULT_TODOS.replace('- [ ] Add a disk to nas', '- [x] Add a disk to nas (done on another machine)');
    writeFileSync(ui.file, theirs);
    await ui.press(KEY.space);
    await vi.waitFor(() => expect(statusBar(ui.lastFrame())).toContain('changed on disk'), FILE_IO);
    expect(statusBar(ui.lastFrame())).toMatch(/^warning: .*PROJECT\.md changed on disk/);
    // nothing written by us: the other writer's bytes are intact
    expect(ui.readFile().toString('utf8')).toBe(theirs);
    // the list was reloaded from disk
    const frame = ui.lastFrame();
    expect(todosPane(frame).join('\n')).toContain('[x] Add a disk to nas (done on another machine)');
    expect(frame).toContain('PROJECT.md · 4/7 done');
    expect(todosPane(frame)).toContainEqual(expect.stringMatching(/^Project › Hardware\s+3\/3$/));
    expect(selected(todosPane(frame))).toBe('[ ] Update any outdated packages');
    expect(ui.setTodoDone).toHaveBeenCalledTimes(1);
    // and the next Space works on the fresh read
    await ui.press(KEY.space);
    await vi.waitFor(() => expect(statusBar(ui.lastFrame())).toMatch(/^done: Update any outdated packages/), FILE_IO);
    expect(ui.readFile().toString('utf8')).toBe(theirs.replace('- [ ] Update', '- [x] Update'));
  });

  it('Space does nothing outside the todos pane', async () => {
    const ui = await open();
    const original = ui.readFile();
    await ui.press(KEY.space);
    await ui.press('2', KEY.space);
    expect(ui.setTodoDone).not.toHaveBeenCalled();
    expect(ui.readFile().equals(original)).toBe(true);
  });

  it('H hides the ticked todos and shows them again', async () => {
    const ui = await open();
    await ui.press('3', 'H');
    let frame = ui.lastFrame();
    let rows = todosPane(frame).join('\n');
    expect(rows).not.toContain('[x]');
    expect(rows).not.toContain('Rebuild hq');
    expect(rows).not.toContain('Label the cables');
    expect(rows).toContain('[ ] Update any outdated packages');
    expect(rows).toContain('[ ] Add a disk to nas');
    expect(frame).toContain('3/7 done · hiding done');
    expect(statusBar(frame)).toBe('ticked todos hidden');
    expect(ui.savePrefs).toHaveBeenLastCalledWith({ hideDoneTodos: true });
    // section progress still counts every todo
    expect(rows).toMatch(/Project › Hardware\s+2\/3/);

    await ui.press('H');
    frame = ui.lastFrame();
    rows = todosPane(frame).join('\n');
    expect(rows).toContain('[x] Rebuild hq');
    expect(frame).not.toContain('hiding done');
    expect(statusBar(frame)).toBe('ticked todos shown');
  });

  it('shows each section heading with its progress', async () => {
    const ui = await open();
    const rows = todosPane(ui.lastFrame()).map((r) => r.trimEnd());
    expect(rows.filter((r) => /^Project › /.test(r))).toEqual([
      expect.stringMatching(/^Project › Upgrades\s+1\/4$/),
      expect.stringMatching(/^Project › Hardware\s+2\/3$/),
    ]);
    expect(ui.lastFrame()).toContain('PROJECT.md · 3/7 done');
  });

  it('shows section progress like 3/7 for a larger section', async () => {
    const todos = `# Release\n\n${['a', 'b', 'c'].map((t) => `- [x] done ${t}`).join('\n')}\n${['d', 'e', 'f', 'g'].map((t) => `- [ ] open ${t}`).join('\n')}\n`;
    const ui = await open({ todos });
    expect(todosPane(ui.lastFrame())[0]).toMatch(/^Release\s+3\/7$/);
  });
});

// ---- generations -------------------------------------------------------------------------------

describe('generations pane', () => {
  it('marks current, running and booted generations, a dangling one, and says a reboot is needed', async () => {
    const ui = await open();
    let rows = generationsPane(ui.lastFrame());
    expect(rows[0]).toContain('! reboot needed: booted 6.12.30, running 6.12.31');
    const row = (n: number): string => rows.find((r) => r.slice(1).trimStart().startsWith(`${n} `)) ?? '';
    expect(row(44)).toMatch(/\bcur run\s*$/);
    expect(row(43)).toMatch(/\bboot\s*$/);
    expect(row(42)).not.toMatch(/\b(cur|run|boot)\b/);
    // the oldest is below the visible rows at 80x24 (the detail takes two): go to it
    await ui.press('2', 'G');
    rows = generationsPane(ui.lastFrame());
    expect(row(39)).toMatch(/\bdangling\s*$/);
    expect(row(39)).toContain('Unknown');
  });

  it('says nothing about a reboot when the kernels match', async () => {
    const ui = await open();
    await ui.press('G', 'k', 'k', 'k', 'k');
    expect(selectedHost(ui)).toBe('t460');
    const rows = generationsPane(ui.lastFrame());
    expect(rows.join('\n')).not.toContain('reboot');
    expect(rows.find((r) => r.includes(' 62 '))).toMatch(/\bcur run boot\s*$/);
  });
});

// ---- size and quitting ---------------------------------------------------------------------------

describe('terminal size', () => {
  it('says the terminal is too small below 60x16 and still quits on q', async () => {
    const ui = await open({ size: { columns: 50, rows: 12 } });
    const frame = ui.lastFrame();
    expect(frame).toContain('terminal too small: 50x12, nixdeck needs at least 60x16');
    expect(frame).not.toContain('1 Hosts');
    await ui.press('q');
    expect(ui.exited()).toBe(true);
  });

  it('draws the panes at exactly the minimum size', async () => {
    const ui = await open({ size: { columns: 60, rows: 16 } });
    const frame = ui.lastFrame();
    expect(frame).not.toContain('too small');
    expect(frame).toContain('[1 Hosts]');
    expect(lines(frame).length).toBeLessThanOrEqual(15);
    for (const line of lines(frame)) expect(stringWidth(line)).toBeLessThanOrEqual(60);
  });
});

describe('quit', () => {
  it('q exits the app: Ink unmounts the tree and no frame is drawn afterwards', async () => {
    const ui = await open();
    expect(ui.exited()).toBe(false);
    await ui.press('q');
    expect(ui.exited()).toBe(true);
    const frames = ui.frameCount();
    await ui.press('j', '?');
    expect(ui.frameCount()).toBe(frames);
  });

  it('Esc never quits', async () => {
    const ui = await open();
    await ui.press(KEY.esc, KEY.esc);
    expect(ui.exited()).toBe(false);
    await ui.press('j');
    expect(selectedHost(ui)).toBe('mail');
  });
});
