// What people type, and what the filter must put first, for each list of the console.
import { describe, expect, it } from 'vitest';
import { highlightRanges, type Ranges } from '../../src/core/fuzzy.js';
import { parseTodos } from '../../src/core/todos.js';
import type { Host } from '../../src/core/types.js';
import { filterGenerations, filterHosts, filterTodos, generationRowText } from '../../src/state/appState.js';
import { makeGeneration } from '../helpers/generation.js';

/** The highlighted characters, joined: what the user sees marked. */
function marked(text: string, ranges: Ranges): string {
  return ranges.map(([s, e]) => text.slice(s, e + 1)).join('|');
}

// the demo fleet's hosts (src/demo/demoFleet.ts), and two more that must not get in the way
const HOSTS: Host[] = ['hq', 't460', 'x1carbon', 'vm01', 'nas', 'pi', 'vm02'].map((name) => ({ name, sources: ['flake'], local: name === 'hq' }));

describe('hosts: query -> first results', () => {
  const cases: [string, string[], string][] = [
    // query, the results in order (all of them), what is highlighted in the first
    ['vm1', ['vm01'], 'vm|1'],
    ['v01', ['vm01'], 'v|01'],
    ['t64', ['t460'], 't46'],
    ['nsa', ['nas'], 'nas'],
    ['hq', ['hq'], 'hq'],
    ['HQ', ['hq'], 'hq'],
    ['vm', ['vm01', 'vm02'], 'vm'],
    ['460', ['t460'], '460'],
    ['carb', ['x1carbon'], 'carb'],
    ['x1crb', ['x1carbon'], 'x1c|rb'],
    ['pi', ['pi'], 'pi'],
    ['nas', ['nas'], 'nas'],
    ['zzz', [], ''],
  ];
  it.each(cases)('%s', (query, expected, highlight) => {
    const hits = filterHosts(HOSTS, query).map((h) => h.item.name);
    expect(hits).toEqual(expected);
    const shown = hits.length > 0 ? hits : HOSTS.map((h) => h.name);
    const ranges = highlightRanges(shown, query);
    expect(marked(shown[0] ?? '', ranges[0] ?? [])).toBe(highlight);
    // every result has something highlighted, nothing else does
    for (const h of HOSTS) expect((highlightRanges([h.name], query)[0] ?? []).length > 0, `${query} on ${h.name}`).toBe(hits.includes(h.name));
  });
});

// newest first, as the pane lists them
const GENERATIONS = [
  makeGeneration(231, { date: '2025-06-02T08:30:10.000Z', nixosVersion: '25.05.20250601.abc1234', kernelVersion: '6.12.30' }),
  makeGeneration(230, { date: '2025-03-11T09:00:00.000Z', nixosVersion: '24.11.20250305.def5678', kernelVersion: '6.6.80' }),
  makeGeneration(229, { date: '2025-02-20T09:00:00.000Z', nixosVersion: '24.11.20250218.0a1b2c3', kernelVersion: '6.6.78' }),
  makeGeneration(228, { date: '2025-02-15T10:27:05.000Z', nixosVersion: '24.11.20250212.9f8e7d6', kernelVersion: '6.6.77' }),
  makeGeneration(23, { date: '2024-12-20T10:27:05.000Z', nixosVersion: '24.11.20241217.1234567', kernelVersion: '6.6.66' }),
  makeGeneration(2, { date: '2024-06-03T19:12:40.000Z', nixosVersion: '24.05.20240601.7654321', kernelVersion: '6.9.3' }),
];

describe('generations: query -> first results (number, date, version, kernel)', () => {
  const cases: [string, number[], string][] = [
    // dates by their start, never by scattered digits
    ['2025-02', [229, 228], '2025-02'],
    ['2025-02-2', [229], '2025-02-2'],
    ['2025-0', [231, 230, 229, 228], '2025-0'],
    ['2025-', [231, 230, 229, 228], '2025-'],
    ['2025', [231, 230, 229, 228], '2025'],
    ['2024-06', [2], '2024-06'],
    ['2023', [], ''],
    // numbers: the whole number first
    ['23', [23, 231, 230], '23'],
    ['231', [231], '231'],
    ['2', [2], '2'],
    // versions and kernels
    ['25.05', [231], '25.05'],
    ['24.11', [230, 229, 228, 23], '24.11'],
    ['6.12', [231], '6.12'],
    ['6.6.7', [229, 228], '6.6.7'],
  ];
  it.each(cases)('%s', (query, expected, highlight) => {
    const hits = filterGenerations(GENERATIONS, query).map((h) => h.item);
    expect(hits.slice(0, expected.length).map((g) => g.generation)).toEqual(expected);
    if (query.startsWith('20')) expect(hits.length).toBe(expected.length);
    const first = hits[0];
    const text = first ? generationRowText(first) : '';
    expect(marked(text, highlightRanges([text], query)[0] ?? [])).toBe(highlight);
  });

  it('a date query does not match the digits of a version or a kernel', () => {
    // 20250218 in the version is not a date written with dashes; "2025" is only the year of a date
    const only = [makeGeneration(5, { date: '2024-01-01T00:00:00.000Z', nixosVersion: '24.11.20250218.0a1b2c3', kernelVersion: '6.6.2025' })];
    expect(filterGenerations(only, '2025')).toEqual([]);
    expect(filterGenerations(only, '2025-02')).toEqual([]);
    expect(highlightRanges([generationRowText(only[0]!)], '2025')).toEqual([[]]);
  });
});

const PROJECT = `# Home fleet

## Todo List

### Immediate (This Week)

- [ ] Update any outdated packages
  - [ ] \`nix flake update\`, then rebuild hq first
  - [ ] Roll out to the laptops once hq has run for a day
- [ ] Reboot t460 (the new kernel is installed but not running)
- [ ] Test restic restore on vm01
- [X] Renew the \`nas.home.arpa\` certificate

### Soon

* [ ] Move nas to 25.11
* [ ] Enable zram on t460 (\`zramSwap.enable = true;\`)
* [ ] Reboot vm01 into the generation staged with \`nixos-rebuild boot\`

### Someday

+ [ ] Try [disko](https://github.com/nix-community/disko) for the next reinstall
+ [ ] Serve hq's store to the laptops as a binary cache
+ [ ] Encrypt t460's disk with LUKS
+ [ ] Renew the certificates before 2025-02-14
+ [ ] Check the backups every week

## Done

- [x] Nightly restic backups from every desktop to nas
- [x] Move hq, t460, x1carbon and vm01 to 25.11
`;

describe('todos: query -> first results (text, then section)', () => {
  const todos = parseTodos(PROJECT, 'PROJECT.md');
  const cases: [string, string[], string][] = [
    // the section "Someday" brings in its todos: no text matches
    ['somday', ['Try disko for the next reinstall', "Serve hq's store to the laptops as a binary cache", "Encrypt t460's disk with LUKS"], ''],
    ['someday', ['Try disko for the next reinstall'], ''],
    // a word before a scattered match, a short stretch before a long one
    ['nas', ['Renew the nas.home.arpa certificate', 'Move nas to 25.11', 'Nightly restic backups from every desktop to nas'], 'nas'],
    ['updte', ['Update any outdated packages'], 'Upd|te'],
    ['updte pkgs', ['Update any outdated packages'], ''],
    ['rstic', ['Test restic restore on vm01', 'Nightly restic backups from every desktop to nas'], 'r|stic'],
    ['vm1', ['Test restic restore on vm01', 'Reboot vm01 into the generation staged with nixos-rebuild boot', 'Move hq, t460, x1carbon and vm01 to 25.11'], 'vm|1'],
    ['t64', ['Reboot t460 (the new kernel is installed but not running)', 'Enable zram on t460 (zramSwap.enable = true;)'], 't46'],
    ['zram t460', ['Enable zram on t460 (zramSwap.enable = true;)'], 'zram |t460'],
    ['luks', ["Encrypt t460's disk with LUKS"], 'LUKS'],
    // a typo fuse.js forgives
    ['certifcate', ['Renew the nas.home.arpa certificate', 'Renew the certificates before 2025-02-14'], ''],
    // a date in a todo, by its start
    ['2025-02', ['Renew the certificates before 2025-02-14'], '2025-02'],
  ];
  it.each(cases)('%s', (query, expected, highlight) => {
    const hits = filterTodos(todos, query).map((h) => h.item.text);
    expect(hits.slice(0, expected.length)).toEqual(expected);
    if (highlight) expect(marked(hits[0] ?? '', highlightRanges([hits[0] ?? ''], query)[0] ?? [])).toBe(highlight);
  });

  it('lists the todos of a matching section after the todos matched by their text', () => {
    const hits = filterTodos(todos, 'week').map((h) => h.item.text);
    expect(hits).toEqual([
      'Check the backups every week',
      'Update any outdated packages',
      'nix flake update, then rebuild hq first',
      'Roll out to the laptops once hq has run for a day',
      'Reboot t460 (the new kernel is installed but not running)',
      'Test restic restore on vm01',
      'Renew the nas.home.arpa certificate',
    ]);
    const done = filterTodos(todos, 'done').map((h) => h.item.text);
    expect(done).toContain('Nightly restic backups from every desktop to nas');
  });

  it('does not scatter a short query over a long text', () => {
    // r…s…t…i…c spread over 30 characters is not what "rstic" means
    expect(filterTodos(todos, 'rstic').map((h) => h.item.text)).not.toContain('Renew the nas.home.arpa certificate');
  });
});
