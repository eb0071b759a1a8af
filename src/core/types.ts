// Shared data shapes. These are the JSON contracts of DESIGN.md: change them only with the README.

export type HostSource = 'flake' | 'folder';

export interface Host {
  name: string;
  sources: HostSource[];
  /** true when the name matches this machine's hostname */
  local: boolean;
}

export type GenerationStatus = 'ok' | 'dangling' | 'unreadable';

/** One system generation; keys of `nixos-rebuild list-generations --json` plus ours. */
export interface Generation {
  generation: number;
  /** ISO 8601 UTC, from the lstat mtime of system-N-link */
  date: string;
  nixosVersion: string;
  kernelVersion: string;
  configurationRevision: string;
  specialisations: string[];
  /** the profile link points at this generation */
  current: boolean;
  /** /run/current-system is this generation's store path */
  running: boolean;
  /** /run/booted-system is this generation's store path */
  booted: boolean;
  storePath: string | null;
  status: GenerationStatus;
  /** why status is not ok, in words */
  problem?: string;
}

/** Raw facts about one system-N-link, as read from a filesystem (local or remote). */
export interface GenerationLinkFacts {
  number: number;
  mtimeMs: number;
  /** absolute target of the link, or null if it could not be read */
  target: string | null;
  /** could the toplevel behind the link be read at all */
  state: GenerationStatus;
  problem?: string;
  nixosVersion: string | null;
  kernelVersion: string | null;
  configurationRevision: string | null;
  specialisations: string[];
}

export interface ProfileFacts {
  /** number parsed from readlink(profile), null when the profile link is missing */
  currentNumber: number | null;
  /** resolved store path of /run/current-system, null when absent */
  runningPath: string | null;
  /** resolved store path of /run/booted-system, null when absent */
  bootedPath: string | null;
  runningKernel: string | null;
  bootedKernel: string | null;
  links: GenerationLinkFacts[];
}

export interface GenerationList {
  generations: Generation[];
  /** running and booted kernels differ */
  rebootNeeded: boolean;
  runningKernel: string | null;
  bootedKernel: string | null;
  /** set when the list is a stand-in (the demo's other hosts), shown beside the host's name */
  simulated?: string;
}

export interface Todo {
  id: string;
  text: string;
  done: boolean;
  /** headings above the item, outermost first */
  section: string[];
  /** 1-based line of the list item */
  line: number;
  file: string;
}

/** A todo plus where its checkbox character sits in the source text. */
export interface ParsedTodo extends Todo {
  /** UTF-16 offset of the character between the brackets */
  checkOffset: number;
  /** nesting depth, 0 for top-level items */
  depth: number;
}

export interface SectionProgress {
  section: string[];
  done: number;
  total: number;
}
