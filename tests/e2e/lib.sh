# tests/e2e/lib.sh — shared helpers for end-to-end tests on a real libvirtd.
#
# Source it from tests/e2e/test_*.sh; the test gets the vprov binary as $1.
# Every VM and volume a test makes is named "$E2E_PREFIX..." and removed by
# an EXIT trap through virsh, independently of vprov, so a failing test
# leaves nothing behind.  Guests run under TCG (KVM does not run guests on
# the build machines: 'vprov host check' says why), pinned with
# VPROV_VIRT_TYPE=qemu where the choice is not what a test is about; the
# tests of the choice itself (test_kvm, test_defaults, test_readme) unset it.

set -u

VPROV=${1:?usage: $0 path/to/vprov}
export LIBVIRT_DEFAULT_URI=qemu:///system
export VPROV_VIRT_TYPE=${VPROV_VIRT_TYPE:-qemu}
E2E_PREFIX="vpt$$-"
E2E_FAILED=0
E2E_NAME=$(basename "$0" .sh)
E2E_TMP=$(mktemp -d /tmp/vprov-e2e.XXXXXX)
# each test's undo journals of its own: a test that kills vprov on purpose
# must not have another test's command roll its leftovers back (and say so)
export XDG_STATE_HOME=$E2E_TMP/state

# The Debian kernel and initrd the setup script installs (linux-image-amd64).
E2E_KERNEL=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1)
E2E_INITRD=$(ls /boot/initrd.img-* 2>/dev/null | sort -V | tail -n 1)

e2e_cleanup() {
	local d v p
	for d in $(virsh -q list --all --name 2>/dev/null | grep "^$E2E_PREFIX" || true); do
		virsh -q destroy "$d" >/dev/null 2>&1 || true
		virsh -q undefine --nvram "$d" >/dev/null 2>&1 || virsh -q undefine "$d" >/dev/null 2>&1 || true
	done
	for p in $(virsh -q pool-list --all --name 2>/dev/null); do
		for v in $(virsh -q vol-list "$p" 2>/dev/null | awk '{print $1}' | grep "^$E2E_PREFIX" || true); do
			virsh -q vol-delete --pool "$p" "$v" >/dev/null 2>&1 || true
		done
		# the test's pools, and those vprov made for a directory of the test's
		# (a disk given by path: libvirt's pools are named after the directory)
		case "$p" in "$E2E_PREFIX"*) ;; *)
			virsh -q pool-dumpxml "$p" 2>/dev/null |
				grep -qF -e "<path>$E2E_TMP</path>" -e "<path>$E2E_TMP/" || continue ;;
		esac
		virsh -q pool-destroy "$p" >/dev/null 2>&1 || true
		virsh -q pool-undefine "$p" >/dev/null 2>&1 || true
	done
	rm -f /var/log/libvirt/qemu/"$E2E_PREFIX"*-console.log
	[ -n "${E2E_HTTP_PID:-}" ] && kill "$E2E_HTTP_PID" 2>/dev/null
	rm -rf "$E2E_TMP"
}
trap e2e_cleanup EXIT

e2e_fail() {
	echo "FAIL [$E2E_NAME]: $*" >&2
	E2E_FAILED=1
}

e2e_ok() {
	echo "ok   [$E2E_NAME]: $*"
}

# e2e_check DESCRIPTION COMMAND...: run the command, pass when it exits 0.
e2e_check() {
	local what=$1
	shift
	if "$@"; then e2e_ok "$what"; else e2e_fail "$what"; fi
}

# e2e_run: run vprov, keeping stdout in $OUT, stderr in $ERR, status in $RC.
e2e_run() {
	OUT=$("$VPROV" "$@" 2>"$E2E_TMP/stderr")
	RC=$?
	ERR=$(cat "$E2E_TMP/stderr")
}

# e2e_wait_log FILE PATTERN SECONDS: wait until FILE contains PATTERN (grep -E).
e2e_wait_log() {
	local file=$1 pattern=$2 secs=$3 i=0
	while [ "$i" -lt $((secs * 5)) ]; do
		if [ -f "$file" ] && grep -qE "$pattern" "$file" 2>/dev/null; then
			return 0
		fi
		sleep 0.2
		i=$((i + 1))
	done
	return 1
}

# e2e_console_tail VM [LINES]: the end of VM's console log on stderr, for a
# failure's diagnosis (a boot that stopped says where).
e2e_console_tail() {
	local log=/var/log/libvirt/qemu/$1-console.log
	echo "---- the last ${2:-15} lines of $log:" >&2
	{ tail -n "${2:-15}" "$log" 2>/dev/null; echo; } | tr -d '\r' |
		sed -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/^/    /' >&2
	echo "---- VM state: $(virsh -q domstate "$1" 2>/dev/null)" >&2
}

# e2e_wait_boot VM PATTERN SECONDS: wait until VM's console log shows
# PATTERN.  A TCG guest started while the host is saturated (six installer
# guests of another test, say) has been seen to stop early in its boot and
# never go on; one that has not got there in SECONDS is shown (its console's
# end, on stderr), reset once, and given SECONDS again.
e2e_wait_boot() {
	local vm=$1 pattern=$2 secs=$3 log=/var/log/libvirt/qemu/$1-console.log
	e2e_wait_log "$log" "$pattern" "$secs" && return 0
	echo "note [$E2E_NAME]: $vm did not reach '$pattern' in $secs s; resetting it once" >&2
	e2e_console_tail "$vm"
	# the log is appended to: only what the new boot prints counts
	local before i=0
	before=$(wc -l <"$log" 2>/dev/null || echo 0)
	virsh -q reset "$vm" >/dev/null 2>&1 || return 1
	while [ "$i" -lt $((secs * 5)) ]; do
		tail -n +$((before + 1)) "$log" 2>/dev/null | grep -qE "$pattern" && return 0
		sleep 0.2
		i=$((i + 1))
	done
	e2e_console_tail "$vm"
	return 1
}

# e2e_console_answers URI VM TAG [SECONDS]: a command typed on the VM's
# serial console (URI "" = the default connection) answers with TAG42 (the
# guest's shell computed it: it runs) within SECONDS (300).  A TCG guest on
# a busy host can take minutes to reach its shell; each try waits 5 s for
# the answer, then types again (lines typed before the shell are lost).
e2e_console_answers() {
	local uri=$1 vm=$2 tag=$3 end=$((SECONDS + ${4:-300})) out
	local c=()
	[ -n "$uri" ] && c=(-c "$uri")
	while [ "$SECONDS" -lt "$end" ]; do
		out=$(printf 'echo %s$((40+2))\n' "$tag" | timeout 30 "$VPROV" "${c[@]}" console "$vm" --timeout 5 2>/dev/null)
		grep -aq "${tag}42" <<<"$out" && return 0
		sleep 1
	done
	e2e_console_tail "$vm"
	return 1
}

# e2e_vols_named PREFIX: every volume (pool/name) whose name starts with PREFIX.
e2e_vols_named() {
	local p
	for p in $(virsh -q pool-list --all --name 2>/dev/null); do
		virsh -q vol-list "$p" 2>/dev/null | awk -v p="$p" -v pre="$1" 'index($1, pre) == 1 {print p "/" $1}'
	done
}

# e2e_pool_at DIR: the names of pools whose target is DIR.
e2e_pool_at() {
	local p
	for p in $(virsh -q pool-list --all --name); do
		virsh -q pool-dumpxml "$p" 2>/dev/null | grep -qF "<path>$1</path>" && echo "$p"
	done
}

e2e_domain_exists() {
	virsh -q dominfo "$1" >/dev/null 2>&1
}

e2e_state() {
	virsh -q domstate "$1" 2>/dev/null | head -n 1
}

# The real Debian 12 installer (package debian-installer-12-netboot-amd64).
E2E_DI=/usr/lib/debian-installer/images/12/amd64/text
E2E_DI_KERNEL=$E2E_DI/debian-installer/amd64/linux
E2E_DI_INITRD=$E2E_DI/debian-installer/amd64/initrd.gz
# What the installer's first dialog prints on the serial console.
E2E_DI_FIRST='Select a language|Choose the language'
E2E_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# e2e_debian_mirror ROOT: the installer tree in a Debian mirror's layout
# under ROOT (MANIFEST and SHA256SUMS as the mirror has them); prints the
# path to give after http://host:port/.
e2e_debian_mirror() {
	local img=$1/debian/dists/bookworm/main/installer-amd64/current/images
	local nb=netboot/debian-installer/amd64
	mkdir -p "$img/$nb"
	cp "$E2E_DI_KERNEL" "$E2E_DI_INITRD" "$img/$nb/"
	(cd "$img" && sha256sum "./$nb/linux" "./$nb/initrd.gz" >SHA256SUMS)
	cat >"$img/MANIFEST" <<EOT
$nb/initrd.gz -- initrd for netboot install
$nb/linux -- kernel for netboot install
netboot/netboot.tar.gz -- tarball of PXE bootable netboot install
EOT
	echo "debian/dists/bookworm/main/installer-amd64/"
}

# e2e_http_serve ROOT [FAULTS_FILE]: a real HTTP server on 127.0.0.1
# (tests/fetch-server.py) serving ROOT; sets E2E_HTTP to its base URL.
e2e_http_serve() {
	local pf=$E2E_TMP/http-port.$$.$RANDOM i=0
	python3 "$E2E_ROOT/tests/fetch-server.py" --root "$1" --port-file "$pf" \
		${2:+--faults "$2"} >/dev/null 2>&1 &
	E2E_HTTP_PID=$!
	while [ ! -s "$pf" ] && [ "$i" -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	E2E_HTTP="http://127.0.0.1:$(cat "$pf")"
}

# e2e_http_bytes PATH: body bytes the server sent for PATH since its start.
e2e_http_bytes() {
	curl -s "$E2E_HTTP/__stats" | python3 -c '
import json, sys
s = json.load(sys.stdin)
print(s.get(sys.argv[1], {}).get("body_bytes", 0))' "$1"
}

# e2e_second_host: the second libvirt host (127.0.0.2, in a mount namespace
# of its own: scripts/libvirtd-second-host.sh) answering on $E2E_R, started
# when none answers (and then stopped at exit); this test's VMs and volumes
# there go at exit too.
E2E_R=qemu+tcp://127.0.0.2/system
E2E_R_STARTED=0
e2e_second_host_cleanup() {
	local d v
	for d in $(virsh -q -c "$E2E_R" list --all --name 2>/dev/null | grep "^$E2E_PREFIX" || true); do
		virsh -q -c "$E2E_R" destroy "$d" >/dev/null 2>&1 || true
		virsh -q -c "$E2E_R" undefine "$d" >/dev/null 2>&1 || true
	done
	for v in $(virsh -q -c "$E2E_R" vol-list default 2>/dev/null | awk '{print $1}' | grep "^$E2E_PREFIX" || true); do
		virsh -q -c "$E2E_R" vol-delete --pool default "$v" >/dev/null 2>&1 || true
	done
	if [ "$E2E_R_STARTED" -eq 1 ]; then
		"$E2E_ROOT/scripts/libvirtd-second-host.sh" stop
	fi
	e2e_cleanup
}
e2e_second_host() {
	trap e2e_second_host_cleanup EXIT
	if ! virsh -q -c "$E2E_R" version >/dev/null 2>&1; then
		E2E_R_STARTED=1
	fi
	e2e_check "a second libvirt host answers on $E2E_R" "$E2E_ROOT/scripts/libvirtd-second-host.sh" start
	# a host where libvirt was installed has its default pool: the tests on
	# B count on it whatever test made (or did not make) it first
	if ! virsh -q -c "$E2E_R" pool-info default >/dev/null 2>&1; then
		virsh -q -c "$E2E_R" pool-define-as default dir --target /var/lib/libvirt/images >/dev/null 2>&1
		virsh -q -c "$E2E_R" pool-autostart default >/dev/null 2>&1
	fi
	if [ "$(virsh -q -c "$E2E_R" pool-info default 2>/dev/null | awk '$1 == "State:" {print $2}')" != running ]; then
		virsh -q -c "$E2E_R" pool-start default >/dev/null 2>&1
	fi
	e2e_check "... with its default pool running" \
		bash -c "virsh -q -c '$E2E_R' pool-info default | grep -q '^State: *running'"
}

# e2e_netns_host: a libvirt host in a network namespace of its own
# (scripts/libvirtd-netns-host.sh), for networks with addresses; reach it as
# $E2E_N, run what must see its addresses with e2e_netns_exec CMD...  Started
# when none answers (and then stopped at exit); this test's VMs, networks
# and volumes there go at exit too.  Tests that use it hold the netns_host
# lock (tests/CMakeLists.txt).
E2E_N=$("$E2E_ROOT/scripts/libvirtd-netns-host.sh" uri)
E2E_N_STARTED=0
e2e_netns_exec() {
	"$E2E_ROOT/scripts/libvirtd-netns-host.sh" exec "$@"
}
e2e_netns_host_cleanup() {
	local d n v p
	for d in $(virsh -q -c "$E2E_N" list --all --name 2>/dev/null | grep "^$E2E_PREFIX" || true); do
		virsh -q -c "$E2E_N" destroy "$d" >/dev/null 2>&1 || true
		virsh -q -c "$E2E_N" undefine --nvram "$d" >/dev/null 2>&1 || true
	done
	for n in $(virsh -q -c "$E2E_N" net-list --all --name 2>/dev/null | grep "^$E2E_PREFIX" || true); do
		virsh -q -c "$E2E_N" net-destroy "$n" >/dev/null 2>&1 || true
		virsh -q -c "$E2E_N" net-undefine "$n" >/dev/null 2>&1 || true
	done
	for p in $(virsh -q -c "$E2E_N" pool-list --all --name 2>/dev/null | sed 's/ *$//'); do
		for v in $(virsh -q -c "$E2E_N" vol-list "$p" 2>/dev/null | awk '{print $1}' | grep "^$E2E_PREFIX" || true); do
			virsh -q -c "$E2E_N" vol-delete --pool "$p" "$v" >/dev/null 2>&1 || true
		done
	done
	if [ "$E2E_N_STARTED" -eq 1 ]; then
		"$E2E_ROOT/scripts/libvirtd-netns-host.sh" stop
	fi
	e2e_cleanup
}
e2e_netns_host() {
	trap e2e_netns_host_cleanup EXIT
	if ! virsh -q -c "$E2E_N" version >/dev/null 2>&1; then
		E2E_N_STARTED=1
	fi
	e2e_check "a libvirt host in its own network namespace answers on $E2E_N" \
		"$E2E_ROOT/scripts/libvirtd-netns-host.sh" start
}

# The kernel arguments that make the Debian initrd print to the serial
# console and stop at its shell at once (no root disk needed).
E2E_KARGS="console=ttyS0 break=top"

e2e_finish() {
	if [ "$E2E_FAILED" -ne 0 ]; then
		echo "FAILED: $E2E_NAME" >&2
		exit 1
	fi
	echo "PASSED: $E2E_NAME"
	exit 0
}

if [ "$(id -u)" -ne 0 ]; then
	echo "$E2E_NAME: needs root (qemu:///system)" >&2
	exit 1
fi
if [ -z "$E2E_KERNEL" ] || [ -z "$E2E_INITRD" ]; then
	echo "$E2E_NAME: no kernel in /boot (scripts/setup-deps.sh installs linux-image-amd64)" >&2
	exit 1
fi
if ! virsh -q version >/dev/null 2>&1; then
	echo "$E2E_NAME: no libvirtd answers on qemu:///system (scripts/libvirtd-start.sh)" >&2
	exit 1
fi
