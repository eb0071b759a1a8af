// Component-test harness for the console: a real Controller and the real <App>, rendered with
// ink-testing-library, over fake services (hosts and generations from plain data, a flake
// evaluation the test settles when it likes) and a real PROJECT.md in a temporary folder, read
// and written by the real readTodoFile / setTodoDone.
//
//   const ui = await renderConsole({ flake: 'pending' });
//   expect(ui.lastFrame()).toContain('looking for hosts');
//   await ui.flake.resolve(['hq', 'vm01']);
//   await ui.press('j');
//   ui.cleanup();
//
// Timing (reference/ink-on-node20.md §1.3): a frame is not updated synchronously after
// stdin.write; a few setTimeout(0) after each write are enough for our own components, and a lone
// Esc needs at least one timer before Ink flushes it.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { render } from 'ink-testing-library';
import { type ReactNode, useEffect } from 'react';
import stripAnsi from 'strip-ansi';
import { vi } from 'vitest';
import { buildGenerationList } from '../../src/core/generations.js';
import { DEFAULT_PREFS, type Prefs } from '../../src/core/prefsSchema.js';
import type { GenerationLinkFacts, GenerationList, Host, ParsedTodo } from '../../src/core/types.js';
import type { GenerationsRead } from '../../src/core/result.js';
import { Controller, type Services } from '../../src/state/controller.js';
import type { FleetStatusService } from '../../src/state/fleetSlice.js';
import type { GenerationOps } from '../../src/core/generationService.js';
import type { RunsService } from '../../src/core/runsService.js';
import type { RepoService } from '../../src/core/repo.js';
import type { FlakeHostsResult } from '../../src/system/hostsDiscovery.js';
import { readTodoFile, setTodoDone, type TodoSnapshot, type ToggleOutcome } from '../../src/system/todoFile.js';
import { App } from '../../src/ui/App.js';
import { screenMeasures } from '../../src/ui/measures.js';

export const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

export async function ticks(n = 3): Promise<void> {
  for (let i = 0; i < n; i++) await tick();
}

/** Key bytes as a terminal sends them. */
export const KEY = {
  down: '\u001B[B',
  up: '\u001B[A',
  enter: '\r',
  esc: '\u001B',
  backspace: '\u007F',
  tab: '\t',
  shiftTab: '\u001B[Z',
  ctrlD: '\u0004',
  ctrlU: '\u0015',
  space: ' ',
} as const;

/**
 * The status bar of a frame as one string: the lines below the last box (a long message wraps
 * onto several), joined with spaces, without the `? help` that stands beside a message.
 */
export function statusBarText(frame: string): string {
  const all = frame.split('\n');
  let last = -1;
  all.forEach((line, i) => {
    if (/^[╰+]/.test(line)) last = i;
  });
  const rows = last >= 0 && last < all.length - 1 ? all.slice(last + 1) : all.slice(-1);
  return rows
    .map((row, i) => (i === 0 ? row.replace(/ {2}\? help\s*$/, '') : row).trimEnd())
    .filter((row) => row !== '')
    .join(' ');
}

// ---- fixtures ---------------------------------------------------------------------------------

export const HOSTNAME = 'hq';

/** Folder hosts (systems/, hosts/): listed at once. */
export const FOLDER_HOSTS = ['hq', 't460', 'pi', 'nas', 'web1', 'web2', 'mail', 'dns', 'backup'];

/** What `nix eval …#nixosConfigurations` answers: some overlap the folder hosts, vm01/vm02 do not. */
export const FLAKE_HOSTS = ['hq', 't460', 'nas', 'vm01', 'vm02'];

const HOUR = 3_600_000;
const T0 = Date.parse('2025-06-01T10:00:00Z');

function link(number: number, target: string | null, extra: Partial<GenerationLinkFacts> = {}): GenerationLinkFacts {
  return {
    number,
    mtimeMs: T0 + number * HOUR,
    target,
    state: 'ok',
    nixosVersion: '25.05.20250601.abcdef0',
    kernelVersion: '6.12.30',
    configurationRevision: null,
    specialisations: [],
    ...extra,
  };
}

const store = (n: number): string => `/nix/store/${String(n).padStart(32, 'a')}-nixos-system-${n}`;

/**
 * hq: generation 44 is current and running, 43 is booted, the kernels differ (reboot needed),
 * and 39 is dangling (its store path was garbage-collected).
 */
export const HQ_GENERATIONS: GenerationList = buildGenerationList({
  currentNumber: 44,
  runningPath: store(44),
  bootedPath: store(43),
  runningKernel: '6.12.31',
  bootedKernel: '6.12.30',
  links: [
    link(39, store(39), { state: 'dangling', problem: 'store path missing (garbage-collected)', nixosVersion: null, kernelVersion: null }),
    link(40, store(40)),
    link(41, store(41)),
    link(42, store(42)),
    link(43, store(43)),
    link(44, store(44), { kernelVersion: '6.12.31', nixosVersion: '25.11.20250901.1234567' }),
  ],
});

/** t460: two generations, the newest current, running and booted: no reboot needed. */
export const T460_GENERATIONS: GenerationList = buildGenerationList({
  currentNumber: 62,
  runningPath: store(62),
  bootedPath: store(62),
  runningKernel: '6.6.90',
  bootedKernel: '6.6.90',
  links: [link(61, store(61), { kernelVersion: '6.6.89' }), link(62, store(62), { kernelVersion: '6.6.90' })],
});

export const DEFAULT_GENERATIONS: Record<string, GenerationsRead> = {
  hq: { ok: true, list: HQ_GENERATIONS },
  t460: { ok: true, list: T460_GENERATIONS },
};

export const unreachable = (name: string): GenerationsRead => ({
  ok: false,
  error: `${name} is not reachable: ssh: connect to host ${name} port 22: Connection refused`,
  hint: 'is the host up? try: ssh ' + name,
});

/**
 * 3 of 7 done overall; "Project › Upgrades" 1/4 (with a nested item), "Project › Hardware" 2/3.
 * Non-ASCII text before the checkboxes so a byte/UTF-16 offset mix-up would show.
 */
export const DEFAULT_TODOS = `# Project

Notes — with “quotes” and a checkbox-lookalike in code: \`- [ ] not a todo\`.

## Upgrades

- [ ] Update any outdated packages
- [x] Rebuild hq
- [ ] Rotate the SSH host keys
  - [ ] on t460 (ünïcode)

## Hardware

- [x] Replace the t460 battery
- [ ] Add a disk to nas
- [x] Label the cables
`;

// ---- the harness ------------------------------------------------------------------------------

export type FlakeOption =
  /** the evaluation answers at once with these names */
  | string[]
  /** the evaluation fails at once */
  | { error: string; hint?: string }
  /** the evaluation waits for ui.flake.resolve / ui.flake.fail */
  | 'pending';

export interface ConsoleOptions {
  folderHosts?: string[];
  /** default: FLAKE_HOSTS, answered at once */
  flake?: FlakeOption;
  hostname?: string;
  /** per host name; hosts missing here are "not reachable" */
  generations?: Record<string, GenerationsRead>;
  /** content of PROJECT.md */
  todos?: string;
  size?: { columns: number; rows: number };
  prefs?: Partial<Prefs>;
  /** rebuild runs (test/ui/fakeRuns.ts); none by default */
  runs?: RunsService;
  /** switch, diff and delete generations (test/ui/fakeGenerations.ts); none by default */
  genOps?: GenerationOps;
  /** the terminal bell */
  bell?: () => void;
  /** the Fleet view's reads (test/state/fleetFakes.ts); none by default */
  fleet?: FleetStatusService;
  /** the flake's repository (test/state/repoFakes.ts: fakeRepo()); none by default */
  repo?: RepoService;
  /** lists kept from earlier reads of remote hosts, per host name */
  cachedGenerations?: Record<string, { list: GenerationList; savedAtMs: number }>;
  /** controller options for runs: publish interval, clock */
  runRefreshMs?: number;
  clockTickMs?: number;
  now?: () => number;
  /** the terminal shows colours (default true); off, filter matches are bracketed */
  color?: boolean;
}

export interface FlakeControl {
  /** settle a 'pending' evaluation with these names, then let start() finish and the frame update */
  resolve(names: string[]): Promise<void>;
  /** settle a 'pending' evaluation with a failure */
  fail(error: string, hint?: string): Promise<void>;
}

export interface ConsoleHarness {
  controller: Controller;
  /** the latest frame without ANSI codes */
  lastFrame(): string;
  /** the latest frame as written, with ANSI codes */
  rawFrame(): string;
  /** how many frames Ink has written so far */
  frameCount(): number;
  /** every frame Ink has written so far, without ANSI codes */
  allFrames(): string[];
  /** write to stdin (one write: "jj" arrives coalesced), then wait a few timers */
  press(...keys: string[]): Promise<void>;
  /** the PROJECT.md in the temporary folder */
  file: string;
  readFile(): Buffer;
  flake: FlakeControl;
  savePrefs: ReturnType<typeof vi.fn<(changes: Partial<Prefs>) => void>>;
  setTodoDone: ReturnType<typeof vi.fn<(snapshot: TodoSnapshot, todo: ParsedTodo, done: boolean) => Promise<ToggleOutcome>>>;
  readGenerations: ReturnType<typeof vi.fn<(host: Host) => Promise<GenerationsRead>>>;
  /** true once Ink unmounted the tree (useApp().exit() or unmount) */
  exited(): boolean;
  cleanup(): void;
}

/** Calls onUnmount when Ink tears the tree down, e.g. after useApp().exit(). */
function ExitProbe({ onUnmount, children }: { onUnmount: () => void; children: ReactNode }) {
  useEffect(() => onUnmount, [onUnmount]);
  return <>{children}</>;
}

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

export async function renderConsole(opts: ConsoleOptions = {}): Promise<ConsoleHarness> {
  const dir = mkdtempSync(path.join(tmpdir(), 'nixdeck-ui-'));
  const file = path.join(dir, 'PROJECT.md');
  writeFileSync(file, opts.todos ?? DEFAULT_TODOS);

  const folderHosts = opts.folderHosts ?? FOLDER_HOSTS;
  const flakeOption = opts.flake ?? FLAKE_HOSTS;
  const generations = opts.generations ?? DEFAULT_GENERATIONS;

  const evaluation = deferred<FlakeHostsResult>();
  if (Array.isArray(flakeOption)) evaluation.resolve({ ok: true, names: flakeOption });
  else if (flakeOption !== 'pending') {
    evaluation.resolve({ ok: false, error: flakeOption.error, detail: flakeOption.error, hint: flakeOption.hint ?? '' });
  }

  const savePrefs = vi.fn<(changes: Partial<Prefs>) => void>();
  const toggle = vi.fn(setTodoDone);
  const readGenerations = vi.fn(async (host: Host): Promise<GenerationsRead> => generations[host.name] ?? unreachable(host.name));
  let todoReads = 0;
  const services: Services = {
    hostname: opts.hostname ?? HOSTNAME,
    listFolderHosts: async () => [...folderHosts],
    evalFlakeHosts: () => evaluation.promise,
    readGenerations,
    readTodos: async (f) => {
      const result = await readTodoFile(f);
      todoReads++;
      return result;
    },
    setTodoDone: toggle,
    savePrefs,
    ...(opts.runs ? { runs: opts.runs } : {}),
    ...(opts.genOps ? { generations: opts.genOps } : {}),
    ...(opts.bell ? { bell: opts.bell } : {}),
    ...(opts.fleet ? { fleet: opts.fleet } : {}),
    ...(opts.repo ? { repo: opts.repo } : {}),
    ...(opts.cachedGenerations ? { cachedGenerations: async (host: Host) => opts.cachedGenerations?.[host.name] ?? null } : {}),
  };
  const controller = new Controller(services, {
    flakeDir: dir,
    todoFile: file,
    prefs: { ...DEFAULT_PREFS, ...opts.prefs },
    ...(opts.runRefreshMs !== undefined ? { runRefreshMs: opts.runRefreshMs } : {}),
    ...(opts.clockTickMs !== undefined ? { clockTickMs: opts.clockTickMs } : {}),
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.color !== undefined ? { color: opts.color } : {}),
  });

  let unmounted = false;
  const onUnmount = (): void => {
    unmounted = true;
  };
  const size = opts.size ?? { columns: 80, rows: 24 };
  // as the console wiring does: the layout is computed in state for the terminal's size
  controller.attachScreen(screenMeasures, size.columns, size.rows);
  const instance = render(
    <ExitProbe onUnmount={onUnmount}>
      <App controller={controller} />
    </ExitProbe>,
  );
  // ink-testing-library's stdout is 100 columns wide and Ink lays out every render at that
  // width: let wider test terminals (120x30 run panes side by side) have their width
  if (size.columns > 100) Object.defineProperty(instance.stdout, 'columns', { get: () => size.columns, configurable: true });
  await tick();

  const started = controller.start();
  if (flakeOption === 'pending') {
    // start() waits for the evaluation; wait only for what comes first: folder hosts and todos.
    await vi.waitFor(() => {
      if (todoReads === 0) throw new Error('todos not read yet');
    });
  } else {
    await started;
  }
  await ticks();

  const settle = async (result: FlakeHostsResult): Promise<void> => {
    evaluation.resolve(result);
    await started;
    await ticks();
  };

  return {
    controller,
    lastFrame: () => stripAnsi(instance.lastFrame() ?? ''),
    rawFrame: () => instance.lastFrame() ?? '',
    frameCount: () => instance.frames.length,
    allFrames: () => instance.frames.map((f) => stripAnsi(f)),
    async press(...keys) {
      for (const k of keys) {
        instance.stdin.write(k);
        await ticks();
      }
    },
    file,
    readFile: () => readFileSync(file),
    flake: {
      resolve: (names) => settle({ ok: true, names }),
      fail: (error, hint = '') => settle({ ok: false, error, detail: error, hint }),
    },
    savePrefs,
    setTodoDone: toggle,
    readGenerations,
    exited: () => unmounted,
    cleanup() {
      controller.dispose();
      instance.unmount();
      instance.cleanup();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
