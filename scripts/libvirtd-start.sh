#!/bin/sh
# Make sure a system libvirtd (qemu:///system) answers on this machine.
# Starts virtlogd and libvirtd when none runs, clearing stale pid files
# and sockets left by processes that were killed; waits until it answers.
set -eu

answers() {
	virsh -q -c qemu:///system version >/dev/null 2>&1
}

if answers; then
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "libvirtd-start: no libvirtd answers on qemu:///system and only root can start one" >&2
	exit 1
fi

alive() { # pidfile
	[ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null
}

mkdir -p /run/libvirt
if ! alive /run/virtlogd.pid; then
	rm -f /run/virtlogd.pid /run/libvirt/virtlogd-sock /run/libvirt/virtlogd-admin-sock
	virtlogd -d
fi
if ! alive /run/libvirtd.pid; then
	rm -f /run/libvirtd.pid /run/libvirt/libvirt-sock /run/libvirt/libvirt-sock-ro \
		/run/libvirt/libvirt-admin-sock
	libvirtd -d
fi

i=0
while ! answers; do
	i=$((i + 1))
	if [ "$i" -ge 100 ]; then
		echo "libvirtd-start: libvirtd did not answer on qemu:///system within 20 s" >&2
		exit 1
	fi
	sleep 0.2
done
