#!/bin/sh
# A second libvirt "host" on this machine, for tests that need a remote
# host (remote create, later migration): a libvirtd in a private mount
# namespace with its own /run/libvirt, /var/lib/libvirt, /etc/libvirt,
# /var/log/libvirt and /var/cache/libvirt, listening on 127.0.0.2 only.
# Reach it as qemu+tcp://127.0.0.2/system.
#
#   scripts/libvirtd-second-host.sh start   # idempotent; waits until it answers
#   scripts/libvirtd-second-host.sh stop
set -eu

B=${VPROV_HOSTB_DIR:-/var/tmp/vprov-hostB}
URI=qemu+tcp://127.0.0.2/system

answers() {
	virsh -q -c "$URI" version >/dev/null 2>&1
}

# Runs inside the new mount namespace.  The host's configuration is made
# once (a copy of this machine's, without its domains, pools and networks,
# listening on 127.0.0.2); a restart keeps what was defined on the host, as
# a real host's would.
inner() {
	mkdir -p "$B/run" "$B/varlib/images" "$B/varlib/boot" "$B/cache" "$B/etc" "$B/log/qemu"
	if [ ! -e "$B/etc/.vprov-second-host" ]; then
		cp -a /etc/libvirt/. "$B/etc/"
		rm -rf "$B/etc/qemu/"*.xml "$B/etc/qemu/networks" "$B/etc/storage"
		mkdir -p "$B/etc/storage"
		cat >"$B/etc/libvirtd.conf" <<EOC
listen_tls = 0
listen_tcp = 1
listen_addr = "127.0.0.2"
auth_tcp = "none"
unix_sock_dir = "/run/libvirt"
EOC
		sed -i '/^migration_address/d; /^migration_host/d' "$B/etc/qemu.conf"
		echo 'migration_address = "127.0.0.2"' >>"$B/etc/qemu.conf"
		echo 'migration_host = "127.0.0.2"' >>"$B/etc/qemu.conf"
		touch "$B/etc/.vprov-second-host"
	fi
	mkdir -p /run/libvirt
	mount --bind "$B/run" /run/libvirt
	mount --bind "$B/varlib" /var/lib/libvirt
	mount --bind "$B/cache" /var/cache/libvirt
	mount --bind "$B/etc" /etc/libvirt
	mount --bind "$B/log" /var/log/libvirt
	rm -f /run/libvirt/*.pid /run/libvirt/*sock*
	virtlogd -d -p /run/libvirt/virtlogd-b.pid
	exec libvirtd --listen --pid-file /run/libvirt/libvirtd-b.pid
}

case "${1:-}" in
__inner)
	inner
	;;
start)
	if answers; then
		exit 0
	fi
	if [ "$(id -u)" -ne 0 ]; then
		echo "libvirtd-second-host: only root can start it" >&2
		exit 1
	fi
	"$(dirname "$0")/libvirtd-start.sh" # its QEMU driver and virtlogd binaries are the same
	mkdir -p "$B"
	# a virtlogd left by a libvirtd that was killed: gone without a word
	# (a clean exit would remove the socket path the new one shares)
	if [ -s "$B/run/virtlogd-b.pid" ]; then
		p=$(cat "$B/run/virtlogd-b.pid")
		if tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -q "virtlogd.*virtlogd-b.pid"; then
			kill -9 "$p" 2>/dev/null || true
		fi
		rm -f "$B/run/virtlogd-b.pid"
	fi
	setsid unshare -m --propagation private "$0" __inner >"$B.log" 2>&1 </dev/null &
	i=0
	while ! answers; do
		i=$((i + 1))
		if [ "$i" -ge 100 ]; then
			echo "libvirtd-second-host: no answer on $URI within 20 s (see $B.log)" >&2
			exit 1
		fi
		sleep 0.2
	done
	;;
stop)
	for p in "$B/run/libvirtd-b.pid" "$B/run/virtlogd-b.pid"; do
		if [ -s "$p" ]; then
			kill "$(cat "$p")" 2>/dev/null || true
			rm -f "$p"
		fi
	done
	;;
*)
	echo "usage: $0 start|stop" >&2
	exit 2
	;;
esac
