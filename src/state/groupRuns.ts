// Deploying the marked hosts together: every host is reached first (one question names those
// that answer and those that do not), sudo passwords are asked once per host, then one run per
// host starts, at most `parallel` at once; a queued host starts when a run ends.
import { isActivating } from '../core/rebuildCommand.js';
import { redact } from '../core/redact.js';
import { type AppState, runningViews } from './appState.js';
import type { GroupAction, GroupHost, GroupState } from './group.js';
import { runRefusal } from './hostRules.js';
import type { MarksSlice } from './marksSlice.js';
import { markedHostsOf } from './marksSlice.js';
import type { RunCheck, RunView } from '../core/runsService.js';
import { messageOf, notify, setState, type SliceContext } from './slice.js';

export interface GroupRunsDeps {
  marks: MarksSlice;
  /** open a run pane (not focused) and follow the run */
  openRun(id: string): void;
  /** a notice about a run, replaced by its outcome */
  notifyRun(id: string, kind: 'info' | 'warn' | 'error', text: string): void;
  /** read the host's generations again once the run has ended */
  refreshWhenDone(runId: string, host: string): void;
  /** a run is being started: the working tree is read now (not waited for); the result binds the read to the run */
  noteTreeAtStart?(action: string): (runId: string) => void;
}

interface Pending {
  action: GroupAction;
  /** the hosts came from the marks (cleared once they start) */
  fromMarks: boolean;
  /** hosts that answered: whether each needs a password typed in */
  ready: { name: string; local: boolean; needsPassword: boolean }[];
  skipped: { host: string; error: string }[];
}

export class GroupRuns {
  private pending: Pending | null = null;
  /** hosts of the group that need the password again for each run (this machine's sudo): kept until their run starts */
  private readonly localPasswords = new Map<string, string>();
  /** which hosts still need a password before the group starts */
  private readonly needsPassword = new Set<string>();
  private checking = false;

  constructor(
    private readonly ctx: SliceContext,
    private readonly deps: GroupRunsDeps,
  ) {}

  private get state(): AppState {
    return this.ctx.store.get();
  }

  private notify(kind: 'info' | 'warn' | 'error', text: string): void {
    notify(this.ctx.store, kind, text);
  }

  /** Whether s/B/t act on the marked hosts rather than the selected one. */
  active(): boolean {
    return markedHostsOf(this.state).length > 0;
  }

  /**
   * s, B or t with hosts marked: reach them all, then one question for all of them. `names`:
   * these hosts instead of the marked ones (build or deploy every host after an update), and the
   * question's `title`.
   */
  async request(action: GroupAction, only?: readonly string[], title?: string): Promise<void> {
    const runs = this.ctx.services.runs;
    if (!runs) return this.notify('warn', 'rebuild runs are not available in this console');
    if (this.checking) return this.notify('warn', 'the marked hosts are being reached already');
    const group = this.state.group;
    if (group && group.hosts.some((h) => h.state === 'queued' || h.state === 'starting' || h.state === 'waiting')) {
      return this.notify('warn', `the last ${group.action} of marked hosts is still starting (L shows it)`);
    }
    const fromMarks = only === undefined;
    const names = only ?? markedHostsOf(this.state);
    const hosts = this.state.hosts.filter((h) => names.includes(h.name));
    const going = new Set(runningViews(this.state).map((v) => v.host));
    const skipped: Pending['skipped'] = [];
    const toCheck = hosts.filter((h) => {
      const refused = runRefusal(h, action, this.state.hostname, this.state.remote);
      if (refused) skipped.push({ host: h.name, error: refused });
      else if (going.has(h.name)) skipped.push({ host: h.name, error: `a run is going on ${h.name}` });
      else return true;
      return false;
    });
    this.checking = true;
    this.notify('info', `reaching ${toCheck.length} host${toCheck.length === 1 ? '' : 's'}: ${toCheck.map((h) => h.name).join(', ')}…`);
    let checks: RunCheck[];
    try {
      checks = await Promise.all(
        toCheck.map(async (h): Promise<RunCheck> => {
          try {
            if (runs.check) return await runs.check(h.name, action);
            return { ok: true, needsPassword: await runs.needsPassword(h.name, action), remote: null };
          } catch (error) {
            return { ok: false, error: messageOf(error) };
          }
        }),
      );
    } finally {
      this.checking = false;
    }
    if (this.ctx.disposed()) return;
    const ready: Pending['ready'] = [];
    const activating = isActivating(action);
    let confirmTimeout: number | null = null;
    toCheck.forEach((h, i) => {
      const check = checks[i];
      if (!check) return;
      if (!check.ok) return skipped.push({ host: h.name, error: check.error });
      ready.push({ name: h.name, local: h.local, needsPassword: check.needsPassword });
      // a build activates nothing: no rollback to speak of
      if (activating && check.remote && (confirmTimeout === null || check.remote.confirmTimeout < confirmTimeout)) confirmTimeout = check.remote.confirmTimeout;
    });
    if (ready.length === 0) {
      return this.notify('error', `${action} of ${fromMarks ? 'the marked hosts' : 'the hosts'} not started: ${skipped.map((s) => `${s.host}: ${s.error}`).join('; ')}`);
    }
    this.pending = { action, fromMarks, ready, skipped };
    const parallel = Math.max(1, this.state.prefs.parallel ?? 3);
    setState(this.ctx.store, {
      dialog: { kind: 'confirmGroup', action, hosts: ready.map((h) => h.name), parallel, confirmTimeout, skipped, ...(title !== undefined ? { title } : {}) },
      overlay: 'none',
      notice: null,
    });
  }

  /** y to the question: the group is set up; passwords first, then the runs. */
  confirm(): void {
    const pending = this.pending;
    const dialog = this.state.dialog;
    this.pending = null;
    if (!pending || dialog?.kind !== 'confirmGroup') return;
    const hosts: GroupHost[] = [
      ...pending.ready.map((h): GroupHost => ({ name: h.name, local: h.local, state: h.needsPassword ? 'waiting' : 'queued', runId: null, error: null })),
      ...pending.skipped.map((s): GroupHost => ({ name: s.host, local: false, state: 'not started', runId: null, error: s.error })),
    ];
    this.needsPassword.clear();
    for (const h of pending.ready) if (h.needsPassword) this.needsPassword.add(h.name);
    const group: GroupState = { action: pending.action, parallel: dialog.parallel, hosts };
    setState(this.ctx.store, { dialog: null, group });
    if (pending.fromMarks) this.deps.marks.clear();
    this.next();
  }

  /** n to the question: nothing starts. */
  declined(): void {
    const pending = this.pending;
    this.pending = null;
    if (pending) this.notify('info', `${pending.action} of ${pending.ready.length}${pending.fromMarks ? ' marked' : ''} host${pending.ready.length === 1 ? '' : 's'}: nothing was started`);
  }

  /** The next password to ask for, else start what may start. */
  private next(): void {
    const group = this.state.group;
    if (!group) return;
    const host = group.hosts.find((h) => h.state === 'waiting' && this.needsPassword.has(h.name));
    if (host) {
      setState(this.ctx.store, { dialog: { kind: 'password', host: host.name, action: group.action, local: host.local, length: 0, group: true }, overlay: 'none' });
      return;
    }
    this.pump();
  }

  /** The password typed for a host of the group; a refused one is asked again, saying so. */
  async passwordGiven(host: string, password: string): Promise<void> {
    const group = this.state.group;
    const runs = this.ctx.services.runs;
    if (!group || !runs) return;
    const member = group.hosts.find((h) => h.name === host);
    if (!member) return;
    if (!member.local && runs.checkPassword) {
      this.notify('info', `trying the password on ${host}…`);
      const checked = await runs.checkPassword(host, password).catch((error: unknown) => ({ ok: false as const, wrong: false, error: messageOf(error) }));
      if (this.ctx.disposed()) return;
      if (!checked.ok) {
        if (checked.wrong) {
          setState(this.ctx.store, { dialog: { kind: 'password', host, action: group.action, local: false, length: 0, group: true, error: redact(checked.error, password) } });
          return;
        }
        this.setHost(host, { state: 'not started', error: redact(checked.error, password) });
        this.needsPassword.delete(host);
        return this.next();
      }
    } else {
      this.localPasswords.set(host, password);
    }
    this.needsPassword.delete(host);
    this.setHost(host, { state: 'queued' });
    this.notify('info', `password for ${host} taken`);
    this.next();
  }

  /** Esc in a group host's password field: that host is not deployed; the others go on. */
  passwordDismissed(host: string): void {
    this.needsPassword.delete(host);
    this.setHost(host, { state: 'not started', error: 'no sudo password given' });
    this.next();
  }

  private setHost(name: string, patch: Partial<GroupHost>): void {
    this.ctx.store.update((s) => {
      if (!s.group) return s;
      return { ...s, group: { ...s.group, hosts: s.group.hosts.map((h) => (h.name === name ? { ...h, ...patch } : h)) } };
    });
  }

  /** Start queued hosts while fewer than `parallel` runs of the group go. */
  private pump(): void {
    const group = this.state.group;
    if (!group || this.ctx.disposed()) return;
    const views = this.state.runs.views;
    const going = group.hosts.filter((h) => h.state === 'starting' || (h.state === 'started' && h.runId !== null && views[h.runId]?.phase === 'running')).length;
    const free = group.parallel - going;
    for (const host of group.hosts.filter((h) => h.state === 'queued').slice(0, Math.max(0, free))) void this.launch(host.name, group.action);
  }

  private async launch(host: string, action: GroupAction): Promise<void> {
    const runs = this.ctx.services.runs;
    if (!runs) return;
    this.setHost(host, { state: 'starting' });
    const password = this.localPasswords.get(host);
    this.localPasswords.delete(host);
    const bindTree = this.deps.noteTreeAtStart?.(action);
    let result: Awaited<ReturnType<typeof runs.start>>;
    try {
      result = await runs.start(password === undefined ? { host, action } : { host, action, password });
    } catch (error) {
      result = { ok: false, error: messageOf(error) };
    }
    if (this.ctx.disposed()) return;
    if (!result.ok) {
      this.setHost(host, { state: 'not started', error: redact(result.error, password) });
      return this.pump();
    }
    this.setHost(host, { state: 'started', runId: result.id });
    this.deps.refreshWhenDone(result.id, host);
    bindTree?.(result.id);
    this.deps.openRun(result.id);
    this.deps.notifyRun(result.id, 'info', `${action} started on ${host} · L shows every host of the group`);
  }

  /** Run views arrived: a run of the group that ended frees a slot for a queued host. */
  onRunViews(views: Iterable<RunView>): void {
    const group = this.state.group;
    if (!group) return;
    const ids = new Set(group.hosts.map((h) => h.runId).filter((id): id is string => id !== null));
    for (const view of views) {
      if (ids.has(view.id) && view.phase !== 'running') return queueMicrotask(() => this.pump());
    }
  }

  dispose(): void {
    this.localPasswords.clear();
  }
}
