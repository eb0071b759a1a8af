import { parseArgs } from 'node:util';

export interface GlobalOptions {
  flake?: string;
  root?: string;
  file?: string;
  json: boolean;
  demo: boolean;
  ascii: boolean;
  /** rebuild: the nixos-rebuild action */
  action?: string;
  /** runs: only this host's */
  host?: string;
  /** log: the parsed summary instead of the raw log */
  summary: boolean;
  /** rollback: the generation to switch to */
  to?: string;
  /** prune: keep the newest N generations */
  keep?: string;
  /** prune: keep generations newer than D days */
  keepDays?: string;
  /** prune: generations never deleted (repeatable, or comma-separated) */
  pin: string[];
  /** prune: preview only */
  dryRun: boolean;
  /** prune, rollback: do it without asking */
  yes: boolean;
}

export type Invocation =
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'console'; options: GlobalOptions }
  | { kind: 'hosts'; options: GlobalOptions }
  | { kind: 'generations'; options: GlobalOptions; host?: string }
  | { kind: 'todos'; options: GlobalOptions }
  | { kind: 'todo'; options: GlobalOptions; done: boolean; query: string }
  | { kind: 'rebuild'; options: GlobalOptions; host: string }
  | { kind: 'runs'; options: GlobalOptions }
  | { kind: 'log'; options: GlobalOptions; run: string }
  | { kind: 'diff'; options: GlobalOptions; host?: string; from: string; to: string }
  | { kind: 'prune'; options: GlobalOptions; host?: string }
  | { kind: 'gc'; options: GlobalOptions }
  | { kind: 'rollback'; options: GlobalOptions; host?: string }
  | { kind: 'config'; options: GlobalOptions; action: 'list' }
  | { kind: 'config'; options: GlobalOptions; action: 'path' }
  | { kind: 'config'; options: GlobalOptions; action: 'get'; key: string }
  | { kind: 'config'; options: GlobalOptions; action: 'unset'; key: string }
  | { kind: 'config'; options: GlobalOptions; action: 'set'; key: string; value: string };

export class UsageError extends Error {}

export const USAGE = `nixdeck — a keyboard console for a NixOS flake fleet

Usage:
  nixdeck [--flake DIR] [--file PATH] [--root DIR] [--ascii]   open the console
  nixdeck --demo                                   open the console on a sample fleet
  nixdeck hosts [--json]                           hosts of the flake
  nixdeck generations [HOST] [--json]              system generations (default: this machine)
  nixdeck todos [--json]                           todos of PROJECT.md
  nixdeck todo done|undo ID-OR-TEXT                tick or untick one todo
  nixdeck rebuild HOST [--action A]                nixos-rebuild A (default build), progress lines
  nixdeck runs [--host H] [--json]                 rebuild runs, going and finished
  nixdeck log RUN [--summary [--json]]             a run's saved log, or its summary
  nixdeck diff [HOST] A B [--json]                 what changes from generation A to B
  nixdeck rollback [HOST] [--to N] [--action A] [--yes]
                                                   switch to generation N (default: the previous one)
  nixdeck prune [--keep N] [--keep-days D] [--pin G] [--dry-run] [--yes] [--json]
                                                   delete generations by a keep policy
  nixdeck gc [--dry-run] [--yes]                   collect garbage: the store paths no generation uses
  nixdeck config list|path                         preferences
  nixdeck config get|unset KEY
  nixdeck config set KEY VALUE

Options:
  --flake DIR   the flake folder (default: preference, else ./ if it holds flake.nix, else /etc/nixos)
  --file PATH   the todo file (default: preference, else PROJECT.md in the flake folder)
  --root DIR    read /nix/var/nix/profiles, /run and /etc under DIR instead of /
  --json        print JSON for scripts
  --ascii       draw borders with ASCII characters
  --action A    build, dry-build, test, switch, boot or dry-activate (rebuild);
                switch, boot or test (rollback; default switch)
  --to N        rollback: the generation to switch to
  --keep N      prune: keep the newest N generations
  --keep-days D prune: keep generations newer than D days
  --pin G       prune: never delete generation G (repeatable)
  --dry-run     prune: show what would go and stay, change nothing
  --yes         prune, rollback: act without asking (needed when not on a terminal)
  --demo        use a sample fleet built in a temporary folder (no Nix needed)
  -h, --help    this text
  -V, --version the version

Exit status: 0 ok, 1 the operation failed, 2 bad usage.`;

export function parseInvocation(argv: readonly string[]): Invocation {
  // `config set KEY VALUE`: the value is taken as it is, even when it starts with a dash
  // (`config set rebuildFlags "--show-trace -L"`), so it is set aside before options are parsed.
  const at = argv.indexOf('config');
  const valueAt = argv[at + 3] === '--' ? at + 4 : at + 3; // `config set KEY -- VALUE` works too
  const setValue = at >= 0 && argv[at + 1] === 'set' && argv.length > valueAt ? argv[valueAt] : undefined;
  const args = setValue === undefined ? [...argv] : [...argv.slice(0, at + 3), ...argv.slice(valueAt + 1)];
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        flake: { type: 'string' },
        root: { type: 'string' },
        file: { type: 'string' },
        json: { type: 'boolean', default: false },
        demo: { type: 'boolean', default: false },
        ascii: { type: 'boolean', default: false },
        action: { type: 'string' },
        host: { type: 'string' },
        summary: { type: 'boolean', default: false },
        to: { type: 'string' },
        keep: { type: 'string' },
        'keep-days': { type: 'string' },
        pin: { type: 'string', multiple: true },
        'dry-run': { type: 'boolean', default: false },
        yes: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', short: 'V', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/^.*?: /, '').replace(/\. To specify.*$/s, ''));
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };
  for (const name of ['flake', 'root', 'file'] as const) {
    if (values[name] === '') throw new UsageError(`--${name} needs a path`);
  }
  const options: GlobalOptions = {
    ...(values.flake ? { flake: values.flake } : {}),
    ...(values.root ? { root: values.root } : {}),
    ...(values.file ? { file: values.file } : {}),
    json: values.json ?? false,
    demo: values.demo ?? false,
    ascii: values.ascii ?? false,
    ...(values.action ? { action: values.action } : {}),
    ...(values.host ? { host: values.host } : {}),
    summary: values.summary ?? false,
    ...(values.to !== undefined ? { to: values.to } : {}),
    ...(values.keep !== undefined ? { keep: values.keep } : {}),
    ...(values['keep-days'] !== undefined ? { keepDays: values['keep-days'] } : {}),
    pin: values.pin ?? [],
    dryRun: values['dry-run'] ?? false,
    yes: values.yes ?? false,
  };
  const [command, ...rest] = positionals;
  const expect = (count: number, what: string): void => {
    if (rest.length !== count) throw new UsageError(`${command} takes ${what}`);
  };
  switch (command) {
    case undefined:
      return { kind: 'console', options };
    case 'hosts':
    case 'todos':
      expect(0, 'no arguments');
      return { kind: command, options };
    case 'generations':
      if (rest.length > 1) throw new UsageError('generations takes at most one HOST');
      return rest[0] === undefined ? { kind: 'generations', options } : { kind: 'generations', options, host: rest[0] };
    case 'todo': {
      const [verb, ...query] = rest;
      if (verb !== 'done' && verb !== 'undo') throw new UsageError('todo takes done or undo, then an id or some text of the todo');
      if (query.length === 0 || query.join(' ').trim() === '') throw new UsageError(`todo ${verb} needs an id or some text of the todo`);
      return { kind: 'todo', options, done: verb === 'done', query: query.join(' ') };
    }
    case 'rebuild':
      if (rest.length !== 1 || rest[0] === undefined) throw new UsageError('rebuild takes one HOST');
      return { kind: 'rebuild', options, host: rest[0] };
    case 'runs':
      expect(0, 'no arguments (use --host H)');
      return { kind: 'runs', options };
    case 'log':
      if (rest.length !== 1 || rest[0] === undefined) throw new UsageError('log takes one RUN (an id, a unique start of one, or "last")');
      return { kind: 'log', options, run: rest[0] };
    case 'diff': {
      if (rest.length !== 2 && rest.length !== 3) throw new UsageError('diff takes [HOST] A B (two generation numbers)');
      const [first = '', second = '', third] = rest;
      return third === undefined ? { kind: 'diff', options, from: first, to: second } : { kind: 'diff', options, host: first, from: second, to: third };
    }
    case 'gc':
      expect(0, 'no arguments (--dry-run, --yes)');
      return { kind: 'gc', options };
    case 'prune':
    case 'rollback':
      if (rest.length > 1) throw new UsageError(`${command} takes at most one HOST`);
      return rest[0] === undefined ? { kind: command, options } : { kind: command, options, host: rest[0] };
    case 'config': {
      const [action, key, value] = rest;
      if (action === 'list' || action === 'path') {
        if (rest.length !== 1) throw new UsageError(`config ${action} takes no arguments`);
        return action === 'list' ? { kind: 'config', options, action } : { kind: 'config', options, action };
      }
      if (action === 'get' || action === 'unset') {
        if (rest.length !== 2 || key === undefined) throw new UsageError(`config ${action} takes one KEY`);
        return action === 'get' ? { kind: 'config', options, action, key } : { kind: 'config', options, action, key };
      }
      if (action === 'set') {
        const given = setValue ?? value;
        if (rest.length !== (setValue === undefined ? 3 : 2) || key === undefined || given === undefined) throw new UsageError('config set takes KEY VALUE');
        return { kind: 'config', options, action, key, value: given };
      }
      throw new UsageError('config takes list, get, set, unset or path');
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}
