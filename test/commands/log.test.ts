import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { logCommand } from '../../src/commands/rebuild.js';
import type { Environment } from '../../src/system/context.js';
import { createRun, LOG_FILE } from '../../src/system/runStore.js';
import { fakeIo } from './fakeIo.js';

const work = mkdtempSync(path.join(os.tmpdir(), 'nixdeck-log-command-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('nixdeck log RUN', () => {
  it('writes the saved log as it is, through the Io', async () => {
    const run = await createRun(work, { host: 'hq', action: 'build', argv: ['nixos-rebuild', 'build'], flakeDir: work });
    const log = 'line one\n\u001b[1mbold\u001b[0m and no newline at the end';
    appendFileSync(path.join(run.dir, LOG_FILE), log);
    const env = { rebuild: { stateDir: work } } as unknown as Environment;
    const io = fakeIo();
    expect(await logCommand(env, io, run.id, false, false)).toBe(0);
    expect(io.stdout.join('')).toBe(log);
    expect(io.stderr).toEqual([]);
  });
});
