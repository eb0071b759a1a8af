// After a deploy or switch that succeeded (a remote one once the host confirmed): commit the
// repository's changes (ask with the message editable, at once, or not: the autoCommit
// preference), then move each host's deployed/<host> tag to the commit it now runs, when that is
// known (core/deployTag.ts). A marked group is handled once, when all of its hosts are done.
// Nothing is ever pushed.
import { renderCommitMessage } from '../core/commitMessage.js';
import { cleanRevision, decideDeployedTag, deployedTagName, type TagDecision, type TreeAtStart } from '../core/deployTag.js';
import type { RebuildAction } from '../core/rebuildCommand.js';
import type { GitState, RepoService } from '../core/repo.js';
import type { RunView } from '../core/runsService.js';
import type { GenerationList } from '../core/types.js';
import type { AppState, Loadable } from './appState.js';
import type { GroupState } from './group.js';
import { messageOf, setState, type SliceContext } from './slice.js';

type DeployAction = Extract<RebuildAction, 'switch' | 'boot' | 'test'>;

const DEPLOY_ACTIONS: readonly string[] = ['switch', 'boot', 'test'];
/** the actions after which a host runs the new system (boot only makes it the default) */
const RUNS_IT: readonly string[] = ['switch', 'test'];
/** how long the host's generations may take to be read again after its run, before the tag decision goes without them */
export const LIST_WAIT_MS = 30_000;

export interface CommitSliceDeps {
  /** hear of every watched run that ends */
  onRunEnded(listener: (view: RunView) => void): () => void;
  /** a read-only text over the body (a failed hook's output) */
  showLines(title: string, lines: string[]): void;
  /** the git state as of now, the one the header shows (null: not readable, or not a repository) */
  currentGit(): Promise<GitState | null>;
  /** the deployed/<host> tags moved: the Fleet view reads them again */
  tagsMoved?(): void;
  /** a commit was made: the header's git state is read again */
  committed?(): void;
  /** default LIST_WAIT_MS */
  listWaitMs?: number;
}

/** One deploy to answer for: a single run, or every run of a marked group. */
interface Deploy {
  action: DeployAction;
  /** the runs that succeeded */
  views: RunView[];
  /** the host's generations as shown when its run ended: a fresher list is waited for */
  listsAtEnd: Map<string, Loadable<GenerationList> | undefined>;
}

/** What the commit question was answered with: the message to commit, or null for no commit. */
type Answer = string | null;

export function isDeployAction(action: string): action is DeployAction {
  return DEPLOY_ACTIONS.includes(action);
}

export class CommitSlice {
  /** per run: the working tree as read when it was started */
  private readonly atStart = new Map<string, Promise<TreeAtStart | null>>();
  /** per run: the host's list when the run ended */
  private readonly listAtEnd = new Map<string, Loadable<GenerationList> | undefined>();
  /** runs already answered for (a group's, once the group was done) */
  private readonly handled = new Set<string>();
  /** deploys are answered one after the other: each reads the tree the one before left */
  private chain: Promise<void> = Promise.resolve();
  private answer: ((answer: Answer) => void) | null = null;
  private readonly unsubscribes: (() => void)[] = [];
  private groupWatch: (() => void) | null = null;

  constructor(
    private readonly ctx: SliceContext,
    private readonly deps: CommitSliceDeps,
  ) {
    this.unsubscribes.push(deps.onRunEnded((view) => this.runEnded(view)));
    // the question can be closed from outside (another dialog's key): that is a no
    this.unsubscribes.push(
      ctx.store.subscribe(() => {
        if (this.answer !== null && this.state.dialog?.kind !== 'commit') this.settle(null);
      }),
    );
  }

  private get state(): AppState {
    return this.ctx.store.get();
  }

  private get repo(): RepoService | undefined {
    return this.ctx.services.repo;
  }

  /**
   * A run is being started: read the working tree now (without waiting for it) so that its end
   * knows whether it was built from a clean tree. Returns what binds the read to the run's id.
   */
  noteTreeAtStart(action: string): (runId: string) => void {
    const repo = this.repo;
    if (!repo || !isDeployAction(action)) return () => {};
    const read = repo
      .gitState()
      .then((git): TreeAtStart | null => (git === null ? null : { head: git.head, dirty: git.changed.length > 0 }))
      .catch(() => null);
    return (runId) => {
      this.atStart.set(runId, read);
    };
  }

  private runEnded(view: RunView): void {
    if (!this.repo || this.ctx.disposed() || !isDeployAction(view.action) || this.handled.has(view.id)) return;
    // a switch to a generation already built deploys nothing of the repository
    if (view.generation !== undefined) return;
    this.listAtEnd.set(view.id, this.state.generations[view.host]);
    const group = this.state.group;
    if (group?.hosts.some((h) => h.runId === view.id)) {
      this.checkGroup();
      return;
    }
    this.handled.add(view.id);
    if (view.phase === 'succeeded') this.enqueue(this.deployOf(view.action, [view]));
    else this.forget(view.id);
  }

  private forget(runId: string): void {
    this.atStart.delete(runId);
    this.listAtEnd.delete(runId);
  }

  private deployOf(action: DeployAction, views: RunView[]): Deploy {
    const listsAtEnd = new Map<string, Loadable<GenerationList> | undefined>();
    for (const v of views) listsAtEnd.set(v.host, this.listAtEnd.get(v.id));
    return { action, views, listsAtEnd };
  }

  /** The marked group, once every host of it is done (started and ended, or not started): its succeeded runs. */
  private checkGroup(): void {
    const group = this.state.group;
    if (!group || !isDeployAction(group.action)) return this.stopGroupWatch();
    const ids = group.hosts.map((h) => h.runId).filter((id): id is string => id !== null);
    if (ids.length === 0 || ids.every((id) => this.handled.has(id))) return this.stopGroupWatch();
    if (!groupDone(group, this.state.runs.views)) {
      // the last host may end by not starting at all: watch the group, not only its runs
      if (this.groupWatch === null) this.groupWatch = this.ctx.store.subscribe(() => this.checkGroup());
      return;
    }
    this.stopGroupWatch();
    for (const id of ids) this.handled.add(id);
    const views = ids.map((id) => this.state.runs.views[id]).filter((v): v is RunView => v !== undefined && v.phase === 'succeeded' && v.generation === undefined);
    for (const id of ids) if (!views.some((v) => v.id === id)) this.forget(id);
    if (views.length > 0) this.enqueue(this.deployOf(group.action, views));
  }

  private stopGroupWatch(): void {
    this.groupWatch?.();
    this.groupWatch = null;
  }

  private enqueue(deploy: Deploy): void {
    this.chain = this.chain.then(() => this.answerFor(deploy)).catch((error: unknown) => this.notify('error', `after the ${deploy.action}: ${messageOf(error)}`));
  }

  private notify(kind: 'info' | 'warn' | 'error', text: string): void {
    if (!this.ctx.disposed()) setState(this.ctx.store, { notice: { kind, text } });
  }

  /** Commit (as the preference says), then the tags; one status-bar line says what was done. */
  private async answerFor(deploy: Deploy): Promise<void> {
    const repo = this.repo;
    if (!repo || this.ctx.disposed()) return;
    const hosts = deploy.views.map((v) => v.host);
    const [git, lists] = await Promise.all([
      this.deps.currentGit(),
      Promise.all(hosts.map((h) => this.freshList(h, deploy.listsAtEnd.get(h)))),
    ]);
    if (this.ctx.disposed()) return;
    const said: string[] = [];
    let committed: string | null = null;
    const files = git?.changed.map((f) => f.path) ?? [];
    const mode = this.state.prefs.autoCommit;
    if (git !== null && files.length > 0 && mode !== 'off') {
      const first = lists[0] ?? null;
      const generation = hosts.length === 1 && first !== null ? newGeneration(first, deploy.action) : null;
      const remote = hosts.every((h) => this.state.hosts.find((x) => x.name === h)?.local === false);
      const action = deploy.action === 'switch' && remote ? 'deploy' : deploy.action;
      const message = renderCommitMessage(this.state.prefs.commitTemplate, { hosts, action, generation, files });
      const chosen = mode === 'always' ? message : await this.ask(hosts, deploy.action, message, files);
      if (this.ctx.disposed()) return;
      if (chosen === null) said.push(`not committed: the ${changedWords(files.length)} stay${files.length === 1 ? 's' : ''} in the working tree`);
      else {
        const result = await repo.commit(chosen).catch((error: unknown) => ({ ok: false as const, error: messageOf(error) }));
        if (this.ctx.disposed()) return;
        if (!result.ok) {
          this.deps.showLines('git commit failed', result.error.split('\n'));
          said.push(`commit failed, nothing was lost: the ${changedWords(files.length)} stay${files.length === 1 ? 's' : ''} in the working tree (Esc closes git's output)`);
          return this.notify('error', [...said, ...(await this.moveTags(deploy, lists, null))].join(' · '));
        }
        committed = result.value.hash;
        this.deps.committed?.();
        said.push(`committed ${committed.slice(0, 7)} "${chosen}"`);
      }
    }
    // not a git repository (or git is missing): there is nothing to tag
    if (git !== null) said.push(...(await this.moveTags(deploy, lists, committed)));
    else for (const v of deploy.views) this.forget(v.id);
    if (said.length > 0) this.notify('info', said.join(' · '));
  }

  /** deployed/<host> for each host that runs the new system, when its commit is known; the words for each. */
  private async moveTags(deploy: Deploy, lists: (GenerationList | null)[], committed: string | null): Promise<string[]> {
    const repo = this.repo;
    if (!repo || !RUNS_IT.includes(deploy.action)) return [];
    const revisions = deploy.views.map((_v, i) => runningRevision(lists[i] ?? null));
    const known = revisions.filter((r): r is string => cleanRevision(r) !== null);
    const commits = known.length > 0 ? await repo.lookupCommits(known).catch(() => ({}) as Record<string, null>) : {};
    const words: string[] = [];
    let moved = false;
    for (const [i, view] of deploy.views.entries()) {
      const revision = revisions[i] ?? null;
      const atStart = (await this.atStart.get(view.id)) ?? null;
      this.forget(view.id);
      const decision: TagDecision = decideDeployedTag({
        host: view.host,
        revision,
        revisionCommit: revision === null ? null : (commits[revision]?.hash ?? null),
        atStart,
        committed,
      });
      if (!decision.tag) {
        words.push(`no ${deployedTagName(view.host)} tag: ${decision.reason}`);
        continue;
      }
      const tagged = await repo.tagDeployed(view.host, decision.hash).catch((error: unknown) => ({ ok: false as const, error: messageOf(error) }));
      if (tagged.ok) {
        moved = true;
        words.push(`${deployedTagName(view.host)} → ${decision.hash.slice(0, 7)}`);
      } else words.push(`${deployedTagName(view.host)} not moved: ${tagged.error}`);
    }
    if (moved) this.deps.tagsMoved?.();
    return words;
  }

  /** The host's generations read after its run ended (the run's end reads them again), or null when they do not come in time. */
  private freshList(host: string, atEnd: Loadable<GenerationList> | undefined): Promise<GenerationList | null> {
    const fresh = (): GenerationList | null | undefined => {
      const now = this.state.generations[host];
      if (now === undefined || now === atEnd || now.status === 'loading') return undefined;
      return now.status === 'ok' ? now.value : null;
    };
    const found = fresh();
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve) => {
      const done = (list: GenerationList | null): void => {
        clearTimeout(timer);
        unsubscribe();
        resolve(list);
      };
      const timer = setTimeout(() => done(null), this.deps.listWaitMs ?? LIST_WAIT_MS);
      timer.unref?.();
      const unsubscribe = this.ctx.store.subscribe(() => {
        const list = fresh();
        if (list !== undefined || this.ctx.disposed()) done(list ?? null);
      });
    });
  }

  // ---- the question -------------------------------------------------------------------------------

  /** Open the question once no other question has the keyboard; resolves with the answer. */
  private ask(hosts: string[], action: DeployAction, message: string, files: string[]): Promise<Answer> {
    return new Promise((resolve) => {
      const open = (): boolean => {
        if (this.state.dialog !== null) return false;
        this.answer = resolve;
        setState(this.ctx.store, { dialog: { kind: 'commit', hosts, action, message, files }, overlay: 'none' });
        return true;
      };
      if (open()) return;
      const unsubscribe = this.ctx.store.subscribe(() => {
        if (this.ctx.disposed()) {
          unsubscribe();
          resolve(null);
        } else if (this.answer === null && open()) unsubscribe();
      });
    });
  }

  private settle(answer: Answer): void {
    const resolve = this.answer;
    this.answer = null;
    resolve?.(answer);
  }

  private edit(change: (message: string) => string): void {
    const dialog = this.state.dialog;
    if (dialog?.kind !== 'commit') return;
    const message = change(dialog.message);
    if (message !== dialog.message) setState(this.ctx.store, { dialog: { ...dialog, message } });
  }

  /** A character typed into the message (pasted text arrives as one string: it stays on one line). */
  type(text: string): void {
    this.edit((m) => m + text.replace(/[\u0000-\u001f\u007f]+/g, ' '));
  }

  erase(): void {
    this.edit((m) => [...m].slice(0, -1).join(''));
  }

  /** Ctrl-U: the whole message goes. */
  clear(): void {
    this.edit(() => '');
  }

  /** Enter: commit with the message as edited (an empty one is refused, the question stays). */
  submit(): void {
    const dialog = this.state.dialog;
    if (dialog?.kind !== 'commit') return;
    const message = dialog.message.trim();
    if (message === '') return this.notify('warn', 'the commit message is empty: type one, or Esc to leave the changes uncommitted');
    const resolve = this.answer;
    this.answer = null;
    setState(this.ctx.store, { dialog: null, notice: { kind: 'info', text: 'committing…' } });
    resolve?.(message);
  }

  /** Esc: no commit; the changes stay. */
  decline(): void {
    if (this.state.dialog?.kind !== 'commit') return;
    const resolve = this.answer;
    this.answer = null;
    setState(this.ctx.store, { dialog: null });
    resolve?.(null);
  }

  dispose(): void {
    for (const unsubscribe of this.unsubscribes.splice(0)) unsubscribe();
    this.stopGroupWatch();
    this.settle(null);
  }
}

function changedWords(n: number): string {
  return n === 1 ? 'changed file' : `${n} changed files`;
}

/** Every host of the group was started and its run ended, or was not started. */
function groupDone(group: GroupState, views: AppState['runs']['views']): boolean {
  return group.hosts.every((h) => h.state === 'not started' || (h.state === 'started' && h.runId !== null && views[h.runId] !== undefined && views[h.runId]?.phase !== 'running'));
}

/** The generation a switch or boot made the default, or that a test runs; null when not in the profile. */
function newGeneration(list: GenerationList, action: DeployAction): number | null {
  const g = action === 'test' ? list.generations.find((x) => x.running) : list.generations.find((x) => x.current);
  return g?.generation ?? null;
}

/** configurationRevision of the system the host runs, when it carries one. */
function runningRevision(list: GenerationList | null): string | null {
  const g = list?.generations.find((x) => x.running);
  const rev = g?.configurationRevision.trim() ?? '';
  return rev === '' || rev === 'Unknown' ? null : rev;
}
