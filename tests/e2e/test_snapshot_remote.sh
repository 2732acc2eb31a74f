#!/bin/bash
# tests/e2e/test_snapshot_remote.sh — external snapshots on a remote host
# (the second libvirtd, qemu+tcp://127.0.0.2/system): the overlays are made
# through the pool API, a running guest's delete is a block commit there,
# and a shut-off guest's delete (no qemu-img on that host for vprov) starts
# it paused for libvirt's block commit and powers it off again.
. "$(dirname "$0")/lib.sh"

R=$E2E_R
VM=${E2E_PREFIX}rsnap
BOOT="kernel=$E2E_KERNEL,initrd=$E2E_INITRD,kernel_args=\"$E2E_KARGS\""

e2e_second_host

rvols() { virsh -q -c "$R" vol-list default 2>/dev/null | awk -v p="$1" 'index($1, p) == 1 {print $1}' | sort | tr '\n' ' '; }
rtop() { virsh -q -c "$R" domblklist "$VM" --details | awk '$3 == "vda" {print $4}'; }
rstate() { virsh -q -c "$R" domstate "$VM" 2>/dev/null | head -n 1; }
# the overlay's backing file, from the remote pool (refreshed)
rbacking() {
	virsh -q -c "$R" pool-refresh default >/dev/null 2>&1
	virsh -q -c "$R" vol-dumpxml --pool default "$1" 2>/dev/null |
		python3 -c 'import sys, xml.etree.ElementTree as E; print(E.fromstring(sys.stdin.read()).findtext("backingStore/path") or "")'
}

e2e_run -c "$R" create "$VM" --memory 512 --vcpus 1 --disk size=1 --network none --graphics none \
	--boot "$BOOT" --noautoconsole
e2e_check "create on the remote host (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
DISK=$(rtop)

e2e_run -c "$R" snapshot create "$VM" r1 --disk-only
e2e_check "external snapshot of the running remote guest (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "... its overlay is a volume of the remote pool" [ "$(rvols "$VM")" = "$VM-vda.r1.qcow2 $VM.qcow2 " ]
e2e_check "... on the guest's volume" [ "$(rbacking "$VM-vda.r1.qcow2")" = "$DISK" ]
e2e_check "... which the guest writes to" [ "$(rtop)" = "$(dirname "$DISK")/$VM-vda.r1.qcow2" ]
e2e_run -c "$R" snapshot delete "$VM" r1
e2e_check "delete it while the guest runs (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "... merged: the guest writes to its volume again" [ "$(rtop)" = "$DISK" ]
e2e_check "... the overlay is gone" [ "$(rvols "$VM")" = "$VM.qcow2 " ]
e2e_check "... and it still runs" [ "$(rstate)" = running ]

virsh -q -c "$R" destroy "$VM" >/dev/null
e2e_run -c "$R" snapshot create "$VM" r2 --disk-only
e2e_check "external snapshot of the shut-off remote guest (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_run -c "$R" snapshot revert "$VM" r2
e2e_check "revert it (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "... one overlay, a new one on the volume" \
	eval '[ "$(rvols "$VM")" = "$VM-vda.r2-2.qcow2 $VM.qcow2 " ] && [ "$(rbacking "$VM-vda.r2-2.qcow2")" = "$DISK" ]'
e2e_run -c "$R" snapshot delete "$VM" r2
e2e_check "delete it while the guest is off (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "... merged into the volume" eval '[ "$(rtop)" = "$DISK" ] && [ "$(rvols "$VM")" = "$VM.qcow2 " ]'
e2e_check "... and the guest is shut off again" [ "$(rstate)" = "shut off" ]
e2e_check "... with no snapshot left" [ -z "$(virsh -q -c "$R" snapshot-list "$VM" --name)" ]

e2e_run -c "$R" snapshot create "$VM" r3 --disk-only
e2e_run -c "$R" delete "$VM"
e2e_check "delete of the VM with a snapshot is refused (rc=$RC)" eval '[ "$RC" -eq 1 ] && [[ $ERR == *"--snapshots"* ]]'
e2e_run -c "$R" delete "$VM" --snapshots
e2e_check "delete --snapshots on the remote host (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "... leaves no volume of it there" [ -z "$(rvols "$VM")" ]

e2e_finish
