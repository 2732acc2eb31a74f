#!/bin/bash
# tests/e2e/test_domain_opts.sh — virt-install's domain-level options
# (--clock, --pm, --sysinfo, --features, --memtune, --memorybacking,
# --metadata, --qemu-commandline) on a real libvirtd and QEMU: the VM they
# make is defined and runs, the guest's firmware tables show the SMBIOS
# values given, and libvirt marks the VM tainted by --qemu-commandline as
# vprov's warning says.  The guest is the kernel+initrd one (a shell on
# the serial console in seconds).
. "$(dirname "$0")/lib.sh"

VM=${E2E_PREFIX}dopts
BOOT="kernel=$E2E_KERNEL,initrd=$E2E_INITRD,kernel_args=\"$E2E_KARGS\""

e2e_run create "$VM" --memory 256 --vcpus 1 --disk none --network none --graphics none \
	--boot "$BOOT" --noautoconsole \
	--clock offset=localtime,rtc_tickpolicy=catchup,hpet_present=no \
	--pm suspend_to_mem=on \
	--sysinfo smbios,system.manufacturer=VprovMaker,chassis.asset=F12ASSET \
	--features pmu.state=off,vmcoreinfo.state=on \
	--memtune soft_limit=1048576 \
	--memorybacking nosharepages=on \
	--metadata title=e2e-title \
	--qemu-commandline env=VPROV_E2E=1
e2e_check "create with the domain-level options (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "... warns that --qemu-commandline taints the VM" \
	eval '[[ $ERR == *"warning: --qemu-commandline"*"custom-argv"* ]]'
e2e_check "the VM runs" [ "$(e2e_state "$VM")" = running ]

xml=$(virsh -q dumpxml "$VM" 2>/dev/null)
for want in "<clock offset='localtime'>" "<suspend-to-mem enabled='yes'/>" \
	"<entry name='manufacturer'>VprovMaker</entry>" "<smbios mode='sysinfo'/>" \
	"<pmu state='off'/>" "<vmcoreinfo state='on'/>" "<soft_limit unit='KiB'>1048576</soft_limit>" \
	"<nosharepages/>" "<title>e2e-title</title>" "<qemu:env name='VPROV_E2E' value='1'/>"; do
	e2e_check "libvirt keeps $want" eval '[[ $xml == *"$want"* ]]'
done
e2e_check "libvirt marks the VM tainted (custom-argv)" \
	grep -q "tainted.*custom-argv" "/var/log/libvirt/qemu/$VM.log"

# the guest's DMI tables carry the values given
e2e_check "the guest's shell answers" e2e_console_answers "" "$VM" DO
dmi() {
	local end=$((SECONDS + 120)) out
	while [ "$SECONDS" -lt "$end" ]; do
		out=$(printf 'cat /sys/class/dmi/id/%s\n' "$1" | timeout 30 "$VPROV" console "$VM" --timeout 5 2>/dev/null)
		grep -aq "$2" <<<"$out" && return 0
		sleep 1
	done
	e2e_console_tail "$VM"
	return 1
}
e2e_check "the guest sees system.manufacturer in its DMI tables" dmi sys_vendor VprovMaker
e2e_check "the guest sees chassis.asset in its DMI tables" dmi chassis_asset_tag F12ASSET

e2e_run stop "$VM" --timeout 2 --force
e2e_run delete "$VM"
e2e_check "delete (rc=$RC)" [ "$RC" -eq 0 ]
e2e_check "... removes the VM" bash -c "! virsh -q dominfo '$VM' >/dev/null 2>&1"

e2e_finish
