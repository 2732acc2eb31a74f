#!/bin/bash
# shellcheck disable=SC2016,SC2317 # the checks run in evals, expanded there; e2e_check calls helpers
# tests/e2e/test_interrupt.sh — a create that fails or is interrupted at
# any step leaves nothing on the real libvirtd (qemu:///system), and two
# creates of one name never make two of anything:
#
#   1. fault injection by step name (VPROV_FAIL_AT=pool|volume|define|start|
#      autostart) on a create that needs every step (a new directory, a new
#      pool for it, a volume, --autostart): exit 1, one line, and no domain,
#      volume, console log, directory, pool or journal is left; the same
#      create without the knob works and `vprov delete` removes it;
#   2. SIGINT once the volume exists (paused after the volume step; the
#      volume is checked on the host first): exit 130, "interrupted", and
#      nothing is left;
#   3. SIGINT during the start step (paused with the undo on disk, just
#      before the VM starts; it still starts, then everything is unwound):
#      exit 130, the domain, its volume and its console log are gone;
#   4. SIGTERM 0-40 ms after the start, ten times (the first at once): vprov
#      either died by the signal before it caught signals or exited 143 with
#      one line; either way nothing is left (how the runs split is printed);
#   5. eight creates of one name at once: exactly one exits 0, the seven
#      others exit 2 naming the VM; one VM, one volume, and its console log
#      shows the guest booting.
#
# Every check looks at the host (virsh, the file system, the journal
# directory), not only at exit codes.
#
# usage: bash tests/e2e/test_interrupt.sh path/to/vprov

# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

BOOT="kernel=$E2E_KERNEL,initrd=$E2E_INITRD,kernel_args=\"$E2E_KARGS\""
VM=(--memory 256 --vcpus 1 --network none --graphics none --noautoconsole --boot "$BOOT")
JDIR=$XDG_STATE_HOME/vprov/journal
DIRS=/var/tmp/${E2E_PREFIX}
LOGDIR=/var/log/libvirt/qemu
BGPIDS=()   # vprov processes this test started in the background and
            # has not waited for yet (a pid waited for may be reused)

MAIN_PID=$BASHPID
int_cleanup() {
	# a child of this script that a signal hits after the fork, before
	# it exec'd vprov, runs this trap too: only the script itself cleans up
	[ "$BASHPID" = "$MAIN_PID" ] || return 0
	local p
	# a vprov still paused or running when the test stops: ours, by pid
	for p in "${BGPIDS[@]}"; do
		kill -9 "$p" 2>/dev/null
	done
	e2e_cleanup
	for p in $(virsh -q pool-list --all --name 2>/dev/null); do
		case "$(virsh -q pool-dumpxml "$p" 2>/dev/null)" in *"<path>$DIRS"*)
			virsh -q pool-destroy "$p" >/dev/null 2>&1
			virsh -q pool-undefine "$p" >/dev/null 2>&1 ;;
		esac
	done
	rm -rf "$DIRS"*
	rm -f "$LOGDIR/$E2E_PREFIX"*.log   # libvirt's own QEMU logs
}
trap int_cleanup EXIT

# journals: every undo journal file left (a live or dead create's).
journals() {
	find "$JDIR" -name '*.journal*' 2>/dev/null
}

# err_lines FILE: vprov's own lines on stderr, without the test knob's.
err_lines() {
	grep -v '^vprov-test: ' "$1"
}

# one_error FILE: exactly one line from vprov (the knob's lines aside).
one_error() {
	local l
	l=$(err_lines "$1")
	[ -n "$l" ] && [ "$(printf '%s\n' "$l" | wc -l)" -eq 1 ] && [[ $l == "vprov create: "* ]]
}

# wait_paused FILE PID SECONDS: until vprov says it paused on FILE; fails
# when PID ends first or the time is up.
wait_paused() {
	local i=0
	while [ "$i" -lt $(($3 * 20)) ]; do
		grep -q '^vprov-test: paused ' "$1" 2>/dev/null && return 0
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}

# nothing_left WHAT NAME: no domain, volume, console log or journal of NAME.
nothing_left() {
	local what=$1 name=$2
	e2e_check "$what: no domain '$name'" eval '! e2e_domain_exists "$name"'
	e2e_check "$what: no volume named after it in any pool" eval '[ -z "$(e2e_vols_named "$name")" ]'
	e2e_check "$what: no console log" [ ! -e "$LOGDIR/$name-console.log" ]
	e2e_check "$what: no undo journal is left" eval '[ -z "$(journals)" ]'
}

# ---- 1. fault injection by step name ----------------------------------------------

NAME=${E2E_PREFIX}fi
FIDIR=${DIRS}fi-dir   # does not exist: the create makes it and a pool for it
DISK=$FIDIR/$NAME.qcow2
for kind in pool volume define start autostart; do
	what="VPROV_FAIL_AT=$kind"
	VPROV_FAIL_AT=$kind "$VPROV" create "$NAME" "${VM[@]}" --autostart \
		--disk "path=$DISK,size=1" >"$E2E_TMP/out" 2>"$E2E_TMP/err"
	RC=$?
	ERR=$(cat "$E2E_TMP/err")
	e2e_check "$what: exits 1 (rc=$RC)" [ "$RC" -eq 1 ]
	e2e_check "$what: one line, the injected failure ($ERR)" \
		[ "$ERR" = "vprov create: failing on purpose at step '$kind' (test)" ]
	nothing_left "$what" "$NAME"
	e2e_check "$what: the directory it made is gone ($FIDIR)" [ ! -e "$FIDIR" ]
	e2e_check "$what: no pool at $FIDIR" eval '[ -z "$(e2e_pool_at "$FIDIR")" ]'
done

e2e_run create "$NAME" "${VM[@]}" --autostart --disk "path=$DISK,size=1"
e2e_check "the same create without the knob works (rc=$RC${ERR:+: $ERR})" [ "$RC" -eq 0 ]
e2e_check "... the VM runs" [ "$(e2e_state "$NAME")" = running ]
e2e_check "... it starts at boot" \
	eval '[ "$(virsh -q dominfo "$NAME" | awk "/^Autostart:/ {print \$2}")" = enable ]'
e2e_check "... its disk is in a new pool at $FIDIR" \
	eval '[ -f "$DISK" ] && [ -n "$(e2e_pool_at "$FIDIR")" ]'
e2e_check "... its console log exists" [ -e "$LOGDIR/$NAME-console.log" ]
e2e_check "... no undo journal is left once it is made" eval '[ -z "$(journals)" ]'
e2e_run delete "$NAME"
e2e_check "vprov delete removes it (rc=$RC${ERR:+: $ERR})" [ "$RC" -eq 0 ]
nothing_left "after delete" "$NAME"
e2e_check "after delete: the disk file is gone" [ ! -e "$DISK" ]

# ---- 2. SIGINT once the volume exists ---------------------------------------------

NAME=${E2E_PREFIX}vol
PF=$E2E_TMP/pause-vol
touch "$PF"
VPROV_TEST_PAUSE=volume:after:$PF "$VPROV" create "$NAME" "${VM[@]}" --disk size=1 \
	>"$E2E_TMP/vol.out" 2>"$E2E_TMP/vol.err" &
pid=$!
BGPIDS+=("$pid")
if wait_paused "$E2E_TMP/vol.err" "$pid" 60; then
	e2e_check "paused after the volume step ($(head -n 1 "$E2E_TMP/vol.err"))" \
		grep -q "^vprov-test: paused after step 'volume' (pid $pid)" "$E2E_TMP/vol.err"
	vol=$(e2e_vols_named "$NAME")
	e2e_check "at the pause the volume is on the host ($vol)" \
		eval '[ -n "$vol" ] && [ -f "$(virsh -q vol-path --pool "${vol%%/*}" "${vol#*/}")" ]'
	e2e_check "at the pause its undo journal is on disk" eval '[ -n "$(journals)" ]'
	kill -INT "$pid"
else
	e2e_fail "create never paused after the volume step: $(cat "$E2E_TMP/vol.err")"
fi
rm -f "$PF"
wait "$pid"
RC=$?
BGPIDS=()
e2e_check "SIGINT after the volume: exit 130 (rc=$RC)" [ "$RC" -eq 130 ]
e2e_check "... one line, ending in 'interrupted; everything made was removed' ($(err_lines "$E2E_TMP/vol.err"))" \
	eval 'one_error "$E2E_TMP/vol.err" && [[ $(err_lines "$E2E_TMP/vol.err") == *"interrupted; everything made was removed" ]]'
nothing_left "SIGINT after the volume" "$NAME"

# ---- 3. SIGINT during the start step ----------------------------------------------

NAME=${E2E_PREFIX}start
PF=$E2E_TMP/pause-start
touch "$PF"
rm -f "$LOGDIR/$NAME.log"
VPROV_TEST_PAUSE=start:intent:$PF "$VPROV" create "$NAME" "${VM[@]}" --disk size=1 \
	>"$E2E_TMP/start.out" 2>"$E2E_TMP/start.err" &
pid=$!
BGPIDS+=("$pid")
if wait_paused "$E2E_TMP/start.err" "$pid" 60; then
	e2e_check "paused in the start step, its undo on disk ($(head -n 1 "$E2E_TMP/start.err"))" \
		grep -q "^vprov-test: paused intent step 'start' (pid $pid)" "$E2E_TMP/start.err"
	st=$(e2e_state "$NAME")
	e2e_check "at the pause the VM is defined, not yet running ($st)" [ "$st" = "shut off" ]
	e2e_check "at the pause its volume exists" eval '[ -n "$(e2e_vols_named "$NAME")" ]'
	kill -INT "$pid"
else
	e2e_fail "create never paused in the start step: $(cat "$E2E_TMP/start.err")"
fi
rm -f "$PF"
wait "$pid"
RC=$?
BGPIDS=()
e2e_check "SIGINT in the start step: exit 130 (rc=$RC)" [ "$RC" -eq 130 ]
e2e_check "... one line, ending in 'interrupted; everything made was removed' ($(err_lines "$E2E_TMP/start.err"))" \
	eval 'one_error "$E2E_TMP/start.err" && [[ $(err_lines "$E2E_TMP/start.err") == *"interrupted; everything made was removed" ]]'
# libvirt's own log of the domain says QEMU started and was destroyed
e2e_check "... the VM did start before it was unwound (libvirt's $NAME.log)" \
	eval 'grep -q "starting up" "$LOGDIR/$NAME.log" 2>/dev/null && grep -q "shutting down, reason=destroyed" "$LOGDIR/$NAME.log"'
nothing_left "SIGINT in the start step" "$NAME"

# ---- 4. SIGTERM in the first milliseconds -----------------------------------------

NAME=${E2E_PREFIX}term
n_died=0 n_early=0 n_unwound=0
for i in $(seq 1 10); do
	# the first run at once (before vprov is even exec'd), then at random
	ms=0
	[ "$i" -gt 1 ] && ms=$((RANDOM % 41))
	# (a child killed before its redirections leaves no file: none stale)
	rm -f "$E2E_TMP/term.out" "$E2E_TMP/term.err"
	"$VPROV" create "$NAME" "${VM[@]}" --disk size=1 >"$E2E_TMP/term.out" 2>"$E2E_TMP/term.err" &
	pid=$!
	BGPIDS+=("$pid")
	[ "$ms" -gt 0 ] && sleep "0.$(printf '%03d' "$ms")"
	kill -TERM "$pid"
	wait "$pid"
	RC=$?
	BGPIDS=()
	ERR=$(cat "$E2E_TMP/term.err" 2>/dev/null)
	what="SIGTERM after $ms ms (run $i)"
	if [ "$RC" -eq 143 ] && ! grep -q '^vprov' "$E2E_TMP/term.err" 2>/dev/null; then
		# (what stderr may hold then is bash's, from the forked child)
		n_died=$((n_died + 1))
		e2e_ok "$what: died by the signal before it caught signals"
	elif [ "$RC" -eq 143 ] && one_error "$E2E_TMP/term.err" && [[ $ERR == *": interrupted; nothing was made" ]]; then
		n_early=$((n_early + 1))
		e2e_ok "$what: exit 143 before it made anything ($ERR)"
	elif [ "$RC" -eq 143 ] && one_error "$E2E_TMP/term.err" &&
		[[ $ERR == *"interrupted; everything made was removed" ]]; then
		n_unwound=$((n_unwound + 1))
		e2e_ok "$what: exit 143 after unwinding ($ERR)"
	else
		e2e_fail "$what: neither death by SIGTERM nor exit 143 with one line (rc=$RC: $ERR)"
	fi
	nothing_left "$what" "$NAME"
done
echo "SIGTERM runs: $n_died died by the signal before vprov caught it, $n_early exited 143 before making anything, $n_unwound exited 143 after unwinding"

# ---- 5. eight creates of one name at once -----------------------------------------

NAME=${E2E_PREFIX}race
pids=()
for i in 1 2 3 4 5 6 7 8; do
	"$VPROV" create "$NAME" "${VM[@]}" --disk size=1 >"$E2E_TMP/race$i.out" 2>"$E2E_TMP/race$i.err" &
	pids+=($!)
	BGPIDS+=($!)
done
winners=0 losers=0 i=0
for pid in "${pids[@]}"; do
	i=$((i + 1))
	wait "$pid"
	RC=$?
	last=$(tail -n 1 "$E2E_TMP/race$i.err")
	if [ "$RC" -eq 0 ]; then
		winners=$((winners + 1))
	elif [ "$RC" -eq 2 ] && [[ $last == "vprov create: a VM named '$NAME' "* ]] &&
		[[ $last == *"already exists" || $last == *"was made meanwhile by someone else" ]]; then
		losers=$((losers + 1))
	else
		e2e_fail "create $i of 8: rc=$RC, stderr: $(tr '\n' '|' <"$E2E_TMP/race$i.err")"
	fi
done
BGPIDS=()
e2e_check "eight creates of '$NAME' at once: exactly one exits 0 ($winners)" [ "$winners" -eq 1 ]
e2e_check "... the seven others exit 2 naming '$NAME' ($losers)" [ "$losers" -eq 7 ]
e2e_check "... the VM runs" [ "$(e2e_state "$NAME")" = running ]
e2e_check "... exactly one volume is named after it ($(e2e_vols_named "$NAME" | tr '\n' ' '))" \
	eval '[ "$(e2e_vols_named "$NAME" | wc -l)" -eq 1 ]'
LOG=$LOGDIR/$NAME-console.log
e2e_check "... its console log exists" [ -e "$LOG" ]
if e2e_wait_log "$LOG" "SeaBIOS|Linux version" 90; then
	e2e_ok "... its console log shows the guest (SeaBIOS or the kernel)"
	s1=$(stat -c %s "$LOG")
	grew=0
	for _ in $(seq 1 300); do
		[ "$(stat -c %s "$LOG" 2>/dev/null || echo 0)" -gt "$s1" ] && grew=1 && break
		sleep 0.2
	done
	e2e_check "... and keeps growing (was $s1 bytes, now $(stat -c %s "$LOG"))" [ "$grew" -eq 1 ]
else
	e2e_fail "... no SeaBIOS or kernel output in its console log within 90 s: $(head -c 300 "$LOG" 2>/dev/null)"
fi
e2e_check "... no undo journal is left" eval '[ -z "$(journals)" ]'
e2e_run delete "$NAME"
e2e_check "vprov delete removes the winner (rc=$RC${ERR:+: $ERR})" [ "$RC" -eq 0 ]
nothing_left "after delete" "$NAME"

# nothing of this test's anywhere
e2e_check "no domain or volume with the prefix $E2E_PREFIX is left" \
	eval '[ -z "$(virsh -q list --all --name | grep "^$E2E_PREFIX")" ] && [ -z "$(e2e_vols_named "$E2E_PREFIX")" ]'

e2e_finish
