// The one way a command for a remote POSIX shell is written: ssh sends the remote host a single
// string that its login shell parses, so every word is quoted here and nowhere else.

/** A word for a POSIX shell: as it is when plainly safe, else in single quotes. */
export function shellQuote(word: string): string {
  if (word.includes('\0')) throw new Error('a shell word cannot hold a NUL byte');
  if (word === '') return "''";
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** An argument vector as one command line for a POSIX shell (what `ssh HOST CMD` sends). */
export function shellCommand(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error('an empty command');
  return argv.map(shellQuote).join(' ');
}
