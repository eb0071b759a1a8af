import { parseArgs } from 'node:util';

/** The options every command takes (before or after the command's name). */
export interface GlobalOptions {
  flake?: string;
  root?: string;
  file?: string;
  demo: boolean;
  ascii: boolean;
}

type With<K extends string, T> = { kind: K; options: GlobalOptions } & T;

export type Invocation =
  /** help or the version: the text to print */
  | { kind: 'print'; text: string }
  | With<'console', object>
  | With<'hosts', { json: boolean }>
  | With<'generations', { json: boolean; host?: string }>
  | With<'todos', { json: boolean }>
  | With<'todo', { done: boolean; query: string }>
  | With<'rebuild', { host: string; hosts: string[]; action?: string; confirmTimeout?: string; buildHost?: string; parallel?: string }>
  | With<'runs', { json: boolean; host?: string }>
  | With<'log', { run: string; summary: boolean; json: boolean }>
  | With<'diff', { host?: string; from: string; to: string; json: boolean }>
  | With<'prune', { host?: string; keep?: string; keepDays?: string; pin: string[]; dryRun: boolean; yes: boolean; json: boolean }>
  | With<'gc', { dryRun: boolean; yes: boolean }>
  | With<'rollback', { host?: string; to?: string; action?: string; confirmTimeout?: string; yes: boolean }>
  | With<'status', { hosts: string[]; json: boolean }>
  | With<'update', { inputs: string[]; revert?: string }>
  | With<'inputs', { json: boolean }>
  | With<'config', { action: 'list' } | { action: 'path' } | { action: 'get'; key: string } | { action: 'unset'; key: string } | { action: 'set'; key: string; value: string }>;

/** Bad usage (exit 2); `command` is the command whose help tells more, e.g. "nixdeck config set". */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command = 'nixdeck',
  ) {
    super(message);
  }
}

/**
 * The console with global options only (`nixdeck`, `nixdeck --demo`) is read here, without the
 * subcommand parser, so that its start does not load it; anything else goes to commandLine.ts.
 */
export async function parseInvocation(argv: readonly string[]): Promise<Invocation> {
  const simple = plainConsole(argv) ?? plainReadCommand(argv);
  if (simple) return simple;
  return (await import('./commandLine.js')).parseCommandLine(argv);
}

const GLOBAL_OPTIONS = {
  flake: { type: 'string' },
  root: { type: 'string' },
  file: { type: 'string' },
  demo: { type: 'boolean' },
  ascii: { type: 'boolean' },
} as const;

function plainConsole(argv: readonly string[]): Invocation | null {
  const parsed = plainParse(argv, false);
  return parsed && { kind: 'console', options: parsed.options };
}

/**
 * `hosts`, `generations [HOST]` and `todos` with only their own and the global options after the
 * command's name, as the full parser would read them; anything else (help, a mistake, `--`,
 * options before the command) goes to the full parser, which says what is wrong.
 */
function plainReadCommand(argv: readonly string[]): Invocation | null {
  const [command, ...rest] = argv;
  if (command !== 'hosts' && command !== 'generations' && command !== 'todos') return null;
  if (rest.includes('--')) return null;
  const parsed = plainParse(rest, true);
  if (!parsed) return null;
  const { options, json, positionals } = parsed;
  if (command === 'generations') {
    const [host, ...more] = positionals;
    if (more.length > 0 || host === '') return null;
    return { kind: 'generations', options, json, ...(host !== undefined ? { host } : {}) };
  }
  if (positionals.length > 0) return null;
  return { kind: command, options, json };
}

/** The global options (and `--json` when `withJson`) by node's own parser; null when it would not do. */
function plainParse(args: readonly string[], withJson: boolean): { options: GlobalOptions; json: boolean; positionals: string[] } | null {
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: withJson,
      strict: true,
      options: withJson ? { ...GLOBAL_OPTIONS, json: { type: 'boolean' } } : GLOBAL_OPTIONS,
    });
    // an empty path is reported by the full parser
    if (values.flake === '' || values.root === '' || values.file === '') return null;
    const options: GlobalOptions = {
      ...(values.flake !== undefined ? { flake: values.flake } : {}),
      ...(values.root !== undefined ? { root: values.root } : {}),
      ...(values.file !== undefined ? { file: values.file } : {}),
      demo: values.demo ?? false,
      ascii: values.ascii ?? false,
    };
    return { options, json: 'json' in values && values.json === true, positionals };
  } catch {
    return null;
  }
}
