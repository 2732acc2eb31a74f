"""tests/compat/cases_disk_net.py — --disk and --network sub-options beyond
the basics: perms/shareable, driver.*, boot.order, serial, wwn, target.*,
network disks (by URL and by source.*), type=direct, source.mode, mtu,
link, driver, portgroup, virtualport.*, filterref, --network default."""
from cases import K, KT, NOI

NET0 = "--network none --graphics none"
D0 = "--disk none --graphics none"

REFUSE_IO_NATIVE = (
    r"^vprov create: --disk io=native needs cache=none or cache=directsync",
    "QEMU refuses aio=native over the host page cache at the VM's first start; "
    "vprov says so before anything is made (README: --disk)")

# virt-install reads nbd+unix:///EXPORT?socket=PATH with the URL's path as the
# socket and keeps the query as a source query (an HTTP disk's): QEMU's NBD
# URI says the path is the export and socket= the socket
NBD_URI = (r"^devices/disk\[0\]/source\[0\](@name|@query|/host\[0\]@socket)$", KT,
           "nbd+unix:///EXPORT?socket=PATH is QEMU's NBD URI: the export and the socket "
           "(virt-install writes the export as the socket and the query as a query)")

CASES = [
    # --disk: permissions
    {"id": "disk-perms-ro", "args": "--name c1 --osinfo debian11 --disk size=1,perms=ro " + NOI},
    {"id": "disk-perms-rw", "args": "--name c1 --osinfo debian11 --disk size=1,perms=rw " + NOI},
    {"id": "disk-readonly", "args": "--name c1 --osinfo debian11 --disk size=1,readonly=on " + NOI},
    {"id": "disk-perms-sh-raw", "args": "--name c1 --osinfo debian11 --disk size=1,format=raw,perms=sh " + NOI},
    {"id": "disk-shareable-raw", "args": "--name c1 --osinfo debian11 --disk size=1,format=raw,shareable=on " + NOI},
    {"id": "refuse-disk-shareable-qcow2", "args": "--name c1 --osinfo debian11 --disk size=1,perms=sh " + NOI,
     "refused": (r"^vprov create: disk '.*' is qcow2: libvirt shares only raw images",
                 "libvirt refuses a writable shared qcow2 image at the VM's first start "
                 "(only raw can be shared); vprov says so before anything is made (README: --disk)")},
    # --disk: the driver
    {"id": "disk-driver-io-native", "args": "--name c1 --osinfo debian11 --disk size=1,driver.cache=none,driver.io=native " + NOI},
    {"id": "disk-io-threads", "args": "--name c1 --osinfo debian11 --disk size=1,io=threads " + NOI},
    {"id": "disk-discard-ignore", "args": "--name c1 --osinfo debian11 --disk size=1,discard=ignore " + NOI},
    {"id": "disk-driver-discard", "args": "--name c1 --osinfo debian11 --disk size=1,driver.discard=unmap,driver.detect_zeroes=unmap " + NOI},
    {"id": "disk-detect-zeroes", "args": "--name c1 --osinfo debian11 --disk size=1,detect_zeroes=on " + NOI},
    {"id": "disk-error-policy", "args": "--name c1 --osinfo debian11 --disk size=1,error_policy=report " + NOI},
    {"id": "disk-driver-error-policy", "args": "--name c1 --osinfo debian11 --disk size=1,driver.error_policy=enospace " + NOI},
    {"id": "disk-driver-iothread", "args": "--name c1 --osinfo debian11 --iothreads 2 --disk size=1,driver.iothread=2 " + NOI},
    {"id": "disk-driver-iothread-id", "args": "--name c1 --osinfo debian11 --iothreads iothreadids.iothread0.id=7 "
                                              "--disk size=1,driver.iothread=7 " + NOI},
    # --disk address.*
    {"id": "disk-address-pci", "modes": K,
     "args": "--name c1 --osinfo debian11 --disk size=1,address.type=pci,address.domain=0,address.bus=0,"
             "address.slot=7,address.function=0 " + NOI},
    {"id": "disk-address-pci-multifunction", "modes": K,
     "args": "--name c1 --osinfo debian11 --disk size=1,address.type=pci,address.bus=0x0,address.slot=0x9,"
             "address.multifunction=on " + NOI},
    {"id": "disk-address-drive-scsi",
     "args": "--name c1 --osinfo debian11 --disk size=1,bus=scsi,address.type=drive,address.controller=0,"
             "address.bus=0,address.target=1,address.unit=2 " + NOI},
    {"id": "disk-address-drive-sata",
     "args": "--name c1 --osinfo debian11 --disk size=1,bus=sata,address.type=drive,address.unit=3 " + NOI},
    {"id": "disk-driver-queues", "args": "--name c1 --osinfo debian11 --disk size=1,driver.queues=4 " + NOI},
    {"id": "disk-driver-name", "args": "--name c1 --osinfo debian11 --disk size=1,driver.name=qemu,driver.cache=writeback " + NOI},
    {"id": "disk-nonsparse", "args": "--name c1 --osinfo debian11 --disk size=1,sparse=no " + NOI},
    {"id": "disk-nonsparse-raw", "args": "--name c1 --osinfo debian11 --disk size=1,format=raw,sparse=no " + NOI},
    {"id": "refuse-disk-io-native-cached", "args": "--name c1 --osinfo debian11 --disk size=1,io=native " + NOI,
     "refused": REFUSE_IO_NATIVE},
    # --disk: the guest's view
    {"id": "disk-serial", "args": "--name c1 --osinfo debian11 --disk size=1,serial=WD-WMAP9A966149 " + NOI},
    {"id": "disk-wwn-scsi", "args": "--name c1 --osinfo debian11 --disk size=1,bus=scsi,wwn=0x5000c50015ea71ac " + NOI},
    {"id": "disk-target-bus", "args": "--name c1 --osinfo debian11 --disk size=1,target.bus=sata " + NOI},
    {"id": "disk-target-dev", "args": "--name c1 --osinfo debian11 --disk size=1,target.dev=vdc " + NOI},
    {"id": "disk-target-dev-bus", "args": "--name c1 --osinfo debian11 --disk size=1,target.bus=scsi,target.dev=sdc " + NOI},
    {"id": "disk-floppy", "args": "--name c1 --osinfo debian11 --disk size=1,format=raw,device=floppy " + NOI},
    {"id": "disk-target-sd-no-bus", "modes": K,
     "args": "--name c1 --osinfo debian11 --disk size=1,target.dev=sdb " + NOI,
     "deliberate": [(r"^devices/disk\[0\]/target\[0\]@bus$", K,
                     "vprov takes the bus from the name target.dev= gives (sdX: sata); "
                     "virt-install keeps its default virtio under a name that says otherwise",
                     "sata")]},
    # --disk: boot order
    {"id": "disk-boot-order", "args": "--name c1 --osinfo debian11 --disk size=1,boot.order=1 " + NOI},
    {"id": "disk-boot-order-two", "args": "--name c1 --osinfo debian11 --disk size=1,boot.order=2 --disk size=1,boot_order=1 " + NOI},
    {"id": "disk-boot-order-drops-boot", "args": "--name c1 --osinfo debian11 --disk size=1,boot.order=1 --boot network,hd " + NOI},
    {"id": "refuse-boot-order-twice", "args": "--name c1 --osinfo debian11 --disk size=1,boot.order=1 --network user,boot.order=1 --graphics none --install no_install=yes",
     "refused": (r"^vprov create: boot.order=1 is given to two devices",
                 "virt-install renumbers the earlier device silently; vprov asks which "
                 "device boots first instead of guessing (README: --disk)")},
    # --disk: network disks
    {"id": "disk-nbd-url", "args": "--name c1 --osinfo debian11 --disk nbd://127.0.0.1:10809/exp " + NET0},
    {"id": "disk-nbd-source", "args": "--name c1 --osinfo debian11 --disk source.protocol=nbd,source.host.name=127.0.0.1,source.host.port=10809,source.name=exp " + NET0},
    {"id": "disk-iscsi-url", "args": "--name c1 --osinfo debian11 --disk iscsi://127.0.0.1/iqn.2013-06.com.example:target/1 " + NET0},
    {"id": "disk-rbd-url", "args": "--name c1 --osinfo debian11 --disk rbd://mon1:6789/pool/image " + NET0},
    {"id": "disk-http-url", "args": "--name c1 --osinfo debian11 --disk http://example.com/disk.img " + NET0},
    {"id": "disk-gluster-url", "args": "--name c1 --osinfo debian11 --disk gluster://gl1/vol/img.raw,bus=sata " + NET0},
    {"id": "disk-nbd-unix-path", "args": "--name c1 --osinfo debian11 --disk nbd+unix:///run/nbd.sock " + NET0},
    {"id": "disk-nbd-unix-source",
     "args": "--name c1 --osinfo debian11 --disk source.protocol=nbd,source.name=exp,source.host.transport=unix,"
             "source.host.socket=/run/nbd.sock " + NET0},
    {"id": "disk-nbd-unix-uri", "args": "--name c1 --osinfo debian11 --disk path=nbd+unix:///exp?socket=/run/nbd.sock " + NET0,
     "deliberate": [NBD_URI]},
    {"id": "disk-nbd-serial-cache", "args": "--name c1 --osinfo debian11 --disk nbd://nbd1/data,serial=NBD1,cache=none,boot.order=1 " + NET0},

    # --network: the kinds
    {"id": "net-default-keyword", "args": "--name c1 --osinfo debian11 --network default " + D0},
    {"id": "net-default-keyword-model", "args": "--name c1 --osinfo debian11 --network default,model=e1000e " + D0},
    {"id": "net-direct", "args": "--name c1 --osinfo debian11 --network type=direct,source=eth0 " + D0},
    {"id": "net-direct-mode-bridge", "args": "--name c1 --osinfo debian11 --network type=direct,source=eth0,source.mode=bridge " + D0},
    {"id": "net-direct-passthrough", "args": "--name c1 --osinfo debian11 --network type=direct,source=eth1,source.mode=passthrough,trustGuestRxFilters=yes " + D0},
    {"id": "net-type-bridge-source", "args": "--name c1 --osinfo debian11 --network type=bridge,source=br0 " + D0},
    {"id": "net-type-network-source", "args": "--name c1 --osinfo debian11 --network type=network,source=default " + D0},
    # --network: sub-options
    {"id": "net-mtu", "args": "--name c1 --osinfo debian11 --network network=default,mtu.size=9000 " + D0},
    {"id": "net-link-down", "args": "--name c1 --osinfo debian11 --network network=default,link.state=down " + D0},
    {"id": "net-link-off", "args": "--name c1 --osinfo debian11 --network user,link.state=off " + D0},
    {"id": "net-driver", "args": "--name c1 --osinfo debian11 --network network=default,driver.name=vhost,driver.queues=4 " + D0},
    {"id": "net-portgroup", "args": "--name c1 --osinfo debian11 --network network=default,portgroup=engineering " + D0},
    {"id": "net-source-portgroup", "args": "--name c1 --osinfo debian11 --network network=default,source.portgroup=ops " + D0},
    {"id": "net-boot-order", "args": "--name c1 --osinfo debian11 --network network=default,boot.order=1 " + D0},
    {"id": "net-disk-boot-order", "args": "--name c1 --osinfo debian11 --disk size=1,boot.order=2 --network network=default,boot.order=1 --graphics none --install no_install=yes"},
    {"id": "net-target-dev", "args": "--name c1 --osinfo debian11 --network bridge=br0,target.dev=lab-tap0 " + D0},
    {"id": "net-filterref", "args": "--name c1 --osinfo debian11 --network network=default,filterref=clean-traffic " + D0},
    {"id": "net-model-type-mac-address", "args": "--name c1 --osinfo debian11 --network network=default,model.type=e1000,mac.address=52:54:00:aa:bb:01 " + D0},
    {"id": "net-rom", "args": "--name c1 --osinfo debian11 --network network=default,rom.bar=off,rom.file=/usr/share/qemu/pxe-virtio.rom " + D0},
    {"id": "net-ovs", "args": "--name c1 --osinfo debian11 --network bridge=br0,virtualport.type=openvswitch,virtualport.parameters.interfaceid=09b11c53-8b5c-4eeb-8f00-d84eaa0aaa4f " + D0},
    {"id": "net-qbh", "args": "--name c1 --osinfo debian11 --network type=direct,source=eth0,source.mode=private,virtualport.type=802.1Qbh,virtualport.parameters.profileid=finance " + D0},
    {"id": "net-qbg", "args": "--name c1 --osinfo debian11 --network type=direct,source=eth0,source.mode=vepa,virtualport.type=802.1Qbg,virtualport.parameters.managerid=11,virtualport.parameters.typeid=1193047,virtualport.parameters.typeidversion=2,virtualport.parameters.instanceid=09b11c53-8b5c-4eeb-8f00-d84eaa0aaa4f " + D0},
]
