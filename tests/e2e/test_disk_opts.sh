#!/bin/bash
# tests/e2e/test_disk_opts.sh — --disk sub-options that QEMU itself must
# honour, seen from inside a running guest (the kernel+initrd guest's
# initramfs shell): serial= as the guest's disk reports it, and a network
# disk given by URL (an NBD export served by qemu-nbd on 127.0.0.1) whose
# bytes the guest reads.
. "$(dirname "$0")/lib.sh"

VM=${E2E_PREFIX}dopts
PORT=$((20000 + $$ % 20000))
IMG=$E2E_TMP/nbd.raw
NBD_PID=

nbd_stop() {
	[ -n "$NBD_PID" ] && kill "$NBD_PID" 2>/dev/null
	e2e_cleanup
}
trap nbd_stop EXIT

printf 'VPROV-NBD-MARK-7\n' >"$IMG"
truncate -s 8M "$IMG"
# --fork returns once the server listens
qemu-nbd --fork --persistent --pid-file="$E2E_TMP/nbd.pid" -f raw -x exp -b 127.0.0.1 -p "$PORT" "$IMG"
NBD_PID=$(cat "$E2E_TMP/nbd.pid" 2>/dev/null)
e2e_check "qemu-nbd serves the export on 127.0.0.1:$PORT" [ -n "$NBD_PID" ]

# guest_says COMMAND PATTERN [SECONDS]: COMMAND typed on the guest's serial
# console prints PATTERN (grep -E; it must not be in COMMAND itself, which
# the console echoes) within SECONDS (300); typed again every try, as lines
# typed before the shell is up are lost.
guest_says() {
	local cmd=$1 pattern=$2 end=$((SECONDS + ${3:-300})) out
	while [ "$SECONDS" -lt "$end" ]; do
		out=$(printf '%s\n' "$cmd" | timeout 40 "$VPROV" console "$VM" --timeout 8 2>/dev/null)
		grep -aqE "$pattern" <<<"$out" && return 0
		sleep 1
	done
	e2e_console_tail "$VM"
	return 1
}

# 512 MiB: the Debian initrd unpacks whole, modprobe included
e2e_run create "$VM" --memory 512 --vcpus 1 --network none --graphics none --noautoconsole \
	--disk size=1,serial=VPDISK-1,cache=none,io=native,discard=unmap,detect_zeroes=unmap \
	--disk "nbd://127.0.0.1:$PORT/exp,serial=VPNBD_2,readonly=on" \
	--boot "kernel=$E2E_KERNEL,initrd=$E2E_INITRD,kernel_args=\"$E2E_KARGS\""
e2e_check "create with serial=, driver options and an nbd:// disk (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "... the VM runs" [ "$(virsh -q domstate "$VM" 2>/dev/null | head -n 1)" = running ]
xml=$(virsh -q dumpxml "$VM" 2>/dev/null)
e2e_check "... libvirt kept the network disk's source" \
	grep -qE "<source protocol=.nbd. name=.exp.[ >]" <<<"$xml"
e2e_check "... and the first disk's driver options" \
	grep -qE "<driver name=.qemu. type=.qcow2. cache=.none. io=.native. discard=.unmap. detect_zeroes=.unmap./>" <<<"$xml"

LOAD='modprobe virtio_pci; modprobe virtio_blk; sleep 2'
e2e_check "the guest's first disk reports serial VPDISK-1" \
	guest_says "$LOAD; cat /sys/block/vda/serial; echo" '^VPDISK-1'
e2e_check "the guest's second disk reports serial VPNBD_2" \
	guest_says "cat /sys/block/vdb/serial; echo" '^VPNBD_2' 120
e2e_check "the guest reads the NBD export's bytes" \
	guest_says 'read -r l </dev/vdb; echo "$l"' '^VPROV-NBD-MARK-7' 120
e2e_check "the NBD disk is read-only in the guest" \
	guest_says 'echo "ro=$(cat /sys/block/vdb/ro)"' '^ro=1' 120

e2e_run stop "$VM" --force --timeout 2
e2e_run delete "$VM"
e2e_check "delete removes the VM (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "... and leaves the NBD export's file alone" grep -q VPROV-NBD-MARK-7 "$IMG"

exit "$E2E_FAILED"
