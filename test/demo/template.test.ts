import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoData } from '../../src/demo/demoData.js';
import { fillTemplate } from '../../src/demo/template.js';

describe('demo templates', () => {
  it('fills {{key}} placeholders and refuses a missing value', () => {
    expect(fillTemplate('nixos-{{release}} ({{n}})', { release: '25.11', n: 3 })).toBe('nixos-25.11 (3)');
    expect(fillTemplate('${config.x} {not} {{ spaced }}', {})).toBe('${config.x} {not} {{ spaced }}');
    expect(() => fillTemplate('{{release}}', {})).toThrow('no value for {{release}}');
  });

  it('reads every data file by its path under src/demo/data', () => {
    const dir = path.resolve('src/demo/data');
    const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    expect(files.length).toBeGreaterThanOrEqual(11);
    for (const entry of files) {
      const name = path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/');
      expect(demoData(name).length).toBeGreaterThan(0);
    }
    expect(demoData('fleet/PROJECT.md')).toContain('# Home fleet');
  });
});
