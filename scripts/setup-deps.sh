#!/bin/sh
# Install every Debian 12 package vprov needs to build, run and test.
# Idempotent: does nothing (and needs no network) when all are present.
set -eu

# build: compiler, cmake, the libraries vprov links
# run: libvirtd with its QEMU driver, QEMU, qemu-img, OVMF for --boot uefi
# test: cmocka, xmllint, a kernel in /boot for real guests to boot, man and
#       groff to render the man page, script(1) (bsdutils) for the TTY tests
# profiles: osinfo-db (the system OS database and its schema, install scripts)
# fetch: libcurl, libarchive (ISO 9660, cpio) and libxslt headers (loaded on
#        first use); the real Debian 12 netboot tree, xorriso to build test
#        ISOs, cpio and curl to check and compare in the tests and the bench
# test image: debootstrap and the libguestfs tools (virt-make-fs, guestfish;
#       their appliance boots the kernel in /boot) build the Debian 12 cloud
#       image of scripts/test-image.sh; libguestfs-dev for in-process use
# cloud: libyaml (loaded on first use) to merge the user's #cloud-config
# bench: virt-install and osinfo-query (the tools we compare against),
#        hyperfine, GNU time; virt-install is also what tests/compat compares
#        vprov create --print-xml against, field by field
# networks: dnsmasq (DHCP), iptables and iproute2 for libvirt's networks
#        (tested only in a namespace: scripts/libvirtd-netns-host.sh); ssh
#        for vprov ssh; tmux for the test of vprov stats --watch
# devices: swtpm and swtpm-tools, the TPM emulator libvirt runs for
#        --tpm emulator (tests/e2e/test_devices.sh boots a guest with one)
PKGS="build-essential cmake pkg-config git
libvirt-dev libxml2-dev libjson-c-dev libgnutls28-dev
libcurl4-openssl-dev libarchive-dev libxslt1-dev
libvirt-daemon libvirt-daemon-system libvirt-daemon-driver-qemu libvirt-clients
qemu-system-x86 qemu-utils ovmf
libcmocka-dev libxml2-utils linux-image-amd64 python3 procps util-linux bsdutils man-db groff-base
osinfo-db
debian-installer-12-netboot-amd64 xorriso cpio curl openssl
virtinst libosinfo-bin hyperfine time cloud-image-utils genisoimage
debootstrap libguestfs-tools libguestfs-dev
libyaml-dev libyaml-0-2
dnsmasq-base iptables iproute2 openssh-client tmux
swtpm swtpm-tools"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done

if [ -z "$missing" ]; then
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "setup-deps: missing packages:$missing (run as root to install them)" >&2
	exit 1
fi

echo "setup-deps: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
