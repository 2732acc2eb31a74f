"""tests/compat/cases_cmdline.py — the command-level pieces of virt-install's
command line: --xml edits, -c as --cdrom, names picked after the OS
profile, --check (helper D of issue 12)."""

from cases import K, KT, NOD, NOI, VCPUS_2

# --osinfo generic: no OS profile.  virt-install then assumes an OS that
# drives no virtio device; vprov assumes a current one (README: "No
# --osinfo" and "Memory, vCPUs by default"), each difference below
WHY_GENERIC = ("with no OS profile vprov assumes a current OS (README: modern defaults), "
               "virt-install one that drives nothing newer than the PC's own devices: ")
GENERIC_MACHINE = (r"^os/type\[0\]@machine$", K,
                   WHY_GENERIC + "q35, where virt-install keeps i440fx", "q35")
GENERIC_CONTROLLERS = (r"^devices/controller\[\d+\]", KT,
                       WHY_GENERIC + "USB 3 (one qemu-xhci with 15 ports) instead of USB 2 "
                       "(EHCI and three UHCI companions), and on q35 the PCIe root with 14 "
                       "hot-plug root ports")
GENERIC_VIRTIO = (r"^devices/(channel\[0\]|memballoon\[0\]|rng\[0\])", KT,
                  WHY_GENERIC + "the virtio balloon, RNG and guest-agent channel")
GENERIC_DISK_NET = (r"^devices/(disk\[0\]/target\[0\]@(bus|dev)|interface\[0\]/model\[0\]@type)$",
                    KT, WHY_GENERIC + "a virtio disk and NIC instead of IDE and e1000")
GENERIC = [GENERIC_MACHINE, GENERIC_CONTROLLERS, GENERIC_VIRTIO, VCPUS_2]

CASES = [
    # --osinfo generic (virt-install needs --memory then)
    {"id": "osinfo-generic", "args": "--name c1 --osinfo generic --memory 1024 " + NOD,
     "deliberate": GENERIC},
    {"id": "osinfo-generic-disk-net",
     "args": "--name c1 --osinfo generic --memory 1024 --disk size=8 --network network=default "
             "--graphics none --install no_install=yes",
     "deliberate": GENERIC + [GENERIC_DISK_NET]},
    {"id": "osinfo-generic-memory", "args": "--name c1 --osinfo generic --memory 2048 " + NOD,
     "vprov_args": "--name c1 --osinfo generic " + NOD,
     "spelling": "with no OS profile vprov's default memory is 2 GiB (README: Memory, vCPUs "
                 "by default); virt-install requires --memory",
     "deliberate": GENERIC},
    # --xml XPATH=VALUE: edits of the final document, in order
    {"id": "xml-attr", "args": "--name c1 --osinfo debian11 --xml ./@foo=bar " + NOD},
    {"id": "xml-disk-serial",
     "args": "--name c1 --osinfo debian11 --disk size=8 --xml ./devices/disk[1]/serial=abc " + NOI},
    {"id": "xml-set-text", "args": "--name c1 --osinfo debian11 --xml xpath.set=./description=hello " + NOD},
    {"id": "xml-set-value",
     "args": "--name c1 --osinfo debian11 --xml xpath.set=./title,xpath.value=a=b " + NOD},
    {"id": "xml-comma-in-value",
     "args": "--name c1 --osinfo debian11 --xml ./description=one,two " + NOD},
    {"id": "xml-create", "args": "--name c1 --osinfo debian11 --xml xpath.create=./features/hap " + NOD},
    {"id": "xml-create-path",
     "args": "--name c1 --osinfo debian11 --xml xpath.create=./devices/disk[1]/shareable "
             "--disk size=8 " + NOI},
    {"id": "xml-delete", "args": "--name c1 --osinfo debian11 --xml xpath.delete=./on_crash " + NOD},
    {"id": "xml-condition", "modes": K,
     "args": "--name c1 --osinfo debian11 --disk size=8 --cdrom {tmp}/boot.iso "
             "--xml ./devices/disk[@device='disk']/serial=d1 --network none --graphics none"},
    {"id": "xml-in-order",
     "args": "--name c1 --osinfo debian11 --xml ./description=first --xml ./description=second "
             "--xml ./devices/memballoon/@autodeflate=on " + NOD},
    {"id": "xml-clear",
     "args": "--name c1 --osinfo debian11 --xml ./description=x --xml ./description= " + NOD},
    {"id": "xml-absolute", "args": "--name c1 --osinfo debian11 --xml /domain/@foo=bar " + NOD},
    # -c is --cdrom in virt-install (on a KVM x86_64 host only, as cases.py's
    # cdrom: the test driver's i686 host puts virt-install's CD on IDE)
    {"id": "cdrom-short-c", "modes": K,
     "args": "--name c1 --osinfo debian11 -c {tmp}/boot.iso --disk size=8 --network none --graphics none"},
    {"id": "cdrom-long", "modes": K,
     "args": "--name c1 --osinfo debian11 --cdrom {tmp}/boot.iso --disk size=8 --network none --graphics none"},
    # no name: one after the OS profile
    {"id": "name-from-profile", "args": "--osinfo debian11 " + NOD},
    {"id": "name-from-profile-ubuntu", "args": "--osinfo ubuntu22.04 " + NOD},
    {"id": "name-from-profile-c", "modes": K, "args": "--osinfo debian11 -c {tmp}/boot.iso --disk size=8 "
                                          "--network none --graphics none"},
    # --check: nothing on this host fails a check, so the document is the same
    {"id": "check-all-off", "args": "--name c1 --osinfo debian11 --check all=off " + NOD},
    {"id": "check-path-in-use-off",
     "args": "--name c1 --osinfo debian11 --disk size=8 --check path_in_use=off " + NOI},
    {"id": "check-disk-size-off",
     "args": "--name c1 --osinfo debian11 --disk size=8 --check disk_size=off " + NOI},
    {"id": "check-mac-in-use-off",
     "args": "--name c1 --osinfo debian11 --disk none --graphics none "
             "--network network=default,mac=52:54:00:12:34:56 --check mac_in_use=off"},
    {"id": "check-two", "args": "--name c1 --osinfo debian11 --check path_in_use=off,mac_in_use=off "
                                "--check disk_size=off " + NOD},
]
