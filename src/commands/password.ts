/** Read a password from the terminal without echoing it; nothing of it is printed or kept. */
export function readPassword(prompt: string): Promise<string> {
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

/**
 * When sudo needs a password, ask for it on the terminal. `{ ok: false }` (after saying why)
 * when there is no terminal to ask on; `password` is undefined when none is needed.
 */
export async function sudoPassword(io: { err(text: string): void }, needed: boolean, prompt: string): Promise<{ ok: true; password?: string } | { ok: false }> {
  if (!needed) return { ok: true };
  if (!process.stdin.isTTY) {
    io.err('error: sudo needs a password and there is no terminal to ask on; run nixdeck as root, or on a terminal');
    return { ok: false };
  }
  return { ok: true, password: await readPassword(prompt) };
}
