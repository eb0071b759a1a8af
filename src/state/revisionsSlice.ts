// Which commit built each generation: once a host's list is shown, its revisions are looked up in
// the flake's repository (one lookup per list) and filled in; the list never waits for them.
import { carriedRevision, matchRevisions, shortHash } from '../core/generationRevision.js';
import type { RevisionMatch } from '../core/repo.js';
import type { Generation } from '../core/types.js';
import { type AppState, selectedHostOf } from './appState.js';
import { NO_REPOSITORY } from './gitStateSlice.js';
import type { SliceContext } from './slice.js';
import type { TextViewSlice } from './textView.js';

/** Per host name, per generation number: its revision and the commit it names. */
export type RevisionsState = Record<string, Record<number, RevisionMatch>>;

/** The generation under the cursor of the generations pane, with its host's name. */
function selectedGeneration(state: AppState): { host: string; generation: Generation } | null {
  const host = selectedHostOf(state);
  const pane = state.panes.generations;
  const generation = state.generations[host?.name ?? '']?.status === 'ok' ? pane.hits[pane.cursor]?.item : undefined;
  return host && generation ? { host: host.name, generation } : null;
}

/** The hint for a generation without a revision: how a flake gives its generations one. */
export const SET_REVISION_HINT = 'set system.configurationRevision = self.rev or self.dirtyRev in the flake';

/**
 * Why `c` cannot show the selected generation's commit, or null when it can. A revision not
 * matched yet is shown anyway: git says whether it has it.
 */
export function commitRefusal(state: AppState, repoAvailable: boolean): string | null {
  if (!repoAvailable) return NO_REPOSITORY;
  if (state.git.value === null) return `${state.flakeDir} is not in a git repository`;
  const selected = selectedGeneration(state);
  if (!selected) return null;
  const { host, generation } = selected;
  const carried = carriedRevision(generation);
  const name = `generation ${generation.generation} of ${host}`;
  if (!carried) return `${name} carries no configuration revision: ${SET_REVISION_HINT}`;
  if (!carried.hash) return `${name} carries "${carried.revision}", which is not a git revision`;
  const match = state.revisions[host]?.[generation.generation];
  if (match && !match.commit) return `${shortHash(carried.hash)} (${name}) is not in this repository`;
  return null;
}

export class RevisionsSlice {
  /** per host: which lookup is the latest (a late answer for an older list is dropped) */
  private readonly seq = new Map<string, number>();

  constructor(
    private readonly ctx: SliceContext,
    /** where a commit is shown */
    private readonly text: Pick<TextViewSlice, 'show'>,
  ) {}

  /** A host's list is shown: look its revisions up and fill them in. Without a repository nothing happens. */
  async load(host: string, list: readonly Generation[]): Promise<void> {
    const repo = this.ctx.services.repo;
    if (!repo) return;
    const seq = (this.seq.get(host) ?? 0) + 1;
    this.seq.set(host, seq);
    let matches: Record<number, RevisionMatch>;
    try {
      matches = await matchRevisions(list, repo);
    } catch {
      // a failed lookup says nothing about the commits: the detail line keeps the bare revision
      return;
    }
    if (this.ctx.disposed() || this.seq.get(host) !== seq) return;
    this.ctx.store.update((s) => ({ ...s, revisions: { ...s.revisions, [host]: matches } }));
  }

  /** `c`: `git show --stat` of the selected generation's commit in the text view. */
  showSelected(): void {
    const state = this.ctx.store.get();
    const repo = this.ctx.services.repo;
    const selected = selectedGeneration(state);
    if (!repo || !selected) return;
    const carried = carriedRevision(selected.generation);
    if (!carried?.hash) return;
    const hash = carried.hash;
    const dirty = carried.dirty ? ', built from uncommitted changes on top of it' : '';
    this.text.show(`commit ${shortHash(hash)} (${selected.host} generation ${selected.generation.generation}${dirty})`, () => repo.showCommit(hash));
  }
}
