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
#   A second guest has the user's NUMA cells (with a distance) beside memory
#   hotplug, I/O thread ids and a disk in one of them at a PCI address of
#   the user's, and a device list beside its kernel (--boot kernel=,hd):
#   QEMU starts it and the guest sees the two nodes at their distance.
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

VM2=${E2E_PREFIX}numa
CELLS="numa.cell0.cpus=0-1,numa.cell0.memory=256,numa.cell1.cpus=2-3,numa.cell1.memory=256"
DIST="numa.cell0.distances.sibling0.id=0,numa.cell0.distances.sibling0.value=10,numa.cell0.distances.sibling1.id=1,numa.cell0.distances.sibling1.value=20"
e2e_run create "$VM2" --memory 512,maxMemory=1024,maxMemory.slots=1 --vcpus 2,maxvcpus=4 \
	--cpu "host-passthrough,$CELLS,$DIST" --iothreads 2,iothreadids.iothread0.id=4 \
	--disk size=16M,driver.iothread=4,address.type=pci,address.bus=0,address.slot=0x0a \
	--network none --graphics none --noautoconsole \
	--boot "kernel=$E2E_KERNEL,initrd=$E2E_INITRD,kernel_args=console=ttyS0 break=top no_timer_check,hd"
e2e_check "create with NUMA cells, I/O thread ids and a disk in one (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
XML=$(virsh -q dumpxml "$VM2")
e2e_check "it runs" [ "$(virsh -q domstate "$VM2" 2>/dev/null | head -n 1)" = running ]
e2e_check "its cells are the user's (no cell of vprov's)" \
	grep -q "<cell id='1' cpus='2-3' memory='262144' unit='KiB'>" <<<"$XML"
e2e_check "... at the distance given" grep -q "<sibling id='1' value='20'/>" <<<"$XML"
e2e_check "its I/O threads are 4 ..." grep -q "<iothread id='4'/>" <<<"$XML"
e2e_check "... and the one libvirt numbers 1" grep -q "<iothread id='1'/>" <<<"$XML"
e2e_check "its disk runs in I/O thread 4" grep -q "iothread='4'" <<<"$XML"
e2e_check "... at the PCI slot given" grep -q "bus='0x00' slot='0x0a'" <<<"$XML"
e2e_check "its kernel boots with the device list beside it" grep -q "<boot dev='hd'/>" <<<"$XML"
numa_says() {
	local end=$((SECONDS + 300)) out
	while [ "$SECONDS" -lt "$end" ]; do
		out=$(printf 'echo N$(cat /sys/devices/system/node/possible)D$(cat /sys/devices/system/node/node0/distance)E\n' |
			timeout 30 "$VPROV" console "$VM2" --timeout 5 2>/dev/null | tr -d '\r')
		if grep -aq "^N0-1D10 20E$" <<<"$out"; then
			return 0
		fi
		sleep 1
	done
	echo "$out" | tail -n 5 >&2
	e2e_console_tail "$VM2"
	return 1
}
e2e_check "the guest sees 2 NUMA nodes, 20 apart" numa_says
e2e_run delete "$VM2"
e2e_check "delete (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_finish
