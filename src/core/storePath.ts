// The one test of a store path nixdeck hands to nix or exec. Pure: no I/O.

export const DEFAULT_STORE_DIR = '/nix/store';

/** `<32 chars of nix's base32 (no e, o, t, u)>-<name>`, name as nix allows it, without `?` (which nix would read as a URL query), not starting with `.`. */
const STORE_BASE_NAME = /^[0-9a-df-np-sv-z]{32}-[A-Za-z0-9+_=-][A-Za-z0-9+._=-]*$/;

/** An absolute path in normal form: no empty, `.` or `..` segments, no trailing slash, no control characters. */
export function isNormalAbsolutePath(p: unknown): p is string {
  if (typeof p !== 'string' || !p.startsWith('/') || p.length >= 4096 || /[\0-\x1f\x7f]/.test(p)) return false;
  if (p === '/') return true;
  return p
    .slice(1)
    .split('/')
    .every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}

/**
 * `STORE/<hash>-<name>`, directly under the store directory. When the store directory is not
 * known (a fixture's or the demo's store under --root), any normal absolute directory holds it.
 */
export function isStorePath(p: unknown, storeDir?: string): p is string {
  if (!isNormalAbsolutePath(p)) return false;
  const slash = p.lastIndexOf('/');
  const dir = p.slice(0, slash);
  if (dir === '' || !STORE_BASE_NAME.test(p.slice(slash + 1))) return false;
  return storeDir === undefined || dir === storeDir;
}
