import type { Host, HostSource } from './types.js';

/** A NixOS host name as nixosConfigurations and hostname(1) allow it; also safe as an argv word. */
const HOST_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

export function isValidHostName(name: string): boolean {
  return HOST_NAME.test(name);
}

/** Folder hosts and flake hosts merged by name, sorted; `local` where the name is this machine's. */
export function mergeHosts(folder: readonly string[], flake: readonly string[] | null, hostname: string): Host[] {
  const sources = new Map<string, Set<HostSource>>();
  const add = (name: string, source: HostSource): void => {
    if (!isValidHostName(name)) return;
    let set = sources.get(name);
    if (!set) sources.set(name, (set = new Set()));
    set.add(source);
  };
  for (const name of flake ?? []) add(name, 'flake');
  for (const name of folder) add(name, 'folder');
  const shortHost = hostname.split('.')[0] ?? hostname;
  return [...sources.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, set]) => ({
      name,
      sources: (['flake', 'folder'] as const).filter((s) => set.has(s)),
      local: name === hostname || name === shortHost,
    }));
}

/** What the console and the commands say about a host other than this machine, for now. */
export function notReachableYet(host: string, hostname: string): string {
  return `${host} is not this machine (${hostname}): its generations are not reachable yet`;
}

/** The first line of a nix error worth showing, without ANSI codes or the "error:" prefix noise. */
export function summariseNixError(stderr: string): string {
  const lines = stderr
    .replace(/\x1b\[[0-9;]*[A-Za-z]/g, '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^warning: Git tree .* is dirty$/.test(l));
  const finalError = [...lines].reverse().find((l) => /^error: \S/.test(l));
  const first = finalError ?? lines.find((l) => l.startsWith('error:')) ?? lines[0] ?? 'nix failed without a message';
  const pick = first === 'error:' ? (lines[lines.indexOf(first) + 1] ?? first) : first;
  return pick.replace(/^error:\s*/, '');
}
