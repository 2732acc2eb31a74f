#!/bin/bash
# tests/e2e/test_net.sh — vprov net on a real libvirtd in a network
# namespace of its own (scripts/libvirtd-netns-host.sh): nat and isolated
# networks with DHCP (dnsmasq runs, the bridge has the host address),
# routed and open ones, bridge mode on a bridge made in the namespace,
# list/info/JSON, an overlapping subnet refused with nothing defined, a
# failure after the definition leaving nothing, a direct-kernel-boot guest
# with --network network=X,ip=A that gets that very address from DHCP (its
# lease in `vprov net lease`), stop/delete of the network refused while the
# VM exists, delete of the VM removing the reservation; and the machine's
# own network namespace gains no address or link.
. "$(dirname "$0")/lib.sh"
e2e_netns_host

P=$E2E_PREFIX
NAT=${P}nat ISO=${P}iso RT=${P}rt OPEN=${P}open BR=${P}br
# bridge names are interface names: at most 15 bytes
B=vb$$
# the bridge this test makes in the namespace goes too
trap 'e2e_netns_exec ip link del "${B}x" >/dev/null 2>&1; e2e_netns_host_cleanup' EXIT
VM=${P}g1

root_before=$(ip -br addr; ip -br link)

n() { e2e_run -c "$E2E_N" "$@"; }

# has_addr DEV CIDR: the bridge inside the namespace has that address
has_addr() { e2e_netns_exec ip -br addr show dev "$1" 2>/dev/null | grep -qF "$2"; }
# dnsmasq runs inside the namespace for network NAME
dnsmasq_for() { e2e_netns_exec pgrep -af dnsmasq 2>/dev/null | grep -qF "/dnsmasq/$1.conf"; }
# libvirt's dnsmasq serves DNS on every network with an address; DHCP only with a range
no_dhcp_for() { ! e2e_netns_exec grep -q dhcp-range "/var/lib/libvirt/dnsmasq/$1.conf"; }
dhcp_for() { e2e_netns_exec grep -q dhcp-range "/var/lib/libvirt/dnsmasq/$1.conf"; }
defined() { virsh -q -c "$E2E_N" net-info "$1" >/dev/null 2>&1; }
undefined() { ! defined "$1"; }
no_vm() { ! virsh -q -c "$E2E_N" dominfo "$1" >/dev/null 2>&1; }
no_link() { ! e2e_netns_exec ip link show "$1" >/dev/null 2>&1; }
no_addr() { ! e2e_netns_exec ip -br addr show dev "$1" | grep -q '\.'; }
# one_line_exit RC ERR WANT-RC NEEDLE
one_line_exit() { [ "$1" -eq "$3" ] && [ "$(wc -l <<<"$2")" -eq 1 ] && grep -qF -- "$4" <<<"$2"; }

# ---- nat and isolated, with DHCP --------------------------------------
n net create "$NAT" --subnet 192.168.180.0/24 --bridge "${B}a"
e2e_check "nat network created (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "nat: the summary says the DHCP range" grep -qF "dhcp:   192.168.180.128 - 192.168.180.254" <<<"$OUT"
e2e_check "nat: the bridge has the host address 192.168.180.1/24" has_addr "${B}a" 192.168.180.1/24
e2e_check "nat: dnsmasq serves it" dnsmasq_for "$NAT"
e2e_check "nat: with a DHCP range" dhcp_for "$NAT"
n net create "$ISO" --mode isolated --subnet 192.168.181.0/24 --bridge "${B}b" --domain lab.test
e2e_check "isolated network created (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "isolated: the bridge has 192.168.181.1/24" has_addr "${B}b" 192.168.181.1/24
e2e_check "isolated: dnsmasq serves it" dnsmasq_for "$ISO"

# ---- routed and open ---------------------------------------------------
n net create "$RT" --mode routed --subnet 192.168.182.0/24 --bridge "${B}c" --dhcp 192.168.182.50-192.168.182.60
e2e_check "routed network created (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "routed: the bridge has 192.168.182.1/24" has_addr "${B}c" 192.168.182.1/24
n net create "$OPEN" --mode open --subnet 192.168.183.0/24 --bridge "${B}d" --dhcp none --autostart
e2e_check "open network created (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "open: the bridge has 192.168.183.1/24" has_addr "${B}d" 192.168.183.1/24
e2e_check "open with --dhcp none: no DHCP range in its dnsmasq" no_dhcp_for "$OPEN"

# ---- bridge mode, on a bridge of the namespace's own (no address) ------
e2e_netns_exec ip link add "${B}x" type bridge && e2e_netns_exec ip link set "${B}x" up
n net create "$BR" --mode bridge --bridge "${B}x"
e2e_check "bridge-mode network created on '${B}x' (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "bridge mode: the bridge got no address" no_addr "${B}x"

# ---- list, info, JSON ------------------------------------------------------
n net list --json
e2e_check "net list --json: the five networks, their modes and subnets" python3 -c '
import json, sys
j = {n["name"]: n for n in json.loads(sys.argv[1])}
p = sys.argv[2]
want = {"nat": ("nat", "192.168.180.0/24"), "iso": ("isolated", "192.168.181.0/24"),
        "rt": ("routed", "192.168.182.0/24"), "open": ("open", "192.168.183.0/24"), "br": ("bridge", None)}
for k, (mode, sub) in want.items():
    n = j[p + k]
    assert (n["mode"], n["subnet"], n["active"]) == (mode, sub, True), n
assert j[p + "open"]["autostart"] and j[p + "open"]["dhcp_start"] is None
assert (j[p + "rt"]["dhcp_start"], j[p + "rt"]["dhcp_end"]) == ("192.168.182.50", "192.168.182.60")
assert j[p + "br"]["bridge"] == sys.argv[3] and j[p + "iso"]["domain"] == "lab.test"
' "$OUT" "$P" "${B}x"
n net info "$NAT"
info_ok() {
	grep -qx "mode:         nat" <<<"$OUT" && grep -qx "bridge:       ${B}a" <<<"$OUT" &&
		grep -qx "subnet:       192.168.180.0/24" <<<"$OUT" && grep -qx "host address: 192.168.180.1" <<<"$OUT" &&
		grep -qx "dhcp:         192.168.180.128-192.168.180.254" <<<"$OUT" && grep -qx "state:        active" <<<"$OUT"
}
e2e_check "net info: mode, bridge, subnet, DHCP" info_ok

# ---- refused: an overlap; a failure after the definition leaves nothing --
n net create "${P}over" --subnet 192.168.180.128/25
e2e_check "an overlapping subnet: exit 2, one line naming '$NAT' (rc=$RC: $ERR)" \
	one_line_exit "$RC" "$ERR" 2 "overlaps network '$NAT' (192.168.180.0/24)"
e2e_check "nothing defined for the overlap" undefined "${P}over"
# a route of the host this vprov runs on (the connection is local)
route=$(ip -4 route show scope link | awk '$1 ~ /\// {print $1; exit}')
if [ -n "$route" ]; then
	n net create "${P}over" --subnet "$route"
	e2e_check "a subnet on a host route ($route): exit 2 naming the route (rc=$RC: $ERR)" \
		one_line_exit "$RC" "$ERR" 2 "overlaps the host's route to $route"
else
	e2e_ok "no link route in this namespace to overlap (checked in the unit tests)"
fi
VPROV_FAIL_AT=network-start n net create "${P}fail" --subnet 192.168.184.0/24
e2e_check "a failing start: exit 1 (rc=$RC: $ERR)" [ "$RC" -eq 1 ]
e2e_check "a failing start: the definition is gone" undefined "${P}fail"

# ---- a guest with a reserved address -----------------------------------
KARGS="console=ttyS0 boot=nfs ip=dhcp nfsroot=192.168.180.1:/none"
# 512 MiB: with 256 the Debian initrd (34 MB) does not unpack whole and
# the initramfs finds no modprobe, so no NIC and no DHCP
n create "$VM" --memory 512 --vcpus 1 --disk none --graphics none --noautoconsole \
	--network network="$NAT",ip=192.168.180.10 \
	--boot "kernel=$E2E_KERNEL,initrd=$E2E_INITRD,kernel_args=\"$KARGS\""
e2e_check "VM created with network=$NAT,ip=192.168.180.10 (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
n info "$VM"
e2e_check "info shows the reservation" grep -qF "reserved 192.168.180.10" <<<"$OUT"
mac=$(virsh -q -c "$E2E_N" domiflist "$VM" | awk '{print $5}')
n net info "$NAT" --json
e2e_check "the network holds the host entry ($mac)" python3 -c '
import json, sys
j = json.loads(sys.argv[1])
assert [(h["mac"], h["ip"], h["name"]) for h in j["reservations"]] == [(sys.argv[2], "192.168.180.10", sys.argv[3])], j
assert j["vms"] == [sys.argv[3]], j' "$OUT" "$mac" "$VM"
n create "${P}g2" --memory 256 --disk none --graphics none --noautoconsole \
	--network network="$NAT",ip=192.168.180.10 --boot "kernel=$E2E_KERNEL"
e2e_check "a second VM cannot take the address: exit 2 (rc=$RC: $ERR)" \
	one_line_exit "$RC" "$ERR" 2 "cannot reserve 192.168.180.10 on network '$NAT': it is reserved for $mac"
e2e_check "... and nothing of it was made" no_vm "${P}g2"
got=""
for _ in $(seq 1 120); do
	n net lease "$NAT" --json
	got=$(python3 -c '
import json, sys
for l in json.loads(sys.argv[1]):
    if l["vm"] == sys.argv[2]:
        print(l["ip"], l["mac"])' "$OUT" "$VM" 2>/dev/null)
	[ -n "$got" ] && break
	sleep 3
done
e2e_check "the guest's lease is the reserved address ($got)" [ "$got" = "192.168.180.10 $mac" ]
n net lease "$NAT"
e2e_check "net lease names the VM" grep -qF "$VM" <<<"$OUT"

n net delete "$NAT"
e2e_check "delete of the network in use: exit 1, one line naming '$VM' (rc=$RC: $ERR)" \
	one_line_exit "$RC" "$ERR" 1 "cannot delete network '$NAT': VM '$VM' uses it"
n net stop "$NAT"
e2e_check "stop of the network in use: exit 1 (rc=$RC)" [ "$RC" -eq 1 ]
still_active() { virsh -q -c "$E2E_N" net-info "$NAT" | grep -q 'Active: *yes'; }
e2e_check "the network is still active" still_active

n delete "$VM"
e2e_check "VM deleted (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "delete says the reservation went" grep -qF "the reservation of 192.168.180.10 on network '$NAT'" <<<"$OUT"
n net info "$NAT" --json
e2e_check "the network has no reservation left" python3 -c '
import json, sys
j = json.loads(sys.argv[1]); assert j["reservations"] == [] and j["vms"] == [], j' "$OUT"
no_hostsfile_entry() { ! e2e_netns_exec cat "/var/lib/libvirt/dnsmasq/$NAT.hostsfile" 2>/dev/null | grep -q 192.168.180.10; }
e2e_check "the running dnsmasq's host file has no entry left" no_hostsfile_entry

# ---- delete --------------------------------------------------------------
for net in "$NAT" "$ISO" "$RT" "$OPEN" "$BR"; do
	n net delete "$net"
	e2e_check "net delete $net (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
	e2e_check "$net is gone" undefined "$net"
done
e2e_check "its bridge went with the nat network" no_link "${B}a"
e2e_netns_exec ip link del "${B}x"

root_after=$(ip -br addr; ip -br link)
e2e_check "the machine's own namespace gained no address or link" [ "$root_before" = "$root_after" ]
e2e_finish
