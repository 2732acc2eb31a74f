#!/bin/bash
# tests/cli/docs.sh — the documents made from the command tables: the man
# page renders with man(1) and names every command and option; the bash
# completion offers commands, sub-commands, options, option values and VM
# names (asked of the connection on the command line); --help of every
# command lists the options its table declares.
#
#   tests/cli/docs.sh path/to/vprov path/to/vprov.1 path/to/vprov.bash
set -u

VPROV=${1:?usage: $0 vprov vprov.1 vprov.bash}
MAN=${2:?}
COMP=${3:?}
export LIBVIRT_DEFAULT_URI=test:///default
TMP=$(mktemp -d /tmp/vprov-docs.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
export XDG_CACHE_HOME=$TMP/cache XDG_STATE_HOME=$TMP/state
FAILED=0

ok() { echo "ok   $*"; }
bad() { echo "FAIL $*" >&2; FAILED=1; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }

# ---- the man page ----
MANWIDTH=100 man -l "$MAN" >"$TMP/man.txt" 2>"$TMP/man.err"
check "man -l renders the page" [ -s "$TMP/man.txt" ]
check "man -l prints no warning ($(head -c 200 "$TMP/man.err"))" [ ! -s "$TMP/man.err" ]
for section in NAME SYNOPSIS DESCRIPTION COMMANDS "COMMON OPTIONS" "EXIT STATUS" ENVIRONMENT FILES; do
	check "the page has a $section section" grep -q "^$section" "$TMP/man.txt"
done
for c in create list info start stop destroy delete console xml "osinfo list" "osinfo show" \
	"osinfo reindex" "host check" recover "image list" "image pull" "image import" "image rm"; do
	check "the page documents 'vprov $c'" grep -q "^ *vprov $c" "$TMP/man.txt"
done
for o in --memory --ram --disk --boot --network --print-xml --dry-run --keep-storage --refresh \
	--inactive --timeout --connect; do
	check "the page documents $o" grep -q -- "$o" "$TMP/man.txt"
done
check "hidden commands stay out of the page" eval '! grep -q "__complete" "$TMP/man.txt"'
groff -man -ww -z "$MAN" 2>"$TMP/groff.err"
check "groff finds nothing to warn about ($(head -c 200 "$TMP/groff.err"))" [ ! -s "$TMP/groff.err" ]

# ---- completion ----
complete_words() { # WORDS... -> the offers, one line
	bash -c '
		source "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=()
		_vprov
		echo "${COMPREPLY[*]}"' _ "$COMP" "$@"
}
offers() { # WANT WORDS...: the offers contain WANT (a word)
	local want=$1 got
	shift
	got=$(complete_words "$@")
	[[ " $got " == *" $want "* ]] || { echo "  offered: $got" >&2; return 1; }
}
not_offered() {
	local nope=$1 got
	shift
	got=$(complete_words "$@")
	[[ " $got " != *" $nope "* ]] || { echo "  offered: $got" >&2; return 1; }
}
check "commands: 'vprov <TAB>' offers create" offers create "$VPROV" ""
check "commands: 'vprov de<TAB>' offers delete" offers delete "$VPROV" de
check "commands: 'vprov de<TAB>' does not offer create" not_offered create "$VPROV" de
check "hidden commands are not offered" not_offered __complete "$VPROV" ""
check "groups: 'vprov osinfo <TAB>' offers show" offers show "$VPROV" osinfo ""
check "groups: 'vprov host <TAB>' offers check" offers check "$VPROV" host ""
check "groups: 'vprov image <TAB>' offers import" offers import "$VPROV" image ""
check "options of 'vprov image pull' (--arch)" offers --arch "$VPROV" image pull --ar
check "values: 'vprov image list --pool' offers the host's pools" offers default-pool "$VPROV" image list --pool ""
check "options: 'vprov create --me<TAB>' offers --memory" offers --memory "$VPROV" create --me
check "options: aliases too (--ram)" offers --ram "$VPROV" create --ra
check "options: common ones (--connect)" offers --connect "$VPROV" delete --con
check "options of a group's command" offers --refresh "$VPROV" host check --re
check "values: --virt-type offers qemu" offers qemu "$VPROV" create x --virt-type ""
check "values: --os offers OS profiles" offers debian12 "$VPROV" create x --os deb
check "VM names: 'vprov start <TAB>' offers the host's VMs" offers test "$VPROV" start ""
check "VM names from the -c connection" offers test "$VPROV" -c test:///default delete t
check "VM names after options" offers test "$VPROV" info --json ""
"$VPROV" __bash-completion | cmp -s - "$COMP"
check "the installed script is what the binary writes" [ $? -eq 0 ]

# ---- --help from the tables ----
for c in create list info start stop destroy delete console xml recover; do
	"$VPROV" "$c" --help >"$TMP/help" 2>&1
	check "'vprov $c --help' exits 0 with its usage" grep -q "^usage: vprov $c" "$TMP/help"
	check "'vprov $c --help' lists --connect" grep -q -- "--connect URI" "$TMP/help"
done
"$VPROV" create --help >"$TMP/help"
for o in --name --memory --ram --vcpus --disk --import --boot --network --graphics --virt-type \
	--autostart --transient --wait --print-xml --dry-run --json --os --os-variant; do
	check "create --help lists $o" grep -q -- "$o" "$TMP/help"
done

[ "$FAILED" -eq 0 ] && echo "PASSED: docs" || { echo "FAILED: docs" >&2; exit 1; }
