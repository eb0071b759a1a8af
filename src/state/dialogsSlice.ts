import type { RebuildAction } from '../core/rebuildCommand.js';
import { type AppState, isPasswordDialog, type Notice } from './appState.js';
import type { GenerationActions } from './generationActions.js';
import type { GroupRuns } from './groupRuns.js';
import type { RunsSlice } from './runsSlice.js';
import { setState, type SliceContext } from './slice.js';

/** The questions that take the keyboard: y/N confirmations and the sudo password field. */
export class DialogsSlice {
  /** the sudo password being typed; never in the store, dropped once handed on */
  private password = '';

  constructor(
    private readonly ctx: SliceContext,
    private readonly runs: RunsSlice,
    private readonly gens: GenerationActions,
    private readonly group: GroupRuns,
  ) {}

  private get state(): AppState {
    return this.ctx.store.get();
  }

  /** The password field for a rebuild run, empty. */
  askPassword(host: string, action: RebuildAction, local: boolean, error?: string): void {
    this.password = '';
    setState(this.ctx.store, { dialog: { kind: 'password', host, action, local, length: 0, ...(error ? { error } : {}) }, overlay: 'none' });
  }

  /** y in a y/N dialog. Returns 'quit' when the question was whether to quit. */
  confirmDialog(): 'quit' | null {
    const dialog = this.state.dialog;
    if (!dialog) return null;
    switch (dialog.kind) {
      case 'confirmRun':
        setState(this.ctx.store, { dialog: null });
        void this.runs.prepareRun(dialog.host, dialog.action, dialog.local);
        return null;
      case 'confirmGroup':
        this.group.confirm();
        return null;
      case 'confirmCancel':
        setState(this.ctx.store, { dialog: null });
        void this.runs.cancelRun(dialog.runId, dialog.host);
        return null;
      case 'confirmQuit':
        setState(this.ctx.store, { dialog: null });
        return 'quit';
      case 'confirmDelete':
        this.gens.confirmDelete();
        return null;
      // not y/N questions: switch/boot/test is chosen by its own key, the others take text
      case 'confirmActivate':
      case 'keepPolicy':
      case 'password':
      case 'opPassword':
      // the commit message is answered by its own keys (commitSlice)
      case 'commit':
        return null;
    }
  }

  /** n, Esc or Enter in a y/N dialog, Esc in the password field: nothing happens. */
  dismissDialog(): void {
    const dialog = this.state.dialog;
    if (!dialog) return;
    this.password = '';
    if (dialog.kind === 'password' && dialog.group) {
      setState(this.ctx.store, { dialog: null, notice: { kind: 'info', text: `${dialog.action} on ${dialog.host} not started; the other marked hosts go on` } });
      return this.group.passwordDismissed(dialog.host);
    }
    if (dialog.kind === 'confirmGroup') {
      setState(this.ctx.store, { dialog: null });
      return this.group.declined();
    }
    if (dialog.kind === 'password') this.runs.startAbandoned(dialog.host);
    let notice: Notice | null = null;
    if (dialog.kind === 'confirmRun' || dialog.kind === 'password') notice = { kind: 'info', text: `${dialog.action} on ${dialog.host} not started` };
    if (dialog.kind === 'confirmCancel') notice = { kind: 'info', text: `the ${dialog.action} on ${dialog.host} goes on` };
    setState(this.ctx.store, { dialog: null, notice });
    if (dialog.kind === 'opPassword') this.gens.passwordDismissed(dialog.host, dialog.op);
    if (dialog.kind === 'confirmActivate' || dialog.kind === 'confirmDelete' || dialog.kind === 'keepPolicy') this.gens.declined(dialog);
  }

  typePassword(text: string): void {
    const dialog = this.state.dialog;
    if (!isPasswordDialog(dialog)) return;
    this.password += text;
    setState(this.ctx.store, { dialog: { ...dialog, length: [...this.password].length } });
  }

  erasePassword(): void {
    const dialog = this.state.dialog;
    if (!isPasswordDialog(dialog)) return;
    this.password = [...this.password].slice(0, -1).join('');
    setState(this.ctx.store, { dialog: { ...dialog, length: [...this.password].length } });
  }

  /** Enter in the password field: hand the password to the service and forget it. */
  submitPassword(): void {
    const dialog = this.state.dialog;
    if (!isPasswordDialog(dialog)) return;
    const password = this.password;
    this.password = '';
    setState(this.ctx.store, { dialog: null });
    if (dialog.kind === 'opPassword') this.gens.passwordGiven(dialog.host, dialog.op, password);
    else if (dialog.group) void this.group.passwordGiven(dialog.host, password);
    else void this.runs.passwordGiven(dialog.host, dialog.action, dialog.local, password);
  }

  dispose(): void {
    this.password = '';
  }
}
