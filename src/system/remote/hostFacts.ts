// A host's facts in one round trip: the host-facts script run through the host's executor (ssh,
// or a local shell), its answer parsed in core. The generation list of any host is then
// buildGenerationList(facts.profile), the same code as for this machine.
import type { HostStatusFacts } from '../../core/hostFacts.js';
import { parseHostFacts } from '../../core/hostFactsParse.js';
import type { ExecResult, Executor } from '../executor.js';
import type { RemoteHost } from './remoteHost.js';
import { remoteScript } from './remoteScripts.js';

export const DEFAULT_SYSTEM_PROFILE = '/nix/var/nix/profiles/system';

export type HostFactsRead = { ok: true; facts: HostStatusFacts } | { ok: false; error: string };

export interface HostFactsOptions {
  /** the shell that runs the script (default `sh`; tests also use `busybox sh`) */
  shell?: readonly string[];
  /** read /run and /etc under this folder instead of / (like --root); absolute */
  root?: string;
  timeoutMs?: number;
}

/** The argument vector that runs the script: `sh -c SCRIPT host-facts PROFILE [ROOT]`. */
export function hostFactsCommand(profile: string, options: HostFactsOptions = {}): string[] {
  const argv = [...(options.shell ?? ['sh']), '-c', remoteScript('host-facts.sh'), 'host-facts', profile];
  if (options.root !== undefined) argv.push(options.root);
  return argv;
}

/** Never throws: an unreachable host or a broken answer is `{ ok: false, error }`, one line. */
export async function readHostFacts(
  executor: Executor,
  profile: string = DEFAULT_SYSTEM_PROFILE,
  options: HostFactsOptions = {},
): Promise<HostFactsRead> {
  let result: ExecResult;
  try {
    result = await executor.run(hostFactsCommand(profile, options), { timeoutMs: options.timeoutMs ?? 60_000 });
  } catch (error) {
    return { ok: false, error: oneLine(error instanceof Error ? error.message : String(error)) };
  }
  if (result.spawnError) return { ok: false, error: oneLine(result.spawnError) };
  const parsed = parseHostFacts(result.stdout);
  if (parsed.ok) return parsed;
  // the script did not run to its end: what the shell or ssh said is the better reason
  const said = firstLine(result.stderr);
  if (result.code !== 0 && said) return { ok: false, error: `the host-facts script failed (exit ${result.code}): ${said}` };
  return { ok: false, error: parsed.error };
}

/**
 * A remote host's facts over its shared connection: connect (no session), then the script in one
 * round trip, whose time is the host's round trip (with the script's own few milliseconds).
 */
export async function readRemoteHostFacts(remote: RemoteHost): Promise<{ ok: true; facts: HostStatusFacts; rttMs: number } | { ok: false; error: string }> {
  const up = await remote.connect();
  if (!up.ok) return up;
  const started = performance.now();
  const read = await readHostFacts(remote.executor);
  return read.ok ? { ...read, rttMs: Math.round(performance.now() - started) } : read;
}

function firstLine(text: string): string {
  return oneLine(text.split('\n').find((l) => l.trim() !== '') ?? '');
}

function oneLine(text: string): string {
  return text.replace(/[\x00-\x1f\x7f]+/g, ' ').trim();
}
