#!/bin/bash
# tests/cli/options.sh — one golden file and one schema check per option
# of `vprov create`, and a one-line refusal (exit 2) per rejected spelling.
#
#   tests/cli/options.sh path/to/vprov
#
# Each option OPT has a table tests/data/options/OPT.cases, one case a line
# (blank lines and lines starting with # are skipped):
#
#   ok NAME ARGS...      `vprov create ARGS... --print-xml` on test:///default
#                        with a KVM x86_64 host's capabilities (the compat
#                        suite's) exits 0; its XML is valid against libvirt's
#                        domain.rng and equals tests/data/options/OPT/NAME.xml
#                        (the uuid and spec hash left out; VP_UPDATE_GOLDEN=1
#                        writes it)
#   bad 'NEEDLE' ARGS... exit 2, nothing on stdout, exactly one line on stderr,
#                        which starts with "vprov create" and holds NEEDLE
#
# ARGS are shell words (quotes as on a command line).  Every option that
# `vprov create --help` lists must have a table with at least one ok case.
set -u

VPROV=${1:?usage: $0 path/to/vprov}
HERE=$(cd "$(dirname "$0")" && pwd)
DATA=$HERE/../data/options
SCHEMA=/usr/share/libvirt/schemas/domain.rng
TMP=$(mktemp -d /tmp/vprov-opts.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
export LIBVIRT_DEFAULT_URI=test:///default
export XDG_CACHE_HOME="$TMP/cache"
export VPROV_TEST_CAPS=$HERE/../data/caps-x86_64.xml
unset VPROV_VIRT_TYPE
FAILED=0
PASSED=0

fail() {
	echo "FAIL: $*" >&2
	FAILED=$((FAILED + 1))
}

# files the cases may name: {tmp}/vmlinuz, {tmp}/initrd.img, {tmp}/boot.iso
: >"$TMP/vmlinuz"
: >"$TMP/initrd.img"
head -c 2048 /dev/zero >"$TMP/boot.iso"
# ... and {tmp}/tree (an installer tree: install/vmlinuz, install/initrd.gz),
# {tmp}/img.qcow2 (a 1 GiB cloud image), {tmp}/preseed.cfg, {tmp}/key.pub,
# {tmp}/pw.txt; vprov's own key and the user's keys come from a home of
# their own, so no golden depends on who runs the suite
mkdir -p "$TMP/tree/install" "$TMP/home"
: >"$TMP/tree/install/vmlinuz"
: >"$TMP/tree/install/initrd.gz"
qemu-img create -q -f qcow2 "$TMP/img.qcow2" 1G
echo "d-i debian-installer/locale string en_US" >"$TMP/preseed.cfg"
echo "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOptionsSuiteKeyOnlyForGoldenFilesXXXXXXXXX test@vprov" >"$TMP/key.pub"
echo "secret-pw" >"$TMP/pw.txt"
export HOME=$TMP/home XDG_DATA_HOME=$TMP/data XDG_STATE_HOME=$TMP/state
# ... and test://{tmp}/node.xml, a test driver host with VMs to reinstall
# (create --reinstall): old1 (shut off, q35, a disk and a NIC), bare1 (shut
# off, i440fx, a cdrom of its own, per-device boot orders, VNC) and run1
# (running)
cat >"$TMP/node.xml" <<'EOF'
<node>
  <domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>
    <name>old1</name>
    <uuid>4dea22b3-1d52-d8f3-2516-782e98ab3fa0</uuid>
    <memory unit='MiB'>1024</memory>
    <vcpu>1</vcpu>
    <os><type arch='x86_64' machine='pc-q35-7.2'>hvm</type><boot dev='hd'/></os>
    <devices>
      <disk type='file' device='disk'>
        <driver name='qemu' type='qcow2'/>
        <source file='/var/lib/libvirt/images/old1.qcow2'/>
        <target dev='vda' bus='virtio'/>
      </disk>
      <interface type='network'>
        <mac address='52:54:00:aa:bb:01'/>
        <source network='default'/>
        <model type='virtio'/>
      </interface>
      <serial type='pty'/>
    </devices>
    <test:runstate>5</test:runstate>
  </domain>
  <domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>
    <name>bare1</name>
    <uuid>4dea22b3-1d52-d8f3-2516-782e98ab3fa1</uuid>
    <memory unit='MiB'>512</memory>
    <vcpu>1</vcpu>
    <os><type arch='x86_64' machine='pc-i440fx-7.2'>hvm</type></os>
    <devices>
      <disk type='file' device='disk'>
        <source file='/var/lib/libvirt/images/bare1.img'/>
        <target dev='hda' bus='ide'/>
        <boot order='1'/>
      </disk>
      <disk type='file' device='cdrom'>
        <source file='/var/lib/libvirt/images/tools.iso'/>
        <target dev='hdc' bus='ide'/>
        <readonly/>
        <boot order='2'/>
      </disk>
      <graphics type='vnc' port='-1'/>
    </devices>
    <test:runstate>5</test:runstate>
  </domain>
  <domain type='test'>
    <name>run1</name>
    <uuid>4dea22b3-1d52-d8f3-2516-782e98ab3fa2</uuid>
    <memory unit='MiB'>512</memory>
    <vcpu>1</vcpu>
    <os><type arch='x86_64'>hvm</type></os>
  </domain>
</node>
EOF

case_ok() {
	local opt=$1 name=$2 gold=$DATA/$1/$2.xml rc
	shift 2
	"$VPROV" create "$@" --print-xml >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ "$rc" -ne 0 ]; then
		fail "$opt/$name: exit $rc: $(head -c 300 "$TMP/err")"
		return
	fi
	# an install run prints two documents (the install run's, the VM's): each is checked
	rm -f "$TMP"/doc.*
	awk -v d="$TMP/doc." '/^<domain[ >]/ { n++ } { print > (d n) }' "$TMP/out"
	if xmllint --noout --relaxng "$SCHEMA" "$TMP"/doc.* 2>"$TMP/rng"; then
		PASSED=$((PASSED + 1))
	else
		fail "$opt/$name: not valid against domain.rng: $(grep -v validates "$TMP/rng" | head -c 300)"
	fi
	grep -v -e '<uuid>' -e '<vprov:spec-hash>' "$TMP/out" | sed -e "s:$TMP:{tmp}:g" -e "s:${TMP##*/}:{tmpname}:g" >"$TMP/got.xml"
	if [ -n "${VP_UPDATE_GOLDEN:-}" ]; then
		mkdir -p "$DATA/$opt"
		cp "$TMP/got.xml" "$gold"
	fi
	if [ ! -f "$gold" ]; then
		fail "$opt/$name: no golden file $gold (VP_UPDATE_GOLDEN=1 writes it)"
	elif diff -u "$gold" "$TMP/got.xml" >"$TMP/diff"; then
		PASSED=$((PASSED + 1))
	else
		fail "$opt/$name: differs from its golden file: $(head -c 600 "$TMP/diff")"
	fi
}

case_bad() {
	local opt=$1 needle=$2 rc
	shift 2
	"$VPROV" create "$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ "$rc" -ne 2 ]; then
		fail "$opt: '$*': exit $rc, wanted 2 ($(head -c 300 "$TMP/err"))"
	elif [ -s "$TMP/out" ]; then
		fail "$opt: '$*': wrote to stdout"
	elif [ "$(wc -l <"$TMP/err")" -ne 1 ]; then
		fail "$opt: '$*': stderr is not one line: $(head -c 300 "$TMP/err")"
	elif ! grep -q '^vprov create' "$TMP/err" || ! grep -qF -- "$needle" "$TMP/err"; then
		fail "$opt: '$*': stderr lacks '$needle': $(cat "$TMP/err")"
	else
		PASSED=$((PASSED + 1))
	fi
}

declare -A HAS_OK
for table in "$DATA"/*.cases; do
	[ -e "$table" ] || continue
	opt=$(basename "$table" .cases)
	while IFS= read -r line || [ -n "$line" ]; do
		case "$line" in '' | '#'*) continue ;; esac
		line=${line//\{tmp\}/$TMP}
		# the table is ours: its words are split as a shell would
		eval "set -- $line"
		kind=$1
		shift
		case "$kind" in
		ok)
			HAS_OK[$opt]=1
			case_ok "$opt" "$@"
			;;
		bad) case_bad "$opt" "$@" ;;
		*) fail "$table: unknown case kind '$kind'" ;;
		esac
	done <"$table"
done

# every option in --help has its table, with an ok case
"$VPROV" create --help >"$TMP/help" 2>&1
for opt in $(sed -n 's/^ \{2,6\}\(-[a-z], \)\{0,1\}--\([a-z][a-z-]*\).*/\2/p' "$TMP/help" | sort -u); do
	case "$opt" in help) continue ;; esac
	if [ -z "${HAS_OK[$opt]:-}" ]; then
		fail "--$opt: no ok case in tests/data/options/$opt.cases"
	fi
done

echo "options: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
