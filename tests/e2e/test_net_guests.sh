#!/bin/bash
# tests/e2e/test_net_guests.sh — two Debian cloud guests (scripts/test-image.sh)
# on the libvirt host in a network namespace of its own, on a NAT network
# LAB and an isolated network ISO:
#   g1: one NIC, on ISO; --cloud-init hostname= only, so vprov gives root
#       its own SSH key (this test's $HOME has no ~/.ssh/id_*.pub);
#   g2: LAB first (DHCP by cloud-init's fallback config; a reserved address
#       once `vprov net` exists), ISO second (DHCP asked over ssh), with a
#       root-ssh-key= of the test's own.
# vprov ip shows each lease from the lease source, vprov ssh runs commands
# there as the recorded user with the recorded key (host keys in a
# known_hosts file of the VM's own, which a changed key stops and delete
# removes), g1 reaches g2 on ISO and nothing outside ISO: not g2's LAB
# address, not LAB's gateway, which g2 reaches.  Everything that touches a
# guest address runs inside the namespace.
. "$(dirname "$0")/lib.sh"

e2e_netns_host

export XDG_CACHE_HOME=$E2E_TMP/cache
# no key of the user's own: vprov makes and uses its own (under $HOME/.local/share)
export HOME=$E2E_TMP/home
mkdir -p "$HOME"
unset XDG_DATA_HOME
IMG=$("$E2E_ROOT/scripts/test-image.sh") || { e2e_fail "scripts/test-image.sh built no image"; e2e_finish; }

G1=${E2E_PREFIX}g1
G2=${E2E_PREFIX}g2
LAB=${E2E_PREFIX}lab
ISO=${E2E_PREFIX}iso
POOL=${E2E_PREFIX}pool
RESERVED=192.168.150.200
n_virsh() { virsh -q -c "$E2E_N" "$@"; }
# vprov against the namespaced host, inside its namespace (ssh, addresses)
nv() { e2e_netns_exec "$VPROV" -c "$E2E_N" "$@"; }
# nv, keeping stdout in $OUT, stderr in $ERR, status in $RC
nv_run() {
	OUT=$(nv "$@" 2>"$E2E_TMP/stderr")
	RC=$?
	ERR=$(cat "$E2E_TMP/stderr")
}

# the pool is the test's own: removed (with the base vprov uploads there)
# before the host's cleanup
cleanup_pool() {
	local d v
	for d in "$G1" "$G2"; do
		n_virsh destroy "$d" >/dev/null 2>&1
		n_virsh undefine "$d" >/dev/null 2>&1
	done
	for v in $(n_virsh vol-list "$POOL" 2>/dev/null | awk '{print $1}'); do
		n_virsh vol-delete --pool "$POOL" "$v" >/dev/null 2>&1
	done
	n_virsh pool-destroy "$POOL" >/dev/null 2>&1
	n_virsh pool-undefine "$POOL" >/dev/null 2>&1
	e2e_netns_host_cleanup
}
trap cleanup_pool EXIT

# make_net NAME MODE SUBNET: a network with DHCP, made by vprov (gateway:
# the first host address, DHCP range: the second half of the subnet).
make_net() {
	"$VPROV" -c "$E2E_N" net create "$1" --mode "$2" --subnet "$3" >/dev/null
}

chmod 755 "$E2E_TMP"
mkdir "$E2E_TMP/pool"
n_virsh pool-define-as "$POOL" dir --target "$E2E_TMP/pool" >/dev/null &&
	n_virsh pool-start "$POOL" >/dev/null || e2e_fail "cannot make pool $POOL"
e2e_check "NAT network $LAB (192.168.150.0/24) made" make_net "$LAB" nat 192.168.150.0/24
e2e_check "isolated network $ISO (192.168.151.0/24) made" make_net "$ISO" isolated 192.168.151.0/24

ssh-keygen -q -t ed25519 -N '' -C vprov-e2e-key -f "$E2E_TMP/key"
COMMON=(--image "$IMG" --disk "size=4,pool=$POOL" --graphics none --memory 768 --noautoconsole)

# ---- create: g1 with vprov's own key, g2 with the test's ---------------
e2e_run -c "$E2E_N" create "$G1" "${COMMON[@]}" --network "network=$ISO" --cloud-init "hostname=guest-one"
e2e_check "create $G1 exits 0 (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
OWN=$HOME/.local/share/vprov/ssh/id_ed25519
e2e_check "... made vprov's own key, 0600, and said so" \
	eval '[ "$(stat -c %a "$OWN")" = 600 ] && [ -s "$OWN.pub" ] && grep -q "own SSH key" <<<"$OUT$ERR"'
e2e_check "... and recorded it for root in the metadata" \
	eval 'n_virsh dumpxml "$G1" | grep -qE "<vprov:ssh user=\"root\" key=\"$OWN\"/>"'

G2_NET=(--network "network=$LAB,ip=$RESERVED")
e2e_run -c "$E2E_N" create "$G2" "${COMMON[@]}" "${G2_NET[@]}" --network "network=$ISO" \
	--cloud-init "hostname=guest-two,root-ssh-key=$E2E_TMP/key.pub"
e2e_check "create $G2 exits 0 (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "... recorded the test's key for root" \
	eval 'n_virsh dumpxml "$G2" | grep -qE "<vprov:ssh user=\"root\" key=\"$E2E_TMP/key\"/>"'

# ---- vprov ip: the leases ----------------------------------------------
nv_run ip "$G2" --wait 600
e2e_check "ip $G2 --wait 600 exits 0 (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "... an address on LAB, from the lease source ($OUT)" \
	eval 'grep -qE "ipv4 +192\.168\.150\.[0-9]+/24" <<<"$OUT" && grep -q "^source: lease" <<<"$OUT"'
nv_run ip "$G2" --json
G2_LAB=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["address"])' "$OUT" 2>/dev/null)
e2e_check "ip --json: source lease, the address, the MAC libvirt gave ($OUT)" python3 -c '
import json, sys
j = json.loads(sys.argv[1])
assert j["source"] == "lease" and j["name"] == sys.argv[2], j
i = j["interfaces"][0]
assert i["mac"].lower() in sys.argv[3].lower(), (i, sys.argv[3])
assert i["addresses"][0] == {"type": "ipv4", "address": j["address"], "prefix": 24}, i
' "$OUT" "$G2" "$(n_virsh domiflist "$G2")"
e2e_check "... the reserved address $RESERVED ($G2_LAB)" [ "$G2_LAB" = "$RESERVED" ]

nv_run ip "$G1" --wait 600 --source lease
e2e_check "ip $G1 --wait 600 --source lease exits 0 (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "... an address on ISO ($OUT)" grep -qE "ipv4 +192\.168\.151\.[0-9]+/24" <<<"$OUT"
G1_ISO=$(grep -oE "192\.168\.151\.[0-9]+" <<<"$OUT" | head -n 1)
# no qemu-guest-agent in the image: the agent source has nothing to say
nv_run ip "$G1" --source agent
e2e_check "ip --source agent: one line, exit 1, names the source (rc=$RC: $ERR)" \
	eval '[ "$RC" -eq 1 ] && [ "$(wc -l <<<"$ERR")" -eq 1 ] && grep -q "agent: " <<<"$ERR"'

# ---- vprov ssh ----------------------------------------------------------
nv_run ssh "$G1" --wait 600 -- hostname
e2e_check "ssh $G1 -- hostname prints its seeded name (rc=$RC: $OUT $ERR)" [ "$RC:$OUT" = 0:guest-one ]
nv_run ssh "$G2" --wait 600 -- hostname
e2e_check "ssh $G2 -- hostname prints its seeded name (rc=$RC: $OUT $ERR)" [ "$RC:$OUT" = 0:guest-two ]
# once cloud-init is done (it sets root's generated password late): key
# logins that run commands still work, the password does not expire
nv_run ssh "$G1" -- "cloud-init status --wait >/dev/null; chage -l root | grep -i '^password expires'"
e2e_check "after cloud-init, ssh $G1 -- CMD still works; root's password does not expire (rc=$RC: $OUT $ERR)" \
	eval '[ "$RC" -eq 0 ] && grep -qi "never" <<<"$OUT"'
nv_run ssh "$G2" -- sh -c "'exit 7'"
e2e_check "ssh's exit status is the remote command's (rc=$RC)" [ "$RC" -eq 7 ]
nv_run ssh "$G2" -- whoami
e2e_check "... as root, the recorded user ($OUT)" [ "$OUT" = root ]

UUID1=$(n_virsh domuuid "$G1")
KH1=$XDG_STATE_HOME/vprov/known_hosts/$UUID1
e2e_check "$G1's host key is in its own known_hosts file, under its UUID" grep -q "^$UUID1 ssh-" "$KH1"
e2e_check "... and not in the user's ~/.ssh/known_hosts" [ ! -e "$HOME/.ssh/known_hosts" ]
cp "$KH1" "$E2E_TMP/kh1"
# another key for the same VM: ssh refuses
echo "$UUID1 $(cut -d' ' -f1,2 "$E2E_TMP/key.pub")" >"$KH1"
nv_run ssh "$G1" -- true
e2e_check "a changed host key of the same VM stops ssh (rc=$RC: $ERR)" [ "$RC" -eq 255 ]
cp "$E2E_TMP/kh1" "$KH1"

# ---- the isolated network --------------------------------------------------
# g2's second NIC (on ISO) gets its lease now: cloud-init's fallback
# configuration brings up the first NIC only
ISO_MAC=$(n_virsh domiflist "$G2" | awk -v n="$ISO" '$3 == n {print $5}')
nv_run ssh "$G2" -- "i=\$(grep -il '$ISO_MAC' /sys/class/net/*/address | cut -d/ -f5); dhclient -1 \$i"
e2e_check "$G2's NIC on ISO ($ISO_MAC) asked for a lease (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
nv_run ip "$G2" --json
G2_ISO=$(python3 -c '
import json, sys
for i in json.loads(sys.argv[1])["interfaces"]:
    for a in i["addresses"]:
        if a["address"].startswith("192.168.151."):
            print(a["address"])
' "$OUT" 2>/dev/null)
e2e_check "ip $G2 shows both interfaces' leases (LAB $G2_LAB, ISO $G2_ISO)" [ -n "$G2_ISO" -a -n "$G2_LAB" ]

# tcp HOST PORT: a connection from the guest (bash's /dev/tcp; no ping in the image)
tcp() { echo "timeout 10 bash -c 'exec 3<>/dev/tcp/$1/$2'"; }
nv_run ssh "$G1" -- "$(tcp "$G2_ISO" 22)"
e2e_check "g1 reaches g2 on ISO ($G2_ISO:22) (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
nv_run ssh "$G2" -- "$(tcp 192.168.150.1 53)"
e2e_check "g2 reaches LAB's gateway (192.168.150.1:53, dnsmasq) (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
nv_run ssh "$G1" -- "$(tcp 192.168.150.1 53)"
e2e_check "g1 on ISO does not reach LAB's gateway (rc=$RC)" [ "$RC" -ne 0 -a "$RC" -ne 255 ]
nv_run ssh "$G1" -- "$(tcp "$G2_LAB" 22)"
e2e_check "g1 on ISO does not reach g2's LAB address $G2_LAB (rc=$RC)" [ "$RC" -ne 0 -a "$RC" -ne 255 ]
nv_run ssh "$G1" -- "ip route | grep -c default || true"
e2e_check "g1 has no default route from the isolated network's DHCP ($OUT)" [ "$OUT" = 0 ]

# ---- a running guest with no address: the wait's end, and Ctrl+C ------------
K=${E2E_PREFIX}k
e2e_run -c "$E2E_N" create "$K" --memory 256 --disk "size=1,pool=$POOL" --network none --graphics none \
	--boot "kernel=$E2E_KERNEL,initrd=$E2E_INITRD,kernel_args=\"$E2E_KARGS\"" --noautoconsole
e2e_check "create $K (no network) exits 0 (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
nv_run ip "$K" --wait 3
e2e_check "ip --wait 3 without an address: exit 1, one line saying what each source said (rc=$RC: $ERR)" \
	eval '[ "$RC" -eq 1 ] && [ "$(wc -l <<<"$ERR")" -eq 1 ] && grep -q "after 3 s (lease: .*; agent: .*; arp: .*)" <<<"$ERR"'
OUT=$(timeout --preserve-status -s INT 4 "$VPROV" -c "$E2E_N" ip "$K" --wait 600 2>"$E2E_TMP/stderr")
RC=$?
ERR=$(cat "$E2E_TMP/stderr")
e2e_check "Ctrl+C stops ip --wait: exit 130, one line (rc=$RC: $ERR)" \
	eval '[ "$RC" -eq 130 ] && [ "$(wc -l <<<"$ERR")" -eq 1 ] && grep -q "interrupted" <<<"$ERR"'

# ---- a VM that is not running; delete -----------------------------------
n_virsh destroy "$G1" >/dev/null
nv_run ip "$G1"
e2e_check "ip of a VM that is not running: one line, exit 1 (rc=$RC: $ERR)" \
	eval '[ "$RC" -eq 1 ] && [ "$(wc -l <<<"$ERR")" -eq 1 ] && grep -q "not running" <<<"$ERR"'
nv_run ssh "$G1" -- true
e2e_check "ssh to it: one line, exit 1 (rc=$RC: $ERR)" \
	eval '[ "$RC" -eq 1 ] && [ "$(wc -l <<<"$ERR")" -eq 1 ]'
e2e_run -c "$E2E_N" delete "$G1"
e2e_check "delete $G1 exits 0 (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "... and removed its known_hosts file" [ ! -e "$KH1" ]

e2e_finish
