import { once } from 'node:events';
import type { Io } from './commands/io.js';
import type { CommandRunner } from './system/exec.js';

let built: Io | undefined;

/**
 * The one Io over this process's standard streams, signals and processes. Built on first use;
 * what it needs beyond the streams (readline, execa) is loaded when a command uses it, so the
 * console's start does not pay for it.
 */
export function processIo(): Io {
  if (built) return built;
  // A closed pipe (`nixdeck todos | head`) is the reader's choice, not an error.
  // A terminal that went away (EIO, after SIGHUP) is not an error either: the console still
  // cleans up after itself.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    if (error.code !== 'EIO') throw error;
  });
  const runner: CommandRunner = {
    run: async (file, args, options) => (await import('./system/exec.js')).localRunner.run(file, args, options),
  };
  built = {
    out: (text) => void process.stdout.write(`${text}\n`),
    err: (text) => void process.stderr.write(`${text}\n`),
    async raw(chunk) {
      if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
    },
    interactive: Boolean(process.stdin.isTTY),
    confirm: askYesNo,
    password: readPassword,
    runner,
    onInterrupt(handler) {
      process.once('SIGINT', handler);
      return () => void process.off('SIGINT', handler);
    },
  };
  return built;
}

async function askYesNo(question: string): Promise<boolean> {
  const { createInterface } = await import('node:readline');
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: Boolean(process.stdin.isTTY) });
    let answered = false;
    rl.on('close', () => {
      if (!answered) {
        process.stderr.write('\n');
        resolve(false);
      }
    });
    rl.question(`${question} [y/N] `, (answer) => {
      answered = true;
      rl.close();
      resolve(/^\s*y(es)?\s*$/i.test(answer));
    });
  });
}

/** Read a password from the terminal without echoing it; nothing of it is printed or kept. */
function readPassword(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(prompt);
    let typed = '';
    stdin.setRawMode(true);
    stdin.resume();
    const done = (error?: Error): void => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: Buffer): void => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new Error('cancelled'));
        if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
        else typed += ch;
      }
    };
    stdin.on('data', onData);
  });
}
