// Deploying to a remote host, and switching a remote host to one of its generations: the request
// handed to the step runner (`nixdeck __deploy <json>`), its validation, the commands it runs, the
// host supervisor's state as read back, and what the run reports. Pure: no I/O.
//
//   deploy:     build (nixos-rebuild build --flake F#h [--build-host B]) -> copy (nix copy --to)
//               -> activate (the host supervisor, activate.sh) -> confirm (a new SSH connection,
//               then the acknowledgement; without it the host rolls itself back)
//   generation: activate generation N of the host's profile -> confirm, the same way
import { isValidHostName } from './hosts.js';
import { type ActivationAction, isActivationAction, isGenerationNumber, requestJson } from './generationOps.js';
import { isNormalAbsolutePath, isStorePath } from './storePath.js';
import { visibleText } from './displayText.js';
import type { Result } from './result.js';

/** How the host supervisor gets root: it is root, `sudo -n`, or `sudo -S` with the password. */
export type Elevation = 'root' | 'sudo' | 'password';
const ELEVATIONS: readonly Elevation[] = ['root', 'sudo', 'password'];

export const DEFAULT_PROFILE = '/nix/var/nix/profiles/system';
export const DEFAULT_CONFIRM_TIMEOUT = 30;
export const MAX_CONFIRM_TIMEOUT = 86_400;

interface Common {
  host: string;
  action: ActivationAction;
  /** seconds the host waits for the acknowledgement; 0 = no automatic rollback */
  confirmTimeout: number;
  elevation: Elevation;
  profile: string;
}

export interface DeployRequest extends Common {
  kind: 'deploy';
  flakeDir: string;
  /** build on this host (nixos-rebuild --build-host) instead of here; null: here */
  buildHost: string | null;
  /** the nixos-rebuild program and any words before the action */
  executable: string[];
  extraFlags: string[];
}

export interface GenerationRequest extends Common {
  kind: 'generation';
  generation: number;
}

export type RemoteRequest = DeployRequest | GenerationRequest;

export class RemoteRequestError extends Error {}

const PHASES = ['build', 'copy', 'activate', 'confirm'] as const;
export type DeployPhase = (typeof PHASES)[number];

/** The log line that names a phase, for the pane and a summary row. */
export function phaseLine(phase: DeployPhase, detail = ''): string {
  return `nixdeck: phase ${phase}${detail ? `: ${detail}` : ''}`;
}

/** The phase a log line starts, or null. */
export function phaseOf(line: string): DeployPhase | null {
  const m = /^nixdeck: phase (build|copy|activate|confirm)(?::|$)/.exec(line);
  return m ? (m[1] as DeployPhase) : null;
}

/** A confirm timeout given on the command line or in the preferences: whole seconds, 0 = off. */
export function parseConfirmTimeout(text: string): number | null {
  if (!/^\d{1,5}$/.test(text)) return null;
  const n = Number(text);
  return n <= MAX_CONFIRM_TIMEOUT ? n : null;
}

/** `builder@host`, `host`, `host:port`-free ssh destinations nixos-rebuild's --build-host takes. */
export function isBuildHost(value: string): boolean {
  return /^(?:[A-Za-z0-9._-]+@)?[A-Za-z0-9][A-Za-z0-9._-]*$/.test(value) && value.length <= 255;
}

/** A deploy's --confirm-timeout and --build-host, checked. */
export interface DeployOptions {
  confirmTimeout?: number;
  buildHost?: string;
}

/**
 * --confirm-timeout and --build-host as given on the command line: only for a deploy to another
 * host (`remote`), else the error names `what` (`switch on hq`) was asked for instead.
 */
export function deployOptionsOf(given: { confirmTimeout?: string; buildHost?: string }, remote: boolean, what: string): Result<DeployOptions> {
  if (given.confirmTimeout === undefined && given.buildHost === undefined) return { ok: true, value: {} };
  if (!remote) return { ok: false, error: `--confirm-timeout and --build-host are for deploying switch, boot or test to another host, not ${what}` };
  const out: DeployOptions = {};
  if (given.confirmTimeout !== undefined) {
    const n = parseConfirmTimeout(given.confirmTimeout);
    if (n === null) return { ok: false, error: `--confirm-timeout takes whole seconds from 0 (off) to ${MAX_CONFIRM_TIMEOUT}, not "${visibleText(given.confirmTimeout)}"` };
    out.confirmTimeout = n;
  }
  if (given.buildHost !== undefined) {
    if (!isBuildHost(given.buildHost)) return { ok: false, error: `--build-host takes an ssh destination (user@host or an ssh alias, no port), not "${visibleText(given.buildHost)}"` };
    out.buildHost = given.buildHost;
  }
  return { ok: true, value: out };
}

/**
 * The request of a deploy to `host`: the options given, else the host's preferences (`prefs`);
 * the flake, nixos-rebuild and its flags from the rebuild setup.
 */
export function deployRequestOf(
  target: { host: string; action: ActivationAction; elevation: Elevation },
  setup: { flakeDir: string; executable: string[]; extraFlags: string[] },
  given: DeployOptions,
  prefs: { confirmTimeout: number; buildHost: string | null },
): DeployRequest {
  return {
    kind: 'deploy',
    host: target.host,
    action: target.action,
    confirmTimeout: given.confirmTimeout ?? prefs.confirmTimeout,
    elevation: target.elevation,
    profile: DEFAULT_PROFILE,
    flakeDir: setup.flakeDir,
    buildHost: given.buildHost ?? prefs.buildHost,
    executable: setup.executable,
    extraFlags: setup.extraFlags,
  };
}

function words(value: unknown, what: string): string[] {
  if (!Array.isArray(value) || !value.every((w) => typeof w === 'string' && !w.includes('\0'))) throw new RemoteRequestError(`"${what}" must be a list of words`);
  return value as string[];
}

/** Check a request from untrusted JSON (the step runner's argument); throws RemoteRequestError. */
export function validateRemoteRequest(value: unknown): RemoteRequest {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new RemoteRequestError('the request is not a JSON object');
  const v = value as Record<string, unknown>;
  if (typeof v.host !== 'string' || !isValidHostName(v.host)) throw new RemoteRequestError('"host" must be a host name');
  if (typeof v.action !== 'string' || !isActivationAction(v.action)) throw new RemoteRequestError('"action" must be switch, boot or test');
  if (typeof v.confirmTimeout !== 'number' || !Number.isInteger(v.confirmTimeout) || v.confirmTimeout < 0 || v.confirmTimeout > MAX_CONFIRM_TIMEOUT) {
    throw new RemoteRequestError(`"confirmTimeout" must be a whole number of seconds from 0 to ${MAX_CONFIRM_TIMEOUT}`);
  }
  if (typeof v.elevation !== 'string' || !(ELEVATIONS as readonly string[]).includes(v.elevation)) throw new RemoteRequestError('"elevation" must be root, sudo or password');
  if (!isNormalAbsolutePath(v.profile) || v.profile === '/' || !/^[A-Za-z0-9+._@/-]+$/.test(v.profile)) throw new RemoteRequestError('"profile" must be a plain absolute path');
  const common: Common = { host: v.host, action: v.action, confirmTimeout: v.confirmTimeout, elevation: v.elevation as Elevation, profile: v.profile };
  if (v.kind === 'generation') {
    if (!isGenerationNumber(v.generation) || v.generation > 999_999) throw new RemoteRequestError('"generation" must be a generation number');
    return { kind: 'generation', ...common, generation: v.generation };
  }
  if (v.kind === 'deploy') {
    if (typeof v.flakeDir !== 'string' || v.flakeDir === '' || /[#\0\n]/.test(v.flakeDir)) throw new RemoteRequestError('"flakeDir" must be a flake folder');
    if (v.buildHost !== null && (typeof v.buildHost !== 'string' || !isBuildHost(v.buildHost))) throw new RemoteRequestError('"buildHost" must be an ssh destination or null');
    const executable = words(v.executable, 'executable');
    if (executable.length === 0 || executable[0] === '') throw new RemoteRequestError('"executable" must name nixos-rebuild');
    return { kind: 'deploy', ...common, flakeDir: v.flakeDir, buildHost: v.buildHost, executable, extraFlags: words(v.extraFlags, 'extraFlags') };
  }
  throw new RemoteRequestError('"kind" must be deploy or generation');
}

export function parseRemoteRequest(json: string): RemoteRequest {
  return validateRemoteRequest(requestJson(json, RemoteRequestError));
}

/** The build: `nixos-rebuild build --flake F#h [--build-host B] …flags --log-format internal-json -v`; the result link lands in the cwd. */
export function buildArgv(request: DeployRequest): string[] {
  return [
    ...request.executable,
    'build',
    '--flake',
    `${request.flakeDir}#${request.host}`,
    ...(request.buildHost !== null ? ['--build-host', request.buildHost] : []),
    ...request.extraFlags,
    '--log-format',
    'internal-json',
    '-v',
  ];
}

/** The copy of the closure: `nix copy --to URI PATH`. */
export function copyArgv(storeUri: string, toplevel: string): string[] {
  return ['nix', '--extra-experimental-features', 'nix-command', 'copy', '--to', storeUri, toplevel];
}

/** What the host supervisor is given: TARGET PROFILE ACTION TIMEOUT TOKEN ELEVATION. */
export function supervisorArgs(target: string | number, request: Common, token: string): string[] {
  return [String(target), request.profile, request.action, String(request.confirmTimeout), token, request.elevation];
}

/** `sh -c SCRIPT activate.sh MODE ARGS…`: the argv run on the host (quoted by the executor). */
export function hostScriptArgv(script: string, mode: 'start' | 'read' | 'ack', args: readonly string[]): string[] {
  return ['sh', '-c', script, 'activate.sh', mode, ...args];
}

export function isToken(token: string): boolean {
  return /^[A-Za-z0-9]{8,64}$/.test(token);
}

export type HostResultStatus = 'succeeded' | 'partial' | 'failed' | 'rolled-back' | 'rollback-failed';

export interface HostResult {
  status: HostResultStatus;
  code: number;
  message: string;
}

export type HostState =
  | { kind: 'missing' }
  | { kind: 'state'; size: number; alive: boolean; result: HostResult | null; log: string }
  | { kind: 'bad'; problem: string };

const STATUSES: readonly HostResultStatus[] = ['succeeded', 'partial', 'failed', 'rolled-back', 'rollback-failed'];

/** What `activate.sh read TOKEN OFFSET` printed. */
export function parseHostState(text: string): HostState {
  const headerEnd = text.indexOf('\n');
  if (headerEnd < 0 || text.slice(0, headerEnd) !== 'nixdeck-deploy-state 1') {
    return { kind: 'bad', problem: `the host's supervisor answered something else: ${JSON.stringify(text.slice(0, 80))}` };
  }
  const rest = text.slice(headerEnd + 1);
  if (rest === 'missing' || rest.startsWith('missing\n')) return { kind: 'missing' };
  const split = rest.indexOf('--\n');
  if (split < 0) return { kind: 'bad', problem: 'the state has no end marker' };
  let size = -1;
  let alive = false;
  const fields: Record<string, string> = {};
  for (const line of rest.slice(0, split).split('\n')) {
    if (line.startsWith('size ')) size = Number(line.slice(5));
    else if (line === 'alive 1') alive = true;
    else if (line.startsWith('result ')) {
      const eq = line.indexOf('=');
      if (eq > 0) fields[line.slice(7, eq)] = line.slice(eq + 1);
    }
  }
  if (!Number.isInteger(size) || size < 0) return { kind: 'bad', problem: 'the state has no log size' };
  const status = fields.status as HostResultStatus | undefined;
  const result: HostResult | null =
    status !== undefined && STATUSES.includes(status) ? { status, code: Number(fields.code ?? '1') || 0, message: fields.message ?? '' } : null;
  // the log, then "." and a newline (which a transport may have trimmed)
  const body = rest.slice(split + 3).replace(/\n$/, '');
  if (!body.endsWith('.')) return { kind: 'bad', problem: 'the state was cut off' };
  return { kind: 'state', size, alive, result, log: body.slice(0, -1) };
}

/** The phase the host supervisor's log line starts (`nixdeck-host: phase confirm 30`), with the timeout. */
export function hostPhaseOf(line: string): { phase: 'activate' } | { phase: 'confirm'; timeout: number } | null {
  if (line === 'nixdeck-host: phase activate') return { phase: 'activate' };
  const m = /^nixdeck-host: phase confirm (\d+)$/.exec(line);
  return m ? { phase: 'confirm', timeout: Number(m[1]) } : null;
}

/** `confirming: 25 s left` (and why it is not confirmed yet). */
export function countdownLine(secondsLeft: number, why: string | null): string {
  return `nixdeck: confirming: ${Math.max(0, Math.ceil(secondsLeft))} s left${why ? ` (${why})` : ''}`;
}

export interface Outcome {
  exitCode: number;
  /** the last line: `nixdeck: …` on success, `error: …` on failure */
  line: string;
}

/** The run's end from the host's result and what could not be reached (the fresh connection's last error). */
export function outcomeOf(host: string, result: HostResult, unreachable: string | null): Outcome {
  switch (result.status) {
    case 'succeeded':
      return { exitCode: 0, line: `nixdeck: ${host}: ${result.message}` };
    case 'partial':
      return { exitCode: 4, line: `nixdeck: ${host}: activated, but some units failed (switch-to-configuration exit 4)` };
    case 'rolled-back':
      return {
        exitCode: 1,
        line: `error: ${host} rolled back: ${result.message}${unreachable ? `; a new SSH connection to ${host} failed: ${unreachable}` : ''}`,
      };
    case 'rollback-failed':
      return { exitCode: 1, line: `error: ${host}: ${result.message}${unreachable ? `; a new SSH connection to ${host} failed: ${unreachable}` : ''}` };
    default:
      return { exitCode: result.code !== 0 && result.code !== 4 ? result.code : 1, line: `error: ${host}: ${result.message}` };
  }
}

/** A store path the build printed or linked, or null. */
export function builtToplevel(path: string): string | null {
  const p = path.trim();
  return isStorePath(p) ? p : null;
}
