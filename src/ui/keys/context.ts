import type { RebuildAction } from '../../core/rebuildCommand.js';
import type { GenerationList, Host } from '../../core/types.js';
import { type AppState, type Loadable, selectedHostOf, selectedRunPane, selectedRunView } from '../../state/appState.js';
import { generationChangeRefusal, type RemoteAbilities, runRefusal } from '../../state/hostRules.js';
import { markedHostsOf } from '../../state/marksSlice.js';
import { commitRefusal } from '../../state/revisionsSlice.js';

/** What the bindings' rules and hints look at: taken from the state when a key arrives. */
export interface KeyContext {
  /** this machine's host name */
  hostname: string;
  host: Host | undefined;
  runsAvailable: boolean;
  genOpsAvailable: boolean;
  /** the Fleet view has a fleet-status service */
  fleetAvailable: boolean;
  /** the selected host's generations, as the generations pane has them */
  generations: Loadable<GenerationList> | undefined;
  /** a generation is under the cursor of the generations pane */
  generationSelected: boolean;
  flakeError: boolean;
  /** the selected run pane's run is going (undefined without one) */
  runGoing: boolean | undefined;
  openRuns: number;
  /** the selected run pane has a search */
  searching: boolean;
  /** what the services can do to other hosts */
  remote: RemoteAbilities;
  /** how many hosts are marked: s, B and t act on them */
  markedHosts: number;
  /** why `c` cannot show the selected generation's commit (no repository, no revision, not in it), else null */
  commitRefusal: string | null;
  /** a repository service was given */
  repoAvailable: boolean;
  /** the flake folder is in a git repository; undefined before the first read */
  gitRepository: boolean | undefined;
  /** an update of flake.lock ended in this session: U shows what it changed */
  inputsUpdated: boolean;
}

export function keyContext(state: AppState): KeyContext {
  const host = selectedHostOf(state);
  const pane = state.panes.generations;
  const view = selectedRunView(state);
  return {
    hostname: state.hostname,
    host,
    runsAvailable: state.runs.available,
    genOpsAvailable: state.genOpsAvailable,
    fleetAvailable: state.fleet.available,
    generations: host ? state.generations[host.name] : undefined,
    generationSelected: pane.hits[pane.cursor] !== undefined,
    flakeError: state.flakeEval.status === 'error',
    runGoing: view ? view.phase === 'running' : undefined,
    openRuns: state.runs.open.length,
    searching: Boolean(selectedRunPane(state)?.search),
    remote: state.remote,
    markedHosts: markedHostsOf(state).length,
    commitRefusal: commitRefusal(state, state.repoAvailable),
    repoAvailable: state.repoAvailable,
    gitRepository: state.git.value === undefined ? undefined : state.git.value !== null,
    inputsUpdated: (state.inputs.update?.outcome ?? null) !== null,
  };
}

/** The rule of a run key: a host, the runs service, and (to activate) this machine. */
export const runRule =
  (action: RebuildAction) =>
  (ctx: KeyContext): string | null => {
    if (!ctx.runsAvailable) return 'rebuild runs are not available in this console';
    // with hosts marked, s, B and t ask about the marked hosts (each is checked then)
    if (ctx.markedHosts > 0 && (action === 'switch' || action === 'boot' || action === 'test')) return null;
    if (!ctx.host) return 'no host selected';
    return runRefusal(ctx.host, action, ctx.hostname, ctx.remote);
  };

interface GenerationNeeds {
  /** the generation operations service (not for pins: they are preferences) */
  ops: boolean;
  /** a generation under the cursor */
  selected: boolean;
  /** switches to or deletes generations: this machine only */
  change: boolean;
}

/** The rule of a generation key: the pane shows a list of the selected host, and what else the key needs. */
export const generationRule =
  (needs: GenerationNeeds) =>
  (ctx: KeyContext): string | null => {
    if (needs.ops && !ctx.genOpsAvailable) return 'changing generations is not available in this console';
    const host = ctx.host;
    if (!host) return 'no host selected';
    const list = ctx.generations;
    if (list?.status === 'error') return list.error;
    if (list?.status !== 'ok') return `the generations of ${host.name} are still being read`;
    if (needs.selected && !ctx.generationSelected) return `no generation of ${host.name} selected`;
    return needs.change ? generationChangeRefusal(host, ctx.hostname, ctx.remote) : null;
  };
