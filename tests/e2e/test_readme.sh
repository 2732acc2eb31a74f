#!/bin/bash
# tests/e2e/test_readme.sh — the README's first command, as a user types it:
# a fresh clone, `./scripts/demo.sh`, nothing in the environment pinned
# (no VPROV_VIRT_TYPE, no LIBVIRT_DEFAULT_URI, no XDG directories): it
# exits 0; the README's own line `vprov create ubuntu20 --ram 2048` makes a
# VM from Ubuntu 20.04's cloud image where it can be downloaded, and where
# it cannot (the build machines reach only Debian's archive) fails with one
# line naming the image's URL and the other ways, having made nothing; the
# cloud VM boots the Debian 12 cloud image with its seed to a login prompt
# that shows the seeded host name; the demo VM boots the Debian kernel to
# its initramfs shell; the install VM shows the Debian installer's first
# dialog.
# The demo's VMs are deleted afterwards (unless they were there before).
. "$(dirname "$0")/lib.sh"

SRC=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
CLONE=$E2E_TMP/clone
existed=""
for vm in ubuntu20 vprov-cloud vprov-demo vprov-install; do
	e2e_domain_exists "$vm" && existed="$existed $vm"
done
if [ -n "$existed" ]; then
	e2e_fail "VMs the demo makes exist already ($existed): this host is not fresh enough to run the README's command as typed"
	e2e_finish
fi
readme_cleanup() {
	local vm
	for vm in vprov-cloud vprov-demo vprov-install ubuntu20; do
		[ -x "$CLONE/build/vprov" ] && "$CLONE/build/vprov" -c qemu:///system delete "$vm" >/dev/null 2>&1
	done
	e2e_cleanup
}
trap readme_cleanup EXIT

e2e_check "a fresh clone of the repository" git clone -q "$SRC" "$CLONE"
# the command exactly as the README gives it, with the user's environment
(cd "$CLONE" && env -u VPROV_VIRT_TYPE -u LIBVIRT_DEFAULT_URI -u XDG_STATE_HOME -u XDG_CACHE_HOME \
	./scripts/demo.sh) >"$E2E_TMP/demo.out" 2>&1
RC=$?
e2e_check "./scripts/demo.sh exits 0 (rc=$RC; the last lines: $(tail -n 3 "$E2E_TMP/demo.out" | tr '\n' '|'))" \
	[ "$RC" -eq 0 ]
e2e_check "it ran the README's first line" grep -qxF '$ vprov create ubuntu20 --ram 2048' "$E2E_TMP/demo.out"
if grep -q "created VM 'ubuntu20'" "$E2E_TMP/demo.out"; then
	e2e_ok "which made the VM from Ubuntu's cloud image"
	e2e_check "... which runs" [ "$(e2e_state ubuntu20)" = running ]
else
	e2e_check "which could not have Ubuntu's cloud image, and said where from and what else to do" bash -c "
		grep -q \"^vprov create: cannot download ubuntu20.04's cloud image from 'https://cloud-images.ubuntu.com/focal/.*'.*--location.*vprov image import\" '$E2E_TMP/demo.out'"
	e2e_check "... having made nothing (no VM, no volume)" \
		bash -c "! virsh -q dominfo ubuntu20 >/dev/null 2>&1 && ! virsh -q vol-list default | grep -q ' ubuntu20'"
fi
e2e_check "the cloud VM booted to a login prompt with its seeded host name" grep -q 'vprov-cloud login:' "$E2E_TMP/demo.out"
e2e_check "the demo VM reached its initramfs shell" grep -q '(initramfs)' "$E2E_TMP/demo.out"
e2e_check "the installer showed its first dialog" grep -q 'Select a language' "$E2E_TMP/demo.out"
e2e_check "the cloud, demo and install VMs run" \
	[ "$(e2e_state vprov-cloud)" = running -a "$(e2e_state vprov-demo)" = running -a "$(e2e_state vprov-install)" = running ]
e2e_finish
