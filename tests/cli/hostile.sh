#!/bin/bash
# tests/cli/hostile.sh — hostile values for every option of 'vprov create'
#
#   tests/cli/hostile.sh path/to/vprov
#
# Each case runs 'vprov create probe1 --network none ...' against
# test:///default with --dry-run (which also checks the domain XML against
# libvirt's RelaxNG schemas) and, when that succeeds, with --print-xml (which
# does not).  For each run:
#   - the exit status is 0 or 2: a value the user typed is never a runtime
#     failure (exit 1, e.g. "bug in vprov" when libvirt's schema refused
#     the XML) and never a crash (a signal);
#   - on failure stderr is exactly one line, with no raw control character
#     and nothing but valid UTF-8;
#   - on success --print-xml writes well-formed XML (xmllint), and --dry-run
#     writes no raw control character.
# Some cases must be refused at parse time (exit 2 with a given message):
# repeated sub-option keys and values libvirt's schema or the host rejects.
# Prints one "ok" line per group, a "FAIL" line per failed case, and exits
# non-zero when any case failed.
set -u

VPROV=${1:?usage: hostile.sh path/to/vprov}
case $VPROV in /*) ;; *) VPROV=$PWD/$VPROV ;; esac
export LIBVIRT_DEFAULT_URI=test:///default
export LC_ALL=C.UTF-8
unset VPROV_VIRT_TYPE
exec </dev/null

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
kernel=$tmp/vmlinuz
: >"$kernel"
jobs_max=$(($(nproc 2>/dev/null || echo 2) * 2))
[ "$jobs_max" -gt 8 ] && jobs_max=8
running=0
group_cases=0
total_cases=0

# Standard input checked as one error line: prints why not, if not.  (One
# perl for all checks, as hundreds of cases cannot afford six tools each;
# the UTF-8 pattern is the strict one: no overlong forms, no surrogates.)
# shellcheck disable=SC2016
check_line='
	local $/; my $t = <STDIN>;
	if ($t !~ /\A[^\n]*\n\z/) { print "is not exactly one line"; exit 1 }
	if ($t =~ /[\x00-\x09\x0b-\x1f\x7f]/) { print "holds a raw control character"; exit 1 }
	if ($t !~ /\A(?:[\x00-\x7f]|[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]
		      |[\xe1-\xec\xee\xef][\x80-\xbf]{2}|\xed[\x80-\x9f][\x80-\xbf]
		      |\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}
		      |\xf4[\x80-\x8f][\x80-\xbf]{2})*\z/x) { print "is not valid UTF-8"; exit 1 }'
# shellcheck disable=SC2016
check_out='
	local $/; my $t = <STDIN>;
	if ($t =~ /[\x00-\x08\x0b-\x1f\x7f]/) { print "holds a raw control character"; exit 1 }'

# A one-line, printable rendering of an argument list for the report.
show() {
	local a out=""

	for a in "$@"; do
		out+=" $(printf '%q' "$a")"
	done
	out=${out# }
	[ ${#out} -gt 300 ] && out="${out:0:300}..."
	printf '%s' "$out"
}

# An excerpt of a file, escaped to one line.
excerpt() {
	head -c 300 "$1" | od -An -c | tr -s ' \n' ' ' | head -c 400
}

# run ID MODE ARGS...: one run of vprov create --MODE; prints FAIL lines.
# Sets rc; returns 1 when a check failed.
run() {
	local id=$1 mode=$2 why
	shift 2
	timeout 30 "$VPROV" create "--$mode" "$@" >"$tmp/$id.out" 2>"$tmp/$id.err"
	rc=$?
	case $rc in
	0)
		if [ "$mode" = print-xml ]; then
			if ! xmllint --noout - <"$tmp/$id.out" 2>"$tmp/$id.xml"; then
				printf 'FAIL --%s %s: exit 0 but the XML is not well-formed: %s\n' \
					"$mode" "$(show "$@")" "$(excerpt "$tmp/$id.xml")"
				return 1
			fi
		elif ! why=$(perl -e "$check_out" <"$tmp/$id.out"); then
			printf 'FAIL --%s %s: exit 0 but stdout %s: %s\n' "$mode" "$(show "$@")" "$why" \
				"$(excerpt "$tmp/$id.out")"
			return 1
		fi
		;;
	2)
		if ! why=$(perl -e "$check_line" <"$tmp/$id.err"); then
			printf 'FAIL --%s %s: stderr %s: %s\n' "$mode" "$(show "$@")" "$why" \
				"$(excerpt "$tmp/$id.err")"
			return 1
		fi
		;;
	*)
		printf 'FAIL --%s %s: exit %d (want 0 or 2): %s\n' "$mode" "$(show "$@")" "$rc" \
			"$(excerpt "$tmp/$id.err")"
		return 1
		;;
	esac
	return 0
}

# One case: --dry-run, and when that succeeds --print-xml too.  (A run
# --dry-run refuses with exit 2 stops where --print-xml would stop or
# earlier: the modes differ only in what they do once all is checked.)
one_case() {
	local id=$1
	shift
	if ! run "$id" dry-run "$@" || { [ "$rc" -eq 0 ] && ! run "$id" print-xml "$@"; }; then
		: >"$tmp/$id.fail"
	fi
	rm -f "$tmp/$id".{out,err,xml}
}

# probe ARGS...: a case, run in the background (a few at a time).
probe() {
	total_cases=$((total_cases + 1))
	group_cases=$((group_cases + 1))
	one_case "c$total_cases" "$@" &
	running=$((running + 1))
	if [ "$running" -ge "$jobs_max" ]; then
		wait -n
		running=$((running - 1))
	fi
}

# group NAME: end the cases so far as group NAME and report it.
group() {
	local n_fail

	wait
	running=0
	n_fail=$(find "$tmp" -name '*.fail' | wc -l)
	if [ "$n_fail" -eq 0 ]; then
		printf 'ok %s (%d cases)\n' "$1" "$group_cases"
	else
		printf 'FAIL %s: %d of %d cases failed\n' "$1" "$n_fail" "$group_cases"
		failed=$((failed + n_fail))
		find "$tmp" -name '*.fail' -delete
	fi
	group_cases=0
}
failed=0

# refuse NEEDLE ARGS...: both modes must exit 2 with NEEDLE in the message.
refuse() {
	local needle=$1 mode id
	shift
	total_cases=$((total_cases + 1))
	group_cases=$((group_cases + 1))
	id=r$total_cases
	for mode in print-xml dry-run; do
		if ! run "$id" "$mode" "$@"; then
			: >"$tmp/$id.fail"
			return
		fi
		if [ "$rc" -ne 2 ]; then
			printf 'FAIL --%s %s: exit %d, want 2 (refused at parse time)\n' "$mode" \
				"$(show "$@")" "$rc"
			: >"$tmp/$id.fail"
			return
		fi
		if ! grep -qF -- "$needle" "$tmp/$id.err"; then
			printf "FAIL --%s %s: message '%s' lacks '%s'\n" "$mode" "$(show "$@")" \
				"$(cat "$tmp/$id.err")" "$needle"
			: >"$tmp/$id.fail"
			return
		fi
	done
}

long=$(printf 'x%.0s' $(seq 1 300))
longer=$(printf 'y%.0s' $(seq 1 5000))

# Values for any text option.
hostile=(
	''
	' '
	'a b'
	"a'/><x"
	'&amp;<>]]>'
	'%s%n%x'
	$'a\nb'
	$'a\tb'
	$'a\x01b'
	$'\x1b[31mred'
	$'a\x7fb'
	$'\xff'
	$'\xc0\xaf'
	$'\xed\xa0\x80'
	$'\xef\xbf\xbe'
	'--help'
	'.'
	'..'
	'/'
	'a/b'
	'café😀'
	$'\xe2\x80\xae'
	"$long"
	"$longer"
	'a,b'
	'-1'
)
# Fewer of them, for options much like one tried with all of them.
few=('' 'a b' "a'/><x" $'a\nb' $'a\x01b' $'\xff' $'\xef\xbf\xbe' '--help' '..' 'a/b' 'café😀'
	"$longer" 'a,b' '-1')
# Values for options that take a path.
paths=(
	"/tmp/a'/><x"
	'/tmp/a b'
	$'/tmp/a\nb'
	$'/tmp/a\x01b'
	$'/tmp/\xff'
	'/tmp/日本語'
	"/tmp/$long"
	"/tmp/a/$longer"
	'//'
	'/tmp/'
	'/tmp/.'
	'/tmp/..'
	'/dev/null'
)
# Values for options that take a number (sizes, counts, ports).
numbers=(
	'' '0' '-1' '+1' ' 1' '1.5' '0.0000001' '1e3' '0x10' 'nan' '99999999999999999999999'
	'18446744073709551616' '4294967297' '1GiB' '1TB' '1Q' 'G' '1,2' $'1\n' $'\xff'
)
# Values for options that take one of a few words.
words=('' 'QCOW2' $'raw\n' "a'/><x" $'\xff' 'on,off')

base=(probe1 --network none)

# ---- top-level options ----------------------------------------------------
for v in "${few[@]}" '' '.' "${paths[@]:0:6}"; do
	probe --name "$v" --network none
done
probe --network none -- -a
probe --network none -- '..'
group --name
for v in "${numbers[@]}" '2048' '2G' '16T' '17T' '15M'; do
	probe "${base[@]}" --memory "$v"
done
probe "${base[@]}" --ram "memory=1G"
probe "${base[@]}" --ram $'memory=\x01'
group --memory
for v in "${numbers[@]}" '1024' '1025'; do
	probe "${base[@]}" --vcpus "$v"
done
group --vcpus
for opt in --virt-type --arch --machine --os; do
	for v in "${words[@]}" "${few[@]:0:7}"; do
		probe "${base[@]}" "$opt" "$v"
	done
done
group '--virt-type, --arch, --machine, --os'

# ---- --disk -----------------------------------------------------------------
for v in "${hostile[@]}" "${paths[@]}"; do
	probe "${base[@]}" --disk "path=$v,size=1"
done
for v in "${hostile[@]}"; do
	probe "${base[@]}" --disk "vol=default-pool/$v"
done
for v in "${few[@]}" "${paths[@]}"; do
	probe "${base[@]}" --disk "size=1,backing_store=$v"
done
for v in "${few[@]}"; do
	probe "${base[@]}" --disk "$v,size=1"
	probe "${base[@]}" --disk "pool=$v,size=1"
	probe "${base[@]}" --disk "vol=$v/x"
done
for v in "${numbers[@]}"; do
	probe "${base[@]}" --disk "size=$v"
done
for k in format bus cache device readonly sparse; do
	for v in "${words[@]}"; do
		probe "${base[@]}" --disk "size=1,$k=$v"
	done
done
for v in "${words[@]}"; do
	probe "${base[@]}" --disk "size=1,backing_store=$kernel,backing_format=$v"
done
for v in "size=1,'" 'size=1,"' ',' ',,' '=' '=1' 'size' 'none,size=1' "path='/tmp/a,b',size=1" \
	'size=1,,size=2' "path=/tmp/a'b'c,size=1" 'vol=default-pool/x,pool=default-pool'; do
	probe "${base[@]}" --disk "$v"
done
probe "${base[@]}" --disk none --disk size=1
probe "${base[@]}" --disk size=1 --disk none
group --disk

# ---- --network ---------------------------------------------------------------
for v in "${hostile[@]}"; do
	probe probe1 --network "network=$v"
	probe probe1 --network "bridge=$v"
done
for v in "${few[@]}"; do
	probe probe1 --network "bridge:$v"
	probe probe1 --network "user,mac=$v"
	probe probe1 --network "$v"
done
for v in 'br0' 'br-lan.10' 'abcdefghijklmno' 'abcdefghijklmnop' 'a:b' 'a\b' \
	'00:00:00:00:00:00' 'ff:ff:ff:ff:ff:ff' '52:54:00:AA:BB:CC' '52:54:00:aa:bb:c' \
	'52-54-00-aa-bb-cc' ' 52:54:00:aa:bb:cc'; do
	probe probe1 --network "bridge=$v"
	probe probe1 --network "user,mac=$v"
done
for v in "${words[@]}"; do
	probe probe1 --network "user,model=$v"
	probe probe1 --network "type=$v"
done
probe probe1 --network none --network user
probe probe1 --network user --network none
probe probe1 --network network=default,type=user
group --network

# ---- --graphics ----------------------------------------------------------------
for v in "${hostile[@]}" '127.0.0.1' '0.0.0.0' '::' '::1' '::ffff:1.2.3.4' '1::2:1.2.3.4' \
	'::FFFF:0:0' 'fe80::1%eth0' '256.1.1.1' '1.2.3' '01.2.3.4' 'localhost' '[::1]' \
	'1.2.3.4:5900' ':::' 'abcd::12345'; do
	probe "${base[@]}" --graphics "vnc,listen=$v"
done
probe "${base[@]}" --graphics "spice,listen=1::2:1.2.3.4"
for v in "${numbers[@]}" '65535' '65536'; do
	probe "${base[@]}" --graphics "vnc,port=$v"
done
for v in "${words[@]}" "${few[@]:0:7}" 'spice' 'type=vnc' 'VNC' 'vnc,none'; do
	probe "${base[@]}" --graphics "$v"
done
group --graphics

# ---- --boot ------------------------------------------------------------------------
for v in "${few[@]}" "${paths[@]}"; do
	probe "${base[@]}" --boot "kernel=$v"
done
for v in "${hostile[@]}"; do
	probe "${base[@]}" --boot "kernel=$kernel,kernel_args=$v"
done
for v in "${few[@]}"; do
	probe "${base[@]}" --boot "kernel=$kernel,initrd=$v"
	probe "${base[@]}" --boot "$v"
done
for v in "${words[@]}"; do
	probe "${base[@]}" --boot "uefi=$v"
	probe "${base[@]}" --boot "firmware=$v"
done
for v in 'hd,cdrom,network,fd' 'hd,cdrom,network,fd,hd' 'hd,disk' 'pxe,network' 'uefi,efi' \
	'uefi,firmware=bios' "kernel=$kernel,kernel_args=" "kernel=$kernel,cmdline=a,kernel_args=b"; do
	probe "${base[@]}" --boot "$v"
done
group --boot

# ---- what must be refused at parse time -------------------------------------------
refuse "'size' is given twice" "${base[@]}" --disk size=1,size=2
refuse "'path' is given twice" "${base[@]}" --disk /tmp/a.qcow2,path=/tmp/b.qcow2,size=1
refuse "'pool' is given twice" "${base[@]}" --disk size=1,pool=a,pool=b
refuse "not both" "${base[@]}" --disk vol=default-pool/x,pool=other
refuse "'network' is given twice" probe1 --network network=a,network=b
refuse "'mac' is given twice" probe1 --network user,mac=52:54:00:00:00:01,mac=52:54:00:00:00:02
refuse "'kernel' is given twice" "${base[@]}" --boot kernel=/a,kernel=/b
refuse "given twice" "${base[@]}" --boot "kernel=$kernel,kernel_args=a,cmdline=b"
refuse "'port' is given twice" "${base[@]}" --graphics vnc,port=5901,port=5902
refuse "'listen' is given twice" "${base[@]}" --graphics vnc,listen=::1,listen=::1
refuse "given twice" "${base[@]}" --graphics vnc,type=spice
refuse "twice" "${base[@]}" --boot hd,hd
refuse "twice" "${base[@]}" --boot hd,disk
refuse "given twice" "${base[@]}" --boot uefi,firmware=bios
for v in 'a b' 'x/y' '.' '..' 'abcdefghijklmnop' 'a:b' $'a\tb'; do
	refuse "--network bridge" probe1 --network "bridge=$v"
done
refuse "needs a value" probe1 --network "bridge="
refuse "--network network" probe1 --network "network=a/b"
refuse "--network" probe1 --network "network="
for v in 'localhost' '1.2.3' 'a b' 'fe80::1%lo' '1.2.3.4:5900'; do
	refuse "--graphics listen" "${base[@]}" --graphics "vnc,listen=$v"
done
refuse "--boot kernel_args contains a control character (\\x01)" \
	"${base[@]}" --boot $'kernel=/dev/null,kernel_args=a\x01b'
refuse "--disk path contains a byte that is not UTF-8 (\\xff)" \
	"${base[@]}" --disk $'path=/tmp/\xff,size=1'
refuse "--boot kernel" "${base[@]}" --boot "kernel=vmlinuz"
refuse "--disk path" "${base[@]}" --disk "path=/tmp/,size=1"
refuse "--disk vol" "${base[@]}" --disk "vol=default-pool/.."
refuse "--disk path" "${base[@]}" --disk "path=/tmp/$longer,size=1"
group 'refused at parse time'

if [ "$failed" -ne 0 ]; then
	printf 'FAIL %d of %d cases\n' "$failed" "$total_cases"
	exit 1
fi
printf 'ok all %d cases\n' "$total_cases"
