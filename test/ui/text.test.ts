import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { ASCII_GLYPHS, screenText, toAscii, UNICODE_GLYPHS } from '../../src/ui/glyphs.js';
import { chunkRows, fit, middlePath, packParts, tildePath } from '../../src/ui/text.js';

describe('fit', () => {
  it('cuts with … in unicode and ... in ASCII mode, always to the exact width', () => {
    expect(fit('abcdefghij', 6)).toBe('abcde…');
    expect(fit('abcdefghij', 6, ASCII_GLYPHS)).toBe('abc...');
    expect(fit('abc', 6, ASCII_GLYPHS)).toBe('abc   ');
    expect(fit('abcdefghij', 2, ASCII_GLYPHS)).toBe('ab');
  });

  it('measures the text as shown: a TAB or an escape sequence cannot widen the row', () => {
    const row = fit('\u001b[31mred\u001b[0m\tend', 30);
    expect(row).toBe('^[[31mred^[[0m  end'.padEnd(30));
    expect(stringWidth(row)).toBe(30);
    expect(row).not.toContain('\u001b');
  });
});

describe('screenText and toAscii', () => {
  it('makes control characters visible in both modes, and only ASCII in ASCII mode', () => {
    expect(screenText('a\u0007b', UNICODE_GLYPHS)).toBe('a^Gb');
    expect(screenText('ünïcode · … → ≥ ↓ ↑ ⟳ ✓ ✗ ∅ ε — “q”', ASCII_GLYPHS)).toBe('unicode | ... -> >= Dn Up ~ + x (none) (no version) - "q"');
    expect(toAscii('漢字')).toBe('??');
  });
});

describe('paths', () => {
  it('~ for the home folder, only at a folder boundary', () => {
    expect(tildePath('/home/me/fleet', '/home/me')).toBe('~/fleet');
    expect(tildePath('/home/meow/fleet', '/home/me')).toBe('/home/meow/fleet');
    expect(tildePath('/home/me/fleet', '')).toBe('/home/me/fleet');
  });

  it('shortens in the middle, keeping the start and the last folders', () => {
    expect(middlePath('~/src/work/infra/nixos/fleet', 30)).toBe('~/src/work/infra/nixos/fleet');
    expect(middlePath('~/src/work/infra/nixos/fleet', 16)).toBe('~/…/nixos/fleet');
    expect(middlePath('~/src/work/infra/nixos/fleet', 10)).toBe('~/…/fleet');
    expect(middlePath('~/src/work/infra/nixos/fleet', 12, ASCII_GLYPHS)).toBe('~/.../fleet');
    expect(middlePath('/srv/a-very-long-folder-name', 10)).toBe('…lder-name');
  });
});

describe('rows', () => {
  it('chunkRows keeps every character', () => {
    expect(chunkRows('/home/me/.local/state/run1.log', 10)).toEqual(['/home/me/.', 'local/stat', 'e/run1.log']);
  });

  it('packParts breaks between parts, cutting only the last row', () => {
    expect(packParts(['#44', '2025-06-03', 'spec: a, b', 'rev 1234567'], ' · ', 20, 2)).toEqual(['#44 · 2025-06-03', 'spec: a, b · rev 12…']);
    expect(packParts(['#44', 'x'], ' · ', 20, 2)).toEqual(['#44 · x']);
  });
});
