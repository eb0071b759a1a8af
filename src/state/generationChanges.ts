// Carrying out what a question agreed to: a switch/boot/test to a generation or a deletion,
// with the sudo password when one is needed; the host's generations are read again afterwards.
import { numberRanges } from '../core/generationWords.js';
import { redact } from '../core/redact.js';
import { type AppState, type GenerationMarks, marksOf, type PendingGenerationOp } from './appState.js';
import type { GenerationContext } from './generationActions.js';
import type { GenerationOps } from '../core/generationService.js';
import type { RunView } from '../core/runsService.js';

export class GenerationChanges {
  /** activation runs whose end reloads a host's generations: run id → host name */
  private readonly refreshAfter = new Map<string, string>();
  /** hosts a change is being started on, so a second key does not start another */
  private readonly busy = new Set<string>();

  constructor(private readonly ctx: GenerationContext) {}

  private get state(): AppState {
    return this.ctx.store.get();
  }

  private update(fn: (s: AppState) => AppState): void {
    this.ctx.store.update(fn);
  }

  private setMarks(host: string, marks: GenerationMarks): void {
    this.update((s) => ({ ...s, marks: { ...s.marks, [host]: marks } }));
  }

  /** Ask the service whether sudo wants a password; then the password field, or go at once. */
  async prepare(host: string, op: PendingGenerationOp): Promise<void> {
    const ops = this.ctx.ops;
    if (!ops) return;
    if (this.busy.has(host)) return this.ctx.notify('warn', `a change to ${host}'s generations is being started already`);
    this.busy.add(host);
    let needs: boolean;
    try {
      needs = await ops.needsPassword(host, op.kind);
    } catch (error) {
      this.busy.delete(host);
      return this.ctx.notify('error', `${opWords(op)} on ${host} not started: ${messageOf(error)}`);
    }
    if (this.ctx.disposed()) return;
    if (needs) {
      // the host stays busy until the password is given or the field is left
      this.update((s) => ({ ...s, dialog: { kind: 'opPassword', host, op, length: 0 }, overlay: 'none' }));
      return;
    }
    await this.carryOut(host, op);
  }

  /** The password field was left: nothing happens. */
  passwordDismissed(host: string, op: PendingGenerationOp): void {
    this.busy.delete(host);
    this.ctx.notify('info', `${opWords(op)} on ${host}: nothing was changed`);
  }

  /** Enter in the password field: another host tries it first; a refused one is asked for again, saying so. */
  passwordGiven(host: string, op: PendingGenerationOp, password: string): void {
    const ops = this.ctx.ops;
    const check = ops?.checkPassword?.bind(ops);
    const local = this.state.hosts.find((h) => h.name === host)?.local ?? true;
    if (!check || local) {
      void this.carryOut(host, op, password);
      return;
    }
    void (async () => {
      this.ctx.notify('info', `trying the password on ${host}…`);
      const checked = await check(host, password).catch((error: unknown) => ({ ok: false as const, wrong: false, error: messageOf(error) }));
      if (this.ctx.disposed()) return;
      if (checked.ok) return this.carryOut(host, op, password);
      if (checked.wrong) {
        this.update((s) => ({ ...s, dialog: { kind: 'opPassword', host, op, length: 0, error: redact(checked.error, password) } }));
        return;
      }
      this.busy.delete(host);
      this.ctx.notify('error', `${opWords(op)} on ${host} not started: ${redact(checked.error, password)}`);
    })();
  }

  private async carryOut(host: string, op: PendingGenerationOp, password?: string): Promise<void> {
    const ops = this.ctx.ops;
    if (!ops) return;
    this.busy.add(host);
    try {
      if (op.kind === 'activate') await this.activate(ops, host, op, password);
      else await this.remove(ops, host, op.generations, password);
    } finally {
      this.busy.delete(host);
    }
  }

  private async activate(ops: GenerationOps, host: string, op: Extract<PendingGenerationOp, { kind: 'activate' }>, password?: string): Promise<void> {
    const what = `${op.action} to generation ${op.generation}`;
    this.ctx.notify('info', `starting ${what} on ${host}…`);
    let result: Awaited<ReturnType<GenerationOps['activate']>>;
    try {
      result = await ops.activate({ host, generation: op.generation, action: op.action, ...(password !== undefined ? { password } : {}) });
    } catch (error) {
      result = { ok: false, error: messageOf(error) };
    }
    if (this.ctx.disposed()) return;
    if (!result.ok) {
      const error = redact(result.error, password);
      return this.ctx.notify('error', `${what} on ${host} not started: ${error}`);
    }
    this.refreshAfter.set(result.id, host);
    const adopted = this.ctx.runs ? await this.ctx.runs.adopt(result.id).catch(() => false) : false;
    if (this.ctx.disposed()) return;
    if (adopted) this.ctx.openRun(result.id);
    this.ctx.notifyRun(result.id, 'info', adopted ? `${what} started on ${host}` : `${what} started on ${host} (run ${result.id}); its pane could not be opened`);
  }

  private async remove(ops: GenerationOps, host: string, generations: number[], password?: string): Promise<void> {
    const list = numberRanges(generations);
    this.ctx.notify('info', `deleting generation${generations.length === 1 ? '' : 's'} ${list} of ${host}…`);
    let result: Awaited<ReturnType<GenerationOps['deleteGenerations']>>;
    try {
      result = await ops.deleteGenerations({ host, generations, ...(password !== undefined ? { password } : {}) });
    } catch (error) {
      result = { ok: false, error: messageOf(error) };
    }
    if (this.ctx.disposed()) return;
    const marks = marksOf(this.state, host);
    this.setMarks(host, { compare: marks.compare !== null && generations.includes(marks.compare) ? null : marks.compare, remove: [] });
    await this.reload(host);
    if (!result.ok) {
      const message = redact(result.error, password);
      return this.ctx.notify('error', `deleting ${list} of ${host} failed: ${message}`);
    }
    this.ctx.notify('info', `deleted generation${generations.length === 1 ? '' : 's'} ${list} of ${host} · garbage collection was not run (nixdeck gc)`);
  }

  private async reload(hostName: string): Promise<void> {
    const host = this.state.hosts.find((h) => h.name === hostName);
    if (host) await this.ctx.loadGenerations(host);
  }

  /** Read the host's generations again once this run has ended (a rebuild that switches, too). */
  refreshWhenDone(runId: string, host: string): void {
    this.refreshAfter.set(runId, host);
  }

  /** Run views arrived: when a switch/boot/test run has ended, its host's generations are read again. */
  onRunViews(views: Iterable<RunView>): void {
    for (const view of views) {
      const host = this.refreshAfter.get(view.id);
      if (host === undefined || view.phase === 'running') continue;
      this.refreshAfter.delete(view.id);
      void this.reload(host);
    }
  }
}

function opWords(op: PendingGenerationOp): string {
  return op.kind === 'activate' ? `${op.action} to generation ${op.generation}` : `deleting ${numberRanges(op.generations)}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
