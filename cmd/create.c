/* cmd/create.c — vprov create NAME [options]: define and start a VM */
#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vprov.h"
#include "plan.h"
#include "fs.h"
#include "osinfo.h"
#include "cleanup.h"
#include "console.h"
#include "create.h"
#include "domain.h"
#include "units.h"
#include "reinstall.h"
#include "resources.h"
#include "xmledit.h"
#include "xmlopts.h"

static const struct vp_opt options[] = {
	VP_OPT_GROUP("VM"),
	VP_OPT_VALUE('n', "name", "NAME",
		     "the VM's name (or give it as the first argument); none:\n"
		     "picked after the OS profile, as virt-install does\n"
		     "(debian12, debian12-2, ...; vm1, vm2, ... without one)"),
	VP_OPT_VALUE(0, "os", "ID",
		     "the OS profile (see 'vprov osinfo list'): memory,\n"
		     "vCPUs, disk size, machine, devices and firmware a\n"
		     "good admin would pick for it; options given win.\n"
		     "A NAME that is a profile id picks that profile;\n"
		     "'generic' picks none",
		     .aliases = "os-variant osinfo", .comp = VP_COMP_OS),
	VP_OPT_VALUE('r', "memory", "SIZE", "memory: 2048 (MiB), 2G, 512M (default 2 GiB); with\n"
					    "maxmemory=SIZE (the old name of <memory>: SIZE\n"
					    "is then the balloon's start), currentMemory=SIZE,\n"
					    "maxMemory=SIZE,maxMemory.slots=N (hotplug)",
		     .aliases = "ram"),
	VP_OPT_VALUE(0, "vcpus", "N", "virtual CPUs (default 2); maxvcpus=M (hotplug up to),\n"
				      "sockets=, dies=, cores=, threads= (missing ones\n"
				      "filled as virt-install does), cpuset=0-3,\n"
				      "placement=static|auto"),
	VP_OPT_VALUE(0, "cpu", "MODE|MODEL",
		     "host-passthrough (default on KVM), host-model,\n"
		     "maximum (default on TCG, and what host-* become\n"
		     "there) or a model (Haswell, ...) with +FEAT, -FEAT,\n"
		     "require|disable|force|optional|forbid=FEAT, match=,\n"
		     "check=, model.fallback=, vendor=, migratable=,\n"
		     "cache.mode=, cache.level=, topology.sockets=..."),
	VP_OPT_VALUE(0, "iothreads", "N", "I/O threads the VM has (<iothreads>), for disks\n"
					  "that name one (driver.iothread=)"),
	VP_OPT_VALUE(0, "virt-type", "TYPE",
		     "kvm or qemu (default: kvm when it really runs guests\n"
		     "here, which vprov checks once per host, else qemu;\n"
		     "$VPROV_VIRT_TYPE pins it)",
		     .comp = VP_COMP_WORDS, .words = "kvm qemu"),
	VP_OPT_VALUE(0, "arch", "ARCH", "guest architecture (default: the host's)"),
	VP_OPT_VALUE(0, "machine", "MACHINE", "machine type (default: q35 on x86)"),
	VP_OPT_FLAG('v', "hvm", "accepted: a QEMU/KVM guest is always fully virtualized"),
	VP_OPT_FLAG(0, "accelerate", "accepted and ignored, as virt-install 4 does", .hidden = true),
	VP_OPT_FLAG('p', "paravirt", NULL, .hidden = true,
		    .refused = "it makes a Xen paravirtualized guest, and vprov makes QEMU/KVM guests"),
	VP_OPT_FLAG(0, "container", NULL, .hidden = true,
		    .refused = "it makes a container guest (LXC, OpenVZ), and vprov makes QEMU/KVM guests"),
	VP_OPT_VALUE(0, "init", "PATH", NULL, .hidden = true,
		     .refused = "it sets a container's init program (LXC, OpenVZ), and vprov makes QEMU/KVM guests"),
	VP_OPT_GROUP("storage (repeatable; default: one 20 GiB qcow2 disk in pool 'default')"),
	VP_OPT_LIST(0, "disk", "OPTS",
		    "size=GiB, pool=NAME, path=PATH, vol=POOL/VOL,\n"
		    "format=qcow2|raw, bus=virtio|sata|scsi|ide|usb,\n"
		    "cache=MODE, backing_store=PATH|POOL/VOL,\n"
		    "backing_format=FMT, device=disk|cdrom, readonly=on,\n"
		    "sparse=off, encryption=luks (a new volume, its\n"
		    "passphrase in a libvirt secret: generated, or the\n"
		    "whole of secret-file=FILE); or 'none'.  Also\n"
		    "perms=ro|sh|rw, shareable=on, driver.io=,\n"
		    "driver.discard=, driver.detect_zeroes=,\n"
		    "driver.error_policy=, driver.queues=, boot.order=N,\n"
		    "serial=, wwn=, target.dev=, device=floppy|lun;\n"
		    "network disks: nbd://HOST:PORT/NAME,\n"
		    "iscsi://HOST/IQN/LUN, rbd://MON/POOL/IMAGE, or\n"
		    "source.protocol=,source.host.name=,source.name="),
	VP_OPT_FLAG(0, "nodisks", "the same as --disk none", .same_as = "disk=none"),
	VP_OPT_LIST('f', "file", "PATH",
		    "the same as --disk path=PATH (virt-install's older\n"
		    "spelling; not together with --disk)",
		    .comp = VP_COMP_FILE),
	VP_OPT_LIST('s', "file-size", "GiB",
		    "the size of a new --file, as --disk size=GiB (the\n"
		    "second --file-size for the second --file); without\n"
		    "--file: a new disk of that size"),
	VP_OPT_FLAG(0, "nonsparse", "the disks of --file and --file-size fully allocated\n"
				    "(sparse=no)"),
	VP_OPT_GROUP("install (the first run installs; the definition then boots the disks)"),
	VP_OPT_VALUE('l', "location", "WHERE",
		     "an installer tree: http(s):// or ftp:// URL, local\n"
		     "directory or ISO image, with ,kernel=REL,initrd=REL\n"
		     "when vprov cannot tell where they are; its kernel\n"
		     "and initrd are fetched (cached, checksums verified)\n"
		     "and booted directly",
		     .comp = VP_COMP_FILE),
	VP_OPT_VALUE('x', "extra-args", "ARGS", "kernel arguments for the installer (--location)"),
	VP_OPT_LIST(0, "initrd-inject", "FILE",
		    "add FILE to the installer's initrd root (repeatable),\n"
		    "e.g. a preseed.cfg or kickstart file",
		    .comp = VP_COMP_FILE),
	VP_OPT_VALUE(0, "unattended", "[OPTS]",
		     "install without questions: osinfo-db's script for the\n"
		     "OS (preseed, kickstart) in the initrd; OPTS:\n"
		     "profile=jeos|desktop, admin-password-file=F,\n"
		     "user-login=U, user-password-file=F (passwords only\n"
		     "from files; without one, a generated one is shown once)",
		     .optional = true),
	VP_OPT_VALUE('c', "cdrom", "ISO",
		     "boot an installer ISO: PATH, URL or POOL/VOL (-c is\n"
		     "--cdrom here, as in virt-install: give the connection\n"
		     "before the command, vprov -c URI create, or --connect)",
		     .comp = VP_COMP_FILE),
	VP_OPT_VALUE(0, "install", "ID",
		     "install from the OS profile's own tree (--install\n"
		     "debian12); no_install=yes: a VM with nothing to boot,\n"
		     "on purpose"),
	VP_OPT_FLAG(0, "pxe", "boot the install run from the network"),
	VP_OPT_VALUE(0, "reinstall", "VM",
		     "reinstall the existing, shut-off VM (a name or a\n"
		     "UUID): one install run of its own definition with only\n"
		     "the install method applied (--location, --cdrom,\n"
		     "--install ID or --pxe); the definition stays as it is.\n"
		     "Options that would change the VM are refused",
		     .comp = VP_COMP_VM),
	VP_OPT_GROUP("cloud images (the default where the OS profile has one)"),
	VP_OPT_VALUE(0, "image", "IMAGE",
		     "a cloud image under the first disk, a thin qcow2 overlay\n"
		     "(--disk size=N makes it larger): an OS id (its cloud\n"
		     "image), a URL (downloaded once), a file, or POOL/VOL;\n"
		     "uploaded once per pool as a base found by its checksum",
		     .comp = VP_COMP_FILE),
	VP_OPT_VALUE(0, "cloud-init", "[OPTS]",
		     "a NoCloud seed (kept until delete): hostname=H,\n"
		     "root-password-file=F, root-password-generate=on,\n"
		     "root-ssh-key=F, clouduser-ssh-key=F, user-data=F,\n"
		     "meta-data=F, network-config=F, disable=on; bare:\n"
		     "virt-install's defaults (with --image: the default);\n"
		     "none: no seed",
		     .optional = true, .words = "none"),
	VP_OPT_LIST(0, "inject", "EDIT[=VALUE]",
		     "edit the new overlay before its first boot, as\n"
		     "'vprov inject' does (repeatable, in order): serial-console,\n"
		     "hostname=H, ssh-inject=USER:file:F, root-password=file:F,\n"
		     "write=PATH:TEXT, upload=LOCAL:REMOTE, mkdir=PATH,\n"
		     "chmod=MODE:PATH, firstboot-command=CMD, sysprep"),
	VP_OPT_GROUP("boot"),
	VP_OPT_FLAG(0, "import", "boot the first disk (no install step)"),
	VP_OPT_LIST(0, "boot", "OPTS",
		    "hd, cdrom, network, uefi (in order), or\n"
		    "kernel=PATH,initrd=PATH,kernel_args=\"ARGS\" (pieces\n"
		    "after kernel_args= that are no sub-option are its);\n"
		    "menu=on, bootmenu.timeout=MS, useserial=on|off,\n"
		    "rebootTimeout=S, loader=PATH, loader.readonly=,\n"
		    "loader.type=rom|pflash, loader.secure=, nvram=PATH,\n"
		    "nvram.template=PATH, firmware=efi,\n"
		    "firmware.featureN.name=F,firmware.featureN.enabled=,\n"
		    "smbios.mode=emulate|host|sysinfo"),
	VP_OPT_GROUP("devices"),
	VP_OPT_LIST('w', "network", "OPTS",
		    "none, user, default, network=NAME, bridge=NAME or\n"
		    "type=direct,source=IFACE[,source.mode=], with\n"
		    "model=, mac=, mtu.size=, link.state=, driver.queues=,\n"
		    "boot.order=, portgroup=, virtualport.*, target.dev=,\n"
		    "filterref=\n"
		    "(repeatable; default: network 'default' if active)"),
	VP_OPT_FLAG(0, "nonetworks", "the same as --network none", .same_as = "network=none"),
	VP_OPT_VALUE(0, "graphics", "TYPE",
		     "none, vnc or spice, with listen=ADDR, port=N\n"
		     "(default vnc on 127.0.0.1); a serial console on a pty\n"
		     "is always there and logged to a file"),
	VP_OPT_FLAG(0, "nographics", "the same as --graphics none", .same_as = "graphics=none"),
	VP_OPT_VALUE(0, "console", "OPTS",
		     "pty,target_type=serial (the default, always there) or\n"
		     "pty,target_type=virtio (a virtio console as well)"),
	VP_OPT_VALUE(0, "os-type", "TYPE", "accepted and ignored, as virt-install 4 does (use --os)",
		     .hidden = true),
	VP_OPT_GROUP("devices and settings in virt-install's spelling (OPTS: a bare value,\n"
		     "then KEY=VALUE sub-options; each repeatable; they win over vprov's defaults)"),
	VP_OPT_LIST(0, "watchdog", "OPTS",
		    "a watchdog: MODEL (i6300esb, ib700),action=reset|poweroff|\n"
		    "shutdown|pause|dump|inject-nmi|none; none: no watchdog"),
	VP_OPT_LIST(0, "memballoon", "OPTS",
		    "the memory balloon: virtio[,autodeflate=on,stats.period=S,\n"
		    "freePageReporting=on]; none: no balloon"),
	VP_OPT_LIST(0, "rng", "OPTS",
		    "the virtio RNG: /dev/urandom (the default where the OS\n"
		    "profile has a driver for it), /dev/random, builtin, or\n"
		    "egd,backend.type=tcp|udp|unix,backend.source.host=,\n"
		    "backend.source.service=,...; rate.bytes=,rate.period=;\n"
		    "none: no RNG device",
		    .comp = VP_COMP_WORDS, .words = "none /dev/urandom /dev/random builtin egd"),
	VP_OPT_LIST(0, "controller", "OPTS",
		    "a controller: usb2 (EHCI with UHCI companions), usb3\n"
		    "(qemu-xhci), or TYPE (usb, scsi, sata, pci, virtio-serial)\n"
		    "with model=, index=, master.startport=, driver.queues=,\n"
		    "driver.iothread=, address=PCI, address.*; a usb one\n"
		    "replaces vprov's USB controller"),
	VP_OPT_LIST(0, "tpm", "OPTS",
		    "a TPM: emulator (swtpm; model tpm-crb, TPM 2.0) or\n"
		    "/dev/tpm0 (the host's, passed through), with\n"
		    "model=tpm-crb|tpm-tis, backend.version=1.2|2.0,\n"
		    "backend.device.path=; none: no TPM"),
	VP_OPT_LIST(0, "sound", "OPTS",
		    "a sound card: ich9 (the default), ich6, ac97, es1370,\n"
		    "sb16, usb; none: no sound card"),
	VP_OPT_LIST(0, "panic", "OPTS",
		    "a panic notifier: isa (the default; iobase=0x505, or\n"
		    "--panic 0x505), hyperv"),
	VP_OPT_LIST(0, "serial", "OPTS",
		    "another serial port (vprov's logged console stays port 0):\n"
		    "pty, file|dev|pipe with path=, unix with path=,mode=,\n"
		    "tcp|udp with host=HOST:PORT,mode=bind|connect,\n"
		    "protocol.type=telnet|raw, null, stdio; target.port=,\n"
		    "log.file=,log.append="),
	VP_OPT_LIST(0, "parallel", "OPTS", "a parallel port: the types and sub-options of --serial"),
	VP_OPT_LIST(0, "channel", "OPTS",
		    "a guest channel: unix|pty with target.type=virtio,\n"
		    "name=NAME (path=, mode=); spicevmc, spiceport,\n"
		    "qemu-vdagent; tcp with target.type=guestfwd,\n"
		    "target.address=ADDR:PORT; it replaces vprov's guest\n"
		    "agent channel; none: no channel"),
	VP_OPT_LIST(0, "video", "OPTS",
		    "the video card, replacing vprov's: virtio, vga, qxl,\n"
		    "bochs, ramfb, cirrus, with model.heads=, model.vram=,\n"
		    "model.ram=, model.vgamem=, model.acceleration.accel3d=,\n"
		    "model.primary=; none: no video card"),
	VP_OPT_LIST(0, "input", "OPTS",
		    "an input device: tablet, mouse, keyboard, with\n"
		    "bus=usb|virtio|ps2; evdev with source.evdev=/dev/input/\n"
		    "eventN,source.grab=all,source.repeat=; as in virt-install,\n"
		    "vprov's USB tablet is then left out"),
	VP_OPT_LIST(0, "smartcard", "OPTS",
		    "a smartcard reader: passthrough (type=spicevmc|tcp),\n"
		    "host, host-certificates with certificate0..2=,database="),
	VP_OPT_LIST(0, "redirdev", "OPTS",
		    "USB redirection: usb,type=spicevmc or\n"
		    "usb,type=tcp,server=HOST:PORT (boot.order=); none"),
	VP_OPT_LIST(0, "hostdev", "OPTS",
		    "a host device passed through: a PCI address\n"
		    "(0000:01:00.0, pci_0000_01_00_0) or a USB device\n"
		    "(VENDOR:PRODUCT as 0x1234:0x5678, or BUS.DEVICE as\n"
		    "001.003), with driver.name=vfio, rom.bar=, boot.order=",
		    .aliases = "host-device"),
	VP_OPT_LIST(0, "filesystem", "OPTS",
		    "a host directory shared with the guest: SOURCE,TAG\n"
		    "(9p, accessmode=mapped|passthrough|squash), or with\n"
		    "driver.type=virtiofs (then the guest's memory is\n"
		    "shared, as virtiofsd needs); source.dir=, target.dir=,\n"
		    "readonly=on"),
	VP_OPT_LIST(0, "vsock", "OPTS", "a virtio socket: cid.auto=yes or cid.address=N"),
	VP_OPT_LIST(0, "iommu", "OPTS",
		    "an IOMMU: intel or virtio, with driver.intremap=,\n"
		    "driver.caching_mode=, driver.eim=, driver.iotlb=,\n"
		    "driver.aw_bits="),
	VP_OPT_LIST(0, "shmem", "OPTS",
		    "shared memory between guests: NAME,model.type=ivshmem-plain|\n"
		    "ivshmem-doorbell,size=N,size.unit=M,server.path="),
	VP_OPT_LIST(0, "memdev", "OPTS",
		    "a memory device: dimm|nvdimm|virtio-pmem|virtio-mem,\n"
		    "target.size=MiB, target.node=N, target.block=KiB,\n"
		    "target.requested=KiB, source.path=, access=, ... (with\n"
		    "--memory ...,maxMemory= for hotplug)"),
	VP_OPT_LIST(0, "audio", "OPTS",
		    "the host's audio backend: TYPE (none, spice, pulseaudio,\n"
		    "alsa, ...)[,id=N]"),
	VP_OPT_LIST(0, "features", "OPTS",
		    "hypervisor features: acpi=on|off, apic=, pae=, apic.eoi=,\n"
		    "smm.state=on, vmport.state=, pmu.state=, vmcoreinfo.state=,\n"
		    "pvspinlock.state=, ioapic.driver=qemu|kvm, msrs.unknown=,\n"
		    "hyperv.NAME.state=on (relaxed, vapic, spinlocks, vpindex,\n"
		    "runtime, synic, stimer, reset, frequencies, reenlightenment,\n"
		    "tlbflush, ipi, evmcs, avic), hyperv.spinlocks.retries=N,\n"
		    "hyperv.stimer.direct.state=, kvm.NAME.state=on (hidden,\n"
		    "hint-dedicated, poll-control, pv-ipi); virt-install's\n"
		    "older names too (hyperv_relaxed=on, kvm_hidden=on, ...)"),
	VP_OPT_LIST(0, "events", "OPTS",
		    "what a poweroff, reboot or crash does: on_poweroff=, on_reboot=,\n"
		    "on_crash=destroy|restart|preserve|coredump-destroy|...,\n"
		    "on_lockfailure="),
	VP_OPT_LIST(0, "clock", "OPTS",
		    "the guest's clock: offset=utc|localtime|timezone|variable\n"
		    "(timezone=TZ, adjustment=SECONDS|reset, basis=utc|localtime);\n"
		    "timers by name: rtc_present=no, rtc_tickpolicy=catchup,\n"
		    "pit_present=, pit_tickpolicy=, hpet_present=, tsc_present=,\n"
		    "kvmclock_present=, hypervclock_present=; or by index:\n"
		    "timerN.name=NAME with timerN.present=, timerN.tickpolicy=,\n"
		    "timerN.track=, timerN.mode=, timerN.frequency=,\n"
		    "timerN.catchup.threshold|slew|limit= (vprov's rtc, pit and\n"
		    "hpet timers are edited in place)"),
	VP_OPT_LIST(0, "pm", "OPTS",
		    "power management: suspend_to_mem=on|off, suspend_to_disk=on|off\n"
		    "(or suspend_to_mem.enabled=, suspend_to_disk.enabled=; both\n"
		    "off by default)"),
	VP_OPT_LIST(0, "sysinfo", "OPTS",
		    "SMBIOS the guest sees: host, emulate, none, or\n"
		    "[smbios,]bios.vendor|version|date|release=,\n"
		    "system.manufacturer|product|version|serial|sku|family=,\n"
		    "baseBoard.manufacturer|product|version|serial|asset|location=,\n"
		    "chassis.manufacturer|version|serial|asset|sku=,\n"
		    "oemStrings.entryN=TEXT; type=fwcfg, entryN.name=NAME,\n"
		    "entryN.file=PATH|entryN=VALUE: QEMU fw_cfg entries (e.g.\n"
		    "Ignition). A cloud-init seed's serial (ds=nocloud) gives\n"
		    "way to a system.serial given here"),
	VP_OPT_LIST(0, "memorybacking", "OPTS",
		    "guest memory: hugepages=on, hugepages.pageN.size=,\n"
		    "hugepages.pageN.unit=, hugepages.pageN.nodeset=,\n"
		    "nosharepages=on, locked=on, discard=on,\n"
		    "access.mode=shared|private, source.type=file|anonymous|memfd,\n"
		    "allocation.mode=immediate|ondemand, allocation.threads=N"),
	VP_OPT_LIST(0, "resource", "OPTS",
		    "the VM's resource partition: [partition=]/machine,\n"
		    "fibrechannel.appid=ID"),
	VP_OPT_LIST(0, "numatune", "OPTS",
		    "NUMA memory policy: [nodeset=]0-1, mode=strict|preferred|\n"
		    "interleave|restrictive, memory.placement=static|auto,\n"
		    "memnodeN.cellid=, memnodeN.mode=, memnodeN.nodeset="),
	VP_OPT_LIST(0, "cputune", "OPTS",
		    "CPU tuning: vcpupinN.vcpu=, vcpupinN.cpuset=,\n"
		    "emulatorpin.cpuset=, iothreadpinN.iothread=|cpuset=,\n"
		    "shares=, period=, quota=, global_period=, global_quota=,\n"
		    "emulator_period=|quota=, iothread_period=|quota=,\n"
		    "emulatorsched.scheduler=|priority=,\n"
		    "vcpuschedN.vcpus=|scheduler=|priority=, iothreadschedN.*"),
	VP_OPT_LIST(0, "memtune", "OPTS",
		    "memory limits in KiB: [soft_limit=]N, hard_limit=,\n"
		    "swap_hard_limit=, min_guarantee="),
	VP_OPT_LIST(0, "blkiotune", "OPTS",
		    "block I/O weight: [weight=]N, deviceN.path=, deviceN.weight=,\n"
		    "deviceN.read_bytes_sec|write_bytes_sec|read_iops_sec|\n"
		    "write_iops_sec="),
	VP_OPT_LIST(0, "seclabel", "OPTS",
		    "the security label: type=dynamic|static|none,\n"
		    "model=selinux|apparmor|dac, label=, baselabel=, relabel=yes|no",
		    .aliases = "security"),
	VP_OPT_LIST(0, "metadata", "OPTS",
		    "title=TEXT, description=TEXT, genid=UUID, genid_enable=yes\n"
		    "(the name comes from --name, the OS from --os, the UUID is\n"
		    "vprov's)"),
	VP_OPT_LIST(0, "launch-security", "OPTS",
		    "AMD SEV: sev, cbitpos=N, reducedPhysBits=N, policy=0xN,\n"
		    "dhCert=, session=, kernelHashes=yes (the host must have SEV)",
		    .aliases = "launchSecurity launchsecurity"),
	VP_OPT_LIST(0, "qemu-commandline", "ARGS",
		    "pass ARGS to QEMU as they are (<qemu:commandline>), or\n"
		    "env=NAME=VALUE into its environment; libvirt cannot check\n"
		    "them and marks the VM tainted (custom-argv)"),
	VP_OPT_VALUE(0, "idmap", "OPTS", NULL, .hidden = true,
		     .refused = "it maps a container's user ids (LXC), and vprov makes QEMU/KVM guests"),
	VP_OPT_VALUE(0, "keywrap", "OPTS", NULL, .hidden = true,
		     .refused = "it sets s390 key wrapping, and vprov makes x86 guests"),
	VP_OPT_GROUP("behaviour"),
	VP_OPT_FLAG(0, "autostart", "start the VM when the host boots"),
	VP_OPT_FLAG(0, "transient", "do not keep a definition once the VM stops"),
	VP_OPT_VALUE(0, "autoconsole", "TYPE",
		     "text (the default): attach to the serial console after\n"
		     "starting, when on a terminal; none: do not; graphical:\n"
		     "vprov has no viewer, so it does not attach and says how\n"
		     "to connect one",
		     .comp = VP_COMP_WORDS, .words = "text none graphical"),
	VP_OPT_FLAG(0, "noautoconsole", "the same as --autoconsole none", .same_as = "autoconsole=none"),
	VP_OPT_FLAG(0, "noreboot", "when the install run ends, leave the VM off instead of\n"
		    "booting its disks"),
	VP_OPT_FLAG(0, "destroy-on-exit", "power the VM off when the console attached to it\n"
		    "closes"),
	VP_OPT_VALUE(0, "wait", "TIME",
		     "wait up to TIME (seconds, or 30s, 5m, 1h; -1: forever)\n"
		     "for the VM to power off, e.g. when an install ends"),
	VP_OPT_VALUE(0, "print-xml", "[=STEP]",
		     "print the domain XML and change nothing; with an install\n"
		     "run both documents (the install run's, then the final\n"
		     "VM's), or --print-xml=1 / --print-xml=2 for one",
		     .optional = true),
	VP_OPT_FLAG(0, "dry-run", "check everything, say what would be done, change nothing"),
	VP_OPT_LIST(0, "xml", "XPATH=VALUE",
		    "edit the domain XML vprov made, as virt-install does\n"
		    "(repeatable, in order, before it is validated):\n"
		    "./devices/disk[1]/serial=abc, ./@foo=bar (made where\n"
		    "missing; an empty VALUE clears), xpath.set=XPATH=VALUE,\n"
		    "xpath.set=XPATH,xpath.value=VALUE, xpath.create=XPATH,\n"
		    "xpath.delete=XPATH"),
	VP_OPT_LIST(0, "check", "OPTS",
		     "virt-install's checks: path_in_use=off, disk_size=off,\n"
		     "mac_in_use=off, path_exists=off, all=off (repeatable);\n"
		     "a check turned off makes its refusal a warning"),
	VP_OPT_FLAG(0, "force", "create it even when the host has less memory or pool\n"
				"space available than it asks for, or fewer than a\n"
				"quarter as many CPUs as it has vCPUs (warnings then)"),
	VP_OPT_FLAG(0, "json", "print the result (or with --dry-run the plan) as JSON;\n"
			       "notes and progress go to stderr as JSON lines"),
	VP_OPT_FLAG('q', "quiet", "errors only: no summary, notes, warnings or progress\n"
				  "(--print-xml, --dry-run and --json still print\n"
				  "their result)"),
	VP_OPT_FLAG('d', "debug", "each step and transfer as a line on stderr with the\n"
				  "time since the start, and the documents made"),
	VP_OPT_END,
};

static const char description[] =
	"Resolves the request against the host first, changing nothing there: the VM's\n"
	"name, devices and storage, the pools and volumes to make.  Then applies that\n"
	"plan step by step, writing each step's undo to a journal before the step runs:\n"
	"a failure or Ctrl+C removes everything made, newest first, and a create that\n"
	"died (SIGKILL, a crash, libvirtd gone) is rolled back by the next vprov command\n"
	"that reaches the host, or by 'vprov recover'.\n"
	"\n"
	"  vprov create web1 --memory 4G --vcpus 2 --disk size=40\n"
	"  vprov create db1 --disk size=100,pool=fast,cache=none --disk size=10,bus=scsi\n"
	"  vprov create k1 --disk none --network none \\\n"
	"      --boot kernel=/boot/vmlinuz,initrd=/boot/initrd.img,kernel_args=\"console=ttyS0\"\n"
	"  vprov create web2 --dry-run\n"
	"  vprov create --reinstall web1 --cdrom /var/lib/libvirt/images/debian-12.iso";

struct create_args {
	struct vp_domain_spec spec;   /* the command line's layer */
	bool print_xml, dry_run, noautoconsole;
	bool noreboot;                /* --noreboot: the install run's end leaves it off */
	bool destroy_on_exit;         /* --destroy-on-exit: off when the console closes */
	bool graphical;               /* --autoconsole graphical: no viewer here */
	int print_step;               /* --print-xml=1|2; 0: every document */
	bool wait_set;
	int64_t wait_ms;
	char *os;                     /* --os; "generic": none */
	bool os_type;                 /* --os-type (ignored) */
	char *line_pick;              /* the profile a release line named */
	struct vp_xmledits xml;       /* --xml */
	unsigned checks_off;          /* --check: VP_CHECK_* turned off */
};

static bool is_word(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

/* Does v look like a libvirt URI (qemu:///system, test:///default,
 * qemu+ssh://host/system), rather than an ISO's path or URL?  For the
 * scripts that wrote 'create NAME -c URI' when -c was the connection. */
static bool libvirt_uri(const char *v)
{
	static const char *const drivers[] = { "qemu", "test", "xen", "lxc", "libxl", "vbox",
					       "vmwarews", "vmwareplayer", "esx", "bhyve",
					       "openvz", "ch", "hyperv", "vz", "parallels", NULL };
	const char *sep = strstr(v, "://");
	size_t n, i;

	if (!sep)
		return false;
	n = strcspn(v, "+:");
	for (i = 0; drivers[i]; i++)
		if (strlen(drivers[i]) == n && !strncmp(v, drivers[i], n))
			return true;
	return false;
}

/* --check NAME=on|off,...: virt-install's names (virtinst's ParserCheck);
 * all= wins over the others, as there.  path_exists is accepted: vprov
 * never writes over an existing file (an existing path is used as is). */
static int parse_check(struct vp_ctx *ctx, const char *v, unsigned *off, int *all)
{
	static const struct { const char *name; unsigned flag; } checks[] = {
		{ "path_in_use", VP_CHECK_PATH_IN_USE },
		{ "disk_size", VP_CHECK_DISK_SIZE },
		{ "mac_in_use", VP_CHECK_MAC_IN_USE },
		{ "path_exists", 0 },
		{ "all", 0 },
	};
	const char *p = v;

	if (!*v)
		return vp_usage_error(ctx, "--check needs NAME=off, e.g. --check path_in_use=off"), -1;
	while (*p) {
		size_t n = strcspn(p, ","), k = strcspn(p, "=");
		_cleanup_(freep) char *val = NULL;
		bool on;
		size_t i;

		if (k >= n)
			return vp_usage_error(ctx, "invalid --check '%.*s': give NAME=on|off", (int)n, p), -1;
		for (i = 0; i < sizeof(checks) / sizeof(checks[0]); i++)
			if (strlen(checks[i].name) == k && !strncmp(p, checks[i].name, k))
				break;
		if (i == sizeof(checks) / sizeof(checks[0]))
			return vp_usage_error(ctx, "unknown --check '%.*s': use path_in_use, disk_size, mac_in_use, path_exists or all",
					      (int)k, p), -1;
		val = vp_strndup(p + k + 1, n - k - 1);
		if (!strcmp(val, "on") || !strcmp(val, "yes") || !strcmp(val, "true") || !strcmp(val, "1"))
			on = true;
		else if (!strcmp(val, "off") || !strcmp(val, "no") || !strcmp(val, "false") || !strcmp(val, "0"))
			on = false;
		else
			return vp_usage_error(ctx, "invalid --check %s='%s': use on or off", checks[i].name, val), -1;
		if (!strcmp(checks[i].name, "all"))
			*all = on;
		else if (on)
			*off &= ~checks[i].flag;
		else
			*off |= checks[i].flag;
		p += n;
		if (*p)
			p++;
	}
	return 0;
}

/* virt-install's --file PATH, --file-size GiB and --nonsparse: disks, as
 * --disk path=PATH,size=GiB,sparse=no would make them; not beside --disk
 * (--nodisks, that is --disk none, refuses them in the spec's parser). */
static int parse_file_disks(struct vp_ctx *ctx, const struct vp_args *args,
			    struct vp_domain_spec *s)
{
	size_t n_paths = vp_arg_count(args, "file"), n_sizes = vp_arg_count(args, "file-size");
	bool nonsparse = vp_arg_flag(args, "nonsparse");
	_cleanup_(freep) const char **paths = vp_calloc(n_paths + 1, sizeof(*paths));
	_cleanup_(freep) const char **sizes = vp_calloc(n_sizes + 1, sizeof(*sizes));
	struct vp_error err = { 0 };
	size_t i;

	if (!n_paths && !n_sizes && !nonsparse)
		return 0;
	for (i = 0; i < vp_arg_count(args, "disk"); i++)
		if (strcmp(vp_arg_nth(args, "disk", i), "none") != 0)
			return vp_usage_error(ctx, "--file, --file-size and --nonsparse do not go with --disk: give --disk PATH,size=GiB,sparse=no instead"),
			       -1;
	for (i = 0; i < n_paths; i++)
		paths[i] = vp_arg_nth(args, "file", i);
	for (i = 0; i < n_sizes; i++)
		sizes[i] = vp_arg_nth(args, "file-size", i);
	if (vp_spec_parse_file_disks(s, paths, n_paths, sizes, n_sizes, nonsparse, &err) < 0)
		return vp_usage_error(ctx, "%s", err.msg), -1;
	return 0;
}

/* The command line into a spec layer; -1 after a usage error was reported. */
static int parse(struct vp_ctx *ctx, const struct vp_args *args, struct create_args *a)
{
	struct vp_domain_spec *s = &a->spec;
	struct vp_error err = { 0 };
	const char *v, *env;
	size_t i;

	vp_set_str(&s->name, vp_arg_str(args, "name"));
	if ((v = vp_arg_str(args, "memory")) && vp_spec_parse_memory(s, v, &err) < 0)
		goto bad;
	if ((v = vp_arg_str(args, "vcpus")) && vp_spec_parse_vcpus(s, v, &err) < 0)
		goto bad;
	if ((v = vp_arg_str(args, "cpu")) && vp_spec_parse_cpu(s, v, &err) < 0)
		goto bad;
	if (vp_spec_topology_fill(s, &err) < 0)
		goto bad;
	if ((v = vp_arg_str(args, "iothreads")) && vp_spec_parse_iothreads(s, v, &err) < 0)
		goto bad;
	for (i = 0; i < vp_arg_count(args, "disk"); i++)
		if (vp_spec_parse_disk(s, vp_arg_nth(args, "disk", i), &err) < 0)
			goto bad;
	if (parse_file_disks(ctx, args, s) < 0)
		return -1;
	if (vp_arg_flag(args, "import"))
		s->import = VP_YES;
	for (i = 0; i < vp_arg_count(args, "boot"); i++)
		if (vp_spec_parse_boot(s, vp_arg_nth(args, "boot", i), &err) < 0)
			goto bad;
	for (i = 0; i < vp_arg_count(args, "network"); i++)
		if (vp_spec_parse_network(s, vp_arg_nth(args, "network", i), &err) < 0)
			goto bad;
	if ((v = vp_arg_str(args, "graphics")) && vp_spec_parse_graphics(s, v, &err) < 0)
		goto bad;
	if ((v = vp_arg_str(args, "console")) && vp_spec_parse_console(s, v, &err) < 0)
		goto bad;
	/* the options that are a piece of domain XML, in command-line order */
	for (i = 0; i < args->n_vals; i++)
		if (args->vals[i].value && vp_xmlopt_known(args->vals[i].opt->name) &&
		    vp_spec_parse_xmlopt(s, args->vals[i].opt->name, args->vals[i].value, &err) < 0)
			goto bad;
	if ((v = vp_arg_str(args, "location")) && vp_spec_parse_location(s, v, &err) < 0)
		goto bad;
	if ((v = vp_arg_str(args, "install")) && vp_spec_parse_install(s, v, &err) < 0)
		goto bad;
	if ((v = vp_arg_str(args, "unattended")) && vp_spec_parse_unattended(s, v, &err) < 0)
		goto bad;
	if ((v = vp_arg_str(args, "image"))) {
		if (!*v)
			return vp_usage_error(ctx, "--image needs an OS id, a URL, a file or POOL/VOL"), -1;
		if (vp_spec_check_value("--image", v, &err) < 0)
			goto bad;
		vp_set_str(&s->cloud.image, v);
	}
	if ((v = vp_arg_str(args, "cloud-init")) && vp_spec_parse_cloud_init(s, v, &err) < 0)
		goto bad;
	for (i = 0; i < vp_arg_count(args, "inject"); i++) {
		v = vp_arg_nth(args, "inject", i);
		if (!*v)
			return vp_usage_error(ctx, "--inject needs an edit, such as serial-console or hostname=NAME"), -1;
		if (vp_spec_check_value("--inject", v, &err) < 0)
			goto bad;
		vp_strings_add(&s->cloud.edits, &s->cloud.n_edits, vp_strdup(v));
	}
	if ((v = vp_arg_str(args, "extra-args"))) {
		if (vp_spec_check_value("--extra-args", v, &err) < 0)
			goto bad;
		vp_set_str(&s->install.extra_args, v);
	}
	if ((v = vp_arg_str(args, "cdrom"))) {
		if (!*v)
			return vp_usage_error(ctx, "--cdrom needs a path, a URL or POOL/VOL"), -1;
		if (vp_spec_check_value("--cdrom", v, &err) < 0)
			goto bad;
		if (libvirt_uri(v))
			return vp_usage_error(ctx, "--cdrom '%s' is a libvirt URI: in create, -c is --cdrom as in virt-install; give the connection as 'vprov -c URI create' or --connect URI",
					      v), -1;
		vp_set_str(&s->install.cdrom, v);
	}
	if (vp_arg_flag(args, "pxe"))
		s->install.pxe = VP_YES;
	for (i = 0; i < vp_arg_count(args, "initrd-inject"); i++) {
		v = vp_arg_nth(args, "initrd-inject", i);
		if (vp_spec_check_value("--initrd-inject", v, &err) < 0)
			goto bad;
		s->install.inject = vp_grow(s->install.inject, s->install.n_inject + 1,
					    sizeof(*s->install.inject));
		s->install.inject[s->install.n_inject++] = vp_strdup(v);
	}
	if (!!s->install.location + !!s->install.cdrom + !!s->install.tree_os > 1)
		return vp_usage_error(ctx, "give one install source: --location, --cdrom or --install ID"), -1;
	if (vp_arg_str(args, "os-type"))
		a->os_type = true;
	if ((v = vp_arg_str(args, "virt-type"))) {
		if (!is_word(v))
			return vp_usage_error(ctx, "invalid --virt-type '%s': use kvm or qemu", v), -1;
		vp_set_str(&s->virt_type, v);
	}
	if ((v = vp_arg_str(args, "arch"))) {
		if (!is_word(v))
			return vp_usage_error(ctx, "invalid --arch '%s'", v), -1;
		vp_set_str(&s->arch, v);
	}
	if ((v = vp_arg_str(args, "machine"))) {
		if (!*v || strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789.-_") != strlen(v))
			return vp_usage_error(ctx, "invalid --machine '%s'", v), -1;
		vp_set_str(&s->machine, v);
	}
	if (vp_arg_flag(args, "autostart"))
		s->autostart = VP_YES;
	if (vp_arg_flag(args, "transient"))
		s->transient = VP_YES;
	if ((v = vp_arg_str(args, "autoconsole"))) {
		if (strcmp(v, "text") && strcmp(v, "none") && strcmp(v, "graphical"))
			return vp_usage_error(ctx, "invalid --autoconsole '%s': use text, none or graphical",
					      v), -1;
		a->noautoconsole = strcmp(v, "text") != 0;
		a->graphical = !strcmp(v, "graphical");
	}
	if ((v = vp_arg_str(args, "wait"))) {
		if (vp_parse_duration(v, 7 * 24 * 3600 * 1000LL, "--wait", &a->wait_ms, &err) < 0)
			goto bad;
		a->wait_set = true;
	}
	if ((v = vp_arg_str(args, "print-xml"))) {
		a->print_xml = true;
		if (*v && strcmp(v, "1") && strcmp(v, "2"))
			return vp_usage_error(ctx, "invalid --print-xml '%s': give 1 (the install run) or 2 (the final VM)",
					      v), -1;
		a->print_step = *v ? *v - '0' : 0;
	}
	a->dry_run = vp_arg_flag(args, "dry-run");
	a->noreboot = vp_arg_flag(args, "noreboot");
	a->destroy_on_exit = vp_arg_flag(args, "destroy-on-exit");
	{
		int all = -1;

		for (i = 0; i < vp_arg_count(args, "check"); i++)
			if (parse_check(ctx, vp_arg_nth(args, "check", i), &a->checks_off, &all) < 0)
				return -1;
		if (all == 0)
			a->checks_off = VP_CHECK_PATH_IN_USE | VP_CHECK_DISK_SIZE | VP_CHECK_MAC_IN_USE;
		else if (all == 1)
			a->checks_off = 0;
	}
	for (i = 0; i < vp_arg_count(args, "xml"); i++) {
		v = vp_arg_nth(args, "xml", i);
		if (vp_spec_check_value("--xml", v, &err) < 0 || vp_xmledit_parse(&a->xml, v, &err) < 0)
			goto bad;
	}
	if ((v = vp_arg_str(args, "os"))) {
		/* virt-install also spells it name=ID[,require=on|off] */
		if (!strncmp(v, "name=", 5) || !strncmp(v, "short-id=", 9))
			v = strchr(v, '=') + 1;
		if (strchr(v, ',') && (!strstr(v, ",require=") || strchr(v, ',') != strstr(v, ",require=")))
			return vp_usage_error(ctx, "invalid --os '%s': give a profile id, e.g. --os debian12",
					      v), -1;
		a->os = vp_strndup(v, strcspn(v, ","));
		if (!*a->os)
			return vp_usage_error(ctx, "--os needs a profile id"), -1;
	}
	if ((v = vp_arg_pos(args, 0))) {
		if (s->name)
			return vp_usage_error(ctx, "the name is given twice ('%s' and '%s')", s->name, v), -1;
		vp_set_str(&s->name, v);
	}
	/* no name: the plan picks one after the OS profile, as virt-install does */
	if (s->name && vp_name_check(s->name, &err) < 0)
		goto bad;
	if (!s->virt_type && (env = getenv("VPROV_VIRT_TYPE")) && *env) {
		if (!is_word(env))
			return vp_usage_error(ctx, "invalid $VPROV_VIRT_TYPE '%s': use kvm or qemu", env), -1;
		vp_set_str(&s->virt_type, env);
	}
	if (s->transient == VP_YES && s->autostart == VP_YES)
		return vp_usage_error(ctx, "--transient and --autostart do not go together"), -1;
	if (s->import == VP_YES && s->boot.kernel)
		return vp_usage_error(ctx, "--import and --boot kernel= do not go together"), -1;
	return 0;
bad:
	vp_usage_error(ctx, "%s", err.msg);
	return -1;
}

/* The profile: --os, else the VM's name when it is a profile id; never a
 * silent guess (a name that only suggests profiles says so).  *note gets
 * what to say about it, said only when the create goes on. */
static int choose_profile(struct vp_ctx *ctx, struct create_args *a, struct vp_osinfo **db,
			  const char **os_id, char **note, struct vp_error *err)
{
	const char *name = a->spec.name;
	char *sug[3];
	size_t n, i;

	*os_id = NULL;
	*note = NULL;
	if (a->os && (!strcmp(a->os, "generic") || !strcmp(a->os, "linux")))
		return 0;
	if (vp_osinfo_open_default(ctx, db, NULL, err) < 0)
		return -1;
	if (a->os) {
		if (vp_osinfo_check(*db, a->os, err) < 0)
			return -1;
		*os_id = a->os;
		return 0;
	}
	/* no name: no profile to take from it (an install tree may say one) */
	if (!name)
		return 0;
	if (vp_osinfo_has(*db, name)) {
		*note = vp_strdup_printf("using OS profile '%s' because the VM is named so (choose another with --os, or --os generic)",
					 name);
		*os_id = name;
		return 0;
	}
	/* an install tree that says what it is chooses then */
	if (vp_install_requested(&a->spec.install))
		return 0;
	{
		/* a release line: the release of it supported longest */
		char *pick = NULL, *eol = NULL;

		if (vp_osinfo_line_pick(*db, name, &pick, &eol, err) < 0)
			return -1;
		if (pick) {
			*note = eol ? vp_strdup_printf("using OS profile '%s' for '%s': of that line the release supported longest (until %s); choose another with --os",
						       pick, name, eol) :
				      vp_strdup_printf("using OS profile '%s' for '%s': of that line the release supported longest (still supported); choose another with --os",
						       pick, name);
			a->line_pick = pick;
			*os_id = pick;
			free(eol);
			return 0;
		}
	}
	n = vp_osinfo_suggest(*db, name, sug, 3);
	if (n == 1)
		*note = vp_strdup_printf("'%s' is not an OS profile, so generic defaults are used; it suggests %s (choose with --os)",
					 name, sug[0]);
	else if (n == 2)
		*note = vp_strdup_printf("'%s' is not an OS profile, so generic defaults are used; it suggests %s or %s (choose with --os)",
					 name, sug[0], sug[1]);
	else if (n == 3)
		*note = vp_strdup_printf("'%s' is not an OS profile, so generic defaults are used; it suggests %s, %s or %s (choose with --os)",
					 name, sug[0], sug[1], sug[2]);
	for (i = 0; i < n; i++)
		free(sug[i]);
	return 0;
}

static json_object *result_json(const struct vp_create_result *res, const struct vp_plan *plan,
				bool dry)
{
	const struct vp_domain_spec *s = &res->spec;
	json_object *o = json_object_new_object(), *disks = json_object_new_array();
	json_object *acts = json_object_new_array();
	size_t i;

	json_object_object_add(o, "name", json_object_new_string(s->name));
	json_object_object_add(o, "uuid", json_object_new_string(s->uuid));
	json_object_object_add(o, "created", json_object_new_boolean(!dry));
	json_object_object_add(o, "virt_type", json_object_new_string(s->virt_type));
	json_object_object_add(o, "kvm_probed", json_object_new_boolean(res->kvm_probed));
	json_object_object_add(o, "arch", json_object_new_string(s->arch));
	json_object_object_add(o, "machine", vp_json_str(s->machine));
	json_object_object_add(o, "memory_mib", json_object_new_int64((int64_t)(s->memory >> 20)));
	json_object_object_add(o, "memory_from", vp_json_str(res->memory_from));
	json_object_object_add(o, "vcpus", json_object_new_int((int)s->vcpus));
	json_object_object_add(o, "os", vp_json_str(s->os.short_id));
	for (i = 0; i < s->n_disks; i++) {
		const struct vp_disk_spec *d = &s->disks[i];
		json_object *j = json_object_new_object();

		json_object_object_add(j, "target", json_object_new_string(d->target));
		json_object_object_add(j, "path", vp_json_str(d->src.path));
		json_object_object_add(j, "pool", vp_json_str(d->src.pool));
		json_object_object_add(j, "volume", vp_json_str(d->src.volume));
		json_object_object_add(j, "format", json_object_new_string(d->src.format));
		json_object_object_add(j, "created", json_object_new_boolean(d->src.create));
		if (d->src.create)
			json_object_object_add(j, "capacity_bytes",
					       json_object_new_int64((int64_t)d->src.capacity));
		if (d->src.backing_path)
			json_object_object_add(j, "backing_store",
					       json_object_new_string(d->src.backing_path));
		if (d->src.encryption) {
			json_object_object_add(j, "encryption", json_object_new_string(d->src.encryption));
			json_object_object_add(j, "secret", vp_json_str(d->src.secret_uuid));
		}
		json_object_array_add(disks, j);
	}
	json_object_object_add(o, "disks", disks);
	json_object_object_add(o, "console_log", vp_json_str(s->console_log));
	if (s->install.run) {
		json_object *in = json_object_new_object();

		json_object_object_add(in, "kernel_args", vp_json_str(s->install.cmdline));
		json_object_object_add(in, "kernel_volume", vp_json_str(s->install.kernel_vol));
		json_object_object_add(in, "initrd_volume", vp_json_str(s->install.initrd_vol));
		json_object_object_add(in, "pool", vp_json_str(s->install.kernel_pool ?
								s->install.kernel_pool : s->install.media_pool));
		json_object_object_add(o, "install_run", in);
	}
	for (i = 0; plan && i < plan->n_steps; i++)
		json_object_array_add(acts, json_object_new_string(plan->steps[i].desc));
	json_object_object_add(o, dry ? "would" : "done", acts);
	if (dry && plan) {
		json_object *pj = vp_plan_to_json(plan);
		json_object *mem = json_object_new_object();

		json_object_object_add(mem, "bytes", json_object_new_int64((int64_t)s->memory));
		json_object_object_add(mem, "from", vp_json_str(res->memory_from));
		json_object_object_add(pj, "memory", mem);
		if (res->resources)
			json_object_object_add(pj, "resources", vp_resources_json(res->resources));
		json_object_object_add(o, "plan", pj);
	}
	return o;
}

static void print_summary(const struct vp_create_result *res)
{
	const struct vp_domain_spec *s = &res->spec;
	char size[32];
	size_t i;

	vp_format_size(s->memory, size, sizeof(size));
	printf("created %sVM '%s'%s%s%s: %s, %u vCPU%s, %s%s\n",
	       s->transient == VP_YES ? "transient " : "", s->name, s->os.short_id ? " (" : "",
	       s->os.short_id ? s->os.short_id : "", s->os.short_id ? ")" : "", size, s->vcpus,
	       s->vcpus == 1 ? "" : "s", s->virt_type, !strcmp(s->virt_type, "qemu") ? " (TCG)" : "");
	for (i = 0; i < s->n_disks; i++) {
		const struct vp_disk_spec *d = &s->disks[i];

		vp_format_size(d->src.capacity, size, sizeof(size));
		printf("  disk %s: %s", d->target,
		       d->src.path ? d->src.path : d->src.volume ? d->src.volume : "?");
		if (d->src.create)
			printf(" (new, %s %s%s%s%s)", size, d->src.format,
			       d->src.backing_path ? ", linked clone of " : "",
			       d->src.backing_path ? d->src.backing_path : "",
			       d->src.encryption ? ", LUKS-encrypted" : "");
		else if (d->seed)
			printf(" (cloud-init seed, read-only)");
		putchar('\n');
	}
	if (s->console_log)
		printf("  console: vprov console %s (log: %s)\n", s->name, s->console_log);
}

/* The create's own knobs beside the shared ones: $VPROV_TEST_STALL_MS,
 * downloads fail sooner when stalled; $VPROV_TEST_CAPS=FILE, the host
 * capabilities read from FILE instead of asking libvirt (the compat suite
 * gives test:///default a KVM x86_64 host, as virt-install's tests do).
 * *caps gets the file's text, for the caller to free. */
static int test_knobs(struct vp_create_opts *opts, struct vp_test_pause *p, char **caps,
		      struct vp_error *err)
{
	const char *v;

	vp_test_knobs(&opts->fail_at, &opts->hook, &opts->hook_opaque, p);
	if ((v = getenv("VPROV_TEST_STALL_MS")) && *v)
		opts->fetch_stall_ms = strtol(v, NULL, 10);
	if ((v = getenv("VPROV_TEST_CAPS")) && *v) {
		if (!(*caps = vp_read_file(v, 4 << 20, NULL)))
			return vp_error_set(err, VP_ERR_INVALID, "cannot read $VPROV_TEST_CAPS '%s': %s",
					    v, strerror(errno));
		opts->caps_xml = *caps;
	}
	return 0;
}

/* After the install run: the VM as defined, booting its disks. */
static int start_final(struct vp_ctx *ctx, const char *name, bool noreboot)
{
	_cleanup_(virDomainFreep) virDomainPtr dom = NULL;
	struct vp_error err = { 0 };
	bool was_running;

	if (noreboot) {
		if (!ctx->quiet)
			printf("the install run of VM '%s' ended; it stays off (--noreboot): 'vprov start %s' boots it\n",
			       name, name);
		return VP_EXIT_OK;
	}
	if (vp_domain_lookup(ctx->conn, name, &dom, &err) < 0 ||
	    vp_domain_start(dom, &was_running, &err) < 0)
		return vp_fail(ctx, &err);
	if (!ctx->quiet)
		printf("the install run of VM '%s' ended; started it from its disks\n", name);
	return VP_EXIT_OK;
}

/* ---- --reinstall VM ------------------------------------------------------ */

/* What a reinstall takes: the install method, the profile of its
 * arguments, and how create behaves around the install run.  virt-install
 * ignores every other option there (its VM is the existing one); vprov
 * refuses them, so that nobody believes --memory or --disk changed it. */
static const char *const reinstall_opts[] = {
	"reinstall", "location", "extra-args", "initrd-inject", "unattended", "cdrom",
	"install", "pxe", "os", "autoconsole", "noreboot", "destroy-on-exit", "wait",
	"print-xml", "dry-run", "json", "connect", "help",
	"quiet", "debug", /* main's -q/--debug, once merged */
	NULL,
};

static int reinstall_check(struct vp_ctx *ctx, const struct vp_args *args)
{
	const char *vm = vp_arg_str(args, "reinstall");
	size_t i, k;

	if (!*vm)
		return vp_usage_error(ctx, "--reinstall needs the name or UUID of a VM"), -1;
	if (vp_arg_count(args, "reinstall") > 1)
		return vp_usage_error(ctx, "--reinstall is given twice: one VM at a time"), -1;
	if (vp_arg_pos(args, 0))
		return vp_usage_error(ctx, "--reinstall %s names the VM; a NAME argument ('%s') does not go with it",
				      vm, vp_arg_pos(args, 0)), -1;
	for (i = 0; i < args->n_vals; i++) {
		const char *name = args->vals[i].opt->name;

		for (k = 0; reinstall_opts[k] && strcmp(reinstall_opts[k], name); k++)
			;
		if (!reinstall_opts[k])
			return vp_usage_error(ctx, "--%s does not go with --reinstall: a reinstall applies only the install method to the VM as it is defined",
					      name), -1;
	}
	if (!vp_arg_str(args, "location") && !vp_arg_str(args, "cdrom") &&
	    !vp_arg_str(args, "install") && !vp_arg_flag(args, "pxe"))
		return vp_usage_error(ctx, "--reinstall needs an install method: --location, --cdrom, --install ID or --pxe"),
		       -1;
	return 0;
}

static json_object *reinstall_json(const struct vp_reinstall_result *res, const struct vp_plan *plan,
				   bool dry)
{
	const struct vp_domain_spec *s = &res->spec;
	json_object *o = json_object_new_object(), *acts = json_object_new_array();
	json_object *in = json_object_new_object();
	size_t i;

	json_object_object_add(o, "name", vp_json_str(s->name));
	json_object_object_add(o, "uuid", vp_json_str(s->uuid));
	json_object_object_add(o, "reinstall", json_object_new_boolean(true));
	json_object_object_add(o, "started", json_object_new_boolean(!dry));
	json_object_object_add(o, "os", vp_json_str(s->os.short_id));
	json_object_object_add(in, "kernel_args", vp_json_str(s->install.cmdline));
	json_object_object_add(in, "kernel_volume", vp_json_str(s->install.kernel_vol));
	json_object_object_add(in, "initrd_volume", vp_json_str(s->install.initrd_vol));
	json_object_object_add(in, "media_volume", vp_json_str(s->install.media_vol));
	json_object_object_add(in, "pool", vp_json_str(s->install.kernel_pool ? s->install.kernel_pool :
								   s->install.media_pool));
	json_object_object_add(o, "install_run", in);
	for (i = 0; plan && i < plan->n_steps; i++)
		json_object_array_add(acts, json_object_new_string(plan->steps[i].desc));
	json_object_object_add(o, dry ? "would" : "done", acts);
	if (dry && plan)
		json_object_object_add(o, "plan", vp_plan_to_json(plan));
	return o;
}

/* After the install run: what it still used goes, then the VM boots its
 * definition (its disks), as after a create's. */
static int reinstall_after(struct vp_ctx *ctx, struct vp_reinstall_result *res, bool noreboot)
{
	struct vp_error err = { 0 };

	if (vp_reinstall_cleanup(ctx->conn, res, &err) < 0)
		vp_report_warn(&ctx->reporter, "%s", err.msg);
	return start_final(ctx, res->spec.name, noreboot);
}

static int run_reinstall(struct vp_ctx *ctx, const struct vp_args *args)
{
	struct create_args a = { 0 };
	struct vp_osinfo *db = NULL;
	struct vp_reinstall_result res = { 0 };
	struct vp_plan *plan = NULL;
	struct vp_error err = { 0 };
	_cleanup_(freep) char *cache = vp_cache_dir();
	_cleanup_(freep) char *state = vp_state_dir();
	struct vp_create_opts copts = { 0 };
	struct vp_test_pause pause = { 0 };
	_cleanup_(freep) char *caps = NULL;
	struct vp_reinstall_opts opts = {
		.cache_dir = cache,
		.state_dir = state,
		.reporter = &ctx->reporter,
	};
	const char *name;
	int rc = VP_EXIT_OK;
	size_t i;

	if (reinstall_check(ctx, args) < 0 || parse(ctx, args, &a) < 0) {
		rc = VP_EXIT_USAGE;
		goto out;
	}
	opts.mode = a.dry_run ? VP_CREATE_DRY_RUN : a.print_xml ? VP_CREATE_PRINT_XML : VP_CREATE_REAL;
	if (test_knobs(&copts, &pause, &caps, &err) < 0) {
		rc = vp_fail(ctx, &err);
		goto out;
	}
	opts.fail_at = copts.fail_at;
	opts.hook = copts.hook;
	opts.hook_opaque = copts.hook_opaque;
	opts.fetch_stall_ms = copts.fetch_stall_ms;
	/* the profile only gives the installer's arguments (a tree's, the
	 * unattended script): --os, else the VM's own or the tree's */
	if (!a.os || (strcmp(a.os, "generic") && strcmp(a.os, "linux"))) {
		if (vp_osinfo_open_default(ctx, &db, NULL, &err) < 0 ||
		    (a.os && vp_osinfo_check(db, a.os, &err) < 0)) {
			rc = vp_fail(ctx, &err);
			goto out;
		}
		opts.os_id = a.os;
	}
	opts.osinfo = db;
	if (vp_connect(ctx, &err) < 0 ||
	    vp_domain_reinstall(ctx->conn, vp_arg_str(args, "reinstall"), &a.spec.install, &opts, &res,
				&plan, NULL, &err) < 0) {
		rc = vp_fail(ctx, &err);
		goto out;
	}
	vp_reporter_done(ctx);
	name = res.spec.name;
	if (a.print_xml) {
		/* as a create's: the install run's document, then the VM's */
		if (a.print_step != 2)
			fputs(res.install_xml, stdout);
		if (a.print_step != 1)
			fputs(res.xml, stdout);
		goto out;
	}
	if (ctx->json) {
		vp_json_print(reinstall_json(&res, plan, opts.mode != VP_CREATE_REAL));
	} else if (a.dry_run) {
		for (i = 0; i < plan->n_steps; i++)
			printf("would %s\n", plan->steps[i].desc);
	} else if (!ctx->quiet) {
		printf("reinstalling VM '%s': its install run started; its definition stays as it was\n", name);
		printf("  console: vprov console %s\n", name);
	}
	if (opts.mode != VP_CREATE_REAL)
		goto out;
	fflush(stdout);
	if (a.graphical)
		vp_say(ctx, "--autoconsole graphical: vprov has no graphical viewer, so it does not attach; connect one with 'virt-viewer%s%s %s'",
		       ctx->uri ? " --connect " : "", ctx->uri ? ctx->uri : "", name);
	if (a.wait_set) {
		int w = vp_domain_wait_shutoff(ctx->conn, name, a.wait_ms, &vp_interrupted, &err);

		if (w < 0) {
			rc = vp_fail(ctx, &err);
		} else if (w == 0) {
			vp_error_set(&err, VP_ERR_RUNTIME,
				     "the install run of VM '%s' still runs after the --wait time; it was left running",
				     name);
			rc = vp_fail(ctx, &err);
		} else {
			rc = reinstall_after(ctx, &res, a.noreboot);
		}
	} else if (!a.noautoconsole && !ctx->json && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
		struct vp_console_opts co = { .timeout_ms = -1 };

		rc = vp_console_session(ctx, name, &co);
		if (a.destroy_on_exit) {
			_cleanup_(virDomainFreep) virDomainPtr dom = NULL;
			bool was_running;

			if (vp_domain_lookup(ctx->conn, name, &dom, &err) < 0 ||
			    vp_domain_destroy(dom, &was_running, &err) < 0)
				rc = vp_fail(ctx, &err);
			else if (was_running && !ctx->quiet)
				printf("the console closed: VM '%s' powered off (--destroy-on-exit)\n", name);
			if (vp_reinstall_cleanup(ctx->conn, &res, &err) < 0)
				vp_report_warn(&ctx->reporter, "%s", err.msg);
		} else if (rc == VP_EXIT_OK &&
			   vp_domain_wait_shutoff(ctx->conn, name, 0, &vp_interrupted, &err) == 1) {
			rc = reinstall_after(ctx, &res, a.noreboot);
		}
	} else if (!ctx->json && !ctx->quiet) {
		printf("  the install runs now: when the installer reboots, the VM powers off;\n"
		       "  'vprov start %s' boots the installed system (or reinstall with --wait)\n", name);
		if (res.media_vol)
			printf("  volume '%s' of pool '%s' holds the installer ISO until then: 'virsh vol-delete %s --pool %s' removes it\n",
			       res.media_vol, res.media_pool, res.media_vol, res.media_pool);
	}
out:
	vp_osinfo_done(db);
	vp_spec_clear(&a.spec);
	free(a.os);
	free(a.line_pick);
	vp_xmledits_clear(&a.xml);
	vp_reinstall_result_clear(&res);
	vp_plan_free(plan);
	return rc;
}

static int run(struct vp_ctx *ctx, const struct vp_args *args)
{
	struct create_args a = { 0 };
	struct vp_osinfo *db = NULL;
	struct vp_create_result res = { 0 };
	struct vp_plan *plan = NULL;
	struct vp_error err = { 0 };
	_cleanup_(freep) char *cache = vp_cache_dir();
	_cleanup_(freep) char *state = vp_state_dir();
	_cleanup_(freep) char *note = NULL;
	_cleanup_(freep) char *caps = NULL;
	struct vp_test_pause pause = { 0 };
	struct vp_create_opts opts = {
		.cache_dir = cache,
		.state_dir = state,
		.reporter = &ctx->reporter,
	};
	int rc = VP_EXIT_OK;
	size_t i;

	if (vp_arg_str(args, "reinstall"))
		return run_reinstall(ctx, args);
	if (parse(ctx, args, &a) < 0) {
		rc = VP_EXIT_USAGE;
		goto out;
	}
	opts.force = vp_arg_flag(args, "force");
	opts.xml_edits = &a.xml;
	opts.checks_off = a.checks_off;
	opts.mode = a.dry_run ? VP_CREATE_DRY_RUN : a.print_xml ? VP_CREATE_PRINT_XML : VP_CREATE_REAL;
	if (test_knobs(&opts, &pause, &caps, &err) < 0) {
		rc = vp_fail(ctx, &err);
		goto out;
	}
	if (choose_profile(ctx, &a, &db, &opts.os_id, &note, &err) < 0) {
		rc = vp_fail(ctx, &err);
		goto out;
	}
	opts.osinfo = db;
	opts.os_from_name = opts.os_id && !a.os;
	if (a.os_type)
		vp_say(ctx, "--os-type is ignored, as virt-install 4 ignores it; --os chooses the OS profile");
	if (vp_arg_count(args, "qemu-commandline") && !a.print_xml)
		vp_report_warn(&ctx->reporter, "--qemu-commandline: libvirt does not check these QEMU arguments and marks the VM tainted (custom-argv); they may break with another QEMU");
	if (note) {
		opts.notes = (const char *const *)&note;
		opts.n_notes = 1;
	}
	if (vp_connect(ctx, &err) < 0 ||
	    vp_domain_create(ctx->conn, &a.spec, &opts, &res, &plan, NULL, &err) < 0) {
		rc = vp_fail(ctx, &err);
		goto out;
	}
	vp_reporter_done(ctx);
	if (a.graphical && !a.print_xml && !a.dry_run)
		vp_say(ctx, "--autoconsole graphical: vprov has no graphical viewer, so it does not attach; connect one with 'virt-viewer%s%s %s'",
		       ctx->uri ? " --connect " : "", ctx->uri ? ctx->uri : "", res.spec.name);
	if (a.print_xml) {
		/* virt-install's order: each step of the install, then the VM */
		if (res.install_xml && a.print_step != 2)
			fputs(res.install_xml, stdout);
		if (!res.install_xml || a.print_step != 1)
			fputs(res.xml, stdout);
	}
	if (ctx->json && !a.print_xml) {
		vp_json_print(result_json(&res, plan, opts.mode != VP_CREATE_REAL));
	} else if (a.dry_run && !a.print_xml) {
		char size[32];

		for (i = 0; i < plan->n_steps; i++)
			printf("would %s\n", plan->steps[i].desc);
		vp_format_size(res.spec.memory, size, sizeof(size));
		printf("memory: %s (%s)\n", size, res.memory_from ? res.memory_from : "vprov's default");
		if (res.resources) {
			_cleanup_(freep) char *sum = vp_resources_summary(res.resources);

			printf("checked %s\n", sum);
		}
	} else if (opts.mode == VP_CREATE_REAL && !ctx->quiet) {
		print_summary(&res);
	}
	if (ctx->debug && opts.mode == VP_CREATE_REAL) {
		if (res.install_xml)
			fprintf(stderr, "%s: debug: the install run's document:\n%s", ctx->prog,
				res.install_xml);
		if (res.xml)
			fprintf(stderr, "%s: debug: the VM's document:\n%s", ctx->prog, res.xml);
	}
	if (opts.mode != VP_CREATE_REAL)
		goto out;
	fflush(stdout);
	if (a.wait_set) {
		int w = vp_domain_wait_shutoff(ctx->conn, res.spec.name, a.wait_ms, &vp_interrupted, &err);

		if (w < 0) {
			rc = vp_fail(ctx, &err);
		} else if (w == 0) {
			vp_error_set(&err, VP_ERR_RUNTIME,
				     "VM '%s' is still running after the --wait time; it was left running",
				     res.spec.name);
			rc = vp_fail(ctx, &err);
		} else if (res.spec.install.run && res.spec.transient != VP_YES) {
			rc = start_final(ctx, res.spec.name, a.noreboot);
		}
	} else if (!a.noautoconsole && !ctx->json && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
		struct vp_console_opts co = { .timeout_ms = -1 };

		rc = vp_console_session(ctx, res.spec.name, &co);
		if (a.destroy_on_exit) {
			_cleanup_(virDomainFreep) virDomainPtr dom = NULL;
			bool was_running;

			if (vp_domain_lookup(ctx->conn, res.spec.name, &dom, &err) < 0 ||
			    vp_domain_destroy(dom, &was_running, &err) < 0)
				rc = vp_fail(ctx, &err);
			else if (was_running && !ctx->quiet)
				printf("the console closed: VM '%s' powered off (--destroy-on-exit)\n",
				       res.spec.name);
		} else if (rc == VP_EXIT_OK && res.spec.install.run &&
			   res.spec.transient != VP_YES &&
			   vp_domain_wait_shutoff(ctx->conn, res.spec.name, 0, &vp_interrupted, &err) == 1) {
			/* the console ends with the install run: the VM goes on from its disks */
			rc = start_final(ctx, res.spec.name, a.noreboot);
		}
	} else if (res.spec.install.run && !ctx->json && !ctx->quiet) {
		printf("  the install runs now: when the installer reboots, the VM powers off;\n"
		       "  'vprov start %s' boots the installed system (or create with --wait)\n",
		       res.spec.name);
	}
out:
	vp_osinfo_done(db);
	vp_spec_clear(&a.spec);
	free(a.os);
	free(a.line_pick);
	vp_xmledits_clear(&a.xml);
	vp_create_result_clear(&res);
	vp_plan_free(plan);
	return rc;
}

const struct vp_cmd vp_cmd_create = {
	.name = "create",
	.args = "NAME",
	.arg_what = "a VM name",
	.min_args = 0,
	.max_args = 1,
	.summary = "define and start a VM (virt-install's options where they overlap)",
	.description = description,
	.opts = options,
	.needs = VP_NEED_EVENTS | VP_NEED_SIGNALS,
	.run = run,
};
