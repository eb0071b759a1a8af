// The Fleet view (F) at 80x24 with the repository's deployed/<host> tags: the line under the
// table says which tag the selected host runs and how far the branch has moved on.
import { afterEach, describe, expect, it } from 'vitest';
import type { DeployedTag, RepoService } from '../../src/core/repo.js';
import { type ConsoleHarness, KEY, renderConsole, ticks } from '../helpers/ui.js';
import { FakeFleet, hostFacts, system, T_FLEET } from '../state/fleetFakes.js';
import { FakeRepo, gitState } from '../state/repoFakes.js';

const harnesses: ConsoleHarness[] = [];
afterEach(() => {
  for (const h of harnesses.splice(0)) h.cleanup();
});

function tagsRepo(tags: DeployedTag[]): RepoService {
  return new FakeRepo({ git: gitState({ head: 'f'.repeat(40) }), tags });
}

describe('the Fleet view with deployed/<host> tags', () => {
  it('says under the table what the selected host runs against main, at 80x24, the columns unchanged', async () => {
    const fleet = new FakeFleet();
    const repo = tagsRepo([
      { host: 'hq', hash: 'a'.repeat(40), behind: 4 },
      { host: 't460', hash: 'b'.repeat(40), behind: 0 },
    ]);
    const ui = await renderConsole({ folderHosts: ['hq', 't460'], flake: ['hq', 't460'], fleet, repo, prefs: { lastPane: 'hosts' }, now: () => T_FLEET, size: { columns: 80, rows: 24 } });
    harnesses.push(ui);
    await ui.press('F');
    fleet.answer('hq', { ok: true, facts: hostFacts('hq', 4), rttMs: null }, { flake: { ok: true, path: system('hq', 4) } });
    fleet.answer('t460', { ok: true, facts: hostFacts('t460', 2), rttMs: 23 }, { flake: { ok: true, path: system('t460', 3) } });
    fleet.last.finish();
    await ticks(5);
    const frame = ui.lastFrame();
    expect(frame).toMatch(/HOST\s+REACH\s+RUNNING\s+REBOOT\s+DRIFT\s+FAILED\s+UPTIME\s+LAST RUN/);
    expect(frame).toMatch(/hq\s+local\s+4 \(1d\)\s+no\s+up-to-date/);
    expect(frame).toContain('hq · runs deployed/hq, 4 commits behind main · running /nix/store/');
    expect(frame.split('\n').every((line) => [...line].length <= 80)).toBe(true);
    await ui.press(KEY.down);
    expect(ui.lastFrame()).toContain('t460 · runs deployed/t460, nothing newer on main · running system differs');
  });

  it('a host without a tag shows no such words', async () => {
    const fleet = new FakeFleet();
    const ui = await renderConsole({ folderHosts: ['hq'], flake: ['hq'], fleet, repo: tagsRepo([]), prefs: { lastPane: 'hosts' }, now: () => T_FLEET });
    harnesses.push(ui);
    await ui.press('F');
    fleet.answer('hq', { ok: true, facts: hostFacts('hq', 4), rttMs: null }, { flake: { ok: true, path: system('hq', 4) } });
    fleet.last.finish();
    await ticks(5);
    expect(ui.lastFrame()).toContain('hq · running /nix/store/');
    expect(ui.lastFrame()).not.toContain('deployed/');
  });
});
