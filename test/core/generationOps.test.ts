import { makeGeneration } from '../helpers/generation.js';
import { describe, expect, it } from 'vitest';
import {
  activationOutcome,
  chooseTarget,
  parseGenerationNumber,
  parseStepRequest,
  requestCommands,
  StepRequestError,
  validateStepRequest,
  withSudo,
} from '../../src/core/generationOps.js';

const P = '/nix/var/nix/profiles/system';

const gen = makeGeneration;

describe('parseGenerationNumber', () => {
  it('takes plain positive numbers only', () => {
    expect(parseGenerationNumber('42')).toBe(42);
    for (const bad of ['0', '-1', '+1', '01', '1.0', ' 1', '1e3', '', 'abc', '1234567890']) expect(parseGenerationNumber(bad)).toBeNull();
  });
});

describe('step requests', () => {
  it('round-trips and validates', () => {
    const req = { kind: 'activate', profile: P, generation: 3, action: 'switch' } as const;
    expect(parseStepRequest(JSON.stringify(req))).toEqual(req);
    expect(parseStepRequest(JSON.stringify({ kind: 'delete', profile: P, generations: [3, 1, 3], bootRefresh: null }))).toEqual({
      kind: 'delete',
      profile: P,
      generations: [1, 3],
      bootRefresh: null,
    });
  });

  it('rejects anything unsafe or malformed', () => {
    const bad: unknown[] = [
      null,
      [],
      { kind: 'activate', profile: 'relative/system', generation: 1, action: 'switch' },
      { kind: 'activate', profile: '/a/../b/system', generation: 1, action: 'switch' },
      { kind: 'activate', profile: '/a/sys\ntem', generation: 1, action: 'switch' },
      { kind: 'activate', profile: P, generation: 0, action: 'switch' },
      { kind: 'activate', profile: P, generation: 1.5, action: 'switch' },
      { kind: 'activate', profile: P, generation: '1', action: 'switch' },
      { kind: 'activate', profile: P, generation: 1, action: 'build' },
      { kind: 'delete', profile: P, generations: [], bootRefresh: null },
      { kind: 'delete', profile: P, generations: [1, 'old'], bootRefresh: null },
      { kind: 'delete', profile: P, generations: [1], bootRefresh: 'switch-to-configuration' },
      { kind: 'rm', profile: P },
    ];
    for (const value of bad) expect(() => validateStepRequest(value), JSON.stringify(value)).toThrow(StepRequestError);
    expect(() => parseStepRequest('{nope')).toThrow(StepRequestError);
  });
});

describe('requestCommands', () => {
  it('switch and boot: move the profile, then activate through it', () => {
    expect(requestCommands({ kind: 'activate', profile: P, generation: 38, action: 'switch' }).map((c) => c.argv)).toEqual([
      ['nix-env', '-p', P, '--switch-generation', '38'],
      [`${P}/bin/switch-to-configuration`, 'switch'],
    ]);
    expect(requestCommands({ kind: 'activate', profile: P, generation: 38, action: 'boot' }).map((c) => c.argv).at(-1)).toEqual([`${P}/bin/switch-to-configuration`, 'boot']);
  });

  it('test: only the generation link, the profile untouched', () => {
    expect(requestCommands({ kind: 'activate', profile: P, generation: 38, action: 'test' }).map((c) => c.argv)).toEqual([
      [`${P}-38-link/bin/switch-to-configuration`, 'test'],
    ]);
  });

  it('delete: nix-env --delete-generations N…, then the boot menu', () => {
    expect(requestCommands({ kind: 'delete', profile: P, generations: [1, 2], bootRefresh: '/run/current-system/bin/switch-to-configuration' }).map((c) => c.argv)).toEqual([
      ['nix-env', '-p', P, '--delete-generations', '1', '2'],
      ['/run/current-system/bin/switch-to-configuration', 'boot'],
    ]);
    expect(requestCommands({ kind: 'delete', profile: P, generations: [1], bootRefresh: null })).toHaveLength(1);
  });
});

describe('withSudo', () => {
  it('as for rebuilds', () => {
    expect(withSudo(['x'], 'password', false)).toEqual({ argv: ['sudo', '-k', '-S', '-p', '', '--', 'x'], needsPassword: true });
    expect(withSudo(['x'], 'nopasswd', false)).toEqual({ argv: ['sudo', '-n', '--', 'x'], needsPassword: false });
    expect(withSudo(['x'], 'password', true)).toEqual({ argv: ['x'], needsPassword: false });
    expect(withSudo(['x'], 'none', false)).toEqual({ argv: ['x'], needsPassword: false });
  });
});

describe('chooseTarget', () => {
  const gens = [gen(7), gen(5, { current: true, running: true }), gen(3), gen(2, { status: 'dangling' }), gen(1)];

  it('defaults to the highest number below the current one, across gaps', () => {
    expect(chooseTarget(gens, undefined)).toMatchObject({ ok: true, target: { generation: 3 }, current: { generation: 5 } });
  });

  it('--to N must exist and be in the store', () => {
    expect(chooseTarget(gens, 7)).toMatchObject({ ok: true, target: { generation: 7 } });
    expect(chooseTarget(gens, 4)).toEqual({ ok: false, error: 'generation 4 does not exist (this profile has 1, 2, 3, 5, 7)' });
    const dangling = chooseTarget(gens, 2);
    expect(dangling.ok).toBe(false);
    if (!dangling.ok) expect(dangling.error).toContain('garbage-collected');
  });

  it('no older generation, no current generation', () => {
    expect(chooseTarget([gen(1, { current: true })], undefined)).toEqual({ ok: false, error: 'no generation older than the current one (1) exists' });
    expect(chooseTarget([gen(1)], undefined).ok).toBe(false);
  });
});

describe('activationOutcome', () => {
  it('0 ok, 4 partial, anything else failed', () => {
    expect(activationOutcome(0)).toBe('succeeded');
    expect(activationOutcome(4)).toBe('partial');
    for (const code of [1, 2, 100, null]) expect(activationOutcome(code)).toBe('failed');
  });
});
