#!/bin/bash
# tests/e2e/test_fetch_faults.sh — downloads against a misbehaving server
# on 127.0.0.1 (tests/fetch-server.py with faults): a connection dropped
# mid-file is resumed, a 500 is retried, a 404, a wrong checksum and a
# stalled transfer fail with one line naming what failed, and nothing
# partial stays in the cache; a create that cannot fetch leaves no volume
# and no domain.
. "$(dirname "$0")/lib.sh"

export XDG_CACHE_HOME=$E2E_TMP/cache
VM=${E2E_PREFIX}flt
NB=/debian/dists/bookworm/main/installer-amd64/current/images/netboot/debian-installer/amd64
FAULTS=$E2E_TMP/faults.json
echo '[]' >"$FAULTS"
path=$(e2e_debian_mirror "$E2E_TMP/www")
e2e_http_serve "$E2E_TMP/www" "$FAULTS"
LOC="$E2E_HTTP/$path"
KSIZE=$(stat -c %s "$E2E_DI_KERNEL")
CACHE=$XDG_CACHE_HOME/vprov/fetch

no_partial() {
	[ -z "$(find "$CACHE" -name '*.tmp' 2>/dev/null)" ]
}
cached() { # how many cached files hold exactly the bytes of $1
	local f n=0
	for f in "$CACHE"/*.data; do
		[ -f "$f" ] && cmp -s "$f" "$1" && n=$((n + 1))
	done
	echo "$n"
}
not_cached() {
	[ "$(cached "$1")" -eq 0 ]
}
fresh() {
	"$VPROV" cache prune --all >/dev/null
	curl -s "$E2E_HTTP/__reset" >/dev/null
}

# dropped mid-file: resumed with a Range request, not downloaded again
echo "[{\"path\": \"$NB/linux\", \"kind\": \"drop\", \"after\": 1000000}]" >"$FAULTS"
e2e_run fetch "$LOC"
e2e_check "a connection dropped mid-file is resumed (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "... the server sent the kernel's bytes once in all ($(e2e_http_bytes $NB/linux) of $KSIZE)" \
	[ "$(e2e_http_bytes $NB/linux)" -eq "$KSIZE" ]
e2e_check "... and the cached kernel is whole" [ "$(cached "$E2E_DI_KERNEL")" -eq 1 ]

# a 500, then success
fresh
echo "[{\"path\": \"$NB/initrd.gz\", \"kind\": \"status\", \"status\": 500, \"times\": 1}]" >"$FAULTS"
e2e_run fetch "$LOC"
e2e_check "a 500 is retried (rc=$RC: $ERR)" [ "$RC" -eq 0 ]

# a redirect is followed (the kernel has moved to another path)
fresh
mkdir -p "$E2E_TMP/www/moved"
cp "$E2E_DI_KERNEL" "$E2E_TMP/www/moved/linux"
echo "[{\"path\": \"$NB/linux\", \"kind\": \"redirect\", \"status\": 301, \"location\": \"/moved/linux\", \"times\": 1000}]" >"$FAULTS"
e2e_run fetch "$LOC"
e2e_check "a redirect is followed (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "... to the file it names, checked against the tree's checksum" \
	[ "$(e2e_http_bytes /moved/linux)" -eq "$KSIZE" ]

# a 404: one line naming the file and the URL, nothing cached
fresh
echo "[{\"path\": \"$NB/initrd.gz\", \"kind\": \"status\", \"status\": 404, \"times\": 1000}]" >"$FAULTS"
e2e_run fetch "$LOC"
e2e_check "a 404 fails with exit 1 (rc=$RC)" [ "$RC" -eq 1 ]
e2e_check "... in one line naming the initrd and its URL: $ERR" \
	bash -c "[ \$(printf '%s\n' \"\$0\" | wc -l) -eq 1 ] && grep -q 'initrd' <<<\"\$0\" && grep -qF '$NB/initrd.gz' <<<\"\$0\" && grep -q 404 <<<\"\$0\"" "$ERR"
e2e_check "... and leaves no partial file" no_partial

# a create that cannot fetch makes nothing on the host
e2e_run create "$VM" --os debian12 --location "$LOC" --graphics none --disk size=1 --network none --noautoconsole
e2e_check "a create whose initrd is missing exits 1 (rc=$RC: $ERR)" [ "$RC" -eq 1 ]
e2e_check "... and leaves no domain" bash -c "! virsh -q dominfo '$VM' >/dev/null 2>&1"
e2e_check "... and no volume" [ -z "$(e2e_vols_named "$VM")" ]

# a wrong published checksum: the download is discarded
fresh
echo '[]' >"$FAULTS"
cp "$E2E_TMP/www/${path}current/images/SHA256SUMS" "$E2E_TMP/sums"
sed -i "s|^[0-9a-f]*\(  ./netboot/debian-installer/amd64/linux\)|$(printf '0%.0s' $(seq 64))\1|" \
	"$E2E_TMP/www/${path}current/images/SHA256SUMS"
e2e_run fetch "$LOC"
e2e_check "a checksum mismatch fails with exit 1 (rc=$RC)" [ "$RC" -eq 1 ]
e2e_check "... saying so about the kernel: $ERR" grep -q "kernel.*checksum" <<<"$ERR"
e2e_check "... and the file is not in the cache" not_cached "$E2E_DI_KERNEL"
e2e_check "... nor any partial file" no_partial
cp "$E2E_TMP/sums" "$E2E_TMP/www/${path}current/images/SHA256SUMS"

# a stalled transfer times out
fresh
echo "[{\"path\": \"$NB/initrd.gz\", \"kind\": \"stall\", \"after\": 100000, \"seconds\": 60, \"times\": 1000}]" >"$FAULTS"
t0=$(date +%s)
VPROV_TEST_STALL_MS=1500 e2e_run fetch "$LOC"
e2e_check "a stalled transfer fails with exit 1 (rc=$RC, after $(( $(date +%s) - t0 )) s)" [ "$RC" -eq 1 ]
e2e_check "... saying it stalled: $ERR" grep -qi "stall" <<<"$ERR"
e2e_check "... and leaves no partial file" no_partial

# HTTPS with a certificate nobody vouches for: refused, never downloaded
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -days 1 \
	-keyout "$E2E_TMP/key.pem" -out "$E2E_TMP/cert.pem" >/dev/null 2>&1
python3 "$E2E_ROOT/tests/fetch-server.py" --root "$E2E_TMP/www" --port-file "$E2E_TMP/tls-port" \
	--tls-cert "$E2E_TMP/cert.pem" --tls-key "$E2E_TMP/key.pem" >/dev/null 2>&1 &
TLS_PID=$!
i=0; while [ ! -s "$E2E_TMP/tls-port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
fresh
e2e_run fetch "https://127.0.0.1:$(cat "$E2E_TMP/tls-port")/$path"
kill "$TLS_PID" 2>/dev/null
e2e_check "a self-signed HTTPS server is refused (rc=$RC): $ERR" \
	bash -c '[ "$1" -ne 0 ] && grep -qi "certificate" <<<"$2"' _ "$RC" "$ERR"
e2e_check "... and nothing of it is cached" \
	bash -c "[ -z \"\$(find '$CACHE' -name '*.data' 2>/dev/null)\" ]"

# the cache as the user sees it
fresh
echo '[]' >"$FAULTS"
e2e_run fetch "$LOC" --json
e2e_check "vprov fetch --json says what the tree is" \
	python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["os"]=="debian12" and d["kernel"]["verified"] and d["initrd"]["size_bytes"]>0, d' "$OUT"
e2e_run cache list --json
e2e_check "vprov cache list shows both files" \
	python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert sum(1 for e in d if e["url"].endswith(("/linux","/initrd.gz")))==2, d' "$OUT"
e2e_run cache prune --all
e2e_check "vprov cache prune --all empties it" \
	bash -c "[ -z \"\$(find '$CACHE' -name '*.data')\" ]"

e2e_finish
