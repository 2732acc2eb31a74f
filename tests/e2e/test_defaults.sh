#!/bin/bash
# tests/e2e/test_defaults.sh — the README's first line exactly as typed, the
# KVM verdict (the probe runs once, TCG with one warning, kept per host, a
# pinned type obeyed), firmware output on the serial console (SeaBIOS and
# UEFI), and --wait.
. "$(dirname "$0")/lib.sh"

P=$E2E_PREFIX
CACHE="$E2E_TMP/cache"

# ---- `vprov create ubuntu20 --ram 2048`, as typed: nothing pinned --------
# (the name carries the test prefix so that cleanup finds it)
unset VPROV_VIRT_TYPE
XDG_CACHE_HOME=$CACHE e2e_run create "${P}ubuntu20" --ram 2048
e2e_check "create NAME --ram 2048 works as typed (exit $RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "summary names the VM" grep -q "created VM '${P}ubuntu20': 2 GiB, 2 vCPUs" <<<"$OUT"
e2e_check "a default 20 GiB disk in pool default" \
	grep -q "disk vda: /var/lib/libvirt/images/${P}ubuntu20.qcow2 (new, 20 GiB qcow2)" <<<"$OUT"
INFO=$("$VPROV" info "${P}ubuntu20" --json)
field() { python3 -c "import json,sys; j=json.loads(sys.argv[1]); print($1)" "$INFO"; }
TYPE=$(field "j['virt_type']")
e2e_check "it runs" [ "$(field "j['state']")" = running ]
e2e_check "memory 2048 MiB" [ "$(field "j['memory_mib']")" = 2048 ]
e2e_check "q35 machine" grep -q q35 <<<"$(field "j['machine']")"
e2e_check "a VNC display on 127.0.0.1 by default" grep -q '^vnc://127.0.0.1:59' <<<"$(field "j['display']")"
if virsh -q net-info default 2>/dev/null | grep -qE '^Active: +yes'; then
	e2e_check "network default when active" [ "$(field "j['interfaces'][0]['source']")" = default ]
else
	e2e_check "no network when 'default' cannot run, said in one line" \
		[ "$(field "len(j['interfaces'])")" = 0 -a "$(grep -c "gets no network" <<<"$ERR")" = 1 ]
	e2e_check "vprov did not start network 'default'" \
		bash -c "! virsh -q net-info default 2>/dev/null | grep -qE '^Active: +yes'"
fi

if [ "$TYPE" = qemu ]; then
	# KVM is listed on the build machines but cannot run guests (QEMU aborts
	# on an MSR write, or kvm_pvm crawls): the probe said so, once
	e2e_check "the create probed KVM once and said so" \
		[ "$(grep -c "checking once whether KVM runs guests" <<<"$ERR")" = 1 ]
	e2e_check "the fall-back to TCG is said in one warning line" \
		[ "$(grep -c "KVM cannot run guests on this host" <<<"$ERR")" = 1 ]
	e2e_check "the verdict is kept" grep -q '"verdict":"broken"' "$CACHE"/vprov/kvm-*
	XDG_CACHE_HOME=$CACHE e2e_run create "${P}second" --memory 256 --disk none --network none --noautoconsole
	e2e_check "a second create goes straight to TCG, without a probe or a warning" \
		[ "$RC" -eq 0 -a -z "$(grep KVM <<<"$ERR")" ]
	e2e_check "second VM is TCG" grep -q '<domain type=.qemu' <<<"$("$VPROV" xml "${P}second")"
	e2e_check "TCG guests get the emulator's most capable CPU (x86-64-v2 and up)" \
		grep -q "<cpu mode=.maximum" <<<"$("$VPROV" xml "${P}second")"
	XDG_CACHE_HOME=$CACHE e2e_run create "${P}pinned" --virt-type kvm --memory 256 --disk none --network none --noautoconsole
	if [ "$RC" -eq 0 ]; then
		# a KVM that starts guests and then spins (kvm_pvm): obeyed all the same
		e2e_check "a pinned --virt-type kvm is obeyed" \
			grep -q '<domain type=.kvm' <<<"$("$VPROV" xml "${P}pinned")"
		"$VPROV" delete "${P}pinned" >/dev/null 2>&1
	else
		e2e_check "a pinned --virt-type kvm is obeyed: QEMU refuses it here (exit $RC: $ERR)" \
			[ "$RC" -eq 1 ] && grep -q "cannot start VM" <<<"$ERR"
		e2e_check "and leaves nothing" bash -c "! virsh -q dominfo '${P}pinned' >/dev/null 2>&1"
	fi
else
	e2e_check "KVM works here: no warning" [ -z "$(grep "KVM cannot" <<<"$ERR")" ]
	e2e_check "kvm guests use host-passthrough" grep -q "host-passthrough" <<<"$("$VPROV" xml "${P}ubuntu20")"
fi
export VPROV_VIRT_TYPE=qemu

# SeaBIOS prints on the serial console too: an empty disk says so in the log
LOG=$(field "j['console_log']")
e2e_check "SeaBIOS output reaches the console log" \
	e2e_wait_log "$LOG" "Booting from Hard Disk|No bootable device" 90
"$VPROV" delete "${P}ubuntu20" >/dev/null 2>&1
"$VPROV" delete "${P}second" >/dev/null 2>&1

# ---- UEFI ------------------------------------------------------------------
e2e_run create "${P}uefi" --memory 256 --disk none --network none --graphics none --boot uefi --noautoconsole
e2e_check "--boot uefi creates (exit $RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "the firmware is efi" grep -q 'firmware="efi"\|<loader' <<<"$("$VPROV" xml "${P}uefi")"
e2e_check "OVMF output reaches the console log" \
	e2e_wait_log "/var/log/libvirt/qemu/${P}uefi-console.log" "BdsDxe" 120
e2e_run delete "${P}uefi"
e2e_check "a UEFI VM deletes with its NVRAM" [ "$RC" -eq 0 -a ! -e "/var/lib/libvirt/qemu/nvram/${P}uefi_VARS.fd" ]

# ---- --wait ----------------------------------------------------------------
# the initramfs's own poweroff as init: the guest boots and powers off
e2e_run create "${P}off" --memory 256 --disk none --network none --graphics none \
	--boot "kernel=$E2E_KERNEL,initrd=$E2E_INITRD,kernel_args=\"console=ttyS0 rdinit=/usr/bin/poweroff\"" \
	--wait 180
e2e_check "--wait returns 0 once the guest powered off (exit $RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "it is off" [ "$(e2e_state "${P}off")" = "shut off" ]
e2e_check "the guest powered itself off" grep -q "reboot: Power down" "/var/log/libvirt/qemu/${P}off-console.log"
e2e_run create "${P}on" --memory 256 --disk none --network none --graphics none \
	--boot "kernel=$E2E_KERNEL,initrd=$E2E_INITRD,kernel_args=\"$E2E_KARGS\"" --wait 2s
e2e_check "--wait that runs out exits 1 (exit $RC)" [ "$RC" -eq 1 ]
e2e_check "and says the VM was left running" grep -q "left running" <<<"$ERR"
e2e_check "the VM does run" [ "$(e2e_state "${P}on")" = running ]

e2e_finish
