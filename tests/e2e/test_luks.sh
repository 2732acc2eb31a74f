#!/bin/bash
# tests/e2e/test_luks.sh — LUKS-encrypted disks on the real libvirtd:
# `--disk size=1,encryption=luks[,secret-file=F]` makes a qcow2 whose data
# QEMU encrypts (qemu-img says so, the LUKS header sits where the qcow2
# header's encryption extension points), a private libvirt secret holds the
# passphrase, a running guest reads and writes the disk (what it writes is
# not in the file in clear, and decrypts with the passphrase file), the
# passphrase is in no log, XML dump, vprov output or process's argv while
# the guests run, and delete removes volume and secret.  A failure after
# the secret step leaves neither.
. "$(dirname "$0")/lib.sh"

VM=${E2E_PREFIX}luks
GEN=${E2E_PREFIX}lukgen
BAD=${E2E_PREFIX}lukbad
IMAGES=$(virsh -q pool-dumpxml default 2>/dev/null | sed -n 's:.*<path>\(.*\)</path>.*:\1:p' | head -n 1)
: "${IMAGES:=/var/lib/libvirt/images}"

# the secrets this test's volumes use go at exit too (lib.sh knows no secrets)
luks_cleanup() {
	local u
	for u in $(virsh -q secret-list 2>/dev/null | awk -v pre="$IMAGES/$E2E_PREFIX" 'index($3, pre) == 1 {print $1}'); do
		virsh -q secret-undefine "$u" >/dev/null 2>&1 || true
	done
	e2e_cleanup
}
trap luks_cleanup EXIT

# e2e_all DESCRIPTION 'CONDITION': pass when the shell condition (a
# compound one, evaluated here) holds.
e2e_all() {
	if eval "$2"; then e2e_ok "$1"; else e2e_fail "$1"; fi
}

# A passphrase nobody else has (no newline: the whole file is the passphrase)
PASSFILE=$E2E_TMP/pass
head -c 30 /dev/urandom | base64 | tr -d '/+=\n' | head -c 32 >"$PASSFILE"
PASS=$(cat "$PASSFILE")
# 768 MiB: the Debian initramfs unpacks to ~135 MiB, and with less the
# unpacking stops short of the virtio modules.  break=premount: udev has
# loaded virtio_blk by then (at break=top no module is loaded yet).
BOOT="kernel=$E2E_KERNEL,initrd=$E2E_INITRD,kernel_args=\"console=ttyS0 break=premount\""
secrets_of() { virsh -q secret-list | awk -v v="$1" '$3 == v {print $1}'; }

# ---- refused before anything is made ---------------------------------------
e2e_run create "$BAD" --disk size=1,encryption=luks,secret-file=/nonexistent --network none --boot "$BOOT"
e2e_all "a missing secret-file is a usage error, one line (rc=$RC: $ERR)" \
	'[ "$RC" -eq 2 ] && [ "$(printf "%s\n" "$ERR" | wc -l)" -eq 1 ] && [[ "$ERR" == *"cannot read --disk secret-file '"'/nonexistent'"'"* ]]'
: >"$E2E_TMP/empty"
e2e_run create "$BAD" --disk "size=1,encryption=luks,secret-file=$E2E_TMP/empty" --network none --boot "$BOOT"
e2e_all "an empty secret-file is refused (rc=$RC: $ERR)" '[ "$RC" -eq 2 ] && [[ "$ERR" == *"is empty"* ]]'
e2e_all "nothing was made by the refusals" '[ -z "$(e2e_vols_named "$BAD")" ] && [ -z "$(secrets_of "$IMAGES/$BAD.qcow2")" ]'

# ---- --dry-run shows the secret step, without the passphrase ----------------
e2e_run create "$VM" --memory 768 --vcpus 1 --network none --disk "size=1,encryption=luks,secret-file=$PASSFILE" \
	--boot "$BOOT" --dry-run
e2e_all "--dry-run shows the secret step before the volume (rc=$RC)" \
	'[ "$RC" -eq 0 ] && printf "%s\n" "$OUT" | grep -A1 "define secret .* passphrase of volume .$VM.qcow2." | grep -q "LUKS-encrypted"'
e2e_check "--dry-run does not show the passphrase" bash -c '! grep -qF -e "$1" <<<"$2"' _ "$PASS" "$OUT$ERR"
e2e_all "--dry-run made no secret and no volume" '[ -z "$(secrets_of "$IMAGES/$VM.qcow2")" ] && [ -z "$(e2e_vols_named "$VM")" ]'

# ---- create: a passphrase from a file, and a generated one -------------------
e2e_run create "$VM" --memory 768 --vcpus 1 --network none --disk "size=1,encryption=luks,secret-file=$PASSFILE" \
	--boot "$BOOT" --noautoconsole
ALLOUT="$OUT$ERR"
e2e_check "create with encryption=luks,secret-file= (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "create says the disk is LUKS-encrypted" grep -q "vda: .*LUKS-encrypted" <<<"$OUT"
e2e_run create "$GEN" --memory 768 --vcpus 1 --network none --disk size=1,encryption=luks --boot "$BOOT" --noautoconsole
ALLOUT="$ALLOUT$OUT$ERR"
e2e_check "create with a generated passphrase (rc=$RC: $ERR)" [ "$RC" -eq 0 ]

VOL=$(virsh vol-path --pool default "$VM.qcow2" 2>/dev/null)
GVOL=$(virsh vol-path --pool default "$GEN.qcow2" 2>/dev/null)
SEC=$(secrets_of "$VOL")
GSEC=$(secrets_of "$GVOL")
e2e_all "a libvirt secret per volume, for its path ($SEC, $GSEC)" '[ -n "$SEC" ] && [ -n "$GSEC" ] && [ "$SEC" != "$GSEC" ]'
e2e_check "the secret is private and not ephemeral" \
	bash -c 'virsh secret-dumpxml "$1" | grep -q "<secret ephemeral=.no. private=.yes.>"' _ "$SEC"
e2e_check "the secret's value cannot be read through libvirt's API" \
	bash -c '! virsh secret-get-value "$1" >/dev/null 2>&1' _ "$SEC"
e2e_check "the domain disk names that secret" \
	bash -c 'virsh dumpxml "$1" | grep -A2 "<encryption format=.luks." | grep -q "uuid=.$2."' _ "$VM" "$SEC"
# what libvirt keeps on this host (root only) is the file, byte for byte
e2e_check "the secret holds the whole file, byte for byte" \
	bash -c 'base64 -d "/etc/libvirt/secrets/$1.base64" | cmp -s - "$2"' _ "$SEC" "$PASSFILE"
base64 -d "/etc/libvirt/secrets/$GSEC.base64" >"$E2E_TMP/genpass" 2>/dev/null
e2e_check "a generated passphrase: 43 base64 characters" \
	grep -qxE '[A-Za-z0-9+/]{43}' "$E2E_TMP/genpass"
GENPASS=$(cat "$E2E_TMP/genpass")

# ---- the image is LUKS-encrypted ---------------------------------------------
for v in "$VOL" "$GVOL"; do
	INFO=$(qemu-img info -U --output=json "$v")
	e2e_check "qemu-img: $(basename "$v") is encrypted, encrypt.format luks" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert d["format"] == "qcow2" and d["encrypted"] is True, d
assert d["format-specific"]["data"]["encrypt"]["format"] == "luks", d
' "$INFO"
	# the qcow2 header: crypt_method 2 (LUKS), and its full-disk-encryption
	# header extension (0x0537be77) points at the LUKS header ("LUKS\xba\xbe")
	e2e_check "the LUKS header is where the qcow2 header says" python3 -c '
import struct, sys
f = open(sys.argv[1], "rb")
h = f.read(4096)
assert h[:4] == b"QFI\xfb"
version, = struct.unpack(">I", h[4:8])
method, = struct.unpack(">I", h[32:36])
assert method == 2, method
off = 72 if version == 2 else struct.unpack(">I", h[100:104])[0]
while True:
    t, n = struct.unpack(">II", h[off:off + 8])
    assert t != 0, "no encryption header extension"
    if t == 0x0537be77:
        luks, = struct.unpack(">Q", h[off + 8:off + 16])
        break
    off += 8 + (n + 7) // 8 * 8
f.seek(luks)
assert f.read(6) == b"LUKS\xba\xbe", "no LUKS magic at %d" % luks
' "$v"
done

# ---- the guest sees the disk, and writes to it ------------------------------
e2e_check "the guest reaches its initramfs shell" e2e_wait_boot "$VM" '\(initramfs\)' 300
seen=0
for _ in 1 2 3 4 5 6; do
	out=$(printf 'echo PT$((20+22)); cat /proc/partitions\n' | timeout 40 "$VPROV" console "$VM" --timeout 8 2>/dev/null)
	if grep -q "PT42" <<<"$out" && grep -qw "vda" <<<"$out"; then
		seen=1
		break
	fi
	sleep 5
done
e2e_check "the guest lists vda in /proc/partitions (QEMU decrypts it)" [ "$seen" -eq 1 ]
# the marker is built in the guest, so the typed text does not hold it
printf 'echo LUKSMARK$((6*7)) >/dev/vda; sync; echo WR$((1+1))\n' |
	timeout 40 "$VPROV" console "$VM" --timeout 8 >"$E2E_TMP/wr" 2>/dev/null
e2e_check "the guest wrote to vda" grep -q "WR2" "$E2E_TMP/wr"

# ---- the passphrase is nowhere while the guests run ---------------------------
# (never an empty line: grep -f would match everything with it)
printf '%s\n%s\n%s\n%s\n' "$PASS" "$(printf '%s' "$PASS" | base64)" "$GENPASS" "$(printf '%s' "$GENPASS" | base64)" |
	grep -v '^$' >"$E2E_TMP/needles"
e2e_check "four passphrase forms to look for" [ "$(wc -l <"$E2E_TMP/needles")" -eq 4 ]
e2e_all "both guests run" '[ "$(e2e_state "$VM")" = running ] && [ "$(e2e_state "$GEN")" = running ]'
# every process's argv (grep's own holds only the file of needles)
hits=$(for p in /proc/[0-9]*/cmdline; do { tr '\0' ' ' <"$p"; } 2>/dev/null; echo; done | grep -cF -f "$E2E_TMP/needles")
e2e_check "no process's argv holds a passphrase (hits: $hits)" [ "$hits" -eq 0 ]
e2e_check "QEMU got its secrets, encrypted with its master key" \
	bash -c 'tr "\0" " " </proc/$(pgrep -f "guest=$1" | head -n 1)/cmdline | grep -q "\"qom-type\":\"secret\".*\"keyid\":\"masterKey0\""' _ "$VM"
e2e_check "no log under /var/log/libvirt holds a passphrase" \
	bash -c '! grep -rqaF -f "$1" /var/log/libvirt' _ "$E2E_TMP/needles"
for d in "$VM" "$GEN"; do
	e2e_all "virsh dumpxml $d (live, inactive, --security-info) holds no passphrase" \
		'! { virsh dumpxml "$d"; virsh dumpxml --inactive "$d"; virsh dumpxml --security-info "$d"; } | grep -qF -f "$E2E_TMP/needles"'
	e2e_run info "$d"
	ALLOUT="$ALLOUT$OUT$ERR"
	e2e_check "vprov info $d says the disk is encrypted (luks)" grep -q "vda .*encrypted (luks)" <<<"$OUT"
	e2e_run info "$d" --json
	ALLOUT="$ALLOUT$OUT$ERR"
	e2e_check "vprov info --json: encryption luks" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert d["disks"][0]["encryption"] == "luks", d["disks"]' "$OUT"
	e2e_run xml "$d"
	ALLOUT="$ALLOUT$OUT$ERR"
done
e2e_check "no vprov output holds a passphrase" bash -c '! grep -qF -f "$1" <<<"$2"' _ "$E2E_TMP/needles" "$ALLOUT"

# ---- what the guest wrote is encrypted on the host, and opens with the file ---
virsh -q destroy "$VM" >/dev/null 2>&1 # SIGTERM first: QEMU flushes the image
e2e_check "the guest's marker is not in the file in clear" bash -c '! grep -qa "LUKSMARK42" "$1"' _ "$VOL"
e2e_check "the passphrase file decrypts it: the guest's marker is there" bash -c '
	qemu-io -r --object "secret,id=s0,file=$2" --image-opts \
		"driver=qcow2,file.filename=$1,encrypt.key-secret=s0" -c "read -v 0 512" 2>&1 | grep -q "LUKSMARK42"' _ "$VOL" "$PASSFILE"
printf 'wrong' >"$E2E_TMP/wrong"
e2e_check "another passphrase does not open it" bash -c '
	! qemu-io -r --object "secret,id=s0,file=$2" --image-opts \
		"driver=qcow2,file.filename=$1,encrypt.key-secret=s0" -c "read 0 512" >/dev/null 2>&1' _ "$VOL" "$E2E_TMP/wrong"
e2e_check "the generated passphrase opens the other volume" bash -c '
	qemu-io -r -U --object "secret,id=s0,file=$2" --image-opts \
		"driver=qcow2,file.filename=$1,encrypt.key-secret=s0" -c "read 0 512" >/dev/null 2>&1' _ "$GVOL" "$E2E_TMP/genpass"

# ---- delete removes volume and secret ------------------------------------------
for pair in "$VM:$SEC:$VOL" "$GEN:$GSEC:$GVOL"; do
	IFS=: read -r d s v <<<"$pair"
	e2e_run delete "$d"
	e2e_all "delete $d (rc=$RC) says the secret went" '[ "$RC" -eq 0 ] && grep -q "removed secret $s" <<<"$OUT"'
	e2e_check "delete $d removed volume and secret" \
		bash -c '[ ! -e "$1" ] && ! virsh secret-dumpxml "$2" >/dev/null 2>&1 && [ ! -e "/etc/libvirt/secrets/$2.base64" ]' _ "$v" "$s"
done

# ---- raw+luks: the whole file is LUKS, its header at offset 0 ----------------
RAW=${E2E_PREFIX}lukraw
e2e_run create "$RAW" --memory 256 --vcpus 1 --network none --disk size=1,format=raw,encryption=luks \
	--boot "$BOOT" --noautoconsole
e2e_check "create with format=raw,encryption=luks (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
RVOL=$(virsh vol-path --pool default "$RAW.img" 2>/dev/null)
RSEC=$(secrets_of "$RVOL")
e2e_check "raw+luks: qemu-img says the file is luks" \
	bash -c 'qemu-img info -U --output=json "$1" | grep -q "\"format\": \"luks\""' _ "$RVOL"
e2e_check "raw+luks: the LUKS magic at offset 0" \
	bash -c '[ "$(head -c 6 "$1" | od -An -c | tr -d " ")" = "LUKS272276" ]' _ "$RVOL"
e2e_run delete "$RAW"
e2e_all "raw+luks: delete removes volume and secret ($RSEC)" \
	'[ "$RC" -eq 0 ] && [ -n "$RSEC" ] && [ ! -e "$RVOL" ] && ! virsh secret-dumpxml "$RSEC" >/dev/null 2>&1'

# ---- a failure after the secret step leaves neither secret nor volume ---------
# shellcheck disable=SC2034 # read by e2e_all's condition
before=$(virsh -q secret-list | wc -l)
for step in volume define start; do
	VPROV_FAIL_AT=$step e2e_run create "$BAD" --memory 768 --vcpus 1 --network none \
		--disk "size=1,encryption=luks,secret-file=$PASSFILE" --boot "$BOOT" --noautoconsole
	e2e_check "a create failing at '$step' fails (rc=$RC: $ERR)" [ "$RC" -eq 1 ]
	e2e_all "... and leaves no secret, volume or VM" \
		'[ "$(virsh -q secret-list | wc -l)" -eq "$before" ] && [ -z "$(e2e_vols_named "$BAD")" ] && ! e2e_domain_exists "$BAD"'
done

e2e_finish
