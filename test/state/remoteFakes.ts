// A runs service that deploys other hosts (as the real one does over SSH), for the console's
// state tests: hosts answer or not, sudo wants a password or not, one password per host.
import type { RebuildAction } from '../../src/core/rebuildCommand.js';
import type { PasswordCheck, RunCheck, StartResult } from '../../src/core/runsService.js';
import { FakeRuns } from '../ui/fakeRuns.js';

export class FakeRemoteRuns extends FakeRuns {
  readonly remoteDeploys = true;
  /** hosts that do not answer, with why */
  unreachable: Record<string, string> = {};
  /** hosts whose sudo wants a password, and that password */
  sudoPasswords: Record<string, string> = {};
  /** passwords accepted so far, per host (kept in memory, as the real service does) */
  readonly accepted = new Map<string, string>();
  readonly checkCalls: string[] = [];
  readonly passwordTries: { host: string; password: string }[] = [];

  async check(host: string, _action: RebuildAction): Promise<RunCheck> {
    this.checkCalls.push(host);
    const down = this.unreachable[host];
    if (down !== undefined) return { ok: false, error: `${host} cannot be reached: ${down}` };
    const local = host === 'hq';
    return { ok: true, needsPassword: this.sudoPasswords[host] !== undefined && !this.accepted.has(host), remote: local ? null : { buildHost: null, confirmTimeout: 30 } };
  }

  override async needsPassword(host: string): Promise<boolean> {
    return this.sudoPasswords[host] !== undefined && !this.accepted.has(host);
  }

  async checkPassword(host: string, password: string): Promise<PasswordCheck> {
    this.passwordTries.push({ host, password });
    if (this.sudoPasswords[host] !== password) return { ok: false, wrong: true, error: 'sudo did not accept the password' };
    this.accepted.set(host, password);
    return { ok: true };
  }

  override async start(request: { host: string; action: RebuildAction; password?: string }): Promise<StartResult> {
    return super.start(request);
  }
}
