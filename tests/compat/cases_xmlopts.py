"""Cases for the options that are a piece of domain XML (provision/spec/xmlopts.c)."""

from cases import KT, NOD  # noqa: F401

CASES = [
    {"id": "watchdog", "args": "--name c1 --osinfo debian11 --watchdog i6300esb,action=reset " + NOD},
    {"id": "watchdog-model-only", "args": "--name c1 --osinfo debian11 --watchdog ib700 " + NOD},
    {"id": "watchdog-default", "args": "--name c1 --osinfo debian11 --watchdog default " + NOD},
    {"id": "watchdog-keys", "args": "--name c1 --osinfo debian11 --watchdog model=ib700,action=poweroff " + NOD},
    {"id": "memballoon-stats", "args": "--name c1 --osinfo debian11 --memballoon virtio,autodeflate=on,stats.period=10 " + NOD},
    {"id": "memballoon-none", "args": "--name c1 --osinfo debian11 --memballoon none " + NOD},
    {"id": "features-kvm-hidden", "args": "--name c1 --osinfo debian11 --features kvm.hidden.state=on,smm.state=on " + NOD},
    {"id": "events", "args": "--name c1 --osinfo debian11 --events on_crash=restart,on_poweroff=preserve " + NOD},
    # with SPICE, a user's sound, redirection or channel replaces the defaults
    {"id": "spice-sound", "args": "--name c1 --osinfo debian11 --disk none --network none --graphics spice --sound ich6", "modes": ("kvm",)},
    {"id": "spice-redirdev", "args": "--name c1 --osinfo debian11 --disk none --network none --graphics spice --redirdev usb,type=spicevmc", "modes": ("kvm",)},
    {"id": "spice-channel", "args": "--name c1 --osinfo debian11 --disk none --network none --graphics spice --channel spicevmc", "modes": ("kvm",)},
    # free text keeps its commas (virt-install's rule)
    {"id": "cputune-cpuset-commas", "args": "--name c1 --osinfo debian11 --vcpus 2 --cputune vcpupin0.vcpu=0,vcpupin0.cpuset=0-1,3,vcpupin1.vcpu=1,vcpupin1.cpuset=2 " + NOD},
    # memory devices, sizes in MiB
    {"id": "memdev-dimm", "args": "--name c1 --osinfo debian11 --memory 1024,maxMemory=4096,maxMemory.slots=2 --memdev dimm,target.size=512,target.node=0 " + NOD,
     "deliberate": [(r"^cpu/numa", KT, "memory hotplug needs a NUMA cell, which vprov adds and virt-install does not (libvirt refuses to define its XML)")]},
    {"id": "memdev-virtio-mem", "args": "--name c1 --osinfo debian11 --memory 1024,maxMemory=4096,maxMemory.slots=2 --memdev virtio-mem,target.size=1024,target.node=0,target.block=2048,target.requested=512 " + NOD,
     "deliberate": [(r"^cpu/numa", KT, "memory hotplug needs a NUMA cell, which vprov adds and virt-install does not (libvirt refuses to define its XML)")]},
]
