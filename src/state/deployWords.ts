// What the questions about deploying another host say: where it is built, what happens on the
// host, and whether the automatic rollback protects it. Pure; the dialog shows these lines.
import type { RebuildAction } from '../core/rebuildCommand.js';
import type { RemotePlan } from '../core/runsService.js';

/** `build here` or `build on builder`. */
function buildWhere(plan: RemotePlan): string {
  return plan.buildHost === null ? 'build here' : `build on ${plan.buildHost}`;
}

/** What the host does after the copy. */
function onHost(action: RebuildAction): string {
  return action === 'boot' ? 'make it the boot default' : action === 'test' ? 'activate (not the boot default)' : 'activate';
}

/** How the automatic rollback covers it: `rolls back by itself unless …`, or not protected. */
export function protection(action: RebuildAction, confirmTimeout: number | null): string {
  if (action === 'boot') return 'not protected by the automatic rollback (it runs from the next reboot)';
  if (confirmTimeout === null) return '';
  if (confirmTimeout === 0) return 'the automatic rollback is off (confirmTimeout 0)';
  return `rolls back by itself unless nixdeck can reach it again within ${confirmTimeout} s`;
}

/** `switch t460: build here, copy, activate; rolls back by itself unless nixdeck can reach it again within 30 s? y/N` */
export function remoteRunQuestion(host: string, action: RebuildAction, plan: RemotePlan): string {
  return `${action} ${host}: ${buildWhere(plan)}, copy, ${onHost(action)}; ${protection(action, plan.confirmTimeout)}? y/N`;
}

/** `switch 3 hosts: hq, t460, pi — at most 3 at once (preference parallel)? y/N` */
export function groupQuestion(action: RebuildAction, hosts: readonly string[], parallel: number): string {
  const n = hosts.length;
  const limit = n > 1 ? ` — at most ${Math.min(parallel, n)} at once (preference parallel${parallel < n ? `: ${n - parallel} wait` : ''})` : '';
  return `${action} ${n} host${n === 1 ? '' : 's'}: ${hosts.join(', ')}${limit}? y/N`;
}
