"""tests/compat/cases_cpu_boot.py — --memory, --vcpus, --cpu, --iothreads and
--boot's sub-options (issue 12, part B), compared with virt-install."""
from cases import K, KT, NOD

# vprov keeps its <cpu> (host-passthrough on KVM) when --vcpus gives a
# topology; virt-install then writes a <cpu> with the topology only
TOPO_CPU = (r"^cpu@(mode|check|migratable)$", K,
            "with a topology virt-install drops its default host-passthrough "
            "CPU, vprov keeps its own (README: --cpu)")
# virt-install 4.1 writes --cpu maximum as a custom model named 'maximum',
# which QEMU does not have; libvirt's mode='maximum' is the CPU meant
MAXIMUM = (r"^cpu(@mode|@match|/model\[0\]#text)$", K,
           "--cpu maximum is libvirt's mode='maximum' (virt-install 4.1 writes a "
           "custom model 'maximum' that QEMU does not know)")
# host-copy copies the capabilities' host CPU as a custom model at define
# time; vprov asks libvirt for the same thing at start (host-model)
HOST_COPY = (r"^cpu(@mode|@match|/model\[0\]#text|/feature\[\d+\]@(policy|name))$", K,
             "--cpu host-copy is host-model: libvirt copies the host's CPU when the VM "
             "starts, not from the capabilities seen at create time")
# libvirt refuses memory hotplug without a NUMA node
NUMA_CELL = (r"^cpu/numa\[0\]/cell\[0\]@(id|cpus|memory|unit)$", K,
             "memory hotplug (maxMemory) needs a NUMA cell, which libvirt demands "
             "and virt-install leaves out (the VM would not start)")
# a cell's memory= without unit= is in vprov's units (MiB, or 2G), as --memory's
NUMA_MIB = (r"^cpu/numa\[0\]/cell\[\d+\]@memory$", K,
            "--cpu numa.cellN.memory= without unit= is in vprov's units (MiB, 1G), "
            "as --memory is; virt-install writes the number as KiB")
# libvirt 9.0 takes ACPI tables of type slic only, and needs the type
ACPI_TYPE = (r"^os/acpi\[0\]/table\[0\]@type$", KT,
             "--boot acpi.table= without .type: vprov writes type='slic', libvirt 9.0's "
             "one type, which its schema requires (virt-install leaves it out)")
# vprov's BIOS prints to the serial console unless told otherwise
USESERIAL = (r"^os/bios\[0\]@useserial$", KT,
             "vprov's SeaBIOS guests print to the serial console (README: create)")

CASES = [
    # --memory
    {"id": "memory-maxmemory", "args": "--name c1 --osinfo debian11 --memory 1024,maxmemory=4096 " + NOD},
    {"id": "memory-current", "args": "--name c1 --osinfo debian11 --memory memory=2048,currentMemory=1024 " + NOD},
    {"id": "memory-hotplug", "modes": K,
     "args": "--name c1 --osinfo debian11 --memory 1024,maxMemory=4096,maxMemory.slots=8 " + NOD,
     "deliberate": [NUMA_CELL]},
    {"id": "memory-hotplug-old", "modes": K,
     "args": "--name c1 --osinfo debian11 --memory 1024,hotplugmemorymax=4096,hotplugmemoryslots=8 " + NOD,
     "deliberate": [NUMA_CELL]},
    # --vcpus
    {"id": "vcpus-maxvcpus", "args": "--name c1 --osinfo debian11 --vcpus 2,maxvcpus=8 " + NOD},
    {"id": "vcpus-current", "args": "--name c1 --osinfo debian11 --vcpus vcpu.current=2,vcpu=4 " + NOD},
    {"id": "vcpus-cpuset", "args": "--name c1 --osinfo debian11 --vcpus 4,cpuset=0-3,6 " + NOD},
    {"id": "vcpus-placement", "args": "--name c1 --osinfo debian11 --vcpus 4,placement=auto " + NOD},
    {"id": "vcpus-sockets", "modes": K, "args": "--name c1 --osinfo debian11 --vcpus 4,sockets=2 " + NOD,
     "deliberate": [TOPO_CPU]},
    {"id": "vcpus-cores", "modes": K, "args": "--name c1 --osinfo debian11 --vcpus 4,cores=2 " + NOD,
     "deliberate": [TOPO_CPU]},
    {"id": "vcpus-threads", "modes": K, "args": "--name c1 --osinfo debian11 --vcpus 4,threads=2 " + NOD,
     "deliberate": [TOPO_CPU]},
    {"id": "vcpus-topology-only", "modes": K,
     "args": "--name c1 --osinfo debian11 --vcpus sockets=2,cores=2,threads=2 " + NOD,
     "deliberate": [TOPO_CPU]},
    {"id": "vcpus-topology-max", "modes": K,
     "args": "--name c1 --osinfo debian11 --vcpus 4,maxvcpus=8,sockets=2 " + NOD,
     "deliberate": [TOPO_CPU]},
    {"id": "vcpus-dies", "modes": K,
     "args": "--name c1 --osinfo debian11 --vcpus 4,dies=2,sockets=1,cores=2 " + NOD,
     "deliberate": [TOPO_CPU]},
    # --cpu
    {"id": "cpu-host-passthrough", "modes": K, "args": "--name c1 --osinfo debian11 --cpu host-passthrough " + NOD},
    {"id": "cpu-host-model", "modes": K, "args": "--name c1 --osinfo debian11 --cpu host-model " + NOD},
    {"id": "cpu-host-model-fallback", "modes": K,
     "args": "--name c1 --osinfo debian11 --cpu host-model,model.fallback=allow " + NOD},
    {"id": "cpu-host-copy", "modes": K, "args": "--name c1 --osinfo debian11 --cpu host-copy " + NOD,
     "deliberate": [HOST_COPY]},
    {"id": "cpu-maximum", "modes": K, "args": "--name c1 --osinfo debian11 --cpu maximum " + NOD,
     "deliberate": [MAXIMUM]},
    {"id": "cpu-model", "modes": K, "args": "--name c1 --osinfo debian11 --cpu Skylake-Client " + NOD},
    {"id": "cpu-features", "modes": K,
     "args": "--name c1 --osinfo debian11 --cpu Skylake-Client,+vmx,-hle,require=pcid,"
             "disable=x2apic,forbid=aes,optional=avx,force=sse " + NOD},
    {"id": "cpu-match-check", "modes": K,
     "args": "--name c1 --osinfo debian11 --cpu Haswell,match=exact,check=partial,model.fallback=forbid " + NOD},
    {"id": "cpu-vendor", "modes": K, "args": "--name c1 --osinfo debian11 --cpu Haswell,vendor=Intel " + NOD},
    {"id": "cpu-migratable-cache", "modes": K,
     "args": "--name c1 --osinfo debian11 --cpu host-passthrough,migratable=off,cache.mode=passthrough " + NOD},
    {"id": "cpu-cache-level", "modes": K,
     "args": "--name c1 --osinfo debian11 --cpu host-passthrough,cache.level=3,cache.mode=emulate " + NOD},
    {"id": "cpu-mode-model", "modes": K, "args": "--name c1 --osinfo debian11 --cpu mode=custom,model=Nehalem " + NOD},
    # --cpu numa.cellN.*, secure=
    {"id": "cpu-numa-cells", "modes": K,
     "args": "--name c1 --osinfo debian11 --memory 2048 --vcpus 4 --cpu host-passthrough,"
             "numa.cell0.id=0,numa.cell0.cpus=0-1,numa.cell0.memory=1048576,numa.cell0.unit=KiB,"
             "numa.cell0.memAccess=shared,numa.cell0.discard=on,"
             "numa.cell0.distances.sibling0.id=0,numa.cell0.distances.sibling0.value=10,"
             "numa.cell0.distances.sibling1.id=1,numa.cell0.distances.sibling1.value=21,"
             "numa.cell1.id=1,numa.cell1.cpus=2-3,numa.cell1.memory=1,numa.cell1.unit=GiB " + NOD},
    {"id": "cpu-numa-old-names", "modes": K,
     "args": "--name c1 --osinfo debian11 --memory 2048 --vcpus 4 --cpu host-model,"
             "cell0.cpus=0,2,cell0.memory=1024,cell1.cpus=1,3,cell1.memory=1024 " + NOD,
     "deliberate": [NUMA_MIB]},
    {"id": "cpu-numa-hotplug", "modes": K,
     "args": "--name c1 --osinfo debian11 --memory 1024,maxMemory=4096,maxMemory.slots=2 --vcpus 2 "
             "--cpu host-passthrough,numa.cell0.cpus=0-1,numa.cell0.memory=1048576,numa.cell0.unit=KiB " + NOD},
    {"id": "cpu-secure-off", "modes": K, "args": "--name c1 --osinfo debian11 --cpu Haswell,secure=off " + NOD},
    {"id": "cpu-secure-host-model", "modes": K, "args": "--name c1 --osinfo debian11 --cpu host-model,secure=on " + NOD},
    # --iothreads
    {"id": "iothreads", "args": "--name c1 --osinfo debian11 --iothreads 2 " + NOD},
    {"id": "iothreads-ids", "args": "--name c1 --osinfo debian11 --iothreads 2,iothreadids.iothread0.id=1,"
                                    "iothreadids.iothread1.id=3,iothreadids.iothread1.thread_pool_min=1,"
                                    "iothreadids.iothread1.thread_pool_max=4 " + NOD},
    {"id": "iothreads-ids-only", "args": "--name c1 --osinfo debian11 --iothreads iothreadids.iothread0.id=5 " + NOD},
    {"id": "iothreads-default", "args": "--name c1 --osinfo debian11 --iothreads 1,defaultiothread.thread_pool_min=2,"
                                        "defaultiothread.thread_pool_max=8 " + NOD},
    # --boot
    {"id": "boot-menu", "args": "--name c1 --osinfo debian11 --boot hd,menu=on,bootmenu.timeout=3000 " + NOD},
    {"id": "boot-useserial-reboot", "args": "--name c1 --osinfo debian11 --boot useserial=on,rebootTimeout=0 " + NOD},
    {"id": "boot-smbios", "args": "--name c1 --osinfo debian11 --boot smbios.mode=host " + NOD,
     "deliberate": [USESERIAL]},
    {"id": "boot-loader", "args": "--name c1 --osinfo debian11 --boot loader=/usr/share/OVMF/OVMF_CODE.fd,"
                                  "loader.readonly=yes,loader.type=pflash,loader.secure=no,"
                                  "nvram.template=/usr/share/OVMF/OVMF_VARS.fd " + NOD},
    {"id": "boot-firmware-features", "modes": K,
     "args": "--name c1 --osinfo debian11 --boot firmware=efi,firmware.feature0.name=secure-boot,"
             "firmware.feature0.enabled=yes,firmware.feature1.name=enrolled-keys,"
             "firmware.feature1.enabled=no " + NOD},
    {"id": "boot-index", "args": "--name c1 --osinfo debian11 --boot boot1.dev=hd,boot0.dev=network,boot2.dev=cdrom " + NOD},
    {"id": "boot-acpi-table", "args": "--name c1 --osinfo debian11 --boot hd,acpi.table={tmp}/vmlinuz,acpi.table.type=slic " + NOD},
    {"id": "boot-acpi-table-notype", "args": "--name c1 --osinfo debian11 --boot acpi.table={tmp}/vmlinuz " + NOD,
     "deliberate": [ACPI_TYPE]},
    {"id": "boot-kernel-hd",
     "args": "--name c1 --osinfo debian11 --boot kernel={tmp}/vmlinuz,initrd={tmp}/initrd.img,hd " + NOD},
    {"id": "boot-kernel-args-comma",
     "args": "--name c1 --osinfo debian11 --boot 'kernel={tmp}/vmlinuz,initrd={tmp}/initrd.img,"
             "kernel_args=console=ttyS0,115200n8 quiet' " + NOD},
]
