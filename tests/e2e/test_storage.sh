#!/bin/bash
# tests/e2e/test_storage.sh — vprov's storage on a real libvirtd (qemu:///system):
# default disks and their names, linked clones (pool/volume, path, a base in
# a directory no pool holds, size checks), raw volumes, existing volumes and
# files, what delete removes and what it keeps, bus and cache options.
#
# usage: test_storage.sh path/to/vprov
# VMs sit in their firmware (--import of an empty disk, no network): no OS
# is needed to prove the storage.

. "$(dirname "$0")/lib.sh"

N=$E2E_PREFIX
C=(--import --network none --graphics none --memory 256 --noautoconsole)
GiB=1073741824
MiB=1048576

# Directories this test makes; each holds images directly, so a pool vprov
# makes for one is named after it, that is with the prefix, and lib.sh's
# trap removes it.  Any other pool on them is removed here too.
D_OUT=/var/tmp/${N}outside  # a base image no pool holds
D_NEW=/var/tmp/${N}newdir   # path= of a new disk, no pool holds it
D_POOL=/var/tmp/${N}pool    # a pool this test defines, with a file put there behind libvirt's back
D_GONE=/var/tmp/${N}gone    # a create that fails must remove what it made here

storage_cleanup() {
	local p
	e2e_cleanup
	for p in $(virsh -q pool-list --all --name 2>/dev/null); do
		case "$(virsh pool-dumpxml "$p" 2>/dev/null)" in
		*"<path>/var/tmp/${N}"*)
			virsh -q pool-destroy "$p" >/dev/null 2>&1 || true
			virsh -q pool-undefine "$p" >/dev/null 2>&1 || true ;;
		esac
	done
	rm -rf "$D_OUT" "$D_NEW" "$D_POOL" "$D_GONE"
	rm -f /var/log/libvirt/qemu/"$N"*.log
}
trap storage_cleanup EXIT

# ---- helpers -------------------------------------------------------------

# jq-like: evaluate a Python expression on the JSON document d read from stdin.
jget() {
	python3 -c 'import json, sys
d = json.load(sys.stdin)
v = eval(sys.argv[1])
print("" if v is None else ("true" if v is True else "false" if v is False else v))' "$1"
}

# qinfo FILE EXPR: EXPR on qemu-img's JSON description of FILE (-U: the
# image may be open in a running VM).
qinfo() {
	qemu-img info -U --output=json "$1" 2>/dev/null | jget "$2"
}

# vinfo VM EXPR: EXPR on `vprov info VM --json`.
vinfo() {
	"$VPROV" info "$1" --json 2>/dev/null | jget "$2"
}

vol_path() {
	virsh -q vol-path --pool "$1" "$2" 2>/dev/null
}

vol_exists() {
	virsh -q vol-info --pool "$1" "$2" >/dev/null 2>&1
}

# The pool (active or not) whose target is directory $1 (none: empty).
pool_of_dir() {
	e2e_pool_at "$1" | head -n 1
}

# Exit 2 with exactly one line on stderr.
usage_one_line() {
	[ "$RC" -eq 2 ] && [ -n "$ERR" ] && [ "$(printf '%s\n' "$ERR" | wc -l)" -eq 1 ]
}

# No VM named $1 and no volume whose name starts with $1.
nothing_made() {
	! e2e_domain_exists "$1" && [ -z "$(e2e_vols_named "$1")" ]
}

lt() { [ -n "$1" ] && [ "$1" -lt "$2" ]; }

no_vm() { ! e2e_domain_exists "$1"; }

# An active pool holds directory $1.
pool_active_at() {
	local p
	p=$(pool_of_dir "$1")
	[ -n "$p" ] && virsh -q pool-info "$p" 2>/dev/null | grep -qE '^State:[[:space:]]+running$'
}

# The VM's XML, one line per disk: "source target bus cache".
disk_lines() {
	"$VPROV" xml "$1" 2>/dev/null | python3 -c 'import sys, xml.etree.ElementTree as ET
for d in ET.parse(sys.stdin).getroot().findall("./devices/disk"):
    s, t, dr = d.find("source"), d.find("target"), d.find("driver")
    print(s.get("file") if s is not None else "-", t.get("dev"), t.get("bus"),
          (dr.get("cache") if dr is not None else None) or "-")'
}

# ---- default disk: NAME.qcow2, 20 GiB, in pool default ---------------------

e2e_run create "${N}def" "${C[@]}"
e2e_check "create without --disk exits 0" test "$RC" -eq 0
e2e_check "the default disk is volume ${N}def.qcow2 in pool default" vol_exists default "${N}def.qcow2"
P_DEF=$(vol_path default "${N}def.qcow2")
e2e_check "the default disk is qcow2" test "$(qinfo "$P_DEF" 'd["format"]')" = qcow2
e2e_check "the default disk is 20 GiB" test "$(qinfo "$P_DEF" 'd["virtual-size"]')" -eq $((20 * GiB))
e2e_check "the VM runs on it" test "$(vinfo "${N}def" 'd["disks"][0]["source"]')" = "$P_DEF"
e2e_run delete "${N}def"
e2e_check "delete exits 0" test "$RC" -eq 0
e2e_check "delete removed the default disk" test ! -e "$P_DEF"
e2e_check "delete removed the VM" no_vm "${N}def"

e2e_run create "${N}two" "${C[@]}" --disk size=2 --disk size=1
e2e_check "create with two --disk size= exits 0" test "$RC" -eq 0
e2e_check "the first disk is ${N}two.qcow2 (2 GiB)" \
	test "$(qinfo "$(vol_path default "${N}two.qcow2")" 'd["virtual-size"]')" = $((2 * GiB))
e2e_check "the second disk is ${N}two-1.qcow2 (1 GiB)" \
	test "$(qinfo "$(vol_path default "${N}two-1.qcow2")" 'd["virtual-size"]')" = $((1 * GiB))

# a volume that happens to have the VM's default disk name is not touched
virsh -q vol-create-as default "${N}taken.qcow2" 1G --format qcow2 >/dev/null
P_TAKEN=$(vol_path default "${N}taken.qcow2")
SUM_TAKEN=$(md5sum <"$P_TAKEN")
e2e_run create "${N}taken" "${C[@]}" --disk size=2
e2e_check "create next to a volume with its disk's name exits 0" test "$RC" -eq 0
e2e_check "... and names its disk ${N}taken-1.qcow2" \
	test "$(vinfo "${N}taken" 'd["disks"][0]["source"]')" = "$(vol_path default "${N}taken-1.qcow2")"
e2e_run delete "${N}taken"
e2e_check "delete exits 0" test "$RC" -eq 0
e2e_check "... removes ${N}taken-1.qcow2" eval '! vol_exists default "${N}taken-1.qcow2"'
e2e_check "... and leaves ${N}taken.qcow2 as it was" test "$(md5sum <"$P_TAKEN")" = "$SUM_TAKEN"

# ---- linked clones -----------------------------------------------------------

virsh -q vol-create-as default "${N}base.qcow2" 2G --format qcow2 >/dev/null
virsh -q vol-create-as default "${N}big.qcow2" 8G --format qcow2 >/dev/null
P_BASE=$(vol_path default "${N}base.qcow2")
P_BIG=$(vol_path default "${N}big.qcow2")
# real data in the bases: a copy would be as large, a clone is not
qemu-io -f qcow2 -c "write -P 0x5a 0 32M" "$P_BASE" >/dev/null
qemu-io -f qcow2 -c "write -P 0xa5 0 32M" "$P_BIG" >/dev/null
SUM_BASE=$(md5sum <"$P_BASE")
SUM_BIG=$(md5sum <"$P_BIG")
e2e_check "the bases hold data (> 32 MiB allocated)" \
	test "$(qinfo "$P_BASE" 'd["actual-size"]')" -gt $((32 * MiB))

# clone_ok VM OVERLAY BASE SIZE: OVERLAY is a qcow2 linked clone of the qcow2
# image BASE, of SIZE bytes, with next to nothing allocated, and the VM runs
# on it and says so in vprov info.
clone_ok() {
	local vm=$1 ov=$2 base=$3 size=$4
	[ -f "$ov" ] &&
		[ "$(qinfo "$ov" 'd["format"]')" = qcow2 ] &&
		[ "$(qinfo "$ov" 'd.get("full-backing-filename")')" = "$base" ] &&
		[ "$(qinfo "$ov" 'd.get("backing-filename-format")')" = qcow2 ] &&
		[ "$(qinfo "$ov" 'd["virtual-size"]')" = "$size" ] &&
		lt "$(qinfo "$ov" 'd["actual-size"]')" "$MiB" &&
		[ "$(vinfo "$vm" 'd["disks"][0]["source"]')" = "$ov" ] &&
		[ "$(vinfo "$vm" 'd["disks"][0]["backing_store"]')" = "$base" ] &&
		[ "$(vinfo "$vm" 'd["disks"][0]["owned"]')" = true ] &&
		[ "$(e2e_state "$vm")" = running ]
}

e2e_run create "${N}lc1" "${C[@]}" --disk "backing_store=default/${N}base.qcow2"
e2e_check "clone of default/${N}base.qcow2 exits 0" test "$RC" -eq 0
e2e_check "it is a 2 GiB linked clone, < 1 MiB allocated" \
	clone_ok "${N}lc1" "$(vol_path default "${N}lc1.qcow2")" "$P_BASE" $((2 * GiB))
e2e_run destroy "${N}lc1"
e2e_check "vprov info shows the base of a shut-off clone too" \
	test "$(vinfo "${N}lc1" 'd["state"] + " " + d["disks"][0]["backing_store"]')" = "shut off $P_BASE"

e2e_run create "${N}lc2" "${C[@]}" --disk "backing_store=$P_BASE,size=4"
e2e_check "clone of $P_BASE with size=4 exits 0" test "$RC" -eq 0
e2e_check "it is a 4 GiB linked clone, < 1 MiB allocated" \
	clone_ok "${N}lc2" "$(vol_path default "${N}lc2.qcow2")" "$P_BASE" $((4 * GiB))

e2e_run create "${N}lc3" "${C[@]}" --disk "backing_store=default/${N}big.qcow2"
e2e_check "clone of the 8 GiB base exits 0" test "$RC" -eq 0
e2e_check "it is an 8 GiB linked clone, < 1 MiB allocated" \
	clone_ok "${N}lc3" "$(vol_path default "${N}lc3.qcow2")" "$P_BIG" $((8 * GiB))

# a base in a directory no pool holds: vprov gives the directory a pool
mkdir -p "$D_OUT"
P_OBASE=$D_OUT/${N}obase.qcow2
qemu-img create -q -f qcow2 "$P_OBASE" 3G
qemu-io -f qcow2 -c "write -P 0x33 0 8M" "$P_OBASE" >/dev/null
SUM_OBASE=$(md5sum <"$P_OBASE")
e2e_check "no pool holds $D_OUT yet" test -z "$(pool_of_dir "$D_OUT")"
e2e_run create "${N}lc4" "${C[@]}" --disk "backing_store=$P_OBASE" --dry-run
e2e_check "--dry-run of that clone exits 0 and makes no pool" \
	eval '[ "$RC" -eq 0 ] && [ -z "$(pool_of_dir "$D_OUT")" ] && nothing_made "${N}lc4"'
e2e_run create "${N}lc4" "${C[@]}" --disk "backing_store=$P_OBASE" --print-xml
e2e_check "--print-xml of that clone exits 0 and makes no pool" \
	eval '[ "$RC" -eq 0 ] && [ -z "$(pool_of_dir "$D_OUT")" ] && nothing_made "${N}lc4"'
e2e_run create "${N}lc4" "${C[@]}" --disk "backing_store=$P_OBASE"
e2e_check "clone of a base outside any pool exits 0" test "$RC" -eq 0
e2e_check "an active pool now holds $D_OUT" pool_active_at "$D_OUT"
OV4=$(vinfo "${N}lc4" 'd["disks"][0]["source"]')
e2e_check "it is a 3 GiB linked clone, < 1 MiB allocated" \
	clone_ok "${N}lc4" "$OV4" "$P_OBASE" $((3 * GiB))

# size below the base's virtual size
e2e_run create "${N}small" "${C[@]}" --disk "backing_store=default/${N}base.qcow2,size=1"
e2e_check "size=1 under a 2 GiB base exits 2 with one line" usage_one_line
e2e_check "... and makes nothing" nothing_made "${N}small"

# a base that does not exist, in a directory that does not either
e2e_run create "${N}nobase" "${C[@]}" --disk "backing_store=$D_GONE/${N}nobase.qcow2"
e2e_check "a missing base exits 2 with one line" usage_one_line
e2e_check "... and makes nothing: no VM, volume, pool or directory" \
	eval 'nothing_made "${N}nobase" && [ -z "$(pool_of_dir "$D_GONE")" ] && [ ! -e "$D_GONE" ]'

# raw and backing_store do not go together; raw alone does
e2e_run create "${N}rawb" "${C[@]}" --disk "backing_store=default/${N}base.qcow2,format=raw"
e2e_check "format=raw with backing_store exits 2 with one line" usage_one_line
e2e_check "... and makes nothing" nothing_made "${N}rawb"
e2e_run create "${N}raw" "${C[@]}" --disk format=raw,size=1
e2e_check "format=raw,size=1 exits 0" test "$RC" -eq 0
e2e_check "it made ${N}raw.img" vol_exists default "${N}raw.img"
P_RAW=$(vol_path default "${N}raw.img")
e2e_check "qemu-img reports it raw, 1 GiB" \
	test "$(qinfo "$P_RAW" 'd["format"] + " " + str(d["virtual-size"])')" = "raw $GiB"
e2e_check "the domain drives it as raw" test "$(vinfo "${N}raw" 'd["disks"][0]["format"]')" = raw
e2e_run delete "${N}raw"
e2e_check "delete removed the raw volume" test "$RC" -eq 0 -a ! -e "$P_RAW"

# delete removes the clones, never their bases (which stay unchanged)
for vm in lc1 lc2 lc3 lc4; do
	ov=$(vinfo "${N}$vm" 'd["disks"][0]["source"]')
	e2e_run delete "${N}$vm"
	e2e_check "delete ${N}$vm exits 0 and removes its overlay" test "$RC" -eq 0 -a ! -e "$ov"
done
e2e_check "the bases still exist" \
	eval 'vol_exists default "${N}base.qcow2" && vol_exists default "${N}big.qcow2" && test -f "$P_OBASE"'
e2e_check "the bases are unchanged" \
	test "$(md5sum <"$P_BASE")$(md5sum <"$P_BIG")$(md5sum <"$P_OBASE")" = "$SUM_BASE$SUM_BIG$SUM_OBASE"

# ---- vol=: an existing volume, not vprov's ----------------------------------

virsh -q vol-create-as default "${N}ext.qcow2" 1G --format qcow2 >/dev/null
P_EXT=$(vol_path default "${N}ext.qcow2")
e2e_run create "${N}usevol" "${C[@]}" --disk "vol=default/${N}ext.qcow2"
e2e_check "--disk vol= exits 0" test "$RC" -eq 0
e2e_check "the VM uses that volume" test "$(vinfo "${N}usevol" 'd["disks"][0]["source"]')" = "$P_EXT"
e2e_check "... which vprov does not own" test "$(vinfo "${N}usevol" 'd["disks"][0]["owned"]')" = false
e2e_run delete "${N}usevol"
e2e_check "delete exits 0" test "$RC" -eq 0
e2e_check "delete kept the volume" vol_exists default "${N}ext.qcow2"
e2e_check "delete said it kept it" grep -qF "$P_EXT" <<<"$ERR"

# ---- path= in a directory no pool holds --------------------------------------

mkdir -p "$D_NEW"
P_NEW=$D_NEW/disk.qcow2
e2e_check "no pool holds $D_NEW yet" test -z "$(pool_of_dir "$D_NEW")"
e2e_run create "${N}pnew" "${C[@]}" --disk "path=$P_NEW,size=1"
e2e_check "--disk path=NEW,size=1 exits 0" test "$RC" -eq 0
e2e_check "an active pool now holds $D_NEW" pool_active_at "$D_NEW"
e2e_check "the file exists: qcow2, 1 GiB" \
	test "$(qinfo "$P_NEW" 'd["format"] + " " + str(d["virtual-size"])')" = "qcow2 $GiB"
e2e_check "the VM uses it" test "$(vinfo "${N}pnew" 'd["disks"][0]["source"]')" = "$P_NEW"
e2e_check "... and vprov owns it" test "$(vinfo "${N}pnew" 'd["disks"][0]["owned"]')" = true
e2e_run delete "${N}pnew"
e2e_check "delete exits 0 and removes the file" test "$RC" -eq 0 -a ! -e "$P_NEW"

# ---- path= of an existing file in a pooled directory --------------------------

mkdir -p "$D_POOL"
virsh -q pool-define-as "${N}pool" dir --target "$D_POOL" >/dev/null &&
	virsh -q pool-start "${N}pool" >/dev/null
P_EX=$D_POOL/${N}exist.qcow2
qemu-img create -q -f qcow2 "$P_EX" 1G # behind libvirt's back: the pool has not seen it
INODE=$(stat -c %i "$P_EX")
e2e_run create "${N}pex1" "${C[@]}" --disk "path=$P_EX,size=1"
e2e_check "path=EXISTING with size= exits 2 with one line" usage_one_line
e2e_check "... and makes nothing" nothing_made "${N}pex1"
e2e_run create "${N}pex" "${C[@]}" --disk "path=$P_EX"
e2e_check "path=EXISTING exits 0" test "$RC" -eq 0
e2e_check "the VM uses the file, as qcow2" \
	test "$(vinfo "${N}pex" 'd["disks"][0]["source"] + " " + d["disks"][0]["format"]')" = "$P_EX qcow2"
e2e_check "... which vprov does not own" test "$(vinfo "${N}pex" 'd["disks"][0]["owned"]')" = false
e2e_check "the file is the same file, unchanged (1 GiB, no backing file)" \
	test "$(stat -c %i "$P_EX") $(qinfo "$P_EX" 'str(d["virtual-size"]) + str(d.get("backing-filename"))')" = "$INODE ${GiB}None"
e2e_run delete "${N}pex"
e2e_check "delete exits 0 and keeps the file" test "$RC" -eq 0 -a -f "$P_EX"
e2e_check "delete said it kept it" grep -qF "$P_EX" <<<"$ERR"

# ---- a volume of VM A that is the base of a clone in another pool -------------

# B is shut off, so only B's volume names A's disk as its base
e2e_run create "${N}gold" "${C[@]}" --disk size=1
P_GOLD=$(vinfo "${N}gold" 'd["disks"][0]["source"]')
e2e_run destroy "${N}gold"
e2e_run create "${N}clone" "${C[@]}" --disk "backing_store=default/${N}gold.qcow2,pool=${N}pool"
e2e_check "a clone of A's disk in another pool exits 0" test "$RC" -eq 0
P_CLONE=$(vinfo "${N}clone" 'd["disks"][0]["source"]')
e2e_check "... and lives in that pool" test "$(dirname "$P_CLONE")" = "$D_POOL"
e2e_run destroy "${N}clone"
e2e_run delete "${N}gold"
e2e_check "delete A exits 0" test "$RC" -eq 0
e2e_check "... keeps A's disk, the base of the clone" test -f "$P_GOLD"
e2e_check "... and warns, naming the clone" eval 'grep -F "$P_GOLD" <<<"$ERR" | grep -qF "${N}clone.qcow2"'
e2e_run delete "${N}clone"
e2e_check "delete B removes the clone and keeps its base" \
	eval '[ "$RC" -eq 0 ] && [ ! -e "$P_CLONE" ] && [ -f "$P_GOLD" ]'
virsh -q vol-delete "$P_GOLD" >/dev/null 2>&1

# ---- a volume of VM A that VM B also uses -------------------------------------

# shared_case MODE: A gets a new disk; B (MODE: persistent or --transient) is
# made on A's disk; deleting A keeps that disk and warns; then B goes.
shared_case() {
	local a=${N}sa$1 b=${N}sb$1 pa
	local extra=()

	[ "$1" = t ] && extra=(--transient)
	e2e_run create "$a" "${C[@]}" --disk size=1
	[ "$RC" -eq 0 ] || { echo "create $a: $ERR" >&2; return 1; }
	pa=$(vinfo "$a" 'd["disks"][0]["source"]')
	# one writer at a time: QEMU locks the image
	e2e_run destroy "$a"
	# A's disk is A's: refused, as virt-install refuses it, unless the check is off
	e2e_run create "$b" "${C[@]}" --disk "path=$pa" "${extra[@]}"
	[ "$RC" -eq 2 ] && grep -qF "is in use by VM '$a' (--check path_in_use=off allows it)" <<<"$ERR" ||
		{ echo "create $b on $a's disk was not refused: $RC $ERR" >&2; return 1; }
	e2e_run create "$b" "${C[@]}" --disk "path=$pa" "${extra[@]}" --check path_in_use=off
	[ "$RC" -eq 0 ] || { echo "create $b: $ERR" >&2; return 1; }
	[ "$(vinfo "$b" 'd["disks"][0]["source"]')" = "$pa" ] || return 1
	e2e_run delete "$a"
	[ "$RC" -eq 0 ] || { echo "delete $a: $ERR" >&2; return 1; }
	! e2e_domain_exists "$a" || { echo "$a still exists" >&2; return 1; }
	[ -f "$pa" ] || { echo "delete $a removed $pa, which $b uses" >&2; return 1; }
	grep -F "$pa" <<<"$ERR" | grep -qF "$b" || { echo "no warning naming $pa and $b: $ERR" >&2; return 1; }
	[ "$(e2e_state "$b")" = running ] || return 1
	grep -F "$pa" <<<"$ERR" | grep -qF "now owns it" || { echo "no hand-over to $b: $ERR" >&2; return 1; }
	e2e_run delete "$b"
	[ "$RC" -eq 0 ] || { echo "delete $b: $ERR" >&2; return 1; }
	! e2e_domain_exists "$b" || return 1
	# B owns it now: the last delete removes it, nobody's disk is left
	[ ! -e "$pa" ] || { echo "delete $b left $pa behind, which nobody owns now" >&2; return 1; }
	grep -qF "removed $pa" <<<"$OUT" || { echo "delete $b did not say it removed $pa: $OUT" >&2; return 1; }
}
e2e_check "delete A keeps A's volume that persistent VM B uses, hands it to B, B's delete removes it" shared_case p
e2e_check "delete A keeps A's volume that transient VM B uses, hands it to B, B's delete removes it" shared_case t

# ---- bus and cache reach the XML ----------------------------------------------

e2e_run create "${N}bus" "${C[@]}" --disk size=1,bus=sata,cache=none --disk size=1 --disk size=1
e2e_check "create with bus=sata,cache=none and two virtio disks exits 0" test "$RC" -eq 0
DL=$(disk_lines "${N}bus")
e2e_check "bus=sata,cache=none gives sda on sata with cache none" \
	grep -qx "$(vol_path default "${N}bus.qcow2") sda sata none" <<<"$DL"
e2e_check "the second disk is vda on virtio, cache left to the default" \
	test "$(sed -n 2p <<<"$DL")" = "$(vol_path default "${N}bus-1.qcow2") vda virtio -"
e2e_check "the third disk is vdb on virtio" \
	test "$(sed -n 3p <<<"$DL")" = "$(vol_path default "${N}bus-2.qcow2") vdb virtio -"
e2e_check "the VM runs" test "$(e2e_state "${N}bus")" = running
e2e_run delete "${N}bus"
e2e_check "delete removes all three disks" test "$RC" -eq 0 -a -z "$(e2e_vols_named "${N}bus")"

e2e_run create "${N}ide" "${C[@]}" --disk size=1,bus=ide
e2e_check "bus=ide on q35 exits 2 with one line" usage_one_line
e2e_check "... and makes nothing" nothing_made "${N}ide"

# ---- a create that fails late removes its volume, pool and directories -------

# the second disk is in use by the running VM ${N}two: QEMU's image lock
# makes the start fail, after the pool, its directory and the volume exist
# (with the check path_in_use off: it refuses that disk before anything is made)
P_TWO=$(vol_path default "${N}two.qcow2")
e2e_run create "${N}late" "${C[@]}" --disk "path=$D_GONE/${N}sub/disk.qcow2,size=1" --disk "path=$P_TWO" \
	--check path_in_use=off
e2e_check "a create that fails at start exits 1" test "$RC" -eq 1
e2e_check "... with the check's warning and one line" eval \
	'[ "$(printf "%s\n" "$ERR" | grep -vc "warning: disk .* is in use by VM .* as well (check path_in_use is off)")" -eq 1 ]'
e2e_check "... leaves no VM and no volume" eval 'nothing_made "${N}late" && [ ! -e "$D_GONE/${N}sub/disk.qcow2" ]'
e2e_check "... leaves no pool" test -z "$(pool_of_dir "$D_GONE/${N}sub")"
e2e_check "... and removes the directories it made" test ! -e "$D_GONE"
e2e_check "... and leaves the other VM's disk alone" \
	eval '[ -f "$P_TWO" ] && [ "$(e2e_state "${N}two")" = running ]'

# ---- --keep-storage -----------------------------------------------------------

e2e_run delete "${N}two" --keep-storage
e2e_check "delete --keep-storage exits 0" test "$RC" -eq 0
e2e_check "... removes the VM" no_vm "${N}two"
e2e_check "... and keeps both of its volumes" \
	eval 'vol_exists default "${N}two.qcow2" && vol_exists default "${N}two-1.qcow2"'

e2e_check "no VM of this test is left" test -z "$(virsh -q list --all --name | grep "^$N")"

e2e_finish
