#!/usr/bin/env bash
# scripts/test-fleet-smoke.sh — smoke test of the fleet made by scripts/test-fleet.sh.
# Prints "FAIL: <check>" for each failing check and ends with "N passed, M failed" (exit 1 on any
# failure). It changes the hosts (switches, rollbacks), so run scripts/test-fleet.sh again before
# running it a second time:
#   FAKE_NIXOS_ROOT=/tmp/f bash scripts/test-fleet.sh && FAKE_NIXOS_ROOT=/tmp/f bash scripts/test-fleet-smoke.sh
set -uo pipefail
ROOT=${FAKE_NIXOS_ROOT:-${TMPDIR:-/tmp}/nixdeck-fleet}
[ -f "$ROOT/env.sh" ] || { echo "no fleet in $ROOT; run scripts/test-fleet.sh first" >&2; exit 1; }
# shellcheck source=/dev/null
source "$ROOT/env.sh"
cd "$FAKE_NIXOS_ROOT"   # `nixos-rebuild build` leaves its ./result link here

pass=0 fail=0
check() {  # check NAME 'shell condition'
  if eval "$2" >/dev/null 2>&1; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $1"; fi
}
on() { ssh -F "$FAKE_NIXOS_SSH_CONFIG" "$@"; }
HQ=$FAKE_NIXOS_ROOT/hosts/hq
PROFILES=/nix/var/nix/profiles

# --- the flake ---
check "flake lists hq pi t460" \
  '[ "$(nix eval --json "$FAKE_NIXOS_FLAKE#nixosConfigurations" --apply builtins.attrNames)" = "[\"hq\",\"pi\",\"t460\"]" ]'
check "host folders are committed" \
  '[ "$(git -C "$FAKE_NIXOS_FLAKE" ls-files systems hosts | tr "\n" " ")" = "hosts/pi/configuration.nix systems/hq/default.nix " ]'
check "flake tree is clean" '[ -z "$(git -C "$FAKE_NIXOS_FLAKE" status --porcelain)" ]'

# --- host roots, read from outside (what nixdeck --root DIR sees) ---
check "hq root: 4 generations" '[ "$(nix-env -p "$HQ$PROFILES/system" --list-generations | wc -l)" = 4 ]'
check "hq root: gen 4 current" 'nix-env -p "$HQ$PROFILES/system" --list-generations | grep -Eq "^ +4 +2025-12-01 [0-9:]+ +\(current\) *$"'
check "hq root: dates are fixed" \
  '[ "$(TZ=UTC nix-env -p "$HQ$PROFILES/system" --list-generations | head -n 1 | tr -s " ")" = " 1 2025-06-01 10:00:00 " ]'
check "hq root: booted = gen 3, running = gen 4" \
  '[ "$(readlink "$HQ/run/booted-system")" = "$(readlink -f "$HQ$PROFILES/system-3-link")" ] &&
   [ "$(readlink "$HQ/run/current-system")" = "$(readlink -f "$HQ$PROFILES/system-4-link")" ]'
check "hq root: kernel differs between booted and running" \
  '[ "$(ls "$HQ/run/booted-system/kernel-modules/lib/modules")" = 6.6.32 ] &&
   [ "$(ls "$HQ/run/current-system/kernel-modules/lib/modules")" = 6.12.4 ]'
check "hq root: etc" \
  '[ "$(cat "$HQ/etc/hostname")" = hq ] && [ -e "$HQ/etc/NIXOS" ] && grep -qx ID=nixos "$HQ/etc/os-release" &&
   grep -qx "VERSION_ID=\"25.11\"" "$HQ/etc/os-release"'
check "t460 and pi roots: 2 and 1 generations" \
  '[ "$(ls "$FAKE_NIXOS_ROOT/hosts/t460$PROFILES" | grep -c "^system-.*-link$")" = 2 ] &&
   [ "$(ls "$FAKE_NIXOS_ROOT/hosts/pi$PROFILES" | grep -c "^system-.*-link$")" = 1 ]'
check "hq gen 2 has specialisation gaming (a toplevel)" \
  '[ "$(ls "$HQ$PROFILES/system-2-link/specialisation")" = gaming ] &&
   case $(readlink "$HQ$PROFILES/system-2-link/specialisation/gaming") in /nix/store/*-nixos-system-hq-*) true ;; *) false ;; esac &&
   [ -x "$HQ$PROFILES/system-2-link/specialisation/gaming/sw/bin/steam" ] &&
   [ -z "$(ls "$HQ$PROFILES/system-1-link/specialisation")" ]'
check "boot.json is JSON and embeds the specialisation" \
  '[ "$(nix eval --impure --raw --expr "(builtins.fromJSON (builtins.readFile \"$HQ$PROFILES/system-2-link/boot.json\")).\"org.nixos.specialisation.v1\".gaming.\"org.nixos.bootspec.v1\".toplevel")" = \
     "$(readlink "$HQ$PROFILES/system-2-link/specialisation/gaming")" ]'
check "nixos-version --configuration-revision (unset: exit 1; gen 4: set)" \
  '! "$HQ$PROFILES/system-1-link/sw/bin/nixos-version" --configuration-revision &&
   [ "$("$HQ$PROFILES/system-4-link/sw/bin/nixos-version" --configuration-revision)" = 4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e ]'

# --- the same hosts over ssh (and through the session wrapper without ssh) ---
check "hq answers as hq" '[ "$(on hq hostname)" = hq ] && [ "$(on hq cat /etc/hostname)" = hq ]'
check "hq over ssh: 4 generations" '[ "$(on hq "nix-env -p $PROFILES/system --list-generations" | wc -l)" = 4 ]'
check "t460 over ssh: profile at generation 2" '[ "$(on t460 readlink $PROFILES/system)" = system-2-link ]'
check "hq over ssh: booted != current" '[ "$(on hq readlink /run/current-system)" != "$(on hq readlink /run/booted-system)" ]'
check "pi over ssh is NixOS" 'on pi "test -e /etc/NIXOS && grep -qx ID=nixos /etc/os-release"'
check "session wrapper without ssh" \
  '[ "$(FAKE_NIXOS_HOST=pi SSH_ORIGINAL_COMMAND="hostname; cat /etc/hostname" "$FAKE_NIXOS_ROOT/bin/fakehost-session" | tr "\n" " ")" = "pi pi " ]'
check "diff-closures gen 3 -> 4 shows the kernel" \
  'on hq "nix store diff-closures $PROFILES/system-3-link $PROFILES/system-4-link" | grep -q "linux: 6.6.32 → 6.12.4"'

# --- the nixos-rebuild stand-in (these change the hosts) ---
check "list-generations --json over ssh" \
  'on hq "nixos-rebuild list-generations --json" |
   node -e "const g = JSON.parse(require(\"fs\").readFileSync(0, \"utf8\")); process.exit(g.length === 4 && g[0].current && g[2].specialisations[0] === \"gaming\" ? 0 : 1)"'
check "switch hq -> generation 5" \
  'nixos-rebuild switch --flake "$FAKE_NIXOS_FLAKE#hq" --target-host hq && [ "$(on hq readlink $PROFILES/system)" = system-5-link ]'
check "switch moved hq's current-system" \
  '[ "$(readlink "$HQ/run/current-system")" = "$(readlink -f "$HQ$PROFILES/system-5-link")" ]'
check "pi build fails" '! nixos-rebuild switch --flake "$FAKE_NIXOS_FLAKE#pi" --target-host pi'
check "t460 rollback: activation fails (exit 4)" '! nixos-rebuild switch --rollback --target-host t460'
check "switch-generation over ssh" \
  'on hq "nix-env -p $PROFILES/system --switch-generation 2" && [ "$(readlink "$HQ$PROFILES/system")" = system-2-link ]'
# --rebuild runs the t460 builder (and its log lines) even when the path exists; nix refuses it
# while the path does not exist yet
T460="$FAKE_NIXOS_FLAKE#nixosConfigurations.t460.config.system.build.toplevel"
again=(); nix path-info "$T460" >/dev/null 2>&1 && again=(--rebuild)
check "internal-json streams the slow t460 build" \
  'nixos-rebuild build "${again[@]}" --flake "$FAKE_NIXOS_FLAKE#t460" --log-format internal-json -v 2>&1 |
   grep -q "\"fields\":\[\"step 3/3\"\],.*\"type\":101"'
check "switch-to-configuration logged the switch" 'grep -q "host=hq action=switch" "$FAKE_NIXOS_LOG"'

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
