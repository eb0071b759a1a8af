import { mergeHosts } from '../core/hosts.js';
import type { Environment } from '../system/context.js';
import { type Io, printJson } from './io.js';
import { table } from './table.js';

/** `nixdeck hosts`: folder hosts merged with the flake's; an evaluation error is a warning, not a failure. */
export async function hostsCommand(env: Environment, io: Io, json: boolean): Promise<number> {
  const [folder, evaluation] = await Promise.all([env.listFolderHosts(env.flakeDir), env.evalFlakeHosts(env.flakeDir)]);
  if (!evaluation.ok) io.err(`warning: ${evaluation.error} (to see all of it, ${evaluation.hint})`);
  const hosts = mergeHosts(folder, evaluation.ok ? evaluation.names : null, env.hostname);
  if (hosts.length === 0 && !evaluation.ok) {
    io.err(`error: no hosts found in ${env.flakeDir} (no systems/*/ or hosts/*/ folders, and the flake did not evaluate)`);
    return 1;
  }
  if (json) printJson(io, hosts);
  else for (const line of table([['HOST', 'SOURCES', 'LOCAL'], ...hosts.map((h) => [h.name, h.sources.join('+'), h.local ? 'yes' : ''])])) io.out(line);
  return 0;
}
