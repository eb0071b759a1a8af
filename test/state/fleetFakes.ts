// A fleet-status service for the console's tests: the test decides when each host answers and
// when the flake's toplevels are known; the rows are made by the real core (statusRow).
import { type FlakeToplevel, type HostRead, type LastRun, type StatusRow, statusRow } from '../../src/core/fleetStatus.js';
import type { BootPaths, HostStatusFacts } from '../../src/core/hostFacts.js';
import type { GenerationLinkFacts, Host } from '../../src/core/types.js';
import type { FleetRowUpdate, FleetStatusService } from '../../src/state/fleetSlice.js';

export const T_FLEET = Date.parse('2025-06-10T12:00:00Z');
const DAY = 86_400_000;

export const storePath = (tag: string, name: string): string => `/nix/store/${tag.padEnd(32, '0')}-${name}`;
export const system = (host: string, n: number): string => storePath(`${host}${n}`, `nixos-system-${host}-${n}`);

function boot(toplevel: string | null, tag: string): BootPaths {
  if (toplevel === null) return { toplevel: null, kernel: null, initrd: null, kernelModules: null };
  return { toplevel, kernel: storePath(`k${tag}`, 'linux'), initrd: storePath(`i${tag}`, 'initrd'), kernelModules: storePath(`m${tag}`, 'modules') };
}

function link(host: string, number: number, ageDays: number): GenerationLinkFacts {
  return { number, mtimeMs: T_FLEET - ageDays * DAY, target: system(host, number), state: 'ok', nixosVersion: '25.05', kernelVersion: '6.6.32', configurationRevision: null, specialisations: [] };
}

/** A host with generations 1..n, running n (n days … 1 day old); booted `booted` (another kernel when it differs). */
export function hostFacts(host: string, n: number, options: { booted?: number; failed?: string[] | null; uptime?: number } = {}): HostStatusFacts {
  const booted = options.booted ?? n;
  return {
    hostname: host,
    profile: {
      currentNumber: n,
      runningPath: system(host, n),
      bootedPath: system(host, booted),
      runningKernel: '6.6.32',
      bootedKernel: '6.6.32',
      links: Array.from({ length: n }, (_, i) => link(host, i + 1, n - i)),
    },
    running: boot(system(host, n), String(n)),
    booted: boot(system(host, booted), String(booted)),
    failedUnits: options.failed === undefined ? [] : options.failed,
    uptimeSeconds: options.uptime ?? 7200,
    isRoot: true,
  };
}

export function row(host: Host, read: HostRead, flake?: FlakeToplevel, lastRun: LastRun | null = null): StatusRow {
  return statusRow({ name: host.name, local: host.local, read, flake, lastRun });
}

interface Call {
  hosts: readonly Host[];
  onRow: (update: FleetRowUpdate) => void;
  signal: AbortSignal;
  finish: () => void;
}

/** Each read waits for the test: `answer` sends a row, `finish` ends the read. */
export class FakeFleet implements FleetStatusService {
  readonly calls: Call[] = [];

  read(hosts: readonly Host[], onRow: (update: FleetRowUpdate) => void, { signal }: { signal: AbortSignal }): Promise<void> {
    return new Promise((resolve) => {
      this.calls.push({ hosts, onRow, signal, finish: resolve });
    });
  }

  get last(): Call {
    const call = this.calls.at(-1);
    if (!call) throw new Error('the fleet was not read');
    return call;
  }

  /** the latest read sends this host's row */
  answer(name: string, read: HostRead, options: { flake?: FlakeToplevel; driftPending?: boolean; call?: Call } = {}): void {
    const call = options.call ?? this.last;
    const host = call.hosts.find((h) => h.name === name);
    if (!host) throw new Error(`${name} was not asked for`);
    call.onRow({ row: row(host, read, options.flake), driftPending: options.driftPending ?? false });
  }
}
