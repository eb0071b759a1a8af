// The message of a commit made after a deploy, from the `commitTemplate` preference: its
// placeholders filled in, one line, cut at a length git tools show whole. Pure.

export const DEFAULT_COMMIT_TEMPLATE = '<hosts>: <action> <generation> — <changed files>';

/** Every placeholder a template may hold, with what it becomes (for `config list` and errors). */
export const COMMIT_PLACEHOLDERS = {
  '<hosts>': 'the hosts deployed: "hq", "hq, t460", or "5 hosts"',
  '<action>': 'switch, boot, test or deploy',
  '<generation>': '"generation 42" for one host whose new generation is known, else nothing',
  '<changed files>': 'the files committed: "flake.lock, hosts/hq.nix", or "3 files"',
} as const;

export type CommitPlaceholder = keyof typeof COMMIT_PLACEHOLDERS;

/** A message longer than this is cut (with "…"): a commit subject stays readable in `git log --oneline`. */
export const COMMIT_MESSAGE_MAX = 72;
/** Up to this many host names are written out; more are counted. */
const HOST_NAMES_MAX = 3;
/** Up to this many file names are written out; more are counted. */
const FILE_NAMES_MAX = 2;

const PLACEHOLDER = /<[a-z][a-z ]*>/g;

export interface CommitFacts {
  hosts: readonly string[];
  action: string;
  /** the new generation's number, for a deploy of one host when it is known */
  generation: number | null;
  /** the paths committed */
  files: readonly string[];
}

function isPlaceholder(text: string): text is CommitPlaceholder {
  return Object.hasOwn(COMMIT_PLACEHOLDERS, text);
}

/** The placeholders of a template that are not known, each once, in the order written. */
export function unknownPlaceholders(template: string): string[] {
  const found = template.match(PLACEHOLDER) ?? [];
  return [...new Set(found.filter((p) => !isPlaceholder(p)))];
}

/** Why a template cannot be used, or null: `config set commitTemplate` says it. */
export function commitTemplateProblem(template: string): string | null {
  if (template.trim() === '') return '"commitTemplate" must not be empty';
  const unknown = unknownPlaceholders(template);
  if (unknown.length === 0) return null;
  return `"commitTemplate" has unknown placeholder${unknown.length === 1 ? '' : 's'} ${unknown.join(', ')}; known: ${Object.keys(COMMIT_PLACEHOLDERS).join(', ')}`;
}

export function hostsWords(hosts: readonly string[]): string {
  if (hosts.length === 0) return 'no hosts';
  return hosts.length <= HOST_NAMES_MAX ? hosts.join(', ') : `${hosts.length} hosts`;
}

export function filesWords(files: readonly string[]): string {
  if (files.length === 0) return 'no files';
  return files.length <= FILE_NAMES_MAX ? files.join(', ') : `${files.length} files`;
}

/** One line: control characters and runs of spaces become one space, cut at `max` cells with "…". */
export function oneLineMessage(text: string, max = COMMIT_MESSAGE_MAX): string {
  const line = text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').replace(/\s{2,}/g, ' ').trim();
  const chars = [...line];
  return chars.length <= max ? line : `${chars.slice(0, max - 1).join('').trimEnd()}…`;
}

/** The template with its placeholders filled in; an unknown placeholder stays as written. */
export function renderCommitMessage(template: string, facts: CommitFacts): string {
  const values: Record<CommitPlaceholder, string> = {
    '<hosts>': hostsWords(facts.hosts),
    '<action>': facts.action,
    '<generation>': facts.generation === null ? '' : `generation ${facts.generation}`,
    '<changed files>': filesWords(facts.files),
  };
  const filled = template.replace(PLACEHOLDER, (p) => (isPlaceholder(p) ? values[p] : p));
  return oneLineMessage(filled);
}
