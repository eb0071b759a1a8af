import { carriedRevision, matchRevisions, shortHash } from '../core/generationRevision.js';
import { generationMarkers } from '../core/generations.js';
import { isValidHostName, mergeHosts } from '../core/hosts.js';
import type { RepoService, RevisionMatch } from '../core/repo.js';
import type { Generation, Host } from '../core/types.js';
import type { Environment } from '../system/context.js';
import { type Io, printJson } from './io.js';
import { table } from './table.js';

/**
 * `nixdeck generations [HOST]`: a host's system generations, newest first, read by the
 * environment as the console reads them: this machine's from its files, any other host's over its
 * ssh connection by the host-facts script, into the same list. Each generation's revision is
 * matched against the flake's repository (`commits`; default: git in the flake folder).
 */
export async function generationsCommand(
  env: Environment,
  io: Io,
  json: boolean,
  hostName?: string,
  commits?: Pick<RepoService, 'lookupCommits'>,
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
  const matches = await matchRevisions(generations, commits ?? (await flakeCommits(env.flakeDir)));
  if (json) {
    printJson(
      io,
      generations.map(({ problem, ...g }) => {
        const match = matches[g.generation];
        const commit = match?.commit ? { hash: match.commit.hash, subject: match.commit.subject, date: match.commit.date } : null;
        return { ...g, ...(problem ? { problem } : {}), revision: match?.revision ?? null, commit, dirty: match?.dirty ?? false };
      }),
    );
    return 0;
  }
  const rows = generations.map((g) => [
    String(g.generation),
    g.date.replace('T', ' ').slice(0, 19),
    g.nixosVersion,
    g.kernelVersion,
    g.specialisations.join(',') || '-',
    commitCell(g, matches[g.generation]),
    [...generationMarkers(g), g.problem ?? ''].filter(Boolean).join(' '),
  ]);
  for (const line of table([['GEN', 'DATE (UTC)', 'NIXOS', 'KERNEL', 'SPECIALISATIONS', 'COMMIT', 'STATE'], ...rows])) io.out(line);
  if (rows.some((row) => row[5]?.endsWith('?'))) io.out(`COMMIT ending in ?: not a commit of the repository in ${env.flakeDir}`);
  if (rebootNeeded) io.out(`reboot needed: running kernel ${runningKernel}, booted kernel ${bootedKernel}`);
  return 0;
}

/** The flake folder's commits, read by git there (a folder that is not a repository has none). */
async function flakeCommits(flakeDir: string): Promise<Pick<RepoService, 'lookupCommits'>> {
  const { lookupCommits } = await import('../system/git/read.js');
  return { lookupCommits: (revisions) => lookupCommits(flakeDir, revisions) };
}

/** `1a2b3c4`, `1a2b3c4-dirty`, `1a2b3c4?` (not in the repository), `-` (none). */
function commitCell(g: Generation, match: RevisionMatch | undefined): string {
  const carried = carriedRevision(g);
  if (!carried?.hash) return carried ? '?' : '-';
  const short = shortHash(carried.hash);
  if (carried.dirty) return `${short}-dirty`;
  return match?.commit ? short : `${short}?`;
}
