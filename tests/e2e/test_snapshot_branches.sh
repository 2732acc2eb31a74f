#!/bin/bash
# tests/e2e/test_snapshot_branches.sh — external snapshots with branches, on
# a shut-off guest (qemu-io writes the patterns; nothing boots): revert,
# snapshot, revert again, so one frozen image carries two branches; then
# every snapshot is deleted in an order that leaves images under branches,
# and at the end the VM's chain is its own volume again, holding what the
# VM wrote last, with no overlay left in the pool.
. "$(dirname "$0")/lib.sh"

VM=${E2E_PREFIX}br
top() { virsh -q domblklist "$VM" --details | awk '$3 == "vda" {print $4}'; }
chain_len() { qemu-img info -U --backing-chain "$(top)" | grep -c '^image:'; }
put() { qemu-io -f qcow2 -c "write -P $1 1M 64k" "$(top)" >/dev/null; }
has() { qemu-io -f qcow2 -r -U -c "read -P $1 1M 64k" "$(top)" 2>&1 | grep -q 'read 65536/65536'; }
overlays() { e2e_vols_named "$VM-vda." | wc -l; }
snap() { e2e_run snapshot "$@"; e2e_check "snapshot $* (rc=$RC: $ERR)" [ "$RC" -eq 0 ]; }

e2e_run create "$VM" --memory 256 --disk size=1 --network none --graphics none \
	--boot "kernel=$E2E_KERNEL" --noautoconsole
e2e_check "create (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
virsh -q destroy "$VM" >/dev/null
DISK=$(top)

snap create "$VM" S0 --disk-only; put 0x0a
snap create "$VM" S1 --disk-only; put 0x0b
snap revert "$VM" S1
e2e_check "... S1's content (0x0a)" has 0x0a
put 0x0c
snap create "$VM" S2 --disk-only
snap revert "$VM" S1
e2e_check "... S1's content again, on another branch" has 0x0a
put 0x0d
snap delete "$VM" S1
e2e_check "... the VM's content untouched (0x0d)" has 0x0d
snap revert "$VM" S2
e2e_check "... S2, on the other branch, is intact (0x0c)" has 0x0c
snap revert "$VM" S0
e2e_check "... S0 (0x0a)" has 0x0a
put 0x0e
snap delete "$VM" S2
e2e_check "... only S0's frozen image and the VM's overlay are left" \
	eval '[ "$(chain_len)" -eq 2 ] && [ "$(overlays)" -eq 1 ]'
snap delete "$VM" S0
e2e_check "... the chain is the VM's volume alone" eval '[ "$(chain_len)" -eq 1 ] && [ "$(top)" = "$DISK" ]'
e2e_check "... holding what the VM wrote last (0x0e)" has 0x0e
e2e_check "... and no overlay is left in the pool" [ "$(overlays)" -eq 0 ]
e2e_run delete "$VM"
e2e_check "delete the VM, no snapshots left (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "... its volume goes with it" [ -z "$(e2e_vols_named "$VM")" ]

e2e_finish
