#!/bin/bash
# tests/e2e/test_alpine_netboot.sh — an Alpine netboot tree boots with the
# kernel arguments its OS profile carries: a mirror of Alpine's layout on
# 127.0.0.1 (alpine/v3.21/releases/x86_64/netboot/, no metadata file, as on
# dl-cdn.alpinelinux.org) whose vmlinuz-virt and initramfs-virt are the test
# kernel and initrd; the guest's own /proc/cmdline, read on its serial
# console, holds alpine_repo= and modloop= for that mirror before the
# user's --extra-args.
. "$(dirname "$0")/lib.sh"

export XDG_CACHE_HOME=$E2E_TMP/cache
VM=${E2E_PREFIX}alp

nb=$E2E_TMP/www/alpine/v3.21/releases/x86_64/netboot
mkdir -p "$nb"
cp "$E2E_KERNEL" "$nb/vmlinuz-virt"
cp "$E2E_INITRD" "$nb/initramfs-virt"
echo 'not a squashfs' >"$nb/modloop-virt"
e2e_http_serve "$E2E_TMP/www"
TREE=$E2E_HTTP/alpine/v3.21/releases/x86_64
REPO=alpine_repo=$E2E_HTTP/alpine/v3.21/main
MODLOOP=modloop=$TREE/netboot/modloop-virt

e2e_run create "$VM" --os alpinelinux3.21 --location "$TREE" --dry-run --json \
	--extra-args "$E2E_KARGS" --graphics none --network none --disk size=1
e2e_check "the dry run exits 0 (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
kargs=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["install_run"]["kernel_args"])' <<<"$OUT" 2>/dev/null)
e2e_check "the plan's kernel arguments: the profile's for this mirror, then the user's ('$kargs')" \
	[ "$kargs" = "$REPO $MODLOOP $E2E_KARGS" ]

e2e_run create "$VM" --os alpinelinux3.21 --location "$TREE" --extra-args "$E2E_KARGS" \
	--graphics none --network none --disk size=1 --noautoconsole
e2e_check "create --location of an Alpine netboot tree exits 0 (rc=$RC: $ERR)" [ "$RC" -eq 0 ]

# the guest's shell prints its command line after a tag it computed itself
# (the kernel's own boot messages also show the command line: not those)
cmdline_has() {
	local end=$((SECONDS + 300)) out
	while [ "$SECONDS" -lt "$end" ]; do
		out=$(printf 'echo CMD$((40+2)): $(cat /proc/cmdline)\n' |
			timeout 30 "$VPROV" console "$VM" --timeout 5 2>/dev/null | tr -d '\r')
		if grep -aq "CMD42: " <<<"$out"; then
			grep -a "CMD42: " <<<"$out" | tail -n 1 >"$E2E_TMP/cmdline"
			return 0
		fi
		sleep 1
	done
	return 1
}
e2e_check "the guest's shell answers on its serial console" cmdline_has
e2e_check "its /proc/cmdline has $REPO ($(cat "$E2E_TMP/cmdline" 2>/dev/null))" \
	grep -qF -- " $REPO " "$E2E_TMP/cmdline"
e2e_check "... and $MODLOOP" grep -qF -- " $MODLOOP " "$E2E_TMP/cmdline"
e2e_check "... before the user's arguments" grep -qF -- "$MODLOOP $E2E_KARGS" "$E2E_TMP/cmdline"
e2e_finish
