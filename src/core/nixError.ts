// Reading nix's `error:` messages: the kind, the failed derivation, the reason and the last log
// lines, the same for the Nix 2.8 and the modern wordings. Pure.

export type NixErrorKind = 'build' | 'dependencies' | 'eval' | 'other';

export interface NixErrorInfo {
  kind: NixErrorKind;
  /** the whole message, ANSI-free, possibly several lines */
  message: string;
  /** one line: the first line plus the `Reason:` line (≥ 2.29), e.g.
   *  `error: builder for '/nix/store/…-hello-1.0.drv' failed with exit code 2` */
  summary: string;
  drvPath: string | null;
  /** normalised across Nix versions: `builder failed with exit code 2`, `1 dependency failed` */
  reason: string | null;
  exitCode: number | null;
  /** `Last N log lines:` of the message, if it has them */
  logLines: string[];
  file: string | null;
  line: number | null;
  column: number | null;
}

const RE_BUILDER_FAILED = /builder for '([^']+)' failed (with exit code (\d+)|due to signal (\d+)(?: \(([^)]*)\))?)/;
const RE_CANNOT_BUILD = /Cannot build '([^']+)'/;
const RE_REASON = /^\s*Reason: (.*?)\.?\s*$/m;
const RE_DEPS_FAILED = /(\d+) dependenc(?:y|ies) of derivation '([^']+)' failed to build/;
const RE_HASH_MISMATCH = /hash mismatch in fixed-output derivation '([^']+)'/;
const RE_EXIT_CODE = /exit code (\d+)/;
const RE_LAST_LOG_LINES = /^\s*[Ll]ast \d+ log lines:\s*$/;

/** Classify one `error:` message (ANSI-free) from nix. */
export function parseNixError(
  message: string,
  extra: { rawMsg?: string; file?: string; line?: number; column?: number } = {},
): NixErrorInfo {
  const lines = message.split('\n');
  let first = (lines[0] ?? '').trim();
  if (first.endsWith(';')) first = first.slice(0, -1);
  const info: NixErrorInfo = {
    kind: 'other',
    message,
    summary: first,
    drvPath: null,
    reason: null,
    exitCode: null,
    logLines: [],
    file: extra.file ?? null,
    line: extra.line ?? null,
    column: extra.column ?? null,
  };

  const reasonMatch = RE_REASON.exec(message);
  const builder = RE_BUILDER_FAILED.exec(message);
  const cannot = RE_CANNOT_BUILD.exec(message);
  const deps = RE_DEPS_FAILED.exec(message);
  const hash = RE_HASH_MISMATCH.exec(message);
  if (builder) {
    info.kind = 'build';
    info.drvPath = builder[1] ?? null;
    if (builder[3] !== undefined) {
      info.reason = `builder failed with exit code ${builder[3]}`;
      info.exitCode = Number(builder[3]);
    } else {
      info.reason = `builder failed due to signal ${builder[4] ?? '?'}${builder[5] ? ` (${builder[5]})` : ''}`;
    }
  } else if (cannot) {
    info.drvPath = cannot[1] ?? null;
    const reason = reasonMatch?.[1] ?? null;
    info.reason = reason;
    info.kind = reason !== null && /\bdependenc(?:y|ies) failed\b/.test(reason) ? 'dependencies' : 'build';
    const code = reason === null ? null : RE_EXIT_CODE.exec(reason);
    if (code) info.exitCode = Number(code[1]);
  } else if (deps) {
    info.kind = 'dependencies';
    info.drvPath = deps[2] ?? null;
    info.reason = `${deps[1]} ${deps[1] === '1' ? 'dependency' : 'dependencies'} failed`;
  } else if (hash) {
    info.kind = 'build';
    info.drvPath = hash[1] ?? null;
    info.reason = 'hash mismatch in fixed-output derivation';
  } else if (extra.rawMsg !== undefined || extra.file !== undefined) {
    info.kind = 'eval';
  }

  if (info.kind === 'eval' || first === 'error:') {
    // modern eval errors start with a bare `error:` and a trace; the message proper is raw_msg,
    // or else the last `error: …` line of the text
    let bare = extra.rawMsg?.split('\n').find((l) => l.trim() !== '')?.trim();
    if (bare === undefined) {
      for (let k = lines.length - 1; k > 0; k--) {
        const t = (lines[k] ?? '').trim();
        if (t.startsWith('error: ')) {
          bare = t.slice('error: '.length);
          break;
        }
      }
    }
    if (bare !== undefined && bare !== '') info.summary = `error: ${bare}`;
  }
  if (reasonMatch && cannot) info.summary = `${first} ${(reasonMatch[0] ?? '').trim()}`;

  // `Last N log lines:` followed by `> line`s
  const at = lines.findIndex((l) => RE_LAST_LOG_LINES.test(l));
  if (at !== -1) {
    for (let k = at + 1; k < lines.length; k++) {
      const t = (lines[k] ?? '').trimStart();
      if (t.startsWith('> ')) info.logLines.push(t.slice(2));
      else if (t === '>') info.logLines.push('');
      else break;
    }
  }
  return info;
}
