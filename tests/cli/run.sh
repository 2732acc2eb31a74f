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
expect 0 "no name: one is picked (vm1 without an OS profile)" create --disk none --print-xml &&
	out_has "no name: vm1" "<name>vm1</name>"
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
	create g3 --connect test:///default --disk none --print-xml

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
	out_has "profile nic" '<model type="e1000"/>' && out_has "profile usb" 'model="ich9-ehci1"' &&
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
# Debian 12's osinfo-db (VERSION 20221203) is older than the built-in
# profiles: for an id both have, the built-in one is used and says so
if [ "$(head -c 8 /usr/share/osinfo/VERSION 2>/dev/null)" \< "$(head -c 8 "$(dirname "$0")/../../osinfo/db/VERSION")" ]; then
	expect 0 "a built-in profile newer than the system's" osinfo show rocky9 --json &&
		json_eq "rocky9 from the built-ins" "(j['source'], j['shadows_source'], j['shadows'])" \
			"('bundled', 'system', '/usr/share/osinfo/os/rockylinux.org/rocky-9.xml')" &&
		json_eq "rocky9 why" "'are newer than the system database' in j['chosen_because']" "True"
	expect 0 "rocky9's resources per architecture" osinfo show rocky9 --arch x86_64 --json &&
		json_eq "rocky9 x86_64 install memory" "(j['recommended']['ram_bytes'], j['install_ram_bytes'], j['install_ram_from'])" \
			"(1610612736, 3221225472, \"rocky9's network-install resources on x86_64\")"
	expect 0 "... aarch64: its own minimum, over the recommended of all" osinfo show rocky9 --arch aarch64 --json &&
		json_eq "rocky9 aarch64 memory" "(j['minimum']['ram_bytes'], j['memory_from'])" \
			"(2147483648, \"rocky9's minimum resources on aarch64\")"
	expect 0 "... and the text says it" osinfo show rocky9 &&
		out_has "installing" "installing:  3 GiB memory (rocky9's network-install resources on x86_64)" &&
		out_has "chosen over" "chosen over:   /usr/share/osinfo/os/rockylinux.org/rocky-9.xml (system database): vprov's built-in profiles"
	# a user directory beats both
	mkdir -p "$TMP/osuser2/os/rockylinux.org"
	sed 's|<name>Rocky Linux 9</name>|<name>My Rocky</name>|' "$(dirname "$0")/../../osinfo/db/os/rockylinux.org/rocky-9.xml" \
		>"$TMP/osuser2/os/rockylinux.org/rocky-9.xml"
	OSINFO_USER_DIR="$TMP/osuser2" expect 0 "a user's profile wins over both" osinfo show rocky9 --json &&
		json_eq "user rocky9" "(j['name'], j['source'], j['shadows_source'])" "('My Rocky', 'user', 'bundled')"
else
	fail "this test expects Debian 12's osinfo-db (VERSION 20221203), older than osinfo/db/VERSION"
fi

# ---- install sources -------------------------------------------------------
usage_error "--location sub-options" "write ',' in it as ',,'" create i1 --location menu=on,kernel=k,initrd=i
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

# ---- stats: one bulk call per sample, rates against the kept sample ----
export XDG_STATE_HOME="$TMP/state"
expect 0 "stats --help" stats --help &&
	out_has "stats --help" "usage: vprov stats" && out_has "stats --help: the JSON fields" "libvirt_calls" &&
	out_has "stats --help: what CPU% is of" "of ONE host CPU"
if expect 0 "stats --json" stats --json; then
	json_ok "stats --json"
	json_eq "stats --json: the VM" '[v["name"] for v in j["vms"]]' "['test']"
	json_eq "stats --json: its state" 'j["vms"][0]["state"]' "running"
	json_eq "stats --json: one bulk call, two for the host" '(j["domain_stats_calls"], j["libvirt_calls"])' "(1, 3)"
	json_eq "stats --json: the host" '(j["host"]["cpus"], j["host"]["memory_kib"])' "(16, 3145728)"
	json_eq "stats --json: no rates without an earlier sample" 'j["interval_s"]' "None"
	json_eq "stats --json: the fields" \
		'sorted(j["vms"][0]) == sorted(["name","uuid","id","state","vcpus","cpu_time_ns","cpu_percent","cpu_percent_of_vcpus","memory","disk","net"]) and sorted(j["vms"][0]["disk"]) == sorted(["count","rd_bytes","wr_bytes","rd_bps","wr_bps"]) and sorted(j["vms"][0]["net"]) == sorted(["count","rx_bytes","tx_bytes","rx_bps","tx_bps"]) and {"current_kib","available_kib","unused_kib","rss_kib","used_kib"} <= set(j["vms"][0]["memory"])' "True"
	# what the test driver does not report is null, not 0
	json_eq "stats --json: unknown counters are null" '(j["vms"][0]["disk"]["rd_bytes"], j["vms"][0]["cpu_time_ns"])' "(None, None)"
fi
if [ "$(ls "$XDG_STATE_HOME"/vprov/stats/ 2>/dev/null | wc -l)" -eq 1 ]; then pass; else RC=-; fail "stats keeps one sample file per connection"; fi
sleep 0.5
if expect 0 "stats --json again" stats --json; then
	json_eq "stats: a second run has rates over the time since the first" '0.25 <= j["interval_s"] <= 120' "True"
fi
if expect 0 "stats NAME --json" stats test test --json; then
	json_eq "stats NAME: that VM once" '[v["name"] for v in j["vms"]]' "['test']"
	json_eq "stats NAME: a listing and one bulk call" '(j["domain_stats_calls"], j["libvirt_calls"])' "(1, 4)"
fi
if expect 0 "stats --interval" stats --interval 0.2 --json; then
	json_eq "stats --interval: two samples" '(j["domain_stats_calls"], j["libvirt_calls"])' "(2, 6)"
	json_eq "stats --interval: rates over that time" '0.15 <= j["interval_s"] < 60' "True"
fi
if expect 0 "stats (table)" stats; then
	out_has "stats table: the header" "NAME  STATE      CPU% VCPUS     MEM BALLOON DISK-RD DISK-WR  NET-RX  NET-TX"
	out_has "stats table: what CPU% is of" "CPU% is of one host CPU"
	if grep -qE '^test +running +- ' "$TMP/out"; then pass; else fail "stats table: no row for VM 'test'"; fi
fi
usage_error "stats: no such VM" "vprov stats: no VM named 'nope'" stats test nope
usage_error "stats --watch=0" "cannot refresh every '0'" stats --watch=0
usage_error "stats --watch=soon" "invalid --watch 'soon'" stats --watch=soon
usage_error "stats --sort" "cannot sort by 'size': say cpu, mem, disk, net or name" stats --sort size
usage_error "stats --interval with --watch" "--interval and --watch cannot go together" stats --watch --interval 1
usage_error "stats --all with names" "--all is for every VM" stats --all test
# --watch on a pipe: one table per refresh, a blank line between, until SIGINT (exit 0)
timeout --preserve-status -s INT 2 "$VPROV" stats --watch 0.3 >"$TMP/out" 2>"$TMP/err"
RC=$?
if [ "$RC" -eq 0 ] && [ "$(grep -c '^NAME ' "$TMP/out")" -ge 2 ] &&
	[ "$(grep -c '^$' "$TMP/out")" -eq $(($(grep -c '^NAME ' "$TMP/out") - 1)) ] && ! grep -q $'\e' "$TMP/out"; then
	pass
else
	fail "stats --watch on a pipe: not one plain table per refresh, or not exit 0 on SIGINT"
fi
timeout --preserve-status -s INT 2 "$VPROV" stats --watch=0.3 --json >"$TMP/out" 2>"$TMP/err"
RC=$?
if [ "$RC" -eq 0 ] && [ "$(wc -l <"$TMP/out")" -ge 2 ] &&
	python3 -c 'import json,sys; [json.loads(l)["vms"][0]["name"] for l in open(sys.argv[1])]' "$TMP/out"; then
	pass
else
	fail "stats --watch --json: not one JSON object per line"
fi
unset XDG_STATE_HOME
# ---- vprov pool; resource checks before create; --rng ------------------------
# usage errors need no host
LIBVIRT_DEFAULT_URI=$UNREACH usage_error "pool create without --type" "--type is required: dir, fs, logical or netfs" \
	pool create p1 --target /srv/p1
LIBVIRT_DEFAULT_URI=$UNREACH usage_error "pool create: unknown type" "invalid pool type 'zfs'" pool create p1 --type zfs --target /a
LIBVIRT_DEFAULT_URI=$UNREACH usage_error "pool create dir without --target" "a dir pool needs --target PATH" pool create p1 --type dir
LIBVIRT_DEFAULT_URI=$UNREACH usage_error "pool create fs without a device" "an fs pool needs --source-dev DEV" \
	pool create p1 --type fs --target /mnt/p1
LIBVIRT_DEFAULT_URI=$UNREACH usage_error "pool create dir --build" "--build is for fs and logical pools" \
	pool create p1 --type dir --target /a --build
LIBVIRT_DEFAULT_URI=$UNREACH usage_error "pool create: bad name" "p/1" pool create p/1 --type dir --target /a
LIBVIRT_DEFAULT_URI=$UNREACH usage_error "pool create: no name" "a pool name" pool create --type dir --target /a
LIBVIRT_DEFAULT_URI=$UNREACH usage_error "pool info: no name" "a pool name" pool info
expect 0 "pool --help" pool --help && out_has "pool --help" "delete     stop, empty-directory remove"
expect 0 "pool create --help" pool create --help && out_has "pool create --help" "formats nothing unless --build"
# on the test driver: plans, XML, list, info
expect 0 "pool create --dry-run" pool create p1 --type dir --target /srv/p1 --autostart --dry-run &&
	out_has "pool create --dry-run" "would build storage pool 'p1': make its directory" &&
	out_has "pool create --dry-run" "would mark storage pool 'p1' to start when the host boots"
expect 0 "pool create fs --dry-run" pool create d1 --type fs --source-dev /dev/vdb1 --target /mnt/d1 --dry-run &&
	if grep -q "file system" "$TMP/out"; then fail "pool create fs without --build would format"; else pass; fi
if expect 0 "pool create --dry-run --json" pool create p1 --type dir --target /srv/p1 --dry-run --json; then
	json_eq "pool create --dry-run --json" '[s["kind"] for s in j["plan"]["steps"]]' "['define', 'build', 'start']"
	json_eq "pool create --dry-run --json: created" 'j["created"]' "False"
fi
expect 0 "pool create --print-xml" pool create n1 --type netfs --source-host nas --source-path /export --target /mnt/n1 --print-xml &&
	out_has "pool create --print-xml" '<host name="nas"/>'
if xmllint --noout --relaxng /usr/share/libvirt/schemas/storagepool.rng "$TMP/out" 2>/dev/null; then pass; else fail "pool --print-xml: not a valid pool"; fi
usage_error "pool create: name taken" "storage pool 'default-pool' exists already" \
	pool create default-pool --type dir --target /srv/x
expect 0 "pool list" pool list && out_has "pool list" "default-pool  running"
if expect 0 "pool list --json" pool list --json; then
	json_eq "pool list --json" '[(p["name"], p["capacity_bytes"], p["volume_count"]) for p in j]' "[('default-pool', 107374182400, 0)]"
fi
expect 0 "pool info" pool info default-pool && out_has "pool info" "available:   100 GiB"
if expect 0 "pool info --json" pool info default-pool --json; then
	json_eq "pool info --json" '(j["type"], j["available_bytes"], j["volumes"])' "('dir', 107374182400, [])"
fi
run pool info nosuch
if [ "$RC" -eq 2 ] && grep -q "nosuch" "$TMP/err"; then pass; else fail "pool info of a missing pool: exit $RC"; fi
expect 0 "pool delete (test driver)" pool delete default-pool && out_has "pool delete" "deleted storage pool 'default-pool'"
# create: the host's figures (test driver: 16 CPUs, 3 GiB, pool 100 GiB)
usage_error "create: more memory than the host" \
	"vprov create: not enough memory on host '$(hostname)': 4 GiB asked, 3 GiB available (add --force to create it anyway)" \
	create big1 --memory 4G --disk none --network none --dry-run
usage_error "create: a non-sparse disk larger than the pool" \
	"not enough space in storage pool 'default-pool' on host '$(hostname)': 200 GiB asked for new disks (not sparse), 100 GiB available" \
	create big1 --disk size=200,sparse=no,pool=default-pool --network none --import --dry-run
usage_error "create: 65 vCPUs on 16" "too many vCPUs for host '$(hostname)': 65 asked, 16 host CPUs" \
	create big1 --vcpus 65 --disk none --network none --dry-run
run create big1 --memory 4G --disk none --network none
if [ "$RC" -eq 2 ] && ! grep -q "created" "$TMP/out"; then pass; else fail "create over the host's memory: exit $RC"; fi
expect 0 "create --force over the host's memory" create big1 --memory 4G --disk none --network none --dry-run --force &&
	err_has "create --force" "4 GiB asked, 3 GiB available; going on (--force)" &&
	out_has "create --force" "checked host '$(hostname)': memory 4 GiB asked, 3 GiB available; 2 vCPUs, 16 host CPUs"
expect 0 "create: a sparse disk larger than the pool" create big2 --disk size=200,pool=default-pool --network none --dry-run &&
	err_has "sparse overcommit" "the new disks in storage pool 'default-pool' on host '$(hostname)' can grow to 200 GiB, more than its 100 GiB available"
expect 0 "create: 17 vCPUs on 16" create big3 --vcpus 17 --disk none --network none --dry-run &&
	err_has "vCPUs over the host's" "17 vCPUs asked, more than the 16 CPUs of host"
if expect 0 "create --dry-run --json: the figures" create big4 --disk size=1,pool=default-pool --network none --dry-run --json; then
	json_eq "the plan's resources" '(j["plan"]["resources"]["memory"]["available_bytes"], j["plan"]["resources"]["vcpus"]["host_cpus"], j["plan"]["resources"]["pools"][0]["available_bytes"], j["plan"]["resources"]["refusals"])' \
		"(3221225472, 16, 107374182400, [])"
fi
expect 0 "create --print-xml weighs nothing" create big1 --memory 8G --disk none --network none --print-xml
# --rng
expect 0 "create --rng /dev/random" create r1 --disk none --network none --os generic --print-xml --rng /dev/random &&
	out_has "--rng /dev/random" '<backend model="random">/dev/random</backend>'
expect 0 "create: the virtio RNG by default" create r1 --disk none --network none --os generic --print-xml &&
	out_has "default rng" '<backend model="random">/dev/urandom</backend>'
expect 0 "create --rng none" create r1 --disk none --network none --os generic --print-xml --rng none &&
	if grep -q "<rng" "$TMP/out"; then fail "--rng none left an RNG"; else pass; fi
LIBVIRT_DEFAULT_URI=$UNREACH usage_error "create --rng relative" "invalid --rng 'urandom': give none, /dev/urandom or /dev/random" \
	create r1 --rng urandom
# ---- LUKS-encrypted disks (issue 10): refusals, the plan, no secrets here ---
LK=(--network none --install no_install=yes)
usage_error "--disk encryption=aes" "invalid --disk encryption 'aes': use luks" \
	create lk1 --disk size=1,encryption=aes "${LK[@]}"
usage_error "--disk secret-file without encryption" "--disk secret-file= needs encryption=luks" \
	create lk1 --disk size=1,secret-file=/k "${LK[@]}"
usage_error "--disk vol= with encryption" "vol= names an existing one" \
	create lk1 --disk vol=default-pool/x.img,encryption=luks "${LK[@]}"
usage_error "--disk cdrom with encryption" "a cdrom cannot be one" \
	create lk1 --disk path=/tmp/x.iso,device=cdrom,size=1,encryption=luks "${LK[@]}"
usage_error "--disk backing_store with encryption" "the base image's data would stay unencrypted" \
	create lk1 --disk size=1,backing_store=/var/lib/libvirt/images/b.qcow2,encryption=luks "${LK[@]}"
usage_error "--disk path= without size= with encryption" "add size= (an existing image cannot be encrypted in place)" \
	create lk1 --disk path=/var/lib/libvirt/images/lk1.qcow2,encryption=luks "${LK[@]}"
usage_error "--disk encryption given twice" "'encryption' is given twice" \
	create lk1 --disk size=1,encryption=luks,encryption=luks "${LK[@]}"
truncate -s 1M "$TMP/there.img"
usage_error "--disk encryption of an existing image" "disk '$TMP/there.img' already exists; encryption=luks makes a new volume" \
	create lk1 --disk "path=$TMP/there.img,size=1,encryption=luks" "${LK[@]}"
usage_error "--disk secret-file missing" "cannot read --disk secret-file '$TMP/nokey'" \
	create lk1 --disk "size=1,encryption=luks,secret-file=$TMP/nokey" "${LK[@]}"
: >"$TMP/emptykey"
usage_error "--disk secret-file empty" "cannot use --disk secret-file '$TMP/emptykey': it is empty" \
	create lk1 --disk "size=1,encryption=luks,secret-file=$TMP/emptykey" "${LK[@]}"
usage_error "--disk secret-file a directory" "it is a directory" \
	create lk1 --disk "size=1,encryption=luks,secret-file=$TMP" "${LK[@]}"
qemu-img create -q -f qcow2 "$TMP/cloud.qcow2" 64M
usage_error "--image with an encrypted first disk" "whose data would stay unencrypted: encryption=luks needs a new, empty disk" \
	create lk1 --image "$TMP/cloud.qcow2" --disk size=1,encryption=luks --network none
printf 'Cl1Passphrase' >"$TMP/key"
if expect 0 "create --dry-run with encryption=luks" create lk1 --disk "size=1,encryption=luks,secret-file=$TMP/key" \
	--disk size=1 --network none --install no_install=yes --dry-run; then
	out_has "create --dry-run: the secret step" "would define secret "
	out_has "create --dry-run: the encrypted volume" "would create volume 'lk1.qcow2' in pool 'default' (1 GiB, qcow2, LUKS-encrypted)"
	if grep -q "Cl1Passphrase" "$TMP/out" "$TMP/err"; then fail "create --dry-run shows the passphrase"; else pass; fi
fi
if expect 0 "create --dry-run --json with encryption=luks" create lk1 --disk "size=1,format=raw,encryption=luks,secret-file=$TMP/key" \
	--network none --install no_install=yes --dry-run --json; then
	if python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
st = d["plan"]["steps"]
kinds = [s["kind"] for s in st]
i = kinds.index("secret")
assert kinds[i + 1] == "volume", kinds
assert st[i]["passphrase"] == "file" and st[i]["secret_file"] == sys.argv[2], st[i]
assert st[i + 1]["encryption"] == "luks" and st[i + 1]["secret"] == st[i]["uuid"], st[i + 1]
assert st[i + 1]["volume"] == "lk1.img" and st[i + 1]["format"] == "raw", st[i + 1]
assert d["disks"][0]["encryption"] == "luks" and d["disks"][0]["secret"] == st[i]["uuid"], d["disks"]
assert "Cl1Passphrase" not in open(sys.argv[1]).read()
' "$TMP/out" "$TMP/key"; then pass; else fail "create --dry-run --json: the secret step is not as expected"; fi
fi
if expect 0 "create --print-xml with encryption=luks" create lk1 --disk size=1,encryption=luks --network none \
	--install no_install=yes --print-xml; then
	if python3 -c '
import sys, xml.etree.ElementTree as ET
d = ET.parse(sys.argv[1]).getroot()
e = d.find("devices/disk/source/encryption")
assert e is not None and e.get("format") == "luks", ET.tostring(d)
s = e.find("secret")
assert s.get("type") == "passphrase" and len(s.get("uuid")) == 36
v = d.find("metadata/{https://vprov.dev/xmlns/domain/1}vm/{https://vprov.dev/xmlns/domain/1}volume")
assert v.get("encryption") == "luks" and v.get("secret") == s.get("uuid"), v.attrib
' "$TMP/out"; then pass; else fail "create --print-xml: no <encryption> naming the secret"; fi
fi
# the test driver keeps no secrets: exit 1, one line, nothing made
run create lk1 --disk size=1,encryption=luks --network none --install no_install=yes
if [ "$RC" -eq 1 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] &&
	grep -q "^vprov create: cannot define the secret of volume '.*lk1.qcow2'" "$TMP/err" &&
	! grep -q "cleanup failed" "$TMP/err"; then
	pass
else
	fail "create with encryption on a host without secrets is not one line with exit 1"
fi

# ---- vprov net: usage errors before connecting; the rest on test:///default
# (network 'default' 192.168.122.0/24, used by VM 'test') --------------------
LIBVIRT_DEFAULT_URI=$UNREACH usage_error "net create without a name" "a network name is required" net create
LIBVIRT_DEFAULT_URI=$UNREACH usage_error "net create --mode" "invalid --mode 'wifi': use nat, isolated, routed, bridge or open" \
	net create lab --mode wifi
LIBVIRT_DEFAULT_URI=$UNREACH usage_error "net create --mode bridge without --bridge" "--mode bridge needs --bridge BR" \
	net create lab --mode bridge
LIBVIRT_DEFAULT_URI=$UNREACH usage_error "net create --mode bridge --subnet" "--subnet, --dhcp, --ipv6 and --domain are not for it" \
	net create lab --mode bridge --bridge br0 --subnet 192.168.150.0/24
LIBVIRT_DEFAULT_URI=$UNREACH usage_error "net create --subnet host bits" "invalid --subnet '192.168.150.1/24': host bits are set (the subnet is 192.168.150.0/24)" \
	net create lab --subnet 192.168.150.1/24
LIBVIRT_DEFAULT_URI=$UNREACH usage_error "net create --subnet prefix" "the prefix length is a number from 8 to 30" \
	net create lab --subnet 192.168.150.0/32
LIBVIRT_DEFAULT_URI=$UNREACH usage_error "net create --subnet not CIDR" "give a subnet as ADDRESS/PREFIX" \
	net create lab --subnet 192.168.150.0
LIBVIRT_DEFAULT_URI=$UNREACH usage_error "net create --ipv6" "invalid --ipv6 'fd00::1/64'" net create lab --ipv6 fd00::1/64
LIBVIRT_DEFAULT_URI=$UNREACH usage_error "net create --dhcp" "invalid --dhcp 'some': give START-END" net create lab --dhcp some
LIBVIRT_DEFAULT_URI=$UNREACH usage_error "net create --bridge too long" "invalid --bridge 'abcdefghijklmnop'" \
	net create lab --bridge abcdefghijklmnop
LIBVIRT_DEFAULT_URI=$UNREACH usage_error "net create --dry-run --print-xml" "--dry-run and --print-xml exclude each other" \
	net create lab --dry-run --print-xml
LIBVIRT_DEFAULT_URI=$UNREACH usage_error "net info without a name" "a network name is required" net info
LIBVIRT_DEFAULT_URI=$UNREACH usage_error "net: unknown subcommand" "unknown" net frob
usage_error "create --network ip= not IPv4" "invalid --network ip '192.168.122': give an IPv4 address" \
	create r1 --network network=default,ip=192.168.122 --print-xml
usage_error "create --network ip= without network=" "ip= reserves an address on a libvirt network" \
	create r1 --network bridge=br0,ip=192.168.122.10 --print-xml
expect 0 "net --help" net --help && out_has "net --help" "usage: vprov net"
expect 0 "net list" net list && out_has "net list" "192.168.122.0/24"
expect 0 "net list --json" net list --json &&
	json_eq "net list --json" "j[0]['name'], j[0]['mode'], j[0]['subnet'], j[0]['vms']" "default nat 192.168.122.0/24 ['test']"
expect 0 "net info" net info default && out_has "net info: dhcp" "dhcp:         192.168.122.2-192.168.122.254" &&
	out_has "net info: vms" "vms:          test"
expect 0 "net info --json" net info default --json &&
	json_eq "net info --json" "j['gateway'], j['active'], j['reservations']" "192.168.122.1 True []"
usage_error "net info: no such network" "no network named 'nosuch'" net info nosuch
usage_error "net create: overlap" "cannot create network 'lab': subnet 192.168.122.0/25 overlaps network 'default' (192.168.122.0/24)" \
	net create lab --subnet 192.168.122.0/25
run net delete default
if [ "$RC" -eq 1 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] &&
	grep -qF "vprov net delete: cannot delete network 'default': VM 'test' uses it" "$TMP/err"; then
	pass
else
	fail "net delete of a network in use: not one line with exit 1"
fi
run net stop default
if [ "$RC" -eq 1 ] && grep -qF "cannot stop network 'default': VM 'test' uses it" "$TMP/err"; then pass; else fail "net stop of a network in use"; fi
expect 0 "net create --dry-run" net create lab --dry-run &&
	out_has "net create --dry-run" "would define network 'lab' (nat, 192.168.100.0/24, host 192.168.100.1, DHCP 192.168.100.128-192.168.100.254)" &&
	out_has "net create --dry-run: start" "would start network 'lab'"
expect 0 "net create --print-xml" net create lab --mode isolated --subnet 10.77.0.0/16 --dhcp none --ipv6 fd00:77::/64 --print-xml &&
	if xmllint --noout --relaxng /usr/share/libvirt/schemas/network.rng "$TMP/out" 2>/dev/null &&
		! grep -q "<forward" "$TMP/out" && ! grep -q "<dhcp" "$TMP/out" &&
		grep -qF '<ip address="10.77.0.1" prefix="16"/>' "$TMP/out" &&
		grep -qF '<ip family="ipv6" address="fd00:77::1" prefix="64"/>' "$TMP/out"; then
		pass
	else
		fail "net create --print-xml: not the isolated network asked for"
	fi
expect 0 "net create --mode bridge --print-xml" net create lan --mode bridge --bridge br0 --print-xml &&
	out_has "bridge mode" '<forward mode="bridge"/>' && out_has "bridge mode: the bridge" '<bridge name="br0"/>'
expect 0 "net create" net create lab --mode routed --subnet 10.9.0.0/16 --autostart &&
	out_has "net create: summary" "created network 'lab' (routed)" &&
	out_has "net create: dhcp" "dhcp:   10.9.128.0 - 10.9.255.254"
expect 0 "net create --json" net create lab --json --subnet 192.168.150.0/24 &&
	json_eq "net create --json" "j['created'], j['subnet'], j['dhcp_start'], j['active'], [s['kind'] for s in j['plan']['steps']]" \
		"True 192.168.150.0/24 192.168.150.128 True ['network-define', 'network-start']"
VPROV_FAIL_AT=network-start run net create lab
if [ "$RC" -eq 1 ] && grep -q "network-start" "$TMP/err"; then pass; else fail "net create: a failing start"; fi
expect 0 "net start of an active network" net start default && out_has "net start" "network 'default' is already active"
run net lease default
if [ "$RC" -eq 1 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] && grep -q "^vprov net lease: cannot read the DHCP leases of network 'default'" "$TMP/err"; then
	pass
else
	fail "net lease on the test driver (no leases there): not one line with exit 1"
fi
K=$(ls /boot/vmlinuz-* 2>/dev/null | head -n 1)
if [ -n "$K" ]; then
	expect 0 "create --network ip= --dry-run" create r1 --memory 256 --disk none --boot kernel="$K" \
		--network network=default,ip=192.168.122.10,mac=52:54:00:00:00:10 --dry-run &&
		out_has "create: the reserve step" "would reserve 192.168.122.10 on network 'default' for VM 'r1' (DHCP host entry for 52:54:00:00:00:10)"
	expect 0 "create --network ip= --print-xml" create r1 --memory 256 --disk none --boot kernel="$K" \
		--network network=default,ip=192.168.122.10 --print-xml &&
		out_has "create --print-xml: the record" '<vprov:reservation network="default" mac="52:54:00:' &&
		out_has "create --print-xml: a MAC" '<mac address="52:54:00:'
	usage_error "create: ip outside the subnet" "cannot reserve 192.168.123.10 on network 'default': it is not in the network's subnet 192.168.122.0/24" \
		create r1 --memory 256 --disk none --boot kernel="$K" --network network=default,ip=192.168.123.10 --dry-run
	usage_error "create: the host's address" "it is the subnet's host address" \
		create r1 --memory 256 --disk none --boot kernel="$K" --network network=default,ip=192.168.122.1 --dry-run
fi
# ---- ip and ssh (the test driver's VM 'test' has one interface; vprov ssh
# is only run where it fails before touching any address) -----------------
expect 0 "ip" ip test && out_has "ip" "source: lease (the network's DHCP leases)" &&
	out_has "ip" "aa:bb:cc:dd:ee:ff"
expect 0 "ip --source agent" ip test --source agent && out_has "ip --source agent" "source: agent"
if expect 0 "ip --json" ip test --json; then
	json_eq "ip --json source" "j['name'] + ' ' + j['source']" "test lease"
	json_eq "ip --json address" "j['address'] == j['interfaces'][0]['addresses'][0]['address']" "True"
	json_eq "ip --json interface" "sorted(j['interfaces'][0]) + sorted(j['interfaces'][0]['addresses'][0])" \
		"['addresses', 'mac', 'name', 'address', 'prefix', 'type']"
fi
usage_error "ip --source bogus" "unknown address source 'bogus' (known: lease, agent, arp, any)" ip test --source bogus
usage_error "ip --wait bogus" "--wait" ip test --wait bogus
usage_error "ip of no VM" "nosuch" ip nosuch
usage_error "ssh -i a missing key" "cannot use key '$TMP/nokey'" ssh test -i "$TMP/nokey" -- true
usage_error "ssh --source bogus" "unknown address source 'bogus'" ssh test --source bogus
expect 0 "ssh --help" ssh --help && out_has "ssh --help" "NAME [-- CMD...]"

# ---- OS profiles: resources per install kind; the memory's source in the plan
# (a user profile whose network-install memory is larger than its
# recommended one, with the Debian netboot tree as its own; the test
# driver's guests are i686, so the figures are for "all")
mkdir -p "$TMP/osres/os/example.org"
cat >"$TMP/osres/os/example.org/exnet-1.xml" <<'EOT'
<libosinfo version="0.0.1">
  <os id="http://example.org/exnet/1">
    <short-id>exnet1</short-id>
    <name>Example Netinstall 1</name>
    <version>1</version>
    <vendor>Example</vendor>
    <family>linux</family>
    <distro>exnet</distro>
    <resources arch="x86_64">
      <recommended><ram>805306368</ram></recommended>
    </resources>
    <resources arch="all">
      <minimum><ram>536870912</ram><storage>1073741824</storage></minimum>
      <recommended><ram>1073741824</ram><storage>2147483648</storage></recommended>
      <network-install><ram>1610612736</ram></network-install>
    </resources>
    <tree arch="i686">
      <url>file:///usr/lib/debian-installer/images/12/amd64/text/</url>
      <kernel>debian-installer/amd64/linux</kernel>
      <initrd>debian-installer/amd64/initrd.gz</initrd>
    </tree>
  </os>
</libosinfo>
EOT
if [ -d /usr/lib/debian-installer/images/12/amd64/text ]; then
	OSINFO_USER_DIR="$TMP/osres" expect 0 "a tree install gets the network-install memory" \
		create n1 --install exnet1 --graphics none --dry-run --json && json_ok "tree install plan" &&
		json_eq "tree install: memory and its source" "(j['memory_mib'], j['memory_from'], j['plan']['memory'])" \
		"(1536, \"exnet1's network-install resources for all architectures\", {'bytes': 1610612736, 'from': \"exnet1's network-install resources for all architectures\"})"
	OSINFO_USER_DIR="$TMP/osres" expect 0 "a --location install with --os too" \
		create n1 --os exnet1 --location "$DIL" --graphics none --dry-run &&
		out_has "the text plan says the memory" "memory: 1.5 GiB (exnet1's network-install resources for all architectures)"
	OSINFO_USER_DIR="$TMP/osres" expect 0 "--memory wins over the profile" \
		create n1 --install exnet1 --memory 700 --graphics none --dry-run --json &&
		json_eq "--memory wins" "(j['memory_mib'], j['memory_from'])" "(700, '--memory')"
fi
OSINFO_USER_DIR="$TMP/osres" expect 0 "no installer: the recommended memory" \
	create n1 --os exnet1 --install no_install=yes --dry-run --json &&
	json_eq "no installer: recommended" "(j['memory_mib'], j['memory_from'])" \
	"(1024, \"exnet1's recommended resources for all architectures\")"
OSINFO_USER_DIR="$TMP/osres" expect 0 "an imported disk needs no installer's memory" \
	create n1 --os exnet1 --import --disk "path=$TMP/imp.img,size=1" --dry-run &&
	out_has "import: recommended" "memory: 1 GiB (exnet1's recommended resources for all architectures)"
expect 0 "no profile: the default" create n1 --dry-run --json &&
	json_eq "no profile: default" "(j['memory_mib'], j['memory_from'])" "(2048, \"vprov's default\")"

# ---- virt-install's older spellings on create (--nographics, --nodisks,
# --nonetworks, -r, --file/--file-size/--nonsparse, --hvm, --accelerate,
# --autoconsole/--noautoconsole) and
# the options of other hypervisors (--paravirt, --container, --init) ----
# Each spelling gives the XML (or plan) its canonical form gives, matches a
# golden file in tests/data (the uuid and spec hash left out;
# VP_UPDATE_GOLDEN=1 rewrites it) and is valid against domain.rng.
ALIAS_DATA=$(cd "$(dirname "$0")/../data" && pwd)
# alias_xml DESCRIPTION GOLDEN "ALIAS ARGS" "CANONICAL ARGS": both print
# the same domain XML, which is the golden file's and valid
alias_xml() {
	local what=$1 gold=$ALIAS_DATA/$2 a b
	read -r -a a <<<"$3"
	read -r -a b <<<"$4"
	expect 0 "$what" create "${a[@]}" --print-xml || return
	grep -v -e '<uuid>' -e '<vprov:spec-hash>' "$TMP/out" >"$TMP/alias.xml"
	if xmllint --noout --relaxng "$SCHEMA" "$TMP/out" 2>/dev/null; then pass; else fail "$what: fails domain.rng"; fi
	if [ -n "${VP_UPDATE_GOLDEN:-}" ]; then cp "$TMP/alias.xml" "$gold"; fi
	if diff -u "$gold" "$TMP/alias.xml" >"$TMP/alias.diff"; then pass; else
		fail "$what: differs from $2: $(head -c 400 "$TMP/alias.diff")"; fi
	expect 0 "$what (canonical: $4)" create "${b[@]}" --print-xml || return
	if grep -v -e '<uuid>' -e '<vprov:spec-hash>' "$TMP/out" | cmp -s - "$TMP/alias.xml"; then pass; else
		fail "$what: '$3' and '$4' give different XML"; fi
}
alias_xml "--nographics" create-nographics.xml "ng1 --nographics --disk none" \
	"ng1 --graphics none --disk none"
if grep -q '<graphics' "$TMP/alias.xml"; then fail "--nographics left a <graphics>"; else pass; fi
grep -q '<serial type="pty">' "$TMP/alias.xml" && pass || fail "--nographics: no serial console"
alias_xml "--nodisks" create-nodisks.xml "nd1 --nodisks --graphics none" \
	"nd1 --disk none --graphics none"
if grep -q '<disk' "$TMP/alias.xml"; then fail "--nodisks left a <disk>"; else pass; fi
alias_xml "--file, --file-size, -f, -s, --hvm" create-file.xml \
	"fd1 --file /default-pool/fd1-a.qcow2 --file-size 3 -f /default-pool/fd1-b.qcow2 -s 1.5 --hvm --graphics none" \
	"fd1 --disk path=/default-pool/fd1-a.qcow2,size=3 --disk path=/default-pool/fd1-b.qcow2,size=1.5 --graphics none"
grep -q "<source file=\"/default-pool/fd1-b.qcow2\"/>" "$TMP/alias.xml" && pass || fail "--file: no second disk"
alias_xml "--nonetworks, -r" create-nonetworks.xml "nn1 --nonetworks -r 768 --nographics --disk none" \
	"nn1 --network none --memory 768 --graphics none --disk none"
if grep -q '<interface' "$TMP/alias.xml"; then fail "--nonetworks left an <interface>"; else pass; fi
grep -q '<memory unit="KiB">786432</memory>' "$TMP/alias.xml" && pass || fail "-r 768: not 768 MiB"
alias_xml "-v (--hvm) changes nothing" create-nographics.xml "ng1 -v --nographics --disk none" \
	"ng1 --graphics none --disk none"
# --nonsparse: the plan's disks fully allocated, as sparse=no makes them
expect 0 "--file with --nonsparse" create fd1 --file /default-pool/fd1-a.qcow2 --file-size 3 --nonsparse \
	--dry-run --json &&
	json_eq "--nonsparse: no sparse disk, 3 GiB" "(j['plan']['resources']['pools'][0]['sparse_disks'], j['disks'][0]['capacity_bytes'])" \
	"(0, 3221225472)"
expect 0 "--file without --nonsparse" create fd1 --file /default-pool/fd1-a.qcow2 --file-size 3 --dry-run --json &&
	json_eq "--file: a sparse disk" "j['plan']['resources']['pools'][0]['sparse_disks']" "1"
run create fd1 --file /default-pool/fd1-a.qcow2 --file-size 3 --nonsparse --dry-run
cp "$TMP/out" "$TMP/alias.plan"
expect 0 "--disk sparse=no" create fd1 --disk path=/default-pool/fd1-a.qcow2,size=3,sparse=no --dry-run &&
	if cmp -s "$TMP/out" "$TMP/alias.plan"; then pass; else fail "--nonsparse and sparse=no plan differently"; fi
expect 0 "--file-size alone: a new disk of that size" create fs1 --file-size 4 --graphics none --dry-run &&
	out_has "--file-size alone" "(4 GiB, qcow2)"
usage_error "--file beside --disk" "do not go with --disk" create fd1 --file /default-pool/a.qcow2 --disk size=1
usage_error "--nonsparse beside --disk" "do not go with --disk" create fd1 --nonsparse --disk size=1
usage_error "--file with --nodisks" "cannot be combined with --nodisks" create fd1 --nodisks --file /default-pool/a.qcow2
usage_error "--nodisks with --disk" "--disk none cannot be combined" create fd1 --nodisks --disk size=1
usage_error "relative --file" "--file 'a.qcow2' must be an absolute path" create fd1 --file a.qcow2
usage_error "--file-size 0" "invalid --file-size '0'" create fd1 -f /default-pool/a.qcow2 -s 0
usage_error "--nographics takes no value" "option '--nographics' takes no value" create ng1 --nographics=yes
# --autoconsole: none is --noautoconsole, text the default, graphical has no
# viewer here (a note, no console); the last one given wins
expect 0 "--autoconsole graphical" create ac1 --disk none --graphics none --autoconsole graphical &&
	err_has "--autoconsole graphical" "no graphical viewer" && err_has "--autoconsole graphical" "virt-viewer"
expect 0 "--autoconsole none" create ac1 --disk none --graphics none --autoconsole none &&
	out_has "--autoconsole none creates" "created VM 'ac1'"
expect 0 "--autoconsole graphical then --noautoconsole" create ac1 --disk none --graphics none \
	--autoconsole graphical --noautoconsole &&
	if grep -q "graphical viewer" "$TMP/err"; then fail "--noautoconsole after graphical still notes it"; else pass; fi
expect 0 "--noautoconsole then --autoconsole text" create ac1 --disk none --graphics none --noautoconsole \
	--autoconsole text
usage_error "--autoconsole bogus" "invalid --autoconsole 'vnc': use text, none or graphical" \
	create ac1 --autoconsole vnc
# other hypervisors' options: one line naming the option, exit 2, nothing made
usage_error "--paravirt" "cannot use --paravirt: it makes a Xen paravirtualized guest" create pv1 --paravirt
usage_error "-p" "cannot use --paravirt" create pv1 -p --disk none
usage_error "--container" "cannot use --container: it makes a container guest" create pv1 --container
usage_error "--init" "cannot use --init: it sets a container's init program" create pv1 --init /sbin/init
usage_error "--paravirt after a good option" "cannot use --paravirt" create pv1 --nographics --paravirt
expect 0 "--accelerate is accepted" create ng1 --accelerate --nographics --disk none --print-xml
# ---- $VPROV_TEST_CAPS: a KVM x86_64 host for the test driver (tests/compat) ----
CAPSX=$(cd "$(dirname "$0")/../data" && pwd)/caps-x86_64.xml
VPROV_TEST_CAPS=$CAPSX expect 0 "test caps: a KVM x86_64 host" \
	create c1 --os debian11 --disk none --network none --print-xml &&
	out_has "test caps: kvm domain" '<domain type="kvm">' &&
	out_has "test caps: x86_64 q35" '<type arch="x86_64" machine="q35">hvm</type>'
expect 0 "without test caps: the test driver's own i686 host" \
	create c1 --os debian11 --disk none --network none --print-xml &&
	out_has "no test caps: i686" '<type arch="i686" machine="q35">hvm</type>'
# the seed's path is where its upload puts it, in a pool to be made too
expect 0 "--print-xml: the seed in the pool 'default' to be made" \
	create c1 --os debian11 --disk size=8 --network none --cloud-init --print-xml &&
	out_has "seed path, planned pool" '<source file="/var/lib/libvirt/images/c1-cidata.iso"/>'
expect 0 "--print-xml: the seed in an existing pool" \
	create c1 --os debian11 --disk size=8,pool=default-pool --network none --cloud-init --print-xml &&
	out_has "seed path, existing pool" '<source file="/default-pool/c1-cidata.iso"/>'
VPROV_TEST_CAPS=$TMP/no-such-caps.xml usage_error "test caps: a missing file" \
	"cannot read \$VPROV_TEST_CAPS '$TMP/no-such-caps.xml'" create c1 --disk none --print-xml

# ---- --qemu-commandline: a warning where the VM is made, not in --print-xml ----
expect 0 "--qemu-commandline --dry-run" \
	create q1 --os debian11 --disk none --network none --install no_install=yes \
	--qemu-commandline=-no-hpet --dry-run &&
	err_has "--qemu-commandline warns" "warning: --qemu-commandline: libvirt does not check these QEMU arguments and marks the VM tainted (custom-argv)"
expect 0 "--qemu-commandline --print-xml" \
	create q1 --os debian11 --disk none --network none --install no_install=yes \
	--qemu-commandline=-no-hpet --print-xml &&
	out_has "--qemu-commandline in the XML" '<qemu:arg value="-no-hpet"/>' &&
	if grep -q custom-argv "$TMP/err"; then
		fail "--qemu-commandline --print-xml: warned: $(cat "$TMP/err")"
	fi
# ---- create's command-level options: -c, no name, pool default, --check, --xml ----
# (virt-install's command line, issue 12: tests/data/names-host.xml is a host
# with VMs debian12, debian12-2 and vm1, one with a disk, a cdrom and a MAC)
NAMES=test://$(cd "$(dirname "$0")/../data" && pwd)/names-host.xml
ISO=$TMP/boot.iso
truncate -s 1M "$ISO"
# -c inside create is --cdrom, as in virt-install
expect 0 "create -c ISO is --cdrom" create d1 -c "$ISO" --disk size=1 --network none --print-xml &&
	out_has "-c: the ISO on a cdrom" "<source file=\"$ISO\"/>" &&
	err_has "-c: the install run boots it" "the install run boots installer ISO '$ISO'"
expect 0 "create -cISO (bundled) is --cdrom" create d1 "-c$ISO" --disk size=1 --network none --print-xml &&
	out_has "-cISO: the ISO" "<source file=\"$ISO\"/>"
usage_error "create -c URI says where the connection goes" \
	"--cdrom 'test:///default' is a libvirt URI: in create, -c is --cdrom as in virt-install; give the connection as 'vprov -c URI create' or --connect URI" \
	create d1 -c test:///default --disk none
usage_error "create -c qemu+ssh URI" "is a libvirt URI" create d1 -c qemu+ssh://h/system --disk none
usage_error "-c and --cdrom are one option: --location beside it" "give one install source" \
	create d1 -c "$ISO" --location "$TMP" --disk none
# the connection: before the command, or --connect after it
LIBVIRT_DEFAULT_URI=qemu+tcp://127.0.0.9/system expect 0 "vprov -c URI create" \
	-c "$NAMES" create --os debian12 --disk none --network none --print-xml &&
	out_has "vprov -c URI create: that host's names" "<name>debian12-3</name>"
LIBVIRT_DEFAULT_URI=qemu+tcp://127.0.0.9/system expect 0 "create --connect URI" \
	create --connect "$NAMES" --os debian12 --disk none --network none --print-xml &&
	out_has "create --connect URI: that host's names" "<name>debian12-3</name>"
LIBVIRT_DEFAULT_URI=qemu+tcp://127.0.0.9/system expect 0 "create --connect=URI" \
	create "--connect=$NAMES" --disk none --network none --print-xml &&
	out_has "create --connect=URI" "<name>vm2</name>"
# the other commands keep -c after the command (virsh's place is before it)
expect 0 "list -c URI after the command" list -c "$NAMES" --all && out_has "list -c: that host" "debian12-2"
expect 0 "create --help: -c is --cdrom" create --help &&
	out_has "--help: -c, --cdrom" "-c, --cdrom ISO" && out_has "--help: --connect without -c" "      --connect URI"
if grep -q -- "-c, --connect" "$TMP/out"; then fail "create --help still offers -c as --connect"; else pass; fi
expect 0 "list --help: -c is --connect" list --help && out_has "list --help: -c, --connect" "-c, --connect URI"
expect 0 "bash completion" __bash-completion
awk '/^\t\x27create\x27\)/ { on = 1; next } /^\t\x27/ { on = 0 } on' "$TMP/out" >"$TMP/comp-create"
if grep -q -- "-c|--connect" "$TMP/comp-create"; then fail "completion: create's -c completes a URI"; else pass; fi
if grep -q -- "-c|--cdrom)" "$TMP/comp-create"; then pass; else fail "completion: create's -c does not complete a file"; fi
if grep -q -- "--connect)" "$TMP/comp-create"; then pass; else fail "completion: create's --connect does not complete"; fi

# no name: one after the OS profile, past the host's names (virt-install's rule)
expect 0 "no name: debian12-3 on a host with debian12 and debian12-2" \
	-c "$NAMES" create --os debian12 --disk none --network none --dry-run &&
	out_has "no name: the plan names it" "would define VM 'debian12-3'" &&
	err_has "no name: said" "using the name 'debian12-3', after the OS profile (give one as the first argument or with --name)"
expect 0 "no name, no profile: vm2 past vm1" -c "$NAMES" create --disk none --network none --print-xml &&
	out_has "no profile: vm2" "<name>vm2</name>" && err_has "no profile: said" "using the name 'vm2'"
expect 0 "no name on an empty host: the profile's id" create --os debian12 --disk none --network none --print-xml &&
	out_has "no name: debian12" "<name>debian12</name>"
expect 0 "no name: --json tells it" -c "$NAMES" create --os debian12 --disk none --network none --dry-run --json &&
	json_eq "no name: json name" "j['name']" "debian12-3"
expect 0 "no name: its disk named after it" -c "$NAMES" create --os debian12 --disk size=1,pool=guest --network none --dry-run &&
	out_has "no name: the volume" "would create volume 'debian12-3.qcow2' in pool 'guest'"
VPROV_TEST_CAPS=$CAPSX expect 0 "no name, another arch: its suffix" \
	create --os debian12 --arch i686 --disk none --network none --print-xml &&
	out_has "another arch: debian12-i686" "<name>debian12-i686</name>"
expect 0 "no name: a real create" create --os debian12 --disk none --network none --noautoconsole &&
	out_has "no name: created" "created VM 'debian12' (debian12)"
usage_error "a bad name is still refused" "VM name" create 'a/b' --disk none

# pool=default: made when missing, as virt-install makes it; no other pool is
expect 0 "--disk pool=default is made when missing" create p1 --disk size=1,pool=default --network none --dry-run &&
	out_has "pool default: the step" "would create storage pool 'default' at '/var/lib/libvirt/images'" &&
	out_has "pool default: the volume in it" "would create volume 'p1.qcow2' in pool 'default'"
expect 0 "--disk pool=default: --json step" create p1 --disk size=1,pool=default --network none --dry-run --json &&
	json_eq "pool default: json step" "[(s['pool'], s['directory'], s['action']) for s in j['plan']['steps'] if s['kind']=='pool']" "[('default', '/var/lib/libvirt/images', 'create')]"
usage_error "any other unknown pool is an error" "unknown storage pool 'nosuch'" \
	create p1 --disk size=1,pool=nosuch --network none --dry-run
expect 0 "an existing pool default-pool is only used" create p1 --disk size=1,pool=default-pool --network none --dry-run
if grep -q "create storage pool" "$TMP/out"; then fail "default-pool: a pool would be made"; else pass; fi

# --check: virt-install's names; a check turned off makes its refusal a warning
usage_error "path_in_use: another VM's disk is refused" \
	"disk '/guest/used.qcow2' is in use by VM 'debian12' (--check path_in_use=off allows it)" \
	-c "$NAMES" create c1 --disk vol=guest/used.qcow2 --import --network none --dry-run
expect 0 "path_in_use=off: a warning" -c "$NAMES" create c1 --disk vol=guest/used.qcow2 --import --network none \
	--check path_in_use=off --dry-run &&
	err_has "path_in_use=off: warned" "warning: disk '/guest/used.qcow2' is in use by VM 'debian12' as well (check path_in_use is off)"
expect 0 "all=off wins over path_in_use=on, as in virt-install" -c "$NAMES" create c1 --disk vol=guest/used.qcow2 \
	--import --network none --check all=off,path_in_use=on --dry-run
usage_error "all=on turns them on again" "is in use by VM 'debian12'" \
	-c "$NAMES" create c1 --disk vol=guest/used.qcow2 --import --network none --check path_in_use=off --check all=on --dry-run
expect 0 "a read-only cdrom beside another read-only one is no conflict" \
	-c "$NAMES" create c1 --disk vol=guest/shared.iso,device=cdrom --import --network none --dry-run
usage_error "the same ISO as a writable disk is" "disk '/guest/shared.iso' is in use by VM 'debian12'" \
	-c "$NAMES" create c1 --disk vol=guest/shared.iso --import --network none --dry-run
expect 0 "a volume nobody uses" -c "$NAMES" create c1 --disk vol=guest/free.qcow2 --import --network none --dry-run
usage_error "mac_in_use: another VM's MAC is refused (any case)" \
	"MAC address '52:54:00:AA:BB:CC' is in use by VM 'debian12' (--check mac_in_use=off allows it)" \
	-c "$NAMES" create c1 --disk none --network network=default,mac=52:54:00:AA:BB:CC --print-xml
expect 0 "mac_in_use=off: a warning" -c "$NAMES" create c1 --disk none \
	--network network=default,mac=52:54:00:aa:bb:cc --check mac_in_use=off --print-xml &&
	out_has "mac_in_use=off: the MAC" '<mac address="52:54:00:aa:bb:cc"/>' &&
	err_has "mac_in_use=off: warned" "MAC address '52:54:00:aa:bb:cc' is in use by VM 'debian12' as well (check mac_in_use is off)"
usage_error "disk_size: a pool too small is refused" "not enough space in storage pool 'guest'" \
	-c "$NAMES" create c1 --disk size=200,pool=guest,sparse=no --network none --dry-run
expect 0 "disk_size=off: a warning" -c "$NAMES" create c1 --disk size=200,pool=guest,sparse=no --network none \
	--check disk_size=off --dry-run &&
	err_has "disk_size=off: warned" "200 GiB asked for new disks (not sparse), 98.0 GiB available; going on (check disk_size is off)"
usage_error "disk_size=off leaves the memory check on" "not enough memory" \
	-c "$NAMES" create c1 --memory 1000G --disk size=200,pool=guest,sparse=no --network none --check disk_size=off --dry-run
expect 0 "path_exists=off is accepted" create c1 --disk none --network none --check path_exists=off --print-xml
usage_error "--check unknown" "unknown --check 'bogus': use path_in_use, disk_size, mac_in_use, path_exists or all" \
	create c1 --disk none --check bogus=off
usage_error "--check bad value" "invalid --check disk_size='maybe': use on or off" create c1 --disk none --check disk_size=maybe
usage_error "--check without a value" "invalid --check 'all': give NAME=on|off" create c1 --disk none --check all

# --xml: virt-install's edits of the final document, before validation
expect 0 "--xml attribute and path" create x1 --disk size=1 --network none --xml ./@foo=bar \
	--xml './devices/disk[1]/serial=abc' --xml xpath.create=./features/hap --print-xml &&
	out_has "--xml: attribute" '<domain type="test" foo="bar">' &&
	out_has "--xml: serial made" "<serial>abc</serial>" && out_has "--xml: created" "<hap/>"
expect 0 "--xml delete and set, in order" create x1 --disk none --network none --xml ./description=one \
	--xml ./description=two --xml xpath.delete=./on_crash --print-xml &&
	out_has "--xml: the last set" "<description>two</description>"
if grep -q "<on_crash>\|<description>one" "$TMP/out"; then fail "--xml: delete or order"; else pass; fi
expect 0 "--xml on both documents of an install" create x1 -c "$ISO" --disk size=1 --network none \
	--xml ./@foo=bar --print-xml
if [ "$(grep -c '<domain type="test" foo="bar">' "$TMP/out")" -eq 2 ]; then pass; else
	fail "--xml: not on both the install run's document and the VM's"; fi
expect 0 "--xml with a dry run: valid" create x1 --disk none --network none --xml ./devices/disk=x --xml \
	'xpath.delete=./devices/disk' --xml ./title=hello --dry-run
usage_error "--xml: a result the schema refuses" \
	"the domain XML after the --xml edits does not match libvirt's schema" \
	create x1 --disk none --network none --xml ./@type=bogus --dry-run
usage_error "--xml: no value" "invalid --xml './name': setting takes XPATH=VALUE" create x1 --disk none --xml ./name
usage_error "--xml: a bad XPath" "libxml2 cannot evaluate the XPath" create x1 --disk none --xml './devices/disk[=1' --print-xml
usage_error "--xml: two actions" "give one of xpath.set, xpath.create and xpath.delete per --xml" \
	create x1 --disk none --xml xpath.create=./a,xpath.delete=./b
usage_error "--xml: the root stays" "the root element stays" create x1 --disk none --xml xpath.delete=. --print-xml
usage_error "--xml: a real create refused before anything is made" "after the --xml edits" \
	create x1 --disk size=1 --network none --xml ./@type=bogus --noautoconsole

# ---- -q/--quiet and -d/--debug (virt-install's) --------------------------------
expect 0 "--quiet: a real create" create q1 --osinfo debian12 --disk size=1 --network none --quiet --noautoconsole
if [ -s "$TMP/out" ] || [ -s "$TMP/err" ]; then fail "--quiet printed something"; else pass; fi
expect 0 "without --quiet the same create says what it made" create q1 --osinfo debian12 --disk size=1 \
	--network none --noautoconsole &&
	out_has "create: the summary" "created VM 'q1'" && err_has "create: the empty-disk warning" "nothing to boot"
expect 0 "--debug: a real create" create q1 --osinfo debian12 --disk size=1 --network none -d --noautoconsole &&
	err_has "--debug: the define step, timed" "vprov create: debug: +" &&
	err_has "--debug: the steps counted" "] define VM 'q1'" &&
	err_has "--debug: the VM's document" "debug: the VM's document:" &&
	out_has "--debug: the summary still on stdout" "created VM 'q1'"
if grep -q 'debug:' "$TMP/out"; then fail "--debug wrote to stdout"; else pass; fi
usage_error "--quiet with --debug" "--quiet and --debug cannot go together" create q1 -q -d --disk none

echo "cli: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
