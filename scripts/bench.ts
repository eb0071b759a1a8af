// npm run bench: the figures the issues ask for, measured side by side in one run.
// Timing lives here, never in test assertions.
import { spawn } from 'node:child_process';
import { mkdtempSync, readlinkSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { execa } from 'execa';
import stripAnsi from 'strip-ansi';
import { parseTodos } from '../src/core/todos.js';
import { filterTodos } from '../src/state/appState.js';
import { makeRoot } from '../test/helpers/profileFixture.js';
import { largeTodoFile } from './benchTodos.js';

const CLI = path.resolve('dist/nixdeck.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 15);

/** Temporary folders made by the sections, removed when the bench ends. */
const scratch: string[] = [];
function scratchDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  scratch.push(dir);
  return dir;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

const ms = (n: number) => `${n.toFixed(1)} ms`;

/** Start a command on a pseudo-terminal (util-linux `script`) and wait until `done(screen)` holds. */
function timeUntil(argv: string[], done: (screen: string) => boolean, env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn('script', ['-qfec', argv.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' '), '/dev/null'], {
      env: { ...env, COLUMNS: '80', LINES: '24' },
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    let screen = '';
    let finished = false;
    const finish = (value: number | Error) => {
      if (finished) return;
      finished = true;
      // SIGTERM: the console cleans up after itself (the demo's folder), unlike after SIGKILL
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      if (value instanceof Error) reject(value);
      else resolve(value);
    };
    child.stdout.on('data', (chunk: Buffer) => {
      screen += chunk.toString();
      if (done(stripAnsi(screen))) finish(performance.now() - start);
    });
    child.on('exit', () => (done(stripAnsi(screen)) ? finish(performance.now() - start) : finish(new Error(`exited before the frame: ${stripAnsi(screen).slice(-300)}`))));
    setTimeout(() => finish(new Error('timed out waiting for the frame')), 20_000).unref();
  });
}

async function startup(): Promise<void> {
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_CONFIG_HOME: scratchDir('nixdeck-bench-cfg-'), TERM: 'xterm-256color', FORCE_COLOR: '1' };
  delete env.CI; // Ink draws only the last frame when it thinks it runs in CI
  // A full frame: all three panes drawn with their data (hosts, the local host's generations, todos).
  const fullFrame = (s: string) => s.includes('1 Hosts') && s.includes('cur run') && s.includes('[ ]') && s.includes('q quit');
  const baseline: number[] = [];
  const demo: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    baseline.push(await timeUntil(['node', '-e', '0'], () => true, env).catch(() => Number.NaN));
    demo.push(await timeUntil(['node', CLI, '--demo'], fullFrame, env));
  }
  const b = median(baseline.filter(Number.isFinite));
  const d = median(demo);
  console.log('start-up: time to the first full frame of `nixdeck --demo` (median of %d, on a pty)', RUNS);
  console.log(`  node -e 0           ${ms(b)}`);
  console.log(`  nixdeck --demo      ${ms(d)}   = ${(d / b).toFixed(2)}x node -e 0   (goal <= 3x)`);
}

/**
 * The test fleet of scripts/test-fleet.sh in a scratch folder, shaped like the fleet the issue
 * measured: a PROJECT.md committed to the flake, and hq's real profile grown to 37 generations.
 * Returns the reason instead when the fleet cannot be built here (it needs root, nix, sshd).
 */
async function realFleet(): Promise<{ flake: string; root: string; env: Record<string, string>; stop(): void } | string> {
  const { readFileSync, writeFileSync } = await import('node:fs');
  const { parseEnvSh } = await import('../test/helpers/fleet.js');
  if (process.getuid?.() !== 0) return 'the test fleet needs root';
  const dir = scratchDir('nixdeck-bench-fleet-');
  let made = null as Awaited<ReturnType<typeof execa>> | null;
  for (let attempt = 0; attempt < 3 && made?.exitCode !== 0; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    made = await execa('bash', ['scripts/test-fleet.sh'], { env: { FAKE_NIXOS_ROOT: dir, FAKE_NIXOS_SSH_PORT: String(port) }, reject: false, all: true, stdin: 'ignore' });
  }
  if (made?.exitCode !== 0) return `scripts/test-fleet.sh failed: ${String(made?.all ?? '').slice(-300)}`;
  const env = parseEnvSh(readFileSync(path.join(dir, 'env.sh'), 'utf8'));
  const stop = () => {
    try {
      process.kill(Number(readFileSync(path.join(dir, 'ssh/sshd.pid'), 'utf8')), 'SIGTERM');
    } catch {
      // already gone
    }
  };
  const flake = env.FAKE_NIXOS_FLAKE ?? path.join(dir, 'flake');
  const root = path.join(dir, 'hosts', 'hq');
  const profile = path.join(root, 'nix/var/nix/profiles/system');
  const paths = [1, 2, 3, 4].map((n) => readlinkSync(`${profile}-${n}-link`));
  // generations 5..37 cycle through hq's four toplevels and end on the current one (4)
  for (let n = 5; n <= 37; n++) await execa('nix-env', ['-p', profile, '--set', paths[(n + 2) % 4] as string], { env });
  writeFileSync(path.join(flake, 'PROJECT.md'), '# Fleet\n\n## Soon\n\n- [ ] Update any outdated packages\n- [x] Rotate the Tailscale keys\n- [ ] Test a restic restore\n');
  await execa('git', ['-C', flake, 'add', 'PROJECT.md'], { env });
  await execa('git', ['-C', flake, '-c', 'user.name=bench', '-c', 'user.email=bench@localhost', 'commit', '-qm', 'todos'], { env });
  return { flake, root, env, stop };
}

/** The console on the test fleet's flake, with hq (one of the fleet's hosts) as this machine. */
async function startupRealFlake(): Promise<void> {
  const fleet = await realFleet();
  if (typeof fleet === 'string') {
    console.log(`start-up on a real flake: skipped (${fleet})`);
    return;
  }
  try {
    const cache = scratchDir('nixdeck-bench-cache-');
    const env: NodeJS.ProcessEnv = { ...process.env, ...fleet.env, XDG_CONFIG_HOME: scratchDir('nixdeck-bench-cfg-'), XDG_CACHE_HOME: cache, TERM: 'xterm-256color', FORCE_COLOR: '1' };
    delete env.CI;
    // full: every host of the flake listed (t460 exists only in the flake), hq's generations, the todos
    const fullFrame = (s: string) => s.includes('t460') && s.includes('cur run') && s.includes('[ ]') && s.includes('? help');
    const evaluated = (s: string) => fullFrame(s) && /flake: \d+ configurations/.test(s);
    const argv = ['node', CLI, '--flake', fleet.flake, '--root', fleet.root];
    const first = await timeUntil(argv, fullFrame, env);
    const baseline: number[] = [];
    const full: number[] = [];
    const done: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      baseline.push(await timeUntil(['node', '-e', '0'], () => true, env).catch(() => Number.NaN));
      full.push(await timeUntil(argv, fullFrame, env));
      done.push(await timeUntil(argv, evaluated, env));
    }
    const b = median(baseline.filter(Number.isFinite));
    console.log('start-up on a real flake: the test fleet (nix %s, 4 hosts, hq as this machine with 37 generations, flake in git; median of %d, on a pty)', (await execa('nix', ['--version'], { env })).stdout.replace(/^nix \(Nix\) /, ''), RUNS);
    console.log(`  node -e 0                     ${ms(b)}`);
    console.log(`  first full frame              ${ms(median(full))}   = ${(median(full) / b).toFixed(2)}x node -e 0   (goal <= 3x)`);
    console.log(`  flake evaluated and shown     ${ms(median(done))}   = ${(median(done) / b).toFixed(2)}x node -e 0`);
    console.log(`  very first start (no caches)  ${ms(first)}   = ${(first / b).toFixed(2)}x node -e 0`);
  } finally {
    fleet.stop();
  }
}

async function generationsScaling(): Promise<void> {
  const make = (count: number) =>
    makeRoot(
      Array.from({ length: count }, (_, i) => ({
        number: i + 1,
        date: new Date(Date.UTC(2023, 0, 1) + i * 3_600_000),
        version: `25.05.2025${String((i % 12) + 1).padStart(2, '0')}01.abc${String(i % 10000).padStart(4, '0')}`,
        kernel: `6.12.${i % 40}`,
        specialisations: i % 7 === 0 ? ['gaming'] : [],
        swRevision: `${String(i).padStart(7, '0')}9f1c2e7a0b3d4c5e6f708192a3b4c5d6e7f8`,
      })),
      { current: count },
    );
  const small = make(10);
  const large = make(1000);
  const cache = mkdtempSync(path.join(os.tmpdir(), 'nixdeck-bench-cache-'));
  const env = { ...process.env, XDG_CONFIG_HOME: scratchDir('nixdeck-bench-cfg-'), XDG_CACHE_HOME: cache };
  const time = async (root: string) => {
    const t = performance.now();
    await execa('node', [CLI, 'generations', '--json', '--root', root], { env });
    return performance.now() - t;
  };
  // the first read of a profile reads every toplevel; later reads take them from the cache
  const coldSmall = await time(small.root);
  const coldLarge = await time(large.root);
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    a.push(await time(small.root));
    b.push(await time(large.root));
  }
  small.cleanup();
  large.cleanup();
  rmSync(cache, { recursive: true, force: true });
  const extra = median(b) - median(a);
  console.log('generations: `nixdeck generations --json` (median of %d; toplevel facts cached by store path)', RUNS);
  console.log(`  10 generations      ${ms(median(a))}`);
  console.log(`  1000 generations    ${ms(median(b))}   the 990 extra cost ${ms(extra)}   (goal <= 50 ms)`);
  console.log(`  first read, no cache: 10 -> ${ms(coldSmall)}, 1000 -> ${ms(coldLarge)}   extra ${ms(coldLarge - coldSmall)}`);
}

function fuzzyPerKeystroke(): void {
  const sections = ['Immediate (This Week)', 'Soon', 'Someday', 'Security', 'Laptops', 'Servers'];
  const verbs = ['Update', 'Rotate', 'Enable', 'Test', 'Move', 'Document', 'Replace', 'Benchmark'];
  const things = ['outdated packages', 'Tailscale keys', 'zram on t460', 'restic restore', 'nas to 25.11', 'the router firmware', 'ssh host keys', 'backups of vm01'];
  let md = '# Fleet\n';
  for (let i = 0; i < 10_000; i++) {
    if (i % 500 === 0) md += `\n## ${sections[(i / 500) % sections.length]} ${i / 500}\n\n`;
    md += `- [${i % 3 === 0 ? 'x' : ' '}] ${verbs[i % verbs.length]} ${things[(i * 7) % things.length]} #${i}\n`;
  }
  const todos = parseTodos(md, 'PROJECT.md');
  const query = 'updte pkgs';
  const times: number[] = [];
  // CPU time of this process as well: on a shared machine the wall clock includes waiting for a core
  const cpu: number[] = [];
  const builds: number[] = [];
  for (let round = 0; round < 5; round++) {
    // a fresh list, as after a reload: the console builds its index then, before any keystroke
    const fresh = [...todos];
    const t0 = performance.now();
    filterTodos(fresh, '');
    builds.push(performance.now() - t0);
    for (let i = 1; i <= query.length; i++) {
      const c = process.cpuUsage();
      const t = performance.now();
      filterTodos(fresh, query.slice(0, i));
      times.push(performance.now() - t);
      const used = process.cpuUsage(c);
      cpu.push((used.user + used.system) / 1000);
    }
  }
  console.log(`fuzzy filter: ${todos.length} todos, typing "${query}" one key at a time (5 rounds)`);
  console.log(`  per keystroke       median ${ms(median(times))}   p95 ${ms(percentile(times, 95))}   max ${ms(Math.max(...times))}   (goal <= 16 ms)`);
  console.log(`  CPU per keystroke   median ${ms(median(cpu))}   p95 ${ms(percentile(cpu, 95))}   (all threads, GC included; load average now ${os.loadavg()[0]?.toFixed(1)})`);
  console.log(`  index build         median ${ms(median(builds))}   (once per list change, not per keystroke)`);
}

// --- rebuild runs (issue 3): the log parser and the memory of a long run ---------------------------

async function parserThroughput(): Promise<void> {
  const { makeSyntheticStream } = await import('./syntheticNixStream.js');
  const { parseLogLine } = await import('../src/core/nixLog.js');
  const { BuildProgress } = await import('../src/core/buildProgress.js');
  const lines = makeSyntheticStream(200_000);
  const megabytes = lines.reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0) / 1e6;
  const rounds = 5;
  const parseOnly: number[] = [];
  const withProgress: number[] = [];
  let sink = 0;
  // one round of each first, so the JIT has seen the code
  for (let round = -1; round < rounds; round++) {
    let t = performance.now();
    for (const line of lines) sink += parseLogLine(line).kind.length;
    if (round >= 0) parseOnly.push(performance.now() - t);
    const progress = new BuildProgress();
    t = performance.now();
    for (let i = 0; i < lines.length; i++) progress.apply(parseLogLine(lines[i] as string), i);
    if (round >= 0) withProgress.push(performance.now() - t);
    sink += progress.snapshot({ tailLines: 1 }).events;
  }
  const rate = (msTaken: number) => `${Math.round((lines.length / msTaken) * 1000).toLocaleString('en-US')} lines/s`;
  console.log(`nix log parser: a synthetic ${lines.length.toLocaleString('en-US')}-line internal-json stream (${megabytes.toFixed(1)} MB; median of ${rounds})`);
  console.log(`  parseLogLine                 ${rate(median(parseOnly)).padEnd(20)} ${ms(median(parseOnly))}   (goal >= 500,000 lines/s)`);
  console.log(`  parse + BuildProgress.apply  ${rate(median(withProgress)).padEnd(20)} ${ms(median(withProgress))}`);
  if (sink === 0) console.log('  (nothing parsed?)');
}

async function peakMemoryAfterLongRun(): Promise<void> {
  const { createWriteStream } = await import('node:fs');
  const { finished } = await import('node:stream/promises');
  const { makeSyntheticStream } = await import('./syntheticNixStream.js');
  const { createRun, EXIT_FILE, LOG_FILE, writeJsonAtomic } = await import('../src/system/runStore.js');
  const total = 1_000_000;
  const state = mkdtempSync(path.join(os.tmpdir(), 'nixdeck-bench-run-'));
  try {
    // a finished run as the supervisor leaves it: meta.json, the log, exit.json
    const run = await createRun(state, { host: 'hq', action: 'switch', argv: ['nixos-rebuild', 'switch'], flakeDir: '/etc/nixos' });
    const out = createWriteStream(path.join(run.dir, LOG_FILE), { flags: 'a' });
    let bytes = 0;
    for (let written = 0, seed = 1; written < total; seed++) {
      const piece = makeSyntheticStream(Math.min(100_000, total - written), seed);
      const text = `${piece.join('\n')}\n`;
      bytes += Buffer.byteLength(text);
      if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      written += piece.length;
    }
    out.end();
    await finished(out);
    await writeJsonAtomic(path.join(run.dir, EXIT_FILE), { exitCode: 0, signal: null, endedAt: new Date().toISOString(), cancelled: false });

    const child = await execa('node', ['--expose-gc', '--import', 'tsx', path.resolve('scripts/bench-memory-child.ts'), run.dir], { stdin: 'ignore' });
    const r = JSON.parse(child.stdout) as {
      state: string;
      elapsedMs: number;
      batches: number;
      events: number;
      displayLines: number;
      baselineRss: number;
      peakRss: number;
      maxRss: number;
      finalRss: number;
      finalHeapUsed: number;
    };
    const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
    console.log(`peak memory after a ${total.toLocaleString('en-US')}-line run (${(bytes / 1e6).toFixed(0)} MB log), followed to its end with trackRun in a child process`);
    console.log(`  peak RSS (sampled every 50 ms)   ${mb(r.peakRss)}   (goal <= 250 MB)`);
    console.log(`  peak RSS (kernel maxRSS)         ${mb(r.maxRss)}`);
    console.log(`  at start ${mb(r.baselineRss)}, at the end ${mb(r.finalRss)}, final heap ${mb(r.finalHeapUsed)} (after gc)`);
    console.log(`  followed in ${ms(r.elapsedMs)} = ${Math.round((total / r.elapsedMs) * 1000).toLocaleString('en-US')} lines/s, ${r.batches} batches, ${r.events.toLocaleString('en-US')} events, run ${r.state}`);
  } finally {
    rmSync(state, { recursive: true, force: true });
  }
}

async function keyLatencyUnderFlood(refreshRate = '15', measureKeys = true): Promise<void> {
  const { mkdirSync, writeFileSync } = await import('node:fs');
  const { cancelRun } = await import('../src/system/runLauncher.js');
  const { listRuns } = await import('../src/system/runStore.js');
  const work = mkdtempSync(path.join(os.tmpdir(), 'nixdeck-bench-flood-'));
  const root = makeRoot([{ number: 1, date: new Date('2026-01-01T00:00:00Z'), version: '25.11.20260101.abcdef0', kernel: '6.12.60' }], { current: 1 });
  mkdirSync(path.join(root.root, 'etc'), { recursive: true });
  writeFileSync(path.join(root.root, 'etc/hostname'), 'hq\n');
  const flake = path.join(work, 'fleet');
  mkdirSync(path.join(flake, 'systems/hq'), { recursive: true });
  writeFileSync(path.join(flake, 'systems/hq/default.nix'), '{ }\n');
  mkdirSync(path.join(work, 'config/nixdeck'), { recursive: true });
  writeFileSync(path.join(work, 'config/nixdeck/config.json'), JSON.stringify({ rebuildExecutable: path.resolve('scripts/flood-rebuild.mjs'), refreshRate }));
  const state = path.join(work, 'state', 'nixdeck'); // XDG_STATE_HOME/nixdeck
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_CONFIG_HOME: path.join(work, 'config'), XDG_STATE_HOME: path.join(work, 'state'), XDG_CACHE_HOME: path.join(work, 'cache'), TERM: 'xterm-256color', FORCE_COLOR: '1' };
  delete env.CI;
  const argv = ['node', CLI, '--flake', flake, '--root', root.root];
  const child = spawn('script', ['-qfec', argv.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' '), '/dev/null'], { env: { ...env, COLUMNS: '80', LINES: '24' }, stdio: ['pipe', 'pipe', 'ignore'] });
  let screen = '';
  child.stdout.on('data', (chunk: Buffer) => {
    screen += stripAnsi(chunk.toString());
  });
  const waitFor = async (text: string, from: number, timeoutMs = 15_000): Promise<void> => {
    const deadline = performance.now() + timeoutMs;
    while (!screen.includes(text, from)) {
      if (performance.now() > deadline) throw new Error(`no "${text}" on screen; it ends with:\n${screen.slice(-1500)}`);
      await new Promise((r) => setTimeout(r, 2));
    }
  };
  const latencies: number[] = [];
  let framesPerSecond = Number.NaN;
  try {
    await waitFor('cur run', 0);
    child.stdin.write('b');
    await waitFor('hq · build · running', 0);
    await new Promise((r) => setTimeout(r, 1500)); // the flood is on
    for (let i = 0; measureKeys && i < 40; i++) {
      const [key, shows] = i % 2 === 0 ? ['2', '[2 Generations]'] : ['1', '[1 Hosts]'];
      const mark = screen.length;
      const t = performance.now();
      child.stdin.write(key);
      await waitFor(shows, mark);
      latencies.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 50 + Math.random() * 50));
    }
    // redraws while nothing is pressed: every frame carries the header line once
    const mark = screen.length;
    const windowMs = 3000;
    await new Promise((r) => setTimeout(r, windowMs));
    framesPerSecond = (screen.slice(mark).split(' nixdeck  ').length - 1) / (windowMs / 1000);
  } finally {
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 3000).unref();
    for (const run of await listRuns(state)) if (run.state === 'running') await cancelRun(state, run.id, { graceMs: 500 }).catch(() => undefined);
    root.cleanup();
    rmSync(work, { recursive: true, force: true });
  }
  if (measureKeys) {
    console.log('console under a flood of 50,000 log lines/s (a build pane open): key press to the frame that shows it, 40 presses');
    console.log(`  median ${ms(median(latencies))}   p95 ${ms(percentile(latencies, 95))}   max ${ms(Math.max(...latencies))}   (goal p95 <= 100 ms)`);
  }
  console.log(`  redraws with no key pressed, preference refreshRate ${refreshRate}: ${framesPerSecond.toFixed(1)} frames/s`);
}

// BENCH_ONLY=flood,fuzzy runs some sections; all of them by default.
const SECTIONS: [string, () => unknown][] = [
  ['startup', startup],
  ['startup', startupRealFlake],
  ['generations', generationsScaling],
  ['fuzzy', fuzzyPerKeystroke],
  ['parser', parserThroughput],
  ['todos', () => largeTodoFile(process.env.BENCH_CLI ?? CLI)],
  ['memory', peakMemoryAfterLongRun],
  ['flood', () => keyLatencyUnderFlood('15', true)],
  ['flood', () => keyLatencyUnderFlood('5', false)],
  ['fleet', async () => (await import('./benchFleet.js')).fleetStatusBench()],
];
const only = (process.env.BENCH_ONLY ?? '').split(',').filter(Boolean);
console.log(`nixdeck bench — node ${process.version}, ${os.cpus().length} cores, load average ${os.loadavg()[0]?.toFixed(2)}`);
for (const [name, section] of SECTIONS) {
  if (only.length > 0 && !only.includes(name)) continue;
  console.log();
  await section();
}
for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
