import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildGenerationList } from '../../src/core/generations.js';
import { readProfileFacts } from '../../src/system/profileReader.js';
import { makeRoot } from '../helpers/profileFixture.js';

describe('readProfileFacts', () => {
  const fixture = makeRoot(
    [
      { number: 3, date: new Date('2025-05-01T12:00:00Z'), version: '24.11.20250501.aaaaaaa', kernel: '6.6.30', dangling: true },
      { number: 5, date: new Date('2025-06-01T10:00:00Z'), version: '25.05.20250601.bbbbbbb', kernel: '6.6.32' },
      { number: 6, date: new Date('2025-07-01T09:15:00Z'), version: '25.05.20250701.ccccccc', kernel: '6.12.4', specialisations: ['gaming'], revision: '9f1c2e7a' },
      { number: 7, date: new Date('2025-08-01T18:45:00Z'), version: '25.11.20250801.ddddddd', kernel: '6.12.6' },
    ],
    { current: 6, running: 7, booted: 5 },
  );
  afterAll(() => fixture.cleanup());

  it('reads numbers, link dates, versions, kernels, specialisations and revisions', () => {
    const list = buildGenerationList(readProfileFacts({ root: fixture.root }));
    expect(list.generations.map((g) => [g.generation, g.date, g.nixosVersion, g.kernelVersion])).toEqual([
      [7, '2025-08-01T18:45:00.000Z', '25.11.20250801.ddddddd', '6.12.6'],
      [6, '2025-07-01T09:15:00.000Z', '25.05.20250701.ccccccc', '6.12.4'],
      [5, '2025-06-01T10:00:00.000Z', '25.05.20250601.bbbbbbb', '6.6.32'],
      [3, '2025-05-01T12:00:00.000Z', 'Unknown', 'Unknown'],
    ]);
    const g6 = list.generations[1];
    expect(g6).toMatchObject({ current: true, running: false, booted: false, specialisations: ['gaming'], configurationRevision: '9f1c2e7a' });
    expect(list.generations[0]).toMatchObject({ running: true, current: false });
    expect(list.generations[2]).toMatchObject({ booted: true });
    expect(list).toMatchObject({ rebootNeeded: true, runningKernel: '6.12.6', bootedKernel: '6.6.32' });
  });

  it('lists a garbage-collected generation as dangling instead of failing', () => {
    const g3 = buildGenerationList(readProfileFacts({ root: fixture.root })).generations.at(-1);
    expect(g3).toMatchObject({ generation: 3, status: 'dangling' });
    expect(g3?.problem).toContain('no longer exists');
  });

  it('ignores other entries of the profiles folder and survives a missing /run', () => {
    const profiles = path.join(fixture.root, 'nix/var/nix/profiles');
    writeFileSync(path.join(profiles, 'system.lock'), '');
    mkdirSync(path.join(profiles, 'system-profiles'), { recursive: true });
    symlinkSync('/nowhere', path.join(profiles, 'system-x-link'));
    const facts = readProfileFacts({ root: fixture.root });
    expect(facts.links.map((l) => l.number).sort()).toEqual([3, 5, 6, 7]);
    const empty = readProfileFacts({ root: path.join(fixture.root, 'nothing-here') });
    expect(empty).toMatchObject({ links: [], currentNumber: null, runningPath: null, bootedPath: null });
  });

  it('reports a link to something that is not a system folder, or a loop, as unreadable', () => {
    const profiles = path.join(fixture.root, 'nix/var/nix/profiles');
    const file = path.join(fixture.store, 'just-a-file');
    writeFileSync(file, 'x');
    symlinkSync(file, path.join(profiles, 'system-8-link'));
    symlinkSync(path.join(profiles, 'system-9-link'), path.join(profiles, 'system-9-link'));
    const list = buildGenerationList(readProfileFacts({ root: fixture.root }));
    expect(list.generations.find((g) => g.generation === 8)).toMatchObject({ status: 'unreadable', problem: `${file}: not a system folder` });
    expect(list.generations.find((g) => g.generation === 9)).toMatchObject({ status: 'unreadable' });
  });
});

describe('revisionIn', () => {
  it('reads the revision NixOS bakes into sw/bin/nixos-version, in both shapes', async () => {
    const { revisionIn } = await import('../../src/system/profileReader.js');
    const modern = `#! /bin/sh\ncase "$1" in\n  --json)\n    cat <<'EOF'\n{"configurationRevision":"9f1c2e7a0b3d","nixosVersion":"25.05.1"}\nEOF\n    ;;\nesac\n`;
    expect(revisionIn(modern)).toBe('9f1c2e7a0b3d');
    expect(revisionIn('  --configuration-revision)\n    echo "abc1234-dirty"\n    ;;')).toBe('abc1234-dirty');
    expect(revisionIn('  --configuration-revision)\n    if [[ "@configurationRevision@" =~ "@" ]]; then exit 1; fi\n    echo "@configurationRevision@"\n    ;;')).toBeNull();
    expect(revisionIn('  --configuration-revision) echo "" ;;')).toBeNull();
  });
});
