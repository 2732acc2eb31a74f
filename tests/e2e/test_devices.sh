#!/bin/bash
# tests/e2e/test_devices.sh — virt-install's device options on a real QEMU:
# one kernel+initrd guest under TCG made with a watchdog, an emulated TPM
# (swtpm), a sound card, a panic notifier, a virtio-serial channel, a second
# serial port, a 9p shared directory and a /dev/random RNG, all at once.
# The running domain's XML holds each of them, vprov's own serial console
# is still port 0 (the guest's shell answers on it), and the guest sees the
# PCI and ACPI devices they are (/sys from the initramfs shell).
#
# usage: bash tests/e2e/test_devices.sh path/to/vprov

. "$(dirname "$0")/lib.sh"

dev_cleanup() {
	e2e_cleanup
	rm -f /var/log/libvirt/qemu/"$E2E_PREFIX"*.log /var/log/swtpm/libvirt/qemu/"$E2E_PREFIX"*.log
	rm -rf "${SHARE:-}"
}
trap dev_cleanup EXIT

VM=${E2E_PREFIX}dev
BOOT="kernel=$E2E_KERNEL,initrd=$E2E_INITRD,kernel_args=\"$E2E_KARGS\""
# the directory QEMU shares over 9p: readable by libvirt's QEMU user
SHARE=$(mktemp -d /var/tmp/vprov-e2e-share.XXXXXX)
chmod 755 "$SHARE"
echo hello >"$SHARE/greeting"

create_dev() {
	e2e_run create "$VM" --memory 256 --vcpus 1 --disk none --network none --graphics none \
		--noautoconsole --boot "$BOOT" \
		--watchdog i6300esb,action=reset --tpm emulator --sound ich9 --panic isa \
		--channel unix,target.type=virtio,name=org.example.e2e --serial pty \
		--filesystem "$SHARE,e2eshare" --rng /dev/random
}
start_logs() { # what swtpm and QEMU said of a start that failed
	local f
	for f in /var/log/swtpm/libvirt/qemu/"$VM"-swtpm.log /var/log/libvirt/qemu/"$VM".log; do
		[ -s "$f" ] && { echo "---- the end of $f:"; tail -n 20 "$f"; } >&2
	done
}
create_dev
# CI once saw swtpm_setup (libvirt runs it as user tss before QEMU starts)
# exit 1 here while the same command passed on every run before and after;
# its log was gone with the machine.  Its log is shown, and swtpm_setup's
# refusal alone is retried once: vprov's part (the document, the refusal,
# nothing left behind) is checked either way
if [ "$RC" -ne 0 ] && grep -q swtpm_setup <<<"$ERR"; then
	start_logs
	e2e_check "... a failed start left no VM behind" bash -c "! virsh -q dominfo '$VM' >/dev/null 2>&1"
	echo "note: swtpm_setup failed (above); creating the VM once more" >&2
	rm -f /var/log/swtpm/libvirt/qemu/"$VM"-swtpm.log
	create_dev
fi
e2e_check "create with eight device options starts the guest (rc=$RC${ERR:+: $ERR})" [ "$RC" -eq 0 ]
if [ "$RC" -ne 0 ]; then
	# nothing below can pass without the guest: say why it did not start
	start_logs
	e2e_finish
fi

XML=$(virsh -q dumpxml "$VM" 2>/dev/null)
has() { # XPATH: the running domain's XML has a node there
	[ "$(printf '%s' "$XML" | xmllint --xpath "count($1)" - 2>/dev/null)" -ge 1 ] 2>/dev/null
}
e2e_check "the watchdog is there" has "/domain/devices/watchdog[@model='i6300esb' and @action='reset']"
e2e_check "the TPM runs on swtpm (CRB, TPM 2.0)" has "/domain/devices/tpm[@model='tpm-crb']/backend[@type='emulator']"
e2e_check "the sound card" has "/domain/devices/sound[@model='ich9']"
e2e_check "the panic notifier" has "/domain/devices/panic[@model='isa']"
e2e_check "the channel, on a virtio-serial port" \
	has "/domain/devices/channel[@type='unix']/target[@type='virtio' and @name='org.example.e2e']"
e2e_check "the user's channel replaced vprov's guest agent channel" \
	bash -c "! printf '%s' \"\$1\" | grep -q org.qemu.guest_agent.0" _ "$XML"
e2e_check "vprov's logged console is serial port 0" \
	has "/domain/devices/serial[target/@port='0' and log]"
e2e_check "the user's serial port is port 1, on a pty" \
	has "/domain/devices/serial[@type='pty' and target/@port='1' and not(log)]"
e2e_check "the shared directory" \
	has "/domain/devices/filesystem[@type='mount' and @accessmode='mapped']/target[@dir='e2eshare']"
e2e_check "one RNG, reading /dev/random" \
	eval '[ "$(printf "%s" "$XML" | xmllint --xpath "count(/domain/devices/rng)" - 2>/dev/null)" = 1 ] && has "/domain/devices/rng/backend[text()=\"/dev/random\"]"'

# the guest's view: its shell answers on vprov's console (port 0), then lists
# its PCI devices (vendor:device) and the ACPI ones of the TPM and the panic
# notifier
e2e_check "the guest's shell answers on vprov's console" e2e_console_answers "" "$VM" DV 600
SEEN=""
for _ in 1 2 3 4 5 6; do
	SEEN=$(printf '%s\n' 'for d in /sys/bus/pci/devices/*; do echo "PCI=$(cat $d/vendor):$(cat $d/device)"; done; for a in /sys/bus/acpi/devices/*; do echo "ACPI=${a##*/}"; done' |
		timeout 30 "$VPROV" console "$VM" --timeout 5 2>/dev/null | tr -d '\r')
	grep -q '^PCI=0x8086:0x25ab' <<<"$SEEN" && break
	sleep 2
done
sees() { grep -qE "$1" <<<"$SEEN"; }
e2e_check "the guest sees the i6300esb watchdog (8086:25ab)" sees '^PCI=0x8086:0x25ab$'
e2e_check "the guest sees the ICH9 HD audio controller (8086:293e)" sees '^PCI=0x8086:0x293e$'
e2e_check "the guest sees a virtio-serial controller (1af4:1003/1043)" sees '^PCI=0x1af4:0x10(03|43)$'
e2e_check "the guest sees the 9p device (1af4:1009/1049)" sees '^PCI=0x1af4:0x10(09|49)$'
e2e_check "the guest sees the virtio RNG (1af4:1005/1044)" sees '^PCI=0x1af4:0x10(05|44)$'
e2e_check "the guest sees the TPM's CRB interface (ACPI MSFT0101)" sees '^ACPI=MSFT0101'
e2e_check "the guest sees the panic notifier (ACPI QEMU0001)" sees '^ACPI=QEMU0001'
[ "$E2E_FAILED" -eq 0 ] || printf '%s\n' "---- what the guest listed:" "$SEEN" >&2

e2e_run stop "$VM" --force --timeout 2
e2e_check "stop --force (rc=$RC)" [ "$RC" -eq 0 ]
e2e_run delete "$VM"
e2e_check "delete (rc=$RC)" [ "$RC" -eq 0 ]

e2e_finish
