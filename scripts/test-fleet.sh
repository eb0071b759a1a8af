#!/usr/bin/env bash
# scripts/test-fleet.sh — a small "fake but real" NixOS fleet for nixdeck's integration tests.
#
# Real Nix (Debian's nix-bin) builds store paths shaped like NixOS system toplevels (no nixpkgs,
# every builder is the machine's /bin/sh), real profiles hold their generations, a flake with no
# inputs describes the hosts, and a real sshd on 127.0.0.1 serves one port per host. Each host has
# a folder that looks like the root of a NixOS machine, for `nixdeck --root DIR`:
#
#   $ROOT/hosts/<h>/nix/var/nix/profiles/system (+ system-N-link)   real nix-env profile
#   $ROOT/hosts/<h>/run/current-system, run/booted-system           -> store paths
#   $ROOT/hosts/<h>/etc/{hostname,os-release,NIXOS,nixos/flake.nix}
#
# ssh sessions see exactly those paths at /nix/var/nix/profiles, /run and /etc (bind mounts and an
# /etc overlay inside a private mount+UTS namespace), so `ssh -F $FAKE_NIXOS_SSH_CONFIG hq` answers
# like a NixOS box named hq.
#
#   host      port    generations                            flake configuration
#   hq        BASE    4; booted = 3 (kernel 3->4 differs, so  one step ahead (switch makes gen 5)
#                     a reboot is needed); gen 2 has the
#                     specialisation "gaming"
#   t460      BASE+1  2; activating gen 1 exits 4             slow build: 3 log lines, 1 s apart
#   pi        BASE+2  1                                       the build fails with log lines
#   edge      BASE+3  2                                       activating it cuts edge off (below)
#   refuser   BASE+4  nothing listens: "Connection refused"
#   blackhole BASE+5  accepts TCP, never answers (a node process; it exits when sshd does)
#   c01..cNN  BASE+6… FAKE_NIXOS_CLONES=N (0-99, default 0) copies of pi, for benches; in the
#                     flake too, with pi's running system (up to date)
#
# One sshd listens on at most 16 ports, so ssh/sshd.pid serves hq..edge and c01..c12, and each
# further 16 clones get ssh/sshd-2.pid, sshd-3.pid, ...; the black hole stops those when the first
# sshd is gone, so `kill "$(cat ssh/sshd.pid)"` still stops every process of the fleet.
#
# Cut-off: activating (switch or test) a toplevel built with cutsOff = true (edge's flake
# configuration, or $FAKE_NIXOS_CUTOFF_TOPLEVEL) writes its path to the host's /run/nixdeck-cut-off;
# while /run/current-system is that path, every new SSH session to the host exits 255 before
# running anything, with "fakehost-session: edge is cut off: ..." on stderr. Activating any other
# generation (the host's own rollback) moves /run/current-system and lets sessions in again.
#
# Sudo user: nddeploy (password $FAKE_NIXOS_SUDO_PASSWORD) logs in with the fleet key as
# `ssh -F $FAKE_NIXOS_SSH_CONFIG nddeploy@hq` and sees the same fake host as root; there
# `sudo -n` fails (a password is required) and `sudo -S` with the password works, keeping PATH and
# the fleet's variables. Its sshd ForceCommand is fakehost-session through a NOPASSWD sudo rule for
# that file only (/etc/sudoers.d/nixdeck-fleet-<id>); the session drops to nddeploy with setpriv.
#
# Usage:    FAKE_NIXOS_ROOT=/some/dir [FAKE_NIXOS_SSH_PORT=2222] [FAKE_NIXOS_CLONES=N] \
#             bash scripts/test-fleet.sh
#           then: source /some/dir/env.sh           (the last line printed says so)
# Teardown: FAKE_NIXOS_ROOT=/some/dir bash scripts/test-fleet.sh stop
#           (stops sshd and the black hole, removes the fleet's sudoers rule)
# Needs root (sshd's /run/sshd, mount namespaces, the sudo user) and the packages nix-bin,
# openssh-server, openssh-client, git, sudo, plus node; it installs nothing itself (.ci/run does).
# Running it again resets the fleet: the old sshd is stopped and every generated file is written
# afresh. The user nddeploy and /etc/sudoers.d/nixdeck-fleet stay (shared by all fleets).
set -euo pipefail

ROOT=${FAKE_NIXOS_ROOT:-${TMPDIR:-/tmp}/nixdeck-fleet}
BASE_PORT=${FAKE_NIXOS_SSH_PORT:-2222}
CLONE_COUNT=${FAKE_NIXOS_CLONES:-0}
HOSTS=(hq t460 pi edge)   # built from history.nix, on ports BASE..BASE+3
SSHD=/usr/sbin/sshd
SUDO_USER_NAME=nddeploy
SUDO_PASSWORD="nd fleet's pw"   # a space and a quote: it must travel on stdin, never in a command
SHARED_SUDOERS=/etc/sudoers.d/nixdeck-fleet

die() { echo "test-fleet: $*" >&2; exit 1; }

# --- 0. preconditions: fail fast, name what is missing ------------------------------------------
[ $# -eq 0 ] || [ "$*" = stop ] || die "unknown argument(s): $*. Usage: bash scripts/test-fleet.sh [stop]"
missing=()
for tool in nix nix-build nix-env git ssh ssh-keygen unshare setpriv node sudo visudo useradd chpasswd; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
[ -x "$SSHD" ] || missing+=("sshd ($SSHD)")
if [ ${#missing[@]} -gt 0 ]; then
  die "missing tool(s): ${missing[*]}. Install them with:
  apt-get install -y --no-install-recommends nix-bin openssh-server openssh-client git sudo
(node is the Node.js that runs nixdeck; setpriv and unshare are in util-linux, useradd and chpasswd in passwd)"
fi
[ "$(id -u)" = 0 ] || die "must run as root (sshd needs /run/sshd; host sessions use mount namespaces; it adds a sudo user)"
case $ROOT in /*) ;; *) ROOT=$PWD/$ROOT ;; esac
# the path is written into sshd_config and a sudoers rule, where most punctuation means something
[[ $ROOT =~ ^[A-Za-z0-9/._+-]+$ ]] ||
  die "FAKE_NIXOS_ROOT may hold only letters, digits and / . _ + - (it goes into sshd_config and sudoers): $ROOT"
[[ $CLONE_COUNT =~ ^[0-9]+$ ]] && [ "$CLONE_COUNT" -le 99 ] ||
  die "FAKE_NIXOS_CLONES must be a number of clone hosts from 0 to 99 (hosts c01..c99): $CLONE_COUNT"
CLONE_COUNT=$((10#$CLONE_COUNT))
PORT_COUNT=$((6 + CLONE_COUNT))   # 4 hosts, refuser, blackhole, clones
[[ $BASE_PORT =~ ^[0-9]+$ ]] && [ "$BASE_PORT" -ge 1 ] && [ "$BASE_PORT" -le $((65536 - PORT_COUNT)) ] ||
  die "FAKE_NIXOS_SSH_PORT must be a port number from 1 to $((65536 - PORT_COUNT)) (it uses that port and the next $((PORT_COUNT - 1))): $BASE_PORT"
REFUSED_PORT=$((BASE_PORT + 4))
BLACKHOLE_PORT=$((BASE_PORT + 5))
CLONES=()
for ((c = 1; c <= CLONE_COUNT; c++)); do CLONES+=("$(printf 'c%02d' "$c")"); done
SERVED=("${HOSTS[@]}" "${CLONES[@]}")   # every host sshd serves, SERVED[i] on SERVED_PORT[i]
SERVED_PORT=()
for i in "${!HOSTS[@]}"; do SERVED_PORT+=($((BASE_PORT + i))); done
for ((c = 0; c < CLONE_COUNT; c++)); do SERVED_PORT+=($((BASE_PORT + 6 + c))); done
# a surrounding git command (hooks, worktrees) must not leak into the flake repository
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY GIT_CEILING_DIRECTORIES
umask 022   # the sudo user reads the fleet's files (authorized_keys, bin/, nixconf/)

S=$ROOT/ssh
# one rule file per fleet (several fleets may run at once), named after the fleet's folder
SUDOERS=/etc/sudoers.d/nixdeck-fleet-$(printf %s "$ROOT" | cksum | cut -d' ' -f1)
started=$(date +%s.%N)

# --- 1. stop what a previous run started (only if each pid really is that process) ---------------
# $1: pid file, $2: text its process's command line must contain
stop_pid_file() {
  local pid state
  [ -f "$1" ] || return 0
  pid=$(cat "$1")
  rm -f "$1"
  [[ $pid =~ ^[0-9]+$ ]] || return 0
  grep -qaF "$2" "/proc/$pid/cmdline" 2>/dev/null || return 0
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 50); do  # wait until it is gone or a zombie (PID 1 here is slow to reap)
    state=$(sed -n 's/^.*) \(.\).*$/\1/p' "/proc/$pid/stat" 2>/dev/null) || break
    [ -z "$state" ] || [ "$state" = Z ] && break
    sleep 0.1
  done
}
stop_fleet() {
  local pid_file name
  # the black hole's process title names its script; an sshd's still names its config file
  stop_pid_file "$S/blackhole.pid" "$S/blackhole.cjs"
  for pid_file in "$S"/sshd.pid "$S"/sshd-*.pid; do
    name=${pid_file##*/}
    stop_pid_file "$pid_file" "$S/${name%.pid}_config"
  done
  rm -f "$SUDOERS"
}
stop_fleet
if [ "$*" = stop ]; then echo "test fleet in $ROOT stopped"; exit 0; fi

taken=()
for ((port = BASE_PORT; port < BASE_PORT + PORT_COUNT; port++)); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then taken+=("$port"); fi
done
case ${#taken[@]} in
  0) ;;
  1) die "port ${taken[0]} on 127.0.0.1 is already in use; choose other ports with FAKE_NIXOS_SSH_PORT=N (uses N..N+$((PORT_COUNT - 1)))" ;;
  *) die "ports ${taken[*]} on 127.0.0.1 are already in use; choose other ports with FAKE_NIXOS_SSH_PORT=N (uses N..N+$((PORT_COUNT - 1)))" ;;
esac

# --- 2. a clean root and the nix configuration --------------------------------------------------
mkdir -p "$ROOT"
rm -rf "$ROOT"/{bin,flake,hosts,nix,nixconf,overlay-work,ssh} "$ROOT"/{env.sh,setup.log,switch.log}
mkdir -p "$ROOT"/{bin,hosts,nix,nixconf,overlay-work,ssh}
chmod 0755 "$ROOT"   # mkdtemp makes it 0700; the sudo user's sessions need to get through
# root single-user Nix without a daemon: no nixbld group, no sandbox (builders are the host's
# /bin/sh), no binary cache (offline), flakes on
cat > "$ROOT/nixconf/nix.conf" <<'EOF'
build-users-group =
sandbox = false
substituters =
experimental-features = nix-command flakes
EOF
export NIX_CONF_DIR=$ROOT/nixconf
mkdir -p /nix/var/nix/profiles   # mount point for the host sessions; nix creates the rest

# --- 3. Nix code: NixOS-shaped toplevels without nixpkgs -----------------------------------------
cat > "$ROOT/nix/fake-nixos.nix" <<'NIX'
# Store paths shaped like NixOS system toplevels, without nixpkgs. Every builder is the machine's
# /bin/sh (needs sandbox = false), so the paths are input-addressed: the same on every machine.
let
  system = "x86_64-linux";   # builtins.currentSystem is not available in pure (flake) evaluation
  codenames = { "24.11" = "Vicuna"; "25.05" = "Warbler"; "25.11" = "Xantusia"; };

  shell = name: script: attrs: builtins.derivation ({
    inherit name system;
    builder = "/bin/sh";
    args = [ "-c" ("set -e\nPATH=/usr/bin:/bin\n" + script) ];
  } // attrs);

  # a "package": one executable plus a payload whose size depends on the version, so that
  # `nix store diff-closures` shows size changes (it hides deltas under 8 KiB)
  mkPkg = pname: version: shell "${pname}-${version}" ''
    mkdir -p $out/bin
    printf '#!/bin/sh\necho "%s %s"\n' ${pname} ${version} > $out/bin/${pname}
    chmod +x $out/bin/${pname}
    kib=$(( $(printf %s ${pname}-${version} | cksum | cut -d' ' -f1) % 500 + 20 ))
    head -c $((kib * 1024)) /dev/zero > $out/payload
  '' { };

  mkKernel = v: shell "linux-${v}" ''
    mkdir -p $out/lib/modules/${v}
    echo "fake kernel ${v}" > $out/bzImage
  '' { };
  mkInitrd = v: shell "initrd-linux-${v}" ''
    mkdir -p $out
    echo "fake initrd ${v}" > $out/initrd
  '' { };
  mkModules = v: shell "kernel-modules" ''
    mkdir -p $out/lib/modules/${v}
    echo "fake modules.dep" > $out/lib/modules/${v}/modules.dep
  '' { };

  # host, release, date, rev: the name nixos-system-<host>-<release>.<date>.<rev>
  # configRev: system.configurationRevision (null = unset, like most systems)
  # packages: { pname = version; } linked into sw/bin
  # specialisations: { name = <another mkSystem>; } linked as specialisation/<name>
  # slow: seconds the build takes (one log line each); fail: the build fails;
  # switchFails: switch-to-configuration exits 4 like a failed unit
  # cutsOff: activating it (switch, test) cuts the host off from new SSH sessions: it writes its
  #   path to /run/nixdeck-cut-off, and fakehost-session refuses sessions while it is running
  mkSystem = { host, release ? "25.05", date ? "20250601", rev ? "0000000", kernel ? "6.6.32",
               configRev ? null, packages ? { }, specialisations ? { },
               slow ? 0, fail ? false, switchFails ? false, cutsOff ? false }:
    let
      version = "${release}.${date}.${rev}";
      codename = codenames.${release} or "Unknown";
      out = builtins.placeholder "out";
      k = mkKernel kernel;
      i = mkInitrd kernel;
      m = mkModules kernel;
      hasRev = configRev != null;
      # inline and empty when false, so the other hosts' toplevels keep their store paths
      cutOff = if cutsOff then ''echo ${out} > "$FAKE_NIXOS_RUN/nixdeck-cut-off"; echo "restarting sshd: new SSH sessions are refused from now on"; '' else "";
      versionJson = builtins.toJSON ({ nixosVersion = version; nixpkgsRevision = rev; }
                                     // (if hasRev then { configurationRevision = configRev; } else { }));
    in shell "nixos-system-${host}-${version}" ''
      echo "building the system configuration for ${host} (${version})"
      n=0
      while [ $n -lt ${toString slow} ]; do n=$((n + 1)); echo "step $n/${toString slow}"; sleep 1; done
      ${if fail then ''echo "error: builder for host ${host} deliberately failed (fake)" >&2; exit 1'' else ""}
      mkdir -p $out/bin $out/sw/bin $out/specialisation
      printf %s ${version} > $out/nixos-version
      printf %s ${system} > $out/system
      printf %s "init=$out/init loglevel=4" > $out/kernel-params
      ln -s ${k}/bzImage $out/kernel
      ln -s ${i}/initrd $out/initrd
      ln -s ${m} $out/kernel-modules
      for p in $pkgs; do ln -s $p/bin/* $out/sw/bin/; done
      for s in $specs; do ln -s "''${s#*=}" "$out/specialisation/''${s%%=*}"; done
      printf '#!/bin/sh\necho "fake init of ${host}"\n' > $out/init
      printf '%s\n' "$nixosVersionScript" > $out/sw/bin/nixos-version
      printf '%s\n' "$switchScript" > $out/bin/switch-to-configuration
      chmod +x $out/init $out/sw/bin/nixos-version $out/bin/switch-to-configuration
      # bootspec v1; a specialisation's value is the child's whole boot.json
      {
        printf '{"org.nixos.bootspec.v1":{"init":"%s","initrd":"%s","kernel":"%s","kernelParams":["loglevel=4"],' \
          "$out/init" "${i}/initrd" "${k}/bzImage"
        printf '"label":"%s","system":"%s","toplevel":"%s"},"org.nixos.specialisation.v1":{' \
          "NixOS ${codename} ${version} (Linux ${kernel})" "${system}" "$out"
        sep=
        for s in $specs; do printf '%s"%s":' "$sep" "''${s%%=*}"; cat "''${s#*=}/boot.json"; sep=,; done
        printf '}}\n'
      } > $out/boot.json
    '' {
      pkgs = map (p: mkPkg p packages.${p}) (builtins.attrNames packages);
      specs = map (s: "${s}=${specialisations.${s}}") (builtins.attrNames specialisations);

      # like nixos/modules/installer/tools/nixos-version.sh
      nixosVersionScript = ''
        #!/bin/sh
        case "$1" in
          --hash|--revision) echo ${rev} ;;
          --configuration-revision)
            ${if hasRev then "echo ${configRev}" else ''echo "$0: configuration revision is unknown" >&2; exit 1''} ;;
          --json) echo '${versionJson}' ;;
          *) echo "${version} (${codename})" ;;
        esac
      '';

      # logs every call to $FAKE_NIXOS_LOG, prints NixOS-like lines, moves $FAKE_NIXOS_RUN/current-system
      switchScript = ''
        #!/bin/sh
        action=$1
        case "$action" in
          switch|boot|test|dry-activate) ;;
          *) echo "Usage: $0 [switch|boot|test|dry-activate]" >&2; exit 1 ;;
        esac
        echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) host=$(hostname) action=$action toplevel=${out}" >> "''${FAKE_NIXOS_LOG:-/dev/null}"
        case "$action" in switch|boot) echo "updating systemd-boot entries..." ;; esac
        case "$action" in
          boot) exit 0 ;;
          dry-activate) echo "would restart the following units: nginx.service"; exit 0 ;;
        esac
        echo "activating the configuration..."
        echo "setting up /etc..."
        if [ -n "''${FAKE_NIXOS_RUN:-}" ]; then ln -sfn ${out} "$FAKE_NIXOS_RUN/current-system"; ${cutOff}fi
        echo "reloading user units for root..."
        ${if switchFails then ''
          echo "warning: the following units failed: nginx.service" >&2
          echo "warning: error(s) occurred while switching to the new configuration" >&2
          exit 4'' else "exit 0"}
      '';
    };
in { inherit mkPkg mkKernel mkSystem; }
NIX

# what each host's profile already holds, oldest first (generation N = element N-1)
cat > "$ROOT/nix/history.nix" <<'NIX'
let s = (import ./fake-nixos.nix).mkSystem; in {
  hq = [
    (s { host = "hq"; date = "20250601"; rev = "aaaaaaa"; kernel = "6.6.30";
         packages = { firefox = "118.0"; git = "2.44.0"; htop = "3.3.0"; }; })
    (s { host = "hq"; date = "20250615"; rev = "bbbbbbb"; kernel = "6.6.32";
         packages = { firefox = "119.0"; git = "2.44.0"; htop = "3.3.0"; ripgrep = "14.1.0"; };
         specialisations.gaming = s { host = "hq"; date = "20250615"; rev = "bbbbbbb"; kernel = "6.6.32";
           packages = { firefox = "119.0"; git = "2.44.0"; htop = "3.3.0"; ripgrep = "14.1.0"; steam = "1.0.0.81"; }; };
       })
    (s { host = "hq"; date = "20250701"; rev = "ccccccc"; kernel = "6.6.32";
         packages = { firefox = "119.0.1"; git = "2.45.1"; ripgrep = "14.1.0"; }; })
    (s { host = "hq"; release = "25.11"; date = "20251201"; rev = "ddddddd"; kernel = "6.12.4";
         configRev = "4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e";
         packages = { firefox = "120.0"; git = "2.45.1"; ripgrep = "14.1.1"; neovim = "0.10.2"; }; })
  ];
  t460 = [
    # activating generation 1 fails (exit 4), so `switch --rollback` fails
    (s { host = "t460"; date = "20250520"; rev = "1010101"; switchFails = true;
         packages = { firefox = "118.0"; vim = "9.1"; }; })
    (s { host = "t460"; date = "20250610"; rev = "1212121"; packages = { firefox = "119.0"; vim = "9.1"; }; })
  ];
  pi = [
    (s { host = "pi"; date = "20250501"; rev = "0909090"; kernel = "6.1.90"; packages = { htop = "3.3.0"; }; })
  ];
  edge = [
    (s { host = "edge"; date = "20250801"; rev = "e1e1e1e"; kernel = "6.6.40"; packages = { nginx = "1.26.1"; }; })
    (s { host = "edge"; date = "20250901"; rev = "e2e2e2e"; kernel = "6.6.40"; packages = { nginx = "1.26.2"; }; })
  ];
  # not in any profile: a ready-built toplevel whose activation cuts its host off ($FAKE_NIXOS_CUTOFF_TOPLEVEL)
  edgeCutOff = s { host = "edge"; date = "20251001"; rev = "e3e3e3e"; kernel = "6.6.40"; cutsOff = true;
                   packages = { nginx = "1.27.0"; }; };
}
NIX

# --- 4. the flake: no inputs (evaluates offline), a git repository with everything committed -------
F=$ROOT/flake
mkdir -p "$F/systems/hq" "$F/hosts/pi"
cp "$ROOT/nix/fake-nixos.nix" "$F/"
cat > "$F/flake.nix" <<'NIX'
{
  description = "nixdeck test fleet (fake NixOS hosts, no inputs)";
  outputs = { self }:
    let
      fake = import ./fake-nixos.nix;
      host = name: args: {
        _type = "configuration";
        class = "nixos";
        config = {
          networking.hostName = name;
          nixpkgs.hostPlatform.system = "x86_64-linux";
          system.nixos.release = args.release or "25.05";
          system.build.toplevel = fake.mkSystem ({ host = name; configRev = self.rev or null; } // args);
        };
      };
      # FAKE_NIXOS_CLONES: copies of pi's generation 1, so their running system is the flake's
      clone = name: {
        _type = "configuration";
        class = "nixos";
        config = {
          networking.hostName = name;
          nixpkgs.hostPlatform.system = "x86_64-linux";
          system.nixos.release = "25.05";
          system.build.toplevel = fake.mkSystem { host = "pi"; date = "20250501"; rev = "0909090"; kernel = "6.1.90";
                                                  packages = { htop = "3.3.0"; }; };
        };
      };
    in {
      nixosConfigurations = {
        # one step ahead of hq's current generation 4
        hq = host "hq" { release = "25.11"; date = "20251215"; rev = "eeeeeee"; kernel = "6.12.6";
                         packages = { firefox = "121.0"; git = "2.45.1"; ripgrep = "14.1.1"; neovim = "0.10.3"; }; };
        # a slow build: three log lines a second apart, for streaming
        t460 = host "t460" { date = "20250701"; rev = "1313131"; slow = 3; packages = { firefox = "120.0"; vim = "9.1.1"; }; };
        # the build fails with log lines
        pi = host "pi" { date = "20250701"; rev = "0a0a0a0"; fail = true; packages = { htop = "3.3.1"; }; };
        # its activation (switch, test) cuts edge off from new SSH sessions: for automatic rollback
        edge = host "edge" { date = "20251001"; rev = "e3e3e3e"; kernel = "6.6.40"; cutsOff = true;
                             packages = { nginx = "1.27.0"; }; };
      } // builtins.listToAttrs (map (name: { inherit name; value = clone name; }) (import ./clones.nix));
    };
}
NIX
# host folders, for folder discovery (systems/<h>/default.nix, hosts/<h>/configuration.nix)
cat > "$F/systems/hq/default.nix" <<'NIX'
{ ... }: {
  networking.hostName = "hq";
  services.openssh.enable = true;
}
NIX
cat > "$F/hosts/pi/configuration.nix" <<'NIX'
{ ... }: {
  networking.hostName = "pi";
  boot.loader.generic-extlinux-compatible.enable = true;
}
NIX
printf '[%s ]\n' "$(printf ' "%s"' "${CLONES[@]}")" > "$F/clones.nix"
[ ${#CLONES[@]} -gt 0 ] || echo '[ ]' > "$F/clones.nix"
git -C "$F" -c init.defaultBranch=main init -q
git -C "$F" add -A   # a flake in a git repository sees only tracked files
# fixed identity and dates: the same commit, hence the same self.rev and store paths, every run
GIT_AUTHOR_DATE=2025-12-15T12:00:00Z GIT_COMMITTER_DATE=2025-12-15T12:00:00Z \
  git -C "$F" -c user.name=nixdeck-ci -c user.email=ci@nixdeck.invalid -c commit.gpgsign=false \
  commit -q -m "test fleet"

# --- 5. build the history and give every host a NixOS-like root ----------------------------------
declare -A DATES=(
  [hq]="2025-06-01T10:00:00Z 2025-06-15T11:30:00Z 2025-07-01T09:15:00Z 2025-12-01T18:45:00Z"
  [t460]="2025-05-20T08:00:00Z 2025-06-10T19:20:00Z"
  [pi]="2025-05-01T12:00:00Z"
  [edge]="2025-08-01T09:00:00Z 2025-09-01T09:00:00Z"
)
declare -A BOOTED=([hq]=3 [t460]=2 [pi]=1 [edge]=2)   # hq booted one generation back: reboot needed
declare -A CODENAMES=([24.11]=Vicuna [25.05]=Warbler [25.11]=Xantusia)
# each host's /etc/hosts names it, as NixOS's does (or sudo says "unable to resolve host")
machine_hosts=$(cat /etc/hosts 2>/dev/null || true)
write_hosts() { printf '%s\n127.0.0.2 %s\n' "$machine_hosts" "$2" > "$1/etc/hosts"; }

# build all of it in one go, in parallel (-j auto); nix-build prints the toplevels in list order,
# hq's generations first; about 1 s from an empty /nix
built=$(nix-build --no-out-link -j auto -E "with import $ROOT/nix/history.nix; ${HOSTS[*]/%/ ++} [ edgeCutOff ]" \
  2>>"$ROOT/setup.log") || die "building the hosts' generations failed; see $ROOT/setup.log"
mapfile -t TOPLEVELS <<< "$built"
CUTOFF_TOPLEVEL=${TOPLEVELS[-1]}
[[ $CUTOFF_TOPLEVEL == /nix/store/*-nixos-system-edge-25.05.20251001.e3e3e3e ]] ||
  die "nix-build printed an unexpected list of toplevels; see $ROOT/setup.log"

next=0
for h in "${HOSTS[@]}"; do
  H=$ROOT/hosts/$h
  P=$H/nix/var/nix/profiles
  mkdir -p "$P" "$H/run" "$H/etc/nixos"
  read -r -a dates <<< "${DATES[$h]}"
  for ((g = 1; g <= ${#dates[@]}; g++)); do
    toplevel=${TOPLEVELS[next]}; next=$((next + 1))
    [[ $toplevel == /nix/store/*-nixos-system-$h-* ]] || die "expected a toplevel of $h, nix-build printed $toplevel"
    nix-env -p "$P/system" --set "$toplevel" 2>>"$ROOT/setup.log" ||
      die "nix-env --set for $h generation $g failed; see $ROOT/setup.log"
    [ -L "$P/system-$g-link" ] || die "expected $P/system-$g-link after nix-env --set"
    touch -h -d "${dates[g - 1]}" "$P/system-$g-link"   # the generation's date is the link's mtime
  done
  touch -h -d "${dates[-1]}" "$P/system"
  ln -sfn "$(readlink -f "$P/system")" "$H/run/current-system"
  ln -sfn "$(readlink -f "$P/system-${BOOTED[$h]}-link")" "$H/run/booted-system"

  version=$(cat "$H/run/current-system/nixos-version")   # e.g. 25.11.20251201.ddddddd
  release=${version%.*.*}
  codename=${CODENAMES[$release]:-Unknown}
  printf '%s\n' "$h" > "$H/etc/hostname"
  write_hosts "$H" "$h"
  : > "$H/etc/NIXOS"
  cat > "$H/etc/os-release" <<EOF
ANSI_COLOR="0;38;2;126;186;228"
BUG_REPORT_URL="https://github.com/NixOS/nixpkgs/issues"
BUILD_ID="$version"
DOCUMENTATION_URL="https://nixos.org/learn.html"
HOME_URL="https://nixos.org/"
ID=nixos
LOGO="nix-snowflake"
NAME=NixOS
PRETTY_NAME="NixOS $release ($codename)"
SUPPORT_URL="https://nixos.org/community.html"
VERSION="$release ($codename)"
VERSION_CODENAME=${codename,,}
VERSION_ID="$release"
EOF
  ln -sfn "$F/flake.nix" "$H/etc/nixos/flake.nix"
done
# clones: pi's root (same generation, same store paths, same link dates) under another name, made
# by one node process rather than a few commands per clone
if [ ${#CLONES[@]} -gt 0 ]; then
  node - "$ROOT" "${CLONES[@]}" 2>>"$ROOT/setup.log" <<'JS' || die "making the clone hosts failed; see $ROOT/setup.log"
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const [root, ...clones] = process.argv.slice(2);
const pi = path.join(root, 'hosts', 'pi');
function copy(from, to) {
  const st = fs.lstatSync(from);
  if (st.isSymbolicLink()) {
    fs.symlinkSync(fs.readlinkSync(from), to);
    fs.lutimesSync(to, st.atime, st.mtime); // a generation's date is its link's mtime
  } else if (st.isDirectory()) {
    fs.mkdirSync(to, { mode: st.mode & 0o7777 });
    for (const entry of fs.readdirSync(from)) copy(path.join(from, entry), path.join(to, entry));
  } else {
    fs.copyFileSync(from, to);
    fs.chmodSync(to, st.mode & 0o7777);
  }
}
const hosts = fs.readFileSync(path.join(pi, 'etc/hosts'), 'utf8');
for (const clone of clones) {
  const dir = path.join(root, 'hosts', clone);
  copy(pi, dir);
  fs.writeFileSync(path.join(dir, 'etc/hostname'), `${clone}\n`);
  fs.writeFileSync(path.join(dir, 'etc/hosts'), hosts.replace(/^127\.0\.0\.2 pi$/m, `127.0.0.2 ${clone}`));
}
JS
fi

# --- 6. nixos-rebuild stand-in (Debian has no nixos-rebuild) -------------------------------------
cat > "$ROOT/bin/nixos-rebuild" <<'SH'
#!/usr/bin/env bash
# Test stand-in for nixos-rebuild, generated by nixdeck's scripts/test-fleet.sh (not upstream code).
# Subset: switch|boot|test|build|dry-build|dry-activate|list-generations [--json],
#   --flake REF[#HOST], --rollback, --target-host HOST (ssh $NIX_SSHOPTS), --profile-name NAME,
#   and nix build flags passed through (--log-format F, -v, -L, --show-trace, --option K V, ...).
set -eo pipefail
action= flake= rollback= target= json= profile=/nix/var/nix/profiles/system
build_flags=()
while [ $# -gt 0 ]; do
  arg=$1; shift
  case $arg in
    switch|boot|test|build|dry-build|dry-activate|list-generations) action=$arg ;;
    --flake) flake=$1; shift ;;
    --rollback) rollback=1 ;;
    --target-host) target=$1; shift ;;
    --profile-name|-p) [ "$1" = system ] || profile=/nix/var/nix/profiles/system-profiles/$1; shift ;;
    --json) json=1 ;;
    --log-format|--max-jobs|-j|--cores) build_flags+=("$arg" "$1"); shift ;;
    --option) build_flags+=("$arg" "$1" "$2"); shift 2 ;;
    -v|-vv|-vvv|--verbose|-L|--print-build-logs|--show-trace|--keep-going|-k|--impure|--offline|--rebuild)
      build_flags+=("$arg") ;;
    --fast|--no-build-nix|--use-remote-sudo|--sudo|--no-ssh-tty|-s|--use-substitutes) ;;
    *) echo "nixos-rebuild: unknown option '$arg'" >&2; exit 1 ;;
  esac
done
if [ -z "$action" ]; then
  echo "usage: nixos-rebuild ACTION [--flake REF#HOST] [--rollback] [--target-host HOST] [--json]" >&2
  exit 1
fi

# run a command on the target (over ssh, arguments quoted for its shell) or here
on_target() {
  if [ -n "$target" ]; then
    # shellcheck disable=SC2086  # NIX_SSHOPTS is a list of ssh options
    ssh $NIX_SSHOPTS "$target" "$(printf '%q ' "$@")"
  else
    "$@"
  fi
}

if [ "$action" = list-generations ]; then
  # one line per generation, newest first, fields separated by \037 (empty fields survive read):
  #   N epoch version kernel revision specialisations(comma-separated) current
  lister='p=$1; cur=$(readlink "$p" || true); cd "$(dirname "$p")"; b=$(basename "$p")
    for l in "$b"-*-link; do
      [ -L "$l" ] || continue
      n=${l#"$b"-}; n=${n%-link}
      v=$(cat "$l/nixos-version" 2>/dev/null || echo Unknown)
      k=$(ls "$l/kernel-modules/lib/modules" 2>/dev/null | head -n 1)
      r=$("$l/sw/bin/nixos-version" --configuration-revision 2>/dev/null || true)
      s=$(ls "$l/specialisation" 2>/dev/null | paste -sd, -)
      c=false; [ "$l" = "$cur" ] && c=true
      printf "%s\037%s\037%s\037%s\037%s\037%s\037%s\n" "$n" "$(stat -c %Y "$l")" "$v" "${k:-Unknown}" "$r" "$s" "$c"
    done | sort -n -r'
  rows=$(on_target bash -c "$lister" list-generations "$profile")
  if [ -n "$json" ]; then
    sep=; printf '['
    while IFS=$'\037' read -r n ts v k r s c; do
      specs=; [ -n "$s" ] && specs="\"${s//,/\",\"}\""
      printf '%s\n  {"generation": %s, "date": "%s", "nixosVersion": "%s", "kernelVersion": "%s", "configurationRevision": "%s", "specialisations": [%s], "current": %s}' \
        "$sep" "$n" "$(date -u -d "@$ts" +%Y-%m-%dT%H:%M:%SZ)" "$v" "$k" "$r" "$specs" "$c"
      sep=,
    done <<< "$rows"
    printf '\n]\n'
  else
    printf 'Generation  Build-date           NixOS version  Kernel  Configuration Revision  Specialisation\n'
    while IFS=$'\037' read -r n ts v k r s c; do
      [ "$c" = true ] && n="$n current"
      printf '%-11s %s  %s  %s  %s  %s\n' "$n" "$(date -d "@$ts" '+%F %T')" "$v" "$k" "${r:--}" "${s:-*}"
    done <<< "$rows"
  fi
  exit 0
fi

if [ -z "$rollback" ]; then
  if [ -z "$flake" ]; then
    on_target test -e /etc/nixos/flake.nix || { echo "error: no --flake and no /etc/nixos/flake.nix" >&2; exit 1; }
    flake=$(dirname "$(on_target readlink -f /etc/nixos/flake.nix)")
  fi
  case $flake in
    *'#'*) ref=${flake%%#*}; host=${flake#*#} ;;
    *) ref=$flake; host=$(on_target cat /proc/sys/kernel/hostname) ;;
  esac
  echo "building the system configuration..." >&2
  installable="$ref#nixosConfigurations.\"$host\".config.system.build.toplevel"
  case $action in
    build) links=(--out-link result) ;;
    dry-build) nix build --dry-run "${build_flags[@]}" "$installable"; exit ;;
    *) links=(--no-link) ;;
  esac
  # Nix 2.8 has no --print-out-paths: read the path from --json
  out=$(nix build "${links[@]}" --json "${build_flags[@]}" "$installable" |
        sed -n 's/.*"out":"\([^"]*\)".*/\1/p')
  [ -n "$out" ] || exit 1
  if [ -n "$target" ]; then NIX_SSHOPTS="${NIX_SSHOPTS:-}" nix-copy-closure --to "$target" "$out"; fi
  case $action in switch|boot) on_target nix-env -p "$profile" --set "$out" ;; esac
else
  case $action in
    switch|boot) on_target nix-env --rollback -p "$profile"; out=$profile ;;
    test|dry-activate)
      previous=$(on_target nix-env -p "$profile" --list-generations | awk '/\(current\)/ { print prev; exit } { prev = $1 }')
      [ -n "$previous" ] || { echo "error: no generation older than the current one" >&2; exit 1; }
      out=$profile-$previous-link ;;
    *) echo "error: --rollback only works with switch, boot, test and dry-activate" >&2; exit 1 ;;
  esac
fi

case $action in
  switch|boot|test|dry-activate)
    on_target "$out/bin/switch-to-configuration" "$action" || {
      echo "warning: error(s) occurred while switching to the new configuration" >&2
      exit 1
    } ;;
esac
SH
chmod +x "$ROOT/bin/nixos-rebuild"

# --- 7. sshd: port SERVED_PORT[i] serves SERVED[i]; each session runs "on" that host -------------
# The session wrapper also works without ssh, to run a command on a host locally:
#   FAKE_NIXOS_HOST=hq SSH_ORIGINAL_COMMAND='readlink /run/current-system' $ROOT/bin/fakehost-session
cat > "$ROOT/bin/fakehost-session" <<'SH'
#!/bin/sh
# sshd ForceCommand of nixdeck's test fleet: run the session in a private mount+UTS namespace
# where /nix/var/nix/profiles, /run and /etc are those of <fleet>/hosts/$FAKE_NIXOS_HOST.
# Root's sessions run it directly; the sudo user's run it through sudo (a NOPASSWD rule for this
# file only), and it drops to that user inside the namespace.
set -e
# the fleet is where this file is, not $FAKE_NIXOS_ROOT: a sudo caller could point that anywhere
root=$(cd "$(dirname "$0")/.." && pwd)
host=${FAKE_NIXOS_HOST:-}
case $host in
  '' | *[!a-z0-9-]*)
    echo "fakehost-session: FAKE_NIXOS_HOST must name a host of the fleet, not '$host'" >&2; exit 255 ;;
esac
[ -d "$root/hosts/$host" ] || { echo "fakehost-session: the fleet in $root has no host $host" >&2; exit 255; }
# cut off while the running configuration is the one that wrote the flag (see test-fleet.sh)
flag=$root/hosts/$host/run/nixdeck-cut-off
if [ -f "$flag" ] && [ "$(cat "$flag")" = "$(readlink "$root/hosts/$host/run/current-system")" ]; then
  echo "fakehost-session: $host is cut off: its running configuration refuses new SSH sessions (activating another generation lets them in again)" >&2
  exit 255
fi
user=
if [ "$(id -u)" = 0 ] && [ -n "${SUDO_USER:-}" ] && [ "$SUDO_USER" != root ]; then user=$SUDO_USER; fi
unset SUDO_USER SUDO_UID SUDO_GID SUDO_COMMAND
export FAKE_NIXOS_ROOT="$root" FAKE_NIXOS_HOST="$host" NIX_CONF_DIR="$root/nixconf" \
  FAKE_NIXOS_LOG="$root/switch.log" FAKE_NIXOS_RUN=/run PATH="$root/bin:$PATH" SHLVL=1
# overlayfs empties its workdir at every mount: sessions of one host running at once each need
# their own, or one mount removes the other's work/ in the middle (ENOENT, "special device
# overlay does not exist")
work=$(mktemp -d "$root/overlay-work/$host.XXXXXX")
export FAKE_NIXOS_OVERLAY_WORK="$work"
set +e
unshare --mount --uts --propagation private -- /bin/sh -c '
  set -e
  host_root=$FAKE_NIXOS_ROOT/hosts/$FAKE_NIXOS_HOST
  hostname "$FAKE_NIXOS_HOST"
  mount --bind "$host_root/nix/var/nix/profiles" /nix/var/nix/profiles
  mount --bind "$host_root/run" /run
  mount -t overlay overlay \
    -o "lowerdir=/etc,upperdir=$host_root/etc,workdir=$FAKE_NIXOS_OVERLAY_WORK" /etc
  unset FAKE_NIXOS_OVERLAY_WORK
  cd /
  if [ -n "$1" ]; then
    HOME=$(getent passwd "$1" | cut -d: -f6)
    export USER="$1" LOGNAME="$1" HOME SHELL=/bin/bash
    set -- setpriv --reuid="$1" --regid="$(id -g "$1")" --init-groups --
  else
    set --
  fi
  if [ -n "$SSH_ORIGINAL_COMMAND" ]; then exec "$@" /bin/bash -c "$SSH_ORIGINAL_COMMAND"; fi
  exec "$@" /bin/bash -l' fakehost-session "$user"
status=$?
rm -rf "$work"
exit $status
SH
chmod +x "$ROOT/bin/fakehost-session"

# the black hole: accepts TCP connections and never writes a byte; it watches sshd and exits
# with it, so stopping sshd stops the whole fleet
cat > "$S/blackhole.cjs" <<'JS'
'use strict';
// usage: node blackhole.cjs PORT PIDFILE SSHD_PID SSHD_CONFIG [PID CONFIG]...
// Listens on 127.0.0.1:PORT and never writes. When the first sshd is gone (or a zombie), it stops
// the other sshds named (if their command line still names their config) and exits.
const fs = require('node:fs');
const net = require('node:net');
const [port, pidFile, ...watched] = process.argv.slice(2);
const sshds = [];
for (let i = 0; i + 1 < watched.length; i += 2) sshds.push({ pid: Number(watched[i]), config: watched[i + 1] });
const alive = ({ pid, config }) => {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(config); // empty for a zombie
  } catch {
    return false;
  }
};
const held = new Set();
const server = net.createServer((socket) => {
  held.add(socket);
  socket.on('error', () => {});
  socket.on('close', () => held.delete(socket));
});
server.on('error', (error) => {
  console.error(`blackhole: ${error.message}`);
  process.exit(1);
});
server.listen(Number(port), '127.0.0.1', () => fs.writeFileSync(pidFile, `${process.pid}\n`));
setInterval(() => {
  if (sshds.length > 0 && alive(sshds[0])) return;
  for (const other of sshds.slice(1)) if (alive(other)) process.kill(other.pid, 'SIGTERM');
  process.exit(0);
}, 500);
JS

# the sudo user: shared by every fleet on the machine (and kept); the password is set every time
retry() { for _ in $(seq 20); do "$@" 2>>"$ROOT/setup.log" && return 0; sleep 0.2; done; return 1; }  # /etc/passwd lock
has_user() { id -u "$SUDO_USER_NAME" >/dev/null 2>&1; }
add_user() { has_user || useradd --create-home --shell /bin/bash --comment "nixdeck test fleet" "$SUDO_USER_NAME" || has_user; }
set_password() { printf '%s:%s\n' "$SUDO_USER_NAME" "$SUDO_PASSWORD" | chpasswd; }
retry add_user || die "could not add the user $SUDO_USER_NAME; see $ROOT/setup.log"
retry set_password || die "could not set the password of $SUDO_USER_NAME; see $ROOT/setup.log"
# $1: the file under /etc/sudoers.d, stdin: its text. Checked by visudo first (a broken file would
# break sudo for everyone), written under a name with a dot (sudo skips those), then renamed.
install_sudoers() {
  local tmp="$1.tmp.$$"
  cat > "$tmp"
  chmod 0440 "$tmp"
  visudo -cqf "$tmp" >>"$ROOT/setup.log" 2>&1 || { rm -f "$tmp"; die "visudo rejected $1; see $ROOT/setup.log"; }
  mv -f "$tmp" "$1"
}
install_sudoers "$SHARED_SUDOERS" <<EOF
# nixdeck test fleet (scripts/test-fleet.sh): $SUDO_USER_NAME may run anything with its password,
# asked every time; PATH and the fleet's variables pass through, as on a NixOS host
Defaults:$SUDO_USER_NAME env_keep += "FAKE_NIXOS_ROOT FAKE_NIXOS_HOST FAKE_NIXOS_LOG FAKE_NIXOS_RUN NIX_CONF_DIR"
Defaults:$SUDO_USER_NAME env_keep += "SSH_ORIGINAL_COMMAND SSH_CONNECTION SSH_CLIENT"
Defaults:$SUDO_USER_NAME !secure_path, timestamp_timeout=0, lecture=never
$SUDO_USER_NAME ALL=(ALL:ALL) ALL
EOF
install_sudoers "$SUDOERS" <<EOF
# fleet root: $ROOT
# its sshd's ForceCommand for $SUDO_USER_NAME; \`scripts/test-fleet.sh stop\` removes this file
$SUDO_USER_NAME ALL=(root) NOPASSWD: $ROOT/bin/fakehost-session ""
EOF
# rules of fleets whose folder is gone (a teardown that never ran)
for old in /etc/sudoers.d/nixdeck-fleet-*; do
  case $old in *.*) continue ;; esac
  [ -f "$old" ] && [ "$old" != "$SUDOERS" ] || continue
  old_root=$(sed -n 's/^# fleet root: //p' "$old")
  if [ -n "$old_root" ] && [ ! -e "$old_root/bin/fakehost-session" ]; then rm -f "$old"; fi
done

ssh-keygen -q -t ed25519 -N '' -C nixdeck-fleet-host -f "$S/ssh_host_ed25519_key"
ssh-keygen -q -t ed25519 -N '' -C nixdeck-fleet-client -f "$S/id_ed25519"
cp "$S/id_ed25519.pub" "$S/authorized_keys"   # read by sshd as the logging-in user: 0644
# known in advance, so clients need no accept-new (and never race writing known_hosts)
host_key=$(cut -d' ' -f1-2 "$S/ssh_host_ed25519_key.pub")
for port in "${SERVED_PORT[@]}"; do printf '[127.0.0.1]:%s %s\n' "$port" "$host_key"; done > "$S/known_hosts"
# Inside a Match block SetEnv replaces the global list, so every block names every variable.
# SHLVL=1: bash started by sshd with SHLVL unset sources ~/.bashrc (Debian's SSH_SOURCE_BASHRC),
# which costs ~0.5 s per bash on machines with pyenv & co. there; NixOS hosts don't have it.
session_env="FAKE_NIXOS_ROOT=$ROOT NIX_CONF_DIR=$ROOT/nixconf FAKE_NIXOS_LOG=$ROOT/switch.log SHLVL=1"
# One sshd listens on at most 16 sockets (its MAX_LISTEN_SOCKS), so every 16 served ports get an
# sshd of their own: "sshd" serves hq, t460, pi, edge and c01..c12, "sshd-2" the next 16, ...
SSHD_NAMES=()
for ((first = 0; first < ${#SERVED[@]}; first += 16)); do
  name=sshd; [ "$first" -eq 0 ] || name=sshd-$((first / 16 + 1))
  SSHD_NAMES+=("$name")
  {
    for ((i = first; i < first + 16 && i < ${#SERVED[@]}; i++)); do echo "Port ${SERVED_PORT[$i]}"; done
    cat <<EOF
ListenAddress 127.0.0.1
HostKey $S/ssh_host_ed25519_key
PidFile $S/$name.pid
AuthorizedKeysFile $S/authorized_keys
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
UsePAM no
StrictModes no
MaxStartups 100:30:200
LogLevel VERBOSE
ForceCommand $ROOT/bin/fakehost-session
EOF
    for ((i = first; i < first + 16 && i < ${#SERVED[@]}; i++)); do
      printf 'Match LocalPort %s\n  SetEnv FAKE_NIXOS_HOST=%s %s\n' "${SERVED_PORT[$i]}" "${SERVED[$i]}" "$session_env"
    done
    # the sudo user enters through sudo (the rule above); its SetEnv comes from the LocalPort block
    printf 'Match User %s\n  ForceCommand /usr/bin/sudo -n %s\n' "$SUDO_USER_NAME" "$ROOT/bin/fakehost-session"
  } > "$S/${name}_config"
done
{
  for i in "${!SERVED[@]}"; do printf 'Host %s\n  Port %s\n' "${SERVED[$i]}" "${SERVED_PORT[$i]}"; done
  printf 'Host refuser\n  Port %s\nHost blackhole\n  Port %s\n' "$REFUSED_PORT" "$BLACKHOLE_PORT"
  cat <<EOF
Host *
  HostName 127.0.0.1
  User root
  IdentityFile $S/id_ed25519
  IdentitiesOnly yes
  BatchMode yes
  StrictHostKeyChecking yes
  UserKnownHostsFile $S/known_hosts
  LogLevel ERROR
  ControlPath $S/cm-%C
EOF
} > "$S/ssh_config"

mkdir -p -m 0755 /run/sshd   # sshd's privilege separation directory (a compiled-in path)
for name in "${SSHD_NAMES[@]}"; do
  "$SSHD" -t -f "$S/${name}_config" || die "sshd rejected $S/${name}_config"
  "$SSHD" -f "$S/${name}_config" -E "$S/$name.log"
done
# the black hole also stops the other sshds when the first one goes: pid and config of each
warden_args=()
for name in "${SSHD_NAMES[@]}"; do
  for _ in $(seq 50); do [ -s "$S/$name.pid" ] && break; sleep 0.1; done
  [ -s "$S/$name.pid" ] || die "sshd wrote no pid file $S/$name.pid; see $S/$name.log"
  warden_args+=("$(cat "$S/$name.pid")" "$S/${name}_config")
done
setsid node "$S/blackhole.cjs" "$BLACKHOLE_PORT" "$S/blackhole.pid" "${warden_args[@]}" \
  </dev/null >>"$S/blackhole.log" 2>&1 &
# sshd binds every port before it goes to the background, and carries on if some bind failed
listening=0
for name in "${SSHD_NAMES[@]}"; do
  listening=$((listening + $(grep -c "Server listening on 127.0.0.1 port" "$S/$name.log" || true)))
done
[ "$listening" = "${#SERVED[@]}" ] ||
  die "sshd listens on $listening of ${#SERVED[@]} ports (does not answer on the others); see $S/sshd*.log"
# $1: ssh destination, $2: the hostname it must print
answers() { [ "$(ssh -F "$S/ssh_config" "$1" hostname 2>>"$ROOT/setup.log")" = "$2" ]; }
wait_for() { for _ in $(seq 50); do answers "$1" "$2" && return 0; sleep 0.1; done; return 1; }
checks=("${HOSTS[@]}" "$SUDO_USER_NAME@hq")
[ ${#CLONES[@]} -eq 0 ] || checks+=("${CLONES[-1]}")
waiting=()
for c in "${checks[@]}"; do
  wait_for "$c" "${c#*@}" & waiting+=($!)   # all at once
done
for i in "${!checks[@]}"; do
  wait "${waiting[$i]}" ||
    die "ssh to ${checks[$i]} does not answer as ${checks[$i]#*@}; see $S/sshd.log and $ROOT/setup.log"
done
for _ in $(seq 50); do [ -s "$S/blackhole.pid" ] && break; sleep 0.1; done
[ -s "$S/blackhole.pid" ] && (exec 3<>"/dev/tcp/127.0.0.1/$BLACKHOLE_PORT") 2>/dev/null ||
  die "the black hole on port $BLACKHOLE_PORT does not answer; see $S/blackhole.log"

# --- 8. env.sh: what tests and people source ------------------------------------------------------
cat > "$ROOT/env.sh" <<EOF
# nixdeck test fleet, generated by scripts/test-fleet.sh
# teardown: FAKE_NIXOS_ROOT=$ROOT bash scripts/test-fleet.sh stop
export FAKE_NIXOS_ROOT="$ROOT"
export FAKE_NIXOS_FLAKE="$F"
export FAKE_NIXOS_SSH_CONFIG="$S/ssh_config"
export FAKE_NIXOS_SSH_PORT="$BASE_PORT"
export FAKE_NIXOS_HOSTS="${SERVED[*]}"
export FAKE_NIXOS_CLONES="${CLONES[*]}"
export FAKE_NIXOS_REFUSED_PORT="$REFUSED_PORT"
export FAKE_NIXOS_BLACKHOLE_PORT="$BLACKHOLE_PORT"
export FAKE_NIXOS_CUTOFF_TOPLEVEL="$CUTOFF_TOPLEVEL"
export FAKE_NIXOS_SUDO_USER="$SUDO_USER_NAME"
export FAKE_NIXOS_SUDO_PASSWORD="$SUDO_PASSWORD"
export FAKE_NIXOS_SUDOERS="$SUDOERS"
export FAKE_NIXOS_LOG="$ROOT/switch.log"
export NIX_CONF_DIR="$ROOT/nixconf"
export NIX_SSHOPTS="-F $S/ssh_config"
export PATH="$ROOT/bin:\$PATH"
EOF

elapsed=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
clones_note=
[ ${#CLONES[@]} -eq 0 ] ||
  clones_note=", clones ${CLONES[0]}..${CLONES[-1]} on :$((BASE_PORT + 6))-$((BASE_PORT + 5 + ${#CLONES[@]}))"
echo "test fleet ready in ${elapsed} s: hosts ${HOSTS[*]} on 127.0.0.1:$BASE_PORT-$((BASE_PORT + 3)), refuser :$REFUSED_PORT, blackhole :$BLACKHOLE_PORT$clones_note; sshd pid $(cat "$S/sshd.pid")"
echo "source $ROOT/env.sh"
