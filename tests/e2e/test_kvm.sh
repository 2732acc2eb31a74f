#!/bin/bash
# tests/e2e/test_kvm.sh — the KVM verdict, with nothing pinned:
#   - 'vprov host check' boots the probe as a KVM guest (and, when that
#     fails, under TCG as the control) and says whether KVM runs guests,
#     why, and what the probe printed; on a host with kvm_pvm, or where
#     QEMU aborts a KVM guest, the answer is no;
#   - the verdict is kept: the next check answers at once, --refresh asks
#     again, --json carries it all;
#   - the probe leaves nothing: no domain, no payload file, no journal;
#   - the slow path: with a plain CPU model (--probe-cpu qemu64) KVM here
#     starts the guest but runs it ~1000x too slowly: the probe's speed
#     check fails and the verdict is no, with that evidence;
#   - a remote host: the payload goes up through a volume stream and the
#     volume goes again;
#   - 'vprov create' of a VM booting the Debian kernel, no VPROV_VIRT_TYPE,
#     reaches "(initramfs)" on its console.
. "$(dirname "$0")/lib.sh"

unset VPROV_VIRT_TYPE
export XDG_CACHE_HOME=$E2E_TMP/cache
P=$E2E_PREFIX

probe_leftovers() {
	virsh -q list --all --name | grep -c '^vprov-kvm-probe-' || true
}
boot_files() {
	ls /var/lib/libvirt/boot 2>/dev/null | grep -c '^vprov-kvm-probe-' || true
}
before_files=$(boot_files)

e2e_run host check
e2e_check "host check runs (exit $RC: $ERR)" [ "$RC" -eq 0 ]
VERDICT=$(sed -n 's/^kvm runs guests: *\([a-z]*\).*/\1/p' <<<"$OUT")
e2e_check "it gives a verdict, yes or no ($VERDICT)" [ "$VERDICT" = yes -o "$VERDICT" = no ]
e2e_check "it probed now" grep -q "probed now" <<<"$OUT"
e2e_check "it says why" grep -qE '^evidence: +..' <<<"$OUT"
if [ -d /sys/module/kvm_pvm ] || grep -q "failed to set MSR" <<<"$OUT"; then
	e2e_check "this host's KVM (kvm_pvm, or QEMU aborting) cannot run guests: the verdict is no" \
		[ "$VERDICT" = no ]
fi
if [ "$VERDICT" = no ]; then
	e2e_check "new VMs use TCG" grep -q "^new VMs use: *qemu" <<<"$OUT"
	e2e_check "the evidence says the same probe completed under TCG" \
		grep -q "under TCG the same probe completed\|the same probe ran under TCG" <<<"$OUT"
else
	e2e_check "new VMs use KVM" grep -q "^new VMs use: *kvm" <<<"$OUT"
	e2e_check "the probe printed every stage" grep -q "VPROBE ok" <<<"$OUT"
fi
e2e_check "the probe left no domain" [ "$(probe_leftovers)" = 0 ]
e2e_check "the probe left no payload in /var/lib/libvirt/boot" [ "$(boot_files)" = "$before_files" ]
e2e_check "the probe left no journal" \
	bash -c "! ls '$XDG_STATE_HOME'/vprov/journal/*/*.journal >/dev/null 2>&1"

# kept: the next answer is immediate and comes from the cache
start=$(date +%s%N)
e2e_run host check --json
ms=$((($(date +%s%N) - start) / 1000000))
j() { python3 -c "import json,sys; j=json.load(sys.stdin); print($1)" <<<"$OUT"; }
e2e_check "a second check answers from the cache ($ms ms)" [ "$(j "j['kvm']['cached']")" = True ]
e2e_check "--json: the verdict" [ "$(j "j['kvm']['verdict']")" = "$([ "$VERDICT" = yes ] && echo works || echo broken)" ]
e2e_check "--json: evidence, probe time, where it is kept" \
	[ -n "$(j "j['kvm']['evidence']")" -a "$(j "j['kvm']['probe_ms'] > 0")" = True -a -f "$(j "j['kvm']['cache_file']")" ]
e2e_check "--json: what the host offers" [ "$(j "'kvm' in j['domain_types'] and j['local']")" = True ]
e2e_run host check --refresh
e2e_check "--refresh probes again" grep -q "probed now" <<<"$OUT"

# the slow path: KVM starts a guest with a plain CPU model here but the
# probe's speed check fails (or, on a host where it is fine, it passes)
e2e_run host check --probe-cpu qemu64
e2e_check "a probe with a plain CPU model runs (exit $RC: $ERR)" [ "$RC" -eq 0 ]
if [ -d /sys/module/kvm_pvm ]; then
	# seen on these machines: the guest passes real, protected and long
	# mode, then fails the speed check (KVM emulates every instruction);
	# a PVM host that stalls earlier is a "no" all the same
	e2e_check "with kvm_pvm and a plain CPU the verdict is no" grep -q "^kvm runs guests: *no" <<<"$OUT"
	e2e_check "... from what the guest did (it started)" grep -q "the probe's KVM guest" <<<"$OUT"
	if grep -q "VPROBE FAIL slow" <<<"$OUT"; then
		e2e_check "... the speed check failed after long mode" \
			grep -q "passed real, protected, long, msr, then failed: slow" <<<"$OUT"
	fi
fi
e2e_check "that probe left no domain either" [ "$(probe_leftovers)" = 0 ]

# a remote host: the payload travels through a volume stream
"$(dirname "$0")/../../scripts/libvirtd-second-host.sh" start
B=qemu+tcp://127.0.0.2/system
pool_made=no
if ! virsh -q -c "$B" pool-info default >/dev/null 2>&1; then
	virsh -q -c "$B" pool-define-as default dir --target /var/lib/libvirt/images >/dev/null &&
		virsh -q -c "$B" pool-build default >/dev/null 2>&1
	virsh -q -c "$B" pool-start default >/dev/null && pool_made=yes
fi
vols_before=$(virsh -q -c "$B" vol-list default | grep -c vprov-kvm-probe || true)
e2e_run -c "$B" host check --refresh
e2e_check "host check on a remote host probes it (exit $RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "the remote verdict matches the local one" grep -q "^kvm runs guests: *$VERDICT" <<<"$OUT"
e2e_check "the uploaded payload volume is gone again" \
	[ "$(virsh -q -c "$B" vol-list default | grep -c vprov-kvm-probe || true)" = "$vols_before" ]
e2e_check "no probe domain is left there" \
	[ "$(virsh -q -c "$B" list --all --name | grep -c '^vprov-kvm-probe-' || true)" = 0 ]
if [ "$pool_made" = yes ]; then
	virsh -q -c "$B" pool-destroy default >/dev/null 2>&1
	virsh -q -c "$B" pool-undefine default >/dev/null 2>&1
fi

# a create with nothing pinned boots: the verdict chose what runs here
NAME=${P}boots
e2e_run create "$NAME" --memory 512 --vcpus 1 --disk none --network none --graphics none --noautoconsole \
	--boot "kernel=$E2E_KERNEL,initrd=$E2E_INITRD,kernel_args=\"$E2E_KARGS\""
e2e_check "create without VPROV_VIRT_TYPE (exit $RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "it uses what the verdict says" \
	grep -q "<domain type=.$([ "$VERDICT" = yes ] && echo kvm || echo qemu)" <<<"$("$VPROV" xml "$NAME")"
e2e_check "the guest reaches its initramfs shell" \
	e2e_wait_log "/var/log/libvirt/qemu/$NAME-console.log" '\(initramfs\)' 180

e2e_finish
