#!/bin/sh
# A libvirt host in its own mount + network namespace, for the tests of
# virtual networks with addresses (NAT, isolated, routed, DHCP leases, ssh
# to guests): every bridge, address, dnsmasq and firewall rule those
# networks make lives in that namespace, and nothing with a private-range
# address ever appears in the machine's own network namespace.
#
# The daemon has its own /run/libvirt, /var/lib/libvirt, /etc/libvirt,
# /var/log/libvirt and /var/cache/libvirt (bind mounts of $B/*), a sysfs of
# its network namespace, `lo` up, no TCP listener and no networks, pools or
# domains of the machine's daemon.  Its unix socket is a path, so clients
# outside reach it as qemu:///system?socket=$B/run/libvirt-sock; anything
# that must see the namespace's addresses (ping, ssh, curl to a guest) runs
# through `exec`.
#
#   scripts/libvirtd-netns-host.sh start      # idempotent; waits until it answers
#   scripts/libvirtd-netns-host.sh stop       # guests and networks destroyed, daemon and
#                                             # all else in the namespace killed (by PID)
#   scripts/libvirtd-netns-host.sh purge      # stop, then remove $B
#   scripts/libvirtd-netns-host.sh exec CMD.. # CMD inside the namespace
#   scripts/libvirtd-netns-host.sh uri        # the URI to use from outside
#   scripts/libvirtd-netns-host.sh pid        # the PID that holds the namespace
set -eu

B=${VPROV_NETNS_DIR:-/var/tmp/vprov-netns}
SOCK=$B/run/libvirt-sock
URI="qemu:///system?socket=$SOCK"
PIDF=$B/run/libvirtd-ns.pid

v() {
	virsh -q -c "$URI" "$@"
}

answers() {
	[ -S "$SOCK" ] && v version >/dev/null 2>&1
}

# The daemon's PID when it is alive and in a network namespace of its own.
nspid() {
	if [ -s "$PIDF" ]; then
		p=$(cat "$PIDF")
		if kill -0 "$p" 2>/dev/null &&
			[ "$(readlink /proc/"$p"/ns/net)" != "$(readlink /proc/1/ns/net)" ]; then
			echo "$p"
			return 0
		fi
	fi
	return 1
}

# Runs in the new namespaces and becomes libvirtd.
inner() {
	# /sys of this network namespace (so only its own links show), with
	# the cgroup mounts the QEMU driver needs moved back over it
	mkdir -p "$B/cg"
	mount --rbind /sys/fs/cgroup "$B/cg"
	mount -t sysfs sysfs /sys
	mount --move "$B/cg" /sys/fs/cgroup
	ip link set lo up

	mkdir -p "$B/run" "$B/varlib/images" "$B/varlib/boot" "$B/varlib/dnsmasq" \
		"$B/cache" "$B/etc" "$B/log/qemu"
	rm -rf "${B:?}/etc/"*
	cp -a /etc/libvirt/. "$B/etc/"
	mkdir -p /run/libvirt
	mount --bind "$B/run" /run/libvirt
	mount --bind "$B/varlib" /var/lib/libvirt
	mount --bind "$B/cache" /var/cache/libvirt
	mount --bind "$B/etc" /etc/libvirt
	mount --bind "$B/log" /var/log/libvirt
	# a host of its own: none of the machine's domains, pools or networks
	rm -rf /etc/libvirt/qemu/*.xml /etc/libvirt/qemu/autostart \
		/etc/libvirt/qemu/networks /etc/libvirt/storage
	mkdir -p /etc/libvirt/storage /etc/libvirt/qemu/networks/autostart
	cat >/etc/libvirt/libvirtd.conf <<EOC
listen_tls = 0
listen_tcp = 0
unix_sock_dir = "/run/libvirt"
EOC
	rm -f /run/libvirt/*.pid /run/libvirt/*sock*
	virtlogd -d -p /run/libvirt/virtlogd-ns.pid
	exec libvirtd --pid-file /run/libvirt/libvirtd-ns.pid
}

# PIDs of the processes in network namespace $1 (net:[inode]).
ns_procs() {
	for d in /proc/[0-9]*; do
		[ "$(readlink "$d/ns/net" 2>/dev/null)" = "$1" ] && echo "${d#/proc/}"
	done
	return 0
}

# TERM the processes of namespace $1, KILL what is left after 10 s.  With
# $2, only the binaries this script starts: an inode number is reused once
# its namespace is gone, so a dead namespace's number may name another.
kill_ns() {
	left=""
	for q in $(ns_procs "$1"); do
		if [ -n "${2:-}" ]; then
			case "$(readlink /proc/"$q"/exe 2>/dev/null)" in
			*/libvirtd | */virtlogd | */dnsmasq | */qemu-system-*) ;;
			*) continue ;;
			esac
		fi
		left="$left $q"
	done
	for q in $left; do kill "$q" 2>/dev/null || true; done
	i=0
	while [ -n "$left" ] && [ "$i" -lt 50 ]; do
		sleep 0.2
		i=$((i + 1))
		still=""
		for q in $left; do kill -0 "$q" 2>/dev/null && still="$still $q"; done
		left=$still
	done
	for q in $left; do kill -9 "$q" 2>/dev/null || true; done
}

stop() {
	if answers; then
		for d in $(v list --name); do v destroy "$d" >/dev/null 2>&1 || true; done
		for n in $(v net-list --name); do v net-destroy "$n" >/dev/null 2>&1 || true; done
	fi
	if p=$(nspid); then
		kill_ns "$(readlink /proc/"$p"/ns/net)"
	elif [ -s "$B/netns-id" ] && [ "$(cat "$B/netns-id")" != "$(readlink /proc/1/ns/net)" ]; then
		# the daemon died: its dnsmasq, QEMUs and virtlogd may live on
		kill_ns "$(cat "$B/netns-id")" only-ours
	fi
	rm -f "$B/netns-id" "$PIDF" "$B/run/"*sock* 2>/dev/null || true
}

start() {
	if ! answers; then
		if [ "$(id -u)" -ne 0 ]; then
			echo "libvirtd-netns-host: only root can start it" >&2
			exit 1
		fi
		if p=$(nspid); then
			echo "libvirtd-netns-host: libvirtd $p runs but does not answer on $SOCK; run '$0 stop' first" >&2
			exit 1
		fi
		stop
		mkdir -p "$B/run"
		rm -rf "${B:?}/run/"*
		setsid unshare -m -n --propagation private "$0" __inner >"$B.log" 2>&1 </dev/null &
		i=0
		while ! answers; do
			i=$((i + 1))
			if [ "$i" -ge 300 ]; then
				echo "libvirtd-netns-host: no answer on $SOCK within 60 s (see $B.log)" >&2
				exit 1
			fi
			sleep 0.2
		done
	fi
	# the daemon must not be in the machine's own network namespace
	p=$(nspid) || {
		echo "libvirtd-netns-host: $PIDF does not name a daemon in a network namespace of its own" >&2
		exit 1
	}
	readlink /proc/"$p"/ns/net >"$B/netns-id"
	nsenter -t "$p" -m -n ip link set lo up
}

case "${1:-}" in
__inner) inner ;;
start) start ;;
stop) stop ;;
purge)
	stop
	rm -rf "$B" "$B.log"
	;;
exec)
	shift
	p=$(nspid) || {
		echo "libvirtd-netns-host: not running (start it first)" >&2
		exit 1
	}
	exec nsenter -t "$p" -m -n --wd="$PWD" -- "$@"
	;;
uri) echo "$URI" ;;
pid) nspid ;;
*)
	echo "usage: $0 start|stop|purge|exec CMD...|uri|pid" >&2
	exit 2
	;;
esac
