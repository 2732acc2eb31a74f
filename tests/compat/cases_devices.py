"""Cases for virt-install's device options (provision/spec/xmlopts.c's device rows)."""

import os

from cases import K, KT, T, NOD  # noqa: F401

B = "--name c1 --osinfo debian11 "
NODEDEV_HOST = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "data",
                                            "nodedev-host.xml"))

SERIAL1 = (r"^devices/(serial\[1\]|console\[0\]@type)", KT,
           "vprov's own serial console (port 0, logged, what `vprov console` "
           "attaches to) stays, so the user's --serial is the second port; "
           "virt-install's first serial is the user's and it then adds no "
           "console of its own")
VIRTIOFS_MEM_SOURCE = (r"^memoryBacking/source\[0\]@type$", KT,
                       "virtiofsd maps the guest's memory: libvirt refuses to "
                       "start a virtiofs guest without shared memory, which "
                       "virt-install 4.1 leaves to --memorybacking; vprov adds "
                       "it", "memfd")
VIRTIOFS_MEM_ACCESS = (r"^memoryBacking/access\[0\]@mode$", KT,
                       "virtiofsd maps the guest's memory: libvirt refuses to "
                       "start a virtiofs guest without shared memory, which "
                       "virt-install 4.1 leaves to --memorybacking; vprov adds "
                       "it", "shared")
HOSTDEV_PCI_HEX = (r"^devices/hostdev\[0\]/source\[0\]/address\[0\]@(domain|bus|slot|function)$", T,
                   "the same PCI address in libvirt's own spelling (hexadecimal, 0x1f); "
                   "virt-install copies the node device's decimal numbers (31), which "
                   "libvirt reads as the same")

CASES = [
    # --controller
    {"id": "controller-usb2", "args": B + "--controller usb2 " + NOD},
    {"id": "controller-usb3", "modes": K, "args": B + "--controller usb3 " + NOD},
    {"id": "controller-usb-model", "modes": K, "args": B + "--controller type=usb,model=ich9-ehci1 " + NOD},
    {"id": "controller-usb-none", "modes": K, "args": B + "--controller type=usb,model=none " + NOD},
    {"id": "controller-usb-none-vnc", "modes": K,
     "args": B + "--controller type=usb,model=none --disk none --network none --graphics vnc"},
    {"id": "controller-scsi-driver", "modes": K,
     "args": B + "--controller type=scsi,model=virtio-scsi,index=1,driver.queues=4,driver.iothread=1 " + NOD},
    {"id": "controller-sata", "modes": K, "args": B + "--controller sata " + NOD},
    {"id": "controller-uhci-master", "modes": K,
     "args": B + "--controller type=usb,model=ich9-uhci1,master.startport=0,index=1 " + NOD},
    # --tpm
    {"id": "tpm-emulator", "modes": K, "args": B + "--tpm emulator " + NOD},
    {"id": "tpm-default", "modes": K, "args": B + "--tpm default " + NOD},
    {"id": "tpm-device", "args": B + "--tpm /dev/tpm0 " + NOD},
    {"id": "tpm-passthrough-tis", "args": B + "--tpm passthrough,model=tpm-tis,backend.device.path=/dev/tpm0 " + NOD},
    {"id": "tpm-version", "args": B + "--tpm type=emulator,version=1.2 " + NOD},
    {"id": "tpm-none", "args": B + "--tpm none " + NOD},
    # --sound
    {"id": "sound-ich9", "args": B + "--sound ich9 " + NOD},
    {"id": "sound-default", "modes": K, "args": B + "--sound default " + NOD},
    {"id": "sound-ac97", "args": B + "--sound ac97 " + NOD},
    {"id": "sound-usb", "args": B + "--sound usb " + NOD},
    {"id": "sound-none", "args": B + "--sound none " + NOD},
    # --panic
    {"id": "panic-isa", "args": B + "--panic isa " + NOD},
    {"id": "panic-default", "args": B + "--panic default " + NOD},
    {"id": "panic-hyperv", "args": B + "--panic hyperv " + NOD},
    {"id": "panic-iobase", "args": B + "--panic isa,iobase=0x505 " + NOD},
    {"id": "panic-old-iobase", "args": B + "--panic 0x506 " + NOD},
    # --serial, --parallel
    {"id": "serial-pty", "args": B + "--serial pty " + NOD, "deliberate": [SERIAL1]},
    {"id": "serial-file", "args": B + "--serial file,path=/var/log/c1-serial.log " + NOD, "deliberate": [SERIAL1]},
    {"id": "serial-tcp-bind", "args": B + "--serial tcp,host=127.0.0.1:4444,mode=bind,protocol.type=telnet " + NOD,
     "deliberate": [SERIAL1]},
    {"id": "serial-tcp-connect", "args": B + "--serial tcp,host=h1:4444,mode=connect " + NOD, "deliberate": [SERIAL1]},
    {"id": "serial-unix", "args": B + "--serial unix,path=/run/c1.sock,mode=bind " + NOD, "deliberate": [SERIAL1]},
    {"id": "serial-dev", "args": B + "--serial dev,path=/dev/ttyS1 " + NOD, "deliberate": [SERIAL1]},
    {"id": "serial-null", "args": B + "--serial null " + NOD, "deliberate": [SERIAL1]},
    {"id": "serial-port-log", "args": B + "--serial pty,target.port=2,log.file=/var/log/c1-s2.log,log.append=on " + NOD,
     "deliberate": [SERIAL1]},
    {"id": "parallel-pty", "args": B + "--parallel pty " + NOD},
    {"id": "parallel-file", "args": B + "--parallel file,path=/var/log/c1-lp.log " + NOD},
    # --channel
    {"id": "channel-agent", "args": B + "--channel unix,target.type=virtio,name=org.qemu.guest_agent.0 " + NOD},
    {"id": "channel-unix-path", "args": B + "--channel unix,target_type=virtio,name=org.example.0,mode=bind,path=/run/c1.chan " + NOD},
    {"id": "channel-pty", "args": B + "--channel pty,target.type=virtio,target.name=org.example.1 " + NOD},
    {"id": "channel-spicevmc", "args": B + "--channel spicevmc " + NOD},
    {"id": "channel-spiceport", "args": B + "--channel spiceport,source.channel=org.spice.x,target.type=virtio,name=org.spice.x " + NOD},
    {"id": "channel-vdagent", "args": B + "--channel qemu-vdagent,source.clipboard.copypaste=on,source.mouse.mode=client " + NOD},
    {"id": "channel-guestfwd", "args": B + "--channel pty,target.type=guestfwd,target.address=127.0.0.9,target.port=4600 " + NOD},
    {"id": "channel-none", "args": B + "--channel none " + NOD},
    # --video, --input (with graphics: vprov's own video and tablet)
    {"id": "video-vga", "modes": K, "args": B + "--disk none --network none --graphics vnc --video vga"},
    {"id": "video-qxl", "modes": K,
     "args": B + "--disk none --network none --graphics vnc --video qxl,model.heads=2,model.vram=65536,model.ram=65536,model.vgamem=16384"},
    {"id": "video-accel3d", "modes": K,
     "args": B + "--disk none --network none --graphics vnc --video virtio,model.acceleration.accel3d=yes"},
    {"id": "video-bochs", "modes": K, "args": B + "--disk none --network none --graphics vnc --video bochs"},
    {"id": "video-two", "modes": K, "args": B + "--disk none --network none --graphics vnc --video vga --video virtio"},
    {"id": "input-tablet", "modes": K, "args": B + "--disk none --network none --graphics vnc --input tablet"},
    {"id": "input-mouse-ps2", "modes": K, "args": B + "--disk none --network none --graphics vnc --input mouse,bus=ps2"},
    {"id": "input-keyboard-virtio", "modes": K, "args": B + "--disk none --network none --graphics vnc --input keyboard,bus=virtio"},
    {"id": "input-keyboard", "args": B + "--input keyboard " + NOD},
    # --smartcard, --redirdev
    {"id": "smartcard-passthrough", "args": B + "--smartcard passthrough " + NOD},
    {"id": "smartcard-host-certificates",
     "args": B + "--smartcard host-certificates,certificate0=cert1,certificate1=cert2,certificate2=cert3,database=/etc/pki/nssdb " + NOD,
     "deliberate": [(r"^devices/smartcard\[0\]@type$", KT,
                     "virt-install writes type='tcp' on a host-certificates reader, which "
                     "libvirt's schema allows only in passthrough mode; vprov leaves it out")]},
    {"id": "redirdev-spicevmc", "args": B + "--redirdev usb,type=spicevmc " + NOD},
    {"id": "redirdev-tcp", "args": B + "--redirdev usb,type=tcp,server=localhost:4000 " + NOD},
    {"id": "redirdev-boot-order", "args": B + "--redirdev usb,type=tcp,server=localhost:4000,boot.order=1 " + NOD},
    # --hostdev NAME: a node device of the host, looked up; test:///default
    # has no PCI or USB devices, so both tools connect to a test-driver host
    # that has (tests/data/nodedev-host.xml), each in its own spelling of the
    # URI: virt-install's test-suite URI, a plain test:///FILE for vprov
    *[{"id": "hostdev-name-" + i, "modes": T,
       "args": B + "--connect __virtinst_test__test://%s,predictable,fakeuri=qemu:///system "
               "--hostdev %s " % (NODEDEV_HOST, name) + NOD,
       "vprov_args": B + "--connect test://%s --hostdev %s " % (NODEDEV_HOST, name) + NOD,
       "spelling": "the same test-driver host, reached through virt-install's test-suite "
                   "URI (which vprov does not take) and a plain test:///FILE URI",
       "deliberate": [HOSTDEV_PCI_HEX] if i != "usb" else []}
      for i, name in (("pci", "pci_0000_00_1f_3"), ("usb", "usb_1_2"),
                      ("net", "net_eth0_52_54_00_12_34_56"))],
    # --filesystem
    {"id": "filesystem-pair", "args": B + "--filesystem /srv/share,share " + NOD},
    {"id": "filesystem-keys", "args": B + "--filesystem source=/srv/s,target=tag1,accessmode=passthrough " + NOD},
    {"id": "filesystem-squash-ro", "args": B + "--filesystem /srv/s,tag4,readonly=on,mode=squash " + NOD},
    {"id": "filesystem-virtiofs", "args": B + "--filesystem /srv/s,tag2,driver.type=virtiofs " + NOD,
     "deliberate": [VIRTIOFS_MEM_SOURCE, VIRTIOFS_MEM_ACCESS]},
    # --rng
    {"id": "rng-urandom", "args": B + "--rng /dev/urandom " + NOD},
    {"id": "rng-random", "args": B + "--rng /dev/random " + NOD},
    {"id": "rng-builtin", "args": B + "--rng builtin " + NOD},
    {"id": "rng-egd-tcp",
     "args": B + "--rng egd,backend.type=tcp,backend.source.mode=connect,backend.source.host=127.0.0.1,backend.source.service=8000 " + NOD},
    {"id": "rng-rate", "args": B + "--rng /dev/urandom,model=virtio,rate.bytes=1024,rate.period=1000 " + NOD},
    {"id": "rng-old-keys", "args": B + "--rng type=random,device=/dev/random " + NOD},
    {"id": "rng-none", "args": B + "--rng none " + NOD},
    # --vsock, --iommu, --shmem
    {"id": "vsock-auto", "args": B + "--vsock cid.auto=yes " + NOD},
    {"id": "vsock-address", "args": B + "--vsock cid.address=5 " + NOD},
    {"id": "iommu-intel", "args": B + "--iommu intel " + NOD},
    {"id": "iommu-intel-driver",
     "args": B + "--iommu model=intel,driver.intremap=on,driver.caching_mode=on,driver.eim=on,driver.iotlb=on,driver.aw_bits=48 " + NOD},
    {"id": "shmem-plain", "args": B + "--shmem name=sh1,model.type=ivshmem-plain,size=4,size.unit=M " + NOD},
    # --console
    {"id": "console-serial", "args": B + "--console pty,target_type=serial " + NOD},
    {"id": "console-virtio", "args": B + "--console pty,target.type=virtio " + NOD,
     "deliberate": [(r"^devices/console\[1\]", KT,
                     "vprov's serial console (logged, what `vprov console` attaches to) "
                     "stays the first console; the virtio one the user asks for comes "
                     "after it, where virt-install's is the only one")]},
    # several at once
    {"id": "devices-many", "modes": K,
     "args": B + "--watchdog i6300esb,action=reset --tpm emulator --sound ich9 --panic isa --rng /dev/random "
                 "--controller type=scsi,model=virtio-scsi --vsock cid.auto=yes --filesystem /srv/share,share " + NOD},
]
