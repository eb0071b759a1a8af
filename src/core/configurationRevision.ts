// The configuration revision a toplevel carries, found in the text of its files without running
// anything: nixos-cli's nixos-version.json, else the JSON that NixOS bakes into sw/bin/nixos-version
// (or its older `echo "<rev>"` branch). Used by the local reader and the host-facts parser alike.

const REVISION_JSON = /"configurationRevision"\s*:\s*"([^"@]+)"/;
const REVISION_ECHO = /--configuration-revision\)[^;]*?echo "([^"@$]+)"/;

export function revisionIn(text: string): string | null {
  return REVISION_JSON.exec(text)?.[1] ?? REVISION_ECHO.exec(text)?.[1] ?? null;
}
