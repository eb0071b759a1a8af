import { describe, expect, it } from 'vitest';
import { table } from '../../src/commands/table.js';

describe('table', () => {
  it('pads by display width: a wide character takes two cells', () => {
    expect(table([
      ['HOST', 'STATE'],
      ['日本', 'ok'],
      ['hq', 'ok'],
    ])).toEqual(['HOST  STATE', '日本  ok', 'hq    ok']);
  });
  it('does not pad the last column, and trims what is left at the end', () => {
    expect(table([['a', ''], ['bbb', 'x']])).toEqual(['a', 'bbb  x']);
  });
});
