// The build plan of a run: the derivations nix said it will build ("these N derivations will be
// built:" and the builds that started), each with its state, and how many paths it will fetch.

import { derivationName, parseDrvName } from './derivationName.js';
import type { PlannedBuild, PlanState } from './progressSnapshot.js';

const MAX_PLANNED = 20_000;

export class BuildPlan {
  private readonly planned = new Map<string, PlannedBuild>();
  private mode: 'build' | 'fetch' | null = null;
  private fetches = 0;

  set(drvPath: string, state: PlanState): void {
    if (drvPath === '') return;
    const entry = this.planned.get(drvPath);
    if (entry !== undefined) {
      entry.state = state;
      return;
    }
    if (this.planned.size >= MAX_PLANNED) return;
    const name = derivationName(drvPath);
    this.planned.set(drvPath, { drvPath, name, pname: parseDrvName(name).pname, state });
  }

  /** Another message came between: the list of a plan message has ended. */
  interrupt(): void {
    this.mode = null;
  }

  /** Plan messages: "these N derivations will be built:" + one `  /nix/store/….drv` per line. */
  readLine(text: string): void {
    const c = text.charCodeAt(0);
    if (c === 0x20 /* space */) {
      if (this.mode === null) return;
      const path = text.trim();
      if (!path.startsWith('/')) {
        this.mode = null;
        return;
      }
      if (this.mode === 'build' && path.endsWith('.drv')) this.set(path, this.planned.get(path)?.state ?? 'planned');
      return;
    }
    if (c === 0x74 /* t */) {
      let m = /^(?:these (\d+) derivations|this derivation) will be built:$/.exec(text);
      if (m) {
        this.mode = 'build';
        return;
      }
      m = /^(?:these (\d+) paths|this path) will be fetched\b/.exec(text);
      if (m) {
        this.mode = 'fetch';
        this.fetches += m[1] === undefined ? 1 : Number(m[1]);
        return;
      }
    }
    this.mode = null;
  }

  /** Copies of the planned builds, the pnames of those not started yet, the paths to fetch. */
  snapshot(): { planned: PlannedBuild[]; plannedPending: string[]; plannedFetches: number } {
    const planned: PlannedBuild[] = [];
    const plannedPending: string[] = [];
    for (const p of this.planned.values()) {
      planned.push({ ...p });
      if (p.state === 'planned') plannedPending.push(p.pname);
    }
    return { planned, plannedPending, plannedFetches: this.fetches };
  }
}
