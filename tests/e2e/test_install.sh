#!/bin/bash
# tests/e2e/test_install.sh — the real Debian 12 installer over HTTP: a
# local server on 127.0.0.1 serves the netboot tree in a Debian mirror's
# layout; vprov recognises it, fetches and verifies its kernel and initrd,
# uploads them into a pool and boots them in an install run that ends at
# the installer's reboot, after which the VM boots its disk.  A second
# create from the same tree transfers no body bytes (counted by the server).
. "$(dirname "$0")/lib.sh"

export XDG_CACHE_HOME=$E2E_TMP/cache
VM=${E2E_PREFIX}deb
NB=/debian/dists/bookworm/main/installer-amd64/current/images/netboot/debian-installer/amd64
LOG=/var/log/libvirt/qemu
path=$(e2e_debian_mirror "$E2E_TMP/www")
e2e_http_serve "$E2E_TMP/www"
LOC="$E2E_HTTP/$path"
KSIZE=$(stat -c %s "$E2E_DI_KERNEL")
ISIZE=$(stat -c %s "$E2E_DI_INITRD")

# a dry run recognises the tree, says what it would do, fetches no kernel
e2e_run create "$VM" --location "$LOC" --graphics none --disk size=4 --network none --dry-run
e2e_check "a dry run with --location exits 0 (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "... recognises Debian 12 and chooses its profile" \
	grep -q "Debian 12 (bookworm).*using OS profile 'debian12'" <<<"$ERR"
e2e_check "... plans the download first" grep -q "^would download the installer's kernel" <<<"$(head -n 1 <<<"$OUT")"
e2e_check "... then the uploads" grep -q "upload the installer's initrd into volume '${VM}-install-initrd'" <<<"$OUT"
e2e_check "... and the install run" grep -q "start VM '$VM' for its install run" <<<"$OUT"
e2e_check "... and downloads no kernel (server: $(e2e_http_bytes $NB/linux) bytes)" \
	[ "$(e2e_http_bytes $NB/linux)" -eq 0 ]

# the install run
e2e_run create "$VM" --os debian12 --location "$LOC" --graphics none --disk size=4 \
	--network none --noautoconsole
e2e_check "create --location exits 0 (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "the installer's first dialog appears on the serial console" \
	e2e_wait_log "$LOG/$VM-console.log" "$E2E_DI_FIRST" 360
e2e_check "the server sent the kernel and the initrd once" \
	[ "$(e2e_http_bytes $NB/linux)" -eq "$KSIZE" -a "$(e2e_http_bytes $NB/initrd.gz)" -eq "$ISIZE" ]
live=$(virsh -q dumpxml "$VM")
final=$(virsh -q dumpxml --inactive "$VM")
e2e_check "the install run boots the uploaded kernel" grep -q "<kernel>.*/${VM}-install-kernel</kernel>" <<<"$live"
e2e_check "... with the mirror's and the console's arguments" \
	grep -q '<cmdline>mirror/country=manual.*console=ttyS0,115200n8</cmdline>' <<<"$live"
e2e_check "... and ends at the installer's reboot (on_reboot destroy)" \
	grep -q '<on_reboot>destroy</on_reboot>' <<<"$live"
e2e_check "the definition is the final VM: it boots its disk" grep -q "<boot dev='hd'/>" <<<"$final"
e2e_check "... with no kernel of the installer" bash -c '! grep -q "<kernel>" <<<"$0"' "$final"
e2e_check "... and restarts when it reboots" grep -q '<on_reboot>restart</on_reboot>' <<<"$final"
e2e_check "kernel and initrd are volumes on the host" \
	bash -c "virsh -q vol-info --pool default ${VM}-install-kernel >/dev/null && virsh -q vol-info --pool default ${VM}-install-initrd >/dev/null"
e2e_check "the uploaded kernel is the tree's, byte for byte" \
	cmp -s "$E2E_DI_KERNEL" "$(virsh -q vol-path --pool default ${VM}-install-kernel)"

# the installer reboots (a reset): the install run ends, the VM stays
virsh -q reset "$VM" >/dev/null
i=0; while [ "$(e2e_state "$VM")" != "shut off" ] && [ $i -lt 100 ]; do sleep 0.2; i=$((i + 1)); done
e2e_check "the installer's reboot powers the install run off (state: $(e2e_state "$VM"))" \
	[ "$(e2e_state "$VM")" = "shut off" ]
e2e_run start "$VM"
e2e_check "vprov start then boots the disk (an empty one: the firmware says so)" \
	e2e_wait_log "$LOG/$VM-console.log" "Booting from Hard Disk|No bootable device" 60

# a second VM from the same tree: the cache answers, --wait (longer than the
# dialog wait below, as for --noreboot) starts the
# final VM once the install run ends
"$VPROV" create "${VM}2" --os debian12 --location "$LOC" --graphics none --disk size=4 \
	--network none --wait 1200 >"$E2E_TMP/out2" 2>"$E2E_TMP/err2" &
pid=$!
if e2e_wait_log "$LOG/${VM}2-console.log" "$E2E_DI_FIRST" 360; then
	e2e_ok "the second VM's installer runs"
else
	e2e_fail "the second VM's installer never showed its first dialog"
fi
e2e_check "the second create transferred no body bytes (the cache revalidated)" \
	[ "$(e2e_http_bytes $NB/linux)" -eq "$KSIZE" -a "$(e2e_http_bytes $NB/initrd.gz)" -eq "$ISIZE" ]
virsh -q reset "${VM}2" >/dev/null
wait "$pid"
RC=$?
e2e_check "create --wait returns once the install run ended (rc=$RC: $(cat "$E2E_TMP/err2"))" [ "$RC" -eq 0 ]
e2e_check "... and started the VM from its disks" \
	bash -c "grep -q 'started it from its disks' '$E2E_TMP/out2' && [ \"\$(virsh -q domstate '${VM}2')\" = running ]"

# --noreboot: the install run's end leaves the VM off.  --wait must outlast
# the wait for the installer's first dialog below (the reset that ends the
# run comes after it): CI once saw the dialog come after --wait 300 had
# expired, on a host loaded far beyond its two cores
"$VPROV" create "${VM}3" --os debian12 --location "$LOC" --graphics none --disk size=4 \
	--network none --wait 1200 --noreboot >"$E2E_TMP/out3" 2>"$E2E_TMP/err3" &
pid=$!
if e2e_wait_log "$LOG/${VM}3-console.log" "$E2E_DI_FIRST" 360; then
	e2e_ok "--noreboot: the installer runs"
else
	e2e_fail "--noreboot: the installer never showed its first dialog"
fi
virsh -q reset "${VM}3" >/dev/null
wait "$pid"
RC=$?
e2e_check "--noreboot: create --wait returns once the install run ended (rc=$RC: $(cat "$E2E_TMP/err3"))" [ "$RC" -eq 0 ]
e2e_check "--noreboot: ... and left the VM off, saying so ($(e2e_state "${VM}3"))" \
	bash -c "grep -q 'stays off (--noreboot)' '$E2E_TMP/out3' && [ \"\$(virsh -q domstate '${VM}3')\" = 'shut off' ]"
e2e_run delete "${VM}3"

# the seed's own virt-install line, as typed but for the mirror's host (this
# machine reaches no archive): an Ubuntu focal mirror's legacy netboot
# layout, served here with the Debian installer's files in it
U=$E2E_TMP/www/ubuntu/dists/focal/main/installer-amd64/current/legacy-images
mkdir -p "$U/netboot/ubuntu-installer/amd64"
cp "$E2E_DI_KERNEL" "$E2E_DI_INITRD" "$U/netboot/ubuntu-installer/amd64/"
(cd "$U" && sha256sum ./netboot/ubuntu-installer/amd64/linux ./netboot/ubuntu-installer/amd64/initrd.gz >SHA256SUMS)
printf '%s\n' "netboot/ubuntu-installer/amd64/initrd.gz -- initrd for netboot install" \
	"netboot/ubuntu-installer/amd64/linux -- kernel for netboot install" >"$U/MANIFEST"
e2e_run create --name ubuntu20 --ram 2048 \
	--disk path=/var/lib/libvirt/images/ubuntu20.qcow2,size=10 --vcpus 2 \
	--os-type linux --os-variant ubuntu20.04 --network bridge=virbr0 \
	--graphics none --console pty,target_type=serial \
	--location "$E2E_HTTP/ubuntu/dists/focal/main/installer-amd64/" \
	--extra-args 'console=ttyS0,115200n8 serial' --dry-run --json
e2e_check "the seed's virt-install line is taken as typed (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "... recognises Ubuntu 20.04 (focal)" grep -q "Ubuntu 20.04 (focal)" <<<"$ERR"
e2e_check "... and keeps the user's console argument, adding none" \
	python3 -c 'import json,sys; a=json.loads(sys.argv[1])["install_run"]["kernel_args"]; assert a.endswith("console=ttyS0,115200n8 serial") and a.count("console=")==1, a' "$OUT"

# delete removes what the install uploaded
e2e_run delete "$VM"
e2e_run delete "${VM}2"
e2e_check "delete removes the installer's volumes" [ -z "$(e2e_vols_named "${VM}")" ]

e2e_finish
