import { describe, expect, it } from 'vitest';
import { deployProgressOf, endedDeployProgress, NO_PROGRESS, nextDeployProgress, phaseOfStage, resultLabel, resultWords } from '../../src/core/deployProgress.js';

const SYSTEM = '/nix/store/0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a-nixos-system-edge-25.05.20251001.e3e3e3e';

// the log of a deploy that cut edge off (as the step runner and the host supervisor write it)
const ROLLED_BACK_LOG = [
  'nixdeck: phase build: edge here',
  'nixdeck: $ nixos-rebuild build --flake /f#edge --log-format internal-json -v',
  '@nix {"action":"start","id":1,"level":3,"type":105,"text":"building"}',
  `nixdeck: built ${SYSTEM}`,
  `nixdeck: phase copy: ${SYSTEM} to edge`,
  `nixdeck: phase activate: switch edge to ${SYSTEM}`,
  'nixdeck-host: phase activate',
  'nixdeck: phase confirm: edge does not answer (edge is cut off); without proof that it takes new SSH connections within 3 s, it rolls back',
  'nixdeck: confirming: 2 s left (edge is cut off)',
  'nixdeck: confirming: 1 s left (edge is cut off)',
  'nixdeck-host: no acknowledgement within 3 s: rolling back',
  'nixdeck-host: result: rolled-back (no acknowledgement within 3 s: rolled back to generation 2, /nix/store/x)',
  'error: edge rolled back: no acknowledgement within 3 s: rolled back to generation 2, /nix/store/x; a new SSH connection to edge failed: edge is cut off',
];

describe('deployProgressOf', () => {
  it('follows the phases, the countdown and a roll-back with what could not be reached', () => {
    const seen = ROLLED_BACK_LOG.map((_, i) => deployProgressOf(ROLLED_BACK_LOG.slice(0, i + 1)));
    expect(seen.map((p) => p.phase)).toEqual(['build', 'build', 'build', 'build', 'copy', 'activate', 'activate', 'confirm', 'confirm', 'confirm', 'confirm', 'confirm', 'confirm']);
    expect(seen[8]).toEqual({ phase: 'confirm', result: null, countdown: 2 });
    expect(seen[9]?.countdown).toBe(1);
    expect(seen.at(-1)?.result).toEqual({
      kind: 'rolled-back',
      reason: 'no acknowledgement within 3 s: rolled back to generation 2, /nix/store/x; a new SSH connection to edge failed: edge is cut off',
    });
    expect(seen.at(-1)?.countdown).toBeUndefined();
  });

  it('a confirmed switch is ok, and the countdown stops at the acknowledgement', () => {
    const p = deployProgressOf([
      'nixdeck: phase activate: switch t460 to generation 2',
      'nixdeck-host: phase confirm 20',
      'nixdeck: phase confirm: t460 waits 20 s for proof that it still takes new SSH connections; without it, it rolls back',
      'nixdeck: confirming: 18 s left',
      'nixdeck: t460 took a new SSH connection (12 ms): acknowledged',
    ]);
    expect(p).toEqual({ phase: 'confirm', result: null });
    expect(nextDeployProgress(p, 'nixdeck-host: result: succeeded (confirmed)')).toEqual({ phase: 'confirm', result: { kind: 'ok', reason: null } });
  });

  it('a failed build is "build failed": nixos-rebuild\'s own error lines before it are not the result', () => {
    const building = deployProgressOf(['nixdeck: phase build: pi here', 'error: builder for host pi deliberately failed (fake)']);
    expect(building).toEqual({ phase: 'build', result: null });
    expect(nextDeployProgress(building, 'error: building pi failed (exit 1); pi was not changed')).toEqual({ phase: 'build', result: { kind: 'failed', reason: 'build failed' } });
    expect(deployProgressOf(['nixdeck: phase copy: x to pi', 'error: copying the system to pi failed (exit 1); pi was not changed']).result).toEqual({ kind: 'failed', reason: 'copy failed' });
  });

  it('activation: partial and a failure in words, the host name left out', () => {
    const activating = deployProgressOf(['nixdeck: phase activate: switch hq to /nix/store/y']);
    expect(nextDeployProgress(activating, 'nixdeck-host: result: partial (some units failed)').result).toEqual({ kind: 'partial', reason: 'some units failed' });
    expect(nextDeployProgress(activating, 'error: hq: activation failed (switch-to-configuration exit 1)').result).toEqual({ kind: 'failed', reason: 'activation failed (switch-to-configuration exit 1)' });
    expect(nextDeployProgress(activating, 'error: the activation supervisor could not be started on hq: sudo: a password is required; hq was not changed').result?.reason).toBe(
      'the activation supervisor could not be started on hq: sudo: a password is required; hq was not changed',
    );
  });

  it('ordinary lines change nothing (the same object back)', () => {
    expect(nextDeployProgress(NO_PROGRESS, 'building the system configuration...')).toBe(NO_PROGRESS);
  });
});

describe('endedDeployProgress', () => {
  it('the log result stands when the exit agrees; otherwise the exit decides', () => {
    const rolled = deployProgressOf(ROLLED_BACK_LOG);
    expect(endedDeployProgress(rolled, { exitCode: 1, cancelled: false }).result.kind).toBe('rolled-back');
    expect(endedDeployProgress({ phase: 'confirm', result: null }, { exitCode: 0, cancelled: false }).result).toEqual({ kind: 'ok', reason: null });
    expect(endedDeployProgress({ phase: 'confirm', result: null }, { exitCode: 4, cancelled: false }).result.kind).toBe('partial');
    expect(endedDeployProgress({ phase: 'copy', result: null }, { exitCode: 1, cancelled: false }).result).toEqual({ kind: 'failed', reason: 'copy failed (exit 1)' });
    expect(endedDeployProgress({ phase: null, result: null }, { exitCode: null, cancelled: false, error: 'the supervisor is gone' }).result).toEqual({ kind: 'failed', reason: 'the supervisor is gone' });
    expect(endedDeployProgress(rolled, { exitCode: 130, cancelled: true }).result).toEqual({ kind: 'cancelled', reason: null });
  });
});

describe('words', () => {
  it('labels and one-line results', () => {
    expect(resultLabel('rolled-back')).toBe('rolled back');
    expect(resultWords({ kind: 'failed', reason: 'build failed' })).toBe('failed: build failed');
    expect(resultWords({ kind: 'ok', reason: null })).toBe('ok');
    expect(phaseOfStage('evaluating')).toBe('build');
    expect(phaseOfStage('copying')).toBe('copy');
    expect(phaseOfStage('activating')).toBe('activate');
    expect(phaseOfStage('starting')).toBeNull();
  });
});
