import { describe, expect, it } from 'vitest';
import { TAB_WIDTH, visibleText } from '../../src/core/displayText.js';

describe('visibleText', () => {
  it('leaves plain text, unicode and LF alone', () => {
    expect(visibleText('Update any outdated packages')).toBe('Update any outdated packages');
    expect(visibleText('ünïcode · … 漢字 🙂')).toBe('ünïcode · … 漢字 🙂');
    expect(visibleText('a\nb')).toBe('a\nb');
  });

  it('shows ESC, BEL, CR, NUL and DEL in caret notation, so an escape sequence is inert', () => {
    expect(visibleText('\u001b[31mred\u001b[0m')).toBe('^[[31mred^[[0m');
    expect(visibleText('ring\u0007')).toBe('ring^G');
    expect(visibleText('over\rwrite')).toBe('over^Mwrite');
    expect(visibleText('nul\u0000')).toBe('nul^@');
    expect(visibleText('del\u007f')).toBe('del^?');
    expect(visibleText('\u001f\u000b\u000c')).toBe('^_^K^L');
  });

  it('shows C1 controls and bidi overrides as <U+XXXX>', () => {
    expect(visibleText('\u009b31m')).toBe('<U+009B>31m');
    expect(visibleText('\u0080\u009f')).toBe('<U+0080><U+009F>');
    expect(visibleText('a\u202eb\u2066c\u2069\u202a')).toBe('a<U+202E>b<U+2066>c<U+2069><U+202A>');
  });

  it(`expands TAB to the next multiple of ${TAB_WIDTH} columns`, () => {
    expect(TAB_WIDTH).toBe(4);
    expect(visibleText('\tx')).toBe('    x');
    expect(visibleText('ab\tx')).toBe('ab  x');
    expect(visibleText('abcd\tx')).toBe('abcd    x');
    expect(visibleText('^\tx'.replace('^', '\u001b'))).toBe('^[  x');
    expect(visibleText('a\n\tb')).toBe('a\n    b');
  });

  it('leaves nothing that a terminal would interpret', () => {
    let all = '';
    for (let c = 0; c < 0xa0; c += 1) all += String.fromCharCode(c);
    expect(visibleText(all)).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  });
});
