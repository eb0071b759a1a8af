// `npm run bench` section "fleet": `nixdeck status` over a fleet of 50 hosts (50 ports of the test
// fleet's sshd, scripts/test-fleet.sh with FAKE_NIXOS_CLONES=50) against one host. Times the whole
// status table cold (no connection, no cached flake toplevels), with the toplevels cached, and
// with the connections warm; counts the SSH logins sshd accepted for each run (goal: one per host)
// and splits the machine's CPU time into nixdeck's side and the test hosts' (they share the cores).
import { execa } from 'execa';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Io } from '../src/commands/io.js';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** CPU time of the whole machine so far (all cores, in seconds), from /proc/stat. */
function machineCpuSeconds(): number {
  const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return (fields.reduce((a, b) => a + b, 0) - idle) / 100; // USER_HZ is 100 on Linux
}

/** utime + stime (+ cutime + cstime with `children`) of one /proc stat line, in seconds. */
function statCpu(stat: string, children: boolean): number {
  // the fields after "(comm) ": state is the 1st, utime the 12th ... cstime the 15th
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
  const own = (f[11] ?? 0) + (f[12] ?? 0);
  return (children ? own + (f[13] ?? 0) + (f[14] ?? 0) : own) / 100;
}

/**
 * CPU seconds so far of nixdeck's side of the reads: this process with the children it has
 * waited for (ssh clients, nix), and the ssh masters that ControlPersist sent to the background
 * (ssh processes started with ControlMaster=yes: the bench runs no other).
 */
function nixdeckCpuSeconds(): number {
  let total = statCpu(readFileSync('/proc/self/stat', 'utf8'), true);
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmdline.startsWith('ssh\0') && cmdline.includes('ControlMaster=yes')) total += statCpu(readFileSync(`/proc/${pid}/stat`, 'utf8'), false);
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/** Logins sshd accepted so far, over all the fleet's sshd logs. */
function logins(sshDir: string): number {
  let n = 0;
  for (const f of readdirSync(sshDir)) {
    if (!/^sshd.*\.log$/.test(f)) continue;
    n += readFileSync(path.join(sshDir, f), 'utf8').split('\n').filter((l) => l.includes('Accepted publickey')).length;
  }
  return n;
}

export async function fleetStatusBench(clones = 50): Promise<void> {
  console.log(`fleet status: ${clones} hosts over ssh (status reads 16 hosts at once)`);
  if (process.getuid?.() !== 0) {
    console.log('  skipped: the test fleet needs root');
    return;
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nixdeck-bench-fleet50-'));
  const stop = (): void => void execa('bash', ['scripts/test-fleet.sh', 'stop'], { env: { FAKE_NIXOS_ROOT: dir }, reject: false, stdin: 'ignore' });
  try {
    let made = null as Awaited<ReturnType<typeof execa>> | null;
    for (let attempt = 0; attempt < 3 && made?.exitCode !== 0; attempt++) {
      const port = 20_000 + Math.floor(Math.random() * 12_000);
      made = await execa('bash', ['scripts/test-fleet.sh'], {
        env: { FAKE_NIXOS_ROOT: dir, FAKE_NIXOS_SSH_PORT: String(port), FAKE_NIXOS_CLONES: String(clones) },
        reject: false,
        all: true,
        stdin: 'ignore',
      });
    }
    if (made?.exitCode !== 0) {
      console.log(`  skipped: scripts/test-fleet.sh failed: ${String(made?.all ?? '').slice(-300)}`);
      return;
    }
    const { parseEnvSh } = await import('../test/helpers/fleet.js');
    const fleetEnv = parseEnvSh(readFileSync(path.join(dir, 'env.sh'), 'utf8'));
    Object.assign(process.env, fleetEnv);
    const { DEFAULT_PREFS } = await import('../src/core/prefsSchema.js');
    const { localEnvironment } = await import('../src/system/context.js');
    const { statusCommand } = await import('../src/commands/status.js');
    const { statusReaders } = await import('../src/services/statusReaders.js');
    const { localRunner } = await import('../src/system/exec.js');
    const flake = fleetEnv.FAKE_NIXOS_FLAKE ?? path.join(dir, 'flake');
    const names = Array.from({ length: clones }, (_, i) => `c${String(i + 1).padStart(2, '0')}`);
    const sshDir = path.join(dir, 'ssh');

    /** cpu: the whole machine's CPU seconds during the run; own: nixdeck's side of them */
    type Run = { ms: number; logins: number; rows: number; busy: number; cpu: number; own: number };
    /** One status table of `hosts` through one environment (its connections stay open between calls). */
    const makeRunner = () => {
      const env = localEnvironment({ flake, root: path.join(dir, 'hosts', 'hq') }, DEFAULT_PREFS);
      let out = '';
      const io: Io = {
        out: (s) => void (out += `${s}\n`),
        err: () => {},
        raw: async () => {},
        interactive: false,
        confirm: async () => false,
        password: async () => '',
        runner: localRunner,
        onInterrupt: () => () => {},
      };
      return {
        async run(hosts: string[]): Promise<Run> {
          out = '';
          const before = logins(sshDir);
          const cpuBefore = machineCpuSeconds();
          const ownBefore = nixdeckCpuSeconds();
          const started = performance.now();
          await statusCommand(env, io, { hosts, json: true }, statusReaders(env, DEFAULT_PREFS));
          const ms = performance.now() - started;
          const cpu = machineCpuSeconds() - cpuBefore;
          const own = nixdeckCpuSeconds() - ownBefore;
          const busy = cpu / (ms / 1000) / os.cpus().length;
          await new Promise((r) => setTimeout(r, 300)); // sshd writes its log line just after the login
          const rows = (JSON.parse(out) as { reachable: boolean }[]).filter((r) => r.reachable).length;
          return { ms, logins: logins(sshDir) - before, rows, busy, cpu, own };
        },
        dispose: () => env.dispose?.(),
      };
    };
    const cacheHome = mkdtempSync(path.join(os.tmpdir(), 'nixdeck-bench-cache-'));
    process.env.XDG_CACHE_HOME = cacheHome;
    // the test fleet's hosts (sshd, each session's namespace, the facts script) run on this
    // machine's cores too: "cpu busy" near 100% means the figure measures this machine, not waiting
    const show = (label: string, r: Run, n: number): void =>
      console.log(
        `  ${label.padEnd(44)} ${(r.ms / 1000).toFixed(2).padStart(6)} s   ${r.rows}/${n} read, ${r.logins} ssh logins, cpu busy ${Math.round(r.busy * 100)}% ` +
          `(${r.cpu.toFixed(2)} cpu-s, nixdeck's side ${r.own.toFixed(2)})`,
      );

    const cold1 = makeRunner();
    const oneCold = await cold1.run([names[0] as string]);
    const oneWarm = await cold1.run([names[0] as string]);
    await cold1.dispose();
    rmSync(cacheHome, { recursive: true, force: true });
    const all = makeRunner();
    const allCold = await all.run(names);
    const allWarm: Run[] = [];
    for (let i = 0; i < 3; i++) allWarm.push(await all.run(names));
    await all.dispose();
    const fresh = makeRunner(); // new connections, toplevels cached
    const allCached = await fresh.run(names);
    await fresh.dispose();
    const warmMedian = { ...allWarm[1]!, ms: median(allWarm.map((r) => r.ms)) };
    show('1 host, cold (connect + evaluate its toplevel)', oneCold, 1);
    show('1 host, connection warm', oneWarm, 1);
    show(`${clones} hosts, cold (connect + ${clones} evaluations)`, allCold, clones);
    show(`${clones} hosts, new connections, toplevels cached`, allCached, clones);
    show(`${clones} hosts, connections warm (median of 3)`, warmMedian, clones);
    console.log(
      `  ${clones} hosts / 1 host: cold ${(allCold.ms / oneCold.ms).toFixed(2)}×, warm ${(warmMedian.ms / oneWarm.ms).toFixed(2)}× (goal ≤ 3× with 16 at once); ` +
        `logins per host: cold ${(allCold.logins / clones).toFixed(2)}, warm ${(warmMedian.logins / clones).toFixed(2)} (goal: 1 per host, 0 when warm)`,
    );
  } finally {
    stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
