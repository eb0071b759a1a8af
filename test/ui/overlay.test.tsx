import { render } from 'ink-testing-library';
import { Text } from 'ink';
import type { ReactElement } from 'react';
import { describe, expect, it } from 'vitest';
import { Overlay } from '../../src/ui/Overlay.js';

function frameOf(node: ReactElement): string[] {
  const r = render(node);
  const lines = (r.lastFrame() ?? '').split('\n');
  r.unmount();
  return lines;
}

describe('Overlay', () => {
  it('draws a round border with the title, the info cut to the room left, and the body', () => {
    const lines = frameOf(
      <Overlay width={30} height={4} ascii={false} title="runs" info="(3 · j/k move · Enter opens · Esc closes)">
        <Text>body</Text>
      </Overlay>,
    );
    expect(lines[0]).toBe(`╭${'─'.repeat(28)}╮`);
    expect(lines[1]).toBe('│ runs (3 · j/k move · Ente… │');
    expect(lines[2]).toBe(`│ body${' '.repeat(23)}│`);
    expect(lines).toHaveLength(4);
  });

  it('with --ascii: only ASCII, also in the title and its ellipsis', () => {
    const lines = frameOf(<Overlay width={24} height={3} ascii tone="warn" title="flake evaluation — a long title" />);
    expect(lines[0]).toBe(`+${'-'.repeat(22)}+`);
    expect(lines[1]).toBe('| flake evaluation ... |');
    expect(lines[2]).toBe(`+${'-'.repeat(22)}+`);
    expect(lines.join('\n')).toMatch(/^[\x20-\x7e\n]*$/);
  });
});
