// The repository service loaded on first use: the console's first frame does not wait for git's
// modules (execa) to load.
import type { RepoService } from '../core/repo.js';
import { lazy } from './lazy.js';
import type { RepoServiceOptions } from './repoService.js';
import type { FlakeUpdater, FlakeUpdateSetup } from '../system/flakeUpdate.js';

export function lazyRepoService(options: RepoServiceOptions): RepoService {
  return repoServiceOnFirstUse(() => import('./repoService.js').then((m) => m.createRepoService(options)));
}

/** A repository service made by `load` when one of its methods is first called. */
export function repoServiceOnFirstUse(load: () => Promise<RepoService>): RepoService {
  const service = lazy(load);
  return {
    readInputs: service.method('readInputs'),
    gitState: service.method('gitState'),
    gitProblem: service.method('gitProblem'),
    changesText: service.method('changesText'),
    showCommit: service.method('showCommit'),
    log: service.method('log'),
    lookupCommits: service.method('lookupCommits'),
    deployedTags: service.method('deployedTags'),
    commit: service.method('commit'),
    tagDeployed: service.method('tagDeployed'),
    startUpdate: service.method('startUpdate'),
    updateOutcome: service.method('updateOutcome'),
    revertUpdate: service.method('revertUpdate'),
  };
}

/** The real flake update (runs under the supervisor), loaded with the first update. */
export function lazyFlakeUpdater(setup: FlakeUpdateSetup): FlakeUpdater {
  const updater = lazy(() => import('../system/flakeUpdate.js').then((m) => m.flakeUpdater(setup)));
  return { start: updater.method('start'), outcome: updater.method('outcome'), revert: updater.method('revert') };
}
