#!/bin/bash
# shellcheck disable=SC2016,SC2317 # $((...)) in single quotes is for the guest; e2e_check calls helpers
# tests/e2e/test_console.sh — vprov console on a real guest: the live
# console (a command typed through it is run by the guest's shell), its end
# when the VM stops, on the escape, on --timeout and on a signal, --force,
# and the console log of running, stopped and never-started VMs.
#
#   bash tests/e2e/test_console.sh build/vprov
#
# The guest is the Debian kernel and initrd from /boot with "break=top": its
# initramfs shell "(initramfs)" answers on the serial console within ~20 s
# under TCG, no disk needed.

# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

VM="${E2E_PREFIX}con"
BOOT="kernel=$E2E_KERNEL,initrd=$E2E_INITRD,kernel_args=\"$E2E_KARGS\""

# wait_console_log PATTERN SECONDS: until 'vprov console VM --log' shows PATTERN.
wait_console_log() {
	local i=0
	while [ "$i" -lt $(($2 * 2)) ]; do
		if "$VPROV" console "$VM" --log 2>/dev/null | grep -qE "$1"; then
			return 0
		fi
		sleep 0.5
		i=$((i + 1))
	done
	return 1
}

# run_bounded SECONDS ARGS...: e2e_run, but a vprov that hangs is killed
# (RC 137) so that a broken end of session fails instead of blocking.
run_bounded() {
	local secs=$1
	shift
	OUT=$(timeout -s KILL "$secs" "$VPROV" "$@" 2>"$E2E_TMP/stderr")
	RC=$?
	ERR=$(cat "$E2E_TMP/stderr")
}

# wait_gone PID SECONDS: until the process PID has ended.
wait_gone() {
	local i=0
	while [ "$i" -lt $(($2 * 10)) ]; do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# ---- usage errors, before any VM exists -----------------------------------

e2e_run console "$VM" --bogus
e2e_check "an unknown option exits 2" [ "$RC" -eq 2 ]
e2e_check "an unknown option is named" grep -q -- "--bogus" <<<"$ERR"

e2e_run console
e2e_check "a missing name exits 2" [ "$RC" -eq 2 ]

e2e_run console "$VM" --timeout 5x
e2e_check "a bad --timeout exits 2" [ "$RC" -eq 2 ]

e2e_run console "$VM" --log --force
e2e_check "--log with --force exits 2" [ "$RC" -eq 2 ]

run_bounded 40 console "${E2E_PREFIX}nosuchvm" </dev/null
e2e_check "attach to an unknown VM exits 2" [ "$RC" -eq 2 ]
e2e_check "attach to an unknown VM says so" grep -q "no VM named '${E2E_PREFIX}nosuchvm'" <<<"$ERR"

e2e_run console "${E2E_PREFIX}nosuchvm" --log
e2e_check "--log of an unknown VM exits 2" [ "$RC" -eq 2 ]

# ---- a running guest ------------------------------------------------------

e2e_run create "$VM" --boot "$BOOT" --disk none --network none --graphics none --memory 512 \
	--noautoconsole
e2e_check "create the guest" [ "$RC" -eq 0 ]
if [ "$RC" -ne 0 ]; then
	echo "$ERR" >&2
	e2e_finish
fi
LOG=$(virsh dumpxml "$VM" | sed -n "s/.*<log file='\([^']*\)'.*/\1/p" | head -n 1)
e2e_check "the guest has a console log" [ -n "$LOG" ]

e2e_check "--log shows the initramfs shell prompt" wait_console_log '\(initramfs\)' 120
"$VPROV" console "$VM" --log >"$E2E_TMP/log.out"
e2e_check "--log prints the log file byte for byte" cmp -s "$E2E_TMP/log.out" "$LOG"

# A command typed through the live console: only the guest's shell turns
# $((40+2)) into 42, so MARK42 proves the round trip.  stdin ends at once;
# the output must still be relayed until --timeout.
printf 'echo MARK$((40+2))\n' >"$E2E_TMP/in"
t0=$(date +%s)
run_bounded 40 console "$VM" --timeout 8 <"$E2E_TMP/in"
t1=$(date +%s)
e2e_check "console with piped stdin and --timeout exits 0" [ "$RC" -eq 0 ]
e2e_check "the guest ran the piped command (MARK42)" grep -q "MARK42" <<<"$OUT"
e2e_check "no escape banner without a terminal" [ -z "$ERR" ]
e2e_check "the end of stdin does not end the session (--timeout does)" [ $((t1 - t0)) -ge 7 ]
e2e_check "--timeout ends the session in time" [ $((t1 - t0)) -le 20 ]

# Output the guest prints after stdin has ended still arrives.
printf 'sleep 2; echo LATE$((1+1))\n' >"$E2E_TMP/in"
run_bounded 40 console "$VM" --timeout 10s <"$E2E_TMP/in"
e2e_check "output after the end of stdin is relayed (LATE2)" grep -q "LATE2" <<<"$OUT"

# An interrupt ends the session with 130.
"$VPROV" console "$VM" </dev/null >/dev/null 2>"$E2E_TMP/int.err" &
pid=$!
sleep 2
kill -INT "$pid"
if wait_gone "$pid" 10; then
	wait "$pid"
	rc=$?
	e2e_check "SIGINT ends the session with 130 (got $rc)" [ "$rc" -eq 130 ]
	e2e_check "SIGINT says it was interrupted" grep -q "interrupted" "$E2E_TMP/int.err"
else
	e2e_fail "SIGINT did not end the session"
	kill -KILL "$pid" 2>/dev/null
fi

# One session at a time; --force takes the console over.
"$VPROV" console "$VM" --timeout 60 </dev/null >/dev/null 2>"$E2E_TMP/holder.err" &
holder=$!
sleep 2
run_bounded 40 console "$VM" --timeout 2 </dev/null
e2e_check "a second session without --force exits 1 (got $RC)" [ "$RC" -eq 1 ]
e2e_check "a second session points to --force" grep -q -- "--force" <<<"$ERR"
printf 'echo FORCED$((2*3))\n' >"$E2E_TMP/in"
run_bounded 40 console "$VM" --force --timeout 5 <"$E2E_TMP/in"
e2e_check "--force takes the console over and works" [ "$RC" -eq 0 ]
e2e_check "the forced session reached the guest (FORCED6)" grep -q "FORCED6" <<<"$OUT"
if wait_gone "$holder" 10; then
	wait "$holder"
	rc=$?
	e2e_check "the session taken over ends with 1 (got $rc)" [ "$rc" -eq 1 ]
	e2e_check "the session taken over says it was disconnected" \
		grep -q "disconnected" "$E2E_TMP/holder.err"
else
	e2e_fail "the session taken over did not end"
	kill -KILL "$holder" 2>/dev/null
fi

# The TTY path, on a pseudo-terminal from util-linux script(1): the banner,
# raw mode (Enter arrives as \r), the escape, and the terminal restored.
if command -v script >/dev/null 2>&1; then
	(sleep 3; printf 'echo TTY$((3+4))\r'; sleep 3; printf '\035'; sleep 2) |
		timeout 60 script -qfec "$VPROV console $VM; echo \"rc=\$?\"; stty -a" /dev/null \
			>"$E2E_TMP/tty.out" 2>&1
	e2e_check "the TTY session prints the banner" \
		grep -q "connected to VM '$VM' console; escape with ^]" "$E2E_TMP/tty.out"
	e2e_check "the TTY session reached the guest (TTY7)" grep -q "TTY7" "$E2E_TMP/tty.out"
	e2e_check "Ctrl+] detaches with 0" grep -q "^rc=0" "$E2E_TMP/tty.out"
	# stty -a runs after vprov: only its lines (from "rc=" on) say how the
	# terminal was left; raw mode shows as -icanon -echo
	sed -n '/^rc=/,$p' "$E2E_TMP/tty.out" | tr -d '\r' >"$E2E_TMP/stty.out"
	e2e_check "the terminal is back in canonical mode" grep -qE "(^| )icanon( |$)" "$E2E_TMP/stty.out"
	e2e_check "the terminal echoes again" grep -qE "(^| )echo( |$)" "$E2E_TMP/stty.out"

	sleep 6 | timeout 60 script -qfec \
		"sh -c '(sleep 2; kill -TERM \$\$) & exec $VPROV console $VM'; echo \"rc=\$?\"; stty -a" \
		/dev/null >"$E2E_TMP/tty2.out" 2>&1
	e2e_check "SIGTERM in raw mode exits 143 (128 + SIGTERM)" grep -q "^rc=143" "$E2E_TMP/tty2.out"
	sed -n '/^rc=/,$p' "$E2E_TMP/tty2.out" | tr -d '\r' >"$E2E_TMP/stty2.out"
	e2e_check "SIGTERM in raw mode restores the terminal" \
		grep -qE "(^| )icanon( |$)" "$E2E_TMP/stty2.out"
else
	e2e_fail "script(1) is missing: scripts/setup-deps.sh installs bsdutils for the TTY tests"
fi

# The VM stopping ends an attached session with 0.
"$VPROV" console "$VM" --timeout 120 </dev/null >/dev/null 2>"$E2E_TMP/stop.err" &
pid=$!
sleep 2
virsh -q destroy "$VM" >/dev/null
if wait_gone "$pid" 15; then
	wait "$pid"
	rc=$?
	e2e_check "the VM stopping ends the session with 0 (got $rc)" [ "$rc" -eq 0 ]
else
	e2e_fail "the session did not end when the VM stopped"
	kill -KILL "$pid" 2>/dev/null
fi

# ---- a stopped guest ------------------------------------------------------

run_bounded 40 console "$VM" </dev/null
e2e_check "console on a stopped VM exits 1" [ "$RC" -eq 1 ]
e2e_check "console on a stopped VM points to --log" grep -q -- "vprov console $VM --log" <<<"$ERR"

e2e_run console "$VM" --log
e2e_check "--log on a stopped VM exits 0" [ "$RC" -eq 0 ]
e2e_check "--log on a stopped VM keeps the old output" grep -q "MARK42" <<<"$OUT"

if [ -w /dev/full ]; then
	"$VPROV" console "$VM" --log >/dev/full 2>"$E2E_TMP/full.err"
	rc=$?
	e2e_check "--log to a full disk exits 1 (got $rc)" [ "$rc" -eq 1 ]
	e2e_check "--log to a full disk says so" grep -q "cannot write" "$E2E_TMP/full.err"
fi

# ---- never started; no log at all ----------------------------------------

NEW="${E2E_PREFIX}new"
"$VPROV" create "$NEW" --boot "$BOOT" --disk none --network none --graphics none --memory 512 \
	--print-xml >"$E2E_TMP/new.xml" 2>/dev/null
virsh -q define "$E2E_TMP/new.xml" >/dev/null 2>&1
e2e_check "define a VM that never ran" e2e_domain_exists "$NEW"
NEWLOG=$(virsh dumpxml "$NEW" | sed -n "s/.*<log file='\([^']*\)'.*/\1/p" | head -n 1)
rm -f "$NEWLOG"
e2e_run console "$NEW" --log
e2e_check "--log of a VM that never ran exits 0" [ "$RC" -eq 0 ]
e2e_check "--log of a VM that never ran prints nothing" [ -z "$OUT" ]

# A log larger than one chunk comes out whole.
if [ -n "$NEWLOG" ]; then
	head -c 300000 /dev/urandom | base64 >"$NEWLOG"
	"$VPROV" console "$NEW" --log >"$E2E_TMP/big.out"
	e2e_check "a 400 KB log is copied whole" cmp -s "$E2E_TMP/big.out" "$NEWLOG"
	rm -f "$NEWLOG"
fi

BARE="${E2E_PREFIX}bare"
sed -e "s/$NEW/$BARE/g" -e '/<log /d' -e '/<uuid>/d' "$E2E_TMP/new.xml" >"$E2E_TMP/bare.xml"
virsh -q define "$E2E_TMP/bare.xml" >/dev/null 2>&1
e2e_check "define a VM without a console log" e2e_domain_exists "$BARE"
e2e_run console "$BARE" --log
e2e_check "--log without a console log exits 1" [ "$RC" -eq 1 ]
e2e_check "--log without a console log says so" grep -q "no console log" <<<"$ERR"

# ---- create attaches the console on a terminal (autoconsole) --------------

if command -v script >/dev/null 2>&1; then
	AC="${E2E_PREFIX}auto"
	# type once the guest's shell is there (a fixed delay was too short
	# on a loaded machine)
	(i=0; until grep -aq '(initramfs)' "$E2E_TMP/auto.out" 2>/dev/null || [ "$i" -ge 300 ]; do
		sleep 0.5; i=$((i + 1)); done
	 sleep 1; printf 'echo AC$((2+3))\r'; sleep 3; printf '\035') |
		timeout 200 script -qfec "$VPROV create $AC --memory 256 --disk none --network none --graphics none --boot '$BOOT'" \
			/dev/null >"$E2E_TMP/auto.out" 2>&1
	e2e_check "create on a terminal shows the console banner" grep -aq "connected to VM '$AC' console" "$E2E_TMP/auto.out"
	e2e_check "and relays a round trip through the guest" grep -aq "AC5" "$E2E_TMP/auto.out"
	e2e_check "Ctrl+] leaves the VM running" [ "$(e2e_state "$AC")" = running ]

	# virt-install's --destroy-on-exit: leaving the console powers the VM off
	DX="${E2E_PREFIX}dexit"
	(i=0; until grep -aq '(initramfs)' "$E2E_TMP/dexit.out" 2>/dev/null || [ "$i" -ge 300 ]; do
		sleep 0.5; i=$((i + 1)); done
	 sleep 1; printf '\035') |
		timeout 200 script -qfec "$VPROV create $DX --memory 256 --disk none --network none --graphics none --boot '$BOOT' --destroy-on-exit" \
			/dev/null >"$E2E_TMP/dexit.out" 2>&1
	e2e_check "--destroy-on-exit: create attached the console" grep -aq "connected to VM '$DX' console" "$E2E_TMP/dexit.out"
	e2e_check "--destroy-on-exit: leaving it powered the VM off ($(e2e_state "$DX"))" \
		[ "$(e2e_state "$DX")" = "shut off" ]
	e2e_check "--destroy-on-exit: and said so" grep -aq "powered off (--destroy-on-exit)" "$E2E_TMP/dexit.out"
fi

e2e_finish
