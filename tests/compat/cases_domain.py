"""Cases for virt-install's options that set domain-level XML (not devices):
--features, --clock, --pm, --sysinfo, --memorybacking, --resource, the
tuning options, --seclabel, --metadata, --launchSecurity, --qemu-commandline
(provision/spec/xmlopts.c's top-level rows)."""

from cases import K, KT, NOD, WIN_BALLOON  # noqa: F401

B = "--name c1 --osinfo debian11 "

TIMER_ORDER = (r"^clock/timer\[[01]\]@(name|tickpolicy)$", KT,
               "vprov edits its rtc, pit and hpet timers where they are (rtc first, as "
               "libvirt's and virt-install's defaults have them); virt-install writes the "
               "named timers in its parser's order: the same timers, and libvirt does not "
               "care about their order")

CASES = [
    # --features
    {"id": "features-hyperv", "args": B + "--features hyperv.relaxed.state=on,hyperv.vapic.state=on,hyperv.spinlocks.state=on,hyperv.spinlocks.retries=8191,hyperv.synic.state=on,hyperv.reset.state=off " + NOD},
    {"id": "features-hyperv-old", "args": B + "--features hyperv_relaxed=on,hyperv_vapic=on,hyperv_spinlocks=on,hyperv_spinlocks_retries=4096,hyperv_synic=on,hyperv_reset=on " + NOD},
    {"id": "features-kvm-hints", "args": B + "--features kvm.hint-dedicated.state=on,kvm.poll-control.state=on,kvm_hidden=on " + NOD},
    {"id": "features-misc", "args": B + "--features pmu.state=off,vmcoreinfo.state=on,ioapic.driver=qemu,apic.eoi=on,pvspinlock.state=on " + NOD},
    {"id": "features-old-names", "args": B + "--features pmu=off,vmcoreinfo=on,eoi=on,smm=on " + NOD},
    # --clock
    {"id": "clock-localtime", "args": B + "--clock offset=localtime " + NOD},
    {"id": "clock-utc", "args": B + "--clock offset=utc " + NOD},
    {"id": "clock-old-timers", "args": B + "--clock rtc_tickpolicy=catchup,pit_tickpolicy=delay,hpet_present=no " + NOD,
     "deliberate": [TIMER_ORDER]},
    {"id": "clock-indexed", "args": B + "--clock timer0.name=rtc,timer0.tickpolicy=catchup,timer1.name=pit,timer1.tickpolicy=delay,timer2.name=hpet,timer2.present=no " + NOD},
    # virt-install drops all its default timers once one is named; vprov
    # keeps its own and edits the one named
    {"id": "clock-rtc-off", "modes": K, "args": B + "--clock rtc_present=no " + NOD,
     "deliberate": [(r"^clock/timer\[0\]@tickpolicy$", K,
                     "vprov edits its rtc timer in place, so its catchup tick policy stays "
                     "beside present=no; libvirt's QEMU driver keeps a PC's RTC whatever "
                     "present says, and virt-install's named timer replaces all its "
                     "defaults, the tick policy with them", "catchup"),
                    (r"^clock/timer\[[12]\]@(name|tickpolicy|present)$", K,
                     "vprov keeps its pit (delay) and hpet (off) timers when one timer is "
                     "named; virt-install drops all its default timers then")]},
    {"id": "features-windows", "modes": K,
     "args": "--name c1 --osinfo win10 --features hyperv.synic.state=on,hyperv.reset.state=on " + NOD,
     "deliberate": [WIN_BALLOON]},
    # --pm
    {"id": "pm-mem", "args": B + "--pm suspend_to_mem=on " + NOD},
    {"id": "pm-dotted", "args": B + "--pm suspend_to_mem.enabled=on,suspend_to_disk.enabled=on " + NOD},
    {"id": "pm-off", "args": B + "--pm suspend_to_mem=off,suspend_to_disk=off " + NOD},
    # --sysinfo
    {"id": "sysinfo-smbios", "args": B + "--sysinfo bios.vendor=Acme,bios.version=1.2,system.manufacturer=Acme,system.product=Box,system.serial=S1,baseBoard.manufacturer=Acme,chassis.asset=A1 " + NOD},
    {"id": "sysinfo-old-names", "args": B + "--sysinfo type=smbios,bios_vendor=Acme,system_serial=S1,baseBoard_asset=A2 " + NOD},
    {"id": "sysinfo-oem", "args": B + "--sysinfo oemStrings.entry0=hello,oemStrings.entry1=world " + NOD},
    {"id": "sysinfo-host", "args": B + "--sysinfo host " + NOD},
    {"id": "sysinfo-emulate", "args": B + "--sysinfo emulate " + NOD},
    {"id": "sysinfo-fwcfg", "args": B + "--sysinfo type=fwcfg,entry0.name=opt/com.coreos/config,entry0.file=/etc/hosts " + NOD},
    # --memorybacking
    {"id": "memorybacking-hugepages", "args": B + "--memorybacking hugepages=on " + NOD},
    {"id": "memorybacking-pages", "args": B + "--memorybacking hugepages=on,hugepages.page0.size=2048,hugepages.page0.unit=KiB,hugepages.page0.nodeset=0 " + NOD},
    {"id": "memorybacking-misc", "args": B + "--memorybacking nosharepages=on,locked=on,access.mode=shared,source.type=memfd,allocation.mode=immediate,discard=on " + NOD},
    # --resource
    {"id": "resource", "args": B + "--resource partition=/machine " + NOD},
    {"id": "resource-bare", "args": B + "--resource /machine/web,fibrechannel.appid=app1 " + NOD},
    # tuning
    {"id": "numatune", "args": B + "--numatune 0,mode=strict " + NOD},
    {"id": "numatune-memnode", "args": B + "--numatune memory.nodeset=0,memory.mode=preferred,memnode0.cellid=0,memnode0.mode=strict,memnode0.nodeset=0 " + NOD},
    {"id": "numatune-placement", "args": B + "--numatune memory.placement=auto,memory.mode=interleave " + NOD},
    {"id": "cputune-pins", "args": B + "--cputune vcpupin0.vcpu=0,vcpupin0.cpuset=0,vcpupin1.vcpu=1,vcpupin1.cpuset=1,emulatorpin.cpuset=0-1 " + NOD},
    {"id": "cputune-quota", "args": B + "--cputune shares=1024,period=100000,quota=50000,emulator_period=100000,emulator_quota=-1 " + NOD},
    {"id": "cputune-sched", "args": B + "--cputune emulatorsched.scheduler=fifo,emulatorsched.priority=10,vcpusched0.vcpus=0,vcpusched0.scheduler=rr,vcpusched0.priority=5 " + NOD},
    {"id": "memtune", "args": B + "--memtune hard_limit=1048576,soft_limit=524288,swap_hard_limit=2097152,min_guarantee=262144 " + NOD},
    {"id": "memtune-bare", "args": B + "--memtune 524288 " + NOD},
    {"id": "blkiotune", "args": B + "--blkiotune weight=500,device0.path=/dev/sda,device0.weight=300,device0.read_bytes_sec=1000 " + NOD},
    {"id": "blkiotune-bare", "args": B + "--blkiotune 200 " + NOD},
    # --seclabel, --security
    {"id": "seclabel-static", "args": B + "--seclabel type=static,model=selinux,label=system_u:system_r:svirt_t:s0,relabel=yes " + NOD},
    {"id": "seclabel-dynamic", "args": B + "--seclabel type=dynamic,model=selinux " + NOD},
    {"id": "security-none", "args": B + "--security type=none " + NOD,
     "deliberate": [(r"^seclabel@model$", KT,
                     "vprov leaves the model out: libvirt takes the host's security driver, "
                     "the value virt-install copies from the capabilities")]},
    # --metadata
    {"id": "metadata-title", "args": B + "--metadata title=web,description=front " + NOD},
    {"id": "metadata-genid", "args": B + "--metadata genid=e9392370-2917-565e-692b-d057f46512d6 " + NOD},
    {"id": "metadata-genid-enable", "args": B + "--metadata genid_enable=yes " + NOD},
    # --launchSecurity
    {"id": "launch-security-sev", "modes": K,
     "args": B + "--boot uefi --launchSecurity sev,cbitpos=47,reducedPhysBits=1,policy=0x0003 " + NOD},
    # --qemu-commandline
    {"id": "qemu-commandline", "args": B + "--qemu-commandline=-no-hpet " + NOD},
    {"id": "qemu-commandline-env", "args": B + "--qemu-commandline env=FOO=bar \"--qemu-commandline=-display gtk,gl=on\" " + NOD},
]
