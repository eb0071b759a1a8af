// A synthetic but realistic `nixos-rebuild … --log-format internal-json -v` stderr stream, for
// benchmarks and load tests: nixos-rebuild's plain lines, a build plan, substitutions with
// downloads, builds with phases and many log lines (60–100 characters, some with ANSI colour
// codes, quotes or backslashes), progress counters, and activation lines. Deterministic.
// Activity ids carry a pid above 2^21, so they exceed 2^53 like on real machines.

const PID = 4194301n; // near Linux's pid_max: ids exceed Number.MAX_SAFE_INTEGER

const WORDS = [
  'gcc', '-O2', '-pipe', '-fstack-protector-strong', 'CC', 'src/main.o', 'libfoo.la', 'checking',
  'for', 'whether', 'the', 'C', 'compiler', 'works...', 'yes', 'make[2]:', 'Entering', 'directory',
  "'/build/source/lib'", 'install', '-D', '-m644', 'share/man/man1/hello.1', 'patching', 'ELF',
  'stripping', 'shrinking', 'RPATHs', 'of', 'ELF', 'executables', 'and', 'libraries', 'in',
  '/nix/store/0c1rk1y3nzmbcrq3dbfmygiyyaxxw9r1-hello-2.12.1', 'PASS:', 'test-suite.log', '"quoted"',
  'C:\\path', 'warning:', 'unused', 'variable', "'x'", '[-Wunused-variable]', 'cc1:', 'note:',
];

const PACKAGES = [
  'hello-2.12.1', 'openssl-3.0.14', 'nginx-1.26.1', 'python3.12-requests-2.32.3', 'linux-6.6.32',
  'systemd-255.9', 'glibc-2.39-52', 'curl-8.8.0', 'etc', 'unit-nginx.service', 'system-units',
  'nixos-system-hq-25.05.20250601.abc1234', 'firefox-unwrapped-127.0', 'rustc-1.79.0',
];

const PHASES = ['unpackPhase', 'patchPhase', 'configurePhase', 'buildPhase', 'checkPhase', 'installPhase', 'fixupPhase'];

/** A small deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hash(r: () => number): string {
  const alphabet = '0123456789abcdfghijklmnpqrsvwxyz';
  let s = '';
  for (let i = 0; i < 32; i++) s += alphabet[Math.floor(r() * 32)];
  return s;
}

/** Generate `lines` lines of a mixed stream (exactly that many). */
export function makeSyntheticStream(lines: number, seed = 42): string[] {
  const r = rng(seed);
  const out: string[] = [];
  let counter = 0n;
  const nextId = (): string => String((PID << 32n) + counter++);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const logLine = (): string => {
    const target = 60 + Math.floor(r() * 41);
    let s = pick(WORDS);
    while (s.length < target) s += ` ${pick(WORDS)}`;
    s = s.slice(0, target);
    if (r() < 0.1) s = `\u001b[32m${s.slice(0, 20)}\u001b[0m${s.slice(20)}`;
    return JSON.stringify(s);
  };

  out.push('building the system configuration...');
  out.push(`@nix {"action":"msg","level":1,"msg":"\\u001b[35;1mwarning:\\u001b[0m Git tree '/home/alice/nixos-config' is dirty"}`);
  const realise = nextId();
  const builds = nextId();
  const copyPaths = nextId();
  const buildCount = Math.max(3, Math.floor(lines / 400));
  const drvs = Array.from({ length: buildCount }, (_, i) => `/nix/store/${hash(r)}-${PACKAGES[i % PACKAGES.length]}.drv`);
  out.push(`@nix {"action":"msg","level":3,"msg":"these ${buildCount} derivations will be built:"}`);
  for (const d of drvs.slice(0, 20)) out.push(`@nix {"action":"msg","level":3,"msg":"  ${d}"}`);
  out.push(`@nix {"action":"start","id":${realise},"level":0,"parent":0,"text":"","type":102}`);
  out.push(`@nix {"action":"start","id":${builds},"level":0,"parent":0,"text":"","type":104}`);
  out.push(`@nix {"action":"start","id":${copyPaths},"level":0,"parent":0,"text":"","type":103}`);
  out.push(`@nix {"action":"result","fields":[101,1048576],"id":${realise},"type":106}`);

  let done = 0;
  let substituted = 0;
  let b = 0;
  const tailLines = 8;
  while (out.length < lines - tailLines) {
    // now and then a substitution with a download
    if (r() < 0.3) {
      const path = `/nix/store/${hash(r)}-${pick(PACKAGES)}`;
      const sub = nextId();
      const copy = nextId();
      const dl = nextId();
      const size = 10_000 + Math.floor(r() * 1_000_000);
      out.push(`@nix {"action":"start","fields":["${path}","https://cache.nixos.org"],"id":${sub},"level":0,"parent":0,"text":"","type":108}`);
      out.push(`@nix {"action":"start","fields":["${path}","https://cache.nixos.org","local"],"id":${copy},"level":3,"parent":${sub},"text":"copying path '${path}' from 'https://cache.nixos.org'","type":100}`);
      out.push(`@nix {"action":"start","fields":["https://cache.nixos.org/nar/${hash(r)}.nar.xz"],"id":${dl},"level":4,"parent":${copy},"text":"downloading 'https://cache.nixos.org/nar/x.nar.xz'","type":101}`);
      out.push(`@nix {"action":"result","fields":[${size >> 1},${size},0,0],"id":${dl},"type":105}`);
      out.push(`@nix {"action":"result","fields":[${size},${size},0,0],"id":${dl},"type":105}`);
      out.push(`@nix {"action":"stop","id":${dl}}`);
      out.push(`@nix {"action":"stop","id":${copy}}`);
      out.push(`@nix {"action":"stop","id":${sub}}`);
      substituted++;
      out.push(`@nix {"action":"result","fields":[${substituted},${substituted},0,0],"id":${copyPaths},"type":105}`);
    }
    // a build: start, phases, log lines, progress, stop
    const drv = drvs[b % drvs.length] as string;
    b++;
    const id = nextId();
    out.push(`@nix {"action":"start","fields":["${drv}","",1,1],"id":${id},"level":3,"parent":0,"text":"building '${drv}'","type":105}`);
    out.push(`@nix {"action":"result","fields":[${done},${buildCount},1,0],"id":${builds},"type":105}`);
    const logCount = 50 + Math.floor(r() * 400);
    for (let i = 0; i < logCount && out.length < lines - tailLines - 2; i++) {
      if (i % 60 === 0) {
        const phase = PHASES[Math.floor(i / 60) % PHASES.length] as string;
        out.push(`@nix {"action":"result","fields":["${phase}"],"id":${id},"type":104}`);
        out.push(`@nix {"action":"result","fields":["Running phase: ${phase}"],"id":${id},"type":101}`);
      } else {
        out.push(`@nix {"action":"result","fields":[${logLine()}],"id":${id},"type":101}`);
      }
    }
    done = Math.min(done + 1, buildCount);
    out.push(`@nix {"action":"result","fields":[${done},${buildCount},0,0],"id":${builds},"type":105}`);
    out.push(`@nix {"action":"stop","id":${id}}`);
  }
  out.push(`@nix {"action":"stop","id":${copyPaths}}`);
  out.push(`@nix {"action":"stop","id":${builds}}`);
  out.push(`@nix {"action":"stop","id":${realise}}`);
  out.push('activating the configuration...');
  out.push('setting up /etc...');
  out.push('reloading user units for alice...');
  out.push('restarting the following units: nginx.service, polkit.service');
  out.push('progress 10%\rprogress 100%');
  while (out.length < lines) out.push('the following new units were started: NetworkManager-dispatcher.service');
  return out.slice(0, lines);
}
