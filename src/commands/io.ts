import type { CommandRunner } from '../system/exec.js';

/**
 * Everything a command does outside its arguments and environment: where it writes, how it asks,
 * how it runs a process. The real one is built once (src/processIo.ts); tests pass fakes.
 */
export interface Io {
  /** a line on standard output */
  out(text: string): void;
  /** a line on standard error */
  err(text: string): void;
  /** bytes on standard output as they are (a saved log); resolves when they may be followed */
  raw(chunk: string | Uint8Array): Promise<void>;
  /** standard input is a terminal we may ask on */
  interactive: boolean;
  /** `question [y/N]`; only y or yes is a yes, end of input is No */
  confirm(question: string): Promise<boolean>;
  /** read a password without echoing it */
  password(prompt: string): Promise<string>;
  /** runs processes (argument arrays, never a shell string) */
  runner: CommandRunner;
  /** call `handler` on Ctrl-C until the returned function is called */
  onInterrupt(handler: () => void): () => void;
}

export function printJson(io: Pick<Io, 'out'>, value: unknown): void {
  io.out(JSON.stringify(value, null, 2));
}
