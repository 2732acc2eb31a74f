#!/bin/bash
# tests/e2e/test_pool.sh — vprov pool and the resource checks of create on
# a real libvirtd (qemu:///system):
# - a dir pool made in the test's directory, used by 'create --disk
#   pool=', its numbers as 'virsh pool-info' gives them, its volume shown
#   with the VM that owns it; delete refused while the VM exists, then the
#   pool deleted (directory gone, definition gone);
# - a create that fails at start leaves no pool and no directory, and one
#   killed midway is rolled back by the next vprov command;
# - an fs pool on a loop device over a file of the test's: --build makes
#   the file system, a second --build on it is refused (never formatted
#   over: a file on it survives), a create without --build mounts it as it
#   is, delete unmounts it;
# - create refused (exit 2, the numbers, nothing made) for more memory
#   than the host has and a non-sparse disk larger than the pool; --force
#   goes on (dry runs: nothing large is made); more vCPUs than the host's
#   CPUs only warned (a real VM made).
#
# usage: test_pool.sh path/to/vprov

. "$(dirname "$0")/lib.sh"

N=$E2E_PREFIX
P="${N}pool"
# the pool's directory, under the test's (which qemu must be able to enter)
chmod 711 "$E2E_TMP"
D="$E2E_TMP/pools/$P"
C=(--import --network none --graphics none --memory 256 --vcpus 1 --noautoconsole)
LOOP=
MNT="$E2E_TMP/fsmnt"

pool_cleanup() {
	if findmnt "$MNT" >/dev/null 2>&1; then umount "$MNT" 2>/dev/null || true; fi
	e2e_cleanup
	if [ -n "$LOOP" ]; then
		findmnt "$LOOP" >/dev/null 2>&1 && umount "$LOOP" 2>/dev/null
		losetup -d "$LOOP" 2>/dev/null || true
	fi
}
trap pool_cleanup EXIT

no_pool() {
	! virsh -q pool-info "$1" >/dev/null 2>&1
}
no_vm() {
	! virsh -q dominfo "$1" >/dev/null 2>&1
}
# pool_info_bytes POOL FIELD: the field of 'virsh pool-info --bytes'
pool_info_bytes() {
	virsh pool-info --bytes "$1" | awk -v f="$2:" '$1 == f { print $2 }'
}
one_line() {
	[ "$(printf '%s\n' "$ERR" | wc -l)" -eq 1 ]
}
jget() { # EXPR: evaluated on the JSON in $OUT as j
	printf '%s' "$OUT" | python3 -c "import json,sys; j=json.load(sys.stdin); print($1)"
}

# ---- a dir pool, used by a VM ----------------------------------------------
e2e_run pool create "$P" --type dir --target "$D"
e2e_check "pool create exits 0" test "$RC" -eq 0
e2e_check "pool create says so" grep -qF "created storage pool '$P' (dir at $D), started" <<<"$OUT"
e2e_check "its directory was made" test -d "$D"
e2e_check "libvirt runs it" sh -c "virsh -q pool-info '$P' | grep -q '^State: *running'"
e2e_check "libvirt's definition is a dir pool at the directory" \
	sh -c "virsh pool-dumpxml '$P' | grep -q \"<pool type='dir'>\" && virsh pool-dumpxml '$P' | grep -qF '<path>$D</path>'"

# the numbers are libvirt's, as virsh shows them
e2e_run pool info "$P" --json
e2e_check "pool info --json exits 0" test "$RC" -eq 0
for f in Capacity Allocation Available; do
	key=$(echo "$f" | tr 'A-Z' 'a-z')_bytes
	want=$(pool_info_bytes "$P" "$f")
	got=$(jget "j['$key']")
	e2e_check "pool info $key ($got) is virsh's $f ($want)" test "$got" = "$want"
done
e2e_check "pool info: no volumes yet" test "$(jget "(j['volume_count'], j['volumes'])")" = "(0, [])"
e2e_run pool list --json
e2e_check "pool list --json has it, with virsh's capacity" \
	test "$(jget "[(p['state'], p['capacity_bytes'], p['type']) for p in j if p['name'] == '$P']")" = \
	"[('running', $(pool_info_bytes "$P" Capacity), 'dir')]"
e2e_run pool list
e2e_check "pool list shows it in human units" grep -qE "^$P +running +dir +no +[0-9.]+ [GT]iB" <<<"$OUT"

e2e_run create "${N}vm1" --disk pool="$P",size=1 "${C[@]}"
e2e_check "create --disk pool=$P exits 0" test "$RC" -eq 0
e2e_check "the VM's disk is in the pool's directory" test -f "$D/${N}vm1.qcow2"
e2e_check "the VM runs" sh -c "virsh -q domstate '${N}vm1' | grep -q running"

e2e_run pool info "$P" --json
e2e_check "pool info names the VM that owns the volume" \
	test "$(jget "[(v['name'], v['capacity_bytes'], v['used_by']) for v in j['volumes']]")" = \
	"[('${N}vm1.qcow2', 1073741824, [{'vm': '${N}vm1', 'role': 'disk', 'owned': True}])]"
e2e_run pool info "$P"
e2e_check "pool info's table says so" grep -qE "^  ${N}vm1.qcow2 +qcow2 +1 GiB .* ${N}vm1 \(disk, owned\)$" <<<"$OUT"

e2e_run pool delete "$P"
e2e_check "pool delete while a VM uses it: exit 1" test "$RC" -eq 1
e2e_check "... in one line naming the VM and the volume" one_line
e2e_check "... the message" grep -qF "vprov pool delete: cannot delete storage pool '$P': VMs use its volumes: '${N}vm1.qcow2' (VM '${N}vm1') (delete those VMs first)" <<<"$ERR"
e2e_run pool delete "$P" --volumes
e2e_check "pool delete --volumes does not override that" test "$RC" -eq 1
e2e_check "the pool is still there" sh -c "virsh -q pool-info '$P' | grep -q '^State: *running'"
e2e_check "and the disk" test -f "$D/${N}vm1.qcow2"

e2e_run delete "${N}vm1"
e2e_check "the VM deleted" test "$RC" -eq 0
e2e_run pool delete "$P"
e2e_check "pool delete exits 0 once no VM uses it" test "$RC" -eq 0
e2e_check "pool delete says the directory went" grep -qF "deleted storage pool '$P' and its directory" <<<"$OUT"
e2e_check "the directory is gone" test ! -e "$D"
e2e_check "the pool is undefined" no_pool "$P"

# ---- a create that fails leaves nothing -------------------------------------
VPROV_FAIL_AT=start e2e_run pool create "$P" --type dir --target "$D/deeper"
e2e_check "pool create failing at start: exit 1" test "$RC" -eq 1
e2e_check "... no pool" no_pool "$P"
e2e_check "... no directory (nor the one above it that was made for it)" test ! -e "$D"

# ---- a create killed midway is rolled back by the next vprov command ---------
touch "$E2E_TMP/pause"
VPROV_TEST_PAUSE=start:before:$E2E_TMP/pause "$VPROV" pool create "$P" --type dir --target "$D/killed" \
	>/dev/null 2>&1 &
KPID=$!
i=0
while [ "$i" -lt 300 ] && ! virsh -q pool-info "$P" >/dev/null 2>&1; do sleep 0.2; i=$((i + 1)); done
e2e_check "the paused create defined the pool" virsh -q pool-info "$P"
kill -9 "$KPID"
wait "$KPID" 2>/dev/null
sleep 3 # a journal is recovered once it is 2 s old (its owner's last call may still land)
e2e_run pool list
e2e_check "the next command rolls it back, saying so" \
	grep -qF "rolled back an interrupted 'pool-create $P'" <<<"$ERR"
e2e_check "... no pool" no_pool "$P"
e2e_check "... no directory" test ! -e "$D"
rm -f "$E2E_TMP/pause"

# ---- an fs pool on a loop device -------------------------------------------
truncate -s 64M "$E2E_TMP/fs.img"
LOOP=$(losetup -f --show "$E2E_TMP/fs.img")
e2e_check "a loop device over the test's file" test -b "$LOOP"
F="${N}fs"
e2e_run pool create "$F" --type fs --source-dev "$LOOP" --source-format ext4 --target "$MNT" --build
e2e_check "pool create --type fs --build exits 0 ($ERR)" test "$RC" -eq 0
e2e_check "the file system is ext4" test "$(blkid -o value -s TYPE "$LOOP")" = ext4
e2e_check "it is mounted at the target" test "$(findmnt -n -o SOURCE "$MNT")" = "$LOOP"
echo keep >"$MNT/marker"
virsh -q pool-refresh "$F" >/dev/null
e2e_run pool delete "$F"
e2e_check "pool delete with a volume no VM uses: exit 1" test "$RC" -eq 1
e2e_check "... naming it" grep -qF "it holds 1 volume no VM uses ('marker'); add --volumes to delete them with it" <<<"$ERR"
virsh -q pool-destroy "$F" >/dev/null && virsh -q pool-undefine "$F" >/dev/null
e2e_check "(stopped and undefined behind vprov's back: unmounted)" sh -c "! findmnt '$MNT' >/dev/null"
e2e_run pool create "$F" --type fs --source-dev "$LOOP" --source-format ext4 --target "$MNT" --build
e2e_check "--build over a file system: refused (exit 1)" test "$RC" -eq 1
e2e_check "... one line" one_line
e2e_check "... no pool left" no_pool "$F"
e2e_run pool create "$F" --type fs --source-dev "$LOOP" --target "$MNT"
e2e_check "pool create without --build mounts it as it is" test "$RC" -eq 0
e2e_check "the file on it survived" test "$(cat "$MNT/marker" 2>/dev/null)" = keep
e2e_run pool delete "$F" --volumes
e2e_check "pool delete --volumes exits 0" test "$RC" -eq 0
e2e_check "... unmounted" sh -c "! findmnt '$MNT' >/dev/null"
e2e_check "... the mount point removed" test ! -e "$MNT"
e2e_check "... undefined" no_pool "$F"
losetup -d "$LOOP" && LOOP=

# ---- resource checks ---------------------------------------------------------
HOST=$(virsh hostname)
e2e_run create "${N}big" --memory 1000G --disk size=1 --network none --graphics none --import --noautoconsole
e2e_check "create --memory 1000G: exit 2" test "$RC" -eq 2
e2e_check "... one line" one_line
e2e_check "... with the numbers" grep -qE "^vprov create: not enough memory on host '$HOST': 1000 GiB asked, [0-9.]+ [GM]iB available \(add --force to create it anyway\)$" <<<"$ERR"
e2e_check "... no VM" no_vm "${N}big"
e2e_check "... no volume" sh -c "! virsh -q vol-list default | grep -q '${N}big'"
e2e_run create "${N}big" --memory 1000G --disk size=1 --network none --graphics none --import --dry-run --force
e2e_check "--force goes on (dry run)" test "$RC" -eq 0
e2e_check "... saying it as a warning" grep -qF "1000 GiB asked" <<<"$ERR"
e2e_check "... and what it weighed" grep -qE "^checked host '$HOST': memory 1000 GiB asked, [0-9.]+ [GM]iB available" <<<"$OUT"

# a disk larger than the pool, not sparse
P2="${N}small"
e2e_run pool create "$P2" --type dir --target "$E2E_TMP/$P2"
AVAIL=$(pool_info_bytes "$P2" Available)
TOO=$((AVAIL / 1073741824 + 10))
e2e_run create "${N}disk" --disk pool="$P2",size="$TOO",sparse=no "${C[@]}"
e2e_check "a non-sparse disk larger than the pool: exit 2" test "$RC" -eq 2
e2e_check "... with the numbers" grep -qE "^vprov create: not enough space in storage pool '$P2' on host '$HOST': $TOO GiB asked for new disks \(not sparse\), [0-9.]+ [GM]iB available \(add --force to create it anyway\)$" <<<"$ERR"
e2e_check "... no VM" no_vm "${N}disk"
e2e_check "... no volume" test -z "$(ls -A "$E2E_TMP/$P2")"
e2e_run create "${N}disk" --disk pool="$P2",size="$TOO",sparse=no "${C[@]}" --dry-run --force
e2e_check "--force goes on (dry run)" test "$RC" -eq 0
e2e_run create "${N}disk" --disk pool="$P2",size="$TOO" "${C[@]}" --dry-run --json
e2e_check "a sparse one: only a warning" test "$RC" -eq 0
e2e_check "... of overcommit" grep -qF "the new disks in storage pool '$P2' on host '$HOST' can grow to $TOO GiB" <<<"$ERR"
e2e_check "the plan's figures are the pool's" \
	test "$(jget "j['plan']['resources']['pools'][0]['available_bytes']")" = "$(pool_info_bytes "$P2" Available)"

# more vCPUs than the host's CPUs: a warning, and the VM is made
CPUS=$(virsh nodeinfo | awk '/^CPU\(s\):/ { print $2 }')
e2e_run create "${N}cpus" --vcpus $((CPUS + 1)) --disk pool="$P2",size=1 --import --network none \
	--graphics none --memory 256 --noautoconsole
e2e_check "--vcpus $((CPUS + 1)) on $CPUS CPUs: made" test "$RC" -eq 0
e2e_check "... with a warning" grep -qF "$((CPUS + 1)) vCPUs asked, more than the $CPUS CPUs of host '$HOST'" <<<"$ERR"
e2e_run create "${N}cpus2" --vcpus $((CPUS * 4 + 1)) --disk none --import --network none --memory 256 --dry-run
e2e_check "--vcpus $((CPUS * 4 + 1)): refused" test "$RC" -eq 2
e2e_run delete "${N}cpus"
e2e_run pool delete "$P2"
e2e_check "the small pool deleted" test "$RC" -eq 0

e2e_finish
