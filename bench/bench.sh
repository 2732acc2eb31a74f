#!/bin/bash
# bench/bench.sh — vprov against virt-install, osinfo-query and the floors,
# in one invocation, on the same inputs; prints medians, ratios (with their
# targets) and peak memory.  Speed is measured here, never asserted in tests.
#
#   1. --print-xml: vprov, virt-install --dry-run, the floor (same libraries,
#      same connection, no work)
#   2. create+start of a 1 GiB-disk TCG VM: vprov, virt-install, and the raw
#      virsh vol-create-as + define + start
#   3. OS profiles (ubuntu20.04): vprov osinfo show vs osinfo-query, and
#      create --os --print-xml vs virt-install --os-variant; warm (index
#      cached) and cold (no index before the run)
#   4. the KVM verdict: the probe's one-time cost (vprov host check
#      --refresh: the payload booted as a KVM guest, and under TCG when KVM
#      fails) and what the kept verdict costs each create (--print-xml
#      without and with --virt-type)
#   5. installer trees: the real Debian 12 netboot tree served from
#      127.0.0.1 in a mirror's layout (tests/fetch-server.py): a cold
#      'vprov fetch' (empty cache) against curl fetching the same two files
#      in parallel, a warm one (0 body bytes, counted by the server), and
#      'create --location URL --dry-run' against virt-install's
#   6. guest disk edits on copies of the Debian 12 cloud image
#      (scripts/test-image.sh): 'vprov inject --hostname --ssh-inject
#      --serial-console' against virt-customize doing the same (--hostname,
#      --ssh-inject, --edit of /etc/default/grub, --run-command update-grub),
#      and the floor: one bare appliance launch (guestfish -a IMG run)
#
#   then the self-contained sections at the end of this file (each alone
#   with --only NAME): seed (a NoCloud seed vs cloud-localds), image-create
#   (create+start from a cached cloud image
#   vs virt-install --import --cloud-init on the same base), image-upload
#   (a base into an empty pool on the second host vs virsh vol-upload
#   --sparse), clone (a full copy of a shut-off VM vs virt-clone),
#   migrate-offline (a 2 GiB qcow2 volume half full streamed to
#   the second host by vprov vs virsh vol-download | vol-upload vs cp),
#   migrate-live (a running guest to the second host and back vs virsh
#   migrate --live), snapshot (create+revert of an internal snapshot of a
#   running guest vs virsh snapshot-create-as / snapshot-revert), stats
#   (vprov stats --json of 10 running guests vs virsh domstats, and the
#   libvirt calls vprov made), devices20 (--print-xml of a VM with 20
#   device options vs the floor, the same command without them and
#   virt-install)
#
#   bench/bench.sh [--runs N] [--vprov PATH] [--floor PATH]
#                  [--fast-runs N] [--create-runs N] [--inject-runs N]
#                  [--sections LIST] [--only LIST] [--verbose]
#
# Needs root and libvirt's qemu:///system (scripts/libvirtd-start.sh is run
# first).  Every VM and volume it makes is named vpbench<pid>-* and removed
# again, between runs and by an EXIT trap.  It never creates networks or
# bridges (all guests use --network none) and never starts a network.
set -u -o pipefail
export LC_ALL=C

here=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")
repo=$(dirname "$here")
URI=qemu:///system
POOL=default

usage() {
	cat <<EOF
usage: bench/bench.sh [--runs N] [--vprov PATH] [--floor PATH]
                      [--fast-runs N] [--create-runs N] [--verbose]

Runs, in one invocation and interleaved, vprov, virt-install and the floors on
the same inputs and prints median wall times, their ratios against the
project's targets, and peak memory (max RSS) of one run of each command.

  --runs N         base run count (default 10): virt-install --print-xml runs
                   N times, vprov and the floor --print-xml 3N times, and
                   create+start takes min(N, 7) rounds (each round: vprov,
                   virt-install and the virsh floor once, order rotating)
  --fast-runs N    override the vprov/floor --print-xml run count
  --create-runs N  override the create+start round count
  --inject-runs N  guest-edit rounds (default min(N, 3)); each round runs vprov
                   inject, virt-customize and a bare appliance launch once
  --sections LIST  run only these sections, e.g. 6 or 1,2 (default 1,2,3,4,5,6)
  --vprov PATH     vprov binary (default: <repo>/build/vprov)
  --floor PATH     floor binary (default: <repo>/build/vprov-floor)
  --only LIST      run only these of the self-contained sections at the end
                   (comma-separated: seed, image-create, image-upload,
                   clone, migrate-offline, migrate-live, snapshot, stats),
                   not 1-6;
                   --sections alone runs none of them
  -v, --verbose    also print every sample, in the order taken

A relative PATH is taken from the current directory, else from the repo.
Needs root and libvirtd (started with scripts/libvirtd-start.sh if needed);
uses $URI and its storage pool '$POOL' (created, like virt-install
would, if missing). Exit status: 0 when every run succeeded (whether or not
the targets are met), 1 when a run failed or the set-up is wrong, 2 on bad
usage.
EOF
}

die() {
	echo "bench: $*" >&2
	exit 1
}

posint() { # NAME VALUE
	[[ $2 =~ ^[1-9][0-9]*$ ]] || { echo "bench: $1 needs a positive integer, not '$2'" >&2; exit 2; }
}

binpath() { # PATH -> absolute path, from cwd first, then from the repo
	local p=$1
	if [[ $p != /* && ! -e $p && -e $repo/$p ]]; then
		p=$repo/$p
	fi
	readlink -f -- "$p" 2>/dev/null || echo "$p"
}

runs=10 fast_runs="" create_runs="" inject_runs="" sections=1,2,3,4,5,6 sections_given=0 verbose=0 only=""
vprov=$repo/build/vprov
floor=$repo/build/vprov-floor
while (($#)); do
	case $1 in
	--runs|--fast-runs|--create-runs|--inject-runs|--sections|--vprov|--floor)
		(($# >= 2)) || { echo "bench: $1 needs a value" >&2; exit 2; }
		case $1 in
		--runs) posint "$1" "$2"; runs=$2 ;;
		--fast-runs) posint "$1" "$2"; fast_runs=$2 ;;
		--create-runs) posint "$1" "$2"; create_runs=$2 ;;
		--inject-runs) posint "$1" "$2"; inject_runs=$2 ;;
		--sections) [[ $2 =~ ^[1-6](,[1-6])*$ ]] || { echo "bench: --sections takes numbers 1-6 separated by commas, not '$2'" >&2; exit 2; }
			sections=$2 sections_given=1 ;;
		--vprov) vprov=$(binpath "$2") ;;
		--floor) floor=$(binpath "$2") ;;
		esac
		shift 2 ;;
	--runs=*|--fast-runs=*|--create-runs=*|--inject-runs=*|--sections=*|--vprov=*|--floor=*)
		set -- "${1%%=*}" "${1#*=}" "${@:2}" ;;
	--only) (($# >= 2)) || { echo "bench: $1 needs a value" >&2; exit 2; }; only=$2; shift 2 ;;
	--only=*) only=${1#*=}; shift ;;
	-v|--verbose) verbose=1; shift ;;
	-h|--help) usage; exit 0 ;;
	*) echo "bench: unknown argument '$1'; see bench/bench.sh --help" >&2; exit 2 ;;
	esac
done
vi_px_runs=$runs
fast_runs=${fast_runs:-$((3 * runs))}
create_runs=${create_runs:-$((runs < 7 ? runs : 7))}
inject_runs=${inject_runs:-$((runs < 3 ? runs : 3))}
want() { [[ ,$sections, == *,$1,* ]]; }

# ---------------------------------------------------------------- checks
(($(id -u) == 0)) || die "needs root (qemu:///system, and the VMs it starts)"
[[ -x $vprov ]] || die "no vprov binary at $vprov (build it, or give --vprov PATH)"
[[ -x $floor ]] || die "no floor binary at $floor (build it, or give --floor PATH)"
for t in virsh virt-install python3 qemu-system-x86_64; do
	command -v "$t" >/dev/null || die "'$t' is not installed"
done
[[ -x /usr/bin/time ]] || die "/usr/bin/time (package 'time') is not installed"
[[ -n ${EPOCHREALTIME:-} ]] || die "needs bash >= 5 (\$EPOCHREALTIME)"
"$repo/scripts/libvirtd-start.sh" || die "libvirtd does not answer on $URI"

prefix="vpbench$$-"
tmp=$(mktemp -d /tmp/vpbench.XXXXXX) || die "mktemp failed"

virsh() { command virsh -q -c "$URI" "$@"; }

our_domains() { virsh list --all --name 2>/dev/null | grep "^$prefix" || true; }
our_volumes() { virsh vol-list --pool "$POOL" 2>/dev/null | awk -v p="$prefix" 'index($1, p) == 1 { print $1 }'; }

# Remove one VM of ours: stop it, undefine it, delete its volume; then make
# sure nothing of it is left (a leftover would skew every later run).
vm_remove() { # NAME
	local n=$1
	virsh domstate "$n" >/dev/null 2>&1 && {
		virsh destroy "$n" >/dev/null 2>&1
		virsh undefine "$n" >/dev/null 2>&1
	}
	virsh vol-info --pool "$POOL" "$n.qcow2" >/dev/null 2>&1 &&
		virsh vol-delete --pool "$POOL" "$n.qcow2" >/dev/null 2>&1
	if virsh domstate "$n" >/dev/null 2>&1; then
		die "could not remove VM '$n'"
	fi
	if virsh vol-info --pool "$POOL" "$n.qcow2" >/dev/null 2>&1; then
		die "could not delete volume '$n.qcow2' in pool '$POOL'"
	fi
}

cleanup() {
	local rc=$? n
	trap - EXIT INT TERM HUP
	((rc >= 128)) && echo "bench: interrupted; removing the VMs and volumes it made" >&2
	for n in $(our_domains); do
		virsh destroy "$n" >/dev/null 2>&1
		virsh undefine "$n" >/dev/null 2>&1 || echo "bench: cleanup: could not undefine '$n'" >&2
	done
	for n in $(our_volumes); do
		virsh vol-delete --pool "$POOL" "$n" >/dev/null 2>&1 ||
			echo "bench: cleanup: could not delete volume '$n'" >&2
	done
	rm -f /var/log/libvirt/qemu/"$prefix"*.log
	rm -rf "$tmp"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# ------------------------------------------------------- timing helpers
# timed LABEL CMD...: run CMD once (stdout to /dev/null, stderr kept for the
# error message), append its wall time in microseconds to $tmp/LABEL.t.
# A failed run aborts the benchmark: it must never count as a fast run.
timed() {
	local label=$1 t0 t1 rc
	shift
	t0=$EPOCHREALTIME
	"$@" >/dev/null 2>"$tmp/stderr"
	rc=$?
	t1=$EPOCHREALTIME
	if ((rc != 0)); then
		echo "bench: FAILED ($label, exit status $rc): $*" >&2
		sed 's/^/    /' "$tmp/stderr" >&2
		die "aborting: a failed run is not a measurement"
	fi
	echo $((${t1//[.,]/} - ${t0//[.,]/})) >>"$tmp/$label.t"
}

# peak LABEL CMD...: run CMD once under /usr/bin/time, keep its max RSS (KiB)
# in $tmp/LABEL.mem (the largest, if called several times for one label).
peak() {
	local label=$1 rc kib
	shift
	/usr/bin/time -f %M -o "$tmp/rss" "$@" >/dev/null 2>"$tmp/stderr"
	rc=$?
	if ((rc != 0)); then
		echo "bench: FAILED ($label, exit status $rc): $*" >&2
		sed 's/^/    /' "$tmp/stderr" >&2
		die "aborting: a failed run is not a measurement"
	fi
	kib=$(tail -n 1 "$tmp/rss")
	[[ $kib =~ ^[0-9]+$ ]] || die "could not read the peak memory of: $*"
	if [[ ! -s $tmp/$label.mem ]] || ((kib > $(cat "$tmp/$label.mem"))); then
		echo "$kib" >"$tmp/$label.mem"
	fi
}

# ------------------------------------------------------------ the commands
px_name=${prefix}px
px_vprov=("$vprov" create "$px_name" --connect "$URI" --memory 1024 --disk size=1 --import
	--network none --graphics none --print-xml)
px_vi=(virt-install --connect "$URI" --name "$px_name" --memory 1024 --disk size=1 --import
	--os-variant generic --network none --graphics none --print-xml --dry-run)
px_floor=("$floor" -c "$URI")
px_pinned=("${px_vprov[@]}" --virt-type qemu)

cs_v=${prefix}v cs_i=${prefix}i cs_r=${prefix}r
cs_vprov=("$vprov" create "$cs_v" --connect "$URI" --memory 256 --disk size=1 --import
	--network none --graphics none --virt-type qemu --noautoconsole)
cs_vi=(virt-install --connect "$URI" --name "$cs_i" --memory 256 --disk size=1 --import
	--os-variant generic --network none --graphics none --virt-type qemu --noautoconsole)
cs_xml=$tmp/$cs_r.xml
vbin=$(type -P virsh)
vs_vol=("$vbin" -q -c "$URI" vol-create-as "$POOL" "$cs_r.qcow2" 1G --format qcow2)
vs_def=("$vbin" -q -c "$URI" define "$cs_xml")
vs_start=("$vbin" -q -c "$URI" start "$cs_r")
virsh_floor() { "${vs_vol[@]}" && "${vs_def[@]}" && "${vs_start[@]}"; }

# Nothing of NAME may exist (after --print-xml / --dry-run, or before a run).
nothing_of() { # NAME WHO
	virsh domstate "$1" >/dev/null 2>&1 && die "$2 left a domain '$1' behind"
	virsh vol-info --pool "$POOL" "$1.qcow2" >/dev/null 2>&1 &&
		die "$2 left a volume '$1.qcow2' in pool '$POOL' behind"
	return 0
}

# After a create+start run (outside the timing): the VM must be running
# under TCG with a 1 GiB qcow2 volume, or the run did not do the work.
check_created() { # NAME WHO
	local n=$1 st dx vx
	st=$(virsh domstate "$n" 2>/dev/null) || die "$2: no domain '$n' after a successful run"
	[[ $st == running ]] || die "$2: domain '$n' is '$st', not running"
	dx=$(virsh dumpxml "$n") || die "$2: cannot read the XML of '$n'"
	[[ $dx == *"<domain type='qemu'"* ]] || die "$2: domain '$n' is not a TCG (type='qemu') domain"
	vx=$(virsh vol-dumpxml --pool "$POOL" "$n.qcow2" 2>/dev/null) ||
		die "$2: no volume '$n.qcow2' in pool '$POOL'"
	[[ $vx == *"<capacity unit='bytes'>1073741824</capacity>"* ]] ||
		die "$2: volume '$n.qcow2' is not 1 GiB"
	[[ $vx == *"<format type='qcow2'/>"* ]] || die "$2: volume '$n.qcow2' is not qcow2"
	[[ $dx == *"$pool_path/$n.qcow2"* ]] || die "$2: domain '$n' does not use $pool_path/$n.qcow2"
}

# ------------------------------------------------------------------ set-up
# The pool must exist before anything is timed: virt-install --dry-run
# creates pool 'default' when it is missing, which would skew its first run.
if ! virsh pool-info "$POOL" >/dev/null 2>&1; then
	echo "bench: pool '$POOL' is missing; creating it (dir /var/lib/libvirt/images), as virt-install would"
	virsh pool-define-as "$POOL" dir --target /var/lib/libvirt/images >/dev/null &&
		virsh pool-build "$POOL" >/dev/null &&
		virsh pool-autostart "$POOL" >/dev/null || die "cannot define pool '$POOL'"
fi
if [[ $(virsh pool-info "$POOL" | awk -F: '$1 == "State" { gsub(/ /, "", $2); print $2 }') != running ]]; then
	virsh pool-start "$POOL" >/dev/null || die "cannot start pool '$POOL'"
fi
pool_path=$(virsh pool-dumpxml "$POOL" |
	python3 -c 'import sys, xml.etree.ElementTree as E; print(E.parse(sys.stdin).getroot().findtext("target/path"))') ||
	die "cannot read the target path of pool '$POOL'"

# ------------------------------------------------------------------ machine
cache=$(dirname "$vprov")/CMakeCache.txt
build="?"
if [[ -r $cache ]]; then
	bt=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$cache")
	san=$(sed -n 's/^VPROV_SANITIZE:[A-Z]*=//p' "$cache")
	build="${bt:-RelWithDebInfo (project default)}, sanitizers ${san:-?}"
fi
others=$(virsh list --name | grep -c . || true)
echo "== machine"
printf '  %-14s %s\n' \
	"cpus (nproc)" "$(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')" \
	"memory" "$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)" \
	"kernel" "$(uname -r)" \
	"libvirt" "$(virsh version --daemon | sed -n 's/^Running against daemon: //p') (daemon), $(virsh version | sed -n 's/^Using library: //p') (library)" \
	"QEMU" "$(qemu-system-x86_64 --version | head -n 1 | sed 's/^QEMU emulator version //')" \
	"virt-install" "$(virt-install --version 2>&1)" \
	"vprov" "$("$vprov" --version 2>&1 | head -n 1) at $vprov; build: $build" \
	"floor" "$floor" \
	"connection" "$URI, pool '$POOL' at $pool_path" \
	"load" "$(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min) at start; $others other running VM(s) on this host"
echo "  runs           --print-xml: vprov and floor ${fast_runs}x, virt-install ${vi_px_runs}x; create+start: $create_runs round(s); guest edits: $inject_runs round(s)"
echo "  sections       $sections"

# sections 1-5 and their report, unless --only picks sections from the end
if [[ -z $only ]]; then
# ------------------------------------------------------- 1. --print-xml
if want 1; then
echo "== 1. --print-xml (peak memory run, then $fast_runs interleaved rounds)" >&2
nothing_of "$px_name" "the set-up"
# the KVM verdict is kept before anything is timed (section 4 times the probe)
"$vprov" -c "$URI" host check >/dev/null 2>"$tmp/stderr" || { cat "$tmp/stderr" >&2; die "vprov host check failed"; }
# One checked, untimed run of each first: warms the caches, takes the peak
# memory, and proves the output is a domain and that nothing was created.
out=$("${px_vprov[@]}" 2>"$tmp/stderr") || { cat "$tmp/stderr" >&2; die "vprov --print-xml failed: ${px_vprov[*]}"; }
[[ $out == *"<name>$px_name</name>"* ]] || die "vprov --print-xml printed no domain named $px_name"
nothing_of "$px_name" "vprov --print-xml"
out=$("${px_vi[@]}" 2>"$tmp/stderr") || { cat "$tmp/stderr" >&2; die "virt-install --print-xml failed: ${px_vi[*]}"; }
[[ $out == *"<name>$px_name</name>"* ]] || die "virt-install --print-xml printed no domain named $px_name"
nothing_of "$px_name" "virt-install --print-xml --dry-run"
peak px_vprov "${px_vprov[@]}"
peak px_vi "${px_vi[@]}"
peak px_floor "${px_floor[@]}"
nothing_of "$px_name" "a --print-xml run"

# vprov and the floor every round, in alternating order; virt-install's
# fewer runs spread evenly over the rounds.
for ((i = 1; i <= fast_runs; i++)); do
	if ((i % 2)); then
		timed px_vprov "${px_vprov[@]}"
		timed px_floor "${px_floor[@]}"
		timed px_pinned "${px_pinned[@]}"
	else
		timed px_pinned "${px_pinned[@]}"
		timed px_floor "${px_floor[@]}"
		timed px_vprov "${px_vprov[@]}"
	fi
	if (((i * vi_px_runs) / fast_runs > ((i - 1) * vi_px_runs) / fast_runs)); then
		timed px_vi "${px_vi[@]}"
	fi
done
nothing_of "$px_name" "a --print-xml run"
fi # 1

# ---------------------------------------------------- 2. create + start
if want 2; then
echo "== 2. create+start (peak memory round, then $create_runs timed rounds)" >&2
for n in "$cs_v" "$cs_i" "$cs_r"; do nothing_of "$n" "the set-up"; done

# The virsh floor submits the very XML vprov would, generated once here.
"$vprov" create "$cs_r" --connect "$URI" --memory 256 --disk size=1 --import --network none \
	--graphics none --virt-type qemu --print-xml >"$cs_xml" 2>"$tmp/stderr" ||
	{ cat "$tmp/stderr" >&2; die "vprov --print-xml failed for the virsh floor's XML"; }
grep -qF "$pool_path/$cs_r.qcow2" "$cs_xml" ||
	die "vprov's XML for the virsh floor does not reference $pool_path/$cs_r.qcow2"
nothing_of "$cs_r" "vprov --print-xml"

run_create() { # TOOL ("v", "i" or "r") MODE ("timed" or "peak")
	case $1 in
	v) nothing_of "$cs_v" "a previous run"
	   if [[ $2 == timed ]]; then timed cs_vprov "${cs_vprov[@]}"; else peak cs_vprov "${cs_vprov[@]}"; fi
	   check_created "$cs_v" vprov; vm_remove "$cs_v" ;;
	i) nothing_of "$cs_i" "a previous run"
	   if [[ $2 == timed ]]; then timed cs_vi "${cs_vi[@]}"; else peak cs_vi "${cs_vi[@]}"; fi
	   check_created "$cs_i" virt-install; vm_remove "$cs_i" ;;
	r) nothing_of "$cs_r" "a previous run"
	   if [[ $2 == timed ]]; then
		timed cs_virsh virsh_floor
	   else # the peak of the largest of the three virsh processes
		peak cs_virsh "${vs_vol[@]}"; peak cs_virsh "${vs_def[@]}"; peak cs_virsh "${vs_start[@]}"
	   fi
	   check_created "$cs_r" "the virsh floor"; vm_remove "$cs_r" ;;
	esac
}

run_create v peak
run_create i peak
run_create r peak
# Interleaved, the starting tool rotating, so each tool takes each place in
# the order equally often and drifting load hits all three alike.
order=(v i r)
for ((k = 0; k < create_runs; k++)); do
	for ((j = 0; j < 3; j++)); do
		run_create "${order[(k + j) % 3]}" timed
	done
done
fi # 2

# ----------------------------------------------------- 3. OS profiles
if want 3; then
echo "== 3. OS profiles: ubuntu20.04 (cold: no index before the run; warm: cached)" >&2
oscache=$tmp/oscache
os_show=(env XDG_CACHE_HOME="$oscache" "$vprov" osinfo show ubuntu20.04)
os_create=(env XDG_CACHE_HOME="$oscache" "$vprov" create "$px_name" --connect "$URI" --os ubuntu20.04
	--disk size=1 --import --network none --graphics none --print-xml)
os_query=(osinfo-query os short-id=ubuntu20.04)
os_vi=(virt-install --connect "$URI" --name "$px_name" --os-variant ubuntu20.04 --disk size=1
	--import --network none --graphics none --print-xml --dry-run)
out=$("${os_show[@]}" 2>"$tmp/stderr") || { cat "$tmp/stderr" >&2; die "vprov osinfo show failed"; }
[[ $out == *"Ubuntu 20.04"* ]] || die "vprov osinfo show did not show Ubuntu 20.04"
out=$("${os_query[@]}" 2>&1) || die "osinfo-query failed: $out"
[[ $out == *"ubuntu20.04"* ]] || die "osinfo-query did not find ubuntu20.04"
out=$("${os_create[@]}" 2>"$tmp/stderr") || { cat "$tmp/stderr" >&2; die "vprov create --os failed"; }
[[ $out == *'libosinfo:os id="http://ubuntu.com/ubuntu/20.04"'* ]] || die "vprov create --os did not use the profile"
# After a cold run vprov has the index rebuilt by a background process;
# wait for it, so that it neither slows the next runs nor makes a later
# "cold" run warm.
wait_index() {
	local k
	for ((k = 0; k < 100; k++)); do
		[[ -s $oscache/vprov/osinfo-index ]] && ! pgrep -f "osinfo reindex --background" >/dev/null && return 0
		sleep 0.05
	done
	die "the background reindex did not finish within 5 s"
}
peak os_show_warm "${os_show[@]}"
peak os_create_warm "${os_create[@]}"
peak os_query "${os_query[@]}"
peak os_vi "${os_vi[@]}"
for ((i = 1; i <= fast_runs; i++)); do
	timed os_show_warm "${os_show[@]}"
	timed os_create_warm "${os_create[@]}"
	if (((i * vi_px_runs) / fast_runs > ((i - 1) * vi_px_runs) / fast_runs)); then
		rm -f "$oscache/vprov/osinfo-index"
		timed os_show_cold "${os_show[@]}"
		wait_index
		rm -f "$oscache/vprov/osinfo-index"
		timed os_create_cold "${os_create[@]}"
		wait_index
		timed os_query "${os_query[@]}"
		timed os_vi "${os_vi[@]}"
	fi
done
nothing_of "$px_name" "a --print-xml run with --os"
fi # 3

# ----------------------------------------------------- 4. the KVM verdict
if want 4; then
probe_runs=$((runs < 3 ? runs : 3))
echo "== 4. the KVM probe ($probe_runs runs, each with an empty cache)" >&2
for ((i = 1; i <= probe_runs; i++)); do
	rm -rf "$tmp/kvmcache"
	timed kvm_probe env XDG_CACHE_HOME="$tmp/kvmcache" "$vprov" -c "$URI" host check --refresh
done
echo "  verdict        $("$vprov" -c "$URI" host check 2>/dev/null | sed -n 's/^kvm runs guests: *//p')"
fi # 4

# ------------------------------------------------------ 5. installer trees
if want 5; then
echo "== 5. installer trees: the Debian 12 netboot tree from 127.0.0.1" >&2
di=/usr/lib/debian-installer/images/12/amd64/text/debian-installer/amd64
[[ -f $di/linux && -f $di/initrd.gz ]] || die "no Debian installer tree at $di (scripts/setup-deps.sh installs debian-installer-12-netboot-amd64)"
www=$tmp/www
img=$www/debian/dists/bookworm/main/installer-amd64/current/images
mkdir -p "$img/netboot/debian-installer/amd64"
cp "$di/linux" "$di/initrd.gz" "$img/netboot/debian-installer/amd64/"
(cd "$img" && sha256sum ./netboot/debian-installer/amd64/linux ./netboot/debian-installer/amd64/initrd.gz >SHA256SUMS)
printf '%s\n' "netboot/debian-installer/amd64/initrd.gz -- initrd for netboot install" \
	"netboot/debian-installer/amd64/linux -- kernel for netboot install" >"$img/MANIFEST"
python3 "$repo/tests/fetch-server.py" --root "$www" --port-file "$tmp/port" >/dev/null 2>&1 &
server=$!
for ((k = 0; k < 100; k++)); do [[ -s $tmp/port ]] && break; sleep 0.05; done
[[ -s $tmp/port ]] || die "the test HTTP server did not start"
http=http://127.0.0.1:$(cat "$tmp/port")
loc=$http/debian/dists/bookworm/main/installer-amd64/
nb=$loc/current/images/netboot/debian-installer/amd64
body() { curl -s "$http/__stats" | python3 -c 'import json,sys; print(sum(v.get("body_bytes",0) for k,v in json.load(sys.stdin).items() if k.endswith(("/linux","/initrd.gz"))))'; }
# cold: no download cached (the OS database's index stays, as on any machine
# that has run vprov before)
fetch_cold() { rm -rf "$tmp/fcache/vprov/fetch"; XDG_CACHE_HOME=$tmp/fcache "$vprov" fetch "$loc"; }
fetch_warm() { XDG_CACHE_HOME=$tmp/fcache "$vprov" fetch "$loc"; }
curl_two() { rm -f "$tmp/k" "$tmp/i"; curl -sf --parallel -o "$tmp/k" "$nb/linux" -o "$tmp/i" "$nb/initrd.gz"; }
# what vprov does besides: every byte checked against the published
# SHA-256, and the files made durable before they count as cached
curl_verified() { curl_two && sha256sum "$tmp/k" "$tmp/i" >/dev/null && sync "$tmp/k" "$tmp/i"; }
dr_name=${prefix}dr
dr_vprov=("$vprov" create "$dr_name" --connect "$URI" --location "$loc" --memory 1024 --disk size=1
	--network none --graphics none --dry-run)
dr_vi=(virt-install --connect "$URI" --name "$dr_name" --location "$loc" --memory 1024 --disk size=1
	--osinfo detect=on,require=off --network none --graphics none --dry-run --noautoconsole)
out=$(fetch_cold 2>&1) || die "vprov fetch failed: $out"
cached_ok=0
for f in "$tmp"/fcache/vprov/fetch/*.data; do
	cmp -s "$f" "$di/linux" && cached_ok=$((cached_ok + 1))
	cmp -s "$f" "$di/initrd.gz" && cached_ok=$((cached_ok + 1))
done
((cached_ok == 2)) || die "vprov fetch did not cache the installer's kernel and initrd"
rm -rf "$tmp/fcache/vprov/fetch"
peak fetch_cold env XDG_CACHE_HOME="$tmp/fcache" "$vprov" fetch "$loc"
peak curl_two curl -sf --parallel -o "$tmp/k" "$nb/linux" -o "$tmp/i" "$nb/initrd.gz"
out=$("${dr_vi[@]}" 2>&1) || die "virt-install --location --dry-run failed: $out"
peak dr_vprov "${dr_vprov[@]}"
peak dr_vi "${dr_vi[@]}"
for ((i = 1; i <= fast_runs; i++)); do
	if ((i % 2)); then timed fetch_cold fetch_cold; timed curl_two curl_two; timed curl_verified curl_verified
	else timed curl_verified curl_verified; timed curl_two curl_two; timed fetch_cold fetch_cold; fi
done
b0=$(body)
for ((i = 1; i <= fast_runs; i++)); do timed fetch_warm fetch_warm; done
warm_bytes=$(($(body) - b0))
echo "$warm_bytes" >"$tmp/warm_bytes"
for ((i = 1; i <= vi_px_runs; i++)); do
	timed dr_vprov "${dr_vprov[@]}"
	timed dr_vi "${dr_vi[@]}"
done
nothing_of "$dr_name" "a --location --dry-run"
kill "$server" 2>/dev/null
fi # 5

# ------------------------------------------------------ 6. guest disk edits
if want 6; then
image=$("$repo/scripts/test-image.sh" --path)
[[ -f $image ]] || die "no test image at $image (build it with scripts/test-image.sh)"
command -v virt-customize >/dev/null || die "'virt-customize' is not installed (libguestfs-tools)"
echo "== 6. guest disk edits: vprov inject vs virt-customize, on overlays of $image (one untimed checked run each, then $inject_runs rounds)" >&2
# vprov decides TCG by itself from the kept KVM verdict; the other tools
# are told (MACHINE-NOTES: libguestfs's QEMU hangs on this machine's KVM)
"$vprov" -c "$URI" host check >/dev/null 2>"$tmp/stderr" || { cat "$tmp/stderr" >&2; die "vprov host check failed"; }
gfenv=(env LIBGUESTFS_BACKEND=direct LIBGUESTFS_BACKEND_SETTINGS=force_tcg)
ssh-keygen -q -t ed25519 -N '' -C bench@vprov -f "$tmp/key" </dev/null >/dev/null || die "ssh-keygen failed"
ov=$tmp/inject.qcow2
fresh() { rm -f "$ov"; qemu-img create -q -f qcow2 -b "$image" -F qcow2 "$ov" || die "qemu-img create failed"; }
in_vprov=("$vprov" -c "$URI" inject --disk "$ov" --hostname bench --ssh-inject "root:file:$tmp/key.pub"
	--serial-console)
in_vc=("${gfenv[@]}" virt-customize -q -a "$ov" --hostname bench --ssh-inject "root:file:$tmp/key.pub"
	--edit '/etc/default/grub:s/^GRUB_CMDLINE_LINUX="/GRUB_CMDLINE_LINUX="console=ttyS0,115200n8 /'
	--run-command update-grub)
in_floor=("${gfenv[@]}" guestfish -a "$ov" run)
# After a run (untimed): the hostname, the key and the console on grub.cfg's linux lines.
check_injected() { # WHO
	local out
	out=$("${gfenv[@]}" guestfish --ro -a "$ov" -i <<'GF' 2>&1
cat /etc/hostname
cat /root/.ssh/authorized_keys
grep console=ttyS0 /boot/grub/grub.cfg
GF
	) || die "$1: cannot read the image back: $out"
	[[ $out == bench* ]] || die "$1: the hostname is not 'bench'"
	[[ $out == *"$(cut -d' ' -f2 "$tmp/key.pub")"* ]] || die "$1: the SSH key is not in root's authorized_keys"
	[[ $out == *"linux"*"console=ttyS0,115200n8"* ]] || die "$1: grub.cfg has no console=ttyS0,115200n8"
}
fresh; peak in_vprov "${in_vprov[@]}"; check_injected vprov
fresh; peak in_vc "${in_vc[@]}"; check_injected virt-customize
fresh; peak in_floor "${in_floor[@]}"
order=(v c f)
for ((k = 0; k < inject_runs; k++)); do
	for ((j = 0; j < 3; j++)); do
		fresh
		case ${order[(k + j) % 3]} in
		v) timed in_vprov "${in_vprov[@]}" ;;
		c) timed in_vc "${in_vc[@]}" ;;
		f) timed in_floor "${in_floor[@]}" ;;
		esac
	done
done
rm -f "$ov"
fi # 6
echo "  load           $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min) at end"
echo
echo "== results (wall time: median of the runs; 'runs' excludes one untimed warm-up/memory run each)"

# ------------------------------------------------------------------ report
python3 - "$tmp" "$verbose" <<'EOF'
import os, statistics, sys

class Missing(dict):
    """medians of the sections that ran; a ratio of one that did not is skipped"""
    def __missing__(self, key):
        raise LookupError(key)

d, verbose = sys.argv[1], sys.argv[2] == "1"

def times(label):
    with open(os.path.join(d, label + ".t")) as f:
        return [int(x) / 1000.0 for x in f.read().split()]   # ms

def mem(label):
    try:
        with open(os.path.join(d, label + ".mem")) as f:
            return int(f.read().split()[0]) / 1024.0           # MiB
    except OSError:
        return None

rows = [
    ("--print-xml", "vprov", "px_vprov"),
    ("--print-xml", "virt-install --dry-run", "px_vi"),
    ("--print-xml", "floor (vprov-floor -c)", "px_floor"),
    ("create+start", "vprov", "cs_vprov"),
    ("create+start", "virt-install", "cs_vi"),
    ("create+start", "virsh floor (3 cmds)", "cs_virsh"),
    ("osinfo show", "vprov, warm", "os_show_warm"),
    ("osinfo show", "vprov, cold", "os_show_cold"),
    ("osinfo show", "osinfo-query os short-id", "os_query"),
    ("--os --print-xml", "vprov, warm", "os_create_warm"),
    ("--os --print-xml", "vprov, cold", "os_create_cold"),
    ("--os --print-xml", "virt-install --dry-run", "os_vi"),
    ("--print-xml", "vprov --virt-type qemu", "px_pinned"),
    ("kvm probe", "vprov host check --refresh", "kvm_probe"),
    ("tree fetch", "vprov fetch, cold", "fetch_cold"),
    ("tree fetch", "curl --parallel, 2 files", "curl_two"),
    ("tree fetch", "curl + sha256sum + sync", "curl_verified"),
    ("tree fetch", "vprov fetch, warm", "fetch_warm"),
    ("--location --dry-run", "vprov", "dr_vprov"),
    ("--location --dry-run", "virt-install", "dr_vi"),
    ("guest edits", "vprov inject", "in_vprov"),
    ("guest edits", "virt-customize", "in_vc"),
    ("guest edits", "floor (appliance launch)", "in_floor"),
]
rows = [r for r in rows if os.path.exists(os.path.join(d, r[2] + ".t"))]

def ms(v):
    return "%.1f ms" % v if v < 100 else "%.0f ms" % v

med = Missing()
print("%-16s %-24s %4s %10s %10s %10s %10s" % ("benchmark", "command", "runs", "median", "min", "max", "peak RSS"))
print("-" * 90)
for what, who, label in rows:
    t = times(label)
    med[label] = statistics.median(t)
    m = mem(label)
    print("%-16s %-24s %4d %10s %10s %10s %10s" % (
        what, who, len(t), ms(med[label]), ms(min(t)), ms(max(t)),
        "%.1f MiB" % m if m is not None else "?"))
if verbose:
    print()
    for what, who, label in rows:
        print("%s, %s (ms): %s" % (what, who, " ".join("%.1f" % x for x in times(label))))
    print()
print("(peak RSS: max RSS of one run of the client process, /usr/bin/time %M; for the")
print(" virsh floor the largest of its three virsh processes; libvirtd/QEMU not counted, except the")
print(" libguestfs appliance's QEMU in 'guest edits', a child of the command measured)")
print()

# (name, numerator, denominator, op, target); skipped when a section did not run
ratios = [
    ("--print-xml  virt-install / vprov", "px_vi", "px_vprov", ">=", 20.0),
    ("--print-xml  vprov / floor", "px_vprov", "px_floor", "<=", 1.5),
    ("--print-xml  virt-install / floor", "px_vi", "px_floor", None, None),
    ("create+start vprov / virsh floor", "cs_vprov", "cs_virsh", "<=", 1.3),
    ("create+start virt-install / vprov", "cs_vi", "cs_vprov", None, None),
    ("osinfo show  osinfo-query / vprov warm", "os_query", "os_show_warm", ">=", 20.0),
    ("osinfo show  osinfo-query / vprov cold", "os_query", "os_show_cold", ">=", 20.0),
    ("--os         virt-install / vprov warm", "os_vi", "os_create_warm", None, None),
    ("--os         virt-install / vprov cold", "os_vi", "os_create_cold", None, None),
    ("tree fetch   vprov cold / curl", "fetch_cold", "curl_two", "<=", 1.1),
    ("tree fetch   vprov cold / curl+sha256sum+sync", "fetch_cold", "curl_verified", None, None),
    ("--location   virt-install / vprov dry-run", "dr_vi", "dr_vprov", None, None),
    ("inject       vprov / virt-customize", "in_vprov", "in_vc", "<=", 0.5),
    ("inject       vprov / appliance launch", "in_vprov", "in_floor", None, None),
]
def say(f):
    try:
        f()
    except LookupError:
        pass
say(lambda: print("the kept KVM verdict costs a create %+.2f ms (--print-xml without --virt-type minus with it);" %
                  (med["px_vprov"] - med["px_pinned"])))
say(lambda: print("the probe itself, once per host and hypervisor version: %.2f s" % (med["kvm_probe"] / 1000)))
if "fetch_warm" in med:
    with open(os.path.join(d, "warm_bytes")) as f:
        print("a warm 'vprov fetch' (cache revalidated): %s body bytes over all its runs, %.1f ms median" %
              (f.read().strip(), med["fetch_warm"]))
    print("(virt-install --dry-run downloads the kernel and initrd; vprov's dry run reads the tree's metadata only)")
if "in_vprov" in med:
    print("guest edits: vprov inject --hostname --ssh-inject --serial-console against virt-customize --hostname")
    print(" --ssh-inject --edit /etc/default/grub --run-command update-grub, each on a fresh overlay; the floor")
    print(" is one bare appliance launch (guestfish run); all under TCG")
print()
print("%-40s %8s   %-8s %s" % ("ratio (of medians)", "value", "target", "met?"))
print("-" * 66)
for name, num, den, op, target in ratios:
    if num not in med or den not in med:
        continue
    v = med[num] / med[den]
    if op is None:
        print("%-40s %7.2fx   %-8s %s" % (name, v, "-", "(no target)" if "floor" not in name else
              "(no target; the ceiling of virt-install / vprov for any program that loads these libraries and connects)"))
        continue
    ok = v >= target if op == ">=" else v <= target
    print("%-40s %7.2fx   %-8s %s" % (name, v, "%s %gx" % (op, target), "yes" if ok else "NO"))
EOF
fi

# ========================================================================
# Self-contained sections.  Each runs unless --only names others, reports
# its own medians and ratio, and cleans up what it made.
# (--sections alone picks among 1-6 and runs none of these)
wants() { if [[ -n $only ]]; then [[ ,$only, == *,$1,* ]]; else ((sections_given == 0)); fi; }

# median_ms LABEL: the median of $tmp/LABEL.t in ms
median_ms() { python3 -c 'import statistics,sys; print("%.1f" % (statistics.median(int(x) for x in open(sys.argv[1]).read().split()) / 1000))' "$tmp/$1.t"; }
# ratio_line WHAT A B TARGET: the ratio A/B against its target
ratio_line() {
	python3 -c 'import sys; a, b, t = float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]); r = a / b
print("  %-44s %6.2fx   target <= %gx: %s" % (sys.argv[1], r, t, "yes" if r <= t else "NO"))' "$@"
}

# ---------------------------------------------- seed: a NoCloud seed alone
# vprov's seed (user-data merged with a host name and a root key,
# meta-data, the cidata ISO written in-process by libarchive) as a process
# of its own (build/vprov-seedbench, bench/seed.c) against cloud-localds
# packing the same user-data (it spawns genisoimage); and, for what a
# create pays, the same build in-process, repeated inside one process.
if wants seed; then
	echo "== seed: NoCloud seed vs cloud-localds" >&2
	command -v cloud-localds >/dev/null || die "cloud-localds is missing (apt-get install cloud-image-utils)"
	sd_bin=$(dirname "$vprov")/vprov-seedbench
	[[ -x $sd_bin ]] || die "no $sd_bin (build the tree first)"
	sd_runs=${create_runs:-20}
	ssh-keygen -q -t ed25519 -N '' -f "$tmp/sdkey"
	printf '#cloud-config\nruncmd:\n  - echo hello\n' >"$tmp/sdud"
	printf 'instance-id: iid-bench\nlocal-hostname: bench\n' >"$tmp/sdmd"
	timed sd_warm "$sd_bin" "$tmp/sd1.iso" "$tmp/sdud" "$tmp/sdkey.pub"
	timed sd_warm cloud-localds "$tmp/sd2.iso" "$tmp/sdud" "$tmp/sdmd"
	[[ $(isoinfo -d -i "$tmp/sd1.iso" | sed -n 's/^Volume id: //p') == cidata ]] || die "vprov's seed is not labelled cidata"
	for ((k = 0; k < sd_runs; k++)); do
		timed sd_vprov "$sd_bin" "$tmp/sd1.iso" "$tmp/sdud" "$tmp/sdkey.pub"
		timed sd_cl cloud-localds "$tmp/sd2.iso" "$tmp/sdud" "$tmp/sdmd"
	done
	"$sd_bin" "$tmp/sd1.iso" "$tmp/sdud" "$tmp/sdkey.pub" "$sd_runs" >"$tmp/sd_inproc.t"
	a=$(median_ms sd_vprov) b=$(median_ms sd_cl) c=$(median_ms sd_inproc)
	echo
	echo "== seed: a NoCloud seed ISO ($sd_runs interleaved runs, medians)"
	echo "  vprov (process)      $a ms   $sd_bin OUT.iso USER-DATA KEY.pub"
	echo "  vprov (in-process)   $c ms   the same build inside one process, as create does it"
	echo "  cloud-localds        $b ms   cloud-localds OUT.iso USER-DATA META-DATA"
	ratio_line "vprov process / cloud-localds" "$a" "$b" 1.0
fi

# ------------------------------------------- image-create: from a cached image
# create+start from a cloud image whose base is already in the pool: vprov
# (overlay, seed volume, define, start) against virt-install --import
# --cloud-init with --disk backing_store= on the same base (virt-install
# makes the overlay volume and its own seed ISO); same options otherwise.
if wants image-create; then
	echo "== image-create: create+start from a cached cloud image, base in pool '$POOL'" >&2
	ic_runs=${create_runs:-5}
	ic_img=$("$repo/scripts/test-image.sh" 2>"$tmp/stderr") || { cat "$tmp/stderr" >&2; die "scripts/test-image.sh failed"; }
	ic_cache=$tmp/iccache
	ic_v=${prefix}icv ic_i=${prefix}ici
	ic_common=(--memory 256 --network none --graphics none --virt-type qemu --noautoconsole
		--cloud-init root-password-generate=on,disable=on)
	ic_vprov=(env XDG_CACHE_HOME="$ic_cache" "$vprov" create "$ic_v" --connect "$URI" --image "$ic_img"
		--disk size=3,pool="$POOL" "${ic_common[@]}")
	# untimed: the file's checksum (kept in the cache) and the base's name
	out=$("${ic_vprov[@]}" --dry-run --json 2>"$tmp/stderr") ||
		{ cat "$tmp/stderr" >&2; die "vprov create --image --dry-run failed"; }
	ic_base=$(python3 -c 'import json,sys; j=json.loads(sys.argv[1]); print([s["volume"] for s in j["plan"]["steps"] if s["kind"] == "base"][0])' "$out") ||
		die "no base step in vprov's plan"
	if ! virsh vol-info --pool "$POOL" "$ic_base" >/dev/null 2>&1; then
		echo "  uploading base '$ic_base' into pool '$POOL' first (kept afterwards, as vprov keeps bases)" >&2
		env XDG_CACHE_HOME="$ic_cache" "$vprov" -c "$URI" image import "$ic_img" --pool "$POOL" >/dev/null 2>"$tmp/stderr" ||
			{ cat "$tmp/stderr" >&2; die "vprov image import failed"; }
	fi
	ic_bpath=$(virsh vol-path --pool "$POOL" "$ic_base") || die "no base '$ic_base' in pool '$POOL'"
	ic_vi=(virt-install --connect "$URI" --name "$ic_i" --import --os-variant debian11
		--disk size=3,pool="$POOL",backing_store="$ic_bpath",backing_format=qcow2 "${ic_common[@]}")
	ic_remove() { # NAME: the VM, its volumes, virt-install's seed ISO
		local n=$1 iso
		iso=$(virsh dumpxml "$n" 2>/dev/null | grep -o "/var/lib/libvirt/boot/virtinst-[^']*-cloudinit.iso")
		virsh destroy "$n" >/dev/null 2>&1
		virsh undefine "$n" >/dev/null 2>&1
		virsh vol-delete --pool "$POOL" "$n.qcow2" >/dev/null 2>&1
		virsh vol-delete --pool "$POOL" "$n-cidata.iso" >/dev/null 2>&1
		[[ -n $iso ]] && rm -f "$iso"
		virsh domstate "$n" >/dev/null 2>&1 && die "could not remove VM '$n'"
		virsh vol-info --pool "$POOL" "$n.qcow2" >/dev/null 2>&1 && die "could not delete '$n.qcow2'"
		return 0
	}
	ic_check() { # NAME WHO: running, on an overlay of the base
		[[ $(virsh domstate "$1" 2>/dev/null) == running ]] || die "$2: VM '$1' is not running"
		virsh vol-dumpxml --pool "$POOL" "$1.qcow2" 2>/dev/null | grep -qF "<path>$ic_bpath</path>" ||
			die "$2: '$1.qcow2' is not an overlay on $ic_bpath"
	}
	# one untimed round each first (warms the caches)
	timed ic_warm "${ic_vprov[@]}"; ic_check "$ic_v" vprov; ic_remove "$ic_v"
	timed ic_warm "${ic_vi[@]}"; ic_check "$ic_i" virt-install; ic_remove "$ic_i"
	for ((k = 0; k < ic_runs; k++)); do
		if ((k % 2)); then
			timed ic_vi "${ic_vi[@]}"; ic_check "$ic_i" virt-install; ic_remove "$ic_i"
			timed ic_vprov "${ic_vprov[@]}"; ic_check "$ic_v" vprov; ic_remove "$ic_v"
		else
			timed ic_vprov "${ic_vprov[@]}"; ic_check "$ic_v" vprov; ic_remove "$ic_v"
			timed ic_vi "${ic_vi[@]}"; ic_check "$ic_i" virt-install; ic_remove "$ic_i"
		fi
	done
	a=$(median_ms ic_vprov) b=$(median_ms ic_vi)
	echo
	echo "== image-create: create+start from a cached cloud image ($ic_runs interleaved rounds, medians)"
	echo "  image          $ic_img (base $POOL/$ic_base)"
	echo "  vprov          $a ms   ${ic_vprov[*]:2}"
	echo "  virt-install   $b ms   ${ic_vi[*]}"
	ratio_line "vprov / virt-install" "$a" "$b" 0.7
fi

# ------------------------------------ image-upload: a base to the second host
# One image file uploaded into an empty pool on the second libvirt host
# (scripts/libvirtd-second-host.sh, qemu+tcp://127.0.0.2/system): 'vprov
# image import' (the file's checksum kept from an untimed first run; a
# sparse stream; a pool refresh) against 'virsh vol-create-as' + 'virsh
# vol-upload --sparse' of the same file.  The volume goes between runs.
if wants image-upload; then
	echo "== image-upload: a base into a fresh pool on the second host" >&2
	iu_runs=${create_runs:-5}
	iu_uri=qemu+tcp://127.0.0.2/system
	iu_pool=${prefix}up
	iu_started=0
	virsh_r() { command virsh -q -c "$iu_uri" "$@"; }
	virsh_r version >/dev/null 2>&1 || iu_started=1
	"$repo/scripts/libvirtd-second-host.sh" start >/dev/null || die "the second libvirt host does not start"
	iu_cleanup() {
		local v
		for v in $(virsh_r vol-list "$iu_pool" 2>/dev/null | awk '{print $1}'); do
			virsh_r vol-delete --pool "$iu_pool" "$v" >/dev/null 2>&1
		done
		virsh_r pool-destroy "$iu_pool" >/dev/null 2>&1
		virsh_r pool-delete "$iu_pool" >/dev/null 2>&1
		virsh_r pool-undefine "$iu_pool" >/dev/null 2>&1
		((iu_started)) && "$repo/scripts/libvirtd-second-host.sh" stop >/dev/null 2>&1
		iu_started=0
	}
	trap 'rc_=$?; iu_cleanup; (exit $rc_); cleanup' EXIT
	iu_img=$("$repo/scripts/test-image.sh" 2>"$tmp/stderr") || { cat "$tmp/stderr" >&2; die "scripts/test-image.sh failed"; }
	iu_size=$(stat -c %s "$iu_img")
	{ virsh_r pool-define-as "$iu_pool" dir --target "/var/lib/libvirt/$iu_pool" >/dev/null &&
		virsh_r pool-build "$iu_pool" >/dev/null && virsh_r pool-start "$iu_pool" >/dev/null; } ||
		die "cannot make pool '$iu_pool' on $iu_uri"
	iu_vol=${prefix}virsh.raw
	iu_vprov=(env XDG_CACHE_HOME="$tmp/iucache" "$vprov" -c "$iu_uri" image import "$iu_img" --pool "$iu_pool")
	iu_virsh() {
		"$vbin" -q -c "$iu_uri" vol-create-as "$iu_pool" "$iu_vol" "$iu_size" --allocation 0 --format raw &&
			"$vbin" -q -c "$iu_uri" vol-upload --sparse --pool "$iu_pool" "$iu_vol" "$iu_img"
	}
	iu_empty() { # the pool holds nothing again (between runs)
		local v
		for v in $(virsh_r vol-list "$iu_pool" | awk '{print $1}'); do
			virsh_r vol-delete --pool "$iu_pool" "$v" >/dev/null || die "cannot delete '$v' on $iu_uri"
		done
		[[ -z $(virsh_r vol-list "$iu_pool") ]] || die "pool '$iu_pool' is not empty"
	}
	iu_check() { # WHO: one volume, holding the file's bytes, sparse
		local p alloc
		[[ $(virsh_r vol-list "$iu_pool" | grep -c .) == 1 ]] || die "$1: pool '$iu_pool' does not hold one volume"
		p=$(virsh_r vol-list "$iu_pool" | awk '{print $2}')
		alloc=$(virsh_r vol-dumpxml "$p" | sed -n "s/.*<allocation unit='bytes'>\([0-9]*\)<.*/\1/p")
		((alloc <= $(stat -c %b "$iu_img") * 512 + 1048576)) || die "$1: '$p' is not sparse ($alloc bytes allocated)"
	}
	# untimed first runs: vprov hashes the file once (kept by inode and mtime)
	timed iu_warm "${iu_vprov[@]}"; iu_check vprov; iu_empty
	timed iu_warm iu_virsh; iu_check virsh; iu_empty
	for ((k = 0; k < iu_runs; k++)); do
		if ((k % 2)); then
			timed iu_virsh iu_virsh; iu_check virsh; iu_empty
			timed iu_vprov "${iu_vprov[@]}"; iu_check vprov; iu_empty
		else
			timed iu_vprov "${iu_vprov[@]}"; iu_check vprov; iu_empty
			timed iu_virsh iu_virsh; iu_check virsh; iu_empty
		fi
	done
	a=$(median_ms iu_vprov) b=$(median_ms iu_virsh)
	echo
	echo "== image-upload: $iu_img ($(du -h --apparent-size "$iu_img" | cut -f1) apparent, $(du -h "$iu_img" | cut -f1) allocated) into an empty pool on $iu_uri ($iu_runs interleaved rounds, medians)"
	echo "  vprov          $a ms   ${iu_vprov[*]:2}"
	echo "  virsh          $b ms   virsh vol-create-as $iu_pool VOL $iu_size --allocation 0 --format raw && virsh vol-upload --sparse --pool $iu_pool VOL FILE"
	ratio_line "vprov / virsh vol-upload --sparse" "$a" "$b" 1.1
	iu_cleanup
fi

# --------------------------------------- clone: a full copy of a shut-off VM
# A shut-off VM (made by vprov, never booted from its disk) whose 2 GiB
# qcow2 disk holds 1 GiB of data: 'vprov clone SRC NEW' against
# 'virt-clone --original SRC --name NEW --auto-clone' (both have the host
# copy the volume: virStorageVolCreateXMLFrom, qemu-img convert), and
# 'vprov clone --linked' for what an overlay costs instead.  Each clone is
# checked (defined, its own volume holding the data) and removed between
# runs.
if wants clone; then
	echo "== clone: a full copy of a shut-off VM with 1 GiB of data" >&2
	cl_runs=${create_runs:-5}
	cl_src=${prefix}clsrc cl_v=${prefix}clv cl_i=${prefix}cli cl_l=${prefix}cll
	"$vprov" create "$cl_src" --connect "$URI" --memory 256 --disk size=2 --import --network none \
		--graphics none --virt-type qemu --noautoconsole >/dev/null 2>"$tmp/stderr" ||
		{ cat "$tmp/stderr" >&2; die "cannot create the source VM"; }
	virsh destroy "$cl_src" >/dev/null 2>&1
	cl_disk=$(virsh vol-path --pool "$POOL" "$cl_src.qcow2") || die "no volume '$cl_src.qcow2'"
	qemu-io -c 'write -P 0x5a 0 1G' "$cl_disk" >/dev/null || die "qemu-io cannot fill '$cl_disk'"
	cl_vprov=("$vprov" -c "$URI" clone "$cl_src" "$cl_v")
	cl_vc=(virt-clone --connect "$URI" --original "$cl_src" --name "$cl_i" --auto-clone)
	cl_link=("$vprov" -c "$URI" clone "$cl_src" "$cl_l" --linked)
	cl_check() { # NAME WHO MIN_KIB: defined, shut off, its volume holding at least MIN_KIB
		local alloc
		[[ $(virsh domstate "$1" 2>/dev/null) == "shut off" ]] || die "$2: no shut-off VM '$1'"
		alloc=$(virsh vol-dumpxml --pool "$POOL" "$1.qcow2" 2>/dev/null |
			sed -n "s/.*<allocation unit='bytes'>\([0-9]*\)<.*/\1/p")
		[[ -n $alloc ]] && ((alloc / 1024 >= $3)) || die "$2: '$1.qcow2' holds ${alloc:-no} bytes"
	}
	cl_remove() { # NAME
		virsh undefine --nvram "$1" >/dev/null 2>&1 || virsh undefine "$1" >/dev/null 2>&1
		vm_remove "$1"
	}
	timed cl_warm "${cl_vprov[@]}"; cl_check "$cl_v" vprov 1048576; cl_remove "$cl_v"
	timed cl_warm "${cl_vc[@]}"; cl_check "$cl_i" virt-clone 1048576; cl_remove "$cl_i"
	for ((k = 0; k < cl_runs; k++)); do
		if ((k % 2)); then
			timed cl_vc "${cl_vc[@]}"; cl_check "$cl_i" virt-clone 1048576; cl_remove "$cl_i"
			timed cl_vprov "${cl_vprov[@]}"; cl_check "$cl_v" vprov 1048576; cl_remove "$cl_v"
		else
			timed cl_vprov "${cl_vprov[@]}"; cl_check "$cl_v" vprov 1048576; cl_remove "$cl_v"
			timed cl_vc "${cl_vc[@]}"; cl_check "$cl_i" virt-clone 1048576; cl_remove "$cl_i"
		fi
		timed cl_link "${cl_link[@]}"; cl_check "$cl_l" "vprov --linked" 0; cl_remove "$cl_l"
	done
	a=$(median_ms cl_vprov) b=$(median_ms cl_vc) c=$(median_ms cl_link)
	echo
	echo "== clone: a shut-off VM, 2 GiB qcow2 with 1 GiB of data ($cl_runs interleaved rounds, medians)"
	echo "  vprov          $a ms   ${cl_vprov[*]:1}"
	echo "  virt-clone     $b ms   ${cl_vc[*]}"
	echo "  vprov --linked $c ms   (an overlay on SRC's volume; virt-clone has none)"
	ratio_line "vprov / virt-clone" "$a" "$b" 1.0
	cl_remove "$cl_src"
fi

# ------------------------- migrate-offline: a volume's bytes to the second host
# The storage side of an offline migration: a 2 GiB qcow2 volume half full
# (1 GiB of random data in eight 128 MiB runs, every other 128 MiB of the
# guest's disk; qemu-img convert packs it into a 1 GiB qcow2 file) moved
# from this host to a fresh pool on the second host (qemu+tcp://127.0.0.2)
# by vprov's stream copy (build/vprov-xferbench, bench/xfer.c: the plan
# migrate uses, a sparse download piped into a sparse upload with the
# sha256 on the way, then the copy read back and compared), against
# 'virsh vol-download | virsh vol-upload' of the same volume (into a raw
# volume made first, as vprov makes one) and against 'cp --sparse=always'
# of the file into the second host's pool directory (the local limit: no
# libvirt, no network).  Rounds interleaved, order alternating; the copy
# goes between runs.  vprov's figures: the stream copy alone (as the pipe
# does it) and the whole plan (create, copy, verify).
if wants migrate-offline; then
	echo "== migrate-offline: a 2 GiB qcow2 volume, half full, to the second host" >&2
	mo_runs=${create_runs:-5}
	mo_uri=qemu+tcp://127.0.0.2/system
	mo_pool=${prefix}mo
	mo_dir=/var/tmp/vprov-hostB/varlib/$mo_pool     # the pool's directory, seen from here
	mo_vol=${prefix}mo.qcow2
	mo_started=0
	mo_bin=$(dirname "$vprov")/vprov-xferbench
	[[ -x $mo_bin ]] || die "no $mo_bin (build the tree first)"
	virsh_mo() { command virsh -q -c "$mo_uri" "$@"; }
	virsh_mo version >/dev/null 2>&1 || mo_started=1
	"$repo/scripts/libvirtd-second-host.sh" start >/dev/null || die "the second libvirt host does not start"
	mo_empty() {
		local v
		for v in $(virsh_mo vol-list "$mo_pool" 2>/dev/null | awk '{print $1}'); do
			virsh_mo vol-delete --pool "$mo_pool" "$v" >/dev/null 2>&1
		done
		rm -f "$mo_dir/$mo_vol"
	}
	mo_cleanup() {
		mo_empty
		virsh_mo pool-destroy "$mo_pool" >/dev/null 2>&1
		virsh_mo pool-delete "$mo_pool" >/dev/null 2>&1
		virsh_mo pool-undefine "$mo_pool" >/dev/null 2>&1
		command virsh -q vol-delete --pool "$POOL" "$mo_vol" >/dev/null 2>&1
		((mo_started)) && "$repo/scripts/libvirtd-second-host.sh" stop >/dev/null 2>&1
		mo_started=0
	}
	trap 'rc_=$?; mo_cleanup; (exit $rc_); cleanup' EXIT
	{ virsh_mo pool-define-as "$mo_pool" dir --target "/var/lib/libvirt/$mo_pool" >/dev/null &&
		virsh_mo pool-build "$mo_pool" >/dev/null && virsh_mo pool-start "$mo_pool" >/dev/null; } ||
		die "cannot make pool '$mo_pool' on $mo_uri"
	pool_dir=$(command virsh -q pool-dumpxml "$POOL" | sed -n 's:.*<path>\(.*\)</path>.*:\1:p' | head -n 1)
	mo_src=$pool_dir/$mo_vol
	truncate -s 2G "$tmp/mo.raw"
	for ((k = 0; k < 8; k++)); do
		dd if=/dev/urandom of="$tmp/mo.raw" bs=1M seek=$((k * 256)) count=128 conv=notrunc status=none
	done
	qemu-img convert -O qcow2 "$tmp/mo.raw" "$mo_src" || die "cannot write $mo_src"
	rm -f "$tmp/mo.raw"
	command virsh -q pool-refresh "$POOL" >/dev/null
	mo_sum=$(sha256sum "$mo_src" | cut -d' ' -f1)
	mo_len=$(stat -c %s "$mo_src")
	mo_vprov=("$mo_bin" migrate "$URI" "$mo_uri" --dest-pool "$mo_pool" "$mo_src")
	mo_copy() { # the stream copy alone, timed by the program: its copy_us
		local line
		line=$("$mo_bin" copy "$URI" "$mo_src" "$mo_uri" "$mo_pool" "$mo_vol") || return 1
		[[ $line == *"sha256=$mo_sum"* ]] || { echo "bench: vprov's copy sent other bytes: $line" >&2; return 1; }
		echo "${line#copy_us=}" | cut -d' ' -f1 >>"$tmp/mo_copy.t"
	}
	mo_pipe() {
		"$vbin" -q -c "$mo_uri" vol-create-as "$mo_pool" "$mo_vol" "$mo_len" --allocation 0 --format raw >/dev/null &&
			"$vbin" -q -c "$URI" vol-download --pool "$POOL" "$mo_vol" /dev/stdout |
			"$vbin" -q -c "$mo_uri" vol-upload --pool "$mo_pool" "$mo_vol" /dev/stdin
	}
	mo_cp() { cp --sparse=always "$mo_src" "$mo_dir/$mo_vol"; }
	mo_check() { # WHO: the copy on the second host holds the source's bytes
		[[ $(sha256sum "$mo_dir/$mo_vol" | cut -d' ' -f1) == "$mo_sum" ]] || die "$1: the copy's sha256 differs"
	}
	# untimed first round, checked
	timed mo_warm "${mo_vprov[@]}"; mo_check vprov; mo_empty
	timed mo_warm mo_pipe; mo_check pipe; mo_empty
	timed mo_warm mo_cp; mo_check cp; mo_empty
	for ((k = 0; k < mo_runs; k++)); do
		if ((k % 2)); then
			timed mo_pipe mo_pipe; mo_empty
			timed mo_cp mo_cp; mo_empty
			mo_copy || die "vprov's stream copy failed"; mo_empty
			timed mo_vprov "${mo_vprov[@]}"; mo_empty
		else
			timed mo_vprov "${mo_vprov[@]}"; mo_empty
			mo_copy || die "vprov's stream copy failed"; mo_empty
			timed mo_cp mo_cp; mo_empty
			timed mo_pipe mo_pipe; mo_empty
		fi
	done
	a=$(median_ms mo_copy) f=$(median_ms mo_vprov) b=$(median_ms mo_pipe) c=$(median_ms mo_cp)
	echo
	echo "== migrate-offline: $mo_vol (2 GiB qcow2, $(du -h "$mo_src" | cut -f1) allocated) to a fresh pool on $mo_uri ($mo_runs interleaved rounds, medians)"
	echo "  vprov stream copy    $a ms   $mo_bin copy (sparse download -> sparse upload, sha256 on the way)"
	echo "  vprov whole plan     $f ms   ${mo_vprov[*]} (create, copy, read back and verify)"
	echo "  virsh pipe           $b ms   virsh vol-download VOL /dev/stdout | virsh -c $mo_uri vol-upload VOL /dev/stdin"
	echo "  cp --sparse=always   $c ms   the file into the second host's pool directory (no libvirt)"
	ratio_line "vprov stream copy / virsh pipe" "$a" "$b" 1.0
	ratio_line "vprov stream copy / cp --sparse=always" "$a" "$c" 2.0
	ratio_line "vprov whole plan (with verify) / virsh pipe" "$f" "$b" 1.0
	ratio_line "vprov whole plan (with verify) / cp" "$f" "$c" 2.0
	mo_cleanup
fi

# ----------------------------- migrate-live: a running guest A->B and back
# A 512 MiB TCG guest (the Debian kernel and initrd at their initramfs
# shell) on a directory pool both hosts see (the same name and path on
# this machine's libvirtd and on the second host, qemu+tcp://127.0.0.2/system)
# moved live to the second host peer to peer and back through the client
# (the first host has no TCP listener): 'vprov migrate --unsafe' against
# 'virsh migrate --live --persistent --undefinesource --unsafe' (--p2p on
# the way out), the same libvirt flags.  A round trip is one timed run.
# Run it under 'flock -o /tmp/vprov-hostB.lock' beside other users of the
# second host.
if wants migrate-live; then
	echo "== migrate-live: a running 512 MiB TCG guest to the second host and back" >&2
	ml_runs=${create_runs:-5}
	ml_r=qemu+tcp://127.0.0.2/system
	ml_pool=${prefix}mlsh
	ml_dir=/var/tmp/${prefix}mlsh
	ml_vm=${prefix}ml
	ml_started=0
	virsh_b() { command virsh -q -c "$ml_r" "$@"; }
	virsh_b version >/dev/null 2>&1 || ml_started=1
	"$repo/scripts/libvirtd-second-host.sh" start >/dev/null || die "the second libvirt host does not start"
	ml_cleanup() {
		local u
		for u in "$URI" "$ml_r"; do
			command virsh -q -c "$u" destroy "$ml_vm" >/dev/null 2>&1
			command virsh -q -c "$u" undefine "$ml_vm" >/dev/null 2>&1
			command virsh -q -c "$u" pool-destroy "$ml_pool" >/dev/null 2>&1
			command virsh -q -c "$u" pool-undefine "$ml_pool" >/dev/null 2>&1
		done
		rm -rf "$ml_dir"
		rm -f "/var/tmp/vprov-hostB/log/qemu/$ml_vm"*
		((ml_started)) && "$repo/scripts/libvirtd-second-host.sh" stop >/dev/null 2>&1
		ml_started=0
	}
	trap 'rc_=$?; ml_cleanup; (exit $rc_); cleanup' EXIT
	mkdir -p "$ml_dir"
	for u in "$URI" "$ml_r"; do
		command virsh -q -c "$u" pool-define-as "$ml_pool" dir --target "$ml_dir" >/dev/null &&
			command virsh -q -c "$u" pool-start "$ml_pool" >/dev/null || die "cannot make pool '$ml_pool' on $u"
	done
	ml_kernel=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1)
	ml_initrd=$(ls /boot/initrd.img-* 2>/dev/null | sort -V | tail -n 1)
	[[ -n $ml_kernel && -n $ml_initrd ]] || die "no kernel and initrd in /boot"
	XDG_STATE_HOME=$tmp/mlstate "$vprov" -c "$URI" create "$ml_vm" --memory 512 --vcpus 1 --network none \
		--graphics none --noautoconsole --virt-type qemu --disk "pool=$ml_pool,size=1" \
		--boot "kernel=$ml_kernel,initrd=$ml_initrd,kernel_args=\"console=ttyS0 break=top\"" \
		>/dev/null 2>"$tmp/stderr" || { cat "$tmp/stderr" >&2; die "vprov create of the guest failed"; }
	ml_vprov() {
		XDG_STATE_HOME=$tmp/mlstate "$vprov" -c "$URI" migrate "$ml_vm" "$ml_r" --unsafe &&
			XDG_STATE_HOME=$tmp/mlstate "$vprov" -c "$ml_r" migrate "$ml_vm" "$URI" --unsafe
	}
	ml_virsh() {
		"$vbin" -q -c "$URI" migrate --live --p2p --persistent --undefinesource --unsafe "$ml_vm" "$ml_r" &&
			"$vbin" -q -c "$ml_r" migrate --live --persistent --undefinesource --unsafe "$ml_vm" "$URI"
	}
	ml_check() { # WHO: back on the first host, running and persistent; nothing on the second
		[[ $(virsh domstate "$ml_vm" 2>/dev/null) == running ]] || die "$1: '$ml_vm' does not run on $URI"
		[[ $(virsh dominfo "$ml_vm") =~ Persistent:\ +yes ]] || die "$1: '$ml_vm' is not persistent on $URI"
		virsh_b dominfo "$ml_vm" >/dev/null 2>&1 && die "$1: '$ml_vm' is still on $ml_r"
		return 0
	}
	sleep 3 # the guest reaches its shell
	timed ml_warm ml_vprov; ml_check vprov
	timed ml_warm ml_virsh; ml_check virsh
	for ((k = 0; k < ml_runs; k++)); do
		if ((k % 2)); then
			timed ml_virsh ml_virsh; ml_check virsh
			timed ml_vprov ml_vprov; ml_check vprov
		else
			timed ml_vprov ml_vprov; ml_check vprov
			timed ml_virsh ml_virsh; ml_check virsh
		fi
	done
	a=$(median_ms ml_vprov) b=$(median_ms ml_virsh)
	echo
	echo "== migrate-live: a running 512 MiB TCG guest $URI -> $ml_r -> $URI, shared directory pool ($ml_runs interleaved round trips, medians)"
	echo "  vprov          $a ms   vprov migrate VM $ml_r --unsafe; vprov -c $ml_r migrate VM $URI --unsafe"
	echo "  virsh          $b ms   virsh migrate --live --p2p --persistent --undefinesource --unsafe VM $ml_r; virsh -c $ml_r migrate --live --persistent --undefinesource --unsafe VM $URI"
	ratio_line "vprov / virsh migrate --live" "$a" "$b" 1.05
	ml_cleanup
fi

# ------------------------------------------- snapshot: create and revert
# internal snapshots (disks and memory) of a running TCG guest (the
# kernel+initrd one: the initrd's shell, 512 MiB, a 1 GiB qcow2 disk):
# 'vprov snapshot create' then 'vprov snapshot revert' against 'virsh
# snapshot-create-as' then 'virsh snapshot-revert' on the same guest, rounds
# interleaved, each snapshot deleted (untimed) before the other tool's turn.
if wants snapshot; then
	echo "== snapshot: create+revert on a running guest" >&2
	sn_runs=${create_runs:-5}
	sn_vm=${prefix}snap
	sn_kernel=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1)
	sn_initrd=$(ls /boot/initrd.img-* 2>/dev/null | sort -V | tail -n 1)
	[[ -n $sn_kernel && -n $sn_initrd ]] || die "no kernel and initrd in /boot (linux-image-amd64)"
	"$vprov" -c "$URI" create "$sn_vm" --memory 512 --vcpus 1 --disk size=1,pool="$POOL" --network none \
		--graphics none --virt-type qemu --noautoconsole \
		--boot "kernel=$sn_kernel,initrd=$sn_initrd,kernel_args=\"console=ttyS0 break=top\"" \
		>/dev/null 2>"$tmp/stderr" || { cat "$tmp/stderr" >&2; die "vprov create of the guest failed"; }
	sleep 15 # let the kernel unpack its initrd and reach the shell
	sn_running() { [[ $(virsh domstate "$sn_vm" 2>/dev/null) == running ]] || die "$1: '$sn_vm' is not running after the revert"; }
	sn_drop() { virsh snapshot-delete "$sn_vm" "$1" >/dev/null || die "cannot delete snapshot '$1'"; }
	sn_vprov() { # ROUND
		timed sn_vcreate "$vprov" -c "$URI" snapshot create "$sn_vm" "v$1"
		timed sn_vrevert "$vprov" -c "$URI" snapshot revert "$sn_vm" "v$1"
		sn_running vprov
	}
	sn_virsh() { # ROUND
		timed sn_icreate command virsh -q -c "$URI" snapshot-create-as "$sn_vm" "i$1"
		timed sn_irevert command virsh -q -c "$URI" snapshot-revert "$sn_vm" "i$1"
		sn_running virsh
	}
	# one untimed round each first
	sn_vprov w; sn_drop vw; sn_virsh w; sn_drop iw
	rm -f "$tmp"/sn_*.t
	# each create follows the other tool's revert and snapshot delete, so
	# that both find the guest alike (a create right after a revert, its
	# memory all loaded back, takes seconds longer than one after a delete)
	for ((k = 0; k < sn_runs; k++)); do
		if ((k % 2)); then
			sn_virsh "$k"; sn_drop "i$k"; sn_vprov "$k"; sn_drop "v$k"
		else
			sn_vprov "$k"; sn_drop "v$k"; sn_virsh "$k"; sn_drop "i$k"
		fi
	done
	a=$(median_ms sn_vcreate) b=$(median_ms sn_icreate) c=$(median_ms sn_vrevert) d=$(median_ms sn_irevert)
	echo
	echo "== snapshot: internal snapshot of a running 512 MiB TCG guest ($sn_runs interleaved rounds, medians)"
	echo "  vprov create         $a ms   vprov snapshot create VM SNAP"
	echo "  virsh create         $b ms   virsh snapshot-create-as VM SNAP"
	echo "  vprov revert         $c ms   vprov snapshot revert VM SNAP"
	echo "  virsh revert         $d ms   virsh snapshot-revert VM SNAP"
	if ((verbose)); then
		for l in sn_vcreate sn_icreate sn_vrevert sn_irevert; do
			echo "  $l (ms): $(awk '{printf "%.0f ", $1 / 1000}' "$tmp/$l.t")"
		done
	fi
	ratio_line "vprov / virsh: create" "$a" "$b" 1.1
	ratio_line "vprov / virsh: revert" "$c" "$d" 1.1
	ratio_line "vprov / virsh: create + revert" "$(python3 -c "print($a + $c)")" "$(python3 -c "print($b + $d)")" 1.1
	virsh destroy "$sn_vm" >/dev/null 2>&1
	"$vprov" -c "$URI" delete "$sn_vm" --snapshots >/dev/null 2>&1 || vm_remove "$sn_vm"
fi

# ------------------------------------------- stats: ten running guests at once
# 'vprov stats --json' of 10 running TCG guests (the kernel+initrd one at its
# initramfs shell, 256 MiB, a 1 GiB disk, no network) against 'virsh
# domstats' of the same 10, both named on the command line, timed by
# hyperfine in one invocation (runs alternate); and the libvirt calls
# vprov's sample made (its --json says), for 1 VM and for 10.
if wants stats; then
	echo "== stats: 10 running guests, vprov stats --json vs virsh domstats" >&2
	command -v hyperfine >/dev/null || die "hyperfine is missing (apt-get install hyperfine)"
	st_runs=${fast_runs:-30}
	st_kernel=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1)
	st_initrd=$(ls /boot/initrd.img-* 2>/dev/null | sort -V | tail -n 1)
	[[ -n $st_kernel && -n $st_initrd ]] || die "no kernel and initrd in /boot (linux-image-amd64)"
	st_vms=()
	for ((k = 0; k < 10; k++)); do
		st_vms+=("${prefix}st$k")
		"$vprov" -c "$URI" create "${prefix}st$k" --memory 256 --vcpus 1 --disk size=1,pool="$POOL" \
			--network none --graphics none --virt-type qemu --noautoconsole \
			--boot "kernel=$st_kernel,initrd=$st_initrd,kernel_args=\"console=ttyS0 break=top\"" \
			>/dev/null 2>"$tmp/stderr" || { cat "$tmp/stderr" >&2; die "vprov create of ${prefix}st$k failed"; }
	done
	# all ten at their shell (the boots would load the CPUs the timings share)
	for n in "${st_vms[@]}"; do
		for ((k = 0; k < 300; k++)); do
			grep -qa '(initramfs)' "/var/log/libvirt/qemu/$n-console.log" 2>/dev/null && break
			sleep 1
		done
		[[ $(virsh domstate "$n" 2>/dev/null) == running ]] || die "'$n' does not run"
	done
	sleep 5
	export XDG_STATE_HOME=$tmp/ststate  # vprov keeps its sample (for rates) here
	"$vprov" -c "$URI" stats --json "${st_vms[@]}" >"$tmp/st10.json" || die "vprov stats failed"
	"$vprov" -c "$URI" stats --json "${st_vms[0]}" >"$tmp/st1.json" || die "vprov stats failed"
	"$vprov" -c "$URI" stats --json >"$tmp/stall.json" || die "vprov stats failed"
	python3 - "$tmp/st10.json" "$tmp/st1.json" "$tmp/stall.json" "${st_vms[@]}" <<'PY' >"$tmp/stcalls" || die "vprov stats --json is not what was asked"
import json, sys
j10, j1, jall = (json.load(open(p)) for p in sys.argv[1:4])
names = sys.argv[4:]
assert sorted(v["name"] for v in j10["vms"]) == sorted(names), j10["vms"]
assert all(v["state"] == "running" and v["cpu_time_ns"] > 0 and v["disk"]["count"] == 1 for v in j10["vms"])
ours = [v for v in jall["vms"] if v["name"] in names]
assert len(ours) == 10
print("%d %d %d %d %d %d %d" % (j1["libvirt_calls"], j1["domain_stats_calls"], j10["libvirt_calls"],
      j10["domain_stats_calls"], jall["libvirt_calls"], jall["domain_stats_calls"], len(jall["vms"])))
PY
	read -r c1 d1 c10 d10 call dall nall <"$tmp/stcalls"
	[[ $(command virsh -q -c "$URI" domstats "${st_vms[@]}" | grep -c '^Domain:') -eq 10 ]] || die "virsh domstats does not show the 10 VMs"
	hyperfine -N --warmup 3 --runs "$st_runs" --export-json "$tmp/st.json" \
		-n vprov "$vprov -c $URI stats --json ${st_vms[*]}" \
		-n virsh "virsh -q -c $URI domstats ${st_vms[*]}" >"$tmp/st.out" 2>&1 ||
		{ cat "$tmp/st.out" >&2; die "hyperfine failed"; }
	read -r a b <<<"$(python3 -c 'import json,sys; r={x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
print("%.1f %.1f" % (r["vprov"]["median"] * 1000, r["virsh"]["median"] * 1000))' "$tmp/st.json")"
	echo
	echo "== stats: 10 running 256 MiB TCG guests, named ($st_runs runs each, hyperfine -N, medians)"
	echo "  vprov          $a ms   vprov stats --json VM1..VM10"
	echo "  virsh          $b ms   virsh domstats VM1..VM10"
	((verbose)) && sed 's/^/  /' "$tmp/st.out"
	echo "  libvirt calls of one vprov sample: 1 VM named: $c1 ($d1 bulk domain-stats call); 10 named: $c10 ($d10);"
	echo "                                     every running VM ($nall here): $call ($dall)"
	ratio_line "vprov stats / virsh domstats" "$a" "$b" 1.1
	unset XDG_STATE_HOME
	for n in "${st_vms[@]}"; do vm_remove "$n"; done
	rm -f /var/log/libvirt/qemu/"$prefix"st*-console.log
fi

# ------------------------------ ipssh: from create to the first ssh command
# On the libvirt host in a network namespace of its own
# (scripts/libvirtd-netns-host.sh; started here when none answers, and
# stopped again), a NAT network with DHCP and a dir pool of this run's own:
# the Debian cloud image (scripts/test-image.sh, 768 MiB, TCG) from 'create'
# to the first successful command over ssh:
#   vprov: vprov create --image --cloud-init root-ssh-key=KEY.pub, then
#          vprov ssh VM -- true (it waits for the lease and for sshd);
#   virt-install: cloud-localds of the same user-data vprov writes (host name,
#          root's key), virt-install --import on an overlay of the same base
#          (--disk backing_store=) with that seed as a read-only virtio disk,
#          then virsh domifaddr every second until a lease shows, then
#          ssh -i KEY root@IP true every second until it works.
# Rounds interleaved (--create-runs, 7 by default: each round boots two
# guests, ~2-3 min under TCG); both polls run inside the namespace.  Also
# one 'vprov ip VM' against one 'virsh domifaddr VM' on the running guest.
# Holds /tmp/vprov-netns.lock (the tests of that host take it too).
# Measured 2026-11-30 (7 rounds, load 6-16 from other TCG guests): vprov
# 78.8 s, virt-install 75.0 s (1.05x; rounds spread 53-180 s each);
# vprov ip 22.9 ms, virsh domifaddr 22.8 ms (1.00x).
if wants ipssh; then
	echo "== ipssh: create to the first ssh command, on the namespaced host" >&2
	is_ns=$repo/scripts/libvirtd-netns-host.sh
	is_uri=$("$is_ns" uri)
	is_runs=${create_runs:-2}
	is_img=$("$repo/scripts/test-image.sh" 2>"$tmp/stderr") || { cat "$tmp/stderr" >&2; die "scripts/test-image.sh failed"; }
	command -v cloud-localds >/dev/null || die "cloud-localds is missing (apt-get install cloud-image-utils)"
	exec 9>/tmp/vprov-netns.lock
	flock -w 3600 9 || die "the namespaced libvirt host stays busy (/tmp/vprov-netns.lock)"
	is_started=0
	if ! command virsh -q -c "$is_uri" version >/dev/null 2>&1; then
		is_started=1
		"$is_ns" start >/dev/null || die "the namespaced libvirt host does not start"
	fi
	nvirsh() { command virsh -q -c "$is_uri" "$@"; }
	is_pool=${prefix}ipool is_net=${prefix}ilab is_v=${prefix}iv is_i=${prefix}ii
	is_remove() { # NAME
		nvirsh destroy "$1" >/dev/null 2>&1
		nvirsh undefine "$1" >/dev/null 2>&1
		local v
		for v in "$1.qcow2" "$1-cidata.iso" "$1-seed.iso"; do
			nvirsh vol-delete --pool "$is_pool" "$v" >/dev/null 2>&1
		done
		rm -f "$tmp/istate/vprov/known_hosts/"*
		nvirsh domstate "$1" >/dev/null 2>&1 && die "could not remove VM '$1'"
		return 0
	}
	is_cleanup() {
		local v
		is_remove "$is_v"; is_remove "$is_i"
		for v in $(nvirsh vol-list "$is_pool" 2>/dev/null | awk '{print $1}'); do
			nvirsh vol-delete --pool "$is_pool" "$v" >/dev/null 2>&1
		done
		nvirsh pool-destroy "$is_pool" >/dev/null 2>&1
		nvirsh pool-undefine "$is_pool" >/dev/null 2>&1
		nvirsh net-destroy "$is_net" >/dev/null 2>&1
		nvirsh net-undefine "$is_net" >/dev/null 2>&1
		((is_started)) && "$is_ns" stop >/dev/null 2>&1
		is_started=0
	}
	trap 'rc=$?; is_cleanup; (exit $rc); cleanup' EXIT
	chmod 755 "$tmp"
	mkdir -p "$tmp/ipool" "$tmp/istate"
	nvirsh pool-define-as "$is_pool" dir --target "$tmp/ipool" >/dev/null &&
		nvirsh pool-start "$is_pool" >/dev/null || die "cannot make pool '$is_pool' on $is_uri"
	cat >"$tmp/inet.xml" <<EOT
<network><name>$is_net</name><forward mode='nat'/>
  <ip address='192.168.160.1' netmask='255.255.255.0'>
    <dhcp><range start='192.168.160.128' end='192.168.160.254'/></dhcp></ip></network>
EOT
	nvirsh net-define "$tmp/inet.xml" >/dev/null && nvirsh net-start "$is_net" >/dev/null ||
		die "cannot make network '$is_net' on $is_uri"
	ssh-keygen -q -t ed25519 -N '' -C vprov-bench -f "$tmp/ikey"
	is_env=(env XDG_CACHE_HOME="$tmp/icache" XDG_STATE_HOME="$tmp/istate")
	# untimed: the base into the pool, as a second create from the image finds it
	"${is_env[@]}" "$vprov" -c "$is_uri" image import "$is_img" --pool "$is_pool" >/dev/null 2>"$tmp/stderr" ||
		{ cat "$tmp/stderr" >&2; die "vprov image import failed"; }
	is_base=$(nvirsh vol-list "$is_pool" | awk '/\.base-/ {print $2}' | head -n 1)
	[[ -n $is_base ]] || die "no base volume in pool '$is_pool'"
	is_common=(--memory 768 --vcpus 1 --network network="$is_net" --graphics none --virt-type qemu --noautoconsole)
	is_vprov_round() {
		"${is_env[@]}" "$vprov" -c "$is_uri" create "$is_v" --image "$is_img" --disk size=3,pool="$is_pool" \
			"${is_common[@]}" --cloud-init "root-ssh-key=$tmp/ikey.pub" || return 1
		# vprov ssh waits for the lease and for sshd itself
		"$is_ns" exec "${is_env[@]}" "$vprov" -c "$is_uri" ssh "$is_v" --wait 900 -- true </dev/null
	}
	is_vi_round() {
		printf '#cloud-config\nhostname: "%s"\npreserve_hostname: false\nusers:\n  - default\n  - name: root\n    lock_passwd: false\n    ssh_authorized_keys:\n      - "%s"\ndisable_root: false\n' \
			"$is_i" "$(cat "$tmp/ikey.pub")" >"$tmp/iud"
		printf 'instance-id: iid-%s\nlocal-hostname: %s\n' "$is_i$RANDOM" "$is_i" >"$tmp/imd"
		cloud-localds "$tmp/ipool/$is_i-seed.iso" "$tmp/iud" "$tmp/imd" &&
			nvirsh pool-refresh "$is_pool" >/dev/null &&
			virt-install --connect "$is_uri" --name "$is_i" --import --os-variant debian11 \
				--disk size=3,pool="$is_pool",backing_store="$is_base",backing_format=qcow2 \
				--disk path="$tmp/ipool/$is_i-seed.iso",device=disk,bus=virtio,readonly=on,format=raw \
				"${is_common[@]}" || return 1
		"$is_ns" exec timeout 900 bash -c '
			until ip=$(virsh -q -c "$1" domifaddr "$2" | awk "/ipv4/ {print \$4}" | cut -d/ -f1 | head -n 1); [ -n "$ip" ]; do
				sleep 1
			done
			until ssh -i "$3" -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
				-o ConnectTimeout=3 -o LogLevel=ERROR root@"$ip" true </dev/null; do
				sleep 1
			done' - "$is_uri" "$is_i" "$tmp/ikey"
	}
	for ((k = 0; k < is_runs; k++)); do
		if ((k % 2)); then
			timed is_vi is_vi_round; is_remove "$is_i"
			timed is_vprov is_vprov_round
		else
			timed is_vprov is_vprov_round
		fi
		# on the running guest: one address query each, interleaved
		for ((j = 0; j < 10; j++)); do
			timed is_ip "${is_env[@]}" "$vprov" -c "$is_uri" ip "$is_v"
			timed is_domifaddr command virsh -q -c "$is_uri" domifaddr "$is_v"
		done
		is_remove "$is_v"
		((k % 2)) || { timed is_vi is_vi_round; is_remove "$is_i"; }
	done
	a=$(median_ms is_vprov) b=$(median_ms is_vi) c=$(median_ms is_ip) d=$(median_ms is_domifaddr)
	echo
	echo "== ipssh: create to the first 'ssh VM true', Debian cloud image, 768 MiB TCG, NAT network ($is_runs interleaved rounds, medians)"
	echo "  vprov          $a ms   vprov create --image IMG --cloud-init root-ssh-key=K.pub; vprov ssh VM -- true"
	echo "  virt-install   $b ms   cloud-localds; virt-install --import (overlay, seed disk); virsh domifaddr; ssh"
	if ((verbose)); then
		for l in is_vprov is_vi; do echo "  $l (ms): $(awk '{printf "%.0f ", $1 / 1000}' "$tmp/$l.t")"; done
	fi
	ratio_line "vprov / virt-install: create to ssh" "$a" "$b" 1.0
	echo "  vprov ip       $c ms   vprov ip VM (one query, lease source)"
	echo "  virsh          $d ms   virsh domifaddr VM"
	ratio_line "vprov ip / virsh domifaddr" "$c" "$d" 1.1
	is_cleanup
	exec 9>&-
fi

# ------------------------------- devices20: --print-xml of a 20-device VM
# virt-install's command line with 20 device options (disks, controllers,
# TPM, sound, watchdog, serial ports, channels, video, inputs, RNG, balloon,
# a filesystem, vsock, IOMMU, redirection, shared memory) through
# 'vprov create --print-xml' against the floor (the same libraries opening
# the same connection, nothing else), the same vprov command with no
# device option, and virt-install --print-xml of the same command line,
# timed by hyperfine in one invocation.  Option parsing and the table's
# XML must not be where the time goes: vprov's 20 devices within 1.5x the
# floor.
if wants devices20; then
	echo "== devices20: --print-xml of a VM with 20 devices" >&2
	command -v hyperfine >/dev/null || die "hyperfine is missing (apt-get install hyperfine)"
	dv_runs=${fast_runs:-30}
	dv_name=${prefix}dv
	dv_dev=(--disk size=1 --disk size=2,bus=scsi --controller usb3
		--controller scsi,model=virtio-scsi --tpm emulator --sound ich9 --panic isa
		--watchdog i6300esb,action=reset --serial pty --parallel pty
		--channel unix,target.type=virtio,name=org.example.agent0
		--channel pty,target.type=virtio,name=org.example.agent1 --video vga --input keyboard
		--input mouse,bus=virtio --rng /dev/urandom --memballoon virtio,stats.period=10
		--filesystem /srv,share0 --vsock cid.auto=yes
		--redirdev usb,type=tcp,server=127.0.0.1:4000)
	dv_common=(--name "$dv_name" --memory 1024 --osinfo debian11 --network none --graphics none
		--import --print-xml)
	# each prints a domain with the 20 devices, and makes nothing
	out=$("$vprov" create --connect "$URI" "${dv_common[@]}" "${dv_dev[@]}" 2>"$tmp/stderr") ||
		{ cat "$tmp/stderr" >&2; die "vprov --print-xml of 20 devices failed"; }
	n=$(python3 -c 'import sys, xml.etree.ElementTree as E
d = E.fromstring(sys.stdin.read()).find("devices")
print(sum(len(d.findall(t)) for t in ("disk","tpm","sound","panic","watchdog","parallel","video","filesystem","vsock","redirdev")))' <<<"$out")
	((n >= 11)) || die "vprov's --print-xml lacks the devices asked for ($n)"
	virt-install --connect "$URI" "${dv_common[@]}" --dry-run "${dv_dev[@]}" >/dev/null 2>"$tmp/stderr" ||
		{ cat "$tmp/stderr" >&2; die "virt-install --print-xml of 20 devices failed"; }
	nothing_of "$dv_name" "a --print-xml run"
	q() { printf '%q ' "$@"; }
	hyperfine -N --warmup 3 --runs "$dv_runs" --export-json "$tmp/dv.json" \
		-n vprov20 "$(q "$vprov" create --connect "$URI" "${dv_common[@]}" "${dv_dev[@]}")" \
		-n vprov0 "$(q "$vprov" create --connect "$URI" "${dv_common[@]}")" \
		-n floor "$(q "$floor" -c "$URI")" >"$tmp/dv.out" 2>&1 ||
		{ cat "$tmp/dv.out" >&2; die "hyperfine failed"; }
	hyperfine -N --warmup 1 --runs "$(((dv_runs + 2) / 3))" --export-json "$tmp/dvi.json" \
		-n virt-install "$(q virt-install --connect "$URI" "${dv_common[@]}" --dry-run "${dv_dev[@]}")" \
		>>"$tmp/dv.out" 2>&1 || { cat "$tmp/dv.out" >&2; die "hyperfine failed"; }
	read -r a b c d <<<"$(python3 -c 'import json,sys; r={}
for f in sys.argv[1:]: r.update({x["command"]: x for x in json.load(open(f))["results"]})
print("%.1f %.1f %.1f %.1f" % tuple(r[k]["median"] * 1000 for k in ("vprov20", "vprov0", "floor", "virt-install")))' "$tmp/dv.json" "$tmp/dvi.json")"
	echo
	echo "== devices20: --print-xml with 20 device options (hyperfine -N, $dv_runs runs; virt-install $(((dv_runs + 2) / 3)); medians)"
	echo "  vprov, 20 devices    $a ms"
	echo "  vprov, none          $b ms   the same command without the device options"
	echo "  floor                $c ms   $floor -c $URI"
	echo "  virt-install         $d ms   the same 20 devices, --print-xml --dry-run"
	((verbose)) && sed 's/^/  /' "$tmp/dv.out"
	ratio_line "vprov 20 devices / floor" "$a" "$c" 1.5
	ratio_line "vprov 20 devices / vprov none" "$a" "$b" 1.1
	ratio_line "vprov 20 devices / virt-install" "$a" "$d" 1.0
	nothing_of "$dv_name" "a --print-xml run"
fi
