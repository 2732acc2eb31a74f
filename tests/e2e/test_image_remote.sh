#!/bin/bash
# tests/e2e/test_image_remote.sh — cloud images on a remote host (the second
# libvirtd on 127.0.0.2): one local image file used for two VMs there is
# uploaded once, through a libvirt stream, into the remote host's pool (the
# first create's plan has a base "upload" step, the second's a "use"
# step, and the pool holds exactly one base volume); 'vprov image' lists
# it there with both VMs, refuses to remove it while they are there, and
# removes it once they are deleted.  Nothing lands on this host.
. "$(dirname "$0")/lib.sh"

export XDG_CACHE_HOME=$E2E_TMP/cache
R=$E2E_R
VM=${E2E_PREFIX}rimg
IMG=$E2E_TMP/${E2E_PREFIX}small.qcow2

e2e_second_host

py() { # EXPR: evaluate EXPR on the JSON in $OUT as j
	python3 -c "import json,sys; j=json.loads(sys.argv[1]); print(($1))" "$OUT" 2>&1
}
remote_bases() { # the base volumes of this test in the remote host's pool 'default'
	virsh -q -c "$R" vol-list default 2>/dev/null | awk '{print $1}' | grep "^${E2E_PREFIX}small\.base-"
}

qemu-img create -q -f qcow2 "$IMG" 64M
SHA16=$(sha256sum "$IMG" | cut -c1-16)
BASE=${E2E_PREFIX}small.base-$SHA16.qcow2
common=(--network none --graphics none --cloud-init=none --noautoconsole --memory 256)

e2e_run -c "$R" create "${VM}1" --image "$IMG" --disk size=1 "${common[@]}" --dry-run --json
e2e_check "the first create's dry run exits 0 (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "... its plan uploads the base into the remote pool ($(py '[s for s in j["plan"]["steps"] if s["kind"] == "base"]'))" \
	[ "$(py '[(s["action"], s["pool"], s["volume"]) for s in j["plan"]["steps"] if s["kind"] == "base"]')" = \
	  "[('upload', 'default', '$BASE')]" ]
e2e_run -c "$R" create "${VM}1" --image "$IMG" --disk size=1 "${common[@]}" --json
e2e_check "the first create on the remote host exits 0 (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "... it uploaded the base (done: $(py 'j["done"]'))" \
	[ "$(py '[d.split()[0] for d in j["done"] if " base image " in d]')" = "['upload']" ]
e2e_run -c "$R" create "${VM}2" --image "$IMG" --disk size=1 "${common[@]}" --dry-run --json
e2e_check "the second create's plan uses the base found by its checksum" \
	[ "$(py '[(s["action"], s["volume"]) for s in j["plan"]["steps"] if s["kind"] == "base"]')" = \
	  "[('use', '$BASE')]" ]
e2e_run -c "$R" create "${VM}2" --image "$IMG" --disk size=1 "${common[@]}" --json
e2e_check "the second create exits 0 (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "... it used the base (done: $(py 'j["done"]'))" \
	[ "$(py '[d.split()[0] for d in j["done"] if " base image " in d]')" = "['use']" ]
e2e_check "the remote pool holds exactly one base volume" [ "$(remote_bases)" = "$BASE" ]
bpath=$(virsh -q -c "$R" vol-path --pool default "$BASE")
e2e_check "... the same bytes as the file (qcow2, 64 MiB)" \
	bash -c "virsh -q -c '$R' vol-dumpxml --pool default '$BASE' | grep -qF \"<format type='qcow2'/>\" && virsh -q -c '$R' vol-info --pool default '$BASE' | grep -q '64.00 MiB'"
e2e_check "... under both VMs' overlays" \
	bash -c "for v in ${VM}1 ${VM}2; do virsh -q -c '$R' vol-dumpxml --pool default \"\$v.qcow2\" | grep -qF '<path>$bpath</path>' || exit 1; done"
e2e_check "both VMs run there" \
	bash -c "[ \"\$(virsh -q -c '$R' domstate '${VM}1')\" = running ] && [ \"\$(virsh -q -c '$R' domstate '${VM}2')\" = running ]"
e2e_check "nothing of them on this host" \
	bash -c "[ -z \"\$(virsh -q list --all --name | grep '^$VM')\" ] && [ -z \"\$(virsh -q vol-list default | grep '$BASE')\" ]"
e2e_run -c "$R" image list --pool default --json
e2e_check "image list on the remote host shows the base and both VMs ($RC: $ERR)" \
	[ "$(py '[(b["sha256_prefix"], sorted(b["used_by"])) for b in j if b["volume"] == "'"$BASE"'"]')" = \
	  "[('$SHA16', ['${VM}1', '${VM}2'])]" ]
e2e_run -c "$R" image import "$IMG" --json
e2e_check "image import there finds it, uploading nothing ($RC: $ERR)" \
	[ "$(py 'j["action"], j["volume"]')" = "('found', '$BASE')" ]
e2e_run -c "$R" image rm "default/$BASE"
e2e_check "image rm refuses naming the VMs ($ERR)" \
	bash -c "[ $RC -eq 2 ] && grep -qF \"'${VM}1'\" <<<\"\$1\" && grep -qF \"'${VM}2'\" <<<\"\$1\"" _ "$ERR"
e2e_run -c "$R" delete "${VM}1"
e2e_run -c "$R" delete "${VM}2"
e2e_check "delete keeps the base there" [ "$(remote_bases)" = "$BASE" ]
e2e_run -c "$R" image rm "default/$BASE"
e2e_check "image rm removes it then (rc=$RC: $ERR)" bash -c "[ $RC -eq 0 ] && [ -z \"\$(virsh -q -c '$R' vol-list default | grep '$BASE')\" ]"
e2e_finish
