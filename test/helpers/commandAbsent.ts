import { execaSync } from 'execa';

/** Why `file` cannot be run here (`file --version` fails), with the package to install; null when it runs. */
export function commandAbsent(file: string, versionFlag: string, installHint: string): string | null {
  try {
    execaSync(file, [versionFlag]);
    return null;
  } catch {
    return `${file} is not installed (${installHint})`;
  }
}
