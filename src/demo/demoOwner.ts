// Which process a demo folder belongs to, and the reaper that removes the folders of demos
// that did not clean up after themselves (killed with SIGKILL, a crash, a power cut).
import { lstatSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const DEMO_PREFIX = 'nixdeck-demo-';
/** `<pid> <start time>` of the process that made the folder */
export const OWNER_FILE = 'owner';
/** a folder of an older version has no owner file: removed once it is this old */
const OWNERLESS_AFTER_MS = 60 * 60 * 1000;

/** The process's start time in clock ticks since boot (/proc/PID/stat field 22), to tell a reused pid. */
function startTime(pid: number | 'self'): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

export function writeOwner(dir: string): void {
  writeFileSync(path.join(dir, OWNER_FILE), `${process.pid} ${startTime('self') ?? '-'}\n`);
}

/** Is the process named in an owner file gone? A live pid whose start time differs was reused. */
export function ownerIsGone(owner: string): boolean {
  const [pidText, started] = owner.trim().split(' ');
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: alive, someone else's
    return (error as { code?: string }).code === 'ESRCH';
  }
  if (!started || started === '-') return false;
  const now = startTime(pid);
  return now !== null && now !== started;
}

/**
 * Remove the `nixdeck-demo-*` folders in `parent` that belong to this user and whose owner
 * process is gone. Returns the folders removed. Anything else is left alone: other users'
 * folders, symlinks, folders of live demos, and what cannot be read.
 */
export function reapStaleDemoFolders(parent: string, now: number = Date.now()): string[] {
  const uid = process.getuid?.();
  let names: string[];
  try {
    names = readdirSync(parent).filter((name) => name.startsWith(DEMO_PREFIX));
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const dir = path.join(parent, name);
    try {
      const stat = lstatSync(dir);
      if (!stat.isDirectory() || (uid !== undefined && stat.uid !== uid)) continue;
      let stale: boolean;
      try {
        stale = ownerIsGone(readFileSync(path.join(dir, OWNER_FILE), 'utf8'));
      } catch {
        stale = now - stat.mtimeMs > OWNERLESS_AFTER_MS;
      }
      if (!stale) continue;
      rmSync(dir, { recursive: true, force: true });
      removed.push(dir);
    } catch {
      // vanished meanwhile, or not ours to remove
    }
  }
  return removed;
}
