#!/bin/bash
# tests/e2e/test_clone_remote.sh — vprov clone against a remote host (the
# second libvirtd, qemu+tcp://127.0.0.2/system): everything goes through
# the pool API and libvirt's streams, nothing through local paths.
#   - a full clone of a plain qcow2 disk (the host's own copy) has the same
#     guest content (both volumes downloaded and compared), and boots: its
#     console answers over the remote connection;
#   - a full clone of a qcow2 overlay on a base image, copied through two
#     sparse streams, keeps the base as its backing store;
#   - a linked clone's volume has SRC's volume as its backing store, and SRC
#     then refuses delete, naming it;
#   - --sysprep (libguestfs on this machine) is refused for a remote host.
#
#   bash tests/e2e/test_clone_remote.sh build/vprov

# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

R=$E2E_R
SRC=${E2E_PREFIX}rsrc
BOOT="kernel=$E2E_KERNEL,initrd=$E2E_INITRD,kernel_args=\"$E2E_KARGS\""
C=(--memory 256 --vcpus 1 --graphics none --noautoconsole)

e2e_second_host

vol_xml() {
	virsh -q -c "$R" vol-dumpxml --pool default "$1" 2>/dev/null
}

backing_of() {
	vol_xml "$1" | python3 -c '
import sys, xml.etree.ElementTree as ET
print(ET.fromstring(sys.stdin.read()).findtext("backingStore/path") or "")'
}

path_of() {
	vol_xml "$1" | python3 -c '
import sys, xml.etree.ElementTree as ET
print(ET.fromstring(sys.stdin.read()).findtext("target/path") or "")'
}

e2e_run -c "$R" create "$SRC" "${C[@]}" --disk size=1 --network user --boot "$BOOT"
e2e_check "create SRC on the remote host (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_run -c "$R" destroy "$SRC"

e2e_run -c "$R" clone "$SRC" "${SRC}s" --sysprep
e2e_check "--sysprep on a remote host is refused: exit 2, one line" \
	eval '[ "$RC" -eq 2 ] && [ "$(printf "%s\n" "$ERR" | wc -l)" -eq 1 ] && grep -qF "on this machine" <<<"$ERR"'

e2e_run -c "$R" clone "$SRC" "${SRC}f"
e2e_check "full clone on the remote host (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "... its volume is there, in pool 'default'" [ -n "$(vol_xml "${SRC}f.qcow2")" ]
e2e_check "... and not here" bash -c "! virsh -q dominfo '${SRC}f' >/dev/null 2>&1"
virsh -q -c "$R" vol-download --pool default "$SRC.qcow2" "$E2E_TMP/src.qcow2" &&
	virsh -q -c "$R" vol-download --pool default "${SRC}f.qcow2" "$E2E_TMP/full.qcow2"
e2e_check "... with SRC's guest content" qemu-img compare -q "$E2E_TMP/src.qcow2" "$E2E_TMP/full.qcow2"
e2e_run -c "$R" start "${SRC}f"
e2e_check "... and it boots there (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "... its console answers over the remote connection" e2e_console_answers "$R" "${SRC}f" RC
e2e_run -c "$R" destroy "${SRC}f"

e2e_run -c "$R" clone "$SRC" "${SRC}l" --linked
e2e_check "linked clone on the remote host (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "... an overlay on SRC's volume" [ "$(backing_of "${SRC}l.qcow2")" = "$(path_of "$SRC.qcow2")" ]
e2e_run -c "$R" delete "$SRC"
e2e_check "SRC's delete refused, naming the linked clone" \
	eval '[ "$RC" -eq 1 ] && grep -qF "'"'${SRC}l'"'" <<<"$ERR"'
e2e_run -c "$R" delete "${SRC}l"
e2e_run -c "$R" delete "$SRC"
e2e_check "then SRC goes (rc=$RC: $ERR)" [ "$RC" -eq 0 ]

# an overlay on a base image: streamed, the backing store kept
virsh -q -c "$R" vol-create-as default "${E2E_PREFIX}rbase.qcow2" 64M --format qcow2 >/dev/null
e2e_run -c "$R" create "${SRC}o" "${C[@]}" --disk "backing_store=default/${E2E_PREFIX}rbase.qcow2" \
	--network none --boot "$BOOT"
e2e_check "create a VM on a base image there (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_run -c "$R" destroy "${SRC}o"
e2e_run -c "$R" clone "${SRC}o" "${SRC}oc"
e2e_check "full clone of it (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "... keeps the base as its backing store" \
	[ "$(backing_of "${SRC}oc.qcow2")" = "$(path_of "${E2E_PREFIX}rbase.qcow2")" ]
virsh -q -c "$R" vol-download --pool default "${SRC}o.qcow2" "$E2E_TMP/o.qcow2" &&
	virsh -q -c "$R" vol-download --pool default "${SRC}oc.qcow2" "$E2E_TMP/oc.qcow2"
e2e_check "... byte for byte the same file" cmp -s "$E2E_TMP/o.qcow2" "$E2E_TMP/oc.qcow2"
e2e_run -c "$R" delete "${SRC}oc"
e2e_run -c "$R" delete "${SRC}o"
virsh -q -c "$R" vol-delete --pool default "${E2E_PREFIX}rbase.qcow2" >/dev/null 2>&1

e2e_finish
