import { ageOf, ageWord, agesFromPrefs, daysText } from '../core/inputAge.js';
import { releaseText } from '../core/nixpkgsReleases.js';
import type { Prefs } from '../core/prefsSchema.js';
import type { FlakeInput } from '../core/repo.js';
import { readFlakeInputs } from '../system/flakeInputs.js';
import { type Io, printJson } from './io.js';
import { table } from './table.js';

type AgePrefs = Pick<Prefs, 'inputFreshDays' | 'inputOldDays' | 'inputVeryOldDays'>;

/** An input as `inputs --json` prints it: lastModified as an ISO 8601 UTC string. */
interface InputJson {
  name: string;
  type: string;
  source: string;
  ref: string | null;
  rev: string | null;
  lastModified: string | null;
  ageDays: number | null;
  follows: string | null;
  release: FlakeInput['release'];
  inputs: InputJson[];
}

function toJson(input: FlakeInput): InputJson {
  return {
    name: input.name,
    type: input.type,
    source: input.source,
    ref: input.ref,
    rev: input.rev,
    lastModified: input.lastModified === null ? null : new Date(input.lastModified * 1000).toISOString(),
    ageDays: input.ageDays,
    follows: input.follows,
    release: input.release,
    inputs: input.inputs.map(toJson),
  };
}

/** "41 days (old)"; never a colour alone. */
function ageCell(input: FlakeInput, prefs: AgePrefs): string {
  if (input.ageDays === null) return '-';
  return `${daysText(input.ageDays)} (${ageWord(input.age ?? ageOf(input.ageDays, agesFromPrefs(prefs)))})`;
}

function rows(inputs: readonly FlakeInput[], prefs: AgePrefs, depth: number): string[][] {
  return inputs.flatMap((input) => {
    const name = `${'  '.repeat(depth)}${input.name}`;
    const row =
      input.follows !== null
        ? [name, 'follows', input.follows === '' ? 'the flake itself' : `→ ${input.follows}`, '-', '-', '-', '-', '']
        : [
            name,
            input.type,
            input.source || '-',
            input.ref ?? '-',
            input.rev?.slice(0, 7) ?? '-',
            input.lastModified === null ? '-' : new Date(input.lastModified * 1000).toISOString().slice(0, 10),
            ageCell(input, prefs),
            input.release ? releaseText(input.release) : '',
          ];
    return [row, ...rows(input.inputs, prefs, depth + 1)];
  });
}

/** `nixdeck inputs`: flake.lock's inputs, nested ones indented under their parent; no evaluation. */
export async function inputsCommand(flakeDir: string, io: Io, json: boolean, nowMs: number, prefs: AgePrefs): Promise<number> {
  const read = await readFlakeInputs(flakeDir, nowMs, agesFromPrefs(prefs));
  if (!read.ok) {
    io.err(`error: ${read.error}${read.hint ? `\n  ${read.hint}` : ''}`);
    return 1;
  }
  const inputs = read.value;
  if (json) {
    printJson(io, inputs.map(toJson));
    return 0;
  }
  if (inputs.length === 0) {
    io.out('no inputs');
    return 0;
  }
  for (const line of table([['INPUT', 'TYPE', 'SOURCE', 'REF', 'REV', 'DATE (UTC)', 'AGE', 'RELEASE'], ...rows(inputs, prefs, 0)])) io.out(line);
  return 0;
}
