import { visibleText } from '../core/displayText.js';
import { type DeployedStatus, type FlakeToplevel, STATUS_HEADER, type StatusDeps, statusCells, statusRow } from '../core/fleetStatus.js';
import { isValidHostName, mergeHosts } from '../core/hosts.js';
import { mapLimit } from '../core/limit.js';
import type { Host } from '../core/types.js';
import type { Prefs } from '../core/prefsSchema.js';
import { statusReaders } from '../services/statusReaders.js';
import type { Environment } from '../system/context.js';
import { type Io, printJson } from './io.js';
import { table } from './table.js';

export interface StatusRequest {
  hosts: readonly string[];
  json: boolean;
}

/**
 * `nixdeck status [HOST...]`: one row per host, all hosts read at once (up to the limit), the
 * flake's toplevels evaluated meanwhile. Exit 1 when a host could not be read (each named on
 * stderr), 2 for a name that is not a host of the flake.
 */
export async function statusCommand(env: Environment, io: Io, request: StatusRequest, deps: StatusDeps): Promise<number> {
  try {
    return await status(env, io, request, deps);
  } finally {
    await deps.close();
  }
}

async function status(env: Environment, io: Io, request: StatusRequest, deps: StatusDeps): Promise<number> {
  const invalid = request.hosts.find((name) => !isValidHostName(name));
  if (invalid !== undefined) {
    io.err(`error: "${visibleText(invalid)}" is not a valid host name (letters, digits, '.', '_' and '-')`);
    return 2;
  }
  const cached = (await env.cachedFlakeHosts?.(env.flakeDir)) ?? null;
  const [folder, evaluation] = await Promise.all([
    env.listFolderHosts(env.flakeDir),
    cached !== null ? Promise.resolve({ ok: true as const, names: cached }) : env.evalFlakeHosts(env.flakeDir),
  ]);
  const flakeNames = evaluation.ok ? evaluation.names : null;
  const all = mergeHosts(folder, flakeNames, env.hostname);
  const unknown = request.hosts.filter((name) => !all.some((h) => h.name === name));
  if (unknown.length > 0) {
    const known = all.length > 0 ? `the hosts of ${env.flakeDir} are: ${all.map((h) => h.name).join(', ')}` : `${env.flakeDir} has no hosts`;
    io.err(`error: no host named ${unknown.map((n) => `"${n}"`).join(', ')}; ${known}`);
    if (!evaluation.ok) io.err(`(the flake did not evaluate: ${visibleText(evaluation.error)})`);
    return 2;
  }
  const hosts = request.hosts.length > 0 ? all.filter((h) => request.hosts.includes(h.name)) : all;
  if (hosts.length === 0) {
    io.err(`error: no hosts found in ${env.flakeDir} (no systems/*/ or hosts/*/ folders${evaluation.ok ? ', no nixosConfigurations' : ', and the flake did not evaluate'})`);
    return 1;
  }
  const inFlake = flakeNames === null ? [] : hosts.filter((h) => flakeNames.includes(h.name)).map((h) => h.name);
  // the evaluations run while the hosts are read: the whole takes the longer of the two
  const [reads, toplevels, lastRuns, deployedTags] = await Promise.all([
    mapLimit(hosts, deps.limit, (host) => deps.readHost(host)),
    deps.flakeToplevels(inFlake),
    deps.lastRuns(),
    deps.deployedTags ? deps.deployedTags().catch((): DeployedStatus[] => []) : Promise.resolve([]),
  ]);
  const deployedOf = (name: string): DeployedStatus | null => deployedTags.find((t) => t.tag === `deployed/${name}`) ?? null;
  const flakeOf = (name: string): FlakeToplevel | undefined => {
    if (!evaluation.ok) return { ok: false, error: evaluation.error.replace(/^flake (evaluation failed|not evaluated): /, '') };
    return toplevels.get(name);
  };
  const rows = hosts.map((host, i) =>
    statusRow({ name: host.name, local: host.local, read: reads[i] ?? { ok: false, error: 'not read' }, flake: flakeOf(host.name), lastRun: lastRuns.get(host.name) ?? null, deployed: deployedOf(host.name) }),
  );
  if (request.json) printJson(io, rows.map((r) => r.status));
  else {
    const now = deps.now();
    for (const line of table([[...STATUS_HEADER], ...rows.map((r) => statusCells(r, now).map(visibleText))])) io.out(line);
  }
  if (!evaluation.ok) io.err(`warning: ${visibleText(evaluation.error)}: drift unknown (to see all of it, ${evaluation.hint})`);
  else {
    // one line per reason: a flake that fails for every host says so once
    const byError = new Map<string, string[]>();
    for (const [name, result] of toplevels) if (!result.ok) byError.set(result.error, [...(byError.get(result.error) ?? []), name]);
    for (const [error, names] of byError) io.err(`warning: the flake's toplevel of ${names.join(', ')} did not evaluate: ${visibleText(error)}`);
  }
  const unreachable = rows.filter((r) => !r.status.reachable);
  for (const r of unreachable) io.err(`${r.status.name}: unreachable: ${visibleText(r.status.error ?? '')}`);
  return unreachable.length > 0 ? 1 : 0;
}

/** `nixdeck status` with the real readers: this machine's files, each host over its ssh connection, nix for the flake. */
export async function runStatus(env: Environment, io: Io, request: StatusRequest, prefs: Prefs): Promise<number> {
  return statusCommand(env, io, request, statusReaders(env, prefs));
}
