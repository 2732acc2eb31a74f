#!/bin/bash
# tests/e2e/test_inject.sh — vprov inject on the real Debian 12 cloud image
# (scripts/test-image.sh), under TCG, on qcow2 overlays of it:
#   1. --serial-console: a boot of the injected copy prints its login prompt
#      on the serial console (console=ttyS0 made it the console), while a
#      copy without it, booted at the same time, prints nothing of the
#      kernel or getty there (only what a first-boot command writes to
#      /dev/ttyS0, which proves that it booted as far);
#   2. every other edit, checked inside the image afterwards (guestfish):
#      hostname, mkdir + write + chmod in command-line order, the SSH key,
#      root's password as a $6$ hash (the clear text nowhere in the image),
#      the first-boot command (and it runs at boot), sysprep, then a NoCloud
#      seed (after sysprep, which would remove it: order across options);
#   3. an edit failing in the middle: exit 1, the error names it and the
#      edits applied before it (which stay: a generated root password among
#      them is printed anyway, and is what the guest's hash is of), the
#      edits after it are not made;
#   4. refusals (a running VM, its disk, no disk, a disk that does not
#      exist, bad values): one line, non-zero, before any appliance starts.
# Appliance launches: three vprov inject and one guestfish; two boots, side
# by side.
#
#   bash tests/e2e/test_inject.sh build/vprov

# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

BASE=$("$E2E_ROOT/scripts/test-image.sh") || {
	echo "test_inject: no test image (scripts/test-image.sh failed)" >&2
	exit 1
}
chmod 755 "$E2E_TMP" # QEMU (libvirt-qemu) opens the overlays in it
C1=$E2E_TMP/c1.qcow2 # --serial-console, then the failing edit
C2=$E2E_TMP/c2.qcow2 # everything else
for c in "$C1" "$C2"; do
	qemu-img create -q -f qcow2 -b "$BASE" -F qcow2 "$c" || { e2e_fail "qemu-img create $c"; e2e_finish; }
done
ssh-keygen -q -t ed25519 -N '' -C "vprov-e2e@test" -f "$E2E_TMP/key" </dev/null >/dev/null
PW='e2e Pa55 "word" $x'
printf '%s\n' "$PW" >"$E2E_TMP/pw"
chmod 600 "$E2E_TMP/pw"
MARK=VPROV-FIRSTBOOT-RAN
VM1=${E2E_PREFIX}sc
VM2=${E2E_PREFIX}plain

# one_line: besides the progress note about the appliance, stderr is a
# single line starting with "vprov inject:"
one_line() {
	local e
	e=$(grep -v '^vprov inject: launching the libguestfs appliance' <<<"$ERR")
	[ "$(printf '%s\n' "$e" | wc -l)" -eq 1 ] && [[ $e == "vprov inject: "* ]]
}

# ---- 4a. bad input, before any appliance ------------------------------------
e2e_run inject --hostname h
e2e_check "no disk: exit 2" [ "$RC" -eq 2 ]
e2e_check "no disk: one line naming --disk" eval 'one_line && grep -q -- "--disk" <<<"$ERR"'
e2e_run inject --disk "$E2E_TMP/nonexistent.qcow2" --hostname h
e2e_check "a disk that does not exist: exit 2" [ "$RC" -eq 2 ]
e2e_check "a disk that does not exist: one line naming it" \
	eval 'one_line && grep -qF "$E2E_TMP/nonexistent.qcow2" <<<"$ERR"'
e2e_run inject --disk "$C1" --chmod 999:/x
e2e_check "--chmod 999: exit 2, one line" eval '[ "$RC" -eq 2 ] && one_line'
e2e_run inject "${E2E_PREFIX}nosuch" --hostname h
e2e_check "an unknown VM: exit 2, one line" eval '[ "$RC" -eq 2 ] && one_line'

# --dry-run: the plan, nothing changed (the overlay's bytes stay)
sum0=$(sha256sum <"$C1")
e2e_run inject --disk "$C1" --hostname h0 --serial-console --dry-run
e2e_check "--dry-run exits 0" [ "$RC" -eq 0 ]
e2e_check "--dry-run lists the disk and the edits in order" \
	eval 'grep -qF "disk $C1" <<<"$OUT" && grep -qx "  1. --hostname h0" <<<"$OUT" &&
	      grep -qx "  2. --serial-console ttyS0,115200n8" <<<"$OUT"'
e2e_check "--dry-run changed nothing" [ "$(sha256sum <"$C1")" = "$sum0" ]

# ---- 1. --serial-console ----------------------------------------------------
e2e_run inject --disk "$C1" --serial-console
e2e_check "inject --serial-console exits 0" [ "$RC" -eq 0 ]
[ "$RC" -eq 0 ] || echo "$ERR" >&2
e2e_check "it says what it did" grep -q "applied 1 edit to" <<<"$OUT"

# ---- 3. a failing edit in the middle (same disk, second launch) -------------
e2e_run inject --disk "$C1" --hostname h2 --root-password random --chmod 0600:/no/such/file --mkdir /y
e2e_check "a failing edit: exit 1" [ "$RC" -eq 1 ]
e2e_check "a failing edit: one line" one_line
e2e_check "the error names the failing edit" grep -qF "'--chmod 0600:/no/such/file' failed" <<<"$ERR"
e2e_check "the error names what was applied before it" \
	grep -qF "applied before it: --hostname h2, --root-password" <<<"$ERR"
# the generated password went in before the failure: it is shown anyway, once
GENPW=$(sed -n 's/^root password: //p' <<<"$OUT")
e2e_check "the generated root password is printed once" \
	eval '[ "$(grep -c "^root password: " <<<"$OUT")" -eq 1 ] && [[ $GENPW =~ ^[A-Za-z0-9]{16}$ ]]'
e2e_check "the generated password is not on stderr" eval '! grep -qF "$GENPW" <<<"$ERR"'
e2e_check "the error does not claim the edit after it" eval '! grep -q -- "--mkdir" <<<"$ERR"'
echo "  (the error: $ERR)"

# ---- 2. everything else, on the second copy ---------------------------------
e2e_run inject --disk "$C2" --hostname h1 --mkdir /opt/a --write /opt/a/f:hello \
	--chmod 0600:/opt/a/f --ssh-inject "root:file:$E2E_TMP/key.pub" \
	--root-password "file:$E2E_TMP/pw" --firstboot-command 'touch /x' \
	--firstboot-command "echo $MARK >/dev/ttyS0" --sysprep \
	--nocloud-seed "root-ssh-key=$E2E_TMP/key.pub,instance-id=iid-e2e"
e2e_check "inject with every edit exits 0" [ "$RC" -eq 0 ]
[ "$RC" -eq 0 ] || echo "$ERR" >&2
e2e_check "it counts ten edits" grep -q "applied 10 edits" <<<"$OUT"
e2e_check "no password is printed for file:" eval '! grep -q "password" <<<"$OUT"'

# Both disks read in one guestfish launch (the checking tool only is told
# to use TCG; vprov chose it by itself).  c2's root is /dev/sda1, c1's is
# mounted on /mnt (both are overlays of one image: same file system UUID,
# so they are mounted by device).
LIBGUESTFS_BACKEND=direct LIBGUESTFS_BACKEND_SETTINGS=force_tcg \
	guestfish --ro -a "$C2" -a "$C1" -m /dev/sda1 -m /dev/sdb1:/mnt >"$E2E_TMP/gf" 2>&1 <<'EOF'
echo ==hostname
cat /etc/hostname
echo ==hosts
cat /etc/hosts
echo ==stat
stat /opt/a/f
echo ==f
cat /opt/a/f
echo ==keys
cat /root/.ssh/authorized_keys
echo ==sshdir
stat /root/.ssh
echo ==shadow
cat /etc/shadow
echo ==firstboot
cat /usr/lib/vprov-firstboot/scripts/0001-command
cat /usr/lib/vprov-firstboot/scripts/0002-command
is-symlink /etc/systemd/system/multi-user.target.wants/vprov-firstboot.service
echo ==machine-id
filesize /etc/machine-id
echo ==hostkeys
glob-expand /etc/ssh/ssh_host_*
echo ==cloud
ls /var/lib/cloud
echo ==seed
ls /var/lib/cloud/seed/nocloud
echo ==seed-meta
cat /var/lib/cloud/seed/nocloud/meta-data
echo ==seed-user
cat /var/lib/cloud/seed/nocloud/user-data
echo ==seed-stat
stat /var/lib/cloud/seed/nocloud/user-data
echo ==seed-dir
stat /var/lib/cloud/seed/nocloud
echo ==c1-hostname
cat /mnt/etc/hostname
echo ==c1-y
exists /mnt/y
echo ==c1-shadow
cat /mnt/etc/shadow
echo ==c1-grub-default
cat /mnt/etc/default/grub
echo ==c1-grub-cfg
cat /mnt/boot/grub/grub.cfg
echo ==end
EOF
e2e_check "guestfish read both disks" grep -q "^==end" "$E2E_TMP/gf"
# section NAME: the lines guestfish printed under ==NAME
section() { awk -v s="==$1" '$0 == s { on = 1; next } /^==/ { on = 0 } on' "$E2E_TMP/gf"; }
e2e_check "hostname h1" [ "$(section hostname)" = h1 ]
e2e_check "/etc/hosts names h1" grep -qP '^127\.0\.1\.1\th1$' <(section hosts)
e2e_check "/opt/a/f holds exactly 'hello'" [ "$(section f)" = hello ]
e2e_check "/opt/a/f has mode 0600 (chmod after write, in order)" grep -qE '^mode: 33152$' <(section stat)
e2e_check "the SSH key is in root's authorized_keys" grep -qxF "$(cat "$E2E_TMP/key.pub")" <(section keys)
e2e_check "/root/.ssh has mode 0700" grep -qE '^mode: 16832$' <(section sshdir)
hash=$(section shadow | awk -F: '$1 == "root" { print $2 }')
e2e_check "root's shadow entry is a SHA-512 crypt hash" grep -qE '^\$6\$[./A-Za-z0-9]{16}\$[./A-Za-z0-9]{86}$' <<<"$hash"
e2e_check "the hash is of the password in the file" \
	python3 -W ignore -c 'import crypt, sys; sys.exit(crypt.crypt(sys.argv[1], sys.argv[2]) != sys.argv[2])' "$PW" "$hash"
e2e_check "the clear password is nowhere in shadow" eval '! section shadow | grep -qF "e2e Pa55"'
e2e_check "first-boot command 1 is 'touch /x'" grep -qx 'touch /x' <(section firstboot)
e2e_check "first-boot command 2 is the marker" grep -qx "echo $MARK >/dev/ttyS0" <(section firstboot)
e2e_check "the first-boot unit is enabled" grep -qx true <(section firstboot)
e2e_check "sysprep: /etc/machine-id is empty" [ "$(section machine-id)" = 0 ]
e2e_check "sysprep: no SSH host keys" [ -z "$(section hostkeys)" ]
e2e_check "sysprep removed cloud-init's state (the seed after it is all there is)" [ "$(section cloud)" = seed ]
e2e_check "nocloud-seed: user-data and meta-data" [ "$(section seed | tr '\n' ' ')" = "meta-data user-data " ]
e2e_check "nocloud-seed: meta-data has the instance id and the host name" \
	eval 'section seed-meta | grep -q "iid-e2e" && section seed-meta | grep -q "h1"'
e2e_check "nocloud-seed: user-data has root's key" grep -qF "$(cut -d' ' -f2 "$E2E_TMP/key.pub")" <(section seed-user)
e2e_check "nocloud-seed: the files are 0600, the directory 0700" \
	eval 'grep -qE "^mode: 33152$" <(section seed-stat) && grep -qE "^mode: 16832$" <(section seed-dir)'
e2e_check "failed run: --hostname h2 before the failure stayed" [ "$(section c1-hostname)" = h2 ]
e2e_check "failed run: --mkdir /y after the failure was not made" [ "$(section c1-y)" = false ]
hash1=$(section c1-shadow | awk -F: '$1 == "root" { print $2 }')
e2e_check "failed run: root's hash is of the generated password that was printed" \
	python3 -W ignore -c 'import crypt, sys; sys.exit(not sys.argv[2].startswith("$6$") or crypt.crypt(sys.argv[1], sys.argv[2]) != sys.argv[2])' "$GENPW" "$hash1"
e2e_check "/etc/default/grub: console on GRUB_CMDLINE_LINUX" \
	grep -qE '^GRUB_CMDLINE_LINUX=".*console=ttyS0,115200n8"$' <(section c1-grub-default)
e2e_check "/etc/default/grub: serial terminal" grep -qx 'GRUB_TERMINAL="serial console"' <(section c1-grub-default)
e2e_check "grub.cfg: every linux line has the console once" eval \
	'[ "$(section c1-grub-cfg | grep -cE "^\s*linux\s")" -gt 0 ] &&
	 [ "$(section c1-grub-cfg | grep -E "^\s*linux\s" | grep -vcE "console=ttyS0,115200n8$")" -eq 0 ] &&
	 [ "$(section c1-grub-cfg | grep -o "console=ttyS0" | wc -l)" = "$(section c1-grub-cfg | grep -cE "^\s*linux\s")" ]'

# ---- 1 (boot) and 4 (running refusals) --------------------------------------
for v in "$VM1:$C1" "$VM2:$C2"; do
	e2e_run create "${v%%:*}" --disk "path=${v#*:}" --import --network none --graphics none \
		--memory 512 --noautoconsole
	e2e_check "create ${v%%:*}" [ "$RC" -eq 0 ]
	[ "$RC" -eq 0 ] || echo "$ERR" >&2
done

e2e_run inject "$VM1" --hostname h3
e2e_check "a running VM is refused (exit 2)" [ "$RC" -eq 2 ]
e2e_check "a running VM: one line saying so" eval 'one_line && grep -qF "VM '"'$VM1'"' is running" <<<"$ERR"'
e2e_run inject --disk "$C1" --hostname h3
e2e_check "a running VM's disk is refused (exit 2)" [ "$RC" -eq 2 ]
e2e_check "a running VM's disk: one line naming the VM" eval 'one_line && grep -qF "in use by running VM '"'$VM1'"'" <<<"$ERR"'
e2e_run inject --disk "$BASE" --hostname h3
e2e_check "a base image under running VMs is refused" eval '[ "$RC" -eq 2 ] && grep -qF "in use by running VM" <<<"$ERR"'

# log_has VM PATTERN: the VM's console log shows PATTERN (grep -E)
log_has() { "$VPROV" console "$1" --log 2>/dev/null | tr -d '\r' | grep -qE "$2"; }
wait_both() {
	local i
	# two TCG guests at once, beside other tests: minutes on a loaded machine
	for ((i = 0; i < 720; i++)); do
		log_has "$VM1" 'login:' && log_has "$VM2" "$MARK" && return 0
		sleep 1
	done
	return 1
}
e2e_check "both guests booted (login prompt on $VM1, first-boot marker on $VM2)" wait_both
e2e_check "with --serial-console: the getty on ttyS0 greets as h2" log_has "$VM1" 'h2 login:'
e2e_check "with --serial-console: ttyS0 is the console (getty banner)" log_has "$VM1" 'Debian GNU/Linux 12 h2 ttyS0'
e2e_check "without it: the guest booted and ran its first-boot commands" log_has "$VM2" "$MARK"
e2e_check "without it: no login prompt on the serial console" eval '! log_has "$VM2" "login:"'
e2e_check "without it: no kernel messages on the serial console" eval '! log_has "$VM2" "Linux version|Kernel command line|systemd\[1\]"'
for v in "$VM1" "$VM2"; do
	"$VPROV" destroy "$v" >/dev/null 2>&1
	"$VPROV" delete "$v" >/dev/null 2>&1
done
e2e_check "the overlays were not deleted with the VMs" eval '[ -f "$C1" ] && [ -f "$C2" ]'

e2e_finish
