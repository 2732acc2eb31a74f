#!/bin/bash
# tests/e2e/test_install_media.sh — the Debian 12 installer from a local
# directory and from an ISO image the test builds (read in-process, the
# ISO attached while installing), and with files injected into its initrd:
# a preseed.cfg the installer acts on, and --unattended's own script.
. "$(dirname "$0")/lib.sh"

export XDG_CACHE_HOME=$E2E_TMP/cache
LOG=/var/log/libvirt/qemu
VM=${E2E_PREFIX}med
COMMON=(--os debian12 --graphics none --disk size=4 --network none --noautoconsole)

# the directory the package installs (debian-installer/amd64/linux ...)
e2e_run create "${VM}dir" --location "$E2E_DI" "${COMMON[@]}"
e2e_check "create --location DIR exits 0 (rc=$RC: $ERR)" [ "$RC" -eq 0 ]

# an ISO in a netinst's layout, where QEMU (another user) can read it
chmod 755 "$E2E_TMP"
mkdir -p "$E2E_TMP/iso/install.amd" "$E2E_TMP/iso/.disk"
cp "$E2E_DI_KERNEL" "$E2E_TMP/iso/install.amd/vmlinuz"
cp "$E2E_DI_INITRD" "$E2E_TMP/iso/install.amd/initrd.gz"
echo 'Debian GNU/Linux 12.0.0 "Bookworm" - Official amd64 NETINST with firmware' >"$E2E_TMP/iso/.disk/info"
xorriso -as mkisofs -quiet -R -J -V "Debian 12.0.0 amd64 n" -o "$E2E_TMP/deb.iso" "$E2E_TMP/iso" 2>/dev/null
e2e_run create "${VM}iso" --location "$E2E_TMP/deb.iso" "${COMMON[@]}"
e2e_check "create --location ISO exits 0 (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "... and attaches the ISO while installing" \
	bash -c "virsh -q dumpxml '${VM}iso' | grep -q \"<source file='$E2E_TMP/deb.iso'\""
e2e_check "... and ejects it in the definition" \
	bash -c "! virsh -q dumpxml --inactive '${VM}iso' | grep -q 'deb.iso'"

# --cdrom: the ISO first, then the disks (this ISO has no boot loader: the
# firmware says it tried it); a URL is downloaded and uploaded into the pool
e2e_run create "${VM}cd" --cdrom "$E2E_TMP/deb.iso" "${COMMON[@]}"
e2e_check "create --cdrom PATH exits 0 (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "... the install run boots the ISO first" \
	e2e_wait_log "$LOG/${VM}cd-console.log" "Booting from DVD/CD" 120
e2e_check "... and the definition boots the disk, the ISO ejected" \
	bash -c "x=\$(virsh -q dumpxml --inactive '${VM}cd'); grep -q \"<boot dev='hd'/>\" <<<\"\$x\" && ! grep -q 'deb.iso' <<<\"\$x\""
mkdir -p "$E2E_TMP/www"
cp "$E2E_TMP/deb.iso" "$E2E_TMP/www/"
e2e_http_serve "$E2E_TMP/www"
e2e_run create "${VM}cdu" --cdrom "$E2E_HTTP/deb.iso" "${COMMON[@]}"
e2e_check "create --cdrom URL exits 0 (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "... the ISO was uploaded into the pool, byte for byte" \
	cmp -s "$E2E_TMP/deb.iso" "$(virsh -q vol-path --pool default "${VM}cdu-install.iso" 2>/dev/null)"
e2e_check "... and the install run boots it" \
	bash -c "virsh -q dumpxml '${VM}cdu' | grep -q \"source file='.*${VM}cdu-install.iso'\""

# a preseed that answers the first questions
cat >"$E2E_TMP/preseed.cfg" <<'EOT'
d-i debian-installer/locale string en_US.UTF-8
d-i debian-installer/language string en
d-i debian-installer/country string US
d-i keyboard-configuration/xkb-keymap select us
d-i netcfg/enable boolean false
d-i hw-detect/load_firmware boolean false
EOT
e2e_run create "${VM}pre" --location "$E2E_DI" --initrd-inject "$E2E_TMP/preseed.cfg" "${COMMON[@]}"
e2e_check "create --initrd-inject exits 0 (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
vol=$(virsh -q vol-path --pool default "${VM}pre-install-initrd" 2>/dev/null)
osize=$(stat -c %s "$E2E_DI_INITRD")
e2e_check "the initrd the guest boots is the installer's, then an archive holding preseed.cfg" \
	bash -c "cmp -s -n $osize '$E2E_DI_INITRD' '$vol' && tail -c +\$(( ($osize + 3) / 4 * 4 + 1 )) '$vol' | gzip -dc | cpio -t 2>/dev/null | grep -qx preseed.cfg"

# --unattended: osinfo-db's preseed, the root password from a file and
# only its SHA-512 hash anywhere
PW="vp-$RANDOM-secret-$RANDOM"
printf '%s\n' "$PW" >"$E2E_TMP/pw"
chmod 600 "$E2E_TMP/pw"
e2e_run create "${VM}una" --location "$E2E_DI" --unattended "admin-password-file=$E2E_TMP/pw" "${COMMON[@]}"
e2e_check "create --unattended exits 0 (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
uvol=$(virsh -q vol-path --pool default "${VM}una-install-initrd" 2>/dev/null)
tail -c +$(( ($osize + 3) / 4 * 4 + 1 )) "$uvol" | gzip -dc >"$E2E_TMP/una.cpio" 2>/dev/null
e2e_check "the installer's initrd holds the rendered preseed.cfg" \
	bash -c "cpio -t <'$E2E_TMP/una.cpio' 2>/dev/null | grep -qx preseed.cfg"
(cd "$E2E_TMP" && mkdir -p una && cd una && cpio -id --quiet <"$E2E_TMP/una.cpio" 2>/dev/null)
e2e_check "... with the root password as a SHA-512 crypt hash" \
	grep -q 'passwd/root-password-crypted password \$6\$' "$E2E_TMP/una/preseed.cfg"
nowhere() { # TEXT: the password is not in it
	! grep -qF -- "$PW" <<<"$1"
}
e2e_check "the password is not in the initrd" bash -c '! grep -aqF -- "$0" "$1"' "$PW" "$E2E_TMP/una.cpio"
e2e_check "... nor in the domain" nowhere "$(virsh -q dumpxml "${VM}una")"
e2e_check "... nor in what vprov printed" nowhere "$OUT$ERR"
e2e_check "... nor in the journal" nowhere "$(cat "$XDG_STATE_HOME"/vprov/journal/*/* 2>/dev/null)"
e2e_check "the install run passes the script's kernel arguments" \
	bash -c "virsh -q dumpxml '${VM}una' | grep -q '<cmdline>.*priority=critical.*console=ttyS0'"

for v in dir iso; do
	e2e_check "the installer's first dialog appears ($v)" \
		e2e_wait_log "$LOG/${VM}$v-console.log" "$E2E_DI_FIRST" 480
done
e2e_check "with the preseed the installer skips the language, country and keyboard dialogs" \
	e2e_wait_log "$LOG/${VM}pre-console.log" '\[!+\] (Detect network hardware|Configure the network|Set up users|Root password|Partition|Detect disks|Choose a mirror|Select your time zone|Load installer components)' 600
e2e_check "... and never shows the language dialog" \
	bash -c "! grep -qE '$E2E_DI_FIRST' '$LOG/${VM}pre-console.log'"

e2e_check "with --unattended the installer asks no language question, and goes on to a later stage" \
	bash -c "for i in \$(seq 300); do grep -qP '\\[!+\\] (?!Select a language)' '$LOG/${VM}una-console.log' 2>/dev/null && exit 0; sleep 2; done; exit 1"
e2e_check "... and never shows the language dialog" \
	bash -c "! grep -qE '$E2E_DI_FIRST' '$LOG/${VM}una-console.log'"
e2e_check "the console shows no password either" nowhere "$(cat "$LOG/${VM}una-console.log")"

for v in dir iso pre una cd cdu; do
	"$VPROV" delete "${VM}$v" >/dev/null 2>&1
done
e2e_check "delete removes the installer's volumes" [ -z "$(e2e_vols_named "${VM}")" ]
e2e_finish
