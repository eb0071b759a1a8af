// The console's services, each loaded on first use (lazy.ts) so that the first frame does not
// wait for them: the runs service, and the generation operations (nix on this machine, or the
// demo's stand-ins).
import { DEFAULT_CONFIRM_TIMEOUT, DEFAULT_PROFILE, isBuildHost } from '../core/deployPlan.js';
import { notReachableYet } from '../core/hosts.js';
import type { Prefs } from '../core/prefsSchema.js';
import type { GenerationOps } from '../core/generationService.js';
import type { RunsService } from '../core/runsService.js';
import type { Environment } from '../system/context.js';
import { HostPasswords } from './hostPasswords.js';
import { lazy } from './lazy.js';
import { profileOf } from './profile.js';
import type { RemoteDeploys } from './runs.js';

/**
 * What deploying and changing other hosts needs, shared by the runs and the generation
 * operations: one password per host, asked once. Null without SSH in this environment.
 */
export function consoleRemote(env: Environment, prefs: Pick<Prefs, 'confirmTimeout' | 'hosts'>): RemoteDeploys | null {
  const remoteHost = env.remoteHost;
  if (!remoteHost) return null;
  return {
    passwords: new HostPasswords((name) => remoteHost(name)),
    plan(host) {
      const buildHost = prefs.hosts?.[host]?.buildHost;
      // the demo's setup says how long its hosts wait
      return {
        buildHost: buildHost !== undefined && isBuildHost(buildHost) ? buildHost : null,
        confirmTimeout: env.rebuild.confirmTimeout ?? prefs.confirmTimeout ?? DEFAULT_CONFIRM_TIMEOUT,
      };
    },
  };
}

/** Closing the runs service stops following logs; the runs go on. */
export function lazyRuns(env: Environment, remote: RemoteDeploys | null = null): RunsService & { close(): void } {
  const service = lazy(() => import('./runs.js').then((m) => m.createRunsService(env.rebuild, Date.now, remote ?? undefined)));
  let closed = false;
  return {
    ...(env.rebuild.ephemeral ? { endsWithConsole: true } : {}),
    ...(remote ? { remoteDeploys: true, check: service.method('check'), checkPassword: (host: string, password: string) => remote.passwords.check(host, password) } : {}),
    needsPassword: service.method('needsPassword'),
    start: service.method('start'),
    cancel: service.method('cancel'),
    recent: service.method('recent'),
    adopt: service.method('adopt'),
    watch(id, onUpdate) {
      let stop: (() => void) | null = null;
      void service.get().then((s) => {
        if (!closed) stop = s.watch(id, onUpdate);
      });
      return () => stop?.();
    },
    close() {
      closed = true;
      void service.started()?.then((s) => s.close());
    },
  };
}

export function lazyGenerations(env: Environment, demo: boolean, remote: RemoteDeploys | null = null): GenerationOps {
  const service = lazy(() => import('./generationOps.js').then((m) => (demo ? m.createDemoGenerationOps(env) : m.createGenerationOps(env))));
  if (!demo && remote && env.remoteHost) return routedGenerations(env, remote, service.get, env.remoteHost);
  return {
    // answered here, without loading anything: the same words as the generations pane
    refusal: (host) => (demo || host.local ? null : notReachableYet(host.name, env.hostname)),
    profile: (host) => profileOf(env, host, demo),
    runningSystem: service.method('runningSystem'),
    diff: service.method('diff'),
    closureSizes: service.method('closureSizes'),
    estimateFreed: service.method('estimateFreed'),
    needsPassword: service.method('needsPassword'),
    activate: service.method('activate'),
    deleteGenerations: service.method('deleteGenerations'),
  };
}

/**
 * The generation operations of every host: this machine's, or (another host) the remote
 * operations over that host's connection, made once per host. A remote host's sudo password is
 * the one asked once for it (HostPasswords).
 */
function routedGenerations(env: Environment, remote: RemoteDeploys, local: () => Promise<GenerationOps>, remoteHost: NonNullable<Environment['remoteHost']>): GenerationOps {
  const hosts = new Map<string, Promise<GenerationOps>>();
  const isLocal = (host: string): boolean => host === env.hostname;
  const opsFor = (host: string): Promise<GenerationOps> => {
    if (isLocal(host)) return local();
    let ops = hosts.get(host);
    if (!ops) {
      ops = Promise.all([import('./generationOps.js'), remoteHost(host)]).then(([m, r]) =>
        m.createRemoteGenerationOps(env, { host, executor: r.executor, confirmTimeout: remote.plan(host).confirmTimeout }),
      );
      hosts.set(host, ops);
    }
    return ops;
  };
  const password = (host: string, given: string | undefined): string | undefined => given ?? (isLocal(host) ? undefined : remote.passwords.get(host));
  return {
    remoteChanges: true,
    checkPassword: (host, given) => remote.passwords.check(host, given),
    refusal: () => null,
    profile: (host) => (isLocal(host) ? profileOf(env, host, false) : DEFAULT_PROFILE),
    runningSystem: async (host) => (await opsFor(host)).runningSystem(host),
    diff: async (host, from, to) => (await opsFor(host)).diff(host, from, to),
    closureSizes: async (host, paths) => (await opsFor(host)).closureSizes(host, paths),
    estimateFreed: async (host, deleted, kept) => (await opsFor(host)).estimateFreed(host, deleted, kept),
    async needsPassword(host, op) {
      if (!isLocal(host) && remote.passwords.get(host) !== undefined) return false;
      return (await opsFor(host)).needsPassword(host, op);
    },
    async activate(request) {
      const given = password(request.host, request.password);
      return (await opsFor(request.host)).activate({ ...request, ...(given !== undefined ? { password: given } : {}) });
    },
    async deleteGenerations(request) {
      const given = password(request.host, request.password);
      return (await opsFor(request.host)).deleteGenerations({ ...request, ...(given !== undefined ? { password: given } : {}) });
    },
  };
}
