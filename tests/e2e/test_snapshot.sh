#!/bin/bash
# tests/e2e/test_snapshot.sh — snapshots of a real TCG guest on the real
# libvirtd.  The kernel+initrd guest's shell on the serial console writes a
# marker into the first bytes of its disk (/dev/vda); a snapshot, a new
# marker, a revert, and the first marker must be back.  Internal snapshots
# of a running guest (memory too: the revert brings it back running, its
# console answers), of a shut-off one (markers written with qemu-io while it
# is off), the revert guard and --running/--paused on QEMU; then external
# (--disk-only) snapshots: overlays as pool volumes, revert, delete (the
# chain shorter afterwards), and delete of a VM with snapshots.
. "$(dirname "$0")/lib.sh"

VM=${E2E_PREFIX}snap
BOOT="kernel=$E2E_KERNEL,initrd=$E2E_INITRD,kernel_args=\"$E2E_KARGS\""
POOLDIR=$(virsh -q pool-dumpxml default | sed -n 's:.*<path>\(.*\)</path>.*:\1:p')
DISK=$POOLDIR/$VM.qcow2

# console CMD: type CMD into the guest's shell, print what came back
# (several tries: the shell may not be up yet, or busy)
console() {
	local out tag=$RANDOM
	for _ in $(seq 1 12); do
		out=$(printf '%s; echo E$((%d+1))\n' "$1" "$tag" | timeout 60 "$VPROV" console "$VM" --timeout 8 2>/dev/null)
		if grep -aq "E$((tag + 1))" <<<"$out"; then
			printf "%s\n" "$out" | tr -d "\r"
			return 0
		fi
		sleep 2
	done
	return 1
}

# Wait for the shell of a boot that started after log_mark: what is typed
# while the kernel boots can reach the shell cut short (an unclosed $(( then
# swallows every later line).  The console log appends.
LOG=/var/log/libvirt/qemu/$VM-console.log
LOGPOS=0
log_mark() { LOGPOS=$(stat -c %s "$LOG" 2>/dev/null || echo 0); }
booted() {
	local i
	for i in $(seq 1 360); do
		if tail -c +$((LOGPOS + 1)) "$LOG" 2>/dev/null | grep -aq 'Spawning shell'; then
			sleep 1
			return 0
		fi
		sleep 0.5
	done
	return 1
}

# the disk's driver (the initrd's shell has not loaded it at break=top)
disk_up() {
	console 'modprobe virtio_pci; modprobe virtio_blk; sleep 1; ls /dev/vda' | grep -aq '/dev/vda$'
}

# mark WORD: write WORD at the start of /dev/vda and flush it
mark() {
	console "echo $1 | dd of=/dev/vda conv=notrunc 2>/dev/null; sync" >/dev/null
}

# marker: the first 5 bytes of /dev/vda as the guest reads them (markers
# are 5 characters)
marker() {
	console 'echo; echo M=$(dd if=/dev/vda bs=5 count=1 2>/dev/null)' | sed -n 's/^M=\(.....\).*/\1/p' | tail -n 1
}

# off_mark / off_has BYTE: write / check a 64 KiB pattern at 1 MiB in the
# shut-off guest's disk (the top of its chain), with qemu-io
# (off_has also on a running guest's image: -U, shared, read only)
off_mark() { qemu-io -f qcow2 -c "write -P $1 1M 64k" "$2" >/dev/null; }
off_has() { qemu-io -f qcow2 -r -U -c "read -P $1 1M 64k" "$2" 2>&1 | grep -q 'read 65536/65536'; }

top_image() { virsh -q domblklist "$VM" --details | awk '$3 == "vda" {print $4}'; }

e2e_run create "$VM" --memory 512 --vcpus 1 --disk size=1 --network none --graphics none \
	--boot "$BOOT" --noautoconsole
e2e_check "create the guest (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "its initrd's shell starts" booted
e2e_check "its disk driver loads in the initrd's shell" disk_up

# ---- internal, running: memory and disk come back --------------------------
mark MARK1
e2e_check "the guest reads back the marker it wrote" [ "$(marker)" = MARK1 ]
e2e_run snapshot create "$VM" live1 --description "with MARK1"
e2e_check "snapshot create on a running guest (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "... takes its memory too" grep -q "disks and memory" <<<"$OUT"
mark MARK2
e2e_check "the guest now reads MARK2" [ "$(marker)" = MARK2 ]
e2e_run snapshot revert "$VM" live1
e2e_check "revert to the running snapshot (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "... leaves the guest running" [ "$(e2e_state "$VM")" = running ]
e2e_check "... its console answers and MARK1 is back" [ "$(marker)" = MARK1 ]
e2e_run snapshot revert "$VM" live1 --paused
e2e_check "revert --paused to a running snapshot (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "... leaves the guest paused" [ "$(e2e_state "$VM")" = paused ]
virsh -q resume "$VM" >/dev/null
e2e_check "... and it runs on when resumed, MARK1 there" [ "$(marker)" = MARK1 ]

# ---- internal, shut off: qemu-io marks the disk -------------------------------
virsh -q destroy "$VM" >/dev/null
off_mark 0x11 "$DISK"
e2e_run snapshot create "$VM" off1
e2e_check "snapshot create on a shut-off guest (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_run snapshot info "$VM" off1 --json
e2e_check "... taken shut off, without memory" \
	python3 -c "import json,sys; j=json.loads(sys.argv[1]); sys.exit(not (j['state']=='shutoff' and not j['memory'] and j['parent']=='live1' and j['current']))" "$OUT"
off_mark 0x22 "$DISK"
e2e_check "the disk now holds the second pattern" off_has 0x22 "$DISK"
e2e_run snapshot revert "$VM" off1
e2e_check "revert a shut-off guest (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "... the first pattern is back" off_has 0x11 "$DISK"
e2e_check "... and it stays shut off" [ "$(e2e_state "$VM")" = "shut off" ]

# ---- the revert guard and --running on QEMU ------------------------------------
log_mark
e2e_run start "$VM"
e2e_check "start again (rc=$RC)" [ "$RC" -eq 0 ]
e2e_check "... boots" booted
e2e_check "... disk driver" disk_up
e2e_run snapshot revert "$VM" off1
e2e_check "revert of a running guest to a shut-off snapshot is refused (rc=$RC)" [ "$RC" -eq 2 ]
e2e_check "... in one line naming --running" eval '[ "$(printf "%s\n" "$ERR" | wc -l)" -eq 1 ] && [[ $ERR == *"add --running"* ]]'
e2e_check "... and the guest still runs" [ "$(e2e_state "$VM")" = running ]
log_mark
e2e_run snapshot revert "$VM" off1 --running
e2e_check "revert --running to a shut-off snapshot (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "... the guest runs (booted from the snapshot's disk)" [ "$(e2e_state "$VM")" = running ]
e2e_check "... boots" booted
e2e_check "... its console answers" disk_up
e2e_check "... and the disk holds the first pattern" off_has 0x11 "$(top_image)"
e2e_run snapshot revert "$VM" off1 --paused
e2e_check "revert --paused to a shut-off snapshot (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "... the guest is paused" [ "$(e2e_state "$VM")" = paused ]
virsh -q destroy "$VM" >/dev/null

e2e_run snapshot delete "$VM" live1 --children
e2e_check "delete live1 and its child (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "... none are left" [ "$(virsh -q snapshot-list "$VM" --name | grep -c .)" -eq 0 ]

# ---- external (--disk-only), running: block commit and pivot -----------------
chain_len() { qemu-img info -U --backing-chain "$(top_image)" | grep -c '^image:'; }
vol_exists() { virsh -q vol-info --pool default "$1" >/dev/null 2>&1; }
# base_says WORD: the first bytes of the VM's own volume (the chain's base)
base_says() { qemu-io -f qcow2 -r -U -c 'read -v 0 16' "$DISK" | grep -q "$1"; }

log_mark
e2e_run start "$VM"
e2e_check "start for the external snapshots (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "... boots" booted
e2e_check "... disk driver" disk_up
mark EXTR1
e2e_run snapshot create "$VM" x1 --disk-only
e2e_check "external snapshot of a running guest (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "... its overlay is the pool volume $VM-vda.x1.qcow2" vol_exists "$VM-vda.x1.qcow2"
e2e_check "... and the disk the guest writes" [ "$(top_image)" = "$POOLDIR/$VM-vda.x1.qcow2" ]
e2e_check "... the guest still runs" [ "$(e2e_state "$VM")" = running ]
mark EXTR2
e2e_run snapshot create "$VM" x2 --disk-only
e2e_check "a second external snapshot (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
mark EXTR3
e2e_check "the chain is three images long" [ "$(chain_len)" -eq 3 ]
e2e_run snapshot info "$VM" x2 --json
e2e_check "info: external, no memory, parent x1" \
	python3 -c "import json,sys; j=json.loads(sys.argv[1]); sys.exit(not (j['external'] and not j['memory'] and j['parent']=='x1'))" "$OUT"
e2e_run snapshot create "$VM" i1
e2e_check "an internal snapshot beside external ones is refused (rc=$RC)" \
	eval '[ "$RC" -eq 2 ] && [[ $ERR == *"does not mix"* ]]'

e2e_run snapshot revert "$VM" x1
e2e_check "revert of a running guest to an external snapshot needs --running (rc=$RC)" \
	eval '[ "$RC" -eq 2 ] && [[ $ERR == *"add --running"* ]]'
log_mark
e2e_run snapshot revert "$VM" x1 --running
e2e_check "revert --running to x1 (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "... the guest runs" [ "$(e2e_state "$VM")" = running ]
e2e_check "... boots" booted
e2e_check "... booted again, it finds its disk" disk_up
e2e_check "... and reads the marker of x1 (EXTR1)" [ "$(marker)" = EXTR1 ]
e2e_check "... on a new overlay of the image x1 froze" \
	eval '[ "$(qemu-img info -U "$(top_image)" | sed -n "s/^backing file: //p")" = "$DISK" ]'
e2e_check "... the overlay it left (x2's) is gone" bash -c "! virsh -q vol-info --pool default '$VM-vda.x2.qcow2' >/dev/null 2>&1"
e2e_check "... x1's stays (x2 froze it)" vol_exists "$VM-vda.x1.qcow2"
log_mark
e2e_run snapshot revert "$VM" x2 --running
e2e_check "revert --running to x2 (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "... boots" booted
e2e_check "... its disk" disk_up
e2e_check "... reads the marker of x2 (EXTR2)" [ "$(marker)" = EXTR2 ]
e2e_check "... the chain is three images long again, not four" [ "$(chain_len)" -eq 3 ]
mark EXTR4

e2e_run snapshot delete "$VM" x2
e2e_check "delete x2 of the running guest (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "... merged: the chain is two images long" [ "$(chain_len)" -eq 2 ]
e2e_check "... the guest writes to x1's overlay now" [ "$(top_image)" = "$POOLDIR/$VM-vda.x1.qcow2" ]
e2e_check "... it still runs and reads EXTR4" eval '[ "$(e2e_state "$VM")" = running ] && [ "$(marker)" = EXTR4 ]'
e2e_run snapshot delete "$VM" x1
e2e_check "delete x1 of the running guest (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "... merged into its own volume: the chain is one image" [ "$(chain_len)" -eq 1 ]
e2e_check "... which the guest writes to" [ "$(top_image)" = "$DISK" ]
e2e_check "... and which holds EXTR4" base_says EXTR4
e2e_check "... no overlay is left" [ -z "$(e2e_vols_named "$VM-vda.")" ]
e2e_check "... nor a snapshot" [ "$(virsh -q snapshot-list "$VM" --name | grep -c .)" -eq 0 ]
e2e_check "... and the persistent definition names the volume too" \
	eval 'virsh -q dumpxml --inactive "$VM" | grep -qF "<source file='"'"'$DISK'"'"'/>"'

# ---- external, shut off: qemu-img commit ------------------------------------
virsh -q destroy "$VM" >/dev/null
off_mark 0x44 "$DISK"
e2e_run snapshot create "$VM" o1 --disk-only
e2e_check "external snapshot of a shut-off guest (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
off_mark 0x55 "$(top_image)"
e2e_run snapshot revert "$VM" o1
e2e_check "revert the shut-off guest to o1 (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "... the first pattern is back" off_has 0x44 "$(top_image)"
e2e_check "... it stays shut off" [ "$(e2e_state "$VM")" = "shut off" ]
e2e_check "... one overlay, on the volume" eval '[ "$(chain_len)" -eq 2 ] && [ "$(e2e_vols_named "$VM-vda." | wc -l)" -eq 1 ]'
off_mark 0x66 "$(top_image)"
e2e_run snapshot delete "$VM" o1
e2e_check "delete o1 of the shut-off guest (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "... merged: one image, the volume, holding the last pattern" \
	eval '[ "$(chain_len)" -eq 1 ] && [ "$(top_image)" = "$DISK" ] && off_has 0x66 "$DISK"'

# a failure after the overlays were made leaves none behind
VPROV_FAIL_AT=snapshot e2e_run snapshot create "$VM" f1 --disk-only
e2e_check "a create failing at its snapshot step exits 1 (rc=$RC)" [ "$RC" -eq 1 ]
e2e_check "... and leaves no overlay" [ -z "$(e2e_vols_named "$VM-vda.")" ]
e2e_check "... no snapshot, and the disk as it was" \
	eval '[ "$(virsh -q snapshot-list "$VM" --name | grep -c .)" -eq 0 ] && [ "$(top_image)" = "$DISK" ]'

# ---- vprov delete of a VM with snapshots --------------------------------------
e2e_run snapshot create "$VM" keep1 --disk-only
e2e_run snapshot create "$VM" keep2 --disk-only
e2e_run list --all --json
e2e_check "list --json counts the snapshots" \
	python3 -c "import json,sys; j=[v for v in json.loads(sys.argv[1]) if v['name']==sys.argv[2]]; sys.exit(not (j and j[0]['snapshots']==2))" "$OUT" "$VM"
e2e_run info "$VM"
e2e_check "info shows them" grep -q "^snapshots: *2$" <<<"$OUT"
e2e_run delete "$VM"
e2e_check "delete of a VM with snapshots is refused (rc=$RC)" \
	eval '[ "$RC" -eq 1 ] && [ "$(printf "%s\n" "$ERR" | wc -l)" -eq 1 ] && [[ $ERR == *"--snapshots"* ]]'
e2e_check "... and leaves it there" e2e_domain_exists "$VM"
e2e_run delete "$VM" --snapshots
e2e_check "delete --snapshots (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "... the VM is gone" bash -c "! virsh -q dominfo '$VM' >/dev/null 2>&1"
e2e_check "... with its volume and overlays" [ -z "$(e2e_vols_named "$VM")" ]

e2e_finish
