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
  | With<'rebuild', { host: string; action?: string }>
  | With<'runs', { json: boolean; host?: string }>
  | With<'log', { run: string; summary: boolean; json: boolean }>
  | With<'diff', { host?: string; from: string; to: string; json: boolean }>
  | With<'prune', { host?: string; keep?: string; keepDays?: string; pin: string[]; dryRun: boolean; yes: boolean; json: boolean }>
  | With<'gc', { dryRun: boolean; yes: boolean }>
  | With<'rollback', { host?: string; to?: string; action?: string; yes: boolean }>
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
  const console = plainConsole(argv);
  if (console) return console;
  return (await import('./commandLine.js')).parseCommandLine(argv);
}

function plainConsole(argv: readonly string[]): Invocation | null {
  try {
    const { values } = parseArgs({
      args: [...argv],
      allowPositionals: false,
      strict: true,
      options: {
        flake: { type: 'string' },
        root: { type: 'string' },
        file: { type: 'string' },
        demo: { type: 'boolean', default: false },
        ascii: { type: 'boolean', default: false },
      },
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
    return { kind: 'console', options };
  } catch {
    return null;
  }
}
