#!/bin/bash
# tests/e2e/test_cloud.sh — a real Debian 12 cloud image (scripts/test-image.sh)
# booted under TCG from a thin overlay with a cloud-init NoCloud seed: the
# seed's user-data runs (its marker and the seeded host name on the serial
# console), the key lands in the overlay, the base is uploaded once per
# pool, found again by its checksum (from a file and from a URL), never
# changed, and kept by delete, which removes the overlay and the seed.
. "$(dirname "$0")/lib.sh"

export XDG_CACHE_HOME=$E2E_TMP/cache
LOG=/var/log/libvirt/qemu
VM=${E2E_PREFIX}ci
IMG=$("$E2E_ROOT/scripts/test-image.sh") || { e2e_fail "scripts/test-image.sh built no image"; e2e_finish; }
IMG_SUM=$(sha256sum "$IMG" | cut -d' ' -f1)

# a pool of the test's own, where QEMU (another user) can read
chmod 755 "$E2E_TMP"
POOL=${E2E_PREFIX}pool
mkdir "$E2E_TMP/pool"
virsh -q pool-define-as "$POOL" dir --target "$E2E_TMP/pool" >/dev/null &&
	virsh -q pool-start "$POOL" >/dev/null || e2e_fail "cannot make pool $POOL"

ssh-keygen -q -t ed25519 -N '' -C vprov-e2e-key -f "$E2E_TMP/key"
cat >"$E2E_TMP/ud" <<'EOT'
#cloud-config
runcmd:
  - echo "VPROV-CI-MARK host=$(hostname) cmdline=$(cat /proc/cmdline)" > /dev/ttyS0
  - sync
  - poweroff
EOT
COMMON=(--disk "size=4,pool=$POOL" --graphics none --network none --memory 1024 --noautoconsole)

# ---- the plan: upload the base, overlay, seed --------------------------
e2e_run create "$VM" --image "$IMG" "${COMMON[@]}" \
	--cloud-init "hostname=ci-probe,root-ssh-key=$E2E_TMP/key.pub,user-data=$E2E_TMP/ud" --dry-run --json
e2e_check "--dry-run --json plans base, volume, seed (rc=$RC: $ERR)" python3 -c '
import json, sys
p = json.loads(sys.argv[1])
kinds = [s["kind"] for s in p["plan"]["steps"]] if "plan" in p else [s["kind"] for s in p["steps"]]
assert kinds[:3] == ["base", "volume", "seed"], kinds
' "$OUT"
e2e_check "... and made nothing" [ -z "$(virsh -q vol-list "$POOL")" ]

# ---- the real create: it boots, cloud-init runs the user-data ----------
e2e_run create "$VM" --image "$IMG" "${COMMON[@]}" \
	--cloud-init "hostname=ci-probe,root-ssh-key=$E2E_TMP/key.pub,user-data=$E2E_TMP/ud" \
	--inject serial-console --inject mkdir=/opt/vprov-e2e --inject write=/opt/vprov-e2e/note:made-by-inject
e2e_check "create --image --cloud-init --inject exits 0 (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
BASE=$(virsh -q vol-list "$POOL" | awk '$1 ~ /\.base-[0-9a-f]{16}\.qcow2$/ {print $1}')
e2e_check "the base is a volume named by its checksum ($BASE)" [ "$BASE" = "$(basename "$IMG" .qcow2).base-${IMG_SUM:0:16}.qcow2" ]
BASE_PATH=$E2E_TMP/pool/$BASE
e2e_check "the overlay is backed by it" \
	bash -c "virsh -q vol-dumpxml --pool '$POOL' '$VM.qcow2' | grep -qF '<path>$BASE_PATH</path>'"
e2e_check "the seed is a read-only virtio disk with SMBIOS ds=nocloud" bash -c "
	x=\$(virsh -q dumpxml --inactive '$VM')
	grep -q \"$VM-cidata.iso\" <<<\"\$x\" && grep -q 'ds=nocloud' <<<\"\$x\" &&
	grep -A4 \"$VM-cidata.iso\" <<<\"\$x\" | grep -q \"bus='virtio'\" && grep -A5 \"$VM-cidata.iso\" <<<\"\$x\" | grep -q '<readonly/>'"
e2e_check "the seed volume is not world-readable" \
	bash -c "[ \$(( 0\$(stat -c %a '$E2E_TMP/pool/$VM-cidata.iso') & 4 )) -eq 0 ]"
e2e_check "cloud-init ran the user-data with the seeded host name" \
	e2e_wait_log "$LOG/$VM-console.log" "VPROV-CI-MARK host=ci-probe" 600
i=0
while [ "$(e2e_state "$VM")" != "shut off" ] && [ "$i" -lt 300 ]; do sleep 1; i=$((i + 1)); done
e2e_check "the guest powered itself off" [ "$(e2e_state "$VM")" = "shut off" ]
e2e_check "the seed stays with the stopped VM (virt-install drops it)" \
	bash -c "virsh -q dumpxml --inactive '$VM' | grep -q '$VM-cidata.iso'"
e2e_check "the overlay holds the injected key (read back with libguestfs)" bash -c "
	LIBGUESTFS_BACKEND=direct LIBGUESTFS_BACKEND_SETTINGS=force_tcg \
		virt-cat -a '$E2E_TMP/pool/$VM.qcow2' /root/.ssh/authorized_keys 2>/dev/null | grep -q vprov-e2e-key"
e2e_check "--inject edited the overlay before the first boot: a file ..." bash -c "
	LIBGUESTFS_BACKEND=direct LIBGUESTFS_BACKEND_SETTINGS=force_tcg \
		virt-cat -a '$E2E_TMP/pool/$VM.qcow2' /opt/vprov-e2e/note 2>/dev/null | grep -qx made-by-inject"
e2e_check "... and the serial console on the kernel's command line (the guest booted with it)" \
	e2e_wait_log "$LOG/$VM-console.log" "VPROV-CI-MARK host=ci-probe cmdline=.*console=ttyS0,115200n8" 1
e2e_check "the base is the image, byte for byte, and unchanged" \
	[ "$(sha256sum "$BASE_PATH" | cut -d' ' -f1)" = "$IMG_SUM" ]

# ---- a second VM from the same image: the base is found, not uploaded --
e2e_run create "${VM}2" --image "$IMG" "${COMMON[@]}" --cloud-init none --dry-run --json
e2e_check "a second create uses the base it finds by checksum" python3 -c '
import json, sys
p = json.loads(sys.argv[1])
steps = p["plan"]["steps"] if "plan" in p else p["steps"]
base = [s for s in steps if s["kind"] == "base"]
assert base and base[0]["action"] == "use", base
assert "seed" not in [s["kind"] for s in steps]
' "$OUT"

# ---- from a URL: downloaded once into the cache; the base is found -----
mkdir -p "$E2E_TMP/www"
cp --sparse=always "$IMG" "$E2E_TMP/www/"
e2e_http_serve "$E2E_TMP/www"
URL=$E2E_HTTP/$(basename "$IMG")
e2e_run create "${VM}u" --image "$URL" "${COMMON[@]}" --cloud-init none
"$VPROV" destroy "${VM}u" >/dev/null 2>&1
e2e_check "create --image URL exits 0 (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "... the image crossed once" [ "$(e2e_http_bytes "/$(basename "$IMG")")" -eq "$(stat -c %s "$IMG")" ]
e2e_check "... and the pool still holds one base" [ "$(virsh -q vol-list "$POOL" | grep -c '\.base-')" -eq 1 ]
e2e_run create "${VM}u2" --image "$URL" "${COMMON[@]}" --cloud-init none
"$VPROV" destroy "${VM}u2" >/dev/null 2>&1
e2e_check "a second create from the URL exits 0 (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "... without downloading again" [ "$(e2e_http_bytes "/$(basename "$IMG")")" -eq "$(stat -c %s "$IMG")" ]

# ---- bad input: one line, non-zero, nothing left ----------------------
before=$(virsh -q vol-list "$POOL" | awk '{print $1}' | sort)
e2e_run create "${VM}bad" --image "$E2E_TMP/no-such.qcow2" "${COMMON[@]}"
e2e_check "a missing image file: exit non-zero, one line (rc=$RC: $ERR)" \
	bash -c "[ $RC -ne 0 ] && [ \$(wc -l <<<\"\$1\") -eq 1 ]" _ "$ERR"
e2e_run create "${VM}bad" --image "http://127.0.0.1:9/gone.qcow2" "${COMMON[@]}"
e2e_check "an image nobody serves: the error names the URL and the other ways (rc=$RC: $ERR)" \
	bash -c "[ $RC -ne 0 ] && grep -q 'http://127.0.0.1:9/gone.qcow2' <<<\"\$1\" && grep -q -- '--location' <<<\"\$1\" && grep -q 'vprov image import' <<<\"\$1\"" _ "$ERR"
e2e_run create "${VM}bad" --image "$IMG" --location "$E2E_DI" "${COMMON[@]}"
e2e_check "--image with --location is refused (rc=$RC: $ERR)" [ "$RC" -ne 0 ]
e2e_check "... and the failures left nothing" [ "$(virsh -q vol-list "$POOL" | awk '{print $1}' | sort)" = "$before" ]
e2e_check "... and no VM" bash -c "! e2e_domain_exists '${VM}bad' 2>/dev/null && ! virsh -q dominfo '${VM}bad' >/dev/null 2>&1"

# ---- delete: overlay and seed go, the base stays -----------------------
e2e_run delete "$VM"
e2e_check "delete exits 0 (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "... removed the overlay and the seed" \
	bash -c "! virsh -q vol-list '$POOL' | grep -qE '^ *$VM(\\.qcow2|-cidata\\.iso) '"
e2e_check "... and kept the base" [ -f "$BASE_PATH" ]
e2e_check "... unchanged" [ "$(sha256sum "$BASE_PATH" | cut -d' ' -f1)" = "$IMG_SUM" ]

e2e_finish
