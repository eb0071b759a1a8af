import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BuildProgress, progressOfLines } from '../../src/core/buildProgress.js';
import { parseLogLine, type NixLogEvent } from '../../src/core/nixLog.js';

function fixture(name: string): string[] {
  const lines = readFileSync(new URL(`../fixtures/nix/${name}.log`, import.meta.url), 'utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** Feed lines, one every `stepMs` from t=1000. */
function feed(lines: string[], stepMs = 100, progress = new BuildProgress()): BuildProgress {
  lines.forEach((line, i) => progress.apply(parseLogLine(line), 1000 + i * stepMs));
  return progress;
}

const T460 = '/nix/store/zx7f1w7n7y2vaxx9mwipwghp215pq3cx-nixos-system-t460-25.05.20250701.1313131.drv';
const PI = '/nix/store/idbv1dj3vx7dbawqxkg8fib383njwyir-nixos-system-pi-25.05.20250701.0a0a0a0.drv';
const HELLO = '/nix/store/rr6yr3c4dwa7m36096p14dq9hnpy77zx-hello-custom-1.0.drv';

describe('a successful build (Nix 2.8, nixos-rebuild stand-in, 3 log lines)', () => {
  it('counts the build and times it', () => {
    const lines = fixture('success-t460');
    const snap = feed(lines).snapshot();
    expect(snap.builds).toEqual({ done: 1, expected: 1, running: 0, failed: 0 });
    expect(snap.running).toEqual([]);
    expect(snap.failedDerivations).toEqual([]);
    expect(snap.errors).toEqual([]);
    const startAt = lines.findIndex((l) => l.includes('checking outputs of'));
    const stopAt = lines.indexOf('@nix {"action":"stop","id":19164144074756}');
    expect(snap.finished).toEqual([
      {
        drvPath: T460,
        name: 'nixos-system-t460-25.05.20250701.1313131',
        pname: 'nixos-system-t460',
        startedMs: 1000 + startAt * 100,
        durationMs: (stopAt - startAt) * 100,
        outcome: 'built',
      },
    ]);
    expect(snap.planned).toEqual([
      { drvPath: T460, name: 'nixos-system-t460-25.05.20250701.1313131', pname: 'nixos-system-t460', state: 'built' },
    ]);
    expect(snap.stage).toBe('building');
  });

  it('shows the run as nixos-rebuild -L would, without the debug chatter', () => {
    const snap = feed(fixture('success-t460')).snapshot();
    expect(snap.tail).toEqual([
      'building the system configuration...',
      `checking outputs of '${T460}'...`,
      'nixos-system-t460> building the system configuration for t460 (25.05.20250701.1313131)',
      'nixos-system-t460> step 1/3',
      'nixos-system-t460> step 2/3',
      'nixos-system-t460> step 3/3',
    ]);
    expect(snap.totalLines).toBe(6);
  });

  it('shows the build running, with its last line and elapsed time, half-way', () => {
    const lines = fixture('success-t460');
    const upTo = lines.findIndex((l) => l.includes('step 2/3'));
    const progress = feed(lines.slice(0, upTo + 1));
    const snap = progress.snapshot({ nowMs: 60_000 });
    expect(snap.builds).toMatchObject({ done: 0, running: 1, failed: 0 });
    expect(snap.running).toHaveLength(1);
    expect(snap.running[0]).toMatchObject({
      id: '19164144074756',
      drvPath: T460,
      name: 'nixos-system-t460-25.05.20250701.1313131',
      pname: 'nixos-system-t460',
      machine: null,
      phase: null,
      lastLine: 'step 2/3',
    });
    expect(snap.running[0]?.elapsedMs).toBe(60_000 - (snap.running[0]?.startedMs ?? 0));
    expect(snap.plannedPending).toEqual([]);
  });
});

describe('several builds with phases (nix build -L of a 3-derivation graph)', () => {
  it('follows phases and prefixes log lines with the pname', () => {
    const lines = fixture('multi-build');
    const upTo = lines.findIndex((l) => l.includes('"fields":["installPhase"]'));
    const mid = feed(lines.slice(0, upTo + 1)).snapshot();
    expect(mid.running.map((r) => [r.pname, r.phase, r.lastLine])).toEqual([
      ['app', 'installPhase', 'linking app against /nix/store/2mx660m99fmhvag3dsbaxwqm7fzc3h1i-liba-1.2.3 /nix/store/vraaybfnwkj4s8xh6l2z45a80gnasyi7-libb-0.9'],
    ]);
    expect(mid.builds).toEqual({ done: 2, expected: 3, running: 1, failed: 0 });

    const snap = feed(lines).snapshot();
    expect(snap.builds).toEqual({ done: 3, expected: 3, running: 0, failed: 0 });
    expect(snap.finished.map((f) => [f.name, f.outcome])).toEqual([
      ['liba-1.2.3', 'built'],
      ['libb-0.9', 'built'],
      ['app-2.0', 'built'],
    ]);
    expect(snap.tail).toContain('liba> progress 100%');
    // ANSI codes of build output are stripped in the display
    expect(snap.tail).toContain('libb> green ok compiled libb');
    expect(snap.tail.join('\n')).not.toContain('\u001b');
    // talkative messages (level 4) are not shown
    expect(snap.tail.some((l) => l.startsWith('evaluating file'))).toBe(false);
  });

  it('reads the build plan of nix-build and ticks it off', () => {
    const lines = fixture('multi-build-legacy');
    const planEnd = lines.findIndex((l) => l.includes('-app-2.0.drv"}'));
    const before = feed(lines.slice(0, planEnd + 1)).snapshot();
    expect(before.planned.map((p) => [p.name, p.state])).toEqual([
      ['liba-1.2.3', 'planned'],
      ['libb-0.9', 'planned'],
      ['app-2.0', 'planned'],
    ]);
    expect(before.plannedPending).toEqual(['liba', 'libb', 'app']);
    expect(before.builds.expected).toBe(3);

    const firstBuild = lines.findIndex((l) => l.includes('"fields":["compiling liba: a.c"]'));
    const during = feed(lines.slice(0, firstBuild + 1)).snapshot();
    expect(during.plannedPending).toEqual(['libb', 'app']);
    expect(during.planned.map((p) => p.state)).toEqual(['running', 'planned', 'planned']);

    const after = feed(lines).snapshot();
    expect(after.plannedPending).toEqual([]);
    expect(after.planned.map((p) => p.state)).toEqual(['built', 'built', 'built']);
  });

  it('reads plans given as plain text (nix without internal-json), singular wordings too', () => {
    const progress = new BuildProgress();
    for (const line of [
      'this derivation will be built:',
      '  /nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-hello-2.12.1.drv',
      'these 2 paths will be fetched (1.21 MiB download, 4.87 MiB unpacked):',
      '  /nix/store/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-nginx-1.28.0',
      '  /nix/store/cccccccccccccccccccccccccccccccc-jq-1.7.1-bin',
      'this path will be fetched (0.11 MiB download, 0.39 MiB unpacked):',
      '  /nix/store/dddddddddddddddddddddddddddddddd-cowsay-3.8.4',
      "building '/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-hello-2.12.1.drv'...",
      '  /nix/store/eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee-not-part-of-a-plan.drv',
    ]) {
      progress.apply(parseLogLine(line), 0);
    }
    const snap = progress.snapshot();
    expect(snap.planned.map((p) => p.name)).toEqual(['hello-2.12.1']);
    expect(snap.plannedPending).toEqual(['hello']);
    expect(snap.plannedFetches).toBe(3);
  });
});

describe('a failing build', () => {
  it('Nix 2.8 (failed counter before the stop; "builder for … failed with exit code N")', () => {
    const snap = feed(fixture('failure-pi')).snapshot();
    expect(snap.builds).toMatchObject({ done: 0, failed: 1, running: 0 });
    expect(snap.failedDerivations).toEqual([
      {
        drvPath: PI,
        name: 'nixos-system-pi-25.05.20250701.0a0a0a0',
        pname: 'nixos-system-pi',
        reason: 'builder failed with exit code 1',
        exitCode: 1,
        lastLines: [
          'building the system configuration for pi (25.05.20250701.0a0a0a0)',
          'error: builder for host pi deliberately failed (fake)',
        ],
        durationMs: expect.any(Number) as number,
      },
    ]);
    expect(snap.finished.map((f) => f.outcome)).toEqual(['failed']);
    expect(snap.errors.map((e) => [e.kind, e.summary])).toEqual([
      ['build', `error: builder for '${PI}' failed with exit code 1`],
    ]);
    expect(snap.evalError).toBeNull();
  });

  it('knows the failed build from the counter alone, before any error message', () => {
    const lines = fixture('failure-pi');
    const stopAt = lines.indexOf('@nix {"action":"stop","id":19262928322564}');
    const snap = feed(lines.slice(0, stopAt + 1)).snapshot();
    expect(snap.failedDerivations.map((f) => [f.name, f.reason, f.lastLines.length])).toEqual([
      ['nixos-system-pi-25.05.20250701.0a0a0a0', null, 2],
    ]);
  });

  it('Nix 2.8 with a dependency: the failed leaf, not the dependent', () => {
    const snap = feed(fixture('multi-failure')).snapshot();
    expect(snap.failedDerivations.map((f) => [f.name, f.reason, f.exitCode, f.lastLines.at(-1)])).toEqual([
      ['liba-1.2.3', 'builder failed with exit code 2', 2, 'make: *** [Makefile:4: a.o] Error 1'],
    ]);
    expect(snap.errors.map((e) => e.kind)).toEqual(['build', 'dependencies']);
    expect(snap.errors[1]).toMatchObject({
      drvPath: '/nix/store/9yiizh64741msjg32gfpncf57crfcrjn-app-2.0.drv',
      reason: '1 dependency failed',
    });
  });

  it('modern Nix (stop before the counter; "Cannot build … Reason: builder failed")', () => {
    const snap = feed(fixture('modern-failure')).snapshot();
    expect(snap.builds).toEqual({ done: 1, expected: 3, running: 0, failed: 1 });
    expect(snap.finished.map((f) => [f.name, f.outcome])).toEqual([
      ['etc-motd', 'built'],
      ['hello-custom-1.0', 'failed'],
    ]);
    expect(snap.failedDerivations).toHaveLength(1);
    expect(snap.failedDerivations[0]).toMatchObject({
      drvPath: HELLO,
      name: 'hello-custom-1.0',
      pname: 'hello-custom',
      reason: 'builder failed with exit code 2',
      exitCode: 2,
      lastLines: [
        'Running phase: unpackPhase',
        'unpacking source archive /nix/store/5h59r2r1kkf59qlz9j92v81f5128p6qw-hello-custom-1.0.tar.gz',
        'Running phase: buildPhase',
        'hello.c:3:10: fatal error: missing.h: No such file or directory',
        'make: *** [Makefile:4: hello] Error 1',
      ],
    });
    expect(snap.errors.map((e) => e.summary)).toEqual([
      `error: Cannot build '${HELLO}'. Reason: builder failed with exit code 2.`,
      "error: Cannot build '/nix/store/r5aa819x9yn981068vcd1hdjglhs83nx-nixos-system-laptop-25.05.20250601.abc1234.drv'. Reason: 1 dependency failed.",
    ]);
    expect(snap.errors.map((e) => e.kind)).toEqual(['build', 'dependencies']);
    expect(snap.warnings).toEqual(["warning: Git tree '/home/alice/nixos-config' is dirty"]);
  });

  it('modern Nix: downloads, copies and substitutions', () => {
    const snap = feed(fixture('modern-failure')).snapshot();
    expect(snap.substitutions).toEqual({ done: 1, expected: 1, running: 0, failed: 0 });
    expect(snap.downloads).toEqual({ doneBytes: 113152, expectedBytes: 113152, running: 0 });
    expect(snap.copies).toEqual({ doneBytes: 414120, expectedBytes: 414120, running: 0 });
    expect(snap.plannedFetches).toBe(1);
    expect(snap.tail).toContain(
      "copying path '/nix/store/1iyhcnwnp5f6fycmdy0yn57qcybvm5rx-cowsay-3.8.4' from 'https://cache.nixos.org'...",
    );
  });

  it('modern Nix with a big daemon pid: ids above 2^53 still tie log lines to their build', () => {
    const offset = (4194301n - 48213n) << 32n;
    const lines = fixture('modern-failure').map((line) =>
      line.replace(/"(id|parent)":(\d+)/g, (_, key: string, n: string) =>
        BigInt(n) < 207073258242048n ? `"${key}":${n}` : `"${key}":${(BigInt(n) + offset).toString()}`,
      ),
    );
    // ids of the same build must not collapse into one JS number
    const a = (4194301n << 32n) + 55n;
    const b = (4194301n << 32n) + 56n;
    expect(Number(a.toString())).toBe(Number(b.toString())); // as JS numbers they would be one activity
    const snap = feed(lines).snapshot();
    expect(snap.failedDerivations[0]?.lastLines).toHaveLength(5);
    expect(snap.finished.map((f) => f.outcome)).toEqual(['built', 'failed']);
    expect(snap.tail).toContain('hello-custom> make: *** [Makefile:4: hello] Error 1');
    expect(snap.tail).not.toContain('etc-motd> make: *** [Makefile:4: hello] Error 1');
  });

  it('takes the last log lines from the error message when the stream had none', () => {
    const lines = fixture('modern-failure').filter((l) => !(l.includes('"type":101}') && l.includes('207073258242056')));
    const snap = feed(lines).snapshot();
    expect(snap.failedDerivations[0]?.lastLines).toEqual([
      'Running phase: unpackPhase',
      'unpacking source archive /nix/store/5h59r2r1kkf59qlz9j92v81f5128p6qw-hello-custom-1.0.tar.gz',
      'Running phase: buildPhase',
      'hello.c:3:10: fatal error: missing.h: No such file or directory',
      'make: *** [Makefile:4: hello] Error 1',
    ]);
  });

  it('names the failed one of two concurrent builds (2.8 order: counter, then stop)', () => {
    const ev: NixLogEvent[] = [
      { kind: 'start', id: '1', parent: '0', type: 104, level: 0, text: '', fields: [] },
      { kind: 'start', id: '2', parent: '0', type: 105, level: 3, text: 'building a', fields: ['/nix/store/a.drv', '', 1, 1] },
      { kind: 'start', id: '3', parent: '0', type: 105, level: 3, text: 'building b', fields: ['/nix/store/b.drv', '', 1, 1] },
      { kind: 'result', id: '1', type: 105, fields: [0, 2, 2, 0] },
      { kind: 'result', id: '1', type: 105, fields: [1, 2, 1, 0] },
      { kind: 'stop', id: '2' },
      { kind: 'result', id: '1', type: 105, fields: [1, 2, 0, 1] },
      { kind: 'stop', id: '3' },
    ];
    const progress = new BuildProgress();
    ev.forEach((e, i) => progress.apply(e, i));
    const snap = progress.snapshot();
    expect(snap.finished.map((f) => [f.name, f.outcome])).toEqual([
      ['a', 'built'],
      ['b', 'failed'],
    ]);
    expect(snap.failedDerivations.map((f) => f.name)).toEqual(['b']);
    expect(snap.builds).toEqual({ done: 1, expected: 2, running: 0, failed: 1 });
  });

  it('an error naming a build overrides a guess from the counters', () => {
    const progress = new BuildProgress();
    const ev: NixLogEvent[] = [
      { kind: 'start', id: '2', parent: '0', type: 105, level: 3, text: 'building a', fields: ['/nix/store/a.drv', '', 1, 1] },
      { kind: 'stop', id: '2' },
      { kind: 'msg', level: 0, text: "error: builder for '/nix/store/a.drv' failed due to signal 9 (Killed)" },
    ];
    ev.forEach((e, i) => progress.apply(e, i));
    const snap = progress.snapshot();
    expect(snap.finished[0]?.outcome).toBe('failed');
    expect(snap.failedDerivations[0]).toMatchObject({ name: 'a', reason: 'builder failed due to signal 9 (Killed)', exitCode: null });
  });

  it('reads failures printed as plain text (nix without internal-json), both wordings', () => {
    const old = new BuildProgress();
    for (const line of [
      "error: builder for '/nix/store/rr6yr3c4dwa7m36096p14dq9hnpy77zx-hello-custom-1.0.drv' failed with exit code 2;",
      '       last 2 log lines:',
      '       > hello.c:3:10: fatal error: missing.h: No such file or directory',
      '       > make: *** [Makefile:4: hello] Error 1',
      "       For full logs, run 'nix log /nix/store/rr6yr3c4dwa7m36096p14dq9hnpy77zx-hello-custom-1.0.drv'.",
      "error: 1 dependencies of derivation '/nix/store/r5aa819x9yn981068vcd1hdjglhs83nx-nixos-system-laptop-25.05.20250601.abc1234.drv' failed to build",
    ]) {
      old.apply(parseLogLine(line), 0);
    }
    const a = old.snapshot();
    expect(a.failedDerivations).toEqual([
      {
        drvPath: HELLO,
        name: 'hello-custom-1.0',
        pname: 'hello-custom',
        reason: 'builder failed with exit code 2',
        exitCode: 2,
        lastLines: ['hello.c:3:10: fatal error: missing.h: No such file or directory', 'make: *** [Makefile:4: hello] Error 1'],
        durationMs: null,
      },
    ]);
    expect(a.errors.map((e) => e.kind)).toEqual(['build', 'dependencies']);
    expect(a.errors[0]?.summary).toBe(`error: builder for '${HELLO}' failed with exit code 2`);

    const modern = new BuildProgress();
    for (const line of [
      `error: Cannot build '${HELLO}'.`,
      '       Reason: builder failed with exit code 2.',
      '       Output paths:',
      '         /nix/store/yyk596mhya1dp91k5hpanfmfcgrfczn1-hello-custom-1.0',
      'Command \'nix build …\' returned non-zero exit status 1.',
    ]) {
      modern.apply(parseLogLine(line), 0);
    }
    const b = modern.snapshot();
    expect(b.errors).toHaveLength(1);
    expect(b.errors[0]?.summary).toBe(`error: Cannot build '${HELLO}'. Reason: builder failed with exit code 2.`);
    expect(b.failedDerivations.map((f) => [f.name, f.reason, f.exitCode])).toEqual([['hello-custom-1.0', 'builder failed with exit code 2', 2]]);
  });
});

describe('evaluation errors', () => {
  it('keeps the message and its position, and the warnings before it', () => {
    const snap = feed(fixture('eval-error')).snapshot();
    expect(snap.evalError).toMatchObject({
      kind: 'eval',
      summary: "error: undefined variable 'extraSteps'",
      file: '/nix/store/gyhqmrfwh3p53rkcn0f2zi3crgyrsdld-source/flake.nix',
      line: 22,
      column: 77,
    });
    expect(snap.errors).toHaveLength(1);
    expect(snap.failedDerivations).toEqual([]);
    expect(snap.builds).toEqual({ done: 0, expected: 0, running: 0, failed: 0 });
    expect(snap.warnings).toEqual(["warning: Git tree '/tmp/nixdeck-fleet/evalflake' is dirty"]);
    expect(snap.stage).toBe('evaluating');
    expect(snap.tail).toContain("error: undefined variable 'extraSteps'");
    expect(snap.tail.join('\n')).not.toContain('\u001b');
  });

  it('a missing flake attribute', () => {
    const snap = feed(fixture('eval-missing-attr')).snapshot();
    expect(snap.evalError?.summary).toMatch(/^error: flake 'git\+file:\/\/\/tmp\/nixdeck-fleet\/flake' does not provide attribute /);
  });
});

describe('activation', () => {
  it('reads failed units and the switch warning (stand-in switch, exit 4 inside)', () => {
    const snap = feed(fixture('switch-units-failed')).snapshot();
    expect(snap.activation).toEqual({
      started: true,
      unitsFailed: ['nginx.service'],
      switchErrors: true,
      newConfiguration: null,
    });
    expect(snap.stage).toBe('activating');
    expect(snap.builds).toMatchObject({ done: 1, failed: 0 });
    expect(snap.tail.slice(-3)).toEqual([
      'warning: the following units failed: nginx.service',
      'warning: error(s) occurred while switching to the new configuration',
      'warning: error(s) occurred while switching to the new configuration',
    ]);
  });

  it('reads the new configuration and several failed units', () => {
    const progress = new BuildProgress();
    for (const line of [
      'copying 3 paths...',
      'activating the configuration...',
      'warning: the following units failed: nginx.service, postgresql.service',
      'Done. The new configuration is /nix/store/s891wb09b9y73ly63gci26w14wlciwyg-nixos-system-laptop-25.05',
    ]) {
      progress.apply(parseLogLine(line), 0);
    }
    expect(progress.snapshot().activation).toEqual({
      started: true,
      unitsFailed: ['nginx.service', 'postgresql.service'],
      switchErrors: false,
      newConfiguration: '/nix/store/s891wb09b9y73ly63gci26w14wlciwyg-nixos-system-laptop-25.05',
    });
  });
});

describe('bounded memory', () => {
  it('1,000,000 log lines of one build: the tail and the build ring stay at their caps', () => {
    const progress = new BuildProgress({ tailCapacity: 2000, buildLogLines: 20 });
    progress.apply({ kind: 'start', id: '7', parent: '0', type: 105, level: 3, text: 'building x', fields: ['/nix/store/0c1rk1y3nzmbcrq3dbfmygiyyaxxw9r1-big-1.0.drv', '', 1, 1] }, 0);
    for (let i = 0; i < 1_000_000; i++) {
      progress.apply({ kind: 'result', id: '7', type: 101, fields: [`line ${i} of a very long build log, about sixty characters long`] }, i);
    }
    const snap = progress.snapshot();
    expect(snap.tail).toHaveLength(2000);
    expect(snap.totalLines).toBe(1_000_001);
    expect(snap.tail.at(-1)).toBe('big> line 999999 of a very long build log, about sixty characters long');
    expect(snap.tail[0]).toBe('big> line 998000 of a very long build log, about sixty characters long');
    expect(snap.running[0]?.lastLine).toBe('line 999999 of a very long build log, about sixty characters long');
    expect(progress.tailLines(3)).toHaveLength(3);
    expect(snap.events).toBe(1_000_001);
  });

  it('100,000 builds and unmatched activities: finished, failures and open activities stay bounded', () => {
    const progress = new BuildProgress({ finishedCapacity: 500 });
    progress.apply({ kind: 'start', id: '1', parent: '0', type: 104, level: 0, text: '', fields: [] }, 0);
    for (let i = 0; i < 100_000; i++) {
      const id = String(10 + i);
      progress.apply({ kind: 'start', id, parent: '0', type: 105, level: 3, text: '', fields: [`/nix/store/${String(i).padStart(32, 'a')}-pkg-${i}.drv`, '', 1, 1] }, i);
      progress.apply({ kind: 'result', id, type: 101, fields: ['x'] }, i);
      progress.apply({ kind: 'result', id: '1', type: 105, fields: [i + 1, 100_000, 0, 0] }, i);
      progress.apply({ kind: 'stop', id }, i + 1);
      // activities that never stop (a cut-off stream)
      progress.apply({ kind: 'start', id: `9${i}`, parent: '0', type: 101, level: 4, text: '', fields: [] }, i);
    }
    const snap = progress.snapshot({ tailLines: 10 });
    expect(snap.finished).toHaveLength(500);
    expect(snap.builds.done).toBe(100_000);
    expect(snap.running).toEqual([]);
    expect(snap.tail).toHaveLength(10);
    expect(snap.planned.length).toBeLessThanOrEqual(20_000);
    expect(snap.downloads.running).toBeLessThanOrEqual(20_000);
    expect(progress.snapshot({ finishedLimit: 3 }).finished.map((f) => f.name)).toEqual(['pkg-99997', 'pkg-99998', 'pkg-99999']);
  });
});

describe('progressOfLines', () => {
  it('replays a saved stream', () => {
    const snap = progressOfLines(fixture('multi-build')).snapshot();
    expect(snap.builds.done).toBe(3);
  });
});

describe('the transfer rate', () => {
  const MIB = 1024 * 1024;
  /** a download of `expected` bytes: one progress result per entry of [time, bytes done] */
  function download(samples: [number, number][], expected = 100 * MIB): BuildProgress {
    const progress = new BuildProgress();
    progress.apply({ kind: 'start', id: 'dl', parent: '0', type: 101, level: 4, text: 'downloading x', fields: ['https://cache.nixos.org/nar/x.nar.xz'] }, 0);
    for (const [t, done] of samples) progress.apply({ kind: 'result', id: 'dl', type: 105, fields: [done, expected, 0, 0] }, t);
    return progress;
  }

  it('is the bytes moved over the last seconds, per second, and follows a change of pace', () => {
    // 1 MiB/s for 20 s, then 4 MiB/s for 20 s
    const samples: [number, number][] = [];
    for (let s = 0; s <= 20; s++) samples.push([s * 1000, s * MIB]);
    for (let s = 1; s <= 20; s++) samples.push([20_000 + s * 1000, 20 * MIB + s * 4 * MIB]);
    const slow = download(samples.slice(0, 21)).snapshot();
    expect(slow.transferRate).toBeCloseTo(MIB, 0);
    expect(slow.downloads).toEqual({ doneBytes: 20 * MIB, expectedBytes: 100 * MIB, running: 1 });
    // the window holds only the fast part now
    expect(download(samples).snapshot().transferRate).toBeCloseTo(4 * MIB, 0);
  });

  it('falls while nothing arrives, and is unknown when nothing moved in the window', () => {
    const progress = download([[0, 0], [1000, MIB], [2000, 2 * MIB]]);
    expect(progress.snapshot({ nowMs: 2000 }).transferRate).toBeCloseTo(MIB, 0);
    // a stall of 2 s more: 2 MiB over 4 s
    expect(progress.snapshot({ nowMs: 4000 }).transferRate).toBeCloseTo(MIB / 2, 0);
    expect(progress.snapshot({ nowMs: 60_000 }).transferRate).toBeNull();
    expect(new BuildProgress().snapshot().transferRate).toBeNull();
    // a saved log replayed at one instant says nothing about speed
    expect(download([[0, 0], [0, 50 * MIB]]).snapshot().transferRate).toBeNull();
  });

  it('stays right under a flood of progress events (samples are merged)', () => {
    const samples: [number, number][] = [];
    for (let i = 0; i < 100_000; i++) samples.push([i, i * 100]);
    const progress = download(samples, 100_000 * 100);
    expect(progress.snapshot().transferRate).toBeCloseTo(100_000, -2);
  });
});
