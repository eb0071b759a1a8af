import { opendirSync, statSync } from 'node:fs';

/**
 * What is wrong with `dir` as a folder to read, in words after its name, or null when it can be
 * read: "does not exist" only for ENOENT, "permission denied" for EACCES/EPERM.
 */
export function folderProblem(dir: string): string | null {
  try {
    if (!statSync(dir).isDirectory()) return 'is not a folder';
    opendirSync(dir).closeSync();
    return null;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ENOENT') return 'does not exist';
    if (code === 'ENOTDIR') return 'is not a folder (a part of its path is a file)';
    if (code === 'EACCES' || code === 'EPERM') return 'cannot be read (permission denied)';
    return `cannot be read (${code ?? (error as Error).message})`;
  }
}
