import { describe, expect, it } from 'vitest';
import { parseScreenshotArgs, ScreenshotUsageError } from '../../scripts/screenshot-args.js';

const SCENES = ['main.png', 'help.png', 'runs-wide.png'];
const parse = (...argv: string[]) => parseScreenshotArgs(argv, SCENES);

describe('parseScreenshotArgs', () => {
  it('shoots every scene, or the named ones', () => {
    expect(parse()).toEqual({ kind: 'scenes', names: [] });
    expect(parse('help', 'runs-wide.png')).toEqual({ kind: 'scenes', names: ['help.png', 'runs-wide.png'] });
    expect(parse('-h')).toEqual({ kind: 'help' });
  });

  it('names the scenes when one is unknown', () => {
    expect(() => parse('mian')).toThrow(new ScreenshotUsageError('no scene mian.png; the scenes are main, help, runs-wide'));
  });

  it('reads an ad-hoc shot with its keys in order and a command after --', () => {
    const request = parse('--out', '/tmp/x.png', '--cols', '100', '--keys', 'j', '--text', 'Enter', '--keys', 'Enter', '--ready', 'ok', '--', 'htop', '-d', '5');
    expect(request).toEqual({
      kind: 'adhoc',
      shot: {
        out: '/tmp/x.png',
        cols: 100,
        rows: 24,
        scale: 1,
        ready: 'ok',
        actions: [
          { keys: 'j', literal: false },
          { keys: 'Enter', literal: true },
          { keys: 'Enter', literal: false },
        ],
        command: ['htop', '-d', '5'],
      },
    });
    expect(parse('--out=/tmp/y.png', '--scale', '1.5')).toMatchObject({ kind: 'adhoc', shot: { scale: 1.5, command: [] } });
  });

  it('says what is wrong with a bad command line', () => {
    expect(() => parse('--keys', 'j')).toThrow('--keys only applies to an ad-hoc shot: add --out FILE.png');
    expect(() => parse('--', 'htop')).toThrow('a command after -- only applies to an ad-hoc shot');
    expect(() => parse('--out', 'x.png', 'htop')).toThrow('put the command after --');
    expect(() => parse('--out', 'x.png', '--')).toThrow('missing command after --');
    expect(() => parse('--out', 'x.svg')).toThrow('--out: expected a .png file');
    expect(() => parse('--out', 'x.png', '--cols', '80.5')).toThrow('--cols: expected a positive whole number, got "80.5"');
    expect(() => parse('--out', 'x.png', '--scale', '0')).toThrow('--scale: expected a positive number');
    expect(() => parse('--colour')).toThrow(ScreenshotUsageError);
  });
});
