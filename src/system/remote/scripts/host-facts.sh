#!/bin/sh
# host-facts PROFILE [ROOT]: what nixdeck needs to know about a host, in one round trip.
# Plain POSIX sh (dash, busybox ash). Parsed by src/core/hostFactsParse.ts; bump FORMAT with it.
#
# Output: one record a line, KEY<TAB>VALUE. Only the last field of a record is free text (it may
# hold tabs and any byte but NUL); a newline inside a value continues on a "+" record.
# No process runs per generation: one readlink gives every link's target, one stat their dates,
# one awk the text of their files (a shell read loop costs a system call a byte). Where these
# cannot (busybox readlink takes one link; no awk), the same facts come one at a time.
# ROOT (default empty) prefixes /run and /etc, like nixdeck --root; the profile is given whole.
FORMAT=1
export LC_ALL=C
unset CDPATH
profile=${1:-/nix/var/nix/profiles/system}
root=${2:-}
tab='	'
nl='
'

# emit KEY VALUE: the value's lines after the first go on "+" records
emit() {
  _k=$1 _v=$2
  while :; do
    case $_v in
      *"$nl"*) printf '%s\t%s\n' "$_k" "${_v%%"$nl"*}"; _v=${_v#*"$nl"}; _k=+ ;;
      *) printf '%s\t%s\n' "$_k" "$_v"; return 0 ;;
    esac
  done
}

# emit_file KEY FILE MAX: the whole text of a small file (at most MAX lines)
emit_file() {
  [ -f "$2" ] && [ -r "$2" ] || return 0
  _i=0 _text= _sep=
  while IFS= read -r _l || [ -n "$_l" ]; do
    _i=$((_i + 1))
    [ "$_i" -gt "$3" ] && break
    _text=$_text$_sep$_l _sep=$nl
  done < "$2"
  emit "$1" "$_text"
}

# emit_revision_lines KEY FILE: the lines that can name a configuration revision: a JSON
# "configurationRevision" key (and the line after it), and a --configuration-revision) case
# branch up to its first echo or ';'. The parser applies the same patterns as the local reader.
emit_revision_lines() {
  [ -f "$2" ] && [ -r "$2" ] || return 0
  _i=0 _after=0 _branch=0
  while IFS= read -r _l || [ -n "$_l" ]; do
    _i=$((_i + 1))
    [ "$_i" -gt 400 ] && break
    # only text: a binary nixos-version is not read line by line
    if [ "$_i" = 1 ] && [ "$1" = revsw ]; then case $_l in '#!'*) ;; *) return 0 ;; esac; fi
    _keep=$_after _after=0
    case $_l in *'"configurationRevision"'*) _keep=1 _after=1 ;; esac
    case $_l in *'--configuration-revision)'*) _branch=1 ;; esac
    if [ "$_branch" = 1 ]; then
      _keep=1
      case $_l in *';'* | *'echo "'*) _branch=0 ;; esac
    fi
    [ "$_keep" = 1 ] && emit "$1" "$_l"
  done < "$2"
}

# The files' text for one awk after the loop: "file<TAB>INDEX<TAB>KIND<TAB>line" records, the
# same lines the two functions above print (INDEX counts the link records from 1).
command -v awk >/dev/null 2>&1 && use_awk=yes || use_awk=no
awk_files=
awk_program='
FNR == 1 { after = 0; branch = 0; text = (k != "revsw" || substr($0, 1, 2) == "#!") }
!text { next }
k == "version" { if (FNR <= 50) printf "file\t%s\t%s\t%s\n", i, k, $0; next }
FNR > 400 { next }
{
  keep = after; after = 0
  if (index($0, "\"configurationRevision\"")) { keep = 1; after = 1 }
  if (index($0, "--configuration-revision)")) branch = 1
  if (branch) { keep = 1; if (index($0, ";") || index($0, "echo \"")) branch = 0 }
  if (keep) printf "file\t%s\t%s\t%s\n", i, k, $0
}'

# read_text KIND FILE: the file's lines now, or queued for awk (a path awk cannot be given as an
# operand, one with a line break, is read now)
read_text() {
  [ -f "$2" ] && [ -r "$2" ] || return 0
  case $use_awk:$2 in
    yes:*"$nl"*) ;;
    yes:/*) awk_files=$awk_files$nl"i=$idx"$nl"k=$1"$nl$2; return 0 ;;
    yes:*) awk_files=$awk_files$nl"i=$idx"$nl"k=$1"$nl./$2; return 0 ;;
  esac
  case $1 in
    version) emit_file version "$2" 50 ;;
    *) emit_revision_lines "$1" "$2" ;;
  esac
}

# emit_names KEY DIR: every entry of DIR, dot files too
emit_names() {
  for _e in "$2"/* "$2"/.*; do
    case ${_e##*/} in . | ..) continue ;; esac
    [ -e "$_e" ] || [ -L "$_e" ] || continue
    emit "$1" "${_e##*/}"
  done
}

# emit_toplevel DIR: what a system toplevel says about itself
emit_toplevel() {
  read_text version "$1/nixos-version"
  if [ -e "$1/kernel-modules" ] || [ -L "$1/kernel-modules" ]; then
    printf 'kernels\t\n'
    emit_names kernel "$1/kernel-modules/lib/modules"
  fi
  [ -d "$1/specialisation" ] && emit_names spec "$1/specialisation"
  [ -e "$1/nixos-version.json" ] && read_text revjson "$1/nixos-version.json"
  { [ -e "$1/sw" ] || [ -L "$1/sw" ]; } && read_text revsw "$1/sw/bin/nixos-version"
  return 0
}

# emit_system WHICH LINK [SEEN]: /run/current-system or /run/booted-system resolved, and its boot
# paths; when it resolves to SEEN (running = booted, the usual case) "WHICH-same" says so instead
emit_system() {
  _top=
  if [ -e "$2" ]; then
    _top=$(readlink -f -- "$2") || return 0
    emit "$1" "$_top"
    if [ -n "${3:-}" ] && [ "$_top" = "$3" ]; then
      printf '%s-same\t\n' "$1"
      return 0
    fi
    for _part in kernel initrd kernel-modules; do
      [ -e "$_top/$_part" ] && emit "$1-$_part" "$(readlink -f -- "$_top/$_part")"
    done
    emit_names "$1-kver" "$_top/kernel-modules/lib/modules"
  elif [ -L "$2" ]; then
    _raw=$(readlink -- "$2") || return 0
    case $_raw in /*) ;; *) _raw=${2%/*}/$_raw ;; esac
    emit "$1-raw" "$_raw"
  fi
}

printf 'nixdeck-host-facts\t%s\n' "$FORMAT"

host=
[ -n "$root" ] && [ -r "$root/etc/hostname" ] && IFS= read -r host < "$root/etc/hostname"
[ -z "$host" ] && [ -r /proc/sys/kernel/hostname ] && IFS= read -r host < /proc/sys/kernel/hostname
[ -z "$host" ] && host=$(uname -n 2>/dev/null)
emit hostname "$host"
emit uid "$(id -u)"
if [ -r /proc/uptime ]; then
  IFS=' ' read -r up _ < /proc/uptime && emit uptime "$up"
fi

case $profile in */*) dir=${profile%/*} name=${profile##*/} ;; *) dir=. name=$profile ;; esac
[ -n "$dir" ] || dir=/
emit dir "$dir"
emit name "$name"
case $name in
  *"$nl"*) printf 'error\tthe profile name has a line break in it\n'; printf 'end\t\n'; exit 0 ;;
esac
[ -L "$profile" ] && emit current "$(readlink -- "$profile")"

if cd -- "$dir" 2>/dev/null; then
  set --
  symlinks=yes
  for f in "$name"-*-link; do
    n=${f#"$name"-}
    n=${n%-link}
    case $n in '' | *[!0-9]*) continue ;; esac
    if [ -L "$f" ]; then :; elif [ -e "$f" ]; then symlinks=no; else continue; fi
    set -- "$@" "$f"
  done
  # every target from one readlink where it takes several links (GNU), if that gives exactly one
  # line a link (a line break in a target would not); else one readlink a link (busybox)
  batch=no
  if [ "$#" -gt 0 ] && [ "$symlinks" = yes ] && targets=$(readlink -- "$@" 2>/dev/null); then
    rest=$targets lines=1
    while :; do
      case $rest in *"$nl"*) rest=${rest#*"$nl"} lines=$((lines + 1)) ;; *) break ;; esac
    done
    [ "$lines" = "$#" ] && batch=yes rest=$targets
  fi
  idx=0
  for f in "$@"; do
    idx=$((idx + 1))
    emit link "$f"
    if [ "$batch" = yes ]; then
      t=${rest%%"$nl"*} rest=${rest#*"$nl"}
    elif ! t=$(readlink -- "$f" 2>/dev/null); then
      printf 'state\tunreadable\tnot a symbolic link\n'
      continue
    fi
    emit target "$t"
    if [ -d "$t" ]; then
      if [ -r "$t" ] && [ -x "$t" ]; then
        printf 'state\tok\n'
        emit_toplevel "$t"
      else
        printf 'state\tunreadable\tpermission denied\n'
      fi
    elif [ -e "$t" ]; then
      printf 'state\tunreadable\tnot a system folder\n'
    else
      printf 'state\tdangling\n'
    fi
  done
  # one stat for every link's own mtime (not its target's); GNU gives milliseconds, busybox seconds
  [ "$#" -gt 0 ] && stat -c "mtime$tab%.3Y$tab%n" -- "$@" 2>/dev/null
  if [ -n "$awk_files" ]; then
    IFS=$nl
    set -f
    # shellcheck disable=SC2086 # one operand a line: assignments and paths
    set -- $awk_files
    set +f
    unset IFS
    awk "$awk_program" "$@" 2>/dev/null
  fi
fi

emit_system running "$root/run/current-system"
emit_system booted "$root/run/booted-system" "$_top"

if command -v systemctl >/dev/null 2>&1 &&
  units=$(systemctl list-units --failed --plain --no-legend --no-pager 2>/dev/null); then
  printf 'units\tlisted\n'
  printf '%s\n' "$units" | while IFS=' ' read -r unit _; do
    [ -n "$unit" ] && emit unit "$unit"
  done
else
  printf 'units\tnone\n'
fi
printf 'end\t\n'
