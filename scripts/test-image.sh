#!/bin/sh
# Build (once per machine) a real Debian 12 cloud image for the end-to-end
# tests and print its path on stdout. Progress goes to stderr.
#
#   scripts/test-image.sh        print the image path, building it first
#                                when this machine has none for this recipe
#   scripts/test-image.sh --path print the path the image has (or would
#                                have) without building anything
#
# The image: debootstrap'ed Debian 12 (minbase + systemd, the cloud kernel,
# cloud-init, openssh-server, grub-pc, ifupdown + dhclient), one ext4
# partition labelled "root" on an MBR disk, GRUB in the MBR, a 2 GiB qcow2.
# It has an empty /etc/machine-id and NO serial console on the kernel
# command line (tests check that serial-console injection adds one); GRUB
# uses the text console, so guests without a video device boot too. Boot it
# with a NoCloud seed as a read-only virtio disk: the cloud kernel has no
# AHCI driver, so a seed on a SATA cdrom is invisible to it.
#
# Cache: $VPROV_IMAGE_DIR (default /var/tmp/vprov-images, outside the clone)
# /debian12-cloud-<key>.qcow2, where <key> is the first 16 hex digits of the
# sha256 of this script's recipe section (between the ">>> recipe" and
# "<<< recipe" lines): changing the recipe builds a new image, and the
# images of other recipes are removed when it is done. The image is built
# under a temporary name and renamed into place only once complete and
# checked; a lock (flock on $VPROV_IMAGE_DIR/.lock) makes concurrent runs
# build it once. Building needs root, the Debian archive (the mirror of
# /etc/apt/sources.list.d, or $VPROV_DEBIAN_MIRROR) and ~5 min under TCG.
#
# Use it only as a read-only base (a qcow2 overlay per guest, or a copy):
# the cached file is shared by every run on the machine. Trap (seen here):
# libvirt's DAC driver chowns every image of a guest's backing chain to
# libvirt-qemu and leaves the base that way after the guest is gone; the
# image stays 0644, so that is harmless, but do not rely on its owner.
#
# Environment: VPROV_IMAGE_DIR, VPROV_DEBIAN_MIRROR (both optional).
set -eu

IMAGE_DIR=${VPROV_IMAGE_DIR:-/var/tmp/vprov-images}
here=$(cd "$(dirname "$0")" && pwd)
self="$here/$(basename "$0")"

# KVM does not run real guests on these machines (see MACHINE-NOTES): every
# libguestfs tool must use its own QEMU under TCG, or it aborts or hangs.
LIBGUESTFS_BACKEND=direct
LIBGUESTFS_BACKEND_SETTINGS=force_tcg
export LIBGUESTFS_BACKEND LIBGUESTFS_BACKEND_SETTINGS

# Messages go to fd 8, a copy of stderr: a trap or die() can run while a
# step's stderr is redirected to its log.
exec 8>&2
say() {
	echo "test-image: $*" >&8
}

die() {
	echo "test-image: error: $*" >&8
	exit 1
}

now() {
	date +%s
}

# run CMD...: run a long step so that a TERM/INT to this script stops it.
# Its stdin is /dev/null (an asynchronous command's is, in sh): guestfish
# reads its commands from a file (-f), never from a here-document.
# Trap: sh runs a trap only after the foreground command ends, so a TERM
# sent to the script (a test's timeout) waited for the whole debootstrap or
# virt-make-fs. A background child plus `wait` is interruptible; setsid puts
# the child's tree (dpkg in the chroot, libguestfs' QEMU) in its own group
# for on_signal to stop as a whole.
child=""
run() {
	setsid "$@" &
	child=$!
	rc=0
	wait "$child" || rc=$?
	child=""
	return "$rc"
}

# >>> recipe: everything from here to "<<< recipe" is hashed into the image
# name; edit it and the next run builds a new image (and drops the old one).
RECIPE_SUITE=bookworm
RECIPE_INCLUDE=systemd-sysv,linux-image-cloud-amd64,cloud-init,python3-cffi-backend,openssh-server,grub-pc,ifupdown,isc-dhcp-client,udev,netbase
RECIPE_SIZE=2G

# make_rootfs DIR MIRROR: the root file system as a directory tree.
make_rootfs() {
	# Trap: without python3-cffi-backend in --include, debootstrap exits 1
	# ("Failure while configuring base packages"), leaving cloud-init
	# unconfigured (no /etc/cloud/cloud.cfg): dpkg --audit below catches
	# anything of that kind that does not make debootstrap fail.
	if ! run debootstrap --variant=minbase --include="$RECIPE_INCLUDE" \
		"$RECIPE_SUITE" "$1" "$2" >"$1.log" 2>&1; then
		tail -n 20 "$1.log" >&2
		[ -f "$1/debootstrap/debootstrap.log" ] && tail -n 20 "$1/debootstrap/debootstrap.log" >&2
		die "debootstrap failed (log above)"
	fi
	audit=$(chroot "$1" dpkg --audit 2>&1) || die "chroot $1 dpkg --audit failed: $audit"
	[ -z "$audit" ] || die "packages left unconfigured in the image (dpkg --audit): $audit"

	# Without the "source" line networking.service ignores the
	# 50-cloud-init file cloud-init writes, and the guest never asks for DHCP.
	cat >"$1/etc/network/interfaces" <<-'EOF'
	# interfaces(5) file used by ifup(8) and ifdown(8)
	source /etc/network/interfaces.d/*

	auto lo
	iface lo inet loopback
	EOF
	echo 'LABEL=root / ext4 defaults 0 1' >"$1/etc/fstab"
	# debootstrap copies the build host's machine-id (and hostname) into the
	# image; every clone would share them. An empty machine-id makes systemd
	# generate one at first boot; cloud-init sets the hostname.
	: >"$1/etc/machine-id"
	rm -f "$1/var/lib/dbus/machine-id"
	echo localhost >"$1/etc/hostname"
	# Trap (seen here): with Debian's default gfxterm, GRUB on a guest with
	# no video device (virt-install --graphics none) spins in SeaBIOS
	# forever and never loads the kernel. A text console keeps GRUB working
	# there; it is still not a serial console (nothing reaches ttyS0). A
	# 1 s menu instead of 5 s: every second counts under TCG.
	mkdir -p "$1/etc/default/grub.d"
	cat >"$1/etc/default/grub.d/50-vprov-test-image.cfg" <<-'EOF'
	GRUB_TERMINAL=console
	GRUB_TIMEOUT=1
	EOF
	# Trap: debootstrap leaves every .deb it installed in the apt cache
	# (~150 MiB of a 2 GiB disk); the image does not need them.
	rm -f "$1"/var/cache/apt/archives/*.deb "$1"/var/cache/apt/*.bin
	# The SSH host keys made during debootstrap stay: cloud-init's ssh
	# module deletes and regenerates them at first boot (ssh_deletekeys),
	# and ssh.service does not start without keys.
}

# make_disk DIR IMG: an MBR disk with one ext4 partition labelled root.
make_disk() {
	run virt-make-fs --format=qcow2 --type=ext4 --label=root --partition=mbr \
		--size="$RECIPE_SIZE" "$1" "$2" >&2 ||
		die "virt-make-fs failed"
}

# install_grub IMG: GRUB in the MBR and a grub.cfg from the image's own
# /etc/default/grub (Debian's: "quiet", no serial console: keep it so).
install_grub() {
	cat >"$1.grub.fish" <<-'EOF'
	command "grub-install --target=i386-pc /dev/sda"
	command "update-grub"
	EOF
	run guestfish --rw -a "$1" -m /dev/sda1 -f "$1.grub.fish" >"$1.grub.log" 2>&1 || {
		cat "$1.grub.log" >&2
		die "grub-install/update-grub in the image failed (log above)"
	}
}
# <<< recipe

# check_image IMG: the finished image is what the tests expect (read-only).
check_image() {
	chk="$work/check"
	mkdir -p "$chk"
	cat >"$chk/check.fish" <<-EOF
	download /etc/os-release $chk/os-release
	download /etc/machine-id $chk/machine-id
	download /boot/grub/grub.cfg $chk/grub.cfg
	download /var/lib/dpkg/status $chk/status
	find0 /etc/systemd/system $chk/units
	EOF
	if ! run guestfish --ro -a "$1" -i -f "$chk/check.fish" >"$chk/out" 2>"$chk/err"; then
		cat "$chk/err" >&2
		die "guestfish could not inspect the built image"
	fi
	grep -q '^VERSION_CODENAME=bookworm$' "$chk/os-release" ||
		die "image /etc/os-release does not say bookworm"
	[ ! -s "$chk/machine-id" ] || die "image /etc/machine-id is not empty"
	for p in cloud-init openssh-server grub-pc linux-image-cloud-amd64; do
		awk -v p="$p" '$0 == "Package: " p { f = 1 } f && /^Status:/ { print; exit }' \
			"$chk/status" | grep -q 'install ok installed' ||
			die "package $p is not installed in the image"
	done
	# find0 names them relative to the directory, with a leading "/"
	tr '\0' '\n' <"$chk/units" | sed 's|^/||' >"$chk/units.txt"
	for u in cloud-init.target.wants/cloud-init.service \
		cloud-init.target.wants/cloud-init-local.service \
		cloud-init.target.wants/cloud-config.service \
		cloud-init.target.wants/cloud-final.service \
		multi-user.target.wants/ssh.service; do
		grep -qx "$u" "$chk/units.txt" || die "image: $u is not enabled"
	done
	grep -q '^[[:space:]]*linux[[:space:]].*root=UUID=' "$chk/grub.cfg" ||
		die "image grub.cfg boots no kernel by root=UUID= (a /dev/sdX name would not boot on virtio)"
	grep -q '^terminal_output console' "$chk/grub.cfg" ||
		die "image grub.cfg does not keep GRUB on the text console (gfxterm hangs without a video device)"
	if grep -q 'console=ttyS' "$chk/grub.cfg"; then
		die "image grub.cfg has a serial console on the kernel command line"
	fi
	rm -rf "$chk"
}

# The Debian archive this machine installs from: the first deb source for
# bookworm in deb822 .sources files, else in one-line .list files.
find_mirror() {
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk '
			function flush() {
				if (deb && suite && uri != "") { print uri; found = 1; exit }
				deb = 0; suite = 0; uri = ""
			}
			/^[[:space:]]*$/ { flush(); next }
			/^#/ { next }
			tolower($1) == "types:" { for (i = 2; i <= NF; i++) if ($i == "deb") deb = 1 }
			tolower($1) == "suites:" { for (i = 2; i <= NF; i++) if ($i == "bookworm") suite = 1 }
			tolower($1) == "uris:" { uri = $2 }
			END { if (!found) flush() }
		' "$f"
	done | head -n 1 | grep . && return 0
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		# deb [options] URI SUITE COMPONENT...
		sed -n 's/^[[:space:]]*deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?\([^[:space:]]\+\)[[:space:]]\+bookworm[[:space:]].*/\2/p' "$f"
	done | head -n 1 | grep .
}

key=$(sed -n '/^# >>> recipe/,/^# <<< recipe/p' "$self" | sha256sum | cut -c1-16)
[ -n "$key" ] || die "cannot read the recipe section of $self"
image="$IMAGE_DIR/debian12-cloud-$key.qcow2"

case "${1:-}" in
--path)
	echo "$image"
	exit 0
	;;
"") ;;
*)
	die "usage: $0 [--path]"
	;;
esac

# A complete image is only ever renamed into place: if it exists, it is done.
if [ -f "$image" ]; then
	echo "$image"
	exit 0
fi

[ "$(id -u)" -eq 0 ] || die "no image at $image and only root can build one"

if ! command -v debootstrap >/dev/null || ! command -v virt-make-fs >/dev/null ||
	! command -v guestfish >/dev/null || ! ls /boot/vmlinuz-* >/dev/null 2>&1; then
	say "installing the tools to build the image (setup-deps.sh)"
	"$here/setup-deps.sh" || die "setup-deps.sh failed"
fi

mkdir -p "$IMAGE_DIR"
exec 9>"$IMAGE_DIR/.lock"
if ! flock -n 9; then
	say "another run is building an image; waiting for it"
	flock 9
fi
# It may have been built while we waited.
if [ -f "$image" ]; then
	echo "$image"
	exit 0
fi

# Under the lock nothing else builds: what a killed build left is stale.
# Trap: a killed debootstrap can leave /proc and /sys mounted inside its
# tree, and a plain rm -rf there would walk into the host's /sys. Unmount
# what is mounted below the tree first; rm --one-file-system in any case.
remove_tree() {
	[ -e "$1" ] || return 0
	awk -v d="$1" '$2 == d || index($2, d "/") == 1 { print $2 }' /proc/mounts |
		sort -r | while read -r m; do umount -l "$m" || true; done
	if awk -v d="$1" '$2 == d || index($2, d "/") == 1 { f = 1 } END { exit !f }' /proc/mounts; then
		die "cannot unmount what is mounted below $1; remove it by hand"
	fi
	rm -rf --one-file-system "$1"
}
for stale in "$IMAGE_DIR"/build.*; do
	[ -e "$stale" ] || continue
	say "removing a stale build: $stale"
	remove_tree "$stale"
done

work="$IMAGE_DIR/build.$$"
rootfs="$work/rootfs"
tmpimg="$work/image.qcow2.tmp"
cleanup() {
	rc=$?
	remove_tree "$work" || true
	exit "$rc"
}
# Trap: debootstrap traps TERM itself and, being sh too, exits only after
# its current step (dpkg --configure of everything: minutes). Give the
# group 10 s, then KILL it; remove_tree unmounts the /proc it leaves.
# Trap: dash's kill takes no "--" ("Illegal number: -"): "kill -TERM -PGID".
on_signal() {
	if [ -n "$child" ]; then
		kill -TERM "-$child" 2>/dev/null || true
		i=0
		while kill -0 "-$child" 2>/dev/null && [ "$i" -lt 50 ]; do
			sleep 0.2
			i=$((i + 1))
		done
		kill -KILL "-$child" 2>/dev/null || true
		wait "$child" 2>/dev/null || true
	fi
	say "interrupted; removing the partial build"
	exit "$1"
}
trap cleanup EXIT
trap 'on_signal 130' INT
trap 'on_signal 143' TERM
mkdir -p "$work"

mirror=${VPROV_DEBIAN_MIRROR:-$(find_mirror || true)}
[ -n "$mirror" ] || die "no Debian bookworm mirror in /etc/apt/sources.list(.d); set VPROV_DEBIAN_MIRROR"

t0=$(now)
say "building $image (recipe $key) from $mirror"
say "debootstrap $RECIPE_SUITE (~1.5 min)"
make_rootfs "$rootfs" "$mirror"
t1=$(now)
say "debootstrap done in $((t1 - t0)) s; virt-make-fs (~1 min)"
make_disk "$rootfs" "$tmpimg"
remove_tree "$rootfs"
t2=$(now)
say "virt-make-fs done in $((t2 - t1)) s; grub-install + update-grub (~45 s)"
install_grub "$tmpimg"
t3=$(now)
say "grub done in $((t3 - t2)) s; checking the image"
check_image "$tmpimg"
t4=$(now)
say "check done in $((t4 - t3)) s"

mv -f "$tmpimg" "$image"
sync -f "$image" 2>/dev/null || sync
for old in "$IMAGE_DIR"/debian12-cloud-*.qcow2; do
	if [ ! -e "$old" ] || [ "$old" = "$image" ]; then
		continue
	fi
	say "removing the image of another recipe: $old"
	rm -f "$old"
done
say "built in $((t4 - t0)) s: $image"
echo "$image"
