#!/bin/bash
# tests/e2e/test_image.sh — vprov image on the real libvirtd, with a small
# qcow2 made on the fly and storage pools of the test's own (directories
# under its temp dir, removed at exit): import uploads a base once (a
# second import finds it by checksum), list shows it with its checksum
# prefix and the VMs on it, a VM made with --image POOL/VOL and one with
# --image FILE both get overlays on that one base, rm refuses naming them,
# delete keeps the base and rm then removes it; two creates from one file
# into a fresh pool upload the base once (the first plan's base step says
# "upload", the second's "use"); pull of a URL (a local HTTP server)
# downloads into the cache and uploads once.
. "$(dirname "$0")/lib.sh"

export XDG_CACHE_HOME=$E2E_TMP/cache
# QEMU (another uid) reads the pools' directories under it
chmod 755 "$E2E_TMP"
P=${E2E_PREFIX}pool
P2=${E2E_PREFIX}pool2
IMG=$E2E_TMP/${E2E_PREFIX}small.qcow2
VM=${E2E_PREFIX}img

py() { # EXPR: evaluate EXPR on the JSON in $OUT as j
	python3 -c "import json,sys; j=json.loads(sys.argv[1]); print(($1))" "$OUT" 2>&1
}
base_vols() { # POOL: the base volumes in it, one a line
	virsh -q vol-list "$1" 2>/dev/null | awk '{print $1}' | grep '\.base-[0-9a-f]\{16\}\.qcow2$'
}
make_pool() { # NAME
	mkdir -p "$E2E_TMP/$1"
	virsh -q pool-define-as "$1" dir --target "$E2E_TMP/$1" >/dev/null &&
		virsh -q pool-build "$1" >/dev/null && virsh -q pool-start "$1" >/dev/null
}

qemu-img create -q -f qcow2 "$IMG" 64M
SHA16=$(sha256sum "$IMG" | cut -c1-16)
BASE=${E2E_PREFIX}small.base-$SHA16.qcow2
e2e_check "a pool of the test's own at $E2E_TMP/$P" make_pool "$P"

# ---- import, list, import again -------------------------------------
e2e_run image import "$IMG" --pool "$P"
e2e_check "image import exits 0 (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "... and says it uploaded '$P/$BASE' ($OUT)" \
	grep -qF "uploaded base image '$P/$BASE'" <<<"$OUT"
e2e_check "the pool holds that one base" [ "$(base_vols "$P")" = "$BASE" ]
e2e_run image list --pool "$P" --json
e2e_check "image list --json exits 0 (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "... one base, with its sha256 prefix, format and size ($OUT)" \
	[ "$(py '[(b["volume"], b["sha256_prefix"], b["format"], b["capacity_bytes"], b["used_by"]) for b in j]')" = \
	  "[('$BASE', '$SHA16', 'qcow2', 67108864, [])]" ]
e2e_run image list
e2e_check "image list (table) shows it ($OUT)" grep -qE "^$P +$BASE +qcow2 .* $SHA16 +-$" <<<"$OUT"
mtime=$(stat -c %Y "$E2E_TMP/$P/$BASE")
e2e_run image import "$IMG" --pool "$P" --json
e2e_check "a second import exits 0 (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "... finds the base by its checksum, not uploading it again" \
	[ "$(py 'j["action"], j["volume"]')" = "('found', '$BASE')" ]
e2e_check "... the pool still holds one base, unchanged" \
	bash -c "[ \"\$(virsh -q vol-list '$P' | grep -c base-)\" = 1 ] && [ \"\$(stat -c %Y '$E2E_TMP/$P/$BASE')\" = '$mtime' ]"

# ---- overlays on it ---------------------------------------------------
common=(--network none --graphics none --cloud-init=none --noautoconsole --memory 256)
e2e_run create "${VM}1" --image "$P/$BASE" --disk size=1 "${common[@]}"
e2e_check "create --image POOL/VOL exits 0 (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "... its disk is an overlay on the base" \
	bash -c "virsh -q vol-dumpxml --pool default '${VM}1.qcow2' | grep -qF '<path>$E2E_TMP/$P/$BASE</path>'"
e2e_run create "${VM}2" --image "$IMG" --disk size=1,pool="$P" "${common[@]}" --dry-run --json
e2e_check "create --image FILE --dry-run --json exits 0 (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "... its plan uses the base found by its checksum ($(py '[s for s in j["plan"]["steps"] if s["kind"] == "base"]'))" \
	[ "$(py '[(s["action"], s["volume"], s["sha256"][:16]) for s in j["plan"]["steps"] if s["kind"] == "base"]')" = \
	  "[('use', '$BASE', '$SHA16')]" ]
e2e_run create "${VM}2" --image "$IMG" --disk size=1,pool="$P" "${common[@]}"
e2e_check "create --image FILE exits 0 (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "... on the same base: the pool still holds one" [ "$(base_vols "$P")" = "$BASE" ]
e2e_check "both VMs run" bash -c "[ \"\$(virsh -q domstate '${VM}1')\" = running ] && [ \"\$(virsh -q domstate '${VM}2')\" = running ]"
e2e_run image list --json
e2e_check "image list names both VMs as its users" \
	[ "$(py '[sorted(b["used_by"]) for b in j if b["volume"] == "'"$BASE"'"]')" = "[['${VM}1', '${VM}2']]" ]
e2e_run image rm "$BASE"
e2e_check "image rm refuses while they are there (rc=$RC)" [ "$RC" -eq 2 ]
e2e_check "... in one line naming both VMs ($ERR)" \
	bash -c "[ \$(wc -l <<<\"\$1\") -eq 1 ] && grep -qF \"'${VM}1'\" <<<\"\$1\" && grep -qF \"'${VM}2'\" <<<\"\$1\"" _ "$ERR"
e2e_check "... and the base stays" [ "$(base_vols "$P")" = "$BASE" ]
e2e_run delete "${VM}1"
e2e_check "delete of the first VM exits 0 (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_run image rm "$P/$BASE"
e2e_check "image rm still refuses, naming only the VM left ($ERR)" \
	bash -c "[ $RC -eq 2 ] && grep -qF \"'${VM}2'\" <<<\"\$1\" && ! grep -qF \"'${VM}1'\" <<<\"\$1\"" _ "$ERR"
e2e_run delete "${VM}2"
e2e_check "delete of the second VM exits 0 (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "the VMs' overlays are gone, the base is kept" \
	bash -c "[ \"\$(virsh -q vol-list '$P' | awk '{print \$1}')\" = '$BASE' ] && ! virsh -q vol-info --pool default '${VM}1.qcow2' >/dev/null 2>&1"
e2e_run image rm "$P/$BASE" --json
e2e_check "image rm removes it now (rc=$RC: $ERR)" \
	bash -c "[ $RC -eq 0 ] && [ -z \"\$(virsh -q vol-list '$P')\" ] && [ ! -e '$E2E_TMP/$P/$BASE' ]"
e2e_check "... and says which ($OUT)" [ "$(py 'j["pool"], j["volume"]')" = "('$P', '$BASE')" ]

# ---- pull a URL: downloaded into the cache, uploaded once ---------------
mkdir -p "$E2E_TMP/www"
qemu-img create -q -f qcow2 "$E2E_TMP/www/${E2E_PREFIX}web.qcow2" 32M
WSHA16=$(sha256sum "$E2E_TMP/www/${E2E_PREFIX}web.qcow2" | cut -c1-16)
WBASE=${E2E_PREFIX}web.base-$WSHA16.qcow2
e2e_http_serve "$E2E_TMP/www"
e2e_run image pull "$E2E_HTTP/${E2E_PREFIX}web.qcow2" --pool "$P" --json
e2e_check "image pull URL exits 0 (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "... uploads the download as '$WBASE' ($(py 'j["action"], j["volume"]'))" \
	[ "$(py 'j["action"], j["volume"], j["sha256_prefix"]')" = "('uploaded', '$WBASE', '$WSHA16')" ]
e2e_check "... kept in the cache" bash -c "ls '$XDG_CACHE_HOME'/vprov/fetch/*.data >/dev/null 2>&1"
e2e_run image pull "$E2E_HTTP/${E2E_PREFIX}web.qcow2" --pool "$P" --json
e2e_check "a second pull finds the base ($RC: $ERR)" [ "$(py 'j["action"]')" = "found" ]
e2e_run image rm "$WBASE"
e2e_check "image rm NAME removes it (rc=$RC: $ERR)" bash -c "[ $RC -eq 0 ] && ! virsh -q vol-info --pool '$P' '$WBASE' >/dev/null 2>&1"

# ---- two creates from one file into a fresh pool: one upload -----------
e2e_check "a second pool of the test's own" make_pool "$P2"
e2e_run create "${VM}3" --image "$IMG" --disk size=1,pool="$P2" "${common[@]}" --dry-run --json
e2e_check "the first create's plan uploads the base ($RC: $ERR)" \
	[ "$(py '[(s["action"], s["volume"]) for s in j["plan"]["steps"] if s["kind"] == "base"]')" = \
	  "[('upload', '$BASE')]" ]
e2e_check "... and a dry run made nothing" [ -z "$(base_vols "$P2")" ]
e2e_run create "${VM}3" --image "$IMG" --disk size=1,pool="$P2" "${common[@]}" --json
e2e_check "the first create exits 0 (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "... it uploaded the base (done: $(py 'j["done"]'))" \
	[ "$(py '[d.split()[0] for d in j["done"] if " base image " in d]')" = "['upload']" ]
e2e_run create "${VM}4" --image "$IMG" --disk size=1,pool="$P2" "${common[@]}" --json
e2e_check "the second create exits 0 (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "... it used the base found by its checksum (done: $(py 'j["done"]'))" \
	[ "$(py '[d.split()[0] for d in j["done"] if " base image " in d]')" = "['use']" ]
e2e_check "the pool holds exactly one base" [ "$(base_vols "$P2")" = "$BASE" ]
e2e_check "... under both VMs' overlays" \
	bash -c "for v in ${VM}3 ${VM}4; do virsh -q vol-dumpxml --pool '$P2' \"\$v.qcow2\" | grep -qF '<path>$E2E_TMP/$P2/$BASE</path>' || exit 1; done"
e2e_run delete "${VM}3"
e2e_run delete "${VM}4"
e2e_check "delete keeps the base uploaded by a create" [ "$(base_vols "$P2")" = "$BASE" ]
e2e_finish
