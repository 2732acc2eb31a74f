#!/bin/bash
# tests/e2e/test_clone.sh — vprov clone on the real libvirtd, under TCG:
#   1. SRC: the kernel+initrd guest with two qcow2 disks, a marker written
#      into its first disk (qemu-io) while it is shut off; a running SRC is
#      refused (one line, exit 1), as is a taken name (exit 2);
#   2. a full clone: its own volumes (NEW.qcow2, NEW-1.qcow2) with SRC's
#      content, independent of SRC's afterwards (a write to one does not
#      reach the other); a linked clone: qcow2 overlays whose backing file
#      is SRC's volume, SRC's marker read through them; UUIDs and MACs all
#      differ; both clones boot (their consoles answer);
#   3. SRC refuses start and delete while the linked clone exists (one
#      line naming it, exit 1) and goes once the clone is deleted; the full
#      clone outlives it;
#   4. a failure injected at the definition (VPROV_FAIL_AT=define), after
#      both copies were made, and a SIGINT between the two copies: exit
#      non-zero, the host exactly as before (no domain, no volume); a
#      SIGKILL there: the next vprov command rolls the journal back;
#   5. a full clone of a qcow2 overlay on a base image keeps the backing
#      file (not flattened) and the same guest content (qemu-img compare);
#   6. --sysprep on a clone of the Debian cloud image (scripts/test-image.sh):
#      the clone has an empty /etc/machine-id and no SSH host keys, while
#      SRC keeps its machine-id and keys (guestfish, one launch);
#   7. (before 6) a UEFI guest's NVRAM is copied, and goes with the clone.
# Guests booted: two kernel+initrd guests, one after the other; appliance
# launches: three (inject, clone --sysprep, guestfish).
#
#   bash tests/e2e/test_clone.sh build/vprov

# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

SRC=${E2E_PREFIX}src
FULL=${E2E_PREFIX}full
LINK=${E2E_PREFIX}link
IMAGES=$(virsh -q pool-dumpxml default | sed -n 's:.*<path>\(.*\)</path>.*:\1:p' | head -n 1)
BOOT="kernel=$E2E_KERNEL,initrd=$E2E_INITRD,kernel_args=\"$E2E_KARGS\""
C=(--memory 256 --vcpus 1 --graphics none --noautoconsole)

# one_line PREFIX: stderr is exactly one line, starting with PREFIX
one_line() {
	[ "$(printf '%s\n' "$ERR" | wc -l)" -eq 1 ] && [[ $ERR == "$1"* ]]
}

# host_state: what a failed clone must leave as it was (this test's VMs
# and volumes: other tests run beside it)
host_state() {
	virsh -q list --all --name | grep "^$E2E_PREFIX" | sort
	e2e_vols_named "$E2E_PREFIX" | sort
	ls /var/log/libvirt/qemu | grep "^$E2E_PREFIX" | sort
}

# answers VM: the guest's initramfs shell runs a command typed on its console
answers() {
	e2e_console_answers "" "$1" CL
}

macs() {
	virsh -q domiflist "$1" | awk '{print $NF}'
}

disk_of() {
	virsh -q domblklist "$1" | awk -v t="$2" '$1 == t {print $2}'
}

# ---- 1. SRC -------------------------------------------------------------------
e2e_run create "$SRC" "${C[@]}" --disk size=1 --disk size=1 --network user --boot "$BOOT"
e2e_check "create SRC (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_run clone "$SRC" "$FULL"
e2e_check "a running SRC is refused: exit 1, one line" \
	eval '[ "$RC" -eq 1 ] && one_line "vprov clone: VM '"'$SRC'"' is running"'
e2e_check "... and nothing was made" eval '! e2e_domain_exists "$FULL" && [ -z "$(e2e_vols_named "$FULL")" ]'
e2e_run destroy "$SRC"
SRC_DISK=$(disk_of "$SRC" vda)
SRC_DISK2=$(disk_of "$SRC" vdb)
e2e_check "SRC's disks are pool volumes in '$IMAGES'" \
	eval '[ "$SRC_DISK" = "$IMAGES/$SRC.qcow2" ] && [ "$SRC_DISK2" = "$IMAGES/$SRC-1.qcow2" ]'
qemu-io -c 'write -P 0x5a 1M 64k' "$SRC_DISK" >/dev/null
e2e_check "the marker is on SRC's disk" eval 'qemu-io -c "read -P 0x5a 1M 64k" "$SRC_DISK" | grep -q "read 65536"'
e2e_run clone "$SRC" "$SRC"
e2e_check "a taken name is refused: exit 2, one line" \
	eval '[ "$RC" -eq 2 ] && one_line "vprov clone: a VM named"'
before=$(host_state)
e2e_run clone "$SRC" "$FULL" --dry-run
e2e_check "clone --dry-run lists the copies (rc=$RC)" \
	eval '[ "$RC" -eq 0 ] && grep -qF "would copy volume '"'default/$SRC.qcow2' to '$FULL.qcow2'"'" <<<"$OUT"'
e2e_check "... and changes nothing" [ "$(host_state)" = "$before" ]

# ---- 4. failures leave nothing -------------------------------------------------
BAD=${E2E_PREFIX}bad
VPROV_FAIL_AT=define e2e_run clone "$SRC" "$BAD"
e2e_check "a failure at the definition, after the copies: exit 1 (rc=$RC)" [ "$RC" -eq 1 ]
e2e_check "... and the host is as it was" [ "$(host_state)" = "$before" ]
PAUSE=$E2E_TMP/pause
touch "$PAUSE"
VPROV_TEST_PAUSE="volume:after:$PAUSE" "$VPROV" clone "$SRC" "$BAD" >"$E2E_TMP/int.out" 2>"$E2E_TMP/int.err" &
pid=$!
e2e_check "the clone pauses after its first copy" e2e_wait_log "$E2E_TMP/int.err" "paused after step 'volume'" 120
e2e_check "... with that copy made" eval '[ -n "$(e2e_vols_named "$BAD")" ]'
kill -INT "$pid"
wait "$pid"
rc=$?
rm -f "$PAUSE"
e2e_check "SIGINT mid-clone: exit 130 (rc=$rc: $(tail -n 2 "$E2E_TMP/int.err"))" [ "$rc" -eq 130 ]
e2e_check "... and the host is as it was" [ "$(host_state)" = "$before" ]
# killed outright there: the journal stays, and the next command rolls it back
touch "$PAUSE"
VPROV_TEST_PAUSE="volume:after:$PAUSE" "$VPROV" clone "$SRC" "$BAD" >"$E2E_TMP/kill.out" 2>"$E2E_TMP/kill.err" &
pid=$!
e2e_check "another clone pauses after its first copy" e2e_wait_log "$E2E_TMP/kill.err" "paused after step 'volume'" 120
kill -9 "$pid"
wait "$pid" 2>/dev/null
rm -f "$PAUSE"
e2e_check "SIGKILL mid-clone leaves the copy behind, for now" eval '[ -n "$(e2e_vols_named "$BAD")" ]'
"$VPROV" list --all >/dev/null 2>"$E2E_TMP/recover.err"
e2e_check "the next command rolls the clone back and says so ($(head -n 1 "$E2E_TMP/recover.err"))" \
	grep -qF "rolled back an interrupted 'clone $BAD'" "$E2E_TMP/recover.err"
e2e_check "... and the host is as it was" [ "$(host_state)" = "$before" ]

# ---- 2. full and linked clones --------------------------------------------------
e2e_run clone "$SRC" "$FULL" --json
e2e_check "full clone (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "... says what it made" python3 -c '
import json, sys
j = json.loads(sys.argv[1])
sys.exit(not (j["created"] and not j["linked"] and [d["volume"] for d in j["disks"]] == [sys.argv[2] + ".qcow2", sys.argv[2] + "-1.qcow2"]))' "$OUT" "$FULL"
FULL_DISK=$(disk_of "$FULL" vda)
e2e_check "the full clone's disks are its own volumes" \
	eval '[ "$FULL_DISK" = "$IMAGES/$FULL.qcow2" ] && [ "$(disk_of "$FULL" vdb)" = "$IMAGES/$FULL-1.qcow2" ]'
e2e_check "... a copy of SRC's (the marker, the same content)" \
	eval 'qemu-io -c "read -P 0x5a 1M 64k" "$FULL_DISK" | grep -q "read 65536" && qemu-img compare -q "$SRC_DISK" "$FULL_DISK"'
e2e_check "... with no backing file" eval '! qemu-img info "$FULL_DISK" | grep -q "^backing file"'
src_sum=$(sha256sum <"$SRC_DISK")
qemu-io -c 'write -P 0x33 1M 64k' "$FULL_DISK" >/dev/null
e2e_check "... and independent: a write to it leaves SRC's as it was" \
	eval '[ "$(sha256sum <"$SRC_DISK")" = "$src_sum" ] && qemu-io -c "read -P 0x5a 1M 64k" "$SRC_DISK" | grep -q "read 65536"'

e2e_run clone "$SRC" "$LINK" --linked
e2e_check "linked clone (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
LINK_DISK=$(disk_of "$LINK" vda)
e2e_check "the linked clone's disk is an overlay on SRC's volume" \
	eval '[ "$LINK_DISK" = "$IMAGES/$LINK.qcow2" ] && [ "$(qemu-img info --output=json "$LINK_DISK" | python3 -c "import json,sys; print(json.load(sys.stdin)[\"backing-filename\"])")" = "$SRC_DISK" ]'
e2e_check "... the second one too" \
	eval 'qemu-img info "$(disk_of "$LINK" vdb)" | grep -qx "backing file: $SRC_DISK2"'
e2e_check "... which reads SRC's marker" eval 'qemu-io -c "read -P 0x5a 1M 64k" "$LINK_DISK" | grep -q "read 65536"'
e2e_check "... and is thin" [ "$(du -k "$LINK_DISK" | cut -f1)" -lt 2048 ]

u_src=$(virsh -q domuuid "$SRC")
u_full=$(virsh -q domuuid "$FULL")
u_link=$(virsh -q domuuid "$LINK")
e2e_check "the UUIDs differ" eval '[ -n "$u_full" ] && [ "$u_src" != "$u_full" ] && [ "$u_src" != "$u_link" ] && [ "$u_full" != "$u_link" ]'
m_src=$(macs "$SRC")
m_full=$(macs "$FULL")
m_link=$(macs "$LINK")
e2e_check "the MACs differ ($m_src $m_full $m_link)" \
	eval '[ -n "$m_full" ] && [ "$m_src" != "$m_full" ] && [ "$m_src" != "$m_link" ] && [ "$m_full" != "$m_link" ]'
e2e_check "the console log is the clone's" \
	eval 'virsh -q dumpxml "$FULL" | grep -qF "/$FULL-console.log"'

for vm in "$FULL" "$LINK"; do
	e2e_run start "$vm"
	e2e_check "start $vm (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
	e2e_check "$vm boots: its console answers" answers "$vm"
	e2e_run destroy "$vm"
done

# ---- 3. SRC under a linked clone ------------------------------------------------
e2e_run start "$SRC"
e2e_check "start SRC refused while the linked clone exists: exit 1, one line naming it" \
	eval '[ "$RC" -eq 1 ] && one_line "vprov start:" && grep -qF "'"'$LINK'"'" <<<"$ERR"'
e2e_check "... SRC stays off" [ "$(e2e_state "$SRC")" = "shut off" ]
e2e_run delete "$SRC"
e2e_check "delete SRC refused while the linked clone exists: exit 1, one line naming it" \
	eval '[ "$RC" -eq 1 ] && one_line "vprov delete:" && grep -qF "'"'$LINK'"'" <<<"$ERR"'
e2e_check "... SRC and its volumes stay" eval 'e2e_domain_exists "$SRC" && [ -f "$SRC_DISK" ] && [ -f "$SRC_DISK2" ]'
e2e_run delete "$LINK"
e2e_check "delete the linked clone (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "... removes its overlays, keeps SRC's volumes" \
	eval '[ ! -e "$LINK_DISK" ] && [ -f "$SRC_DISK" ]'
e2e_run delete "$SRC"
e2e_check "then delete SRC works (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "... and removes its volumes" eval '[ ! -e "$SRC_DISK" ] && [ ! -e "$SRC_DISK2" ]'
e2e_check "the full clone outlives SRC" eval 'e2e_domain_exists "$FULL" && [ -f "$FULL_DISK" ]'
e2e_run delete "$FULL"
e2e_check "delete the full clone removes its volumes (rc=$RC)" \
	eval '[ "$RC" -eq 0 ] && [ -z "$(e2e_vols_named "$FULL")" ]'

# ---- 5. a qcow2 with a backing image keeps it -------------------------------------
OV=${E2E_PREFIX}ov
qemu-img create -q -f qcow2 "$IMAGES/${E2E_PREFIX}base.qcow2" 64M
qemu-io -c 'write -P 0x41 0 1M' "$IMAGES/${E2E_PREFIX}base.qcow2" >/dev/null
virsh -q pool-refresh default >/dev/null
e2e_run create "$OV" "${C[@]}" --disk "backing_store=default/${E2E_PREFIX}base.qcow2" --network none --boot "$BOOT"
e2e_check "create a VM on a base image (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_run destroy "$OV"
OV_DISK=$(disk_of "$OV" vda)
qemu-io -c 'write -P 0x42 2M 1M' "$OV_DISK" >/dev/null
e2e_run clone "$OV" "${OV}c"
e2e_check "full clone of it (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "... keeps the backing image" \
	eval 'qemu-img info "$IMAGES/${OV}c.qcow2" | grep -qx "backing file: $IMAGES/${E2E_PREFIX}base.qcow2"'
e2e_check "... with the same guest content" qemu-img compare -q "$OV_DISK" "$IMAGES/${OV}c.qcow2"
e2e_check "... and only the overlay's data (not flattened)" \
	[ "$(du -k "$IMAGES/${OV}c.qcow2" | cut -f1)" -lt 4096 ]

# ---- 7. the NVRAM of a UEFI guest goes with it -----------------------------------
# (OVMF under TCG here stops in an exception before the kernel, on SRC as on
# the clone: what matters is the variable store libvirt made at the start)
EFI=${E2E_PREFIX}efi
NVD=/var/lib/libvirt/qemu/nvram
e2e_run create "$EFI" "${C[@]}" --disk size=1 --network none --boot "uefi,$BOOT"
e2e_check "create a UEFI VM (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_run destroy "$EFI"
e2e_check "libvirt made its NVRAM" [ -f "$NVD/${EFI}_VARS.fd" ]
e2e_run clone "$EFI" "${EFI}c"
e2e_check "clone it (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "... with a copy of its NVRAM" cmp -s "$NVD/${EFI}_VARS.fd" "$NVD/${EFI}c_VARS.fd"
e2e_run delete "${EFI}c"
e2e_check "the clone's delete removes its NVRAM, not SRC's" \
	eval '[ "$RC" -eq 0 ] && [ ! -e "$NVD/${EFI}c_VARS.fd" ] && [ -f "$NVD/${EFI}_VARS.fd" ]'
e2e_run delete "$EFI"

# ---- 6. --sysprep on the Debian cloud image ----------------------------------------
BASE=$("$E2E_ROOT/scripts/test-image.sh") || {
	e2e_fail "no test image (scripts/test-image.sh failed)"
	e2e_finish
}
SYS=${E2E_PREFIX}sys
# a base of this test's own: a guest running on a backing chain gets it chowned
cp --sparse=always "$BASE" "$IMAGES/${E2E_PREFIX}deb.qcow2"
virsh -q pool-refresh default >/dev/null
e2e_run create "$SYS" "${C[@]}" --disk "backing_store=default/${E2E_PREFIX}deb.qcow2" --network none \
	--boot "$BOOT"
e2e_check "create a VM on the Debian image (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_run destroy "$SYS"
MID=0123456789abcdef0123456789abcdef
e2e_run inject "$SYS" --write "/etc/machine-id:$MID"
e2e_check "give SRC a machine-id (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_run clone "$SYS" "${SYS}c" --sysprep
e2e_check "clone --sysprep (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
SYS_DISK=$(disk_of "$SYS" vda)
SYSC_DISK=$(disk_of "${SYS}c" vda)
LIBGUESTFS_BACKEND=direct LIBGUESTFS_BACKEND_SETTINGS=force_tcg \
	guestfish --ro -a "$SYSC_DISK" -a "$SYS_DISK" -m /dev/sda1 -m /dev/sdb1:/mnt >"$E2E_TMP/gf" 2>&1 <<'EOF'
echo ==clone-mid
filesize /etc/machine-id
echo ==clone-keys
glob-expand /etc/ssh/ssh_host_*
echo ==src-mid
cat /mnt/etc/machine-id
echo ==src-keys
glob-expand /mnt/etc/ssh/ssh_host_*
echo ==end
EOF
section() {
	awk -v s="==$1" '$0 == s {on = 1; next} /^==/ {on = 0} on' "$E2E_TMP/gf"
}
e2e_check "guestfish read both disks" grep -q "^==end" "$E2E_TMP/gf"
e2e_check "the clone's /etc/machine-id is empty" [ "$(section clone-mid)" = 0 ]
e2e_check "the clone has no SSH host keys" [ -z "$(section clone-keys)" ]
e2e_check "SRC keeps its machine-id" [ "$(section src-mid)" = "$MID" ]
e2e_check "SRC keeps its SSH host keys" [ -n "$(section src-keys)" ]

e2e_finish
