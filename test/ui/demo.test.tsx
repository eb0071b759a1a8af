// The demo console follows the same rules as the real one: the demo fleet's other hosts can be
// read and built, never activated and their generations never switched or deleted. Wired as
// `nixdeck --demo` wires it (src/console.tsx), over the demo's own folder.

import { render } from 'ink-testing-library';
import stripAnsi from 'strip-ansi';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { consoleServices } from '../../src/console.js';
import { lazyGenerations } from '../../src/services/lazyServices.js';
import { DEFAULT_PREFS } from '../../src/core/prefsSchema.js';
import { createRunsService } from '../../src/services/runs.js';
import { Controller } from '../../src/state/controller.js';
import type { Environment } from '../../src/system/context.js';
import { demoEnvironment } from '../../src/demo/demoEnvironment.js';
import { listRuns } from '../../src/system/runStore.js';
import { App } from '../../src/ui/App.js';
import { screenMeasures } from '../../src/ui/measures.js';
import { KEY, statusBarText, ticks } from '../helpers/ui.js';

let env: Environment;
let runs: ReturnType<typeof createRunsService>;

beforeAll(async () => {
  env = await demoEnvironment({});
  runs = createRunsService(env.rebuild);
});
afterAll(async () => {
  runs.close();
  await env.dispose?.();
});

describe('the demo console and hosts that are not this machine', () => {
  it('s, B, t, A and the generation keys on vm01 say why at once; nothing is asked or started', async () => {
    const controller = new Controller(consoleServices(env, () => {}, runs, lazyGenerations(env, true)), {
      flakeDir: env.flakeDir,
      todoFile: env.todoFile,
      prefs: { ...DEFAULT_PREFS, lastPane: 'hosts' },
      runRefreshMs: 0,
    });
    controller.attachScreen(screenMeasures, 80, 24);
    const ui = render(<App controller={controller} />);
    const frame = (): string => stripAnsi(ui.lastFrame() ?? '');
    const press = async (...keys: string[]): Promise<void> => {
      for (const k of keys) {
        ui.stdin.write(k);
        await ticks();
      }
    };
    try {
      await controller.start();
      await ticks();
      expect(env.hostname).toBe('hq');
      for (let i = 0; i < 10 && controller.lists.selectedHost()?.name !== 'vm01'; i++) await press('j');
      expect(controller.lists.selectedHost()).toMatchObject({ name: 'vm01', local: false });
      for (const key of ['s', 'B', 't', 'A']) {
        await press(key);
        expect(controller.state.dialog).toBeNull();
        expect(statusBarText(frame())).toBe(`${key}: vm01 is not this machine (hq): switch, boot, test and dry-activate run on this machine only; b builds it here`);
        await press('y');
      }
      // the demo reads vm01's generations (a simulated remote host), but switches none of them
      await vi.waitFor(() => expect(controller.state.generations.vm01?.status).toBe('ok'));
      await ticks();
      // and says so where the list is shown; this machine's list is not labelled
      expect(frame()).toMatch(/Generations\s+vm01 · \d+ · demo: simulated/);
      await press('2', 'G', KEY.enter);
      expect(controller.state.genView).toBeNull();
      expect(statusBarText(frame())).toBe("Enter: vm01 is not this machine (hq): only this machine's generations can be switched or deleted for now");
      await press('r');
      expect(statusBarText(frame())).toMatch(/^r: vm01 is not this machine \(hq\)/);
      expect(controller.state.dialog).toBeNull();
      await ticks(5);
      expect(await listRuns(env.rebuild.stateDir)).toEqual([]);
    } finally {
      controller.dispose();
      ui.unmount();
      ui.cleanup();
    }
  });
});
