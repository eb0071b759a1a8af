export type StepRunnerStart<T> = { ok: true; request: T } | { ok: false; exitCode: 2 };

/**
 * The start of every step runner (`nixdeck __activate|__demo-activate|__deploy|__demo-deploy
 * <json>`): its one argument parsed as a request. A wrong argument count or a bad request
 * (`BadRequest` thrown by `parse`) is said on standard error and ends it with exit status 2.
 * Once the request is good, a hang-up is ignored: a detached run goes on when the terminal or
 * SSH session that started nixdeck closes.
 */
export function stepRunnerRequest<T>(
  command: string,
  args: readonly string[],
  parse: (json: string) => T,
  BadRequest: abstract new (...args: never[]) => Error,
): StepRunnerStart<T> {
  const fail = (line: string): StepRunnerStart<T> => {
    process.stderr.write(`${line}\n`);
    return { ok: false, exitCode: 2 };
  };
  if (args.length !== 1 || args[0] === undefined) return fail(`usage: ${command} REQUEST_JSON`);
  let request: T;
  try {
    request = parse(args[0]);
  } catch (error) {
    if (error instanceof BadRequest) return fail(`error: bad request: ${error.message}`);
    throw error;
  }
  process.on('SIGHUP', () => {});
  return { ok: true, request };
}
