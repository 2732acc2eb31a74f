#!/bin/bash
# tests/e2e/test_profiles.sh — OS profiles on the real libvirtd: what a
# profile picks is accepted by QEMU and runs: a modern profile (q35,
# virtio) booting the Debian kernel, a legacy one (i440fx, IDE, e1000,
# USB 1) reaching its firmware; options given win over the profile.
. "$(dirname "$0")/lib.sh"

P=$E2E_PREFIX
BOOT="kernel=$E2E_KERNEL,initrd=$E2E_INITRD,kernel_args=\"$E2E_KARGS\""
json() { python3 -c "import json,sys; j=json.loads(sys.argv[1]); print($2)" "$1"; }

# debian12 is one of vprov's built-in profiles (Debian 12's osinfo-db has none)
e2e_run osinfo show debian12 --json
e2e_check "osinfo knows debian12 (rc=$RC)" [ "$RC" -eq 0 ]
e2e_check "... from vprov's built-in profiles" [ "$(json "$OUT" "j['source']")" = bundled ]

e2e_run create "${P}deb" --os debian12 --disk none --network none --graphics none \
	--boot "$BOOT" --noautoconsole
e2e_check "create --os debian12 (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
e2e_check "the summary names the profile" grep -q "created VM '${P}deb' (debian12): 2 GiB" <<<"$OUT"
INFO=$("$VPROV" info "${P}deb" --json)
e2e_check "it runs" [ "$(json "$INFO" "j['state']")" = running ]
e2e_check "its memory is the profile's (2 GiB)" [ "$(json "$INFO" "j['memory_mib']")" = 2048 ]
e2e_check "info names the profile" [ "$(json "$INFO" "j['os']")" = debian12 ]
XML=$("$VPROV" xml "${P}deb")
e2e_check "libvirt's tools see the OS too" grep -q 'libosinfo:os id="http://debian.org/debian/12"' <<<"$XML"
e2e_check "the Debian kernel boots on it" e2e_wait_boot "${P}deb" '\(initramfs\)' 300
"$VPROV" delete "${P}deb" >/dev/null

# winxp: no virtio, no q35, no USB 3 in osinfo-db; QEMU must take that
e2e_run create "${P}xp" --os winxp --disk size=1 --network user --graphics vnc --import --noautoconsole
e2e_check "create --os winxp (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
XML=$("$VPROV" xml "${P}xp")
e2e_check "an i440fx machine" grep -q "machine='pc-i440fx" <<<"$XML"
e2e_check "an IDE disk" grep -q "bus='ide'" <<<"$XML"
e2e_check "an e1000 NIC" grep -q "<model type='e1000'/>" <<<"$XML"
e2e_check "USB 2 (ICH9 EHCI with its UHCI companions)" grep -q "model='ich9-ehci1'" <<<"$XML"
e2e_check "no memory balloon" grep -q "<memballoon model='none'/>" <<<"$XML"
e2e_check "its clock in local time" grep -q "<clock offset='localtime'>" <<<"$XML"
e2e_check "it runs" [ "$(e2e_state "${P}xp")" = running ]
e2e_check "its firmware reaches the IDE disk" \
	e2e_wait_log "/var/log/libvirt/qemu/${P}xp-console.log" "Booting from Hard Disk" 90
"$VPROV" delete "${P}xp" >/dev/null

# the user's options win over the profile's
e2e_run create "${P}own" --os winxp --machine q35 --memory 768 --disk size=1,bus=virtio \
	--network user,model=virtio --graphics none --import --noautoconsole
e2e_check "create --os winxp with options (rc=$RC: $ERR)" [ "$RC" -eq 0 ]
XML=$("$VPROV" xml "${P}own")
e2e_check "the machine given wins" grep -q "machine='pc-q35" <<<"$XML"
e2e_check "the disk bus given wins" grep -q "bus='virtio'" <<<"$XML"
e2e_check "the NIC model given wins" grep -q "<model type='virtio'/>" <<<"$XML"
e2e_check "the memory given wins" grep -q "<memory unit='KiB'>786432</memory>" <<<"$XML"
e2e_check "it runs" [ "$(e2e_state "${P}own")" = running ]
"$VPROV" delete "${P}own" >/dev/null

e2e_run create "${P}x" --os ubuntu20 --disk none
e2e_check "an unknown profile is bad input (rc=$RC)" [ "$RC" -eq 2 ]
e2e_check "... with suggestions" grep -q "did you mean ubuntu20.04 or ubuntu20.10" <<<"$ERR"
e2e_check "... and nothing made" bash -c "! virsh -q dominfo '${P}x' >/dev/null 2>&1"

e2e_finish
