import { generationMarkers } from '../core/generations.js';
import { isValidHostName, mergeHosts } from '../core/hosts.js';
import type { Host } from '../core/types.js';
import type { Environment } from '../system/context.js';
import { type Io, printJson } from './io.js';
import { table } from './table.js';

/**
 * `nixdeck generations [HOST]`: a host's system generations, newest first, read by the
 * environment as the console reads them: this machine's from its files, any other host's over its
 * ssh connection by the host-facts script, into the same list.
 */
export async function generationsCommand(
  env: Environment,
  io: Io,
  json: boolean,
  hostName?: string,
): Promise<number> {
  if (hostName !== undefined && !isValidHostName(hostName)) {
    io.err(`error: "${hostName}" is not a valid host name (letters, digits, '.', '_' and '-')`);
    return 2;
  }
  const name = hostName ?? env.hostname;
  const host: Host = mergeHosts([name], null, env.hostname)[0] ?? { name, sources: [], local: true };
  const result = await env.readGenerations(host);
  if (!result.ok) {
    io.err(`error: ${result.error}${result.hint ? `\n  ${result.hint}` : ''}`);
    return 1;
  }
  const { generations, rebootNeeded, runningKernel, bootedKernel } = result.list;
  if (json) {
    printJson(io, generations.map(({ problem, ...g }) => (problem ? { ...g, problem } : g)));
    return 0;
  }
  const rows = generations.map((g) => [
    String(g.generation),
    g.date.replace('T', ' ').slice(0, 19),
    g.nixosVersion,
    g.kernelVersion,
    g.specialisations.join(',') || '-',
    [...generationMarkers(g), g.problem ?? ''].filter(Boolean).join(' '),
  ]);
  for (const line of table([['GEN', 'DATE (UTC)', 'NIXOS', 'KERNEL', 'SPECIALISATIONS', 'STATE'], ...rows])) io.out(line);
  if (rebootNeeded) io.out(`reboot needed: running kernel ${runningKernel}, booted kernel ${bootedKernel}`);
  return 0;
}
