#!/bin/bash
# tests/e2e/test_migrate_offline.sh — offline migration between two real
# libvirt hosts on this machine (host A: qemu:///system; host B: the second
# libvirtd on 127.0.0.2, scripts/libvirtd-second-host.sh, whose
# /var/lib/libvirt is /var/tmp/vprov-hostB/varlib here).
#
# Part 1, the storage side (provision/migrate_storage.c, transfer.c) driven
# by build/vprov-xferbench as migrate.c drives it: a 2 GiB qcow2 volume
# with ~100 MiB of random data at several offsets streamed A -> B and back,
# the files' sha256 equal on both sides and B's copy still sparse; a name
# clash on B, a pool on B too small for it (a 64 MiB tmpfs mounted in B's
# mount namespace), SIGINT in the middle of a copy and a copy changed on B
# before its verification each refused or undone with nothing left on B; a linked clone whose base is copied first
# into a pool at another path on B and its header pointed there (the guest
# view identical), and a second clone finding that base by checksum.
#
# Part 2, the command (`vprov migrate NAME URI --offline [--keep-source]`):
# a shut-off guest moved to B, booted there (its console answers), stopped,
# moved back keeping B's copy; the disk's sha256 the same all the way.
. "$(dirname "$0")/lib.sh"

R=$E2E_R
XFER=$(dirname "$VPROV")/vprov-xferbench
HB=${VPROV_HOSTB_DIR:-/var/tmp/vprov-hostB}
A_IMAGES=/var/lib/libvirt/images
SMALL=/var/lib/libvirt/${E2E_PREFIX}small      # in B's mount namespace
OTHER=/var/lib/libvirt/${E2E_PREFIX}other      # in B's mount namespace
VOL=${E2E_PREFIX}data.qcow2

e2e_second_host
BPID=$(cat "$HB/run/libvirtd-b.pid")
inb() { nsenter -t "$BPID" -m --wd=/ "$@"; }

cleanup_b() {
	local p v
	for p in "${E2E_PREFIX}small" "${E2E_PREFIX}other"; do
		for v in $(virsh -q -c "$R" vol-list "$p" 2>/dev/null | awk '{print $1}'); do
			virsh -q -c "$R" vol-delete --pool "$p" "$v" >/dev/null 2>&1
		done
		virsh -q -c "$R" pool-destroy "$p" >/dev/null 2>&1
		virsh -q -c "$R" pool-undefine "$p" >/dev/null 2>&1
	done
	inb umount "$SMALL" 2>/dev/null
	inb rmdir "$SMALL" "$OTHER" 2>/dev/null
	e2e_second_host_cleanup
}
trap cleanup_b EXIT

b_vols() { virsh -q -c "$R" vol-list "${2:-default}" 2>/dev/null | awk -v p="$1" 'index($1, p) == 1 {print $1}'; }
sha() { sha256sum "$1" | cut -d' ' -f1; }

e2e_check "the transfer program is built ($XFER)" [ -x "$XFER" ]

# ---- part 1: the storage side -----------------------------------------------

raw=$E2E_TMP/data.raw
truncate -s 2G "$raw"
for off in 0 137 600 1100 2020; do            # MiB; the last runs to the end
	dd if=/dev/urandom of="$raw" bs=1M seek="$off" count=20 conv=notrunc status=none
done
qemu-img convert -O qcow2 "$raw" "$A_IMAGES/$VOL"
rm -f "$raw"
virsh -q pool-refresh default >/dev/null
SUM=$(sha "$A_IMAGES/$VOL")

out=$("$XFER" migrate qemu:///system "$R" "$A_IMAGES/$VOL" 2>"$E2E_TMP/err")
rc=$?
e2e_check "A -> B: the volume streamed to B's pool 'default' (rc=$rc: $(cat "$E2E_TMP/err"))" [ "$rc" -eq 0 ]
e2e_check "... at B's path for it" [ "$out" = "/var/lib/libvirt/images/$VOL copied" ]
e2e_check "... the file's sha256 the same on B" [ "$(sha "$HB/varlib/images/$VOL")" = "$SUM" ]
alloc_kib=$(du -k "$HB/varlib/images/$VOL" | cut -f1)
e2e_check "... and B's copy sparse (${alloc_kib} KiB allocated for ~100 MiB of data)" [ "$alloc_kib" -lt 150000 ]
e2e_check "... B's libvirt sees a 2 GiB qcow2" \
	bash -c "virsh -q -c '$R' vol-dumpxml --pool default '$VOL' | grep -q \"<format type='qcow2'/>\" &&
		 virsh -q -c '$R' vol-dumpxml --pool default '$VOL' | grep -q '<capacity unit=.bytes.>2147483648<'"

# and back, into a pool of its own on A
mkdir -p "$E2E_TMP/back"
virsh -q pool-create-as "${E2E_PREFIX}back" dir --target "$E2E_TMP/back" >/dev/null
"$XFER" migrate "$R" qemu:///system --dest-pool "${E2E_PREFIX}back" "/var/lib/libvirt/images/$VOL" >/dev/null 2>"$E2E_TMP/err"
rc=$?
e2e_check "B -> A: streamed back (rc=$rc: $(cat "$E2E_TMP/err"))" [ "$rc" -eq 0 ]
e2e_check "... the sha256 still the same" [ "$(sha "$E2E_TMP/back/$VOL")" = "$SUM" ]

# a name clash on B: refused before anything is made, B's volume untouched
"$XFER" migrate qemu:///system "$R" "$A_IMAGES/$VOL" >/dev/null 2>"$E2E_TMP/err"
rc=$?
e2e_check "a volume of that name on B: refused as a request error (rc=$rc)" [ "$rc" -eq 2 ]
e2e_check "... saying so in one line" \
	[ "$(cat "$E2E_TMP/err")" = "xferbench: volume '$VOL' already exists in pool 'default' on the destination" ]
e2e_check "... B's volume unchanged" [ "$(sha "$HB/varlib/images/$VOL")" = "$SUM" ]
virsh -q -c "$R" vol-delete --pool default "$VOL" >/dev/null

# SIGINT in the middle of the copy: nothing left on B
(XFER_SLOW=1 XFER_PROGRESS=1 exec "$XFER" migrate qemu:///system "$R" "$A_IMAGES/$VOL" \
	>/dev/null 2>"$E2E_TMP/int") &
pid=$!
for _ in $(seq 1 300); do
	grep -qE '^progress copy [^ ]+ [1-9]' "$E2E_TMP/int" 2>/dev/null && break
	sleep 0.1
done
e2e_check "the slowed copy is under way on B" [ -n "$(b_vols "$VOL")" ]
kill -INT "$pid"
wait "$pid"
rc=$?
e2e_check "SIGINT mid-copy: exit 1 (rc=$rc)" [ "$rc" -eq 1 ]
e2e_check "... saying it was interrupted and undone" \
	grep -q "the copy of volume '$VOL' was interrupted; everything made was removed" "$E2E_TMP/int"
e2e_check "... no volume left on B" [ -z "$(b_vols "$VOL")" ]
e2e_check "... no file left in B's directory" [ ! -e "$HB/varlib/images/$VOL" ]
e2e_check "... and the source volume intact" [ "$(sha "$A_IMAGES/$VOL")" = "$SUM" ]

# a copy that does not read back as sent (a byte changed on B between the
# copy and its verification): the step fails and the volume goes
XFER_CORRUPT=1 "$XFER" migrate qemu:///system "$R" "$A_IMAGES/$VOL" >/dev/null 2>"$E2E_TMP/err"
rc=$?
e2e_check "a copy changed on B before its check: exit 1 (rc=$rc)" [ "$rc" -eq 1 ]
e2e_check "... the checksums differ, says the error ($(cat "$E2E_TMP/err"))" \
	grep -q "^xferbench: the copy of disk 'vda' in pool 'default' on the destination does not match what was sent: [0-9]\+ bytes with sha256 [0-9a-f]\{64\} there, [0-9]\+ bytes with sha256 $SUM sent$" "$E2E_TMP/err"
e2e_check "... no volume left on B" [ -z "$(b_vols "$VOL")" ]

# a pool on B too small: 64 MiB of tmpfs for ~100 MiB of data
inb mkdir -p "$SMALL" && inb mount -t tmpfs -o size=64M "${E2E_PREFIX}small" "$SMALL"
virsh -q -c "$R" pool-create-as "${E2E_PREFIX}small" dir --target "$SMALL" >/dev/null
"$XFER" migrate qemu:///system "$R" --dest-pool "${E2E_PREFIX}small" "$A_IMAGES/$VOL" >/dev/null 2>"$E2E_TMP/err"
rc=$?
e2e_check "B's pool too small: refused (rc=$rc)" [ "$rc" -eq 2 ]
e2e_check "... with the figures ($(cat "$E2E_TMP/err"))" \
	grep -qE "^xferbench: not enough free space in storage pool '${E2E_PREFIX}small' on the destination: the copies need 10[0-9.]* MiB, it has 6[0-9.]* MiB free$" "$E2E_TMP/err"
e2e_check "... nothing made there" [ -z "$(virsh -q -c "$R" vol-list "${E2E_PREFIX}small" 2>/dev/null)" ]

# a linked clone: its base goes first, into a pool at another path on B,
# and the clone's header names the base there
qemu-img create -q -f qcow2 "$A_IMAGES/${E2E_PREFIX}base.qcow2" 256M
qemu-io -c "write -P 0x61 0 8M" -c "write -P 0x62 100M 8M" "$A_IMAGES/${E2E_PREFIX}base.qcow2" >/dev/null
for c in clone1 clone2; do
	qemu-img create -q -f qcow2 -F qcow2 -b "$A_IMAGES/${E2E_PREFIX}base.qcow2" "$A_IMAGES/${E2E_PREFIX}$c.qcow2"
done
qemu-io -c "write -P 0x63 4M 8M" "$A_IMAGES/${E2E_PREFIX}clone1.qcow2" >/dev/null
virsh -q pool-refresh default >/dev/null
inb mkdir -p "$OTHER"
virsh -q -c "$R" pool-create-as "${E2E_PREFIX}other" dir --target "$OTHER" >/dev/null
XFER_PLAN=1 "$XFER" migrate qemu:///system "$R" --dest-pool "${E2E_PREFIX}other" \
	"$A_IMAGES/${E2E_PREFIX}clone1.qcow2" >/dev/null 2>"$E2E_TMP/err"
rc=$?
e2e_check "a linked clone to another path on B (rc=$rc: $(grep -v ^step "$E2E_TMP/err"))" [ "$rc" -eq 0 ]
e2e_check "... its base copied first" grep -q "^step backing: .*'${E2E_PREFIX}base.qcow2'" "$E2E_TMP/err"
e2e_check "... the clone's header names the base on B" \
	[ "$(inb qemu-img info --output=json "$OTHER/${E2E_PREFIX}clone1.qcow2" | python3 -c 'import json,sys; print(json.load(sys.stdin)["backing-filename"])')" = "$OTHER/${E2E_PREFIX}base.qcow2" ]
e2e_check "... the base byte for byte" \
	[ "$(sha "$HB/varlib/${E2E_PREFIX}other/${E2E_PREFIX}base.qcow2")" = "$(sha "$A_IMAGES/${E2E_PREFIX}base.qcow2")" ]
qemu-img convert -O raw "$A_IMAGES/${E2E_PREFIX}clone1.qcow2" "$E2E_TMP/a.raw"
inb qemu-img convert -O raw "$OTHER/${E2E_PREFIX}clone1.qcow2" "$E2E_TMP/b.raw"
e2e_check "... and the guest sees the same disk on B" cmp -s "$E2E_TMP/a.raw" "$E2E_TMP/b.raw"
e2e_check "... qemu-img check finds B's clone clean" inb qemu-img check -q "$OTHER/${E2E_PREFIX}clone1.qcow2"
rm -f "$E2E_TMP/a.raw" "$E2E_TMP/b.raw"
XFER_PLAN=1 "$XFER" migrate qemu:///system "$R" --dest-pool "${E2E_PREFIX}other" \
	"$A_IMAGES/${E2E_PREFIX}clone2.qcow2" >/dev/null 2>"$E2E_TMP/err"
rc=$?
e2e_check "a second clone of that base (rc=$rc)" [ "$rc" -eq 0 ]
e2e_check "... finds the base on B by checksum (no backing step)" bash -c "! grep -q '^step backing' '$E2E_TMP/err'"

# ---- part 2: vprov migrate --offline ----------------------------------------

VM=${E2E_PREFIX}mig
BOOT="kernel=$E2E_KERNEL,initrd=$E2E_INITRD,kernel_args=\"$E2E_KARGS\""
e2e_run create "$VM" --memory 256 --vcpus 1 --disk size=1 --network none --graphics none \
	--boot "$BOOT" --noautoconsole
e2e_check "a guest on A (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_run stop "$VM" --timeout 2 --force
disk=$(virsh -q domblklist "$VM" --details | awk '$2 == "disk" {print $4; exit}')
qemu-io -c "write -P 0x6d 1M 16M" "$disk" >/dev/null
DSUM=$(sha "$disk")
dname=$(basename "$disk")

# SIGINT once B's volume exists, before the copy starts: vprov
# exits 130, the VM and its disk are on A as they were, nothing on B
touch "$E2E_TMP/hold"
(VPROV_TEST_PAUSE="copy:before:$E2E_TMP/hold" exec "$VPROV" migrate "$VM" "$R" --offline \
	>/dev/null 2>"$E2E_TMP/mint") &
pid=$!
for _ in $(seq 1 600); do
	grep -q "vprov-test: paused before step 'copy'" "$E2E_TMP/mint" 2>/dev/null && break
	sleep 0.1
done
e2e_check "an offline migrate paused at its copy, B's volume made" [ -n "$(b_vols "$dname")" ]
kill -INT "$pid"
wait "$pid"
rc=$?
rm -f "$E2E_TMP/hold"
e2e_check "SIGINT mid-migrate: exit 130 (rc=$rc: $(tail -n 1 "$E2E_TMP/mint"))" [ "$rc" -eq 130 ]
e2e_check "... the VM still defined on A, shut off" [ "$(e2e_state "$VM")" = "shut off" ]
e2e_check "... its disk on A unchanged" [ "$(sha "$disk")" = "$DSUM" ]
e2e_check "... no VM on B" bash -c "! virsh -q -c '$R' dominfo '$VM' >/dev/null 2>&1"
e2e_check "... no volume on B" [ -z "$(b_vols "$dname")" ]

e2e_run migrate "$VM" "$R" --offline
e2e_check "vprov migrate --offline to B (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
if [ "$RC" -ne 0 ]; then
	# the rest needs the guest on B; the failure above is the one to read
	e2e_finish
fi
e2e_check "... the VM is defined on B, shut off" [ "$(virsh -q -c "$R" domstate "$VM" 2>/dev/null | head -n 1)" = "shut off" ]
e2e_check "... and gone from A" bash -c "! virsh -q dominfo '$VM' >/dev/null 2>&1"
e2e_check "... its volume gone from A" [ ! -e "$disk" ]
e2e_check "... its disk on B with the same sha256" [ "$(sha "$HB/varlib/images/$dname" 2>/dev/null)" = "$DSUM" ]
e2e_run -c "$R" start "$VM"
e2e_check "it starts on B (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "... and its console answers there" e2e_console_answers "$R" "$VM" MG
e2e_run -c "$R" stop "$VM" --timeout 2 --force
BSUM=$(sha "$HB/varlib/images/$dname")

e2e_run -c "$R" migrate "$VM" qemu:///system --offline --keep-source
e2e_check "back to A with --keep-source (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "... defined on A" [ "$(e2e_state "$VM")" = "shut off" ]
e2e_check "... still defined on B" bash -c "virsh -q -c '$R' dominfo '$VM' >/dev/null"
e2e_check "... B's volume kept" [ -e "$HB/varlib/images/$dname" ]
e2e_check "... A's disk has B's bytes" [ "$(sha "$disk" 2>/dev/null)" = "$BSUM" ]
e2e_run -c "$R" delete "$VM"
e2e_check "the copy kept on B deletes" [ "$RC" -eq 0 ]
e2e_run delete "$VM"
e2e_check "and the one on A" [ "$RC" -eq 0 ]

e2e_finish
