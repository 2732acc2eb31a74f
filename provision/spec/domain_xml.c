/* provision/domain_xml.c — fill the domain template from a resolved spec
 *
 * Pure: no libvirt call, no file system, no clock.  Everything host-specific
 * (paths, domain type, machine, uuid) was resolved into the spec by
 * vp_create_plan() (provision/create.h).  Values go in as data through the tree API, so no
 * name, path or kernel argument can change the document's structure.
 */
#include "domain_xml.h"

#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "metadata.h"
#include "xmlutil.h"

static bool streq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

static bool has_install_media(const struct vp_domain_spec *s)
{
	size_t i;

	for (i = 0; i < s->n_disks; i++)
		if (s->disks[i].install_media)
			return true;
	return false;
}

static void build_os(xmlNodePtr os, const struct vp_domain_spec *s, bool install)
{
	xmlNodePtr type = vp_xml_child(os, "type");
	size_t i;

	vp_xml_set(type, "arch", s->arch);
	vp_xml_set(type, "machine", s->machine);
	if (s->boot.uefi == VP_YES)
		vp_xml_set(os, "firmware", "efi");
	if (install && s->install.kernel) {
		vp_xml_add(os, "kernel", s->install.kernel);
		if (s->install.initrd)
			vp_xml_add(os, "initrd", s->install.initrd);
		if (s->install.cmdline)
			vp_xml_add(os, "cmdline", s->install.cmdline);
	} else if (install) {
		/* the installer's ISO, or the network, first; then the disks */
		if (has_install_media(s))
			vp_xml_set(vp_xml_add(os, "boot", NULL), "dev", "cdrom");
		if (s->install.pxe == VP_YES)
			vp_xml_set(vp_xml_add(os, "boot", NULL), "dev", "network");
		vp_xml_set(vp_xml_add(os, "boot", NULL), "dev", "hd");
	} else if (s->boot.kernel) {
		vp_xml_add(os, "kernel", s->boot.kernel);
		if (s->boot.initrd)
			vp_xml_add(os, "initrd", s->boot.initrd);
		if (s->boot.cmdline)
			vp_xml_add(os, "cmdline", s->boot.cmdline);
	} else {
		for (i = 0; i < s->boot.n_devs; i++)
			vp_xml_set(vp_xml_add(os, "boot", NULL), "dev", s->boot.devs[i]);
	}
	/* SeaBIOS prints to the serial console too, so the console log tells
	 * a disk that does not boot from a guest that says nothing. */
	if (s->x86 && s->boot.uefi != VP_YES)
		vp_xml_set(vp_xml_add(os, "bios", NULL), "useserial", "yes");
}

static void build_disk(xmlNodePtr devices, xmlNodePtr before, const struct vp_disk_spec *d,
		       bool install)
{
	const struct vp_disk_source *src = &d->src;
	xmlNodePtr disk = vp_xml_add_before(devices, before, "disk");
	xmlNodePtr driver, source, target;
	bool cdrom = streq(d->device, "cdrom");

	vp_xml_set(disk, "type", src->type);
	vp_xml_set(disk, "device", cdrom ? "cdrom" : "disk");
	driver = vp_xml_add(disk, "driver", NULL);
	vp_xml_set(driver, "name", "qemu");
	vp_xml_set(driver, "type", src->format);
	if (d->cache)
		vp_xml_set(driver, "cache", d->cache);
	if (!cdrom)
		vp_xml_set(driver, "discard", "unmap");
	/* the installer's ISO is ejected once the install run is over */
	source = d->install_media && !install ? NULL : vp_xml_add(disk, "source", NULL);
	if (!source) {
		vp_xml_set(disk, "type", "file");
	} else if (streq(src->type, "block")) {
		vp_xml_set(source, "dev", src->path);
	} else if (streq(src->type, "volume")) {
		vp_xml_set(source, "pool", src->pool);
		vp_xml_set(source, "volume", src->volume);
	} else {
		vp_xml_set(source, "file", src->path);
	}
	target = vp_xml_add(disk, "target", NULL);
	vp_xml_set(target, "dev", d->target);
	vp_xml_set(target, "bus", d->bus);
	if (cdrom || d->readonly == VP_YES)
		vp_xml_add(disk, "readonly", NULL);
}

static void build_interface(xmlNodePtr devices, xmlNodePtr before, const struct vp_net_spec *n,
			    const char *model)
{
	xmlNodePtr iface = vp_xml_add_before(devices, before, "interface");

	vp_xml_set(iface, "type", n->type);
	if (n->mac)
		vp_xml_set(vp_xml_add(iface, "mac", NULL), "address", n->mac);
	if (streq(n->type, "network"))
		vp_xml_set(vp_xml_add(iface, "source", NULL), "network", n->source);
	else if (streq(n->type, "bridge"))
		vp_xml_set(vp_xml_add(iface, "source", NULL), "bridge", n->source);
	vp_xml_set(vp_xml_add(iface, "model", NULL), "type", n->model ? n->model : model);
}

static void build_graphics(xmlNodePtr devices, xmlNodePtr before, const struct vp_domain_spec *s)
{
	const char *listen = s->graphics.listen ? s->graphics.listen : "127.0.0.1";
	xmlNodePtr input, g, l, video, model;
	char port[16];

	if (s->dev.tablet != VP_NO && !streq(s->dev.usb_model, "none")) {
		input = vp_xml_add_before(devices, before, "input");
		vp_xml_set(input, "type", "tablet");
		vp_xml_set(input, "bus", "usb");
	}
	g = vp_xml_add_before(devices, before, "graphics");
	vp_xml_set(g, "type", s->graphics.type);
	if (s->graphics.port) {
		snprintf(port, sizeof(port), "%d", s->graphics.port);
		vp_xml_set(g, "port", port);
		vp_xml_set(g, "autoport", "no");
	} else {
		vp_xml_set(g, "autoport", "yes");
	}
	l = vp_xml_add(g, "listen", NULL);
	vp_xml_set(l, "type", "address");
	vp_xml_set(l, "address", listen);
	video = vp_xml_add_before(devices, before, "video");
	model = vp_xml_add(video, "model", NULL);
	vp_xml_set(model, "type", s->dev.video_model ? s->dev.video_model :
				  s->q35 || !s->x86 ? "virtio" : "vga");
}

/* USB: qemu-xhci (USB 3) by default; USB 2 (EHCI with its UHCI companions)
 * or USB 1 for OSes that lack an XHCI driver; none at all. */
static void build_usb(xmlNodePtr devices, const struct vp_domain_spec *s)
{
	xmlNodePtr usb = vp_xml_child(devices, "controller");
	const char *model = s->dev.usb_model;
	static const char *const companions[] = { "ich9-uhci1", "ich9-uhci2", "ich9-uhci3" };
	size_t i;

	if (!model || streq(model, "qemu-xhci"))
		return;
	if (streq(model, "none")) {
		vp_xml_set(usb, "model", "none");
		vp_xml_set(usb, "ports", NULL);
		return;
	}
	vp_xml_set(usb, "model", model);
	vp_xml_set(usb, "ports", NULL);
	if (!streq(model, "ich9-ehci1"))
		return;
	for (i = 0; i < 3; i++) {
		xmlNodePtr c = vp_xml_add_before(devices, usb->next, "controller");
		char port[4];

		vp_xml_set(c, "type", "usb");
		vp_xml_set(c, "model", companions[2 - i]);
		snprintf(port, sizeof(port), "%zu", (2 - i) * 2);
		vp_xml_set(vp_xml_add(c, "master", NULL), "startport", port);
	}
}

/* Windows guests: local-time RTC; on KVM the Hyper-V enlightenments. */
static void build_windows_bits(xmlNodePtr root, const struct vp_domain_spec *s)
{
	xmlNodePtr clock = vp_xml_child(root, "clock"), hv, n;

	if (s->dev.localtime == VP_YES)
		vp_xml_set(clock, "offset", "localtime");
	if (s->dev.hyperv != VP_YES || !streq(s->virt_type, "kvm"))
		return;
	hv = vp_xml_add(vp_xml_child(root, "features"), "hyperv", NULL);
	vp_xml_set(hv, "mode", "custom");
	vp_xml_set(vp_xml_add(hv, "relaxed", NULL), "state", "on");
	vp_xml_set(vp_xml_add(hv, "vapic", NULL), "state", "on");
	n = vp_xml_add(hv, "spinlocks", NULL);
	vp_xml_set(n, "state", "on");
	vp_xml_set(n, "retries", "8191");
	n = vp_xml_add(clock, "timer", NULL);
	vp_xml_set(n, "name", "hypervclock");
	vp_xml_set(n, "present", "yes");
}

/* The profile the VM was made from, as libvirt's tools record it. */
static void build_libosinfo(xmlNodePtr md, const struct vp_domain_spec *s)
{
	xmlNodePtr lo, os;
	xmlNsPtr ns;

	if (!s->os.id)
		return;
	lo = vp_xml_add(md, "libosinfo", NULL);
	ns = xmlNewNs(lo, BAD_CAST "http://libosinfo.org/xmlns/libvirt/domain/1.0",
		      BAD_CAST "libosinfo");
	xmlSetNs(lo, ns);
	os = vp_xml_add(lo, "os", NULL);
	xmlSetNs(os, ns);
	vp_xml_set(os, "id", s->os.id);
}

static void build_metadata(xmlNodePtr md, const struct vp_domain_spec *s)
{
	xmlNodePtr vm = vp_xml_add(md, VP_META_ROOT, NULL);
	xmlNsPtr ns = xmlNewNs(vm, BAD_CAST VP_META_NS, BAD_CAST VP_META_PREFIX);
	xmlNodePtr n;
	size_t i;

	xmlSetNs(vm, ns);
	vp_xml_set(vm, "version", VP_VERSION);
	if (s->os.id) {
		n = vp_xml_add(vm, "profile", NULL);
		xmlSetNs(n, ns);
		vp_xml_set(n, "id", s->os.id);
		vp_xml_set(n, "short-id", s->os.short_id);
	}
	if (s->spec_hash) {
		n = vp_xml_add(vm, "spec-hash", s->spec_hash);
		xmlSetNs(n, ns);
	}
	for (i = 0; i < s->n_disks; i++) {
		const struct vp_disk_source *src = &s->disks[i].src;

		/* the installer's ISO is not the VM's: recorded below only when
		 * vprov uploaded it for this VM */
		if (s->disks[i].install_media)
			continue;
		n = vp_xml_add(vm, "volume", NULL);
		xmlSetNs(n, ns);
		vp_xml_set(n, "role", s->disks[i].seed ? "seed" : "disk");
		vp_xml_set(n, "owned", src->create || s->disks[i].seed ? "yes" : "no");
		vp_xml_set(n, "pool", src->pool);
		vp_xml_set(n, "name", src->volume);
		vp_xml_set(n, "path", src->path);
		if (src->backing_path || src->backing_volume) {
			n = vp_xml_add(vm, "volume", NULL);
			xmlSetNs(n, ns);
			vp_xml_set(n, "role", "backing");
			vp_xml_set(n, "owned", "no");
			vp_xml_set(n, "pool", src->backing_pool);
			vp_xml_set(n, "name", src->backing_volume);
			vp_xml_set(n, "path", src->backing_path);
		}
	}
	/* what the install run boots: removed with the VM */
	{
		const struct { const char *role, *pool, *name, *path; } iv[] = {
			{ "kernel", s->install.kernel_pool, s->install.kernel_vol, s->install.kernel },
			{ "initrd", s->install.initrd_pool, s->install.initrd_vol, s->install.initrd },
			{ "media", s->install.media_pool, s->install.media_vol, NULL },
		};

		for (i = 0; i < sizeof(iv) / sizeof(iv[0]); i++) {
			if (!iv[i].name)
				continue;
			n = vp_xml_add(vm, "volume", NULL);
			xmlSetNs(n, ns);
			vp_xml_set(n, "role", iv[i].role);
			vp_xml_set(n, "owned", "yes");
			vp_xml_set(n, "pool", iv[i].pool);
			vp_xml_set(n, "name", iv[i].name);
			vp_xml_set(n, "path", iv[i].path);
		}
	}
}

static int build(const struct vp_domain_spec *s, bool install, xmlDocPtr *out,
		 struct vp_error *err)
{
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
	xmlNodePtr root, devices, anchor, n;
	char num[32];
	bool scsi = false;
	size_t i;

	if (!s->name || !s->virt_type || !s->arch || !s->memory || !s->vcpus)
		return vp_error_set(err, VP_ERR_RUNTIME,
				    "cannot build the domain XML: the spec is not resolved");
	if (vp_xml_parse(vp_template_domain, "templates/domain.xml", &doc, err) < 0)
		return -1;
	root = xmlDocGetRootElement(doc);
	vp_xml_set(root, "type", s->virt_type);
	vp_xml_set_text(vp_xml_child(root, "name"), s->name);
	if (s->uuid)
		vp_xml_set_text(vp_xml_child(root, "uuid"), s->uuid);
	else
		vp_xml_drop(vp_xml_child(root, "uuid"));
	build_libosinfo(vp_xml_child(root, "metadata"), s);
	build_metadata(vp_xml_child(root, "metadata"), s);
	snprintf(num, sizeof(num), "%llu", (unsigned long long)(s->memory / 1024));
	vp_xml_set_text(vp_xml_child(root, "memory"), num);
	vp_xml_set_text(vp_xml_child(root, "currentMemory"), num);
	snprintf(num, sizeof(num), "%u", s->vcpus);
	vp_xml_set_text(vp_xml_child(root, "vcpu"), num);
	build_os(vp_xml_child(root, "os"), s, install);
	if (s->cloud.seed_vol) {
		/* cloud-init's NoCloud source, named in SMBIOS besides the
		 * seed's volume label */
		xmlNodePtr os = vp_xml_child(root, "os");
		xmlNodePtr si = xmlNewNode(NULL, BAD_CAST "sysinfo");

		xmlAddPrevSibling(os, si);
		vp_xml_set(si, "type", "smbios");
		vp_xml_set(vp_xml_add(vp_xml_add(si, "system", NULL), "entry", "ds=nocloud"), "name",
			   "serial");
		vp_xml_set(vp_xml_add(os, "smbios", NULL), "mode", "sysinfo");
	}
	if (install) /* the installer's reboot ends the install run */
		vp_xml_set_text(vp_xml_child(root, "on_reboot"), "destroy");

	if (!s->x86) {
		/* acpi/apic/vmport and the x86 timers do not exist elsewhere */
		vp_xml_drop(vp_xml_child(root, "features"));
		vp_xml_set_text(vp_xml_child(root, "clock"), NULL);
		while ((n = vp_xml_child(vp_xml_child(root, "clock"), "timer")))
			vp_xml_drop(n);
	}
	if (s->cpu_mode) {
		n = vp_xml_add_before(root, vp_xml_child(root, "clock"), "cpu");
		vp_xml_set(n, "mode", s->cpu_mode);
		if (streq(s->cpu_mode, "host-passthrough"))
			vp_xml_set(n, "check", "none");
		vp_xml_set(n, "migratable", "on");
	}

	devices = vp_xml_child(root, "devices");
	/* disks first, in the order given */
	anchor = devices->children;
	for (i = 0; i < s->n_disks; i++) {
		build_disk(devices, anchor, &s->disks[i], install);
		if (streq(s->disks[i].bus, "scsi"))
			scsi = true;
	}
	/* controllers follow the usb one */
	anchor = vp_xml_child(devices, "serial");
	if (scsi) {
		n = vp_xml_add_before(devices, anchor, "controller");
		vp_xml_set(n, "type", "scsi");
		vp_xml_set(n, "model", "virtio-scsi");
	}
	if (s->q35) {
		n = vp_xml_add_before(devices, anchor, "controller");
		vp_xml_set(n, "type", "pci");
		vp_xml_set(n, "model", "pcie-root");
		for (i = 0; i < VP_PCIE_ROOT_PORTS; i++) {
			n = vp_xml_add_before(devices, anchor, "controller");
			vp_xml_set(n, "type", "pci");
			vp_xml_set(n, "model", "pcie-root-port");
		}
	}
	for (i = 0; i < s->n_nets; i++)
		build_interface(devices, anchor, &s->nets[i],
				s->dev.net_model ? s->dev.net_model : "virtio");
	n = vp_xml_child(vp_xml_child(devices, "serial"), "log");
	if (s->console_log)
		vp_xml_set(n, "file", s->console_log);
	else
		vp_xml_drop(n);
	if (s->graphics.type && !streq(s->graphics.type, "none"))
		build_graphics(devices, vp_xml_child(devices, "memballoon"), s);
	build_usb(devices, s);
	if (s->dev.agent == VP_NO)
		vp_xml_drop(vp_xml_child(devices, "channel"));
	if (s->dev.rng == VP_NO)
		vp_xml_drop(vp_xml_child(devices, "rng"));
	if (s->dev.balloon == VP_NO) /* libvirt adds one unless told 'none' */
		vp_xml_set(vp_xml_child(devices, "memballoon"), "model", "none");
	if (s->console_target && streq(s->console_target, "virtio")) {
		n = vp_xml_add_before(devices, vp_xml_child(devices, "channel"), "console");
		vp_xml_set(n, "type", "pty");
		vp_xml_set(vp_xml_add(n, "target", NULL), "type", "virtio");
	}
	if (s->x86)
		build_windows_bits(root, s);

	*out = TAKE_PTR(doc);
	return 0;
}

int vp_domain_build_xml(const struct vp_domain_spec *s, xmlDocPtr *out, struct vp_error *err)
{
	return build(s, false, out, err);
}

int vp_domain_build_install_xml(const struct vp_domain_spec *s, xmlDocPtr *out,
				struct vp_error *err)
{
	return build(s, true, out, err);
}
