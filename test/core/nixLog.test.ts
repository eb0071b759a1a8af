import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { collapseCarriageReturns, parseLogLine, stripAnsi, type NixLogEvent } from '../../src/core/nixLog.js';
import { makeSyntheticStream } from '../../scripts/syntheticNixStream.js';

const FIXTURES = [
  'success-t460',
  'failure-pi',
  'eval-error',
  'eval-missing-attr',
  'multi-build',
  'multi-build-legacy',
  'multi-failure',
  'switch-units-failed',
  'modern-failure',
];

function fixture(name: string): string[] {
  const lines = readFileSync(new URL(`../fixtures/nix/${name}.log`, import.meta.url), 'utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** The slow, obviously right way: quote ids, JSON.parse, map. */
function reference(line: string): NixLogEvent | null {
  if (!line.startsWith('@nix ')) return null;
  const r = JSON.parse(line.slice(5).replace(/"(id|parent)":(\d+)/g, '"$1":"$2"')) as Record<string, unknown>;
  switch (r.action) {
    case 'start':
      return {
        kind: 'start',
        id: r.id as string,
        parent: (r.parent as string | undefined) ?? '0',
        type: r.type as number,
        level: r.level as number,
        text: r.text as string,
        fields: (r.fields as (string | number)[] | undefined) ?? [],
      };
    case 'stop':
      return { kind: 'stop', id: r.id as string };
    case 'result':
      return { kind: 'result', id: r.id as string, type: r.type as number, fields: (r.fields as (string | number)[] | undefined) ?? [] };
    default:
      return null;
  }
}

describe('parseLogLine on real streams', () => {
  it.each(FIXTURES)('%s: every @nix line is a record, every other line is text', (name) => {
    for (const line of fixture(name)) {
      const ev = parseLogLine(line);
      if (line.startsWith('@nix ')) {
        expect(ev.kind, line).not.toBe('text');
        const ref = reference(line);
        if (ref !== null) expect(ev, line).toEqual(ref);
      } else {
        expect(ev).toEqual({ kind: 'text', line });
      }
    }
  });

  it('reads a Nix 2.8 start record (no parent key) with parent "0"', () => {
    const [start] = fixture('success-t460')
      .map(parseLogLine)
      .filter((e) => e.kind === 'start' && e.type === 105);
    expect(start).toEqual({
      kind: 'start',
      id: '19164144074756',
      parent: '0',
      type: 105,
      level: 3,
      text: "checking outputs of '/nix/store/zx7f1w7n7y2vaxx9mwipwghp215pq3cx-nixos-system-t460-25.05.20250701.1313131.drv'",
      fields: ['/nix/store/zx7f1w7n7y2vaxx9mwipwghp215pq3cx-nixos-system-t460-25.05.20250701.1313131.drv', '', 1, 1],
    });
  });

  it('keeps build log lines as nix sent them (ANSI codes included) and plain lines as text', () => {
    const events = fixture('multi-build').map(parseLogLine);
    expect(events).toContainEqual({
      kind: 'result',
      id: '21599390531589',
      type: 101,
      fields: ['\u001b[32mgreen ok\u001b[0m compiled libb'],
    });
    expect(events).toContainEqual({ kind: 'result', id: '21599390531588', type: 104, fields: ['buildPhase'] });
    expect(events).toContainEqual({ kind: 'result', id: '21599390531585', type: 105, fields: [1, 3, 0, 0] });
  });

  it('strips ANSI from msg and raw_msg and keeps the error position', () => {
    const err = fixture('eval-error').map(parseLogLine).find((e) => e.kind === 'msg' && e.level === 0);
    expect(err).toMatchObject({
      kind: 'msg',
      level: 0,
      rawMsg: "undefined variable 'extraSteps'",
      file: '/nix/store/gyhqmrfwh3p53rkcn0f2zi3crgyrsdld-source/flake.nix',
      line: 22,
      column: 77,
    });
    expect(err?.kind === 'msg' && err.text.startsWith("error: undefined variable 'extraSteps'\n\n       at /nix/store/")).toBe(true);
    expect(JSON.stringify(err)).not.toContain('\\u001b');
    const warning = parseLogLine(fixture('eval-error')[1] ?? '');
    expect(warning).toEqual({ kind: 'msg', level: 1, text: "warning: Git tree '/tmp/nixdeck-fleet/evalflake' is dirty" });
  });

  it('leaves out null positions of error records', () => {
    const err = fixture('failure-pi').map(parseLogLine).find((e) => e.kind === 'msg' && e.level === 0);
    expect(err).toEqual({
      kind: 'msg',
      level: 0,
      text: "error: builder for '/nix/store/idbv1dj3vx7dbawqxkg8fib383njwyir-nixos-system-pi-25.05.20250701.0a0a0a0.drv' failed with exit code 1",
      rawMsg: "builder for '/nix/store/idbv1dj3vx7dbawqxkg8fib383njwyir-nixos-system-pi-25.05.20250701.0a0a0a0.drv' failed with exit code 1",
    });
  });
});

describe('activity ids', () => {
  // pid 4194301 (near pid_max) << 32: beyond Number.MAX_SAFE_INTEGER
  const big = ((4194301n << 32n) + 7n).toString();
  const parent = ((4194301n << 32n) + 3n).toString();

  it('are kept exact as decimal strings above 2^53', () => {
    expect(BigInt(big) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    expect(String(Number(big))).not.toBe(big); // what a JS number would have made of it
    expect(parseLogLine(`@nix {"action":"start","fields":["/nix/store/x.drv","",1,1],"id":${big},"level":3,"parent":${parent},"text":"building","type":105}`)).toEqual({
      kind: 'start',
      id: big,
      parent,
      type: 105,
      level: 3,
      text: 'building',
      fields: ['/nix/store/x.drv', '', 1, 1],
    });
    expect(parseLogLine(`@nix {"action":"stop","id":${big}}`)).toEqual({ kind: 'stop', id: big });
    expect(parseLogLine(`@nix {"action":"result","fields":["a line"],"id":${big},"type":101}`)).toEqual({
      kind: 'result',
      id: big,
      type: 101,
      fields: ['a line'],
    });
    expect(parseLogLine(`@nix {"action":"result","fields":[1,3,0,0],"id":${big},"type":105}`)).toMatchObject({ id: big });
    expect(parseLogLine(`@nix {"action":"result","id":${big},"type":102}`)).toEqual({ kind: 'result', id: big, type: 102, fields: [] });
    expect(parseLogLine(`@nix {"action":"start","id":${big},"level":0,"parent":0,"text":"","type":104}`)).toMatchObject({ id: big, parent: '0' });
  });

  it('are exact for a whole modern stream with a big daemon pid', () => {
    const offset = (4194301n - 48213n) << 32n;
    for (const line of fixture('modern-failure')) {
      const shifted = line.replace(/"(id|parent)":(\d+)/g, (_, key: string, n: string) =>
        n === '0' || BigInt(n) < 207073258242048n ? `"${key}":${n}` : `"${key}":${(BigInt(n) + offset).toString()}`,
      );
      const ev = parseLogLine(shifted);
      const ids = [...shifted.matchAll(/"id":(\d+)/g)].map((m) => m[1]);
      if (ev.kind === 'start' || ev.kind === 'stop' || ev.kind === 'result') expect(ev.id).toBe(ids[0]);
      if (ev.kind === 'start') expect(ev.parent).toBe(/"parent":(\d+)/.exec(shifted)?.[1]);
    }
  });
});

describe('lines that are not valid records', () => {
  it.each([
    ['@nix {"action":"start","id":1', 'truncated JSON'],
    ['@nix ', 'nothing after the prefix'],
    ['@nix not json at all', 'not JSON'],
    ['@nix {"action":"teleport","id":1}', 'unknown action'],
    ['@nix {"action":"stop"}', 'stop without id'],
    ['@nix {"action":"stop","id":-1}', 'negative id'],
    ['@nix {"action":"start","id":1,"type":"build"}', 'type is not a number'],
    ['@nix {"action":"result","fields":[{"a":1}],"id":1,"type":101}', 'field of another kind'],
    ['@nix {"action":"result","fields":["unterminated],"id":1,"type":101}', 'broken string field'],
    ['@nix {"action":"msg","level":3}', 'msg without text'],
    ['@nix [1,2,3]', 'an array'],
    ['@nix null', 'null'],
  ])('%s (%s) becomes a text event and never throws', (line) => {
    expect(parseLogLine(line)).toEqual({ kind: 'text', line });
  });

  it('passes plain lines through (nixos-rebuild, switch-to-configuration, plain nix)', () => {
    for (const line of [
      'building the system configuration...',
      "warning: Git tree '/home/alice/nixos-config' is dirty",
      'copying 0 paths...',
      'warning: the following units failed: nginx.service',
      '',
      '  @nix indented is not a record',
      '@nixfoo',
    ]) {
      expect(parseLogLine(line)).toEqual({ kind: 'text', line });
    }
  });

  it('drops a trailing newline', () => {
    expect(parseLogLine('copying 0 paths...\n')).toEqual({ kind: 'text', line: 'copying 0 paths...' });
    expect(parseLogLine('@nix {"action":"stop","id":12}\n')).toEqual({ kind: 'stop', id: '12' });
  });
});

describe('string fields', () => {
  it('decodes escapes in log lines (quotes, backslashes, unicode, control characters)', () => {
    const line = String.raw`@nix {"action":"result","fields":["say \"hi\" C:\\dir \u00e9\ttab \u001b[1mbold\u001b[0m"],"id":5,"type":101}`;
    expect(parseLogLine(line)).toEqual({
      kind: 'result',
      id: '5',
      type: 101,
      fields: ['say "hi" C:\\dir é\ttab \u001b[1mbold\u001b[0m'],
    });
  });

  it('reads several string fields and mixed fields', () => {
    expect(parseLogLine('@nix {"action":"result","fields":["a","b"],"id":5,"type":108}')).toEqual({
      kind: 'result',
      id: '5',
      type: 108,
      fields: ['a', 'b'],
    });
    expect(parseLogLine('@nix {"action":"result","fields":["a\\"","b"],"id":5,"type":108}')).toMatchObject({ fields: ['a"', 'b'] });
    expect(parseLogLine('@nix {"action":"result","fields":[101,"x"],"id":5,"type":999}')).toMatchObject({ fields: [101, 'x'] });
    expect(parseLogLine('@nix {"action":"result","fields":["],\\"id\\":7"],"id":5,"type":101}')).toEqual({
      kind: 'result',
      id: '5',
      type: 101,
      fields: ['],"id":7'],
    });
  });

  it('reads records with keys in another order or with spaces (not what nix writes, but valid)', () => {
    expect(parseLogLine('@nix { "type": 101, "id": 9, "fields": ["x"], "action": "result" }')).toEqual({
      kind: 'result',
      id: '9',
      type: 101,
      fields: ['x'],
    });
    expect(parseLogLine('@nix  {"action":"stop","id":9}')).toEqual({ kind: 'stop', id: '9' });
  });
});

describe('carriage returns', () => {
  it('keeps the text after the last carriage return', () => {
    expect(collapseCarriageReturns('10%\r50%\r100%')).toBe('100%');
    expect(parseLogLine('downloading 10%\rdownloading 50%\rdone')).toEqual({ kind: 'text', line: 'done' });
  });

  it('treats CRLF and trailing carriage returns as the end of the line', () => {
    expect(collapseCarriageReturns('abc\r')).toBe('abc');
    expect(collapseCarriageReturns('abc\r\n')).toBe('abc');
    expect(collapseCarriageReturns('x\rabc\r\r')).toBe('abc');
    expect(collapseCarriageReturns('\r')).toBe('');
  });

  it('finds a record written over a progress line', () => {
    expect(parseLogLine('progress 10%\r@nix {"action":"stop","id":12}')).toEqual({ kind: 'stop', id: '12' });
  });
});

describe('stripAnsi', () => {
  it('removes colours, cursor movement, OSC hyperlinks and two-character escapes', () => {
    expect(stripAnsi('\u001b[31;1merror:\u001b[0m x')).toBe('error: x');
    expect(stripAnsi('\u001b[2K\u001b[1Gline')).toBe('line');
    expect(stripAnsi('\u001b[?25lhidden\u001b[?25h')).toBe('hidden');
    expect(stripAnsi('\u001b]8;;https://nixos.org\u0007link\u001b]8;;\u0007')).toBe('link');
    expect(stripAnsi('\u001b]0;title\u001b\\text')).toBe('text');
    expect(stripAnsi('a\u001b(Bb\u001b7c')).toBe('abc');
    expect(stripAnsi('dangling\u001b')).toBe('dangling');
    expect(stripAnsi('dangling\u001b[31')).toBe('dangling');
    expect(stripAnsi('no escapes')).toBe('no escapes');
  });

  it('is applied to text lines too, consistently', () => {
    expect(parseLogLine('\u001b[1;31mwarning:\u001b[0m the following units failed: a.service')).toEqual({
      kind: 'text',
      line: 'warning: the following units failed: a.service',
    });
  });
});

describe('the synthetic benchmark stream', () => {
  it('parses into every kind of event, with no broken records', () => {
    const lines = makeSyntheticStream(5000);
    expect(lines).toHaveLength(5000);
    const kinds = new Map<string, number>();
    for (const line of lines) {
      const ev = parseLogLine(line);
      kinds.set(ev.kind, (kinds.get(ev.kind) ?? 0) + 1);
      if (line.startsWith('@nix ')) expect(ev.kind, line).not.toBe('text');
      const ref = reference(line);
      if (ref !== null) expect(ev).toEqual(ref);
    }
    for (const kind of ['start', 'stop', 'result', 'msg', 'text']) expect(kinds.get(kind) ?? 0).toBeGreaterThan(0);
  });
});
