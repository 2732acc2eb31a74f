"""tests/compat/cases_devices_legacy.py — graphics (VNC, SPICE and the video
model), the devices of OS profiles without virtio or USB 3 (i440fx, USB 2,
legacy displays) and the boot order an install leaves behind.

See cases.py for the fields of a case.
"""
from cases import K, T, KT, NOD, NOI

ND = "--disk none --network none"

# the machine: both tools pick the i440fx PC for these profiles
MACHINE_PC = (r"^os/type\[0\]@machine$", K,
              "vprov writes the machine alias 'pc', which libvirt expands at define "
              "to the newest i440fx machine (pc-i440fx-7.2 on this host), the one "
              "virt-install writes out: the same machine, and the document does not "
              "pin one QEMU release (as 'q35' does not, in both tools)", "pc")
MACHINE_PC_T = (r"^os/type\[0\]@machine$", T,
                "vprov names the i440fx PC ('pc') for an OS without q35 support; "
                "virt-install leaves the test driver's i686 guests to libvirt's "
                "default machine, the same i440fx PC", "pc")
# virtio devices osinfo-db does not list for an OS that drives virtio-net/-blk
VIRTIO_EXTRAS = (r"^devices/(memballoon\[0\]@model|channel\[\d+\](@type|/target\[0\]@(type|name)))$", KT,
                 "an OS that drives virtio-net and virtio-blk gets the virtio balloon and "
                 "the guest-agent channel too (README: --os): their drivers came in the "
                 "same releases (Linux 2.6.25-2.6.34, FreeBSD 9-10), where osinfo-db lists "
                 "only some of an OS's virtio devices; unused, they cost nothing")
VCPUS_2 = (r"^vcpu#text$", KT,
           "vprov's default is 2 vCPUs where the profile recommends none "
           "(README: --vcpus); virt-install's is 1", "2")
WIN_BALLOON = (r"^devices/memballoon\[0\]@model$", K,
               "vprov adds virtio devices only where the OS has their driver "
               "(README: --os); Windows has no virtio balloon driver inbox, so "
               "no balloon rather than virt-install's one the guest cannot use",
               "none")
WIN_BALLOON_T = (r"^devices/memballoon\[0\]@model$", T, WIN_BALLOON[2], "none")
WIN_HYPERV_T = (r"^(features/hyperv\[0\]|clock/timer\[3\])", T,
                "the Hyper-V enlightenments exist only under KVM: vprov leaves them out "
                "of a test-driver (emulated) domain, virt-install copies them in")
# the test driver: no domain capabilities of its own
VIDEO_TEST = (r"^devices/video\[0\]/model\[0\]@type$", T,
              "the test driver's domain capabilities list no video models, so "
              "virt-install falls back to VGA; vprov does not ask them for a device "
              "every QEMU it supports has (virtio-gpu, for an OS that drives it)",
              "virtio")
CDROM_FIRST = (r"^os/boot\[\d+\]@dev$", KT,
               "a CD-ROM given with --disk and nothing else to boot is booted first, "
               "then the disks (README: --disk device=cdrom): libvirt starts QEMU with "
               "a strict boot order, so virt-install's 'hd' alone leaves a new empty "
               "disk at 'No bootable device' and never tries the CD")

CASES = [
    # VNC: the video model follows the OS (virtio-gpu where it has the
    # driver, else VGA; bochs on UEFI)
    {"id": "dev-vnc-test", "modes": T, "args": "--name c1 --osinfo debian11 --graphics vnc " + ND,
     "deliberate": [VIDEO_TEST]},
    {"id": "dev-vnc-machine-pc", "modes": K, "args": "--name c1 --osinfo debian11 --machine pc --graphics vnc " + ND},
    {"id": "dev-vnc-uefi", "modes": K, "args": "--name c1 --osinfo debian11 --boot uefi --graphics vnc " + ND},
    {"id": "dev-vnc-centos7", "modes": K, "args": "--name c1 --osinfo centos7.0 --graphics vnc " + ND},
    {"id": "dev-vnc-win10", "modes": K, "args": "--name c1 --osinfo win10 --graphics vnc " + ND,
     "deliberate": [WIN_BALLOON]},
    {"id": "dev-vnc-win10-uefi", "modes": K, "args": "--name c1 --osinfo win10 --boot uefi --graphics vnc " + ND,
     "deliberate": [WIN_BALLOON]},
    {"id": "dev-vnc-win7", "modes": K, "args": "--name c1 --osinfo win7 --graphics vnc " + ND,
     "deliberate": [WIN_BALLOON]},

    # SPICE: the agent channel, sound, USB redirection, image compression
    {"id": "dev-spice", "modes": K, "args": "--name c1 --osinfo debian11 --graphics spice " + ND},
    {"id": "dev-spice-port", "modes": K, "args": "--name c1 --osinfo debian11 --graphics spice,port=5910 " + ND},
    {"id": "dev-spice-listen", "modes": K, "args": "--name c1 --osinfo debian11 --graphics spice,listen=0.0.0.0 " + ND},
    {"id": "dev-spice-machine-pc", "modes": K, "args": "--name c1 --osinfo debian11 --machine pc --graphics spice " + ND},
    {"id": "dev-spice-uefi", "modes": K, "args": "--name c1 --osinfo fedora37 --boot uefi --graphics spice " + ND},
    {"id": "dev-spice-ubuntu22.04", "modes": K, "args": "--name c1 --osinfo ubuntu22.04 --memory 4096 --graphics spice --disk size=8 --network network=default --install no_install=yes"},
    {"id": "dev-spice-win10", "modes": K, "args": "--name c1 --osinfo win10 --graphics spice " + ND,
     "deliberate": [WIN_BALLOON]},
    {"id": "dev-spice-win10-uefi", "modes": K, "args": "--name c1 --osinfo win10 --boot uefi --graphics spice " + ND,
     "deliberate": [WIN_BALLOON]},

    # OS profiles without virtio 1.0, q35 or USB 3: the i440fx PC, USB 2
    {"id": "legacy-ubuntu16.04", "args": "--name c1 --osinfo ubuntu16.04 " + NOD,
     "deliberate": [MACHINE_PC, MACHINE_PC_T, VIRTIO_EXTRAS]},
    {"id": "legacy-ubuntu16.04-vnc", "modes": K, "args": "--name c1 --osinfo ubuntu16.04 --graphics vnc " + ND,
     "deliberate": [MACHINE_PC, VIRTIO_EXTRAS]},
    {"id": "legacy-ubuntu16.04-spice", "modes": K, "args": "--name c1 --osinfo ubuntu16.04 --graphics spice " + ND,
     "deliberate": [MACHINE_PC, VIRTIO_EXTRAS]},
    {"id": "legacy-linux2016", "args": "--name c1 --osinfo linux2016 " + NOD,
     "deliberate": [MACHINE_PC, MACHINE_PC_T, VIRTIO_EXTRAS]},
    {"id": "legacy-linux2016-vnc-disk", "modes": K,
     "args": "--name c1 --osinfo linux2016 --graphics vnc --disk size=4 --network network=default --install no_install=yes",
     "deliberate": [MACHINE_PC, VIRTIO_EXTRAS]},
    {"id": "legacy-mageia8", "args": "--name c1 --osinfo mageia8 " + NOD,
     "deliberate": [MACHINE_PC, MACHINE_PC_T, VIRTIO_EXTRAS, VCPUS_2]},
    {"id": "legacy-mageia8-vnc", "modes": K, "args": "--name c1 --osinfo mageia8 --graphics vnc " + ND,
     "deliberate": [MACHINE_PC, VIRTIO_EXTRAS, VCPUS_2]},
    {"id": "legacy-mageia8-spice", "modes": K, "args": "--name c1 --osinfo mageia8 --graphics spice " + ND,
     "deliberate": [MACHINE_PC, VIRTIO_EXTRAS, VCPUS_2]},
    {"id": "legacy-freebsd13.1", "args": "--name c1 --osinfo freebsd13.1 --memory 2048 " + NOD,
     "deliberate": [MACHINE_PC, MACHINE_PC_T, VIRTIO_EXTRAS, VCPUS_2]},
    {"id": "legacy-freebsd13.1-vcpus", "modes": K,
     "args": "--name c1 --osinfo freebsd13.1 --memory 2048 --vcpus 1 " + NOD,
     "deliberate": [MACHINE_PC, VIRTIO_EXTRAS]},
    {"id": "legacy-winxp", "args": "--name c1 --osinfo winxp " + NOD,
     "deliberate": [MACHINE_PC, MACHINE_PC_T, WIN_BALLOON, WIN_BALLOON_T, WIN_HYPERV_T]},
    {"id": "legacy-winxp-vnc", "modes": K, "args": "--name c1 --osinfo winxp --graphics vnc " + ND,
     "deliberate": [MACHINE_PC, WIN_BALLOON]},
    {"id": "legacy-winxp-spice", "modes": K, "args": "--name c1 --osinfo winxp --graphics spice " + ND,
     "deliberate": [MACHINE_PC, WIN_BALLOON]},
    {"id": "legacy-winxp-disk-net", "modes": K,
     "args": "--name c1 --osinfo winxp --disk size=4 --network network=default --graphics vnc --install no_install=yes",
     "deliberate": [MACHINE_PC, WIN_BALLOON]},

    # an i686 guest on the x86_64 KVM host: KVM runs it
    {"id": "arch-i686-kvm", "modes": K, "args": "--name c1 --osinfo debian11 --arch i686 " + NOD,
     "deliberate": [
         (r"^cpu@mode$", K,
          "a KVM guest gets the host's CPU (README: --virt-type), an i686 one too; "
          "virt-install passes the host CPU through only for the host's own "
          "architecture and leaves an i686 guest on QEMU's qemu32 model", "host-passthrough"),
         (r"^features/pae\[0\]#present$", K,
          "libvirt's QEMU driver does not act on <pae/> (PAE comes with the CPU "
          "model); virt-install copies it from the i686 capabilities, vprov does "
          "not write it"),
     ]},

    # the boot order the install leaves behind
    {"id": "final-boot-cdrom-vnc", "modes": K,
     "args": "--name c1 --osinfo debian11 --disk size=8 --network none --graphics vnc --cdrom {tmp}/boot.iso"},
    {"id": "final-boot-pxe-uefi", "modes": K,
     "args": "--name c1 --osinfo debian11 --disk size=8 --network network=default --graphics none --boot uefi --pxe"},
    {"id": "final-boot-import", "args": "--name c1 --osinfo debian11 --disk size=8 --network none --graphics none --import"},
    {"id": "final-boot-disk-cdrom", "modes": K,
     "args": "--name c1 --osinfo debian11 --disk size=8 --disk {tmp}/boot.iso,device=cdrom " + NOI,
     "deliberate": [CDROM_FIRST]},
    {"id": "final-boot-disk-cdrom-given", "modes": K,
     "args": "--name c1 --osinfo debian11 --disk size=8 --disk {tmp}/boot.iso,device=cdrom --boot hd,cdrom " + NOI},
]

# no OS profile ('generic'): on the PC, the display any OS drives
GENERIC = (r"^devices/(controller\[\d\]|channel\[\d\]|memballoon\[0\]|rng\[0\])", K,
           "with no OS profile vprov assumes a current OS (README: modern defaults): "
           "USB 3, the virtio balloon, RNG and guest-agent channel; virt-install "
           "assumes one that drives none of them")
CASES += [
    {"id": "dev-generic-pc-spice", "modes": K,
     "args": "--name c1 --osinfo generic --memory 1024 --machine pc --graphics spice " + ND,
     "deliberate": [GENERIC, VCPUS_2]},
    {"id": "dev-generic-pc-vnc", "modes": K,
     "args": "--name c1 --osinfo generic --memory 1024 --machine pc --graphics vnc " + ND,
     "deliberate": [GENERIC, VCPUS_2]},
]
