#!/bin/bash
# shellcheck disable=SC2016,SC2317 # $((...)) in single quotes is for the guest; the trap and e2e_check call helpers
# tests/e2e/test_stats.sh — vprov stats on a real TCG guest: after the
# guest read 8 MiB of its disk (dd in its initramfs shell) and while it
# spins a busy loop, stats shows CPU% > 0 and at least those bytes read,
# its --json parses with the documented fields and says one bulk call, a
# run after a kept sample has rates, and --watch in a terminal (a detached
# tmux pane) redraws in place: two captures seconds apart show the header
# once each and different values, then q ends it with exit 0.
#
#   bash tests/e2e/test_stats.sh build/vprov
#
# The guest is the Debian kernel and initrd from /boot with "break=top";
# 512 MiB, as with 256 the kernel cannot unpack the whole initrd (33 MB of
# modules) and the shell finds no virtio_blk module to load.

# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

VM="${E2E_PREFIX}stats"
BOOT="kernel=$E2E_KERNEL,initrd=$E2E_INITRD,kernel_args=\"$E2E_KARGS\""
TMUX_SOCK="vprov-e2e-$$"

stats_cleanup() {
	tmux -L "$TMUX_SOCK" kill-server >/dev/null 2>&1
	e2e_cleanup
}
trap stats_cleanup EXIT

# py EXPR: evaluate EXPR on the JSON in $OUT (as j; v: the VM's entry)
py() {
	python3 -c '
import json, sys
j = json.loads(sys.argv[1])
v = ([x for x in j["vms"] if x["name"] == sys.argv[2]] or [None])[0]
sys.exit(0 if eval("(" + sys.argv[3] + ")") else 1)' "$OUT" "$VM" "$1"
}

e2e_run create "$VM" --memory 512 --vcpus 1 --disk size=1 --network none --graphics none \
	--boot "$BOOT" --noautoconsole
e2e_check "create a kernel+initrd guest with a 1 GiB disk (rc=$RC: $ERR)" [ "$RC" -eq 0 ]

# the guest reads 8 MiB of its disk, then keeps its vCPU busy
ok=0
for _ in $(seq 1 40); do
	out=$(printf 'modprobe virtio_pci; modprobe virtio_blk; sleep 2; dd if=/dev/vda of=/dev/null bs=1048576 count=8 && echo DD$((40+2)); while :; do :; done &\n' |
		timeout 40 "$VPROV" console "$VM" --timeout 10 2>/dev/null)
	if grep -aq DD42 <<<"$out"; then
		ok=1
		break
	fi
	sleep 3
done
e2e_check "the guest read 8 MiB of /dev/vda from its initramfs shell" [ "$ok" -eq 1 ]

e2e_run stats "$VM" --json
e2e_check "stats NAME --json (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "... is JSON" python3 -m json.tool <<<"$OUT" >/dev/null
e2e_check "... with no rates: no earlier sample" py 'j["interval_s"] is None and v["cpu_percent"] is None'
e2e_check "... with the documented fields" py '
set(j) >= {"time_ms", "interval_s", "libvirt_calls", "domain_stats_calls", "host", "vms"} and
set(j["host"]) >= {"cpus", "memory_kib", "free_memory_kib"} and
set(v) >= {"name", "uuid", "state", "vcpus", "cpu_time_ns", "cpu_percent", "cpu_percent_of_vcpus", "memory", "disk", "net"} and
set(v["memory"]) >= {"current_kib", "maximum_kib", "available_kib", "unused_kib", "usable_kib", "rss_kib", "used_kib", "used_from"} and
set(v["disk"]) >= {"count", "rd_bytes", "wr_bytes", "rd_bps", "wr_bps"} and
set(v["net"]) >= {"count", "rx_bytes", "tx_bytes", "rx_bps", "tx_bps"}'
e2e_check "... the VM runs, 1 vCPU, its CPU time counted" \
	py 'v["state"] == "running" and v["vcpus"] == 1 and v["cpu_time_ns"] > 0'
e2e_check "... at least the 8 MiB the guest read, from its one disk" \
	py 'v["disk"]["count"] == 1 and v["disk"]["rd_bytes"] >= 8 << 20'
e2e_check "... no interface, no network bytes" py 'v["net"]["count"] == 0 and v["net"]["rx_bytes"] == 0'
e2e_check "... its balloon and the QEMU process's RSS" \
	py 'v["memory"]["current_kib"] == 512 * 1024 and v["memory"]["rss_kib"] > 0 and v["memory"]["used_from"] in ("guest", "rss")'
e2e_check "... the host's CPUs and free memory" \
	py 'j["host"]["cpus"] == '"$(nproc --all)"' and 0 < j["host"]["free_memory_kib"] <= j["host"]["memory_kib"]'
e2e_check "... one bulk call (after one listing of the domains), two for the host" \
	py 'j["domain_stats_calls"] == 1 and j["libvirt_calls"] == 4'

sleep 2
e2e_run stats "$VM" --json
e2e_check "a second run: rates since the first (rc=$RC)" py 'j["interval_s"] is not None and j["interval_s"] >= 1.5'
e2e_check "... the busy guest's CPU% > 0 (of one host CPU)" py 'v["cpu_percent"] > 0'
e2e_check "... its disk rates are numbers" py 'v["disk"]["rd_bps"] >= 0 and v["disk"]["wr_bps"] >= 0'

e2e_run stats --json
e2e_check "stats of every running VM: one bulk call, whatever their number (rc=$RC)" \
	py 'v is not None and j["domain_stats_calls"] == 1 and j["libvirt_calls"] == 3'

e2e_run stats "$VM" --interval 1
e2e_check "the table after --interval 1 (rc=$RC)" [ "$RC" -eq 0 ]
e2e_check "... says what CPU% is of" grep -q "CPU% is of one host CPU" <<<"$OUT"
e2e_check "... has a row for the VM with CPU% > 0" \
	awk -v vm="$VM" '$1 == vm && $2 == "running" && $3 + 0 > 0 { found = 1 } END { exit !found }' <<<"$OUT"

# --watch in a terminal: redrawn in place, not scrolled
tmux -L "$TMUX_SOCK" new-session -d -s stats -x 200 -y 50 \
	"env LIBVIRT_DEFAULT_URI=$LIBVIRT_DEFAULT_URI XDG_STATE_HOME=$XDG_STATE_HOME $VPROV stats --watch 1 $VM; echo \$? >$E2E_TMP/watch-rc; sleep 60"
shot1=""
for _ in $(seq 1 60); do
	shot1=$(tmux -L "$TMUX_SOCK" capture-pane -p -t stats 2>/dev/null)
	grep -q "^$VM " <<<"$shot1" && break
	sleep 0.5
done
sleep 4
shot2=$(tmux -L "$TMUX_SOCK" capture-pane -p -t stats 2>/dev/null)
e2e_check "--watch shows the VM's row" grep -q "^$VM  *running" <<<"$shot2"
e2e_check "--watch: the header once on the screen, four seconds in" \
	[ "$(grep -c '^NAME  ' <<<"$shot2")" -eq 1 -a "$(grep -c "^$VM " <<<"$shot2")" -eq 1 ]
e2e_check "--watch: the title once, at the top" [ "$(head -n 1 <<<"$shot2" | grep -c '^vprov stats ')" -eq 1 -a \
	"$(grep -c '^vprov stats ' <<<"$shot2")" -eq 1 ]
e2e_check "--watch: redrawn with new values" [ "$shot1" != "$shot2" ]
# rates over the time between two samples: at least 1 s, however long a
# sample takes on a busy host (the pause counts from when the counters were
# read; CI once saw 0.2 s when a slow sample was followed by a quick one)
rate_s=$(sed -n 's/.*rates over \([0-9]*\.[0-9]\) s.*/\1/p' <<<"$shot2" | head -n 1)
e2e_check "--watch: rates between refreshes (over ${rate_s:-none} s)" \
	awk -v s="${rate_s:-0}" 'BEGIN { exit !(s >= 0.9 && s <= 30) }'
tmux -L "$TMUX_SOCK" send-keys -t stats q
for _ in $(seq 1 50); do
	[ -s "$E2E_TMP/watch-rc" ] && break
	sleep 0.2
done
e2e_check "--watch: q ends it with exit 0" [ "$(cat "$E2E_TMP/watch-rc" 2>/dev/null)" = 0 ]
shot3=$(tmux -L "$TMUX_SOCK" capture-pane -p -t stats 2>/dev/null)
e2e_check "--watch: the last table stays, the shell's output below it" \
	[ "$(grep -c '^NAME  ' <<<"$shot3")" -eq 1 ]

e2e_run destroy "$VM"
e2e_run stats "$VM" --json
e2e_check "stats of a VM that is shut off (rc=$RC)" \
	py 'v["state"] == "shut off" and v["cpu_percent"] is None and v["id"] is None'
e2e_run stats "${VM}-nope"
e2e_check "stats of a VM that does not exist: exit 2, one line" \
	[ "$RC" -eq 2 -a "$ERR" = "vprov stats: no VM named '${VM}-nope'" ]

e2e_finish
