// The console's services, each loaded on first use (lazy.ts) so that the first frame does not
// wait for them: the runs service, and the generation operations (nix on this machine, or the
// demo's stand-ins).
import { notReachableYet } from '../core/hosts.js';
import type { GenerationOps } from '../state/generations.js';
import type { RunsService } from '../state/runs.js';
import type { Environment } from '../system/context.js';
import { lazy } from './lazy.js';
import { profileOf } from './profile.js';

/** Closing the runs service stops following logs; the runs go on. */
export function lazyRuns(env: Environment): RunsService & { close(): void } {
  const service = lazy(() => import('./runs.js').then((m) => m.createRunsService(env.rebuild)));
  let closed = false;
  return {
    ...(env.rebuild.ephemeral ? { endsWithConsole: true } : {}),
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

export function lazyGenerations(env: Environment, demo: boolean): GenerationOps {
  const service = lazy(() => import('./generationOps.js').then((m) => (demo ? m.createDemoGenerationOps(env) : m.createGenerationOps(env))));
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
