import type { Io } from '../../src/commands/io.js';
import { main } from '../../src/main.js';
import type { CommandRunner } from '../../src/system/exec.js';

export type FakeIo = Io & { stdout: string[]; stderr: string[]; asked: string[] };

/** An Io that records what a command writes and asks; no terminal, no processes unless given. */
export function fakeIo(overrides: Partial<Io> = {}): FakeIo {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const asked: string[] = [];
  const noProcesses: CommandRunner = {
    run: async (file) => ({ exitCode: 127, stdout: '', stderr: '', spawnError: `${file} is not installed (not found in PATH)`, spawnCode: 'ENOENT' }),
  };
  return {
    stdout,
    stderr,
    asked,
    out: (text) => void stdout.push(text),
    err: (text) => void stderr.push(text),
    raw: async (chunk) => void stdout.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')),
    interactive: false,
    confirm: async (question) => {
      asked.push(question);
      return false;
    },
    password: async () => {
      throw new Error('no terminal to ask for a password on');
    },
    runner: noProcesses,
    onInterrupt: () => () => {},
    ...overrides,
  };
}

/** `nixdeck ARGV...` through main with a fakeIo: its exit code and what it printed with out/err, a line each. */
export async function runMain(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, fakeIo({ out: (t) => void (out += `${t}\n`), err: (t) => void (err += `${t}\n`) }));
  return { code, out, err };
}
