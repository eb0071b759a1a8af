import { describe, expect, it } from 'vitest';
import { parseInvocation } from '../../src/args.js';

describe('nixdeck status on the command line', () => {
  it('takes host names and --json, with the global options', async () => {
    expect(await parseInvocation(['status', 'hq', 't460', '--json', '--flake', '/f'])).toEqual({
      kind: 'status',
      options: { demo: false, ascii: false, flake: '/f' },
      hosts: ['hq', 't460'],
      json: true,
    });
    expect(await parseInvocation(['status'])).toMatchObject({ kind: 'status', hosts: [], json: false });
  });

  it('its help names the exit statuses', async () => {
    const help = await parseInvocation(['status', '--help']);
    expect(help.kind).toBe('print');
    if (help.kind === 'print') {
      expect(help.text).toContain('[HOST...]');
      expect(help.text).toContain('1 a host could not be read');
    }
  });
});
