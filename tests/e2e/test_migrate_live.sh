#!/bin/bash
# shellcheck disable=SC2016,SC2317 # the checks run in evals, expanded there
# tests/e2e/test_migrate_live.sh — `vprov migrate` of a running guest
# between two real libvirt hosts on this machine: host A (qemu:///system)
# and host B (scripts/libvirtd-second-host.sh, qemu+tcp://127.0.0.2/system).
# The guest is the kernel+initrd one under TCG (an initramfs shell on its
# serial console); "it runs" means a command typed on its console answers.
#
#   1. shared storage (a directory pool of the same name and path on both
#      hosts): a name clash on B is refused with nothing changed; without
#      --unsafe libvirt refuses (the directory is no shared file system to
#      it) and vprov says what to do; with --unsafe the guest moves A->B
#      peer to peer, runs there (its console answers over `vprov -c B
#      console`), is persistent there with vprov's record (`vprov -c B info
#      --json`: managed, its disk owned), is gone from A; then back B->A
#      through the client (`vprov -c B migrate VM qemu:///system`).
#   2. --copy-storage between the two hosts' own 'default' pools: A->B and
#      back; the volume moves with the guest (gone from the source).
#   3. faults: --timeout on a throttled copy aborts, the guest runs on A,
#      nothing of it on B (no domain, no volume); the same after a SIGINT
#      (exit 130); host B's libvirtd killed
#      mid-migration: the command fails in one line, the guest runs on A,
#      and once B runs again `vprov -c B list` removes what the migration
#      left there (journalled on B) and nothing of it remains.
#
# usage: bash tests/e2e/test_migrate_live.sh path/to/vprov

# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

R=$E2E_R
HOSTB=${VPROV_HOSTB_DIR:-/var/tmp/vprov-hostB}
BOOT="kernel=$E2E_KERNEL,initrd=$E2E_INITRD,kernel_args=\"$E2E_KARGS\""
VMARGS=(--memory 256 --vcpus 1 --network none --graphics none --noautoconsole --boot "$BOOT")
SHPOOL=${E2E_PREFIX}sh
SHDIR=/var/tmp/${E2E_PREFIX}shared
G1=${E2E_PREFIX}g1
G2=${E2E_PREFIX}g2
BGPID=
KILLED_B=0

mig_cleanup() {
	local u
	[ -n "$BGPID" ] && kill -9 "$BGPID" 2>/dev/null
	if [ "$KILLED_B" -eq 1 ] && ! virsh -q -c "$R" version >/dev/null 2>&1; then
		"$E2E_ROOT/scripts/libvirtd-second-host.sh" start
	fi
	for u in qemu:///system "$R"; do
		virsh -q -c "$u" destroy "$G1" >/dev/null 2>&1
		virsh -q -c "$u" undefine "$G1" >/dev/null 2>&1
		virsh -q -c "$u" destroy "$G2" >/dev/null 2>&1
		virsh -q -c "$u" undefine "$G2" >/dev/null 2>&1
		virsh -q -c "$u" pool-destroy "$SHPOOL" >/dev/null 2>&1
		virsh -q -c "$u" pool-undefine "$SHPOOL" >/dev/null 2>&1
	done
	rm -rf "$SHDIR"
	rm -f "$HOSTB/log/qemu/$E2E_PREFIX"* "$HOSTB/varlib/images/$E2E_PREFIX"*
	rm -f /var/log/libvirt/qemu/"$E2E_PREFIX"*.log
	e2e_second_host_cleanup
}

e2e_second_host
trap mig_cleanup EXIT

b_state() {
	virsh -q -c "$R" domstate "$1" 2>/dev/null | head -n 1
}
b_has() {
	virsh -q -c "$R" dominfo "$1" >/dev/null 2>&1
}
b_vols() { # the volumes (pool/name) on B whose name starts with $1
	local p
	for p in $(virsh -q -c "$R" pool-list --all --name 2>/dev/null); do
		virsh -q -c "$R" vol-list "$p" 2>/dev/null | awk -v p="$p" -v pre="$1" 'index($1, pre) == 1 {print p "/" $1}'
	done
}
one_line() {
	[ "$(printf '%s\n' "$ERR" | wc -l)" -eq 1 ] && [[ $ERR == "vprov migrate: "* ]]
}

# ---- 1. shared storage -----------------------------------------------------------

mkdir -p "$SHDIR"
for u in qemu:///system "$R"; do
	if ! virsh -q -c "$u" pool-define-as "$SHPOOL" dir --target "$SHDIR" >/dev/null ||
		! virsh -q -c "$u" pool-start "$SHPOOL" >/dev/null; then
		e2e_fail "cannot make the shared pool '$SHPOOL' on $u"
	fi
done

e2e_run create "$G1" "${VMARGS[@]}" --disk "pool=$SHPOOL,size=1"
e2e_check "create $G1 on A in the shared pool (rc=$RC${ERR:+: $ERR})" [ "$RC" -eq 0 ]
e2e_check "its console answers on A" e2e_console_answers qemu:///system "$G1" A1X

# a name clash on B: refused, nothing changed on either host
virsh -q -c "$R" define /dev/stdin >/dev/null <<EOX
<domain type='qemu'><name>$G1</name><memory unit='MiB'>64</memory><os><type arch='x86_64'>hvm</type></os></domain>
EOX
e2e_run migrate "$G1" "$R" --unsafe
e2e_check "a VM of that name on B: refused, exit 2 (rc=$RC)" [ "$RC" -eq 2 ]
e2e_check "... in one line naming the clash ($ERR)" \
	eval 'one_line && [[ $ERR == *"cannot migrate VM '"'$G1'"' to '"'$R'"': a VM of that name is there"* ]]'
e2e_check "... the guest still runs on A" [ "$(e2e_state "$G1")" = running ]
e2e_check "... and B's VM of that name is still only defined" [ "$(b_state "$G1")" = "shut off" ]
virsh -q -c "$R" undefine "$G1" >/dev/null

# libvirt's own refusal: the directory is no shared file system to it
e2e_run migrate "$G1" "$R"
e2e_check "without --unsafe libvirt refuses: exit 2 (rc=$RC)" [ "$RC" -eq 2 ]
e2e_check "... one line saying what to do ($ERR)" \
	eval 'one_line && [[ $ERR == *"--copy-storage"*"--unsafe"*"it goes on running on this host" ]]'
e2e_check "... the guest still runs on A" [ "$(e2e_state "$G1")" = running ]
e2e_check "... nothing of it on B" eval '! b_has "$G1"'

# A -> B, peer to peer
e2e_run migrate "$G1" "$R" --unsafe
e2e_check "migrate --unsafe A->B (rc=$RC${ERR:+: $ERR})" [ "$RC" -eq 0 ]
e2e_check "... says so ($OUT)" [ "$OUT" = "migrated VM '$G1' live to '$R'" ]
e2e_check "... it runs on B" [ "$(b_state "$G1")" = running ]
e2e_check "... and is gone from A" eval '! e2e_domain_exists "$G1"'
e2e_check "... its console over B answers with new output" e2e_console_answers "$R" "$G1" B1X
e2e_check "... it is persistent on B" eval 'virsh -q -c "$R" dominfo "$G1" | grep -q "^Persistent: *yes"'
e2e_run -c "$R" info "$G1" --json
e2e_check "... with vprov's record: managed, its disk in the shared pool and owned" \
	python3 -c "import json,sys; j=json.loads(sys.argv[1]); d=j['disks'][0]; sys.exit(not (j['managed'] and d['owned'] and d['source']==sys.argv[2]))" \
	"$OUT" "$SHDIR/$G1.qcow2"
e2e_check "... the shared volume is still there (nothing removed)" [ -f "$SHDIR/$G1.qcow2" ]

# B -> A, through the client (the source daemon cannot dial qemu:///system)
e2e_run -c "$R" migrate "$G1" qemu:///system --unsafe
e2e_check "migrate B->A with 'vprov -c B migrate VM qemu:///system' (rc=$RC${ERR:+: $ERR})" [ "$RC" -eq 0 ]
e2e_check "... it runs on A" [ "$(e2e_state "$G1")" = running ]
e2e_check "... and is gone from B" eval '! b_has "$G1"'
e2e_check "... its console on A answers with new output" e2e_console_answers qemu:///system "$G1" A2X
e2e_check "... persistent on A, with vprov's record" \
	eval 'virsh -q dominfo "$G1" | grep -q "^Persistent: *yes" && "$VPROV" info "$G1" --json | grep -q "\"managed\":true"'
e2e_run destroy "$G1"

# ---- 2. --copy-storage between the hosts' own pools -------------------------------

e2e_run create "$G2" "${VMARGS[@]}" --disk size=1
e2e_check "create $G2 on A in A's pool 'default' (rc=$RC${ERR:+: $ERR})" [ "$RC" -eq 0 ]
e2e_check "its console answers on A" e2e_console_answers qemu:///system "$G2" A3X

e2e_run migrate "$G2" "$R" --copy-storage --dry-run
e2e_check "--copy-storage --dry-run names the volume it would make on B and the source's it would delete" \
	eval '[[ $OUT == *"volume '"'$G2.qcow2'"'"*"migrate VM '"'$G2'"' live to"*"copying its disks"*"delete volume '"'/var/lib/libvirt/images/$G2.qcow2'"'"* ]]'
e2e_check "... and makes nothing on B" eval '! b_has "$G2" && [ -z "$(b_vols "$G2")" ]'

e2e_run migrate "$G2" "$R" --copy-storage
e2e_check "migrate --copy-storage A->B (rc=$RC${ERR:+: $ERR})" [ "$RC" -eq 0 ]
e2e_check "... it runs on B" [ "$(b_state "$G2")" = running ]
e2e_check "... its volume is in B's pool 'default' ($(b_vols "$G2"))" [ "$(b_vols "$G2")" = "default/$G2.qcow2" ]
e2e_check "... and gone from A with the VM" eval '! e2e_domain_exists "$G2" && [ -z "$(e2e_vols_named "$G2")" ]'
e2e_check "... its console over B answers with new output" e2e_console_answers "$R" "$G2" B2X
e2e_run -c "$R" info "$G2" --json
e2e_check "... vprov's record on B: its disk owned, at B's path" \
	python3 -c "import json,sys; j=json.loads(sys.argv[1]); d=j['disks'][0]; sys.exit(not (j['managed'] and d['owned'] and d['source']=='/var/lib/libvirt/images/'+sys.argv[2]+'.qcow2'))" \
	"$OUT" "$G2"

e2e_run -c "$R" migrate "$G2" qemu:///system --copy-storage
e2e_check "migrate --copy-storage B->A through the client (rc=$RC${ERR:+: $ERR})" [ "$RC" -eq 0 ]
e2e_check "... it runs on A" [ "$(e2e_state "$G2")" = running ]
e2e_check "... its volume is back in A's pool only" \
	eval '[ "$(e2e_vols_named "$G2")" = "default/$G2.qcow2" ] && [ -z "$(b_vols "$G2")" ] && ! b_has "$G2"'
e2e_check "... its console on A answers" e2e_console_answers qemu:///system "$G2" A4X

# ---- 3. faults ---------------------------------------------------------------------

# --timeout on a copy throttled to 1 MiB/s (its disk and 256 MiB of memory
# take minutes): aborted, the guest runs on A, nothing of it on B
e2e_run migrate "$G2" "$R" --copy-storage --bandwidth 1 --timeout 3
e2e_check "--timeout 3 at 1 MiB/s: exit 1 (rc=$RC)" [ "$RC" -eq 1 ]
e2e_check "... one line: aborted after the timeout, runs on A ($ERR)" \
	eval 'one_line && [[ $ERR == *"aborted after the --timeout of 3 s; it goes on running on this host" ]]'
e2e_check "... the guest runs on A" [ "$(e2e_state "$G2")" = running ]
e2e_check "... its console on A answers" e2e_console_answers qemu:///system "$G2" A5X
e2e_check "... no domain of it on B" eval '! b_has "$G2"'
e2e_check "... no volume of it on B (the one made for the copy was removed)" eval '[ -z "$(b_vols "$G2")" ]'
e2e_check "... its volume on A is still there" [ "$(e2e_vols_named "$G2")" = "default/$G2.qcow2" ]

# migrate_slowly TAG: move $G2 to B at 1 MiB/s in the background (output
# in $E2E_TMP/TAG.out and .err, its pid in BGPID) and wait until the
# incoming VM is on B; started=1 when it got there
migrate_slowly() {
	"$VPROV" migrate "$G2" "$R" --copy-storage --bandwidth 1 >"$E2E_TMP/$1.out" 2>"$E2E_TMP/$1.err" &
	BGPID=$!
	started=0
	for _ in $(seq 1 600); do
		if b_has "$G2"; then
			started=1
			break
		fi
		kill -0 "$BGPID" 2>/dev/null || break
		sleep 0.1
	done
}

# SIGINT mid-migration: aborted, exit 130, the guest runs on A, nothing on B
migrate_slowly i
e2e_check "a migration under way has the incoming VM on B" [ "$started" -eq 1 ]
kill -INT "$BGPID"
wait "$BGPID"
RC=$?
BGPID=
ERR=$(cat "$E2E_TMP/i.err")
e2e_check "SIGINT mid-migration: exit 130 (rc=$RC)" [ "$RC" -eq 130 ]
e2e_check "... one line: aborted, everything made removed, runs on A ($ERR)" \
	eval 'one_line && [[ $ERR == *"interrupted: the migration of VM '"'$G2'"' was aborted; it goes on running on this host"*"removed"* ]]'
e2e_check "... the guest runs on A" [ "$(e2e_state "$G2")" = running ]
e2e_check "... no domain of it on B" eval '! b_has "$G2"'
e2e_check "... no volume of it on B" eval '[ -z "$(b_vols "$G2")" ]'

# host B's libvirtd killed mid-migration
B_PIDFILE=$HOSTB/run/libvirtd-b.pid
migrate_slowly k
e2e_check "the migration under way has the incoming VM on B" [ "$started" -eq 1 ]
bpid=$(cat "$B_PIDFILE" 2>/dev/null)
if [ -n "$bpid" ] && tr '\0' ' ' <"/proc/$bpid/cmdline" 2>/dev/null | grep -q "libvirtd.*libvirtd-b.pid"; then
	KILLED_B=1
	kill -9 "$bpid"
	for _ in $(seq 1 100); do
		kill -0 "$bpid" 2>/dev/null || break
		sleep 0.05
	done
else
	e2e_fail "no libvirtd of host B in $B_PIDFILE (pid '$bpid')"
fi
wait "$BGPID"
RC=$?
BGPID=
ERR=$(cat "$E2E_TMP/k.err")
e2e_check "host B killed: the migration fails, exit 1 (rc=$RC)" [ "$RC" -eq 1 ]
e2e_check "... in one line ($ERR)" one_line
e2e_check "... the guest runs on A" [ "$(e2e_state "$G2")" = running ]
e2e_check "... its console on A answers" e2e_console_answers qemu:///system "$G2" A6X
e2e_check "host B starts again" "$E2E_ROOT/scripts/libvirtd-second-host.sh" start
KILLED_B=0
e2e_run -c "$R" list --all
e2e_check "vprov -c B list after the restart (rc=$RC${ERR:+: $ERR})" [ "$RC" -eq 0 ]
echo "  what B's first vprov command said: ${ERR:-nothing}"
e2e_check "... it rolled back the migration's leftovers there and said so" \
	eval '[[ $ERR == *"rolled back an interrupted '"'migrate $G2'"'"* ]]'
e2e_check "... nothing of the guest is left on B: no domain" eval '! b_has "$G2"'
e2e_check "... no volume ($(b_vols "$G2"))" eval '[ -z "$(b_vols "$G2")" ]'
e2e_check "... and no journal of it is left" \
	eval '[ -z "$(find "$XDG_STATE_HOME/vprov/journal" -name "migrate-$G2-*" 2>/dev/null)" ]'
e2e_check "the guest's volume on A is intact" [ "$(e2e_vols_named "$G2")" = "default/$G2.qcow2" ]

e2e_finish
