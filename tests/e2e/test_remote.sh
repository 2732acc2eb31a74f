#!/bin/bash
# tests/e2e/test_remote.sh — the same commands against a remote host: a
# second libvirtd on this machine reached as qemu+tcp://127.0.0.2/system
# (scripts/libvirtd-second-host.sh).  Storage goes through the pool API,
# the console over libvirt's stream, nothing through local paths.
. "$(dirname "$0")/lib.sh"

R=$E2E_R
VM=${E2E_PREFIX}remote
BOOT="kernel=$E2E_KERNEL,initrd=$E2E_INITRD,kernel_args=\"$E2E_KARGS\""

e2e_second_host

remote_vols() {
	virsh -q -c "$R" vol-list default 2>/dev/null | awk -v p="$1" 'index($1, p) == 1 {print $1}'
}

# a late failure on the remote host leaves nothing there
e2e_run -c "$R" create "${VM}bad" --memory 256 --disk size=1 --network none --graphics none \
	--boot kernel=/etc/os-release
e2e_check "a late failure on the remote host exits 1 (rc=$RC)" [ "$RC" -eq 1 ]
e2e_check "... and leaves no domain there" bash -c "! virsh -q -c '$R' dominfo '${VM}bad' >/dev/null 2>&1"
e2e_check "... and no volume" [ -z "$(remote_vols "${VM}bad")" ]

# a dry run changes nothing there
before=$(virsh -q -c "$R" list --all --name; virsh -q -c "$R" pool-list --all --name; virsh -q -c "$R" vol-list default 2>/dev/null)
e2e_run -c "$R" create "${VM}dry" --disk size=1 --network none --dry-run
after=$(virsh -q -c "$R" list --all --name; virsh -q -c "$R" pool-list --all --name; virsh -q -c "$R" vol-list default 2>/dev/null)
e2e_check "a dry run on the remote host exits 0 (rc=$RC)" [ "$RC" -eq 0 ]
e2e_check "... and changes nothing there" [ "$before" = "$after" ]

e2e_run -c "$R" create "$VM" --memory 256 --vcpus 1 --disk size=1 --network none --graphics none \
	--boot "$BOOT" --noautoconsole
e2e_check "create on the remote host (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "the VM runs there" [ "$(virsh -q -c "$R" domstate "$VM" 2>/dev/null | head -n 1)" = running ]
e2e_check "and not here" bash -c "! virsh -q dominfo '$VM' >/dev/null 2>&1"
e2e_check "its volume is in the remote pool 'default'" [ "$(remote_vols "$VM")" = "$VM.qcow2" ]
e2e_run -c "$R" info "$VM" --json
e2e_check "info over the remote connection" \
	python3 -c "import json,sys; j=json.loads(sys.argv[1]); sys.exit(not (j['state']=='running' and j['disks'][0]['owned'] and j['disks'][0]['capacity_bytes']==1<<30))" "$OUT"
e2e_run -c "$R" console "$VM" --log
e2e_check "console --log says the log is on the remote host (rc=$RC)" \
	eval '[ "$RC" -eq 1 ] && [[ $ERR == *"on the remote host"* ]]'

# the live console crosses the remote connection: wait for the shell, then a round trip
e2e_check "a command typed over the remote console runs in the guest" e2e_console_answers "$R" "$VM" RM

e2e_run -c "$R" stop "$VM" --timeout 2 --force
e2e_check "stop --force on the remote host (rc=$RC)" [ "$RC" -eq 0 ]
e2e_run -c "$R" delete "$VM"
e2e_check "delete on the remote host (rc=$RC)" [ "$RC" -eq 0 ]
e2e_check "... removes the domain there" bash -c "! virsh -q -c '$R' dominfo '$VM' >/dev/null 2>&1"
e2e_check "... and its volume" [ -z "$(remote_vols "$VM")" ]

e2e_finish
