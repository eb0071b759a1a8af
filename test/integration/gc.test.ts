// nixdeck gc: offered on its own, never run by prune. Only the dry run is exercised against the
// real store here: a real collection would delete store paths the other tests' fleets use.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';

const CLI = path.resolve('dist/nixdeck.js');
const missing = await execa('nix-store', ['--version'], { reject: false }).then((r) => (r.exitCode === 0 ? null : 'nix-store is not installed (apt-get install nix-bin)'));
if (missing && process.env.CI) throw new Error(`integration tests must run in CI: ${missing}`);
if (missing) console.warn(`skipping gc tests: ${missing}`);

describe.skipIf(missing !== null || process.getuid?.() !== 0)('nixdeck gc', () => {
  const conf = mkdtempSync(path.join(os.tmpdir(), 'nixdeck-gc-'));
  writeFileSync(path.join(conf, 'nix.conf'), 'build-users-group =\nsandbox = false\nsubstituters =\nexperimental-features = nix-command flakes\n');
  afterAll(() => rmSync(conf, { recursive: true, force: true }));
  const env = { ...process.env, NIX_CONF_DIR: conf, XDG_CONFIG_HOME: path.join(conf, 'cfg') };

  it('--dry-run counts what would go and deletes nothing', async () => {
    const r = await execa('node', [CLI, 'gc', '--dry-run'], { env, reject: false, stdin: 'ignore' });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^\d+ store paths? no longer used by any generation or GC root$/m);
  });

  it('refuses without --yes when not on a terminal', async () => {
    const r = await execa('node', [CLI, 'gc'], { env, reject: false, stdin: 'ignore' });
    if (/^0 store paths/m.test(r.stdout)) return expect(r.exitCode).toBe(0); // nothing to collect: nothing to ask
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('add --yes');
  });
});
