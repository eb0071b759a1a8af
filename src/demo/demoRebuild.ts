// The demo's stand-in for nixos-rebuild: it replays a realistic `--log-format internal-json -v`
// run with timing (evaluation, downloads, several builds with phases and log lines, activation)
// so that live panes can be seen on any machine. The home server's build fails.
import { setTimeout as sleep } from 'node:timers/promises';

const FAILING_HOST = 'nas';
const PID = 4242;

interface DemoBuild {
  pname: string;
  version: string;
  phases: string[];
  lines: number;
  /** milliseconds per log line */
  pace: number;
}

const BUILDS: DemoBuild[] = [
  { pname: 'etc-nixos-motd', version: '', phases: ['installPhase'], lines: 2, pace: 150 },
  { pname: 'unit-restic-backups', version: '', phases: ['installPhase'], lines: 3, pace: 120 },
  { pname: 'firmware-updater', version: '1.4.2', phases: ['unpackPhase', 'configurePhase', 'buildPhase', 'installPhase'], lines: 14, pace: 180 },
  { pname: 'system-units', version: '', phases: ['installPhase'], lines: 4, pace: 100 },
  { pname: 'etc', version: '', phases: ['installPhase'], lines: 3, pace: 100 },
];
const FETCHES = [
  { name: 'linux-6.12.60-modules', bytes: 96_400_000 },
  { name: 'firefox-133.0', bytes: 71_200_000 },
  { name: 'mesa-24.2.8', bytes: 38_900_000 },
];
const HASH_CHARS = '0123456789abcdfghijklmnpqrsvwxyz';

function hashOf(seed: string): string {
  let h = 2166136261;
  let out = '';
  for (let i = 0; i < 32; i++) {
    for (const c of `${seed}${i}`) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
    out += HASH_CHARS[h % 32];
  }
  return out;
}

export interface DemoRebuildOptions {
  /** where the lines go (default: standard error, the run's log) */
  out?: (line: string) => void;
  /** the system the build ends with (a deploy's: in the demo's store) */
  toplevel?: string;
}

export async function demoRebuildMain(argv: readonly string[], speed = Number(process.env.NIXDECK_DEMO_SPEED ?? 1), options: DemoRebuildOptions = {}): Promise<number> {
  const action = argv[0] ?? 'build';
  const flakeAt = argv.indexOf('--flake');
  const ref = flakeAt >= 0 ? (argv[flakeAt + 1] ?? '') : '';
  const host = ref.includes('#') ? ref.slice(ref.indexOf('#') + 1) : 'hq';
  const pace = (ms: number) => sleep(Math.max(1, ms / (speed > 0 ? speed : 1)));
  let id = 0;
  const next = () => String(PID * 2 ** 32 + ++id);
  const out = options.out ?? ((line: string) => process.stderr.write(`${line}\n`));
  const nix = (event: Record<string, unknown>) => out(`@nix ${JSON.stringify(event)}`);
  const given = options.toplevel?.split('/').pop()?.split(`-nixos-system-${host}-`)[1];
  const label = given ?? `25.11.20261120.${hashOf(host).slice(0, 7)}`;
  const toplevel = options.toplevel ?? `/nix/store/${hashOf(`top-${host}`)}-nixos-system-${host}-${label}`;
  const builds = [...BUILDS, { pname: `nixos-system-${host}`, version: label, phases: ['installPhase'], lines: 2, pace: 200 }];
  const drv = (b: DemoBuild) => `/nix/store/${hashOf(b.pname)}-${b.pname}${b.version ? `-${b.version}` : ''}.drv`;

  out('building the system configuration...');
  await pace(300);
  const evalId = next();
  nix({ action: 'start', id: evalId, level: 4, parent: '0', text: `evaluating derivation 'git+file:///home/alice/fleet#nixosConfigurations."${host}".config.system.build.toplevel'`, type: 0 });
  await pace(1600);
  nix({ action: 'stop', id: evalId });
  nix({ action: 'msg', level: 3, msg: `these ${builds.length} derivations will be built:` });
  for (const b of builds) nix({ action: 'msg', level: 3, msg: `  ${drv(b)}` });
  nix({ action: 'msg', level: 3, msg: `these ${FETCHES.length} paths will be fetched (197.3 MiB download, 812.0 MiB unpacked):` });
  for (const f of FETCHES) nix({ action: 'msg', level: 3, msg: `  /nix/store/${hashOf(f.name)}-${f.name}` });
  const realise = next();
  const buildsId = next();
  const copies = next();
  nix({ action: 'start', id: realise, level: 0, parent: '0', text: '', type: 102 });
  nix({ action: 'start', id: buildsId, level: 0, parent: '0', text: '', type: 104 });
  nix({ action: 'start', id: copies, level: 0, parent: '0', text: '', type: 103 });
  const total = FETCHES.reduce((sum, f) => sum + f.bytes, 0);
  nix({ action: 'result', fields: [101, total], id: realise, type: 106 });
  let fetched = 0;
  for (const f of FETCHES) {
    const path = `/nix/store/${hashOf(f.name)}-${f.name}`;
    const copy = next();
    const dl = next();
    nix({ action: 'start', fields: [path, 'https://cache.nixos.org', 'local'], id: copy, level: 3, parent: '0', text: `copying path '${path}' from 'https://cache.nixos.org'`, type: 100 });
    nix({ action: 'start', fields: [`https://cache.nixos.org/nar/${hashOf(f.name + 'nar')}.nar.xz`], id: dl, level: 4, parent: copy, text: 'downloading', type: 101 });
    for (let step = 1; step <= 8; step++) {
      await pace(220);
      nix({ action: 'result', fields: [Math.round((f.bytes * step) / 8), f.bytes, 0, 0], id: dl, type: 105 });
    }
    nix({ action: 'stop', id: dl });
    nix({ action: 'stop', id: copy });
    fetched++;
    nix({ action: 'result', fields: [fetched, FETCHES.length, 0, 0], id: copies, type: 105 });
  }
  let done = 0;
  nix({ action: 'result', fields: [0, builds.length, 0, 0], id: buildsId, type: 105 });
  for (const b of builds) {
    const bid = next();
    nix({ action: 'start', fields: [drv(b), '', 1, 1], id: bid, level: 3, parent: '0', text: `building '${drv(b)}'`, type: 105 });
    nix({ action: 'result', fields: [done, builds.length, 1, 0], id: buildsId, type: 105 });
    const fails = host === FAILING_HOST && b.pname === 'firmware-updater';
    for (const phase of b.phases) {
      nix({ action: 'result', fields: [phase], id: bid, type: 104 });
      nix({ action: 'result', fields: [`Running phase: ${phase}`], id: bid, type: 101 });
      const lines = Math.max(1, Math.round(b.lines / b.phases.length));
      for (let i = 1; i <= lines; i++) {
        await pace(b.pace);
        const text = phase === 'buildPhase' ? `CC src/updater_${i}.o` : phase === 'configurePhase' ? `checking for feature ${i}... yes` : `installing part ${i}`;
        nix({ action: 'result', fields: [text], id: bid, type: 101 });
      }
      if (fails && phase === 'buildPhase') {
        nix({ action: 'result', fields: ['src/updater.c:212:9: error: implicit declaration of function ‘fwupd_client_get_devices_async’'], id: bid, type: 101 });
        nix({ action: 'result', fields: ['make: *** [Makefile:48: src/updater.o] Error 1'], id: bid, type: 101 });
        nix({ action: 'stop', id: bid });
        nix({ action: 'result', fields: [done, builds.length, 0, 1], id: buildsId, type: 105 });
        nix({
          action: 'msg',
          level: 0,
          msg: `\u001b[31;1merror:\u001b[0m builder for '\u001b[35;1m${drv(b)}\u001b[0m' failed with exit code 2;\n       last 2 log lines:\n       > src/updater.c:212:9: error: implicit declaration of function ‘fwupd_client_get_devices_async’\n       > make: *** [Makefile:48: src/updater.o] Error 1\n       For full logs, run 'nix log ${drv(b)}'.`,
        });
        for (const id of [copies, buildsId, realise]) nix({ action: 'stop', id });
        return 1;
      }
    }
    nix({ action: 'stop', id: bid });
    done++;
    nix({ action: 'result', fields: [done, builds.length, 0, 0], id: buildsId, type: 105 });
  }
  for (const id of [copies, buildsId, realise]) nix({ action: 'stop', id });
  if (['switch', 'boot', 'test', 'dry-activate'].includes(action)) {
    const steps =
      action === 'dry-activate'
        ? ['would restart the following units: nginx.service', 'would activate the configuration...']
        : action === 'boot'
          ? ['updating systemd-boot entries...']
          : [
              ...(action === 'switch' ? ['updating systemd-boot entries...'] : []),
              'stopping the following units: restic-backups-home.timer',
              'activating the configuration...',
              'setting up /etc...',
              'reloading user units for alice...',
              'restarting sysinit-reactivation.target',
              'restarting the following units: nginx.service, tailscaled.service',
              'starting the following units: restic-backups-home.timer',
            ];
    for (const line of steps) {
      await pace(350);
      out(line);
    }
  }
  out(`Done. The new configuration is ${toplevel}`);
  return 0;
}
