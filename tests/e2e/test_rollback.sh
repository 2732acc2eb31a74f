#!/bin/bash
# tests/e2e/test_rollback.sh — "any failure after the first thing is created
# rolls everything back", on the real libvirtd (qemu:///system):
#
#   - a late failure (QEMU cannot start: the "kernel" is not one) after vprov
#     made a volume in pool 'default'; after it made a pool for an existing
#     directory and a volume in it; both at once; and a pool whose build
#     made new directories: exit 1, one line, and no domain, volume, pool,
#     disk file or new directory is left (the user's directory stays);
#   - --dry-run and --print-xml (and --dry-run --json) of requests that
#     would make a volume, a pool for a new directory and a pool for an
#     existing one change nothing on the host;
#   - bad input (--memory 0, --memory 2X, --vcpus 0, a name with XML
#     metacharacters, an unknown pool, a missing path, an unknown option),
#     with the name given before and after the bad option: exit 2, one
#     line, nothing touched.
#
# usage: bash tests/e2e/test_rollback.sh path/to/vprov

. "$(dirname "$0")/lib.sh"

DIRS=/var/tmp/${E2E_PREFIX}
rb_cleanup() {
	local p
	e2e_cleanup
	for p in $(virsh -q pool-list --all --name 2>/dev/null); do
		case "$(virsh -q pool-dumpxml "$p" 2>/dev/null)" in *"<path>$DIRS"*)
			virsh -q pool-destroy "$p" >/dev/null 2>&1
			virsh -q pool-undefine "$p" >/dev/null 2>&1 ;;
		esac
	done
	rm -rf "$DIRS"*
	rm -f /var/log/libvirt/qemu/"$E2E_PREFIX"*.log   # libvirt's own QEMU logs
}
trap rb_cleanup EXIT

COMMON=(--memory 256 --vcpus 1 --network none --graphics none --noautoconsole)
NOT_A_KERNEL=/etc/os-release

one_line() {
	[ -n "$ERR" ] && [ "$(printf '%s\n' "$ERR" | wc -l)" -eq 1 ] && [[ $ERR == "vprov "* ]]
}

# Everything on the host vprov could touch: domains, pools, every volume
# with its path.
snapshot() {
	local p
	{
		virsh -q list --all --name | sed -n 's/^\(..*\)$/domain \1/p'
		virsh -q pool-list --all --name | sed -n 's/^\(..*\)$/pool \1/p'
		for p in $(virsh -q pool-list --all --name); do
			virsh -q vol-list "$p" 2>/dev/null | awk -v p="$p" 'NF {print "volume " p "/" $1 " " $2}'
		done
	} | sort
}

# same_host BEFORE AFTER: nothing changed between two snapshots.  Other
# sessions may make and remove their own VMs on this host meanwhile; a
# change that does not carry this test's prefix cannot come from the vprov
# runs here (every name and directory they use starts with it) and is
# only shown.
same_host() {
	local d mine
	d=$(diff <(printf '%s\n' "$1") <(printf '%s\n' "$2") | grep '^[<>]')
	[ -z "$d" ] && return 0
	mine=$(printf '%s\n' "$d" | grep -F -- "$E2E_PREFIX")
	if [ -n "$mine" ]; then
		printf '  changed: %s\n' "$mine" >&2
		return 1
	fi
	printf '  (%s entries changed meanwhile by other users of this host)\n' \
		"$(printf '%s\n' "$d" | wc -l)"
	return 0
}

# late_failure WHAT NAME FILE... -- ARGS...: create NAME with ARGS must fail
# when QEMU starts, and leave nothing: no domain, no volume named after it,
# none of FILE, no pool that was not there before.
late_failure() {
	local what=$1 name=$2 f files=() before after
	shift 2
	while [ "$1" != -- ]; do
		files+=("$1")
		shift
	done
	shift
	before=$(snapshot)
	e2e_run create "$name" "${COMMON[@]}" "$@"
	after=$(snapshot)
	e2e_check "$what: exits 1 (rc=$RC)" [ "$RC" -eq 1 ]
	e2e_check "$what: one line on stderr ($ERR)" one_line
	e2e_check "$what: it failed late, when the VM started" \
		eval '[[ $ERR == *"cannot start VM"* ]]'
	e2e_check "$what: no domain '$name' is left" eval '! e2e_domain_exists "$name"'
	e2e_check "$what: no console log is left" [ ! -e "/var/log/libvirt/qemu/$name-console.log" ]
	e2e_check "$what: no volume named after it in any pool" eval '[ -z "$(e2e_vols_named "$name")" ]'
	for f in "${files[@]}"; do
		e2e_check "$what: the disk file $f is gone" [ ! -e "$f" ]
	done
	e2e_check "$what: domains, pools and volumes are as before" same_host "$before" "$after"
}

# ---- late failures ----------------------------------------------------------------

NAME=${E2E_PREFIX}late
DEFDIR=$(virsh -q pool-dumpxml default 2>/dev/null | sed -n 's:.*<path>\(.*\)</path>.*:\1:p' | head -n 1)
late_failure "late failure, disk in pool default" "$NAME" "${DEFDIR:-/var/lib/libvirt/images}/$NAME.qcow2" -- \
	--disk size=1 --boot kernel=$NOT_A_KERNEL

# A directory that exists but that no pool holds: vprov makes a pool for
# it, then a volume in it; both must go, the directory (the user's) stays.
DIR=${DIRS}pooldir
mkdir -p "$DIR"
late_failure "late failure, disk in a directory no pool held" "$NAME" "$DIR/x.qcow2" -- \
	--disk "path=$DIR/x.qcow2,size=1" --boot kernel=$NOT_A_KERNEL
e2e_check "... no pool is left at $DIR" eval '[ -z "$(e2e_pool_at "$DIR")" ]'
e2e_check "... the directory itself is still there, empty" \
	eval '[ -d "$DIR" ] && [ -z "$(ls -A "$DIR")" ]'

# Both at once: two volumes in two pools, one of them new.
DIR2=${DIRS}pooldir2
mkdir -p "$DIR2"
late_failure "late failure, two disks, one new pool" "$NAME" \
	"${DEFDIR:-/var/lib/libvirt/images}/$NAME.qcow2" "$DIR2/y.qcow2" -- \
	--disk size=1 --disk "path=$DIR2/y.qcow2,size=1" --boot kernel=$NOT_A_KERNEL
e2e_check "... no pool is left at $DIR2" eval '[ -z "$(e2e_pool_at "$DIR2")" ]'

# A directory that does not exist yet, two levels deep: building the pool
# makes both; the rollback must remove both.
DIR3=${DIRS}made
SUB3=$DIR3/${E2E_PREFIX}sub
late_failure "late failure, disk in a directory that did not exist" "$NAME" "$SUB3/z.qcow2" -- \
	--disk "path=$SUB3/z.qcow2,size=1" --boot kernel=$NOT_A_KERNEL
e2e_check "... no pool is left at $SUB3" eval '[ -z "$(e2e_pool_at "$SUB3")" ]'
e2e_check "... the directories it made are gone ($DIR3)" [ ! -e "$DIR3" ]

# ---- --dry-run and --print-xml change nothing --------------------------------------

DRY=${E2E_PREFIX}dry
NEWDIR=${DIRS}newdir          # does not exist
EMPTYDIR=${DIRS}emptydir      # exists, no pool holds it
mkdir -p "$EMPTYDIR"

dry() { # WHAT EXPECT(regex on stdout) ARGS...
	# shellcheck disable=SC2034 # expect is read in an eval
	local what=$1 expect=$2 before after
	shift 2
	before=$(snapshot)
	e2e_run create "$DRY" "${COMMON[@]}" "$@"
	after=$(snapshot)
	e2e_check "$what: exits 0 (rc=$RC${ERR:+, stderr: $ERR})" [ "$RC" -eq 0 ]
	e2e_check "$what: says what it would do" eval 'printf "%s\n" "$OUT" | grep -Eq "$expect"'
	e2e_check "$what: domains, pools and volumes are as before" same_host "$before" "$after"
	e2e_check "$what: no domain '$DRY'" eval '! e2e_domain_exists "$DRY"'
	e2e_check "$what: $NEWDIR was not made" [ ! -e "$NEWDIR" ]
	e2e_check "$what: $EMPTYDIR is still empty" eval '[ -z "$(ls -A "$EMPTYDIR")" ]'
	e2e_check "$what: no pool at $EMPTYDIR" eval '[ -z "$(e2e_pool_at "$EMPTYDIR")" ]'
}

dry "--dry-run, new volume" "^would create volume '$DRY.qcow2'" --disk size=1 --dry-run
dry "--print-xml, new volume" "<source file=\"[^\"]*/$DRY.qcow2\"" --disk size=1 --print-xml
dry "--dry-run --json, new volume" "\"created\": *false" --disk size=1 --dry-run --json
dry "--dry-run, new pool in a new directory" "^would create storage pool .* for directory '$NEWDIR'" \
	--disk "path=$NEWDIR/x.qcow2,size=1" --dry-run
dry "--print-xml, new pool in a new directory" "<source file=\"$NEWDIR/x.qcow2\"" \
	--disk "path=$NEWDIR/x.qcow2,size=1" --print-xml
dry "--dry-run, new pool for an existing directory" \
	"^would create storage pool .* for directory '$EMPTYDIR'" \
	--disk "path=$EMPTYDIR/x.qcow2,size=1" --disk size=1 --dry-run
dry "--print-xml, new pool for an existing directory" "<source file=\"$EMPTYDIR/x.qcow2\"" \
	--disk "path=$EMPTYDIR/x.qcow2,size=1" --print-xml

# ---- bad input: exit 2, one line, nothing touched ------------------------------------

BAD=${E2E_PREFIX}bad

# remove_mistake NAME: remove a VM and volumes a wrongly accepted bad input
# made, so that one failure does not cascade into the next checks.
remove_mistake() {
	local v
	if e2e_domain_exists "$1"; then
		virsh -q destroy "$1" >/dev/null 2>&1
		virsh -q undefine --nvram "$1" >/dev/null 2>&1 || virsh -q undefine "$1" >/dev/null 2>&1
	fi
	for v in $(e2e_vols_named "$E2E_PREFIX"); do
		virsh -q vol-delete --pool "${v%%/*}" "${v#*/}" >/dev/null 2>&1
	done
}

# bad WHAT NAME ARGS...: both spellings of the name (positional, which
# getopt takes last, and --name, which is known before the bad option is
# seen) must be refused the same way.
bad() {
	local what=$1 name=$2 form before after
	shift 2
	for form in positional --name; do
		before=$(snapshot)
		if [ "$form" = positional ]; then
			e2e_run create "$name" "${COMMON[@]}" --disk size=1 "$@"
		else
			e2e_run create --name "$name" "${COMMON[@]}" --disk size=1 "$@"
		fi
		after=$(snapshot)
		e2e_check "$what ($form name): exits 2 (rc=$RC)" [ "$RC" -eq 2 ]
		e2e_check "$what ($form name): one line on stderr ($ERR)" one_line
		e2e_check "$what ($form name): no domain was made" \
			eval '! e2e_domain_exists "$name" && [ -z "$(e2e_vols_named "$E2E_PREFIX")" ]'
		e2e_check "$what ($form name): domains, pools and volumes are as before" \
			same_host "$before" "$after"
		# a VM made by mistake must not outlive its check
		remove_mistake "$name"
	done
}

bad "--memory 0" "$BAD" --memory 0
bad "--memory 2X" "$BAD" --memory 2X
bad "--vcpus 0" "$BAD" --vcpus 0
bad "a name with XML metacharacters" "${E2E_PREFIX}a'/><x"
bad "unknown pool" "$BAD" --disk pool=nosuchpool,size=1
MISSING=${DIRS}nonexistent   # like /nonexistent, but this test's own
bad "missing path without size" "$BAD" --disk "path=$MISSING/dir/x.qcow2"
e2e_check "... $MISSING was not made" [ ! -e "$MISSING" ]
bad "unknown option" "$BAD" --no-such-option

e2e_finish
