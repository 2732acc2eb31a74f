#!/bin/sh
# Set up a fresh Debian 12 machine (as root), build vprov, and provision
# real VMs: first the README's first line exactly as typed (Ubuntu 20.04's
# cloud image, where it can be downloaded), then a Debian 12 cloud image
# built here with a cloud-init seed (its login prompt shows the seeded host
# name), a VM that boots the Debian kernel and shows what it printed on its
# serial console, and one that boots the real Debian 12 installer.
set -eu
cd "$(dirname "$0")/.."

./scripts/setup-deps.sh
./scripts/libvirtd-start.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc)" >/dev/null
PATH="$PWD/build:$PATH"

# each command as typed, in bold on a terminal
if [ -t 1 ]; then
	say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
else
	say() { printf '\n$ %s\n' "$*"; }
fi

# wait_log VM PATTERN SECONDS: until the VM's console log shows PATTERN
wait_log() {
	i=0
	while [ "$i" -lt $(($3 * 2)) ]; do
		if vprov console "$1" --log 2>/dev/null | grep -qE "$2"; then
			return 0
		fi
		sleep 0.5
		i=$((i + 1))
	done
	echo "demo: VM '$1' printed nothing matching '$2' within $3 s" >&2
	return 1
}

# The README's first line: the OS profile's cloud image (Ubuntu 20.04's,
# from cloud-images.ubuntu.com) under a thin overlay, with cloud-init's
# defaults.  Where that host cannot be reached and the image is not cached,
# it fails at once with one line that names the URL and the other ways,
# having made nothing.
if vprov info ubuntu20 >/dev/null 2>&1; then
	echo "VM 'ubuntu20' exists already (from an earlier run); 'vprov delete ubuntu20' removes it"
	UBUNTU=1
else
	say vprov create ubuntu20 --ram 2048
	if vprov create ubuntu20 --ram 2048; then
		UBUNTU=1
	else
		UBUNTU=0
		echo "(this machine cannot download Ubuntu's cloud image: the next VM boots a Debian 12 cloud image built here instead)"
	fi
fi

# A Debian 12 cloud image built on this machine (once; cached under
# /var/tmp), booted from an overlay with a cloud-init seed that names it.
IMG=$(./scripts/test-image.sh)
if vprov info vprov-cloud >/dev/null 2>&1; then
	vprov delete vprov-cloud >/dev/null
fi
# Its kernel has no serial console of its own: --inject puts one on the
# kernel's command line in the overlay before the first boot.
say vprov create vprov-cloud --image "$IMG" --cloud-init hostname=vprov-cloud --inject serial-console --memory 1024 --disk size=4 --network none --graphics none --noautoconsole
vprov create vprov-cloud --image "$IMG" --cloud-init hostname=vprov-cloud --inject serial-console \
	--memory 1024 --disk size=4 --network none --graphics none --noautoconsole

KERNEL=$(ls /boot/vmlinuz-* | sort -V | tail -n 1)
INITRD=$(ls /boot/initrd.img-* | sort -V | tail -n 1)
if vprov info vprov-demo >/dev/null 2>&1; then
	vprov delete vprov-demo >/dev/null
fi
say vprov create vprov-demo --memory 512 --vcpus 1 --disk size=1 --network none \
	--boot "kernel=$KERNEL,initrd=$INITRD,kernel_args=\"console=ttyS0 break=top\""
vprov create vprov-demo --memory 512 --vcpus 1 --disk size=1 --network none \
	--boot "kernel=$KERNEL,initrd=$INITRD,kernel_args=\"console=ttyS0 break=top\""
wait_log vprov-demo '\(initramfs\)' 180
say vprov console vprov-demo --log
vprov console vprov-demo --log | tr -d '\r' | grep -E 'Linux version|Run /init|Spawning shell|\(initramfs\)'
# the real Debian 12 installer, from the netboot tree the set-up installed
DI=/usr/lib/debian-installer/images/12/amd64/text
if vprov info vprov-install >/dev/null 2>&1; then
	vprov delete vprov-install >/dev/null
fi
say vprov create vprov-install --location $DI --graphics none --disk size=4 --network none --noautoconsole
vprov create vprov-install --location $DI --graphics none --disk size=4 --network none --noautoconsole
wait_log vprov-install 'Select a language|Choose the language' 480
say vprov console vprov-install --log
vprov console vprov-install --log | tr -d '\r' | sed 's/\x1b\[[0-9;?]*[A-Za-z]//g; s/\x1b[()][0-9A-Za-z]//g' |
	grep -aoE 'Select a language|Choose the language to be used[^.]*' | sort -u
wait_log vprov-cloud 'vprov-cloud login:' 600
say vprov console vprov-cloud --log
vprov console vprov-cloud --log | tr -d '\r' | grep -aE 'Debian GNU/Linux 12|cloud-init.*(running|finished)|login:' | tail -n 4
if [ "$UBUNTU" = 1 ]; then
	wait_log ubuntu20 'ubuntu20 login:' 600
	say vprov console ubuntu20 --log
	vprov console ubuntu20 --log | tr -d '\r' | grep -aE 'Ubuntu 20.04|login:' | tail -n 3
fi
say vprov list --all
vprov list --all
say vprov info vprov-demo
vprov info vprov-demo

cat <<'EOT'

The VMs are running.  Log in to the cloud VM (root, with the password
shown above), type into the demo's shell, or answer the Debian installer:
  build/vprov console vprov-cloud       (detach with Ctrl+])
  build/vprov console vprov-demo
  build/vprov console vprov-install
Remove them, with the volumes vprov made for them (the cloud image's base
volume stays for the next VM; 'vprov image rm' removes it), with:
  for vm in vprov-cloud vprov-demo vprov-install ubuntu20; do build/vprov delete $vm; done
EOT
