// Derivation names from store paths, like `builtins.parseDrvName`. Pure.

/** `/nix/store/<hash>-hello-1.0.drv` → `hello-1.0` (also for output paths, without `.drv`). */
export function derivationName(path: string): string {
  let base = path.slice(path.lastIndexOf('/') + 1);
  if (base.endsWith('.drv')) base = base.slice(0, -4);
  const dash = base.indexOf('-');
  // store path base names are `<32-char hash>-<name>`
  if (dash === 32) return base.slice(33);
  return base;
}

/**
 * Split a derivation name like `builtins.parseDrvName`: the version starts at the first dash
 * that is followed by a non-letter. `hello-1.0` → hello / 1.0; `nixos-system-t460-25.05.2025…`
 * → nixos-system-t460; `unit-nginx.service` → itself, no version.
 */
export function parseDrvName(name: string): { pname: string; version: string } {
  for (let i = 0; i < name.length - 1; i++) {
    if (name.charCodeAt(i) !== 0x2d /* - */) continue;
    const c = name.charCodeAt(i + 1);
    const letter = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
    if (!letter) return { pname: name.slice(0, i), version: name.slice(i + 1) };
  }
  return { pname: name, version: '' };
}

/** The name used for build history: derivation name without hash, `.drv` and version. */
export function pnameOf(drvPath: string): string {
  return parseDrvName(derivationName(drvPath)).pname;
}
