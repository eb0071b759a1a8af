#!/bin/sh
# nixdeck's activation supervisor on a remote host (POSIX sh: dash, busybox, bash).
#
#   activate.sh start TARGET PROFILE ACTION TIMEOUT TOKEN ELEVATION
#       stdin: one line (the sudo password when ELEVATION is "password", else empty), then the
#       text of this script. Validates, makes the run folder, starts `run` detached from the
#       SSH session (systemd-run --collect as root where systemd runs, else setsid), prints
#       "started DIR".
#   activate.sh run TARGET PROFILE ACTION TIMEOUT TOKEN ELEVATION      (the detached part)
#       Records the previous generation; switch|boot: points the profile at TARGET; runs
#       TARGET's bin/switch-to-configuration ACTION; on outright failure (not 0, not 4) puts the
#       profile back. switch|test with TIMEOUT > 0: waits TIMEOUT s for the acknowledgement
#       (`ack TOKEN`); none in time: back to the previous generation (profile and activation).
#       Log: DIR/log; outcome: DIR/result (status=, code=, message= lines).
#   activate.sh read TOKEN OFFSET    state, then the log from byte OFFSET (see deployState.ts)
#   activate.sh ack TOKEN            the acknowledgement
#
# TARGET: a store path (a new system: the profile gets a new generation) or a generation
# number of PROFILE (switch to it). ELEVATION: root | sudo (sudo -n) | password (sudo -S).
set -u
umask 077

die() { printf 'nixdeck-host: error: %s\n' "$*" >&2; exit 2; }

mode=${1:-}
[ $# -ge 1 ] && shift

check_token() {
  case $1 in '' | *[!A-Za-z0-9]*) die "the token must be letters and digits" ;; esac
  [ ${#1} -ge 8 ] && [ ${#1} -le 64 ] || die "the token must be 8 to 64 characters"
}

base_dir() {
  if [ "$(id -u)" = 0 ]; then echo /run/nixdeck
  elif [ -n "${XDG_RUNTIME_DIR:-}" ] && [ -d "$XDG_RUNTIME_DIR" ] && [ -w "$XDG_RUNTIME_DIR" ]; then echo "$XDG_RUNTIME_DIR"
  else echo /tmp
  fi
}

check_run_args() {
  [ $# -eq 6 ] || die "expected TARGET PROFILE ACTION TIMEOUT TOKEN ELEVATION, got $# argument(s)"
  case $1 in
    /*/*)
      case $1 in *[!A-Za-z0-9+._=/-]* | */../* | */.. | */./* | *//*) die "the target is not a store path: $1" ;; esac
      case ${1%/*} in /nix/store | "${NIX_STORE_DIR:-/nix/store}") ;; *) die "the target is not in the store: $1" ;; esac ;;
    [1-9] | [1-9][0-9] | [1-9][0-9][0-9] | [1-9][0-9][0-9][0-9] | [1-9][0-9][0-9][0-9][0-9] | [1-9][0-9][0-9][0-9][0-9][0-9]) ;;
    *) die "the target must be a store path or a generation number: $1" ;;
  esac
  case $2 in
    /*) case $2 in *[!A-Za-z0-9+._@/-]* | */../* | */.. | */./* | *//* | */) die "the profile is not a plain absolute path: $2" ;; esac ;;
    *) die "the profile must be an absolute path: $2" ;;
  esac
  case $3 in switch | boot | test) ;; *) die "the action must be switch, boot or test: $3" ;; esac
  case $4 in '' | *[!0-9]*) die "the confirm timeout must be a whole number of seconds: $4" ;; esac
  [ ${#4} -le 5 ] && [ "$4" -le 86400 ] || die "the confirm timeout must be at most 86400 s: $4"
  check_token "$5"
  case $6 in root | sudo | password) ;; *) die "elevation must be root, sudo or password: $6" ;; esac
}

case $mode in
start)
  check_run_args "$@"
  IFS= read -r password || password=
  base=$(base_dir)
  [ -d "$base" ] || mkdir -m 700 "$base" || die "cannot make $base"
  # run folders of earlier deploys, after a week
  find "$base" -maxdepth 1 -name 'nixdeck-deploy-*' -mtime +7 -exec rm -rf {} + 2>/dev/null
  dir=$base/nixdeck-deploy-$5
  mkdir -m 700 "$dir" || die "cannot make the run folder $dir (it exists already?)"
  cat > "$dir/activate.sh" || die "cannot write $dir/activate.sh"
  : > "$dir/log"
  if [ "$(id -u)" = 0 ] && [ -d /run/systemd/system ] && command -v systemd-run > /dev/null 2>&1; then
    systemd-run --collect --quiet --unit "nixdeck-deploy-$5" -- /bin/sh "$dir/activate.sh" run "$@" < /dev/null > /dev/null 2>> "$dir/log" ||
      die "systemd-run could not start the supervisor (see $dir/log)"
  elif command -v setsid > /dev/null 2>&1; then
    printf '%s\n' "$password" | setsid /bin/sh "$dir/activate.sh" run "$@" > /dev/null 2>&1 &
  else
    printf '%s\n' "$password" | nohup /bin/sh "$dir/activate.sh" run "$@" > /dev/null 2>&1 &
  fi
  password=
  printf 'started %s\n' "$dir"
  exit 0
  ;;
run)
  check_run_args "$@"
  target=$1 profile=$2 action=$3 timeout=$4 token=$5 elevation=$6
  password=
  if [ "$elevation" = password ]; then IFS= read -r password || password=; fi
  exec < /dev/null
  trap '' HUP
  dir=$(base_dir)/nixdeck-deploy-$token
  [ -d "$dir" ] || die "no run folder $dir"
  exec >> "$dir/log" 2>&1
  echo $$ > "$dir/pid"
  ;;
read)
  [ $# -eq 2 ] || die "expected TOKEN OFFSET"
  check_token "$1"
  case $2 in '' | *[!0-9]*) die "the offset must be a number of bytes: $2" ;; esac
  dir=$(base_dir)/nixdeck-deploy-$1
  echo "nixdeck-deploy-state 1"
  if [ ! -d "$dir" ]; then echo "missing"; exit 0; fi
  [ -f "$dir/log" ] || { echo "missing"; exit 0; }
  size=$(wc -c < "$dir/log" | tr -d ' ')
  alive=0
  if [ -f "$dir/pid" ] && kill -0 "$(cat "$dir/pid")" 2> /dev/null; then alive=1; fi
  echo "size $size"
  echo "alive $alive"
  if [ -f "$dir/result" ]; then sed 's/^/result /' "$dir/result"; fi
  echo "--"
  if [ "$size" -gt "$2" ]; then tail -c +"$(($2 + 1))" "$dir/log" | head -c "$(($size - $2))"; fi
  # the end, so that a transport that trims the last newline does not cut the log
  echo "."
  exit 0
  ;;
ack)
  [ $# -eq 1 ] || die "expected TOKEN"
  check_token "$1"
  dir=$(base_dir)/nixdeck-deploy-$1
  [ -d "$dir" ] || die "no run folder for this deploy on $(hostname 2>/dev/null || echo the host)"
  printf '%s\n' "$1" > "$dir/ack.tmp" && mv -f "$dir/ack.tmp" "$dir/ack" || die "cannot write the acknowledgement"
  echo acknowledged
  exit 0
  ;;
*) die "usage: activate.sh start|run|read|ack ..." ;;
esac

# --- the supervisor ---------------------------------------------------------------------------
note() { printf 'nixdeck-host: %s\n' "$*"; }

privileged() {
  case $elevation in
    root) "$@" ;;
    sudo) sudo -n -- "$@" ;;
    password) printf '%s\n' "$password" | sudo -k -S -p '' -- "$@" ;;
  esac
}

finish() { # status code message
  printf 'status=%s\ncode=%s\nmessage=%s\n' "$1" "$2" "$3" > "$dir/result.tmp"
  mv -f "$dir/result.tmp" "$dir/result"
  note "result: $1 ($3)"
  rm -f "$dir/pid"
  exit 0
}

name=${profile##*/}
previous_link=$(readlink "$profile" 2> /dev/null || true)
previous=${previous_link##*/}
previous=${previous#"$name"-}
previous=${previous%-link}
case $previous in '' | *[!0-9]*) previous= ;; esac
previous_system=$(readlink -f "$profile" 2> /dev/null || true)
previous_running=$(readlink -f /run/current-system 2> /dev/null || true)
printf 'generation=%s\nsystem=%s\nrunning=%s\n' "$previous" "$previous_system" "$previous_running" > "$dir/previous"
note "previous: generation ${previous:-none}, running ${previous_running:-nothing}"

case $target in
  /*) system=$target generation= ;;
  *)
    generation=$target
    system=$(readlink -f "$profile-$generation-link" 2> /dev/null || true)
    [ -n "$system" ] || finish failed 1 "generation $generation does not exist in $profile"
    ;;
esac
[ -x "$system/bin/switch-to-configuration" ] ||
  finish failed 1 "$system is not a NixOS system here (no bin/switch-to-configuration): was it copied to this host?"

note "phase activate"
switched=0
if [ "$action" != test ]; then
  if [ -n "$generation" ]; then
    note "\$ nix-env -p $profile --switch-generation $generation"
    privileged nix-env -p "$profile" --switch-generation "$generation" || finish failed 1 "could not point $profile at generation $generation; nothing was changed"
  else
    note "\$ nix-env -p $profile --set $system"
    privileged nix-env -p "$profile" --set "$system" || finish failed 1 "could not point $profile at $system; nothing was changed"
  fi
  [ "$(readlink -f "$profile")" = "$previous_system" ] || switched=1
fi
note "\$ $system/bin/switch-to-configuration $action"
privileged "$system/bin/switch-to-configuration" "$action"
code=$?

if [ "$code" != 0 ] && [ "$code" != 4 ]; then
  if [ "$switched" = 1 ] && [ -n "$previous" ]; then
    note "\$ nix-env -p $profile --switch-generation $previous"
    if privileged nix-env -p "$profile" --switch-generation "$previous"; then
      finish failed "$code" "activation failed (switch-to-configuration exit $code); the profile was switched back to generation $previous"
    fi
    finish failed "$code" "activation failed (switch-to-configuration exit $code), and switching the profile back to generation $previous failed too"
  fi
  finish failed "$code" "activation failed (switch-to-configuration exit $code)"
fi
if [ "$code" = 4 ]; then note "activated, but some units failed (switch-to-configuration exit 4)"; else note "activated"; fi

if [ "$action" = boot ] || [ "$timeout" = 0 ]; then
  [ "$action" = boot ] && note "boot deploys are not protected by the automatic rollback"
  if [ "$code" = 4 ]; then finish partial 4 "some units failed"; fi
  finish succeeded 0 "done"
fi

note "phase confirm $timeout"
waited=0
while [ "$waited" -lt "$timeout" ]; do
  if [ -f "$dir/ack" ] && [ "$(cat "$dir/ack" 2> /dev/null)" = "$token" ]; then
    note "confirmed after ${waited} s"
    if [ "$code" = 4 ]; then finish partial 4 "some units failed"; fi
    finish succeeded 0 "confirmed"
  fi
  sleep 1
  waited=$((waited + 1))
done

note "no acknowledgement within $timeout s: rolling back"
if [ "$action" = switch ]; then
  [ -n "$previous" ] && [ -n "$previous_system" ] || finish rollback-failed 1 "no acknowledgement within $timeout s, and there is no previous generation to go back to"
  note "\$ nix-env -p $profile --switch-generation $previous"
  privileged nix-env -p "$profile" --switch-generation "$previous" ||
    finish rollback-failed 1 "no acknowledgement within $timeout s, and switching the profile back to generation $previous failed"
  back=$previous_system
  if [ -n "$previous_running" ] && [ "$previous_running" != "$previous_system" ]; then
    # the host ran another system than its profile's (a boot deploy not yet rebooted into): the
    # boot menu goes back to the profile's system, and what was running runs again
    note "\$ $previous_system/bin/switch-to-configuration boot"
    privileged "$previous_system/bin/switch-to-configuration" boot ||
      finish rollback-failed 1 "no acknowledgement within $timeout s; restoring the boot menu of $previous_system failed"
    back=$previous_running
    action=test
  fi
else
  [ -n "$previous_running" ] || finish rollback-failed 1 "no acknowledgement within $timeout s, and nothing was running before to go back to"
  back=$previous_running
fi
note "\$ $back/bin/switch-to-configuration $action"
privileged "$back/bin/switch-to-configuration" "$action"
rc=$?
if [ "$rc" = 0 ] || [ "$rc" = 4 ]; then
  finish rolled-back 1 "no acknowledgement within $timeout s: rolled back to ${previous:+generation $previous, }$back"
fi
finish rollback-failed 1 "no acknowledgement within $timeout s; rolling back to $back failed too (switch-to-configuration exit $rc)"
