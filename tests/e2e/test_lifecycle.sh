#!/bin/bash
# tests/e2e/test_lifecycle.sh — the whole VM lifecycle on the real libvirtd
# (qemu:///system) with real guests under TCG:
#
#   create (a real kernel boots: its console log shows it), info, list,
#   stop (graceful fails on a guest that ignores ACPI; --force powers off;
#   stopping a stopped VM is a no-op), start (a second boot; starting a
#   running VM is a no-op), destroy, xml (vprov's metadata namespace),
#   delete (stopped and running; --keep-storage), --autostart, --transient,
#   and a duplicate name that changes nothing.
#
# usage: bash tests/e2e/test_lifecycle.sh path/to/vprov

. "$(dirname "$0")/lib.sh"

lc_cleanup() {
	e2e_cleanup
	rm -f /var/log/libvirt/qemu/"$E2E_PREFIX"*.log   # libvirt's own QEMU logs
}
trap lc_cleanup EXIT

NS=https://vprov.dev/xmlns/domain/1
VM=${E2E_PREFIX}main
RUNDEL=${E2E_PREFIX}rundel
KEEP=${E2E_PREFIX}keep
AUTO=${E2E_PREFIX}auto
TRANS=${E2E_PREFIX}trans
BOOT="kernel=$E2E_KERNEL,initrd=$E2E_INITRD,kernel_args=\"$E2E_KARGS\""
# A guest under TCG reaches the initramfs shell in ~20 s; leave room for a
# busy machine.
BOOT_SECS=120

# py_check JSON EXPR: true when the Python expression EXPR holds for the
# parsed JSON d.
py_check() {
	python3 -c 'import json, sys
d = json.loads(sys.argv[1])
sys.exit(0 if eval(sys.argv[2]) else 1)' "$1" "$2" 2>/dev/null
}

# py_get JSON EXPR: print the value of EXPR on the parsed JSON d.
py_get() {
	python3 -c 'import json, sys
d = json.loads(sys.argv[1])
print(eval(sys.argv[2]))' "$1" "$2" 2>/dev/null
}

# one_line: $ERR is exactly one non-empty line from vprov.
one_line() {
	[ -n "$ERR" ] && [ "$(printf '%s\n' "$ERR" | wc -l)" -eq 1 ] && [[ $ERR == "vprov "* ]]
}

# count FILE PATTERN: how many lines of FILE match PATTERN (0 when none).
count() {
	grep -a -c -E "$2" "$1" 2>/dev/null || true
}

# wait_count FILE PATTERN N SECONDS: until FILE has at least N matching lines.
wait_count() {
	local i=0
	while [ "$i" -lt $(($4 * 5)) ]; do
		[ "$(count "$1" "$2")" -ge "$3" ] && return 0
		sleep 0.2
		i=$((i + 1))
	done
	return 1
}

in_list() { # NAME: $OUT (vprov list) has a row for NAME
	printf '%s\n' "$OUT" | awk -v n="$1" '$1 == n {f = 1} END {exit !f}'
}

create_vm() { # NAME [extra options]
	local name=$1
	shift
	e2e_run create "$name" --memory 512 --vcpus 1 --network none --graphics none \
		--noautoconsole "$@"
}

# ---- create: a real kernel boots ---------------------------------------

create_vm "$VM" --disk size=1 --boot "$BOOT"
e2e_check "create exits 0 (rc=$RC${ERR:+, stderr: $ERR})" [ "$RC" -eq 0 ]
e2e_check "the VM runs after create" [ "$(e2e_state "$VM")" = "running" ]

e2e_run info "$VM" --json
INFO=$OUT
e2e_check "info --json exits 0" [ "$RC" -eq 0 ]
LOG=$(py_get "$INFO" 'd["console_log"]')
DISK=$(py_get "$INFO" 'd["disks"][0]["source"]')
e2e_check "info names a console log file ($LOG)" eval '[ -n "$LOG" ] && [ "$LOG" != None ]'
e2e_check "the guest printed a kernel banner on the serial console" \
	e2e_wait_log "$LOG" "Linux version" "$BOOT_SECS"
e2e_check "the guest reached the initramfs shell" e2e_wait_log "$LOG" "\(initramfs\)" "$BOOT_SECS"

# ---- info --------------------------------------------------------------

e2e_check "info: state running" py_check "$INFO" 'd["state"] == "running"'
e2e_check "info: memory_mib 512" py_check "$INFO" 'd["memory_mib"] == 512'
e2e_check "info: vcpus 1" py_check "$INFO" 'd["vcpus"] == 1'
e2e_check "info: exactly one disk, vda" \
	py_check "$INFO" 'len(d["disks"]) == 1 and d["disks"][0]["target"] == "vda"'
e2e_check "info: the disk is 1 GiB" \
	py_check "$INFO" 'd["disks"][0]["capacity_bytes"] == 1073741824'
e2e_check "info: vprov owns the disk" py_check "$INFO" 'd["disks"][0]["owned"] is True'
e2e_check "info: managed by vprov" py_check "$INFO" 'd["managed"] is True'
e2e_check "info: virt_type qemu (TCG)" py_check "$INFO" 'd["virt_type"] == "qemu"'
e2e_check "the disk is a file on the host ($DISK)" [ -f "$DISK" ]

# ---- list --------------------------------------------------------------

e2e_run list
e2e_check "list exits 0 and shows the running VM" eval '[ "$RC" -eq 0 ] && in_list "$VM"'
e2e_run list --json
e2e_check "list --json shows it running" \
	py_check "$OUT" "any(x['name'] == '$VM' and x['state'] == 'running' and x['managed'] for x in d)"

# ---- a missing or extra name is a usage error that touches nothing ----------

for cmd in start stop destroy delete info xml; do
	e2e_run "$cmd"
	e2e_check "$cmd without a name exits 2 with one line (rc=$RC: $ERR)" \
		eval '[ "$RC" -eq 2 ] && one_line'
done
ID=$(virsh -q domid "$VM" 2>/dev/null)
for cmd in stop destroy delete; do
	e2e_run "$cmd" "$VM" "${E2E_PREFIX}extra"
	e2e_check "$cmd with two names exits 2 with one line (rc=$RC: $ERR)" \
		eval '[ "$RC" -eq 2 ] && one_line'
	e2e_check "... and leaves the VM running as it was" \
		eval '[ "$(e2e_state "$VM")" = running ] && [ "$(virsh -q domid "$VM" 2>/dev/null)" = "$ID" ]'
done

# ---- stop ----------------------------------------------------------------

# The initramfs shell does not handle the ACPI power button: a graceful stop
# must give up and say so, leaving the VM as it was.
e2e_run stop "$VM" --timeout 3
e2e_check "stop --timeout 3 of a guest that ignores ACPI exits 1 (rc=$RC)" [ "$RC" -eq 1 ]
e2e_check "... with one line on stderr ($ERR)" one_line
e2e_check "... and the VM still runs" [ "$(e2e_state "$VM")" = "running" ]

e2e_run stop "$VM" --timeout 3 --force
e2e_check "stop --timeout 3 --force exits 0 (rc=$RC${ERR:+, stderr: $ERR})" [ "$RC" -eq 0 ]
e2e_check "... and the VM is shut off" [ "$(e2e_state "$VM")" = "shut off" ]

e2e_run stop "$VM" --timeout 3
e2e_check "stop of a stopped VM is a no-op exit 0 (rc=$RC)" [ "$RC" -eq 0 ]
e2e_check "... and it stays shut off" [ "$(e2e_state "$VM")" = "shut off" ]

e2e_run list
e2e_check "list without --all leaves out the stopped VM" eval '[ "$RC" -eq 0 ] && ! in_list "$VM"'
e2e_run list --all
e2e_check "list --all shows the stopped VM" eval '[ "$RC" -eq 0 ] && in_list "$VM"'
e2e_run list --all --json
e2e_check "list --all --json shows it shut off" \
	py_check "$OUT" "any(x['name'] == '$VM' and x['state'] == 'shut off' for x in d)"
e2e_run info "$VM" --json
e2e_check "info of the stopped VM: state shut off, disk still 1 GiB" \
	py_check "$OUT" 'd["state"] == "shut off" and d["disks"][0]["capacity_bytes"] == 1073741824'

# ---- start ---------------------------------------------------------------

BOOTS=$(count "$LOG" "Linux version")
SHELLS=$(count "$LOG" "\(initramfs\)")
e2e_run start "$VM"
e2e_check "start exits 0 (rc=$RC${ERR:+, stderr: $ERR})" [ "$RC" -eq 0 ]
e2e_check "... and the VM runs" [ "$(e2e_state "$VM")" = "running" ]
e2e_check "the console log shows a second kernel boot" \
	wait_count "$LOG" "Linux version" $((BOOTS + 1)) "$BOOT_SECS"
e2e_check "... reaching the initramfs shell again" \
	wait_count "$LOG" "\(initramfs\)" $((SHELLS + 1)) "$BOOT_SECS"

ID=$(virsh -q domid "$VM" 2>/dev/null)
e2e_run start "$VM"
e2e_check "start of a running VM is a no-op exit 0 (rc=$RC)" [ "$RC" -eq 0 ]
e2e_check "... the same QEMU keeps running (domain id $ID)" \
	eval '[ "$(e2e_state "$VM")" = running ] && [ "$(virsh -q domid "$VM" 2>/dev/null)" = "$ID" ]'

# ---- destroy, xml ----------------------------------------------------------

e2e_run destroy "$VM"
e2e_check "destroy exits 0 (rc=$RC${ERR:+, stderr: $ERR})" [ "$RC" -eq 0 ]
e2e_check "... and the VM is shut off" [ "$(e2e_state "$VM")" = "shut off" ]
e2e_check "... still defined" e2e_domain_exists "$VM"

e2e_run xml "$VM"
e2e_check "xml exits 0" [ "$RC" -eq 0 ]
e2e_check "xml is the domain's XML" eval 'printf "%s" "$OUT" | grep -q "<name>$VM</name>"'
e2e_check "xml carries vprov's metadata namespace $NS" \
	eval 'printf "%s" "$OUT" | grep -qF "xmlns:vprov=\"$NS\""'

# ---- delete ----------------------------------------------------------------

e2e_check "before delete, a volume named after the VM exists" \
	eval '[ -n "$(e2e_vols_named "$VM.")" ]'
e2e_run delete "$VM"
e2e_check "delete exits 0 (rc=$RC${ERR:+, stderr: $ERR})" [ "$RC" -eq 0 ]
e2e_check "... the domain is gone" eval '! e2e_domain_exists "$VM"'
e2e_check "... no volume named after it is left in any pool" \
	eval '[ -z "$(e2e_vols_named "$VM")" ]'
e2e_check "... and its disk file is gone ($DISK)" [ ! -e "$DISK" ]
e2e_check "... and its console log ($LOG), which a new VM of that name would append to" [ ! -e "$LOG" ]

# ---- duplicate name, then delete of a running VM -------------------------------

create_vm "$RUNDEL" --memory 256 --disk size=1 --boot "$BOOT"
e2e_check "create a second VM (rc=$RC${ERR:+, stderr: $ERR})" [ "$RC" -eq 0 ]
e2e_run info "$RUNDEL" --json
RD_INFO=$OUT
# shellcheck disable=SC2034 # RD_* are read in evals
RD_UUID=$(py_get "$RD_INFO" 'd["uuid"]')
# shellcheck disable=SC2034
RD_ID=$(virsh -q domid "$RUNDEL" 2>/dev/null)
RD_VOLS=$(e2e_vols_named "$RUNDEL")
# shellcheck disable=SC2034
RD_DISK=$(py_get "$RD_INFO" 'd["disks"][0]["source"]')

create_vm "$RUNDEL" --memory 256 --disk size=1 --boot "$BOOT"
e2e_check "creating the same name again exits 2 (rc=$RC)" [ "$RC" -eq 2 ]
e2e_check "... with one line on stderr ($ERR)" one_line
e2e_run info "$RUNDEL" --json
e2e_check "... the first VM is untouched (same uuid, same QEMU, still running)" \
	eval 'py_check "$OUT" "d[\"uuid\"] == \"$RD_UUID\" and d[\"state\"] == \"running\"" &&
	      [ "$(virsh -q domid "$RUNDEL" 2>/dev/null)" = "$RD_ID" ]'
e2e_check "... and no volume was added or removed ($RD_VOLS)" \
	eval '[ -n "$RD_VOLS" ] && [ "$(e2e_vols_named "$RUNDEL")" = "$RD_VOLS" ]'

e2e_check "the second VM runs before delete" [ "$(e2e_state "$RUNDEL")" = "running" ]
e2e_run delete "$RUNDEL"
e2e_check "delete of a running VM exits 0 (rc=$RC${ERR:+, stderr: $ERR})" [ "$RC" -eq 0 ]
e2e_check "... the domain is gone" eval '! e2e_domain_exists "$RUNDEL"'
e2e_check "... its volume is gone" eval '[ -z "$(e2e_vols_named "$RUNDEL")" ] && [ ! -e "$RD_DISK" ]'

# ---- delete --keep-storage -------------------------------------------------------

create_vm "$KEEP" --memory 256 --disk size=1 --boot "$BOOT"
e2e_check "create a VM to delete with --keep-storage (rc=$RC${ERR:+, stderr: $ERR})" [ "$RC" -eq 0 ]
KEEP_VOLS=$(e2e_vols_named "$KEEP")
e2e_run delete "$KEEP" --keep-storage
e2e_check "delete --keep-storage exits 0 (rc=$RC${ERR:+, stderr: $ERR})" [ "$RC" -eq 0 ]
e2e_check "... the domain is gone" eval '! e2e_domain_exists "$KEEP"'
e2e_check "... its volume is kept ($KEEP_VOLS)" \
	eval '[ -n "$KEEP_VOLS" ] && [ "$(e2e_vols_named "$KEEP")" = "$KEEP_VOLS" ]'
for v in $KEEP_VOLS; do
	virsh -q vol-delete --pool "${v%%/*}" "${v#*/}" >/dev/null 2>&1
done
e2e_check "the kept volume could be removed by hand" eval '[ -z "$(e2e_vols_named "$KEEP")" ]'

# ---- --autostart -------------------------------------------------------------------

create_vm "$AUTO" --memory 256 --disk none --boot "$BOOT" --autostart
e2e_check "create --autostart exits 0 (rc=$RC${ERR:+, stderr: $ERR})" [ "$RC" -eq 0 ]
e2e_check "... virsh dominfo says autostart is enabled" \
	eval 'virsh -q dominfo "$AUTO" | grep -Eq "^Autostart: +enable"'
e2e_run info "$AUTO" --json
e2e_check "... and vprov info says so too" py_check "$OUT" 'd["autostart"] is True'
e2e_run delete "$AUTO"
e2e_check "delete of the autostart VM (rc=$RC)" eval '[ "$RC" -eq 0 ] && ! e2e_domain_exists "$AUTO"'

# ---- --transient ---------------------------------------------------------------------

create_vm "$TRANS" --memory 256 --disk none --boot "$BOOT" --transient
e2e_check "create --transient exits 0 (rc=$RC${ERR:+, stderr: $ERR})" [ "$RC" -eq 0 ]
e2e_check "... the VM runs" [ "$(e2e_state "$TRANS")" = "running" ]
e2e_check "... and is not persistent" eval 'virsh -q dominfo "$TRANS" | grep -Eq "^Persistent: +no"'
e2e_run destroy "$TRANS"
e2e_check "destroy of the transient VM exits 0 (rc=$RC${ERR:+, stderr: $ERR})" [ "$RC" -eq 0 ]
e2e_check "... and the domain is gone" eval '! e2e_domain_exists "$TRANS"'

e2e_finish
