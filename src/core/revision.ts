// A generation's configuration revision as git can be asked about it. Revisions come from files
// on hosts (nixos-version.json, configurationRevision, labels), so they are validated here before
// they reach a git command line: only hex digits, never an option or a ref expression.

export interface Revision {
  /** 7 to 40 hex digits, lower case */
  hash: string;
  /** built from uncommitted changes (nix's self.dirtyRev / dirtyShortRev: "<rev>-dirty") */
  dirty: boolean;
}

const REVISION = /^([0-9a-fA-F]{7,40})(-dirty)?$/;

/** "abc1234", "<40 hex>", "<hex>-dirty" → the hash and whether it is dirty; anything else ("Unknown", "", null) → null. */
export function parseRevision(raw: string | null | undefined): Revision | null {
  if (typeof raw !== 'string') return null;
  const match = REVISION.exec(raw.trim());
  if (!match?.[1]) return null;
  return { hash: match[1].toLowerCase(), dirty: match[2] !== undefined };
}

// "<label>-git.<hex>" or "git-<hex>", the hex last or followed by a separator. NixOS's own
// ".git.<hex>" suffix (a version built from a nixpkgs checkout) names a nixpkgs commit, not the
// configuration's, so a "git" after a dot does not count; neither does the plain
// "<release>.<date>.<hex>" of a NixOS version (also nixpkgs).
const LABEL_REVISION = /(?:^|[-_])git[.-]([0-9a-fA-F]{7,40}(?:-dirty)?)(?=$|[-_.+~])/;

/** The configuration revision a label or NixOS version carries ("24.05-git.abc1234", "git-abc1234"), else null. */
export function revisionFromLabel(label: string | null | undefined): Revision | null {
  if (typeof label !== 'string') return null;
  const match = LABEL_REVISION.exec(label.trim());
  return match?.[1] ? parseRevision(match[1]) : null;
}
