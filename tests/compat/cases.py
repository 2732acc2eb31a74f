"""tests/compat/cases.py — the command lines compare.py runs through both tools.

Each case: id; args, in virt-install's spelling, given as they are to
`virt-install --print-xml` and `vprov create --print-xml` ({tmp}/vmlinuz,
{tmp}/initrd.img and {tmp}/boot.iso are files the runner makes); modes, the
host modes to run it in ("kvm": both tools see a KVM x86_64 host; "test":
the test driver's own i686 capabilities; default both); deliberate, the
fields where vprov differs on purpose, each (field regex, modes, reason) or
(field regex, modes, reason, vprov's value) to excuse only that value.
Fields listed for every case are in compare.py's GLOBAL_DELIBERATE.

A case goes in only when both tools accept it and every difference is
deliberate: a difference found that is not goes into the issue, not here.
"""

K = ("kvm",)
T = ("test",)
KT = ("kvm", "test")

NOD = "--disk none --network none --graphics none"
# a new empty disk and nothing to install from, on purpose: without it vprov
# takes the profile's cloud image (case cloud-image-default)
NOI = "--network none --graphics none --install no_install=yes"

WIN_BALLOON = (r"^devices/memballoon\[0\]@model$", K,
               "vprov adds virtio devices only where the OS has their driver "
               "(README: --os); Windows has no virtio balloon driver inbox, so "
               "no balloon rather than virt-install's one the guest cannot use",
               "none")
TCG_CPU = (r"^cpu@mode$", K,
           "TCG guests get QEMU's max CPU model: the default qemu64 lacks "
           "x86-64-v2, which current distributions require (README: --virt-type)",
           "maximum")

VCPUS_2 = ("^vcpu#text$", KT,
           "vprov's default is 2 vCPUs where the profile recommends none "
           "(README: --vcpus); virt-install's is 1", "2")

CASES = [
    # memory, vCPUs, the OS profile
    {"id": "minimal", "args": "--name c1 --osinfo debian11 " + NOD},
    {"id": "memory-mib", "args": "--name c1 --osinfo debian11 --memory 3072 " + NOD},
    {"id": "ram-alias", "args": "--name c1 --osinfo debian11 --ram 512 " + NOD},
    {"id": "memory-small", "args": "--name c1 --osinfo debian11 --memory 256 " + NOD},
    {"id": "vcpus", "args": "--name c1 --osinfo debian11 --vcpus 4 " + NOD},
    {"id": "vcpus-1", "args": "--name c1 --osinfo debian11 --vcpus 1 " + NOD},
    {"id": "memory-vcpus", "args": "--name c1 --osinfo debian11 --memory 8192 --vcpus 8 " + NOD},
    {"id": "os-variant-alias", "args": "--name c1 --os-variant debian11 " + NOD},
    {"id": "os-ubuntu22.04", "args": "--name c1 --osinfo ubuntu22.04 " + NOD},
    {"id": "os-ubuntu18.04", "args": "--name c1 --osinfo ubuntu18.04 " + NOD},
    {"id": "os-debian10", "args": "--name c1 --osinfo debian10 " + NOD},
    {"id": "os-fedora37", "args": "--name c1 --osinfo fedora37 " + NOD},
    {"id": "os-centos-stream9", "args": "--name c1 --osinfo centos-stream9 " + NOD},
    {"id": "os-rhel8.6", "args": "--name c1 --osinfo rhel8.6 " + NOD},
    {"id": "os-alpine3.16", "args": "--name c1 --osinfo alpinelinux3.16 " + NOD},
    {"id": "os-opensuse15.4", "args": "--name c1 --osinfo opensuse15.4 " + NOD},
    {"id": "os-linux2020", "args": "--name c1 --osinfo linux2020 " + NOD},
    # virt-install's older spellings
    {"id": "nographics", "args": "--name c1 --osinfo debian11 --disk none --network none --nographics"},
    {"id": "nodisks", "args": "--name c1 --osinfo debian11 --nodisks --network none --graphics none"},
    {"id": "hvm", "args": "--name c1 --osinfo debian11 --hvm " + NOD},
    {"id": "nodisks-nographics-hvm", "args": "--name c1 --osinfo debian11 --hvm --nodisks --network none --nographics --memory 1024"},
    {"id": "os-win10", "modes": K, "args": "--name c1 --osinfo win10 " + NOD, "deliberate": [WIN_BALLOON]},
    {"id": "os-win2k19", "modes": K, "args": "--name c1 --osinfo win2k19 " + NOD, "deliberate": [WIN_BALLOON]},

    {"id": "os-ubuntu20.04", "args": "--name c1 --osinfo ubuntu20.04 " + NOD},
    {"id": "os-ubuntu22.10", "args": "--name c1 --osinfo ubuntu22.10 " + NOD},
    {"id": "os-debian9", "args": "--name c1 --osinfo debian9 " + NOD},
    {"id": "os-fedora36", "args": "--name c1 --osinfo fedora36 " + NOD},
    {"id": "os-silverblue37", "args": "--name c1 --osinfo silverblue37 " + NOD},
    {"id": "os-rhel9.0", "args": "--name c1 --osinfo rhel9.0 " + NOD},
    {"id": "os-rhel9.1", "args": "--name c1 --osinfo rhel9.1 " + NOD},
    {"id": "os-rhel7.9", "args": "--name c1 --osinfo rhel7.9 " + NOD},
    {"id": "os-centos7.0", "args": "--name c1 --osinfo centos7.0 " + NOD},
    {"id": "os-centos-stream8", "args": "--name c1 --osinfo centos-stream8 " + NOD},
    {"id": "os-rocky9", "args": "--name c1 --osinfo rocky9 " + NOD},
    {"id": "os-almalinux9", "args": "--name c1 --osinfo almalinux9 " + NOD},
    {"id": "os-alpine3.17", "args": "--name c1 --osinfo alpinelinux3.17 " + NOD},
    {"id": "os-archlinux", "args": "--name c1 --osinfo archlinux " + NOD, "deliberate": [VCPUS_2]},
    {"id": "os-gentoo", "args": "--name c1 --osinfo gentoo " + NOD, "deliberate": [VCPUS_2]},
    {"id": "os-gentoo-vcpus", "args": "--name c1 --osinfo gentoo --vcpus 1 " + NOD},
    {"id": "os-linux2022", "args": "--name c1 --osinfo linux2022 " + NOD},
    {"id": "os-linux2018", "args": "--name c1 --osinfo linux2018 " + NOD},
    {"id": "os-win8.1", "modes": K, "args": "--name c1 --osinfo win8.1 " + NOD, "deliberate": [WIN_BALLOON]},
    {"id": "os-win7", "modes": K, "args": "--name c1 --osinfo win7 " + NOD, "deliberate": [WIN_BALLOON]},
    {"id": "os-win2k22", "modes": K, "args": "--name c1 --osinfo win2k22 --memory 4096 " + NOD, "deliberate": [WIN_BALLOON]},
    {"id": "os-win11", "modes": K, "args": "--name c1 --osinfo win11 --memory 4096 " + NOD, "deliberate": [WIN_BALLOON]},
    {"id": "os-win10-mem", "modes": K, "args": "--name c1 --osinfo win10 --memory 4096 --vcpus 4 " + NOD, "deliberate": [WIN_BALLOON]},

    # graphics
    {"id": "graphics-vnc", "modes": K, "args": "--name c1 --osinfo debian11 --disk none --network none --graphics vnc"},
    {"id": "graphics-vnc-listen", "modes": K, "args": "--name c1 --osinfo debian11 --disk none --network none --graphics vnc,listen=0.0.0.0"},
    {"id": "graphics-vnc-port", "modes": K, "args": "--name c1 --osinfo debian11 --disk none --network none --graphics vnc,port=5905"},

    # disks
    {"id": "disk-size", "args": "--name c1 --osinfo debian11 --disk size=8 " + NOI},
    {"id": "disk-pool", "args": "--name c1 --osinfo debian11 --disk size=8,pool=default-pool " + NOI},
    {"id": "disk-raw", "args": "--name c1 --osinfo debian11 --disk size=8,format=raw " + NOI},
    {"id": "disk-sata", "args": "--name c1 --osinfo debian11 --disk size=8,bus=sata " + NOI},
    {"id": "disk-scsi", "args": "--name c1 --osinfo debian11 --disk size=8,bus=scsi " + NOI},
    {"id": "disk-usb", "args": "--name c1 --osinfo debian11 --disk size=8,bus=usb " + NOI},
    {"id": "disk-cache", "args": "--name c1 --osinfo debian11 --disk size=8,cache=none " + NOI},
    {"id": "disk-cache-writeback", "args": "--name c1 --osinfo debian11 --disk size=8,cache=writeback " + NOI},
    {"id": "disk-two", "args": "--name c1 --osinfo debian11 --disk size=8 --disk size=2 " + NOI},
    {"id": "disk-mixed-bus", "args": "--name c1 --osinfo debian11 --disk size=8 --disk size=2,bus=sata --disk size=1,bus=scsi " + NOI},
    {"id": "disk-path", "args": "--name c1 --osinfo debian11 --disk path=/default-pool/c1-x.qcow2,size=4 " + NOI},
    {"id": "disk-win10", "modes": K, "args": "--name c1 --osinfo win10 --disk size=8 " + NOI, "deliberate": [WIN_BALLOON]},

    {"id": "disk-sata-two", "args": "--name c1 --osinfo debian11 --disk size=8,bus=sata --disk size=1,bus=sata " + NOI},
    {"id": "disk-scsi-two", "args": "--name c1 --osinfo debian11 --disk size=8,bus=scsi --disk size=1,bus=scsi " + NOI},
    {"id": "disk-raw-second", "args": "--name c1 --osinfo debian11 --disk size=8 --disk size=1,format=raw " + NOI},
    {"id": "disk-cache-unsafe", "args": "--name c1 --osinfo debian11 --disk size=8,cache=unsafe " + NOI},
    {"id": "disk-cache-directsync", "args": "--name c1 --osinfo debian11 --disk size=8,cache=directsync " + NOI},
    {"id": "disk-path-raw", "args": "--name c1 --osinfo debian11 --disk path=/default-pool/c1-y.img,size=4,format=raw " + NOI},
    {"id": "disk-ubuntu22.04", "args": "--name c1 --osinfo ubuntu22.04 --disk size=8 " + NOI},
    {"id": "disk-fedora37", "args": "--name c1 --osinfo fedora37 --disk size=8 " + NOI},
    {"id": "disk-winxp-less", "modes": K, "args": "--name c1 --osinfo win7 --disk size=8 " + NOI, "deliberate": [WIN_BALLOON]},

    # networks
    {"id": "net-model-e1000", "args": "--name c1 --osinfo debian11 --disk none --network network=default,model=e1000 --graphics none"},
    {"id": "net-model-rtl8139", "args": "--name c1 --osinfo debian11 --disk none --network network=default,model=rtl8139 --graphics none"},
    {"id": "net-user-model", "args": "--name c1 --osinfo debian11 --disk none --network user,model=e1000e --graphics none"},
    {"id": "net-bridge-mac", "args": "--name c1 --osinfo debian11 --disk none --network bridge=br0,mac=52:54:00:aa:bb:cc --graphics none"},
    {"id": "net-three", "args": "--name c1 --osinfo debian11 --disk none --network network=default --network bridge=br0 --network user --graphics none"},
    {"id": "net-none", "args": "--name c1 --osinfo debian11 --disk none --network none --graphics none"},
    {"id": "net-default", "args": "--name c1 --osinfo debian11 --disk none --network network=default --graphics none"},
    {"id": "net-user", "args": "--name c1 --osinfo debian11 --disk none --network user --graphics none"},
    {"id": "net-bridge", "args": "--name c1 --osinfo debian11 --disk none --network bridge=br0 --graphics none"},
    {"id": "net-model-e1000e", "args": "--name c1 --osinfo debian11 --disk none --network network=default,model=e1000e --graphics none"},
    {"id": "net-model-virtio", "args": "--name c1 --osinfo debian11 --disk none --network network=default,model=virtio --graphics none"},
    {"id": "net-mac", "args": "--name c1 --osinfo debian11 --disk none --network network=default,mac=52:54:00:11:22:33 --graphics none"},
    {"id": "net-two", "args": "--name c1 --osinfo debian11 --disk none --network network=default --network user --graphics none"},
    {"id": "net-win10", "modes": K, "args": "--name c1 --osinfo win10 --disk none --network network=default --graphics none",
     "deliberate": [WIN_BALLOON]},

    # boot and install
    {"id": "boot-order", "args": "--name c1 --osinfo debian11 --boot network,hd " + NOD},
    {"id": "boot-uefi", "modes": K, "args": "--name c1 --osinfo debian11 --boot uefi " + NOD},
    {"id": "boot-kernel", "args": "--name c1 --osinfo debian11 --boot kernel={tmp}/vmlinuz,initrd={tmp}/initrd.img,kernel_args=console=ttyS0 " + NOD},
    {"id": "cdrom", "modes": K, "args": "--name c1 --osinfo debian11 --disk size=8 --network none --graphics none --cdrom {tmp}/boot.iso"},
    {"id": "pxe", "args": "--name c1 --osinfo debian11 --disk size=8 --network network=default --graphics none --pxe"},
    {"id": "no-install", "args": "--name c1 --osinfo debian11 --disk size=8 " + NOI},

    {"id": "boot-cdrom-hd", "args": "--name c1 --osinfo debian11 --boot cdrom,hd " + NOD},
    {"id": "boot-hd", "args": "--name c1 --osinfo debian11 --boot hd " + NOD},
    {"id": "boot-network", "args": "--name c1 --osinfo debian11 --boot network " + NOD},
    {"id": "boot-kernel-only", "args": "--name c1 --osinfo debian11 --boot kernel={tmp}/vmlinuz " + NOD},
    {"id": "boot-kernel-args-quoted", "args": "--name c1 --osinfo debian11 --boot 'kernel={tmp}/vmlinuz,initrd={tmp}/initrd.img,kernel_args=\"console=ttyS0,115200n8 quiet\"' " + NOD},
    {"id": "cdrom-sata-disk", "modes": K, "args": "--name c1 --osinfo debian11 --disk size=8,bus=sata --network none --graphics none --cdrom {tmp}/boot.iso"},

    # combinations
    {"id": "combo-ubuntu22.04-sata-e1000e", "args": "--name c1 --osinfo ubuntu22.04 --disk size=4,bus=sata --network network=default,model=e1000e --graphics none --install no_install=yes"},
    {"id": "combo-ubuntu22.04-scsi-vnc", "modes": K, "args": "--name c1 --osinfo ubuntu22.04 --memory 2048 --vcpus 2 --disk size=4,bus=scsi,cache=none --network user --graphics vnc --install no_install=yes"},
    {"id": "combo-ubuntu22.04-kernel", "args": "--name c1 --osinfo ubuntu22.04 --disk size=4 --network network=default --graphics none --boot kernel={tmp}/vmlinuz,initrd={tmp}/initrd.img"},
    {"id": "combo-fedora37-sata-e1000e", "args": "--name c1 --osinfo fedora37 --disk size=4,bus=sata --network network=default,model=e1000e --graphics none --install no_install=yes"},
    {"id": "combo-fedora37-scsi-vnc", "modes": K, "args": "--name c1 --osinfo fedora37 --memory 2048 --vcpus 2 --disk size=4,bus=scsi,cache=none --network user --graphics vnc --install no_install=yes"},
    {"id": "combo-fedora37-kernel", "args": "--name c1 --osinfo fedora37 --disk size=4 --network network=default --graphics none --boot kernel={tmp}/vmlinuz,initrd={tmp}/initrd.img"},
    {"id": "combo-centos-stream9-sata-e1000e", "args": "--name c1 --osinfo centos-stream9 --disk size=4,bus=sata --network network=default,model=e1000e --graphics none --install no_install=yes"},
    {"id": "combo-centos-stream9-kernel", "args": "--name c1 --osinfo centos-stream9 --disk size=4 --network network=default --graphics none --boot kernel={tmp}/vmlinuz,initrd={tmp}/initrd.img"},
    {"id": "combo-rhel9.0-sata-e1000e", "args": "--name c1 --osinfo rhel9.0 --disk size=4,bus=sata --network network=default,model=e1000e --graphics none --install no_install=yes"},
    {"id": "combo-rhel9.0-scsi-vnc", "modes": K, "args": "--name c1 --osinfo rhel9.0 --memory 2048 --vcpus 2 --disk size=4,bus=scsi,cache=none --network user --graphics vnc --install no_install=yes"},
    {"id": "combo-rhel9.0-kernel", "args": "--name c1 --osinfo rhel9.0 --disk size=4 --network network=default --graphics none --boot kernel={tmp}/vmlinuz,initrd={tmp}/initrd.img"},
    {"id": "combo-alpinelinux3.17-sata-e1000e", "args": "--name c1 --osinfo alpinelinux3.17 --disk size=4,bus=sata --network network=default,model=e1000e --graphics none --install no_install=yes"},
    {"id": "combo-alpinelinux3.17-kernel", "args": "--name c1 --osinfo alpinelinux3.17 --disk size=4 --network network=default --graphics none --boot kernel={tmp}/vmlinuz,initrd={tmp}/initrd.img"},
    {"id": "combo-opensuse15.4-sata-e1000e", "args": "--name c1 --osinfo opensuse15.4 --disk size=4,bus=sata --network network=default,model=e1000e --graphics none --install no_install=yes"},
    {"id": "combo-opensuse15.4-scsi-vnc", "modes": K, "args": "--name c1 --osinfo opensuse15.4 --memory 2048 --vcpus 2 --disk size=4,bus=scsi,cache=none --network user --graphics vnc --install no_install=yes"},
    {"id": "combo-opensuse15.4-kernel", "args": "--name c1 --osinfo opensuse15.4 --disk size=4 --network network=default --graphics none --boot kernel={tmp}/vmlinuz,initrd={tmp}/initrd.img"},
    {"id": "combo-debian10-sata-e1000e", "args": "--name c1 --osinfo debian10 --disk size=4,bus=sata --network network=default,model=e1000e --graphics none --install no_install=yes"},
    {"id": "combo-debian10-kernel", "args": "--name c1 --osinfo debian10 --disk size=4 --network network=default --graphics none --boot kernel={tmp}/vmlinuz,initrd={tmp}/initrd.img"},
    {"id": "combo-uefi-disk", "modes": K, "args": "--name c1 --osinfo fedora37 --disk size=8 --network network=default --graphics none --boot uefi --install no_install=yes"},
    {"id": "combo-pxe-sata", "args": "--name c1 --osinfo debian11 --disk size=8,bus=sata --network network=default,model=e1000e --graphics none --pxe"},

    # where vprov is deliberately kinder: its own spelling of the same request
    {"id": "memory-units-G", "args": "--name c1 --osinfo debian11 --memory 2048 " + NOD,
     "vprov_args": "--name c1 --osinfo debian11 --memory 2G " + NOD,
     "spelling": "vprov takes units (2G, 512M, 1.5G; README: --memory); virt-install only MiB"},
    {"id": "memory-units-M", "args": "--name c1 --osinfo debian11 --memory 512 " + NOD,
     "vprov_args": "--name c1 --osinfo debian11 --memory 512M " + NOD,
     "spelling": "vprov takes units (2G, 512M, 1.5G; README: --memory); virt-install only MiB"},
    {"id": "memory-units-GiB", "args": "--name c1 --osinfo debian11 --memory 1536 " + NOD,
     "vprov_args": "--name c1 --osinfo debian11 --memory 1.5GiB " + NOD,
     "spelling": "vprov takes units (2G, 512M, 1.5G; README: --memory); virt-install only MiB"},
    {"id": "profile-from-name", "args": "--name debian11 --osinfo debian11 " + NOD,
     "vprov_args": "--name debian11 " + NOD,
     "spelling": "a VM named like an OS profile uses it and says so (README: --os); "
                 "virt-install requires --osinfo"},
    {"id": "profile-from-name-ubuntu", "args": "--name ubuntu22.04 --osinfo ubuntu22.04 " + NOD,
     "vprov_args": "--name ubuntu22.04 " + NOD,
     "spelling": "a VM named like an OS profile uses it and says so (README: --os); "
                 "virt-install requires --osinfo"},
    {"id": "disk-size-units", "args": "--name c1 --osinfo debian11 --disk size=8 " + NOI,
     "vprov_args": "--name c1 --osinfo debian11 --disk size=8G " + NOI,
     "spelling": "vprov takes units in --disk size= (README: --disk); virt-install only GiB"},

    # with no install option vprov installs the profile's cloud image
    # (README: cloud images, the default where the OS profile has one): the
    # first disk becomes a thin overlay on it (the same <disk> element: the
    # backing file is the volume's), and a cloud-init seed comes with it
    {"id": "cloud-image-default", "modes": K,
     "args": "--name c1 --osinfo debian11 --disk size=8 --network none --graphics none",
     "deliberate": [
         (r"^devices/disk\[1\]", K,
          "the NoCloud seed (c1-cidata.iso, read-only) that goes with vprov's default "
          "cloud-image install; virt-install installs nothing without an install option"),
         (r"^(os/smbios\[0\]@mode|sysinfo(@type|/system\[0\]/entry\[0\](@name|#text)))$", K,
          "vprov names the seed to cloud-init by the SMBIOS serial 'ds=nocloud' "
          "as well as by its cidata label"),
     ]},

    # where vprov deliberately refuses what virt-install writes out
    {"id": "refuse-ide-q35", "modes": K,
     "args": "--name c1 --osinfo debian11 --disk size=8,bus=ide " + NOI,
     "refused": (r"^vprov create: bus ide does not exist on machine q35",
                 "q35 has no IDE controller: QEMU would refuse the VM at its first start, "
                 "so vprov refuses before anything is made (README)")},
    {"id": "refuse-ide-q35-second", "modes": K,
     "args": "--name c1 --osinfo debian11 --disk size=8 --disk size=1,bus=ide " + NOI,
     "refused": (r"^vprov create: bus ide does not exist on machine q35",
                 "q35 has no IDE controller: QEMU would refuse the VM at its first start, "
                 "so vprov refuses before anything is made (README)")},

    # the machine and hypervisor
    {"id": "machine-q35", "modes": K, "args": "--name c1 --osinfo debian11 --machine q35 " + NOD},
    {"id": "machine-pc", "modes": K, "args": "--name c1 --osinfo debian11 --machine pc " + NOD},
    {"id": "virt-type-kvm", "modes": K, "args": "--name c1 --osinfo debian11 --virt-type kvm " + NOD},
    {"id": "virt-type-qemu", "modes": K, "args": "--name c1 --osinfo debian11 --virt-type qemu " + NOD, "deliberate": [TCG_CPU]},
    {"id": "arch-x86_64", "modes": K, "args": "--name c1 --osinfo debian11 --arch x86_64 " + NOD},

    # options that change nothing in the document
    {"id": "transient", "args": "--name c1 --osinfo debian11 --transient " + NOD},
    {"id": "noautoconsole", "args": "--name c1 --osinfo debian11 --noautoconsole " + NOD},
    {"id": "console-pty", "args": "--name c1 --osinfo debian11 --console pty,target_type=serial " + NOD},

    # several at once
    {"id": "everything", "modes": K, "args": "--name c1 --osinfo ubuntu22.04 --memory 4096 --vcpus 4 --disk size=10,bus=virtio,cache=none --disk size=1,bus=sata --network network=default,model=virtio --graphics vnc,listen=127.0.0.1 --install no_install=yes"},
]


# More cases, a file per part of the command line: cases_*.py, each with a
# CASES list of its own (they may import K, T, KT, NOD, NOI from here).
def _more_cases():
    import glob
    import importlib
    import os
    here = os.path.dirname(os.path.abspath(__file__))
    for f in sorted(glob.glob(os.path.join(here, "cases_*.py"))):
        CASES.extend(importlib.import_module(os.path.basename(f)[:-3]).CASES)


_more_cases()
