#!/bin/bash
# tests/e2e/test_reinstall.sh — create --reinstall VM: an existing VM (a
# disk, no network) gets one install run of the real Debian 12 installer,
# fetched from a local mirror on 127.0.0.1 and booted directly; its
# definition stays byte for byte what it was, before, during and after the
# run, and no installer volume is left.  A running VM and one with a saved
# state are refused, and a failure at the start undoes the uploads.
. "$(dirname "$0")/lib.sh"

export XDG_CACHE_HOME=$E2E_TMP/cache
VM=${E2E_PREFIX}re
LOG=/var/log/libvirt/qemu/$VM-console.log
path=$(e2e_debian_mirror "$E2E_TMP/www")
e2e_http_serve "$E2E_TMP/www"
LOC="$E2E_HTTP/$path"

# the VM to reinstall: a disk with nothing on it, no display, no network
e2e_run create "$VM" --memory 1024 --disk size=1 --network none --graphics none \
	--install no_install=yes --noautoconsole
e2e_check "the VM to reinstall is made (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
before=$(virsh -q dumpxml --inactive --security-info "$VM")

e2e_run create --reinstall "$VM" --location "$LOC" --noautoconsole
e2e_check "a running VM is refused, exit 2 (rc=$RC)" [ "$RC" -eq 2 ]
e2e_check "... in one line that says to stop it first ($ERR)" \
	bash -c '[ "$(wc -l <<<"$0")" -eq 1 ] && grep -q "is running: stop it first" <<<"$0"' "$ERR"
# a saved state (managed save) would be resumed over the reinstalled disk
virsh -q managedsave "$VM" >/dev/null
e2e_run create --reinstall "$VM" --location "$LOC" --noautoconsole
e2e_check "a VM with a saved state is refused, exit 2 (rc=$RC: $ERR)" \
	bash -c '[ "$1" -eq 2 ] && grep -q "has a saved state" <<<"$0"' "$ERR" "$RC"
virsh -q managedsave-remove "$VM" >/dev/null

e2e_run create --reinstall "$VM" --location "$LOC" --dry-run
e2e_check "a dry run exits 0 (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "... recognises the Debian 12 tree" grep -q "Debian 12 (bookworm)" <<<"$ERR"
e2e_check "... plans the uploads, the install run and the removal of the uploads" \
	bash -c 'grep -q "^would upload the installer.s kernel" <<<"$0" &&
		grep -q "^would start VM .* for its install run" <<<"$0" &&
		grep -q "^would remove volumes .*-install-kernel" <<<"$0"' "$OUT"

# a failure at the start: the uploads are undone, the VM is as it was
VPROV_FAIL_AT=start e2e_run create --reinstall "$VM" --location "$LOC" --noautoconsole
e2e_check "a failure at the start fails the reinstall (rc=$RC)" [ "$RC" -ne 0 ]
e2e_check "... leaves no installer volume ($(e2e_vols_named "${VM}-install"))" \
	[ -z "$(e2e_vols_named "${VM}-install")" ]
e2e_check "... and the VM off and defined as it was" \
	bash -c '[ "$(virsh -q domstate "$1")" = "shut off" ] &&
		[ "$(virsh -q dumpxml --inactive --security-info "$1")" = "$0" ]' "$before" "$VM"

# the reinstall, by UUID
uuid=$(virsh -q domuuid "$VM")
rm -f "$LOG"
e2e_run create --reinstall "$uuid" --location "$LOC" --noautoconsole
e2e_check "create --reinstall UUID --location exits 0 (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
live=$(virsh -q dumpxml "$VM")
e2e_check "the install run boots the installer's uploaded kernel" \
	grep -q "<kernel>.*/${VM}-install-kernel</kernel>" <<<"$live"
e2e_check "... with the mirror's and the console's arguments" \
	grep -q '<cmdline>.*console=ttyS0,115200n8</cmdline>' <<<"$live"
e2e_check "... ends at the installer's reboot" grep -q '<on_reboot>destroy</on_reboot>' <<<"$live"
e2e_check "... and has the VM's own disk" grep -q "<source file='[^']*${VM}\.qcow2'" <<<"$live"
e2e_check "the definition is the same, byte for byte, while the run goes" \
	[ "$(virsh -q dumpxml --inactive --security-info "$VM")" = "$before" ]
e2e_check "the installer's kernel and initrd volumes are gone once QEMU loaded them" \
	[ -z "$(e2e_vols_named "${VM}-install")" ]
if e2e_wait_log "$LOG" "Linux version" 90; then
	e2e_ok "the installer's kernel speaks on the serial console"
else
	e2e_fail "the installer's kernel never spoke on the serial console"
	e2e_console_tail "$VM"
fi
e2e_check "... it is the installer's (its command line is the run's)" \
	e2e_wait_log "$LOG" "Command line:.*console=ttyS0,115200n8" 30
if e2e_wait_log "$LOG" "$E2E_DI_FIRST" 240; then
	e2e_ok "the installer's first dialog appears on the serial console"
else
	e2e_fail "the installer's first dialog never appeared on the serial console"
	e2e_console_tail "$VM"
fi

# the installer reboots: the run ends, the VM is its definition again
virsh -q reset "$VM" >/dev/null
i=0; while [ "$(e2e_state "$VM")" != "shut off" ] && [ $i -lt 100 ]; do sleep 0.2; i=$((i + 1)); done
e2e_check "the installer's reboot ends the install run (state: $(e2e_state "$VM"))" \
	[ "$(e2e_state "$VM")" = "shut off" ]
e2e_check "after the run the definition is the same, byte for byte" \
	[ "$(virsh -q dumpxml --inactive --security-info "$VM")" = "$before" ]
e2e_check "... and boots its disk, with no installer kernel" \
	bash -c '! grep -q "<kernel>" <<<"$0" && grep -q "<boot dev=.hd./>" <<<"$0"' "$before"
e2e_check "no installer volume is left" [ -z "$(e2e_vols_named "${VM}-install")" ]

# --wait --noreboot: vprov waits for the run's end and leaves the VM off
rm -f "$LOG"
"$VPROV" create --reinstall "$VM" --location "$LOC" --wait 300 --noreboot \
	>"$E2E_TMP/out2" 2>"$E2E_TMP/err2" &
pid=$!
if e2e_wait_log "$LOG" "Linux version" 90; then
	e2e_ok "--wait: the install run boots"
else
	e2e_fail "--wait: the install run never booted"
fi
virsh -q reset "$VM" >/dev/null
wait "$pid"
RC=$?
e2e_check "--wait returns once the install run ended (rc=$RC: $(cat "$E2E_TMP/err2"))" [ "$RC" -eq 0 ]
e2e_check "--noreboot: ... and left the VM off, saying so ($(e2e_state "$VM"))" \
	bash -c "grep -q 'stays off (--noreboot)' '$E2E_TMP/out2' && [ \"\$(virsh -q domstate '$VM')\" = 'shut off' ]"
e2e_check "... its definition the same, byte for byte, and no installer volume left" \
	bash -c '[ "$(virsh -q dumpxml --inactive --security-info "$1")" = "$0" ] &&
		[ -z "$2" ]' "$before" "$VM" "$(e2e_vols_named "${VM}-install")"

e2e_run delete "$VM"
e2e_finish
