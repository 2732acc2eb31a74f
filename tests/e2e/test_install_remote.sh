#!/bin/bash
# tests/e2e/test_install_remote.sh — --location against a remote host (the
# second libvirtd on 127.0.0.2): the client fetches the installer, uploads
# kernel and initrd into the remote host's pool through libvirt streams,
# the installer boots there, and delete removes both volumes.
. "$(dirname "$0")/lib.sh"

export XDG_CACHE_HOME=$E2E_TMP/cache
R=$E2E_R
VM=${E2E_PREFIX}rin

e2e_second_host

path=$(e2e_debian_mirror "$E2E_TMP/www")
e2e_http_serve "$E2E_TMP/www"
e2e_run -c "$R" create "$VM" --os debian12 --location "$E2E_HTTP/$path" --graphics none \
	--disk size=2 --network none --noautoconsole
e2e_check "create --location on the remote host exits 0 (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "kernel and initrd are volumes in the remote host's pool" \
	bash -c "virsh -q -c '$R' vol-info --pool default '${VM}-install-kernel' >/dev/null && virsh -q -c '$R' vol-info --pool default '${VM}-install-initrd' >/dev/null"
e2e_check "... and not on this host" [ -z "$(e2e_vols_named "$VM")" ]
kpath=$(virsh -q -c "$R" vol-path --pool default "${VM}-install-kernel")
e2e_check "the remote host boots that kernel" \
	bash -c "virsh -q -c '$R' dumpxml '$VM' | grep -qF '<kernel>$kpath</kernel>'"
# the second host keeps its /var/log/libvirt here (scripts/libvirtd-second-host.sh)
HOSTB_LOG=${VPROV_HOSTB_DIR:-/var/tmp/vprov-hostB}/log/qemu/$VM-console.log
e2e_check "the installer's first dialog appears on the remote guest's console" \
	e2e_wait_log "$HOSTB_LOG" "$E2E_DI_FIRST" 480
# a local ISO for a remote host: uploaded into its pool, removed with the VM
mkdir -p "$E2E_TMP/iso"
echo 'not bootable' >"$E2E_TMP/iso/README"
xorriso -as mkisofs -quiet -R -V INST -o "$E2E_TMP/inst.iso" "$E2E_TMP/iso" 2>/dev/null
e2e_run -c "$R" create "${VM}cd" --cdrom "$E2E_TMP/inst.iso" --graphics none --disk size=1 \
	--network none --noautoconsole
e2e_check "create --cdrom FILE on the remote host exits 0 (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "... the ISO is a volume there" \
	virsh -q -c "$R" vol-info --pool default "${VM}cd-install.iso"
e2e_run -c "$R" delete "${VM}cd"
e2e_check "... which delete removes" \
	bash -c "! virsh -q -c '$R' vol-info --pool default '${VM}cd-install.iso' >/dev/null 2>&1"
e2e_run -c "$R" delete "$VM"
e2e_check "delete removes them there (rc=$RC: $ERR)" \
	bash -c "[ -z \"\$(virsh -q -c '$R' vol-list default | awk '{print \$1}' | grep '^$VM')\" ]"
e2e_finish
