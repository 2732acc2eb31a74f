#!/bin/bash
# tests/e2e/test_machine.sh — virt-install's --vcpus/--cpu/--memory/--boot
# sub-options on a real TCG guest (issue 12, part B):
#
#   a guest with hotpluggable vCPUs in a topology, QEMU's maximum CPU
#   with a feature, hotpluggable memory (libvirt needs the NUMA cell vprov
#   adds) and I/O threads starts; --cpu host-passthrough under TCG becomes
#   maximum with a warning instead of a VM QEMU refuses; kernel arguments
#   with a comma the shell's quotes no longer protect reach the guest whole;
#   the guest sees its 2 running vCPUs of 4 possible.
#
# usage: bash tests/e2e/test_machine.sh path/to/vprov

. "$(dirname "$0")/lib.sh"

mc_cleanup() {
	e2e_cleanup
	rm -f /var/log/libvirt/qemu/"$E2E_PREFIX"*.log
}
trap mc_cleanup EXIT

VM=${E2E_PREFIX}mach
# after the shell ate the quotes: the comma piece belongs to kernel_args
BOOT="kernel=$E2E_KERNEL,initrd=$E2E_INITRD,kernel_args=console=ttyS0,115200n8 break=top quiet,menu=on,bootmenu.timeout=500"

e2e_run create "$VM" --memory 512,maxMemory=2048,maxMemory.slots=2 \
	--vcpus 2,maxvcpus=4,sockets=2,cores=2 --cpu host-passthrough,+pcid --iothreads 1 \
	--disk none --network none --graphics none --boot "$BOOT" --noautoconsole
e2e_check "create with topology, hotplug memory and vCPUs (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
if [ "$(virsh -q dumpxml "$VM" | grep -c '<domain type=.kvm.')" -eq 0 ]; then
	e2e_check "--cpu host-passthrough under TCG: a warning says maximum instead" \
		grep -q "using QEMU's maximum CPU model" <<<"$ERR"
	e2e_check "... and the VM's CPU is maximum" \
		bash -c "virsh -q dumpxml '$VM' | grep -q \"<cpu mode='maximum'\""
fi
XML=$(virsh -q dumpxml "$VM")
e2e_check "the VM runs" [ "$(virsh -q domstate "$VM" 2>/dev/null | head -n 1)" = running ]
e2e_check "its <vcpu> has 2 of 4 running" grep -q "<vcpu placement='static' current='2'>4</vcpu>" <<<"$XML"
e2e_check "its topology is libvirt's" grep -q "<topology sockets='2' dies='1' cores='2' threads='1'/>" <<<"$XML"
e2e_check "its memory hotplug has a NUMA cell" grep -q "<cell id='0' cpus='0-3' memory='524288' unit='KiB'/>" <<<"$XML"
e2e_check "its kernel arguments are whole" grep -q "<cmdline>console=ttyS0,115200n8 break=top quiet</cmdline>" <<<"$XML"

# what the guest itself sees, over its console (the initramfs shell)
guest_says() {
	local end=$((SECONDS + 300)) out
	while [ "$SECONDS" -lt "$end" ]; do
		out=$(printf 'echo P$(cat /sys/devices/system/cpu/possible)O$(cat /sys/devices/system/cpu/online)C$(cat /proc/cmdline)E\n' |
			timeout 30 "$VPROV" console "$VM" --timeout 5 2>/dev/null | tr -d '\r')
		if grep -aq "^P0-3O0-1C.*console=ttyS0,115200n8 break=top quiet.*E$" <<<"$out"; then
			return 0
		fi
		sleep 1
	done
	echo "$out" | tail -n 5 >&2
	e2e_console_tail "$VM"
	return 1
}
e2e_check "the guest sees 4 possible CPUs, 2 online, and the kernel arguments whole" guest_says

e2e_run delete "$VM"
e2e_check "delete (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_finish
