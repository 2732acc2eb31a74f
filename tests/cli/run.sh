#!/bin/bash
# tests/cli/run.sh — black-box tests of the vprov binary against libvirt's
# test:///default driver (in memory: every invocation starts from the same
# host: a running VM 'test', pool 'default-pool', network 'default').
#
#   tests/cli/run.sh path/to/vprov
set -u

VPROV=${1:?usage: $0 path/to/vprov}
SCHEMA=/usr/share/libvirt/schemas/domain.rng
TMP=$(mktemp -d /tmp/vprov-cli.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
export LIBVIRT_DEFAULT_URI=test:///default
export XDG_CACHE_HOME="$TMP/cache"
unset VPROV_VIRT_TYPE
FAILED=0
PASSED=0

fail() {
	echo "FAIL: $*" >&2
	echo "  rc=$RC" >&2
	echo "  stdout: $(head -c 600 "$TMP/out")" >&2
	echo "  stderr: $(head -c 600 "$TMP/err")" >&2
	FAILED=$((FAILED + 1))
}

pass() {
	PASSED=$((PASSED + 1))
}

# run ARGS...: run vprov; $RC, $TMP/out, $TMP/err
run() {
	"$VPROV" "$@" >"$TMP/out" 2>"$TMP/err"
	RC=$?
}

# expect RC DESCRIPTION ARGS...
expect() {
	local want=$1 what=$2
	shift 2
	run "$@"
	if [ "$RC" -ne "$want" ]; then
		fail "$what: exit $RC, wanted $want"
		return 1
	fi
	pass
}

# usage_error DESCRIPTION NEEDLE ARGS...: exit 2, exactly one line on
# stderr that contains NEEDLE and starts with "vprov", nothing on stdout
usage_error() {
	local what=$1 needle=$2
	shift 2
	run "$@"
	if [ "$RC" -ne 2 ]; then
		fail "$what: exit $RC, wanted 2"
		return
	fi
	if [ "$(wc -l <"$TMP/err")" -ne 1 ]; then
		fail "$what: stderr is not one line"
		return
	fi
	if ! grep -qF -- "$needle" "$TMP/err"; then
		fail "$what: stderr lacks '$needle'"
		return
	fi
	if ! grep -q '^vprov' "$TMP/err"; then
		fail "$what: message does not name vprov"
		return
	fi
	if [ -s "$TMP/out" ]; then
		fail "$what: printed on stdout"
		return
	fi
	pass
}

out_has() {
	if grep -qF -- "$2" "$TMP/out"; then pass; else fail "$1: stdout lacks '$2'"; fi
}

err_has() {
	if grep -qF -- "$2" "$TMP/err"; then pass; else fail "$1: stderr lacks '$2'"; fi
}

json_ok() {
	if python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$TMP/out" 2>/dev/null; then
		pass
	else
		fail "$1: stdout is not JSON"
	fi
}

# json_eq DESCRIPTION PYTHON-EXPR WANT: evaluate EXPR on the JSON in j
json_eq() {
	local got
	got=$(python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print($2)" "$TMP/out" 2>&1)
	if [ "$got" = "$3" ]; then pass; else fail "$1: $2 is '$got', wanted '$3'"; fi
}

# ---- the dispatcher ---------------------------------------------------
expect 0 "--help" --help && out_has "--help" "commands:"
expect 0 "--version" --version && out_has "--version" "vprov 0."
run
if [ "$RC" -eq 2 ] && grep -q "usage:" "$TMP/err"; then pass; else fail "no command: exit 2 with the usage"; fi
usage_error "unknown command" "unknown command 'frobnicate'" frobnicate
usage_error "prefixes are not commands" "unknown command 'del'" del test
usage_error "unknown global option" "unknown option '--bogus'" --bogus list
expect 0 "create --help" create --help && out_has "create --help" "--disk OPTS"
for c in list info start stop destroy delete console xml; do
	expect 0 "$c --help" "$c" --help && out_has "$c --help" "usage: vprov $c"
done

# ---- create: bad input is one line, exit 2, nothing made ---------------
usage_error "missing name" "a VM name is required" create --print-xml
usage_error "name twice" "given twice" create --name a b
usage_error "two names" "unexpected argument 'b'" create a b
usage_error "unknown option" "unknown option '--frob'" create vm1 --frob
usage_error "missing value" "option '--memory' needs a value" create vm1 --memory
usage_error "memory zero" "invalid --memory '0'" create vm1 --memory 0
usage_error "memory negative" "cannot be negative" create vm1 --memory -1
usage_error "memory bad unit" "unknown unit 'X'" create vm1 --memory 2X
usage_error "memory huge" "must be between" create vm1 --memory 999999T
usage_error "memory overflow" "too large" create vm1 --memory 99999999999999999999999
usage_error "vcpus zero" "invalid --vcpus '0'" create vm1 --vcpus 0
usage_error "vcpus text" "not a whole number" create vm1 --vcpus two
usage_error "vcpus huge" "between 1 and 1024" create vm1 --vcpus 100000
usage_error "xml metacharacters" "invalid VM name" create "a'/><x"
usage_error "space in name" "invalid VM name" create "a b"
usage_error "slash in name" "invalid VM name" create "a/b"
usage_error "long name" "longer than 64" create "$(printf 'a%.0s' $(seq 70))"
usage_error "disk size zero" "--disk size" create vm1 --disk size=0
usage_error "disk unknown key" "unknown --disk option 'color'" create vm1 --disk color=red
usage_error "disk bad format" "use qcow2 or raw" create vm1 --disk size=1,format=vhd
usage_error "network bad" "use none, user" create vm1 --network frob
usage_error "network bad mac" "six hex pairs" create vm1 --network user,mac=1:2:3
usage_error "graphics bad" "none, vnc or spice" create vm1 --graphics sdl
usage_error "boot bad" "invalid --boot item" create vm1 --boot floppydisk
usage_error "boot initrd alone" "need kernel=" create vm1 --boot initrd=/x
usage_error "transient autostart" "do not go together" create vm1 --transient --autostart
usage_error "import with kernel" "do not go together" create vm1 --import --boot kernel=/x
usage_error "wait bad" "invalid --wait" create vm1 --wait soon
usage_error "virt-type bad" "invalid --virt-type" create vm1 --virt-type "k v m"
VPROV_VIRT_TYPE='k;m' usage_error "virt-type env bad" "VPROV_VIRT_TYPE" create vm1 --print-xml
usage_error "duplicate name" "a VM named 'test' already exists" create test
usage_error "unknown pool" "unknown storage pool 'nosuchpool'" create vm1 --disk pool=nosuchpool,size=1
usage_error "missing path" "does not exist (add size= to create it)" \
	create vm1 --disk path=/nonexistent/dir/x.qcow2
usage_error "unknown volume" "has no volume" create vm1 --disk vol=default-pool/nope.qcow2
usage_error "unknown network" "unknown network 'nosuchnet'" create vm1 --network network=nosuchnet
usage_error "kvm absent" "virt type 'kvm' is not available" create vm1 --virt-type kvm
usage_error "arch absent" "cannot run s390x guests" create vm1 --arch s390x
usage_error "import nothing" "--import needs a disk" create vm1 --import --disk none
usage_error "missing kernel" "kernel '/nonexistent/vmlinuz' does not exist" \
	create vm1 --boot kernel=/nonexistent/vmlinuz
usage_error "relative kernel" "must be an absolute path" create vm1 --boot kernel=vmlinuz

# ---- create --print-xml, --dry-run, --json, for real -------------------
expect 0 "print-xml" create web1 --memory 2G --vcpus 3 --print-xml &&
	out_has "print-xml" "<name>web1</name>" && out_has "print-xml" '<memory unit="KiB">2097152</memory>' &&
	out_has "print-xml" '<vcpu placement="static">3</vcpu>'
if python3 -c "import xml.dom.minidom,sys; xml.dom.minidom.parse(sys.argv[1])" "$TMP/out" 2>/dev/null; then
	pass
else
	fail "print-xml output is not XML"
fi
if xmllint --noout --relaxng "$SCHEMA" "$TMP/out" 2>/dev/null; then pass; else fail "print-xml output fails domain.rng"; fi
expect 0 "print-xml with a kernel" create k1 --boot "kernel=/proc/self/exe,kernel_args=\"console=ttyS0,115200n8 a='b'\"" --print-xml --disk none &&
	out_has "kernel args keep their comma and inner quotes" "<cmdline>console=ttyS0,115200n8 a='b'</cmdline>"
expect 0 "memory units" create m1 --ram 1536M --print-xml && out_has "--ram 1536M" '<memory unit="KiB">1572864</memory>'
expect 0 "memory default MiB" create m1 --memory 512 --print-xml && out_has "--memory 512" '<memory unit="KiB">524288</memory>'
expect 0 "memory= form" create m1 --memory memory=1G --print-xml && out_has "--memory memory=1G" '<memory unit="KiB">1048576</memory>'
expect 0 "name option" create --name n1 --print-xml && out_has "--name" "<name>n1</name>"
expect 0 "graphics none" create g1 --graphics none --print-xml
if grep -q "<graphics" "$TMP/out"; then fail "--graphics none still has graphics"; else pass; fi
expect 0 "network default" create n1 --print-xml && out_has "default network when active" '<source network="default"/>'
expect 0 "network none" create n1 --network none --print-xml
if grep -q "<interface" "$TMP/out"; then fail "--network none still has an interface"; else pass; fi
expect 0 "two networks" create n2 --network user --network bridge=br0,model=e1000e,mac=52:54:00:01:02:03 --print-xml &&
	out_has "bridge" '<source bridge="br0"/>' && out_has "mac" '<mac address="52:54:00:01:02:03"/>' &&
	out_has "user" '<interface type="user">'
expect 0 "disk bus sata" create d1 --disk size=1,bus=sata,cache=none --print-xml &&
	out_has "sata target" '<target dev="sda" bus="sata"/>' && out_has "cache" 'cache="none"'
expect 0 "two disks" create d2 --disk size=1 --disk size=2 --print-xml &&
	out_has "first disk" 'd2.qcow2"/>' && out_has "second disk" 'd2-1.qcow2"/>' && out_has "vdb" 'dev="vdb"'
expect 0 "scsi bus" create d3 --disk size=1,bus=scsi --print-xml && out_has "virtio-scsi" 'model="virtio-scsi"'
expect 0 "uefi" create u1 --boot uefi --print-xml && out_has "uefi" '<os firmware="efi">'
expect 0 "pc machine" create p1 --machine pc --print-xml && out_has "machine" 'machine="pc"'
if grep -q "pcie-root-port" "$TMP/out"; then fail "pc machine has PCIe root ports"; else pass; fi
expect 0 "metadata" create md1 --print-xml && out_has "metadata" 'xmlns:vprov="https://vprov.dev/xmlns/domain/1"' &&
	out_has "owned volume" 'role="disk" owned="yes"'
expect 0 "--virt-type" create e1 --print-xml --virt-type test && out_has "virt type" '<domain type="test">'
VPROV_VIRT_TYPE=test expect 0 "VPROV_VIRT_TYPE" create e1 --print-xml && out_has "env virt type" '<domain type="test">'

expect 0 "dry-run" create web1 --dry-run &&
	out_has "dry-run pool" "would create storage pool 'default'" &&
	out_has "dry-run volume" "would create volume 'web1.qcow2' in pool 'default' (20 GiB, qcow2)" &&
	out_has "dry-run define" "would define VM 'web1'" &&
	out_has "dry-run start" "would start VM 'web1'"
expect 0 "dry-run json" create web1 --dry-run --json && json_ok "dry-run --json" &&
	json_eq "dry-run json created" "j['created']" "False" &&
	json_eq "dry-run json disk" "j['disks'][0]['capacity_bytes']" "21474836480"
# in a dry run nothing may be made, so a base outside any pool is looked at
# locally: a missing one is an error
usage_error "dry-run missing base" "backing image '/nonexistent/base.qcow2' does not exist" \
	create lc1 --disk backing_store=/nonexistent/base.qcow2 --dry-run

expect 0 "create" create web1 --memory 1G --disk size=5 --network none --noautoconsole &&
	out_has "summary" "created VM 'web1': 1 GiB, 2 vCPUs, test" &&
	out_has "disk line" "disk vda: /var/lib/libvirt/images/web1.qcow2 (new, 5 GiB qcow2)" &&
	out_has "console line" "console: vprov console web1"
expect 0 "create json" create web2 --disk size=1 --json --noautoconsole && json_ok "create --json" &&
	json_eq "create json name" "j['name']" "web2" && json_eq "create json created" "j['created']" "True" &&
	json_eq "create json memory" "j['memory_mib']" "2048"
expect 0 "create transient" create t1 --transient --disk none --noautoconsole && out_has "transient" "created transient VM 't1'"
expect 0 "create autostart" create a1 --autostart --disk none --noautoconsole
expect 0 "global -c" -c test:///default create g2 --disk none --noautoconsole
LIBVIRT_DEFAULT_URI=qemu+tcp://127.0.0.9/system expect 0 "-c overrides the environment" \
	create g3 -c test:///default --disk none --print-xml

# ---- the other commands --------------------------------------------------
expect 0 "list" list && out_has "list header" "NAME" && out_has "list test" "test"
expect 0 "list --all --json" list --all --json && json_ok "list --json" &&
	json_eq "list json" "[d['name'] for d in j]" "['test']" &&
	json_eq "list json state" "j[0]['state']" "running" && json_eq "list json managed" "j[0]['managed']" "False"
expect 0 "info" info test && out_has "info state" "state:       running" && out_has "info disk" "/guest/diskimage1"
expect 0 "info --json" info test --json && json_ok "info --json" && json_eq "info json" "j['vcpus']" "2" &&
	json_eq "info json disks" "j['disks'][0]['target']" "vda"
usage_error "info unknown VM" "no VM named 'nosuch'" info nosuch
usage_error "info no name" "a VM name is required" info
usage_error "info two names" "unexpected argument 'b'" info a b
expect 0 "start running VM" start test && err_has "already running" "already running"
expect 0 "stop" stop test && out_has "stop" "stopped VM 'test'"
usage_error "stop bad timeout" "invalid --timeout" stop test --timeout forever
expect 0 "destroy" destroy test && out_has "destroy" "powered off VM 'test'"
expect 0 "xml" xml test && out_has "xml" "<name>test</name>"
expect 0 "delete unmanaged" delete test && out_has "delete" "deleted VM 'test'" &&
	err_has "delete unmanaged" "was not created by vprov"
usage_error "delete unknown" "no VM named 'ghost'" delete ghost
usage_error "console unknown" "no VM named 'ghost'" console ghost --log

# ---- OS profiles ------------------------------------------------------------
# a fixture database (tests/data/osinfo) instead of the system's, no built-ins
FIX=$(cd "$(dirname "$0")/../data/osinfo" && pwd)
osx() {
	OSINFO_SYSTEM_DIR="$FIX/sys" OSINFO_LOCAL_DIR=/nonexistent OSINFO_USER_DIR="$TMP/osuser" \
		VPROV_OSINFO_NO_BUNDLED=1 "$@"
}
osx expect 0 "osinfo list" osinfo list && out_has "osinfo list" "exleaf3" && out_has "osinfo list source" "system"
osx expect 0 "osinfo list --distro --json" osinfo list --distro exdistro --json &&
	json_eq "osinfo list filter" "[o['short_id'] for o in j]" "['exdistro22.04', 'exdistro20.10', 'exdistro20.04']"
osx expect 0 "osinfo list --family" osinfo list --family winnt && out_has "empty list" "SHORT-ID"
osx expect 0 "osinfo show alias" osinfo show exmiddle && out_has "show name" "exmid2: Example Mid 2" &&
	out_has "show aliases" "aliases:       exmiddle" && out_has "show file" "$FIX/sys/os/example.org/mid-2.xml (system database)"
osx expect 0 "osinfo show --json" osinfo show exleaf3 --arch x86_64 --json && json_ok "show --json" &&
	json_eq "show inherits" "j['inherits_from']" "['exmid2', 'exbase1']" &&
	json_eq "show uses" "(j['vprov_uses']['memory_mib'], j['vprov_uses']['firmware'])" "(4096, 'efi')" &&
	json_eq "show tree" "j['trees'][0]['kernel']" "images/pxeboot/vmlinuz"
osx usage_error "osinfo show unknown" "unknown OS 'exdistro20'; did you mean exdistro20.04 or exdistro20.10?" \
	osinfo show exdistro20
osx usage_error "osinfo show no id" "an OS id is required" osinfo show
osx usage_error "osinfo unknown subcommand" "unknown command 'frob'" osinfo frob
run osinfo
if [ "$RC" -eq 2 ] && grep -q "usage: vprov osinfo" "$TMP/err"; then pass; else fail "osinfo alone: exit 2 with its usage"; fi
expect 0 "osinfo --help" osinfo --help && out_has "osinfo --help" "show"
osx expect 0 "create --os" create v1 --os exlegacy1 --print-xml &&
	out_has "profile machine" 'machine="pc"' && out_has "profile bus" 'bus="ide"' &&
	out_has "profile nic" '<model type="e1000"/>' && out_has "profile usb" 'model="piix3-uhci"' &&
	out_has "profile memory" '<memory unit="KiB">524288</memory>' &&
	out_has "libosinfo metadata" '<libosinfo:os id="http://example.org/legacy/1"/>' &&
	out_has "vprov profile metadata" 'short-id="exlegacy1"'
osx expect 0 "--os-variant and options winning" create v1 --os-variant exlegacy1 --memory 1G --machine q35 --print-xml &&
	out_has "explicit memory wins" '<memory unit="KiB">1048576</memory>' && out_has "explicit machine wins" 'machine="q35"' &&
	out_has "the profile's non-virtio bus follows the machine" 'bus="sata"'
# the test driver's guests are i686: the profile's resources for that arch
osx expect 0 "--osinfo name=" create v1 --osinfo name=exleaf3 --print-xml &&
	out_has "per-arch resources" '<memory unit="KiB">3145728</memory>'
if grep -q 'firmware="efi"' "$TMP/out"; then fail "UEFI required for x86_64 leaked to i686"; else pass; fi
osx usage_error "--os unknown" "unknown OS 'exdistro20'; did you mean exdistro20.04 or exdistro20.10?" \
	create v1 --os exdistro20 --print-xml
osx expect 0 "name is a profile" create exleaf3 --print-xml && err_has "name is a profile" "using OS profile 'exleaf3' because the VM is named so" &&
	out_has "name profile used" '<libosinfo:os id="http://example.org/leaf/3"/>'
osx expect 0 "a name that is a release line" create exdistro20 --print-xml &&
	err_has "a release line picks its release supported longest" "using OS profile 'exdistro20.04' for 'exdistro20'"
if grep -q 'libosinfo:os id="http://example.org/exdistro/20.04"' "$TMP/out"; then pass; else fail "the release line's pick is not the profile used"; fi
osx expect 0 "a name that only suggests profiles" create exdistro2 --print-xml &&
	err_has "name suggests" "'exdistro2' is not an OS profile, so generic defaults are used; it suggests"
if grep -q "libosinfo" "$TMP/out"; then fail "a name that only suggests profiles picked one"; else pass; fi
osx expect 0 "a plain name" create web9 --print-xml
if grep -q "OS profile" "$TMP/err"; then fail "a plain name talked about profiles"; else pass; fi
osx expect 0 "--os generic" create exleaf3 --os generic --print-xml
if grep -q "libosinfo" "$TMP/out"; then fail "--os generic still used a profile"; else pass; fi
mkdir -p "$TMP/osuser/os"
printf '<libosinfo><os id="http://t/x"><short-id>broken' >"$TMP/osuser/os/broken.xml"
osx expect 0 "a corrupt profile file is a warning" osinfo list && err_has "corrupt profile" "broken.xml" &&
	err_has "corrupt profile skipped" "skipped"
if [ "$(wc -l <"$TMP/err")" -eq 1 ]; then pass; else fail "a corrupt profile gives more than one line"; fi
rm -f "$TMP/osuser/os/broken.xml"
# a request that fails prints only its error, not the warnings found on the way
osx usage_error "no warning before the error that ends the command" "unknown storage pool 'nosuch'" \
	create exdistro20 --disk pool=nosuch,size=1 --dry-run
mkdir -p "$XDG_CACHE_HOME/vprov" && echo "garbage" >"$XDG_CACHE_HOME/vprov/osinfo-index"
osx expect 0 "a corrupt index: the answer still comes" osinfo show exmid2 && out_has "corrupt index answer" "exmid2"
# ... and the index is rebuilt (behind the answer, by 'osinfo reindex --background')
for i in $(seq 50); do
	head -c 19 "$XDG_CACHE_HOME/vprov/osinfo-index" 2>/dev/null | grep -q '^vprov-osinfo-index' && break
	sleep 0.1
done
if head -n 1 "$XDG_CACHE_HOME/vprov/osinfo-index" | grep -q "^vprov-osinfo-index	" &&
	grep -q "exmid2" "$XDG_CACHE_HOME/vprov/osinfo-index"; then
	pass
else
	fail "a corrupt index is rebuilt: it still reads '$(head -c 40 "$XDG_CACHE_HOME/vprov/osinfo-index")'"
fi
# no index: the answer comes from the files, the index is rebuilt behind
rm -f "$XDG_CACHE_HOME/vprov/osinfo-index"
osx expect 0 "a lookup without an index" osinfo show exdistro20.04 && out_has "lazy lookup" "Example Distro 20.04"
for _ in $(seq 1 100); do
	[ -s "$XDG_CACHE_HOME/vprov/osinfo-index" ] && ! pgrep -f "osinfo reindex --background" >/dev/null && break
	sleep 0.05
done
if [ -s "$XDG_CACHE_HOME/vprov/osinfo-index" ]; then pass; else fail "no index was rebuilt in the background"; fi
osx expect 0 "reindex" osinfo reindex && out_has "reindex" "10 OS profiles indexed"
expect 0 "the system database" osinfo show ubuntu20.04 --json &&
	json_eq "system ubuntu20.04" "(j['recommended']['ram_bytes'], j['source'])" "(4294967296, 'system')"

# ---- install sources -------------------------------------------------------
usage_error "--location sub-options" "unknown --location option 'menu'" create i1 --location /srv/t,menu=on
usage_error "--location kernel outside the tree" "stay inside the tree" \
	create i1 --location /srv/t,kernel=../../boot/vmlinuz,initrd=i
usage_error "two install sources" "one install source" create i1 --location /srv/t --cdrom /srv/x.iso
usage_error "--console that is not a pty" "consoles are pty" create i1 --console tcp
usage_error "--unattended with a password on the command line" \
	"unknown --unattended option 'admin-password'" create i1 --unattended admin-password=x
usage_error "--install that contradicts itself" "contradict" create i1 --install debian12,no_install=yes
usage_error "--extra-args without --location" "--extra-args needs --location" \
	create i1 --extra-args console=ttyS0 --dry-run
usage_error "--initrd-inject without --location" "--initrd-inject needs --location" \
	create i1 --initrd-inject /etc/hostname --dry-run
usage_error "a location that does not exist" "cannot use location '/nonexistent/tree'" \
	create i1 --location /nonexistent/tree --dry-run
mkdir -p "$TMP/notatree"
usage_error "a directory that is no installer tree" "cannot tell what installer tree" \
	create i1 --location "$TMP/notatree" --dry-run
echo "not an iso" >"$TMP/x.iso"
usage_error "a file that is no ISO image" "x.iso" create i1 --location "$TMP/x.iso" --dry-run
usage_error "a relative --cdrom path" "absolute path" create i1 --cdrom x.iso --dry-run
usage_error "a URL scheme vprov does not fetch" "only http, https, ftp and file URLs" \
	create i1 --location nfs://host/tree --dry-run
expect 0 "--os-type is accepted and ignored" create i1 --os-type linux --disk none --dry-run &&
	err_has "--os-type" "--os-type is ignored"
expect 0 "a VM with nothing to boot is a warning" create i1 --dry-run &&
	err_has "nothing to boot" "has nothing to boot"
expect 0 "... unless said so" create i1 --install no_install=yes --dry-run &&
	if grep -q "nothing to boot" "$TMP/err"; then fail "no_install=yes still warns"; else pass; fi
# the Debian netboot tree the package installs, as a directory: recognised,
# nothing made (the test driver's pool takes the uploads in a real create)
if [ -d /usr/lib/debian-installer/images/12/amd64/text ]; then
	# (the test driver's guests are i686: the amd64 files are named)
	expect 0 "create --location DIR --dry-run" create i1 \
		--location /usr/lib/debian-installer/images/12/amd64/text,kernel=debian-installer/amd64/linux,initrd=debian-installer/amd64/initrd.gz \
		--graphics none --dry-run --json &&
		json_eq "the plan: download first, the uploads once the pool is there" \
			"[s['kind'] for s in j['plan']['steps']]" "['download', 'pool', 'volume', 'upload', 'upload', 'define', 'start']"
	expect 0 "vprov fetch DIR --no-download" fetch /usr/lib/debian-installer/images/12/amd64/text --no-download --json &&
		json_eq "fetch says what it is" "(j['os'], j['kernel']['path_in_tree'])" "('debian12', 'debian-installer/amd64/linux')"
	expect 0 "vprov fetch DIR" fetch /usr/lib/debian-installer/images/12/amd64/text &&
		out_has "fetch verifies nothing it cannot" "the tree publishes no checksum"
else
	fail "the Debian netboot tree is not installed (scripts/setup-deps.sh installs debian-installer-12-netboot-amd64)"
fi
usage_error "vprov fetch of no tree" "cannot tell what installer tree" fetch "$TMP/notatree"
usage_error "--print-xml with a step that is none" "give 1 (the install run) or 2" create i1 --print-xml=3
if [ -d /usr/lib/debian-installer/images/12/amd64/text ]; then
	DIL=/usr/lib/debian-installer/images/12/amd64/text,kernel=debian-installer/amd64/linux,initrd=debian-installer/amd64/initrd.gz
	expect 0 "--print-xml with an install run" create i1 --location "$DIL" --print-xml &&
		[ "$(grep -c '<domain' "$TMP/out")" -eq 2 ] && [ "$(grep -c '<kernel>' "$TMP/out")" -eq 1 ] &&
		pass || fail "--print-xml prints the install run's document, then the final one"
	expect 0 "--print-xml=2" create i1 --location "$DIL" --print-xml=2 &&
		[ "$(grep -c '<domain' "$TMP/out")" -eq 1 ] && ! grep -q '<kernel>' "$TMP/out" &&
		pass || fail "--print-xml=2 prints the final VM only"
fi
# --install ID: the profile's own tree (a user profile whose tree is a file:// URL)
mkdir -p "$TMP/ostree/os/example.org"
cat >"$TMP/ostree/os/example.org/exlab-1.xml" <<'EOT'
<libosinfo version="0.0.1">
  <os id="http://example.org/exlab/1">
    <short-id>exlab1</short-id>
    <name>Example Lab 1</name>
    <version>1</version>
    <vendor>Example</vendor>
    <family>linux</family>
    <distro>exlab</distro>
    <tree arch="i686">
      <url>file:///usr/lib/debian-installer/images/12/amd64/text/</url>
      <kernel>debian-installer/amd64/linux</kernel>
      <initrd>debian-installer/amd64/initrd.gz</initrd>
    </tree>
  </os>
</libosinfo>
EOT
OSINFO_USER_DIR="$TMP/ostree" expect 0 "create --install ID uses the profile's tree" \
	create i1 --install exlab1 --graphics none --dry-run &&
	out_has "--install's tree" "from 'file:///usr/lib/debian-installer/images/12/amd64/text/'"
sed 's/exlab1/exlab2/; s|exlab/1|exlab/2|; /<tree/,/<\/tree>/d' "$TMP/ostree/os/example.org/exlab-1.xml" \
	>"$TMP/ostree/os/example.org/exlab-2.xml"
OSINFO_USER_DIR="$TMP/ostree" usage_error "--install ID without a tree" \
	"OS profile 'exlab2' lists no installer tree for i686" create i1 --install exlab2 --dry-run
usage_error "vprov cache prune without a rule" "say what to remove" cache prune
expect 0 "vprov cache list" cache list && out_has "cache list" "0 files"

# ---- vprov image: usage errors need no host --------------------------------
run image
if [ "$RC" -eq 2 ] && grep -q "usage: vprov image" "$TMP/err" && [ ! -s "$TMP/out" ]; then
	pass
else
	fail "vprov image without a command: exit 2 with its usage on stderr"
fi
expect 0 "image --help" image --help && out_has "image --help" "import" && out_has "image --help" "rm"
for c in list pull import rm; do
	expect 0 "image $c --help" image "$c" --help && out_has "image $c --help" "usage: vprov image $c"
done
# an unreachable host: each is refused before any connection is tried
UNREACH=qemu+tcp://127.0.0.9/system
LIBVIRT_DEFAULT_URI=$UNREACH usage_error "image: unknown command" "unknown command 'frob'" image frob
LIBVIRT_DEFAULT_URI=$UNREACH usage_error "image: prefixes are not commands" "unknown command 'li'" image li
LIBVIRT_DEFAULT_URI=$UNREACH usage_error "image rm without a base" "a base image is required" image rm
LIBVIRT_DEFAULT_URI=$UNREACH usage_error "image pull without an image" "an OS id or a URL is required" image pull
LIBVIRT_DEFAULT_URI=$UNREACH usage_error "image import without a file" "an image file is required" image import
LIBVIRT_DEFAULT_URI=$UNREACH usage_error "image rm two bases" "unexpected argument 'b'" image rm a b
LIBVIRT_DEFAULT_URI=$UNREACH usage_error "image import a missing file" "cannot read image '$TMP/none.qcow2'" \
	image import "$TMP/none.qcow2"
LIBVIRT_DEFAULT_URI=$UNREACH usage_error "image import a directory" "'$TMP' is no image file" image import "$TMP"
LIBVIRT_DEFAULT_URI=$UNREACH usage_error "image list: unknown option" "unknown option '--arch'" image list --arch x86_64
LIBVIRT_DEFAULT_URI=$UNREACH usage_error "image pool needs a value" "option '--pool' needs a value" image list --pool
# against test:///default: no bases, and lookups that fail are one line
expect 0 "image list" image list && out_has "image list header" "SHA256"
expect 0 "image list --json" image list --json && json_ok "image list --json" &&
	json_eq "image list --json is empty" "len(j)" 0
usage_error "image list: unknown pool" "unknown storage pool 'nosuch'" image list --pool nosuch
usage_error "image rm: no such base" "no base image 'x.base-0123456789abcdef.qcow2'" \
	image rm x.base-0123456789abcdef.qcow2
usage_error "image pull: a volume" "is a volume on the host already" image pull default-pool/x.qcow2
usage_error "image pull: no such profile" "image 'nosuchos9' is no OS profile" image pull nosuchos9

# ---- inject: refusals and bad input, before any appliance is launched -------
usage_error "inject a running VM" "VM 'test' is running: stop it first" inject test --hostname h
usage_error "inject without a disk" "give a VM name or --disk" inject --hostname h
usage_error "inject with a VM and --disk" "not both" inject test --disk /x --hostname h
usage_error "inject without edits" "no edit given" inject --disk /x
usage_error "inject a missing disk" "the disk '/nonexistent.qcow2' cannot be read" inject --disk /nonexistent.qcow2 --hostname h
usage_error "inject an unknown VM" "no VM named 'nosuch'" inject nosuch --hostname h
usage_error "inject an unknown volume" "no volume 'nosuch' in pool 'default-pool'" inject --disk default-pool/nosuch --hostname h
# edits are checked in command-line order, across options
usage_error "inject: the first bad edit (--write)" "--write 'nocolon' is not PATH:CONTENT" inject --disk /x --write nocolon --mkdir rel
usage_error "inject: the first bad edit (--mkdir)" "--mkdir 'rel'" inject --disk /x --mkdir rel --write nocolon
usage_error "inject --chmod 999" "octal MODE" inject --disk /x --chmod 999:/x
usage_error "inject --ssh-inject without a file" "names no key file" inject --disk /x --ssh-inject root:file:
usage_error "inject --root-password on argv" "on the command line" inject --disk /x --root-password password:x
usage_error "inject --serial-console=bad" "is not a console" inject --disk /x --serial-console=vga

# ---- vprov snapshot: usage errors need no host -----------------------------
run snapshot
if [ "$RC" -eq 2 ] && grep -q "usage: vprov snapshot" "$TMP/err" && [ ! -s "$TMP/out" ]; then
	pass
else
	fail "vprov snapshot without a command: exit 2 with its usage on stderr"
fi
expect 0 "snapshot --help" snapshot --help && out_has "snapshot --help" "revert"
for c in create list info revert delete; do
	expect 0 "snapshot $c --help" snapshot "$c" --help && out_has "snapshot $c --help" "usage: vprov snapshot $c"
done
LIBVIRT_DEFAULT_URI=$UNREACH usage_error "snapshot: unknown command" "unknown command 'take'" snapshot take test
LIBVIRT_DEFAULT_URI=$UNREACH usage_error "snapshot create without a VM" "a VM name is required" snapshot create
LIBVIRT_DEFAULT_URI=$UNREACH usage_error "snapshot list without a VM" "a VM name is required" snapshot list
for c in info revert delete; do
	LIBVIRT_DEFAULT_URI=$UNREACH usage_error "snapshot $c without a snapshot" \
		"a snapshot name after the VM name is required" snapshot "$c" test
done
LIBVIRT_DEFAULT_URI=$UNREACH usage_error "snapshot name with a slash" "cannot hold a '/'" snapshot create test a/b
LIBVIRT_DEFAULT_URI=$UNREACH usage_error "snapshot name too long" "at most 64 bytes" \
	snapshot create test "$(printf 'x%.0s' $(seq 65))"
LIBVIRT_DEFAULT_URI=$UNREACH usage_error "snapshot revert two modes" "exclude each other" \
	snapshot revert test s --running --paused
LIBVIRT_DEFAULT_URI=$UNREACH usage_error "snapshot create: unknown option" "unknown option '--memory-only'" \
	snapshot create test s --memory-only
LIBVIRT_DEFAULT_URI=$UNREACH usage_error "snapshot create --quiesce alone" "--quiesce needs --disk-only" \
	snapshot create test s --quiesce
# against test:///default (fresh each run: no snapshots)
expect 0 "snapshot create" snapshot create test s1 --description "first" &&
	out_has "snapshot create" "created snapshot 's1' of VM 'test'"
expect 0 "snapshot create default name" snapshot create test --json && json_ok "snapshot create --json" &&
	json_eq "default name" "j['name'][:5]" "snap-"
expect 0 "snapshot list" snapshot list test && out_has "snapshot list" "0 snapshots"
expect 0 "snapshot list --json" snapshot list test --json && json_eq "snapshot list --json" "len(j)" 0
usage_error "snapshot info: missing snapshot" "VM 'test' has no snapshot named 'nope'" snapshot info test nope
usage_error "snapshot of a missing VM" "no VM named 'novm'" snapshot list novm

# a host with snapshots (tests/data/snapshot-host.xml): web1 runs, its
# snapshot base was taken shut off, its child upgraded is current
SNAPHOST=test://$(cd "$(dirname "$0")/../data" && pwd)/snapshot-host.xml
expect 0 "snapshot list: a tree" -c "$SNAPHOST" snapshot list web1 &&
	out_has "snapshot list root" "  base  " && out_has "snapshot list child, current" "*   upgraded" &&
	out_has "snapshot list description" "fresh install" && out_has "snapshot list count" "2 snapshots"
expect 0 "snapshot list --json" -c "$SNAPHOST" snapshot list web1 --json &&
	json_eq "snapshot list order" "[(s['name'], s['depth'], s['current']) for s in j]" \
		"[('base', 0, False), ('upgraded', 1, True)]"
expect 0 "snapshot info" -c "$SNAPHOST" snapshot info web1 base &&
	out_has "snapshot info state" "state:       shutoff" && out_has "snapshot info children" "children:    1"
expect 0 "snapshot info --json" -c "$SNAPHOST" snapshot info web1 upgraded --json &&
	json_eq "snapshot info parent" "j['parent'], j['memory']" "base True"
usage_error "revert a running VM to a shut-off snapshot" "add --running" -c "$SNAPHOST" snapshot revert web1 base
expect 0 "revert --running" -c "$SNAPHOST" snapshot revert web1 base --running &&
	out_has "revert --running" "VM 'web1' reverted to snapshot 'base'"
expect 0 "revert to a running snapshot" -c "$SNAPHOST" snapshot revert web1 upgraded
expect 0 "snapshot delete --children" -c "$SNAPHOST" snapshot delete web1 base --children &&
	out_has "snapshot delete --children" "deleted snapshot 'base' of VM 'web1' and 1 descendant"
expect 0 "snapshot delete" -c "$SNAPHOST" snapshot delete web1 base &&
	out_has "snapshot delete" "deleted snapshot 'base' of VM 'web1'"
usage_error "snapshot of a raw disk" "raw disk vda (/guest/rawvm.img) of VM 'rawvm' cannot hold internal snapshots" \
	-c "$SNAPHOST" snapshot create rawvm s1
usage_error "snapshot create: name taken" "VM 'web1' has a snapshot named 'base' already" \
	-c "$SNAPHOST" snapshot create web1 base
# the count in list and info; delete refuses a VM with snapshots unless --snapshots
expect 0 "list counts snapshots" -c "$SNAPHOST" list --all && out_has "list SNAPSHOTS column" "SNAPSHOTS" &&
	out_has "list web1 has 2" "  -      2"
expect 0 "list --json snapshots" -c "$SNAPHOST" list --all --json &&
	json_eq "list --json snapshots" "[(v['name'], v['snapshots']) for v in j]" "[('rawvm', 0), ('web1', 2)]"
expect 0 "info snapshots" -c "$SNAPHOST" info web1 && out_has "info snapshots" "snapshots:   2"
expect 0 "info --json snapshots" -c "$SNAPHOST" info web1 --json && json_eq "info --json snapshots" "j['snapshots']" 2
expect 1 "delete of a VM with snapshots" -c "$SNAPHOST" delete web1 &&
	err_has "delete refused" "vprov delete: VM 'web1' has 2 snapshots: add --snapshots to delete them too" &&
	if [ "$(wc -l <"$TMP/err")" -eq 1 ] && [ ! -s "$TMP/out" ]; then pass; else fail "delete refused: not one line"; fi
expect 0 "delete --snapshots" -c "$SNAPHOST" delete web1 --snapshots && out_has "delete --snapshots" "deleted VM 'web1'"
expect 0 "delete --snapshots of a VM without any" -c "$SNAPHOST" delete rawvm --snapshots
expect 0 "delete --help names --snapshots" delete --help && out_has "delete --help" "--snapshots"
expect 0 "snapshot create --help names --disk-only" snapshot create --help && out_has "create --help" "--disk-only" &&
	out_has "create --help quiesce" "--quiesce"

# ---- output and connection failures ---------------------------------------
"$VPROV" list >/dev/full 2>"$TMP/err"
RC=$?
if [ "$RC" -eq 1 ] && grep -q "cannot write output" "$TMP/err"; then pass; else fail "write error to /dev/full is not reported"; fi
"$VPROV" create w1 --print-xml >/dev/full 2>"$TMP/err"
RC=$?
if [ "$RC" -eq 1 ]; then pass; else fail "print-xml to /dev/full exits $RC"; fi
run -c qemu+tcp://127.0.0.9/system list
if [ "$RC" -eq 1 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] && grep -q "cannot connect to 'qemu+tcp://127.0.0.9/system'" "$TMP/err"; then
	pass
else
	fail "an unreachable host is not one clear line with exit 1"
fi
LIBVIRT_DEFAULT_URI=qemu+tcp://127.0.0.9/system run list
if [ "$RC" -eq 1 ] && grep -q "127.0.0.9" "$TMP/err"; then pass; else fail "LIBVIRT_DEFAULT_URI is not used"; fi
# bad input is reported before any connection is tried
LIBVIRT_DEFAULT_URI=qemu+tcp://127.0.0.9/system usage_error "usage before connecting" "invalid --memory" create vm1 --memory 0

# ---- clone (issue 9) ---------------------------------------------------------
# usage errors are reported before any connection is tried
CLONE_BAD=qemu+tcp://127.0.0.9/system
LIBVIRT_DEFAULT_URI=$CLONE_BAD usage_error "clone: no arguments" "the VM to clone (SRC) is required" clone
LIBVIRT_DEFAULT_URI=$CLONE_BAD usage_error "clone: no new name" "the clone's name (NEW) is required" clone gold
LIBVIRT_DEFAULT_URI=$CLONE_BAD usage_error "clone: three names" "unexpected argument 'c'" clone a b c
LIBVIRT_DEFAULT_URI=$CLONE_BAD usage_error "clone: bad new name" "invalid VM name 'a'/><x'" clone gold "a'/><x"
LIBVIRT_DEFAULT_URI=$CLONE_BAD usage_error "clone: bad source name" "invalid VM name 'a b'" clone "a b" g2
LIBVIRT_DEFAULT_URI=$CLONE_BAD usage_error "clone: unknown option" "unknown option '--full'" clone gold g2 --full
expect 0 "clone --help" clone --help && out_has "clone --help" "usage: vprov clone SRC NEW" &&
	out_has "clone --help" "--linked"
# a test-driver host with a shut-off VM 'gold' made by vprov (tests/data/clone-host.xml)
CLONEHOST=test://$(cd "$(dirname "$0")/../data" && pwd)/clone-host.xml
expect 0 "clone --dry-run" -c "$CLONEHOST" clone gold g2 --dry-run &&
	out_has "clone --dry-run: copy" "would copy volume 'guest/gold.qcow2' to 'g2.qcow2' in pool 'guest' (2 GiB, qcow2)" &&
	out_has "clone --dry-run: seed" "to 'g2-cidata.iso' in pool 'guest'" &&
	out_has "clone --dry-run: define" "would define VM 'g2' (a full clone of 'gold'"
expect 0 "clone --linked --dry-run --json" -c "$CLONEHOST" clone gold g2 --linked --dry-run --json &&
	json_eq "clone --json: actions" "[d['action'] for d in j['disks']]" "['overlay', 'copy', 'shared']" &&
	json_eq "clone --json: overlay on gold's volume" "j['disks'][0]['backing_store'], j['created']" "/guest/gold.qcow2 False" &&
	json_eq "clone --json: a new MAC" "j['interfaces'][0]['mac'] != j['interfaces'][0]['source_mac'], j['interfaces'][0]['mac'][:9]" "True 52:54:00:" &&
	json_eq "clone --json: plan steps" "[s['kind'] for s in j['plan']['steps']]" "['volume', 'volume', 'nvram', 'define']" &&
	json_eq "clone --json: NVRAM renamed" "j['nvram']" "/var/lib/libvirt/qemu/nvram/g2_VARS.fd"
expect 0 "clone" -c "$CLONEHOST" clone gold g2 &&
	out_has "clone: summary" "cloned VM 'gold' as 'g2' (full clone)" &&
	out_has "clone: its disk" "disk vda: /guest/g2.qcow2 (copy of /guest/gold.qcow2, 2 GiB qcow2)" &&
	out_has "clone: shared cdrom" "disk sda: /guest/shared.iso (shared with 'gold')" &&
	out_has "clone: console log renamed" "log: /var/log/libvirt/qemu/g2-console.log"
expect 0 "clone --json" -c "$CLONEHOST" clone gold g2 --linked --json &&
	json_eq "clone --json: made" "j['created'], j['linked'], j['disks'][0]['volume']" "True True g2.qcow2"
run -c "$CLONEHOST" clone web g2
if [ "$RC" -eq 1 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] &&
	grep -qF "vprov clone: VM 'web' is running: a clone is made of a shut-off VM" "$TMP/err"; then
	pass
else
	fail "clone of a running VM: not one line with exit 1"
fi
usage_error "clone: name taken" "a VM named 'web' already exists" -c "$CLONEHOST" clone gold web
usage_error "clone: no such VM" "no VM named 'nosuch'" -c "$CLONEHOST" clone nosuch g2
# ---- vprov migrate: usage errors need no host; resolve on test drivers ------
# (the source and the destination are both unreachable for the usage errors:
# they are reported before any connection is tried)
LIBVIRT_DEFAULT_URI=$UNREACH usage_error "migrate without a VM" "a VM name is required" migrate
LIBVIRT_DEFAULT_URI=$UNREACH usage_error "migrate without a destination" \
	"a destination URI after the VM name is required" migrate test
LIBVIRT_DEFAULT_URI=$UNREACH usage_error "migrate: empty destination" "the destination URI cannot be empty" \
	migrate test ""
LIBVIRT_DEFAULT_URI=$UNREACH usage_error "migrate: three arguments" "unexpected argument 'c'" migrate test "$UNREACH" c
LIBVIRT_DEFAULT_URI=$UNREACH usage_error "migrate --live --offline" "--live and --offline exclude each other" \
	migrate test "$UNREACH" --live --offline
LIBVIRT_DEFAULT_URI=$UNREACH usage_error "migrate --keep-source --undefine-source" "exclude each other" \
	migrate test "$UNREACH" --keep-source --undefine-source
LIBVIRT_DEFAULT_URI=$UNREACH usage_error "migrate --offline --copy-storage" "--copy-storage is for a live move" \
	migrate test "$UNREACH" --offline --copy-storage
LIBVIRT_DEFAULT_URI=$UNREACH usage_error "migrate --bandwidth 0" "invalid --bandwidth '0'" \
	migrate test "$UNREACH" --bandwidth 0
LIBVIRT_DEFAULT_URI=$UNREACH usage_error "migrate --bandwidth 10M" "invalid --bandwidth '10M': not a whole number" \
	migrate test "$UNREACH" --bandwidth 10M
LIBVIRT_DEFAULT_URI=$UNREACH usage_error "migrate --timeout 0" "--timeout must be longer than 0" \
	migrate test "$UNREACH" --timeout 0
LIBVIRT_DEFAULT_URI=$UNREACH usage_error "migrate --timeout soon" "invalid --timeout 'soon'" \
	migrate test "$UNREACH" --timeout soon
LIBVIRT_DEFAULT_URI=$UNREACH usage_error "migrate: unknown option" "unknown option '--compressed'" \
	migrate test "$UNREACH" --compressed
expect 0 "migrate --help" migrate --help && out_has "migrate --help" "usage: vprov migrate NAME DEST_URI"
# an unreachable destination: one line, exit 1
run migrate test "$UNREACH"
if [ "$RC" -eq 1 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] && grep -q "^vprov migrate: cannot connect to '$UNREACH'" "$TMP/err"; then
	pass
else
	fail "migrate to an unreachable destination is not one line with exit 1"
fi
# the destination: a second test-driver host (VMs busy and twin)
MIGHOST=test://$(cd "$(dirname "$0")/../data" && pwd)/migrate-host.xml
usage_error "migrate to the host the VM is on" "cannot migrate VM 'test' to 'test:///default': it is the host the VM is on" \
	migrate test test:///default
usage_error "migrate a running VM --offline" "cannot migrate VM 'test' offline: it is running" \
	migrate test "$MIGHOST" --offline
expect 0 "migrate --dry-run" migrate test "$MIGHOST" --dry-run --bandwidth 20 &&
	out_has "migrate --dry-run" "would migrate VM 'test' live to '$MIGHOST' (through this client, its disks shared, at most 20 MiB/s)"
if expect 0 "migrate --dry-run --json" migrate test "$MIGHOST" --dry-run --json --keep-source; then
	if python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
st = d["plan"]["steps"]
assert d["mode"] == "live" and d["migrated"] is False and d["source_kept"] is True, d
assert [s["kind"] for s in st] == ["migrate"], st
assert st[0]["form"] == "client" and "undefine-source" not in st[0]["flags"], st[0]
assert sorted(st[0]["flags"]) == ["live", "persist-dest"], st[0]["flags"]
' "$TMP/out"; then pass; else fail "migrate --dry-run --json: the plan is not as expected"; fi
fi

# a VM with snapshots does not move: libvirt would leave them behind
usage_error "migrate a VM with snapshots" "cannot migrate VM 'web1': it has 2 snapshots, which do not move with it" \
	-c "$SNAPHOST" migrate web1 test:///default

echo "cli: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
