#!/bin/sh
# Install every Debian 12 package vprov needs to build, run and test.
# Idempotent: does nothing (and needs no network) when all are present.
set -eu

PKGS="build-essential cmake pkg-config git
libvirt-dev libvirt-daemon libvirt-daemon-system libvirt-daemon-driver-qemu
libvirt-clients libxml2-dev libxml2-utils libcmocka-dev
qemu-system-x86 qemu-utils ovmf linux-image-amd64
virtinst hyperfine time python3 procps"

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
